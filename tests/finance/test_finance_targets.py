"""Targets of sheet Mål: pass/fail and margin in kr, per year and over periods, and the three-year balanskrav."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hushall.finance import Statements, balanskrav_requirements, evaluate_targets, forecast, target_results

YEARS = np.arange(2025, 2031)


def statements(**lines: np.ndarray) -> Statements:
    """Statements holding only the given lines (what the targets read)."""
    n = YEARS.size
    base = {
        "årets_resultat": np.zeros(n), "skatter_och_generella_statsbidrag": np.full(n, 1000.0),
        "avskrivningar": np.zeros(n), "nettoinvesteringar": np.zeros(n), "långfristiga_skulder": np.zeros(n),
        "invånare": np.full(n, 10.0), "eget_kapital": np.zeros(n), "summa_tillgångar": np.full(n, 100.0),
        "ansvarsförbindelse_pensioner": np.zeros(n), "investeringar_fasta_priser": np.zeros(n),
        "projekt_under_byggnad": np.zeros(n), "balanskravsresultat": np.zeros(n),
    }
    base.update({k: np.asarray(v, dtype=float) for k, v in lines.items()})
    income = {"årets_resultat": base.pop("årets_resultat")}
    return Statements(YEARS, income, {}, {}, base, {}, ())


def one(ttype: str, limit: float, period: int = 1, **lines: np.ndarray):
    targets = pd.DataFrame({"target_id": ["T"], "target_type": [ttype], "limit": [limit], "period_years": [period],
                            "from_year": [pd.NA], "to_year": [pd.NA], "criterion": [""]})
    (res,) = target_results(targets, statements(**lines))
    return res


def test_result_share_per_year():
    r = one("resultat_andel", 0.02, årets_resultat=np.array([30, 20, 10, 25, -5, 20.0]))
    np.testing.assert_allclose(r.value, [0.03, 0.02, 0.01, 0.025, -0.005, 0.02])
    assert r.met.tolist() == [True, True, False, True, False, True]
    np.testing.assert_allclose(r.margin_kr, [10, 0, -10, 5, -25, 0])  # kr of result above 2 % of 1 000


def test_result_share_over_a_rolling_period():
    """Three-year average as the ratio of sums; the first years use the plan years available."""
    r = one("resultat_andel", 0.02, period=3, årets_resultat=np.array([30, 20, 10, 25, -5, 20.0]))
    np.testing.assert_allclose(r.value, [0.03, 0.025, 0.02, 55 / 3000, 30 / 3000, 40 / 3000])
    np.testing.assert_allclose(r.margin_kr, [10, 10, 0, -5, -30, -20])
    assert r.met.tolist() == [True, True, True, False, False, False]


def test_self_financing_over_a_period():
    """(ÅR + avskrivningar) / nettoinvesteringar ≥ 60 % over two years; avskrivningar are negative lines."""
    r = one("självfinansieringsgrad", 0.6, period=2, årets_resultat=np.full(6, 10.0),
            avskrivningar=np.full(6, -40.0), nettoinvesteringar=np.array([50, 100, 100, 0, 0, 200.0]))
    np.testing.assert_allclose(r.value, [1.0, 100 / 150, 0.5, 1.0, np.nan, 0.5], equal_nan=True)
    np.testing.assert_allclose(r.margin_kr, [20, 10, -20, 40, 100, -20])
    assert r.met.tolist() == [True, True, False, True, True, False]


def test_debt_per_inhabitant_upper_bound():
    r = one("låneskuld_per_invånare", 50_000, långfristiga_skulder=np.array([4e5, 5e5, 6e5, 5e5, 5e5, 5e5]))
    np.testing.assert_allclose(r.value, [40_000, 50_000, 60_000, 50_000, 50_000, 50_000])
    np.testing.assert_allclose(r.margin_kr, [1e5, 0, -1e5, 0, 0, 0])
    assert r.met.tolist() == [True, True, False, True, True, True]


def test_equity_ratio_with_and_without_pensions():
    eq = np.array([40, 30, 29, 35, 50, 60.0])
    r = one("soliditet", 0.3, eget_kapital=eq)
    np.testing.assert_allclose(r.margin_kr, eq - 30)
    assert r.met.tolist() == [True, True, False, True, True, True]
    r2 = one("soliditet_inkl_pensioner", 0.3, eget_kapital=eq, ansvarsförbindelse_pensioner=np.full(6, 15.0))
    np.testing.assert_allclose(r2.value, (eq - 15) / 100)
    assert r2.met.tolist() == [False, False, False, False, True, True]


def test_investment_ceiling_in_fixed_prices():
    r = one("investeringstak_kr", 100.0, investeringar_fasta_priser=np.array([90, 110, 100, 0, 0, 0.0]))
    np.testing.assert_allclose(r.margin_kr, [10, -10, 0, 100, 100, 100])
    assert r.met.tolist() == [True, False, True, True, True, True]


def test_parallel_projects_ceiling():
    r = one("max_parallella_projekt", 2, projekt_under_byggnad=np.array([0, 1, 3, 2, 0, 0.0]))
    assert r.met.tolist() == [True, True, False, True, True, True]
    assert np.isnan(r.margin_kr).all()


@pytest.mark.parametrize(("bkr", "limit", "met"), [
    # a deficit restored within three years passes
    ([-10, 4, 3, 3, 0, 0], [0, 0, 0, 3, 0, 0], [True] * 6),
    # not restored by the third year: the fourth year after fails with the shortfall
    ([-10, 0, 0, 4, 20, 0], [0, 0, 0, 10, 6, 0], [True, True, True, False, True, True]),
    # first in, first out: 8 restores 8 of the first deficit; 2 are due in year 4, then 2 + 5 in year 5
    ([-10, -5, 8, 0, 0, 7], [0, 0, 0, 2, 7, 7], [True, True, True, False, False, True]),
    # never restored: fails from the deadline on
    ([-10, 0, 0, 0, 0, 0], [0, 0, 0, 10, 10, 10], [True, True, True, False, False, False]),
])
def test_balanskrav_three_year_rule(bkr, limit, met):
    r = one("balanskrav", 0.0, balanskravsresultat=np.array(bkr, dtype=float))
    np.testing.assert_allclose(r.limit, limit)
    assert r.met.tolist() == met
    np.testing.assert_allclose(r.margin_kr, np.array(bkr) - np.array(limit))


def test_balanskrav_vectorised_over_scenarios():
    b = np.array([[-10, 0, 0, 4, 20, 0], [5, 5, 5, 5, 5, 5.0]])
    limit, overdue = balanskrav_requirements(b)
    np.testing.assert_allclose(limit[0], [0, 0, 0, 10, 6, 0])
    np.testing.assert_allclose(overdue[0], [0, 0, 0, 6, 0, 0])
    assert not limit[1].any()


def test_evaluate_targets_on_a_municipality(small_municipality):
    f = forecast(small_municipality)
    t = f.targets
    assert list(t.columns) == ["target_id", "target_type", "year", "value", "limit", "met", "margin_kr"]
    assert set(t["target_id"]) == {"M1", "M2", "M3", "M4", "M5"}  # V1 is a weight, not a target
    assert sorted(t.loc[t.target_id == "M4", "year"]) == [2027, 2028, 2029, 2030]
    assert t["met"].dtype == bool
    m1 = t[t.target_id == "M1"].set_index("year")
    result = f.income_statement.loc["årets_resultat"]
    tax = f.income_statement.loc[["skatteintäkter", "generella_statsbidrag"]].sum()
    np.testing.assert_allclose(m1["margin_kr"], (result - 0.01 * tax).to_numpy())
    np.testing.assert_array_equal(m1["met"], (result - 0.01 * tax >= -0.5).to_numpy())


def test_evaluate_targets_with_scenario_axis(small_municipality):
    from hushall.finance import build_inputs, run

    rates = np.array([[0.01], [0.08]]) * np.ones(small_municipality.horizon_years)
    st = run(build_inputs(small_municipality, overrides={"ränta": rates}))
    t = evaluate_targets(small_municipality, st)
    assert next(iter(t.columns)) == "scenario"
    assert set(t["scenario"]) == {0, 1}
    m1 = t[t.target_id == "M1"].groupby("scenario")["margin_kr"].sum()
    assert m1[0] > m1[1]  # higher interest, lower result
