"""The optimiser agrees with brute force on small instances: every plan enumerated, relations, ceilings and the
replayed financial targets checked, the best value taken."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hushall.optimize import ModelOptions, evaluate_plan, optimize, synthetic_municipality
from hushall.optimize.model import create_model
from hushall.optimize.problem import EFFECTS, OptimizationProblem

EXACT = ModelOptions(borrowing_penalty=0.0, distance_penalty=0.0)


def all_plans(problem: OptimizationProblem) -> np.ndarray:
    """Every plan as the chosen column per project (-1: not chosen), shape (K, P)."""
    choices = [[-1, *np.flatnonzero(problem.col_project == q).tolist()] for q in range(problem.n_projects)]
    return np.array(list(itertools.product(*choices)), dtype=np.int64)


def keeps_relations(problem: OptimizationProblem, plans: np.ndarray) -> np.ndarray:
    """Which plans keep must-do, the alternatives (at most one of a group) and the dependencies (B starts after A
    is complete)."""
    chosen = plans >= 0
    ok = np.all(chosen | ~problem.must_do[None, :], axis=1)
    for g in np.unique(problem.exclusive_group[problem.exclusive_group >= 0]):
        ok &= chosen[:, problem.exclusive_group == g].sum(axis=1) <= 1
    for b in np.flatnonzero(problem.depends_on >= 0):
        a = problem.depends_on[b]
        done = np.where(chosen[:, a], problem.completion[np.maximum(plans[:, a], 0)], 10**9)
        ok &= ~chosen[:, b] | (done <= problem.col_start[np.maximum(plans[:, b], 0)])
    return ok


def feasible(problem: OptimizationProblem, plans: np.ndarray) -> np.ndarray:
    """Which plans keep every relation, ceiling and financial target (1 kr tolerance)."""
    k = len(plans)
    chosen = plans >= 0
    ok = keeps_relations(problem, plans)
    x = np.zeros((k, problem.n_columns))
    rows, cols = np.nonzero(chosen)
    x[rows, plans[rows, cols]] = 1.0
    eff = {name: np.asarray((problem.effect(name).T @ x.T).T) for name in EFFECTS}
    parallel = np.asarray((problem.active().T @ x.T).T)
    for c in problem.ceilings:
        lim = np.where(c.active(problem.n_years), c.limit, np.inf)
        if c.target_type == "investeringstak_kr":
            assert c.window == 1
            ok &= np.all(eff["invest_real"] <= lim + 1.0, axis=1)
        else:
            ok &= np.all(parallel <= lim + 1e-9, axis=1)
    fb = problem.finance
    if fb is not None:
        path = fb.replay(eff)
        for _, viol in fb.violations(path, eff):
            ok &= np.all(viol <= 1.0, axis=1)
    return ok


def least_violation(problem: OptimizationProblem) -> float:
    """The least total violation over plans that keep the relations: Mkr over targets and investment ceilings,
    plus the mean project cost (Mkr) per project over the parallel ceiling — the optimiser's measure."""
    plans = all_plans(problem)
    chosen = plans >= 0
    ok = keeps_relations(problem, plans)
    plans, chosen = plans[ok], chosen[ok]
    x = np.zeros((len(plans), problem.n_columns))
    rows, cols = np.nonzero(chosen)
    x[rows, plans[rows, cols]] = 1.0
    eff = {name: np.asarray((problem.effect(name).T @ x.T).T) for name in EFFECTS}
    parallel = np.asarray((problem.active().T @ x.T).T)
    total = np.zeros(len(plans))
    mean_cost = float(np.mean(problem.cost_kr)) / 1e6
    for c in problem.ceilings:
        lim = np.where(c.active(problem.n_years), c.limit, np.inf)
        if c.target_type == "investeringstak_kr":
            total += np.maximum(eff["invest_real"] - lim, 0.0).sum(axis=1) / 1e6
        else:
            total += np.maximum(parallel - lim, 0.0).sum(axis=1) * mean_cost
    fb = problem.finance
    if fb is not None:
        for _, viol in fb.violations(fb.replay(eff), eff):
            total += viol.sum(axis=1) / 1e6
    return float(total.min())


def brute_force(problem: OptimizationProblem) -> tuple[float, np.ndarray]:
    plans = all_plans(problem)
    ok = feasible(problem, plans)
    worth = problem.value + problem.debt_relief_kr / problem.kr_per_point
    total = np.where(plans >= 0, worth[np.maximum(plans, 0)], 0.0).sum(axis=1)
    total = np.where(ok, total, -np.inf)
    best = int(np.argmax(total))
    return float(total[best]), plans[best]


def with_relations(problem: OptimizationProblem, seed: int) -> OptimizationProblem:
    """Add every kind of relation: a must-do project, a pair of alternatives, a dependency."""
    rng = np.random.default_rng(seed)
    a, b, c, d, e = rng.permutation(problem.n_projects)[:5]
    problem.must_do[a] = True
    problem.exclusive_group[[b, c]] = problem.exclusive_group.max() + 1
    problem.depends_on[e] = d
    return problem


@pytest.mark.parametrize("seed", range(10))
def test_optimizer_agrees_with_brute_force(seed: int) -> None:
    problem = synthetic_municipality(7, n_years=4, seed=seed, capacity=False, ceiling_share=0.35,
                                     tight_finance=0.7, max_parallel=3 if seed % 2 else None, relations=False)
    if seed >= 4:
        problem = with_relations(problem, seed)
    assert len(all_plans(problem)) <= 100_000
    best, _ = brute_force(problem)
    result = optimize(problem, time_limit=20, mip_gap=0.0, explain=False, ranking=False, options=EXACT)
    if np.isfinite(best):
        assert result.status == "optimal"
        assert result.objective == pytest.approx(best, rel=1e-7, abs=1e-7)
    else:  # no plan meets every target: the optimiser says so, with the least violation, instead of crashing
        assert result.status == "targets_infeasible"
        assert result.violations
        mean_cost = float(np.mean(problem.cost_kr)) / 1e6
        total = sum(v["violation"] / 1e6 if v["unit"] == "kr" else v["violation"] * mean_cost
                    for v in result.violations)
        assert total == pytest.approx(least_violation(problem), rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_optimizer_agrees_with_brute_force_on_places(seed: int) -> None:
    """With the capacity network the value of a plan needs an LP (the places): enumerate a tiny instance."""
    problem = synthetic_municipality(4, n_years=3, n_districts=3, seed=100 + seed, finance=False,
                                     relations=False, ceiling_share=0.5)
    bm = create_model(problem, EXACT)
    plans = all_plans(problem)
    ok = feasible(problem, plans)
    best = -np.inf
    for plan in plans[ok]:
        x = np.zeros(problem.n_columns)
        x[plan[plan >= 0]] = 1.0
        best = max(best, evaluate_plan(bm, x).objective)
    result = optimize(problem, time_limit=20, mip_gap=0.0, explain=False, ranking=False, options=EXACT)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
