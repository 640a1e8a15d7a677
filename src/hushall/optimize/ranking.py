"""The baseline the optimiser is compared with: a benefit/cost ranking list funded year by year.

How many municipalities prioritise today: rank the requests by weighted score per krona, take the must-do
projects first, then go down the list and give each project the earliest start year in its window in which the
year's money (the investment ceiling, genomförandekapacitet) still covers its outlay in every construction year —
and, when there is one, the ceiling on projects in parallel allows it. Of mutually exclusive alternatives the best
ranked is taken; a project that depends on another waits until that one is complete. The financial targets are
not looked at: that is exactly what the comparison shows.

Examples
--------
>>> from hushall.optimize.synthetic import synthetic_municipality
>>> p = synthetic_municipality(30, n_years=8, seed=2, finance=False, capacity=False)
>>> x = rank_by_benefit_cost(p)
>>> bool(x.sum() > 0) and bool(((p.invest_real.T @ x) <= p.yearly_limit("investeringstak_kr") + 1).all())
True
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hushall.optimize.model import BuiltModel
from hushall.optimize.problem import OptimizationProblem

FloatArray = NDArray[np.float64]


def ranking_order(problem: OptimizationProblem) -> NDArray[np.int64]:
    """Projects in the order of the list: must-do first, then weighted score per krona (ties: cheaper first)."""
    ws = problem.weighted_score
    ratio = ws / np.maximum(problem.cost_kr, 1.0)
    return np.lexsort((problem.cost_kr, -ratio, ~problem.must_do)).astype(np.int64)


def rank_by_benefit_cost(problem: OptimizationProblem) -> FloatArray:
    """The ranking list's plan as a 0/1 vector over the problem's columns."""
    p = problem
    t_count = p.n_years
    money = p.yearly_limit("investeringstak_kr").copy()
    slots = p.yearly_limit("max_parallella_projekt").copy()
    # dense once (columns × years; 64 MB at 400,000 columns × 20 years): a project's start years are then
    # checked by one slice
    invest = p.invest_real.toarray()
    active = p.active().toarray()
    cols_of = p.project_columns()
    x = np.zeros(p.n_columns)
    chosen = np.full(p.n_projects, -1, dtype=np.int64)
    group_taken: set[int] = set()
    completion = p.completion
    for q in ranking_order(p):
        cols = cols_of[q]
        if not cols.size:
            continue
        g = int(p.exclusive_group[q])
        if g >= 0 and g in group_taken:
            continue
        a = int(p.depends_on[q])
        ready = 0
        if a >= 0:
            if chosen[a] < 0:
                continue
            ready = int(completion[chosen[a]])
        cols = cols[np.argsort(p.col_start[cols], kind="stable")]
        ready_cols = cols[p.col_start[cols] >= ready]
        pick = -1
        if ready_cols.size:
            if p.must_do[q]:
                pick = int(ready_cols[0])
            else:
                # every start year of the project checked at once: the first whose outlay and activity fit
                fit = ((invest[ready_cols] <= money + 1e-6).all(axis=1)
                       & (active[ready_cols] <= slots + 1e-9).all(axis=1))
                hit = np.flatnonzero(fit)
                pick = int(ready_cols[hit[0]]) if hit.size else -1
        if pick < 0 and p.must_do[q]:
            pick = int(cols[0])
        if pick < 0:
            continue
        x[pick] = 1.0
        chosen[q] = pick
        money = money - invest[pick]
        slots = slots - active[pick]
        if g >= 0:
            group_taken.add(g)
    del t_count
    return x


def rank_within_targets(bm: BuiltModel, max_wait_years: int = 3) -> FloatArray:
    """The same ranking list, but a project is funded only where the plan still meets every target and ceiling
    (replayed financial model): the list a careful finance department would fund. Must-do projects first; a
    project waits at most ``max_wait_years`` years beyond its earliest start."""
    from hushall.optimize.warmstart import _greedy_pass, _Plan

    p = bm.problem
    plan = _Plan(bm)
    # each project's columns by start year (ties: column order), in one sort; a project waits at most
    # ``max_wait_years`` beyond its earliest start for money and financial room
    by_start = np.lexsort((p.col_start, p.col_project))
    bounds = np.searchsorted(p.col_project[by_start], np.arange(p.n_projects + 1))
    ranked = [by_start[bounds[q]:min(bounds[q + 1], bounds[q] + max_wait_years + 1)] for q in range(p.n_projects)]
    order = [int(q) for q in ranking_order(p) if bounds[q + 1] > bounds[q]]
    # must-do projects first, at their earliest start, whatever they break (one batched replay for them all)
    plan.add_forced(np.concatenate([ranked[q][:1] for q in order if p.must_do[q]] or [np.zeros(0, np.int64)]))
    rest = [q for q in order if not p.must_do[q]]
    _greedy_pass(plan, rest, ranked, np.zeros(p.n_columns), batch_size=32, max_failures=None,
                 passes=1)
    x = np.zeros(p.n_columns)
    x[plan.chosen[plan.chosen >= 0]] = 1.0
    return x
