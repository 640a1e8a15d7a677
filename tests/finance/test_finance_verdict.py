"""The verdict on a plan: three parts (targets year by year, maintenance debt and reinvestment, risk), thresholds
defined once, and "sound" only when all three hold."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.finance.verdict import (
    DEBT_GROWTH_TOLERANCE,
    LOW_PROBABILITY,
    AssetOutcome,
    TargetOutcome,
    Verdict,
    assess,
    cumulative_share_of_need,
    with_monte_carlo,
    with_risk,
)
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import reinvestment_path


@pytest.fixture(scope="module")
def data() -> MunicipalityData:
    return exempelkommun()


def test_three_parts_from_the_forecast(data: MunicipalityData) -> None:
    fc = forecast(data)
    v = assess(data, fc)
    # targets: every target of the forecast, its failing years exactly those the table marks as not met
    assert {t.target_id for t in v.targets} == set(fc.targets["target_id"])
    for t in v.targets:
        rows = fc.targets[fc.targets["target_id"] == t.target_id]
        assert t.years == tuple(rows["year"])
        assert t.failed_years == tuple(rows.loc[~rows["met"].astype(bool), "year"])
    assert v.targets_hold == bool(fc.targets["met"].all())
    # assets: from the statements' memo lines, base year from the overdue components
    memo = fc.statements.memo
    a = v.assets
    assert a is not None
    assert a.debt_base_kr == pytest.approx(reinvestment_path(data).debt_base_kr)
    assert a.debt_last_kr == pytest.approx(memo["underhållsskuld_fasta_priser"][-1])
    assert a.debt_peak_kr == pytest.approx(memo["underhållsskuld_fasta_priser"].max())
    assert a.share_of_need == pytest.approx(memo["reinvesteringar_fasta_priser"].sum()
                                            / memo["förnyelsebehov_fasta_priser"].sum())
    assert a.share_of_need == pytest.approx(cumulative_share_of_need(fc.statements)[-1])
    # risk: not measured until added
    assert v.risk is None and v.risk_holds is None and not v.sound
    mc_like = type("MC", (), {"all_years_probability": 0.004, "n_draws": 5000, "all_years_standard_error": 0.001})
    r = with_monte_carlo(v, mc_like()).risk
    assert r is not None and r.low and r.n_draws == 5000


def test_debt_grows_without_reinvestment_and_not_when_renewing_as_needed(data: MunicipalityData) -> None:
    nothing = assess(data, forecast(data, reinvestment_policy="ingen"), "ingen")
    assert nothing.assets is not None and nothing.assets.grows and nothing.assets_hold is False
    assert nothing.assets.reinvestment_kr == 0.0 and nothing.assets.share_of_need == 0.0
    needed = assess(data, forecast(data, reinvestment_policy="behov"), "behov")
    assert needed.assets is not None and not needed.assets.grows
    assert needed.assets.share_of_need == pytest.approx(1.0)
    assert not with_risk(nothing, 0.99, 1000).sound  # a growing debt is never sound, whatever the targets


def _assets(base: float, last: float) -> AssetOutcome:
    return AssetOutcome(2024, 2030, 2024, "ram", base, last, max(base, last), 2030, 1.0, 2.0)


def test_thresholds_are_where_they_are_said_to_be() -> None:
    base = 100e6
    assert not _assets(base, base * (1 + DEBT_GROWTH_TOLERANCE)).grows
    assert _assets(base, base * (1 + DEBT_GROWTH_TOLERANCE) + 1.0).grows
    assert not _assets(0.0, 0.0).grows and _assets(0.0, 10.0).grows
    v = Verdict(2025, 2030, (), _assets(base, base))
    assert with_risk(v, LOW_PROBABILITY - 1e-9, 100).risk.low
    assert not with_risk(v, LOW_PROBABILITY, 100).risk.low
    assert with_risk(v, float("nan"), 100).risk is None


def test_sound_only_when_all_three_hold() -> None:
    ok_target = TargetOutcome("M1", "resultat_andel", (2025, 2026), (), 1.0)
    bad_target = TargetOutcome("M1", "resultat_andel", (2025, 2026), (2026,), -1.0)
    for target, grows, prob in itertools.product((ok_target, bad_target), (False, True), (None, 0.2, 0.9)):
        v = Verdict(2025, 2026, (target,), _assets(100e6, 200e6 if grows else 100e6))
        if prob is not None:
            v = with_risk(v, prob, 1000)
        expected = target.holds and not grows and prob is not None and prob >= LOW_PROBABILITY
        assert v.sound is expected, (target, grows, prob)
    assert np.isnan(Verdict(2025, 2026, (), None).first_failed_year or np.nan)


# --- the law's balance requirement on the budget (KL 11 kap. 5 §) ----------------------------------------------

def test_a_budgeted_deficit_is_named_even_when_the_balanskrav_target_holds(data: MunicipalityData) -> None:
    """Closing Rönnviks skola in 2026 writes its book value off that year: the balanskravsresultat turns negative.
    Target M5 (restored within three years, 12 §) holds, but the budget does not balance (5 §): not sound."""
    from hushall.formatting import NBSP
    from hushall.reports.verdict import deficit_details, verdict_sentence

    fc = forecast(data, {"P-12": 2025, "P-11": 2026})
    v = with_risk(assess(data, fc), 0.9, 1000)
    bkr = np.asarray(fc.statements["balanskravsresultat"], dtype=float)
    assert [d.year for d in v.deficits] == [int(y) for y, b in zip(fc.years, bkr, strict=True) if b < -0.5] == [2026]
    d = v.deficits[0]
    assert d.balanskravsresultat_kr == pytest.approx(bkr[1])
    assert d.realisation_losses_kr == pytest.approx(-fc.statements["varav_realisationsförluster"][1])
    assert d.realisation_losses_kr > -d.balanskravsresultat_kr > 0  # the write-off is the cause
    assert v.targets_hold and not v.budget_balances and not v.sound
    text = verdict_sentence(v).replace(NBSP, " ")
    assert text.startswith("Delvis") and "budgeten går med underskott 2026" in text and "11 kap. 5 §" in text
    assert "realisationsförluster och utrangeringar" in deficit_details(v)[0]
    # without the closure every budget balances, and the sentence says nothing of a deficit
    balanced = with_risk(assess(data, forecast(data, {"P-12": 2025})), 0.9, 1000)
    assert balanced.budget_balances and balanced.deficits == ()
    assert "underskott" not in verdict_sentence(balanced) and deficit_details(balanced) == []


def test_what_else_moves_the_debt_is_the_timing_and_what_the_projects_take_over(data: MunicipalityData) -> None:
    """``other_debt_change``: renewing as needed, the need is what is spent (nothing else moves the debt);
    renewing nothing, it is the need's later renewals of each component — a lifetime after the first, and again —
    which never come (counted here from the register alone); a project that rebuilds (P-12, the VA network, done
    in 2027) adds the debt it takes over, in its completion year and no other."""
    from hushall.finance.verdict import other_debt_change
    from hushall.needs.reinvestment import component_status

    def run(schedule: dict[str, int], policy: str) -> tuple[np.ndarray, np.ndarray]:
        st = forecast(data, schedule, reinvestment_policy=policy).statements
        return other_debt_change(st), np.asarray(st.memo["underhållsskuld_fasta_priser"], dtype=float)

    np.testing.assert_allclose(run({"P-12": 2025}, "behov")[0], 0.0, atol=0.5)
    years = np.asarray(data.years)
    later = np.zeros(years.size)
    status = component_status(data)
    for value, life, due in zip(status["value_kr"], status["lifetime_whole_years"], status["first_due_year"],
                                strict=True):
        for t in range(max(int(due), int(years[0])) + int(life), int(years[-1]) + 1, int(life)):
            later[t - years[0]] += value
    nothing, debt_nothing = run({}, "ingen")
    assert later.sum() > 100e6
    np.testing.assert_allclose(nothing, -later, atol=0.5)
    rebuilt, debt_rebuilt = run({"P-12": 2025}, "ingen")
    done = int(np.flatnonzero(years == 2027)[0])
    taken = debt_nothing[done] - debt_rebuilt[done]
    assert taken > 10e6
    assert rebuilt[done] - nothing[done] == pytest.approx(-taken, abs=1.0)
    np.testing.assert_allclose(np.delete(rebuilt - nothing, done), 0.0, atol=0.5)
