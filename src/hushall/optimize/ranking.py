"""The baseline the optimiser is compared with: a benefit/cost ranking list funded year by year.

How many municipalities prioritise today: rank the requests by weighted score per krona, take the must-do
projects first, then go down the list and give each project the earliest start year in its window in which the
year's money (the investment ceiling, genomförandekapacitet) still covers its outlay in every construction year —
and, when there is one, the ceiling on projects in parallel allows it. Of mutually exclusive alternatives the best
ranked is taken; a project that depends on another waits until that one is complete. The financial targets are
not looked at: that is exactly what the comparison shows.

With renewal decisions (the optimiser decides the reinvestment) both lists keep *today's reinvestment* — the
data's policy per pool of components (:mod:`hushall.optimize.renewal_policy`): its money comes first in the
investment ceiling, in the financial replay of :func:`rank_within_targets` and in the write-back
(:func:`list_renewal`), so the lists' maintenance debt is the policy's.

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
    # the yearly money and project slots left, side by side: a start year fits when its outlay and its
    # activity are within them (tolerances 1e-6 kr and 1e-9 projects)
    invest_room = p.yearly_limit("investeringstak_kr")
    renewal = getattr(p, "renewal", None)
    if renewal is not None and renewal.policy_renewal_kr is not None:
        # with renewal decisions the list keeps today's reinvestment (rank_within_targets): its money first
        invest_room = invest_room - np.asarray(renewal.policy_renewal_kr, dtype=float).sum(axis=0)[:t_count]
    room = np.concatenate([invest_room, p.yearly_limit("max_parallella_projekt")])
    tol = np.concatenate([np.full(t_count, 1e-6), np.full(t_count, 1e-9)])
    # dense once (columns × 2 years; 128 MB at 400,000 columns × 20 years): a project's start years are then
    # checked by one slice
    need = np.hstack([p.invest_real.toarray(), p.active().toarray()])
    # each project's columns by start year (ties: column order), in one sort
    by_start = np.lexsort((p.col_start, p.col_project))
    bounds = np.searchsorted(p.col_project[by_start], np.arange(p.n_projects + 1))
    x = np.zeros(p.n_columns)
    chosen = np.full(p.n_projects, -1, dtype=np.int64)
    group_taken: set[int] = set()
    completion = p.completion
    for q in ranking_order(p):
        cols = by_start[bounds[q]:bounds[q + 1]]
        if not cols.size:
            continue
        g = int(p.exclusive_group[q])
        if g >= 0 and g in group_taken:
            continue
        a = int(p.depends_on[q])
        ready_cols = cols
        if a >= 0:
            if chosen[a] < 0:
                continue
            ready_cols = cols[p.col_start[cols] >= int(completion[chosen[a]])]
        pick = -1
        if ready_cols.size:
            if p.must_do[q]:
                pick = int(ready_cols[0])
            else:
                # every start year of the project checked at once: the first whose outlay and activity fit
                fit = (need[ready_cols] <= room + tol).all(axis=1)
                first = int(fit.argmax())
                pick = int(ready_cols[first]) if fit[first] else -1
        if pick < 0 and p.must_do[q]:
            pick = int(cols[0])
        if pick < 0:
            continue
        x[pick] = 1.0
        chosen[q] = pick
        room = room - need[pick]
        if g >= 0:
            group_taken.add(g)
    return x


def rank_within_targets(bm: BuiltModel, max_wait_years: int = 3) -> FloatArray:
    r"""The same ranking list, but a project is funded only where the plan still meets every target and ceiling
    (replayed financial model): the list a careful finance department would fund. Must-do projects first; a
    project waits at most ``max_wait_years`` years beyond its earliest start.

    With renewal decisions the list keeps *today's reinvestment*: the data's policy (its frame, or *as needed*)
    as a fixed renewal ``r_{g,t}(x) = min(P_{g,t}, w_{g,t}(x))`` per pool and year, none after a closure
    (:mod:`hushall.optimize.renewal_policy`), and a project is funded only where the targets hold with that
    renewal in the money:

    .. math::  E_t(x) = E^0_t + \sum_j x_j (e_{j,t} + \Delta E_{j,t}), \qquad
               \text{every target and ceiling of } E(x) \text{ met (or no worse than the must-do projects)}

    — the list is "today's policy + projects while every target holds", and its write-back
    (:func:`list_renewal` for :func:`hushall.optimize.evaluate.evaluate_plan`) values it with the same renewal,
    so its maintenance debt is the policy's and the comparison with the optimiser (which decides the renewal)
    is one of whole plans. Funding projects first and renewing with what is left would not be a municipality's
    practice: the frame is set before the projects are."""
    from hushall.optimize.renewal_policy import policy_renewal
    from hushall.optimize.warmstart import _greedy_pass, _Plan

    p = bm.problem
    plan = _Plan(bm, policy_renewal(bm))
    # each project's columns by start year (ties: column order), in one sort; a project waits at most
    # ``max_wait_years`` beyond its earliest start for money and financial room
    by_start = np.lexsort((p.col_start, p.col_project))
    bounds = np.searchsorted(p.col_project[by_start], np.arange(p.n_projects + 1))
    ranked = [by_start[bounds[q]:min(bounds[q + 1], bounds[q] + max_wait_years + 1)] for q in range(p.n_projects)]
    order = [int(q) for q in ranking_order(p) if bounds[q + 1] > bounds[q]]
    # must-do projects first, at their earliest start, whatever they break (one batched replay for them all)
    plan.add_forced(np.concatenate([ranked[q][:1] for q in order if p.must_do[q]] or [np.zeros(0, np.int64)]))
    rest = [q for q in order if not p.must_do[q]]
    _greedy_pass(plan, rest, ranked, np.zeros(p.n_columns), batch_size=64, max_failures=None,
                 passes=1)
    x = np.zeros(p.n_columns)
    x[plan.chosen[plan.chosen >= 0]] = 1.0
    return x


def list_renewal(bm: BuiltModel) -> FloatArray | None:
    """``(G, T)`` the renewal the ranking lists keep (real kr; the data's policy per pool,
    :mod:`hushall.optimize.renewal_policy`), for their write-back; ``None`` without renewal decisions."""
    from hushall.optimize.renewal_policy import policy_renewal

    pr = policy_renewal(bm)
    return None if pr is None else pr.renewal_kr
