"""Monte Carlo: reproducibility, chunking, zero variance against the deterministic forecast, convergence, and the
drivers' distributions."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.projects import Schedule
from hushall.scenarios import MonteCarloSpec, execution_probability, simulate, simulate_chunk
from hushall.scenarios.montecarlo import draw_numbers


def test_a_seed_gives_the_same_numbers(data: MunicipalityData, plan: Schedule) -> None:
    a = simulate(data, plan, n_draws=600, seed=11)
    b = simulate(data, plan, n_draws=600, seed=11)
    c = simulate(data, plan, n_draws=600, seed=12)
    assert a.probabilities.equals(b.probabilities)
    assert a.percentiles.equals(b.percentiles)
    assert a.tornado.equals(b.tornado)
    assert not a.percentiles.equals(c.percentiles)


def test_random_numbers_do_not_depend_on_the_chunk() -> None:
    whole = draw_numbers(5, 0, 3000, 30, 6, 4)
    part = draw_numbers(5, 1000, 2500, 30, 6, 4)
    for w, p in zip(whole, part, strict=True):
        np.testing.assert_array_equal(w[1000:2500], p)


def test_chunked_equals_unchunked(data: MunicipalityData, plan: Schedule) -> None:
    one = simulate(data, plan, n_draws=2500, seed=3, chunk_size=2500, target_quantiles=True)
    many = simulate(data, plan, n_draws=2500, seed=3, chunk_size=700, target_quantiles=True)
    assert one.exact_quantiles and many.exact_quantiles
    assert one.probabilities.equals(many.probabilities)
    assert one.joint.equals(many.joint)
    cols = ["p10", "p50", "p90"]
    np.testing.assert_allclose(one.percentiles[cols], many.percentiles[cols], rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(one.target_quantiles[cols], many.target_quantiles[cols], rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(one.tornado[["low", "high"]], many.tornado[["low", "high"]], rtol=1e-9)


def test_zero_variance_is_the_deterministic_forecast_to_the_krona(data: MunicipalityData, plan: Schedule) -> None:
    spec = MonteCarloSpec.default().deterministic()
    raw = simulate_chunk(data, plan, spec, start=0, stop=4)
    fc = forecast(data, plan)
    for line in ("årets_resultat", "balanskravsresultat", "långfristiga_skulder", "likvida_medel", "eget_kapital",
                 "summa_tillgångar", "avskrivningar", "finansiella_kostnader", "materiella_anläggningstillgångar"):
        diff = np.abs(raw["statements"][line] - np.asarray(fc.statements[line])[None, :]).max()
        assert diff < 1.0, f"{line}: {diff} kr"
    res = simulate(data, plan, spec, n_draws=50)
    r = res.line("årets_resultat")
    expected = fc.income_statement.loc["årets_resultat"].to_numpy()
    for col in ("p10", "p50", "p90", "mean"):
        np.testing.assert_allclose(r[col].to_numpy(), expected, atol=1.0)
    met = fc.targets.set_index(["target_id", "year"])["met"]
    got = res.probabilities.set_index(["target_id", "year"])["probability"]
    np.testing.assert_array_equal(got.to_numpy(), met.reindex(got.index).astype(float).to_numpy())
    assert (res.probabilities["standard_error"] == 0).all()


def test_standard_error_shrinks_with_the_square_root_of_draws(data: MunicipalityData) -> None:
    small = [simulate(data, None, n_draws=250, seed=s).probability("M1").loc[2034] for s in range(1, 9)]
    large = [simulate(data, None, n_draws=2250, seed=s).probability("M1").loc[2034] for s in range(1, 9)]
    ratio = np.std(small, ddof=1) / np.std(large, ddof=1)
    assert 1.5 < ratio < 6.0  # expected √9 = 3
    res = simulate(data, None, n_draws=2250, seed=1)
    p = res.probabilities
    inside = (p["probability"] > 0.05) & (p["probability"] < 0.95)
    np.testing.assert_allclose(p.loc[inside, "standard_error"],
                               np.sqrt(p.loc[inside, "probability"] * (1 - p.loc[inside, "probability"]) / 2250))


def test_execution_rule_and_overrun_have_their_stated_means(data: MunicipalityData, plan: Schedule) -> None:
    e = float(execution_probability(0.64, 3))
    q = 1 - e
    assert 1 - (q + q**2 + q**3) / 3 == pytest.approx(0.64, abs=1e-9)
    spec = MonteCarloSpec.default().with_driver("genomförandegrad", sd_logit=0.0)
    raw = simulate_chunk(data, plan, spec, start=0, stop=4000)
    delays = raw["delay"]
    assert (delays == 0).mean() == pytest.approx(e, abs=0.02)
    assert delays.mean() == pytest.approx(q / e, abs=0.05)
    assert raw["overrun"].mean() == pytest.approx(1.17, abs=0.01)


def test_postponed_renewal_grows_the_maintenance_debt(data: MunicipalityData, plan: Schedule) -> None:
    # Without a reinvestment frame every backlog waits for the projects (the frame would clear some of it and
    # hide the projects' timing in the years it clears everything).
    frame = data.assumptions["reinvestering_ram_kr"].with_overrides({int(y): 0.0 for y in data.years}, "test: ingen ram")
    data = data.replace(assumptions={**data.assumptions, "reinvestering_ram_kr": frame})
    spec = MonteCarloSpec.default().deterministic().with_driver("genomförandegrad", mean=0.64)
    raw = simulate_chunk(data, plan, spec, start=0, stop=2000)
    det = simulate_chunk(data, plan, MonteCarloSpec.default().deterministic(), start=0, stop=1)
    debt, base = raw["lines"]["underhållsskuld"], det["lines"]["underhållsskuld"][0]
    # Until renewed components fall due again (15 years for surfaces), a later renewal means more debt.
    assert (debt[:, :15] >= base[None, :15] - 1e-6).all()
    assert (debt.mean(axis=0)[1:6] > base[1:6]).any()
    # Work that slips is done later: less is spent in the first years.
    inv = raw["effects"]["investment_kr"]
    assert inv[:, :3].sum(axis=1).mean() < det["effects"]["investment_kr"][0, :3].sum()


def test_drivers_stay_in_bounds_and_shocks_are_correlated(data: MunicipalityData) -> None:
    spec = MonteCarloSpec.default()
    raw = simulate_chunk(data, None, spec, start=0, stop=6000)
    assert (raw["statements"]["finansiella_kostnader"] <= 0).all()
    corr = np.corrcoef(raw["summary"].T)
    np.testing.assert_allclose(corr, spec.correlation, atol=0.05)


def test_histogram_percentiles_match_exact_ones(data: MunicipalityData, plan: Schedule) -> None:
    exact = simulate(data, plan, n_draws=3000, seed=2, exact_quantiles=True)
    approx = simulate(data, plan, n_draws=3000, seed=2, chunk_size=1000, exact_quantiles=False)
    for line in ("årets_resultat", "långfristiga_skulder", "soliditet"):
        a, b = exact.line(line), approx.line(line)
        spread = float((a["p90"] - a["p10"]).max()) + 1e-9
        for col in ("p10", "p50", "p90"):
            assert float((a[col] - b[col]).abs().max()) < 0.01 * spread + 1.0, (line, col)


def test_tornado_ranks_the_tax_base_above_the_execution_rate(data: MunicipalityData) -> None:
    res = simulate(data, None, n_draws=3000, seed=4)
    t = res.tornado[res.tornado["outcome"] == "resultat_summa"].set_index("driver")
    assert t.loc["skatteunderlag_tillväxt", "variance_share"] > 0.2
    assert t.loc["skatteunderlag_tillväxt", "swing"] > 0  # faster tax base growth, better results
    assert t.loc["skatteunderlag_tillväxt", "variance_share"] > t.loc["genomförandegrad", "variance_share"]
    assert 0 <= t["variance_share"].sum() <= 1.2
    # the rate's own effect: higher rates, lower results — although the rate moves with the tax base (0,3), whose
    # effect the tenths of the rate's shock alone would credit to the rate
    assert t.loc["ränta", "swing"] < 0
    assert t.loc["byggprisindex", "swing"] < 0
