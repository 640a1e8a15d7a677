"""The optimiser's plan and ``hushall.finance.forecast`` of that plan agree to the krona, and every target the
optimiser says it meets is met in the forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.optimize import evaluate_plan, optimize, problem_from_municipality, synthetic_municipality
from hushall.optimize.model import create_model
from hushall.optimize.problem import EFFECTS
from hushall.optimize.renewal_decisions import renewal_matrix
from hushall.projects.maintenance import renewal_groups, renewal_plan

LINES = {
    "result": "årets_resultat",
    "debt": "långfristiga_skulder",
    "cash": "likvida_medel",
    "equity": "eget_kapital",
    "fixed_assets": "materiella_anläggningstillgångar",
    "borrowing": "nyupptagna_lån",
}


def with_targets_from(data: MunicipalityData, first_year: int, last_year: int) -> MunicipalityData:
    """The municipality with its financial targets applying only from ``first_year`` to ``last_year``."""
    t = data.targets.copy()
    fin = t["target_id"].isin(["M1", "M2", "M3", "M4", "M5"])
    t.loc[fin, "from_year"] = first_year
    t.loc[fin, "to_year"] = last_year
    return data.replace(targets=t)


def decided_renewal(data: MunicipalityData, renewal: pd.DataFrame | None):  # type: ignore[no-untyped-def]
    """The forecast's reinvestment policy that replays a plan's decided renewal (``renewal`` of a result or a
    :class:`hushall.optimize.PlanEvaluation`); ``None`` (the data's policy) when the optimiser did not decide it."""
    if renewal is None:
        return None
    groups = renewal_groups(data)
    return renewal_plan(groups, renewal_matrix(renewal, groups.n_groups, np.asarray(data.years)))


def assert_agree(finance: pd.DataFrame, data: MunicipalityData, schedule: dict[str, int],
                 renewal: pd.DataFrame | None = None) -> pd.DataFrame:
    """The plan's statements are the forecast's to the krona (with the plan's renewal when it was decided)."""
    f = forecast(data, schedule, reinvestment_policy=decided_renewal(data, renewal))
    for var, line in LINES.items():
        np.testing.assert_allclose(finance[var].to_numpy(), f.statements[line], rtol=0, atol=1.0,
                                   err_msg=f"{var} / {line}")
    return f.targets


@pytest.fixture(scope="module")
def optimised() -> tuple[MunicipalityData, object]:
    data = with_targets_from(exempelkommun(), 2030, 2045)
    return data, optimize(data, time_limit=30, mip_gap=1e-3, explain=False, ranking=False)


def claims_match_forecast(rows: pd.DataFrame, forecast_targets: pd.DataFrame) -> None:
    """Every target-year the optimiser reports as met is met in the forecast, and every one it reports as broken
    is broken there (the parallel ceiling is counted the same way; investment volume in fixed prices)."""
    claimed = rows.assign(met=np.where(rows["unit"] == "kr", rows["violation"] <= 0.5, rows["violation"] <= 1e-6))
    merged = claimed.merge(forecast_targets, left_on=["target_id", "year"], right_on=["target_id", "year"],
                           suffixes=("", "_forecast"))
    assert len(merged) == len(claimed)
    bad = merged[merged["met"] != merged["met_forecast"]]
    assert bad.empty, bad[["target_id", "year", "violation", "margin_kr"]]


def test_plan_and_forecast_agree(optimised: tuple[MunicipalityData, object]) -> None:
    data, result = optimised
    assert result.status in ("optimal", "feasible", "targets_infeasible")  # type: ignore[attr-defined]
    assert result.renewal is not None  # type: ignore[attr-defined]  # the optimiser decides it by default
    targets = assert_agree(result.finance, data, result.schedule_dict, result.renewal)  # type: ignore[attr-defined]
    claims_match_forecast(result.targets, targets)  # type: ignore[attr-defined]
    if result.status != "targets_infeasible":  # type: ignore[attr-defined]
        assert targets["met"].all(), targets[~targets["met"]]


def test_claimed_margins_are_the_forecasts(optimised: tuple[MunicipalityData, object]) -> None:
    data, result = optimised
    rows = result.targets  # type: ignore[attr-defined]
    assert set(rows["target_id"]) >= {"M1", "M2", "M3", "M4", "M5", "M6", "M7"}
    f = forecast(data, result.schedule_dict,  # type: ignore[attr-defined]
                 reinvestment_policy=result.renewal_plan(data))  # type: ignore[attr-defined]
    m1 = rows[rows["target_id"] == "M1"].set_index("year")["room"]
    fm1 = f.targets[f.targets["target_id"] == "M1"].set_index("year")["margin_kr"]
    np.testing.assert_allclose(m1.to_numpy(), fm1.loc[m1.index].to_numpy(), atol=1.0)


def test_broken_targets_are_reported_as_the_forecast_has_them() -> None:
    """A result target no plan can meet (8 % of taxes and grants): every violation the optimiser reports is
    the forecast's, year by year, to the krona."""
    data = exempelkommun()
    t = data.targets.copy()
    t.loc[t["target_id"] == "M1", ["limit", "from_year"]] = [0.08, 2025]
    data = data.replace(targets=t)
    problem = problem_from_municipality(data)
    bm = create_model(problem)
    p12 = int(np.flatnonzero(problem.project_ids == "P-12")[0])
    col = problem.project_columns()[p12][0]
    x = np.zeros(problem.n_columns)
    x[col] = 1.0
    schedule = {"P-12": int(problem.years[problem.col_start[col]])}
    ev = evaluate_plan(bm, x)
    targets = assert_agree(ev.finance, data, schedule, ev.renewal)
    assert not ev.meets_targets
    claims_match_forecast(ev.limits, targets)
    m1 = ev.limits[ev.limits["target_id"] == "M1"].set_index("year")["violation"]
    fm1 = targets[targets["target_id"] == "M1"].set_index("year")
    np.testing.assert_allclose(m1.to_numpy(), np.maximum(-fm1["margin_kr"], 0).loc[m1.index].to_numpy(), atol=1.0)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 21), st.integers(0, 12)), min_size=0, max_size=8))
def test_any_schedule_agrees_with_forecast(picks: list[tuple[int, int]]) -> None:
    data = exempelkommun()
    problem = problem_from_municipality(data)
    bm = create_model(problem)
    cols_of = problem.project_columns()
    x = np.zeros(problem.n_columns)
    schedule = {}
    for q, k in picks:
        cols = cols_of[q]
        if not cols.size or problem.project_ids[q] in schedule:
            continue
        j = cols[k % len(cols)]
        x[j] = 1.0
        schedule[str(problem.project_ids[q])] = int(problem.years[problem.col_start[j]])
    ev = evaluate_plan(bm, x)
    assert_agree(ev.finance, data, schedule, ev.renewal)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_replay_equals_the_lp(seed: int) -> None:
    """The financial block's replay (the warm start's and the tests' check) equals the MILP's statements."""
    problem = synthetic_municipality(25, n_years=8, seed=seed % 50, capacity=False)
    bm = create_model(problem)
    rng = np.random.default_rng(seed)
    x = np.zeros(problem.n_columns)
    for cols in problem.project_columns():
        if cols.size and rng.random() < 0.5:
            x[rng.choice(cols)] = 1.0
    ev = evaluate_plan(bm, x)
    eff = {name: np.asarray(problem.effect(name).T @ x)[None, :] for name in EFFECTS}
    path = problem.finance.replay(eff)  # type: ignore[union-attr]
    for var in ("result", "debt", "cash", "borrowing"):
        np.testing.assert_allclose(ev.finance[var].to_numpy(), path[var][0], atol=1.0)


def test_optimised_plan_keeps_cash_between_floor_and_target_while_in_debt(
        optimised: tuple[MunicipalityData, object]) -> None:
    """The treasury of the optimised plan: never below the floor, and while the municipality is in debt, no
    cash above the liquidity target (it repays debt instead)."""
    data, result = optimised
    fin = result.finance  # type: ignore[attr-defined]
    cash, debt = fin["cash"].to_numpy(), fin["debt"].to_numpy()
    floor, target = data.assumption("kassa_golv_kr"), data.assumption("kassa_mål_kr")
    assert (cash >= floor - 1).all()
    in_debt = debt > 1
    assert in_debt.any()
    assert (cash[in_debt] <= target[in_debt] + 1).all()
    assert (fin["repayment"] > 1).any()
