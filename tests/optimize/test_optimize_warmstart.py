"""The warm start's local search: it keeps every relation, ceiling and target the rounded plan keeps, never lowers
the plan's worth, and on the example it raises it (the rounding stops at the first binding target)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.optimize.evaluate import evaluate_plan
from hushall.optimize.inputs import problem_from_municipality
from hushall.optimize.model import BuiltModel, create_model
from hushall.optimize.problem import OptimizationProblem
from hushall.optimize.solve import solve_lp_relaxation
from hushall.optimize.synthetic import synthetic_municipality
from hushall.optimize.warmstart import improve_locally, round_greedily


def _rounded_and_improved(problem: OptimizationProblem) -> tuple[np.ndarray, np.ndarray, BuiltModel]:
    bm = create_model(problem)
    _, sol, _, _ = solve_lp_relaxation(bm, bm.lm.arrays(), 30.0)
    assert sol is not None
    x0 = round_greedily(bm, sol[bm.x.start:bm.x.stop])
    return x0, improve_locally(bm, x0, time_budget_s=30.0), bm


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_local_search_keeps_what_the_rounding_keeps(seed: int) -> None:
    problem = synthetic_municipality(20, n_years=8, seed=seed, capacity=False, max_parallel=4)
    x0, x1, bm = _rounded_and_improved(problem)
    worth = problem.value + problem.debt_relief_kr / problem.kr_per_point
    assert worth @ x1 >= worth @ x0 - 1e-12
    assert np.bincount(problem.col_project, weights=x1, minlength=problem.n_projects).max() <= 1
    before, after = evaluate_plan(bm, x0), evaluate_plan(bm, x1)
    assert not after.relations_broken
    # never a target or ceiling broken more than by the rounded plan (kr rows 1 kr tolerance, as the warm start)
    more = after.limits["violation"].to_numpy() - before.limits["violation"].to_numpy()
    assert (more <= 1.0 + 1e-6).all()


def test_local_search_improves_the_example() -> None:
    problem = problem_from_municipality(exempelkommun(), renewal_decisions=False)  # the projects under the data's policy
    x0, x1, bm = _rounded_and_improved(problem)
    before, after = evaluate_plan(bm, x0), evaluate_plan(bm, x1)
    assert before.meets_targets and after.meets_targets
    assert after.objective > before.objective


def test_with_renewal_decisions_the_local_search_never_returns_a_worse_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the optimiser deciding the renewal (the default), the moves are valued with the data's policy as a
    fixed renewal and the result is kept only if the model values it at least as the start (on the example
    39,78 → 39,83 points before the renewal pools' bounds were tightened; since then the greedy start, 39,81, has no
    improving move); with the moves valued without the renewal (as before), which lowered the start
    (39,78 → 38,84 points), the start comes back unchanged."""
    import hushall.optimize.warmstart as ws
    from hushall.optimize.solve import assign_solution

    problem = problem_from_municipality(exempelkommun())
    assert problem.renewal is not None
    x0, x1, bm = _rounded_and_improved(problem)

    def value(x: np.ndarray) -> float:
        return assign_solution(bm, x, tight=False).objective

    start = value(x0)
    assert value(x1) >= start - 1e-9
    before, after = evaluate_plan(bm, x0), evaluate_plan(bm, x1)
    more = after.limits["violation"].to_numpy() - before.limits["violation"].to_numpy()
    assert (more <= 1.0 + 1e-6).all()
    # the moves blind to the renewal: improve_locally would lower the plan; the guard returns the start
    monkeypatch.setattr(ws, "policy_renewal", lambda bm: None)
    monkeypatch.setattr(ws, "_not_worse", lambda bm, x, than: True)
    blind = ws.improve_locally(bm, x0, time_budget_s=30.0)
    assert value(blind) < start - 1e-3  # what the guard is there for
    monkeypatch.undo()
    monkeypatch.setattr(ws, "policy_renewal", lambda bm: None)
    guarded = ws.improve_locally(bm, x0, time_budget_s=30.0)
    assert np.array_equal(guarded, x0)


def test_a_previous_plan_is_where_the_search_starts() -> None:
    """Interactive re-optimisation (issue 14): with a previous plan as ``start`` and hardly any time, the result is
    never worth less than that plan; without it the same time gives a worse plan (here). A stale start
    (a project or a start year the problem no longer offers) is a hint, not an error."""
    from hushall.optimize import optimize

    problem = synthetic_municipality(60, n_years=10, seed=4, capacity=True)
    best = optimize(problem, time_limit=30.0, mip_gap=1e-4, explain=False, ranking=False)
    quick: dict[str, Any] = {"time_limit": 0.01, "mip_gap": 1e-4, "explain": False, "ranking": False}
    cold = optimize(problem, **quick)
    warm = optimize(problem, start=best.schedule_dict, **quick)
    assert warm.objective >= best.objective - 1e-6 * abs(best.objective)
    assert warm.schedule_dict == best.schedule_dict or warm.objective > best.objective
    stale = {**best.schedule_dict, "no-such-project": 2030}
    first = next(iter(best.schedule_dict))
    stale[first] = int(problem.years[-1]) + 5  # outside the plan period: left out
    again = optimize(problem, start=stale, **quick)
    assert again.status in ("optimal", "feasible")
    assert cold.objective < warm.objective - 1e-3 * abs(warm.objective)


def test_add_forced_is_add_with_force_one_by_one() -> None:
    """The must-do projects of the ranking list are added in one batched replay: the same totals, the same
    largest excess of every target and ceiling over the intermediate plans as adding them one at a time."""
    from hushall.optimize.warmstart import _Plan

    p = synthetic_municipality(200, n_years=12, seed=8, capacity=False)
    bm = create_model(p)
    # the most expensive start column of 40 projects: together they break targets (and so the running maximum
    # of the excesses matters)
    cols_of = p.project_columns()
    cols = np.array([c[np.argmax(p.cost_kr[p.col_project[c]])] for c in cols_of[:40] if len(c)], dtype=np.int64)
    one, batched = _Plan(bm), _Plan(bm)
    for j in cols:
        one.add(np.array([j]), force=True)
    batched.add_forced(cols)
    assert np.array_equal(one.chosen, batched.chosen)
    for name in one.names:
        np.testing.assert_allclose(batched.totals[name], one.totals[name], rtol=1e-12)
    np.testing.assert_allclose(batched.fin_viol, one.fin_viol, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(batched.ceiling_viol, one.ceiling_viol, rtol=1e-9, atol=1e-3)
    assert one.fin_viol.max() > 0  # the plans do break targets: the maxima were compared, not zeros


def _start_value(bm: BuiltModel, x0: np.ndarray, capfd: Any) -> float:
    """The value HiGHS gives the start ``x0`` (its log: "MIP start solution is feasible: objective value is …")."""
    import re

    from hushall.optimize.solve import run_mip

    capfd.readouterr()
    run_mip(bm, bm.lm.arrays(), time_limit=1.0, mip_gap=1e-3, x_start=x0, log=True)
    said = re.search(r"MIP start solution is feasible: objective value is (\S+)", capfd.readouterr().out)
    assert said is not None, "HiGHS rejected the start"
    return float(said.group(1))


def test_with_renewal_decisions_highs_accepts_the_start_with_the_plans_renewal(capfd: Any) -> None:
    """With the optimiser deciding the renewal, the greedy start's treasury and balanskrav indicators are the
    financial model's with the plan's renewal: HiGHS accepts the start, worth more than with the indicators
    replayed without the renewal (as every start was handed before)."""
    import hushall.optimize.warmstart as ws
    from hushall.optimize.warmstart import integer_values, start_values

    bm = create_model(problem_from_municipality(exempelkommun(), renewal_decisions=True))
    _, sol, _, _ = solve_lp_relaxation(bm, bm.lm.arrays(), 30.0)
    assert sol is not None
    x0 = round_greedily(bm, sol[bm.x.start:bm.x.stop])
    idx, val = start_values(bm, x0)
    full, replayed_val = integer_values(bm, x0)
    assert np.array_equal(idx, full) and (val != replayed_val).any()  # the same integers, other indicators
    completed = _start_value(bm, x0, capfd)
    try:
        ws.start_values = integer_values  # type: ignore[assignment]
        replayed = _start_value(bm, x0, capfd)
    finally:
        ws.start_values = start_values
    assert completed > replayed + 1e-3


def test_without_renewal_decisions_the_start_fixes_every_integer() -> None:
    from hushall.optimize.warmstart import integer_values, start_values

    bm = create_model(problem_from_municipality(exempelkommun(), renewal_decisions=False))
    x0 = np.zeros(bm.problem.n_columns)
    for (i, v), (j, w) in zip(zip(*start_values(bm, x0), strict=True), zip(*integer_values(bm, x0), strict=True),
                              strict=True):
        assert i == j and v == w
