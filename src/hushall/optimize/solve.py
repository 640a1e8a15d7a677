"""Solving the investment-plan MILP with HiGHS and writing the solution back.

:func:`solve_model` runs three steps:

1. the LP relaxation (its optimum is an upper bound on any plan's value; its duals price the targets);
2. a warm start: the LP solution rounded greedily, keeping every relation, ceiling and target
   (:func:`round_greedily`), improved locally — or, for mid-size models, the best plan keeping the LP's whole
   decisions (:func:`solve_lp_neighbourhood`), found in a second process while branch and bound runs when a core
   is spare (:mod:`hushall.optimize.background`) — handed to HiGHS with ``setSolution``;
3. branch and bound with the time limit and relative gap asked for, reporting progress through a callback.

:func:`assign_solution` then fixes the chosen binaries and solves the remaining LP so that borrowing is the
least that keeps cash at its floor — the financial model's borrowing rule — and places go to the nearest
facility with room.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

from hushall.formatting import fmt_number, fmt_pct
from hushall.optimize.background import BackgroundMip, spare_core
from hushall.optimize.linear import highs_from_arrays, solve_lp_without_fixed, without_fixed
from hushall.optimize.maintenance_rows import shared_relief_points
from hushall.optimize.model import MKR, BuiltModel, started_by_terms
from hushall.optimize.problem import EFFECTS
from hushall.optimize.renewal_decisions import (
    claimed_pools,
    fix_renewal,
    has_renewal_decisions,
    is_restricted,
    knows_renewal,
    remember_solution,
    renewal_as_asked,
    renewal_effects,
    renewal_for_plan,
    renewal_values,
)

FloatArray = NDArray[np.float64]


@dataclass
class Progress:
    """One progress report of a solve."""

    phase: str  # "lp", "warm_start", "neighbourhood", "bound", "mip", "done"
    elapsed_s: float
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    nodes: int | None = None
    message: str = ""

    def line(self) -> str:
        parts = [f"[{fmt_number(self.elapsed_s, 1):>7} s] {self.phase:<10}"]
        if self.objective is not None and np.isfinite(self.objective):
            parts.append(f"plan {fmt_number(self.objective, 3)}")
        if self.bound is not None and np.isfinite(self.bound):
            parts.append(f"gräns {fmt_number(self.bound, 3)}")
        if self.gap is not None and np.isfinite(self.gap):
            parts.append(f"gap {fmt_pct(self.gap, 3)}")
        if self.nodes is not None:
            parts.append(f"noder {self.nodes}")
        if self.message:
            parts.append(self.message)
        return "  ".join(parts)


ProgressFn = Callable[[Progress], None]


def stderr_progress(every_s: float = 2.0) -> ProgressFn:
    """A progress function printing a summary line to stderr at most every ``every_s`` seconds (phase changes
    and the final line are always printed)."""
    last: dict[str, float] = {"t": -1e9}
    phase: dict[str, str] = {"name": ""}

    def report(p: Progress) -> None:
        if p.phase != phase["name"] or p.phase == "done" or p.elapsed_s - last["t"] >= every_s:
            print(p.line(), file=sys.stderr, flush=True)
            last["t"] = p.elapsed_s
            phase["name"] = p.phase

    return report


@dataclass
class SolveOutcome:
    """What the solver found: the plan (0/1 per column), objective, best bound and gap."""

    model_status: str
    x: FloatArray | None
    objective: float
    bound: float
    gap: float
    lp_bound: float
    lp_x: FloatArray | None
    lp_row_dual: FloatArray | None
    lp_solution: FloatArray | None
    warm_start_objective: float | None
    runtime_s: float
    lp_time_s: float
    nodes: int
    history: list[Progress] = field(default_factory=list)

    @property
    def has_solution(self) -> bool:
        return self.x is not None


def _objective(arr: dict[str, Any], solution: FloatArray, offset: float) -> float:
    return float(arr["cost"] @ solution + offset)


def _lp_options(bm: BuiltModel, time_limit: float) -> dict[str, Any]:
    """HiGHS's options for the LP relaxation of ``bm``. Large models (more than :data:`LARGE_LP_COLUMNS` start-year
    columns) get HiGHS's parallel dual simplex (PAMI: ``simplex_strategy`` 2, ``parallel`` on). It takes the same
    pivots — the same iterations and the same vertex, so the same warm start and plan — with the pricing spread
    over both cores (issue 14, 2 cores, the LP alone: 5 000 projects with places and decisions 17.7 → 11.9 s,
    77 170 iterations either way; 500, 0.74–0.84 → 0.64–0.68 s). Only for large models: in the solve the second
    process starts beside the LP, and at 500 projects its start-up took the second thread's core (the LP
    0.9–1.1 → 1.7–1.9 s); at 5 000 it is a second of a long LP."""
    options: dict[str, Any] = {"time_limit": float(max(time_limit, 1.0))}
    if bm.problem.n_columns > LARGE_LP_COLUMNS:
        options.update(simplex_strategy=2, parallel="on")
    return options


def solve_lp_relaxation(bm: BuiltModel, arr: dict[str, Any], time_limit: float) -> tuple[str, FloatArray | None,
                                                                                       FloatArray | None, float]:
    """The LP relaxation: status, primal solution, row duals and objective (column duals, the reduced costs,
    are kept on ``bm.lp_reduced_costs``, the optimal basis on ``bm.lp_basis``). A basis already on ``bm.lp_basis``
    (a previous model's of the same shape, after a changed weight or frame) is where the simplex starts: on the
    example 24–319 iterations instead of ≈ 2 700."""
    h = highs_from_arrays(arr, sense="max", offset=bm.lm.offset, relax=True, options=_lp_options(bm, time_limit))
    basis = bm.lp_basis
    if (basis is not None and len(basis.col_status) == bm.lm.num_vars and len(basis.row_status) == bm.lm.num_rows
            and h.setBasis(basis) != highspy.HighsStatus.kOk):
        h.clearSolver()  # not a basis of this model: solve cold
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return status, None, None, float("inf")
    sol = h.getSolution()
    bm.lp_reduced_costs = np.asarray(sol.col_dual)
    bm.lp_basis = h.getBasis()
    return status, np.asarray(sol.col_value), np.asarray(sol.row_dual), float(h.getInfo().objective_function_value)


def solve_lp_relaxation_large(bm: BuiltModel, arr: dict[str, Any], time_limit: float
                              ) -> tuple[str, FloatArray | None, FloatArray | None, float]:
    r"""The LP relaxation of a large model (more than :data:`LARGE_LP_COLUMNS` columns), as
    :func:`solve_lp_relaxation` returns it, solved without the "started by" block
    (:func:`hushall.optimize.model.define_started_by`).

    That block adds nothing to the LP relaxation: :math:`w_{p,i} = \sum_{s \le s_i} x_{p,s}` is a unimodular
    map of ``x``, ``w`` has no cost, and :math:`0 \le w \le 1` holds for every ``x`` with
    :math:`\sum_s x_{p,s} \le 1` — yet it doubles the LP's columns and brings one row per start column with a
    triangle of nonzeros (50 000 projects: 812 454 × 486 871 with it, 406 939 × 81 356 without; 6.1 M
    nonzeros against 3.6 M). So the LP is solved on the rest and extended: ``w`` is the cumulative sum of the
    LP's ``x``; its rows' duals and its columns' reduced costs are zero — a primal and dual optimum of the whole
    LP (each ``w`` row holds with equality by construction, and a zero-cost column with zero reduced cost is
    dual feasible). The same objective as the whole LP; only its vertex may differ where the LP has several
    optima.
    """
    w = bm.lm.variables.get("started_by")
    rows_w = bm.lm.constraints.get("started_by")
    if w is None or rows_w is None:
        return solve_lp_relaxation(bm, arr, time_limit)
    keep_c = np.ones(bm.lm.num_vars, dtype=bool)
    keep_c[w.start:w.stop] = False
    keep_r = np.ones(bm.lm.num_rows, dtype=bool)
    keep_r[rows_w.start:rows_w.stop] = False
    sub = {"matrix": arr["matrix"][:, keep_c].tocsr()[keep_r].tocsc(), "cost": arr["cost"][keep_c],
           "col_lower": arr["col_lower"][keep_c], "col_upper": arr["col_upper"][keep_c],
           "row_lower": arr["row_lower"][keep_r], "row_upper": arr["row_upper"][keep_r],
           "integer": arr["integer"][keep_c]}
    h = highs_from_arrays(sub, sense="max", offset=bm.lm.offset, relax=True, options=_lp_options(bm, time_limit))
    del sub
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return status, None, None, float("inf")
    sol = h.getSolution()
    objective = float(h.getInfo().objective_function_value)
    col_value = np.zeros(bm.lm.num_vars)
    col_value[keep_c] = np.asarray(sol.col_value)
    col_dual = np.zeros(bm.lm.num_vars)
    col_dual[keep_c] = np.asarray(sol.col_dual)
    row_dual = np.zeros(bm.lm.num_rows)
    row_dual[keep_r] = np.asarray(sol.row_dual)
    del h, sol
    from hushall.optimize.model import started_by_terms

    terms_row, terms_col = started_by_terms(bm.problem)
    x_lp = col_value[bm.x.start:bm.x.stop]
    col_value[w.start:w.stop] = np.bincount(terms_row, weights=x_lp[terms_col], minlength=w.size)
    bm.lp_reduced_costs = col_dual
    return status, col_value, row_dual, objective


def solve_model(
    bm: BuiltModel,
    time_limit: float = 60.0,
    mip_gap: float = 1e-3,
    progress: ProgressFn | None = None,
    warm_start: bool = True,
    log: bool = False,
    random_seed: int = 0,
    options: dict[str, Any] | None = None,
    skip_if_lp_violates: bool = False,
    neighbourhood_share: float = 1.0,
    start: FloatArray | None = None,
    parallel_start: bool | None = None,
) -> SolveOutcome:
    """Solve the MILP: LP relaxation, greedy warm start, branch and bound.

    Models between :data:`DETERMINISTIC_START_COLUMNS` and :data:`LARGE_MODEL_COLUMNS` columns whose LP takes
    some projects in part start from the best plan that keeps the LP's whole decisions
    (:func:`solve_lp_neighbourhood`) when it beats the greedy rounding; otherwise, and for smaller models, the
    rounding is improved locally. Models with more than :data:`LARGE_MODEL_COLUMNS` columns are improved by
    sub-MIPs around the plan (:func:`improve_in_neighbourhoods`) for ``neighbourhood_share`` of the time, then
    (when that is below 1) by branch and bound on the whole model. With ``skip_if_lp_violates`` the branch and
    bound is skipped when already the LP relaxation needs slack on a target or ceiling (then no plan meets them
    all; the caller minimises the violation instead) and the outcome carries the warm start with status
    ``"LP relaxation violates targets"``.

    Parameters
    ----------
    time_limit
        Seconds for the whole solve (LP, warm start and branch and bound).
    mip_gap
        Relative gap at which to stop: ``(bound - objective) / |objective|``.
    progress
        Called with a :class:`Progress` at each phase and, during branch and bound, at each improved plan and
        periodically (``stderr_progress()`` prints them).
    start
        A plan to start from (0/1 per column, e.g. the previous plan after a changed weight or frame:
        :func:`hushall.optimize.warmstart.columns_of_plan`). When the LP relaxation is solved it is first
        repaired to the relations, ceilings and targets (a lowered frame may cut it) by
        :func:`~hushall.optimize.warmstart.round_greedily` in its order and improved locally. It replaces the
        greedy warm start when it is worth more; either way branch and bound starts from the better of the two.
    parallel_start
        For a mid-size model: find the mid-size start in a second process while branch and bound runs from the
        greedy rounding (:mod:`hushall.optimize.background`), instead of before it. For a large model with the
        places network: compute a bound tighter than the LP's there (:mod:`hushall.optimize.lagrangian`) while
        the neighbourhood search runs here. ``None``: when a core is spare
        (:func:`~hushall.optimize.background.spare_core`). Which plan branch and bound reaches within the gap
        then depends on when the second process answers.
    """
    t0 = time.perf_counter()
    helper = None
    if warm_start and start is None and (_mid_size(bm) or _bounded_by_parts(bm)) and (
            spare_core() if parallel_start is None else parallel_start):
        with suppress(OSError):  # no second process to be had: everything in this one
            helper = BackgroundMip()  # started now: its imports overlap the LP relaxation
    try:
        return _solve_model(bm, t0, helper, time_limit=time_limit, mip_gap=mip_gap, warm_start=warm_start,
                            progress=progress, log=log, random_seed=random_seed, options=options,
                            skip_if_lp_violates=skip_if_lp_violates, neighbourhood_share=neighbourhood_share,
                            start=start)
    finally:
        if helper is not None:
            helper.close()


def _solve_model(bm: BuiltModel, t0: float, helper: BackgroundMip | None, *, time_limit: float, mip_gap: float,
                 warm_start: bool, progress: ProgressFn | None, log: bool, random_seed: int,
                 options: dict[str, Any] | None, skip_if_lp_violates: bool, neighbourhood_share: float,
                 start: FloatArray | None) -> SolveOutcome:
    """:func:`solve_model` with its second process ``helper`` (``None``: everything in this one)."""
    history: list[Progress] = []

    def emit(p: Progress) -> None:
        history.append(p)
        if progress is not None:
            progress(p)

    arr = bm.lm.arrays()
    x_slice = slice(bm.x.start, bm.x.stop)
    emit(Progress("lp", time.perf_counter() - t0, message="LP-relaxation"))
    # large models: the LP without the "started by" block (the same LP value, half the size)
    solve_lp = solve_lp_relaxation if bm.problem.n_columns <= LARGE_LP_COLUMNS else solve_lp_relaxation_large
    lp_status, lp_sol, lp_dual, lp_obj = solve_lp(bm, arr, time_limit)
    lp_time = time.perf_counter() - t0
    emit(Progress("lp", lp_time, bound=lp_obj, message=lp_status))
    x0 = None
    pv0 = None
    background: BackgroundMip | None = None
    bounding: BackgroundMip | None = None
    if helper is not None and _bounded_by_parts(bm) and lp_dual is not None and lp_status == "Optimal":
        from hushall.optimize.lagrangian import coupling_rows

        helper.submit_lagrangian(arr, lp_dual, coupling_rows(bm, arr), offset=bm.lm.offset,
                                 time_limit=time_limit - (time.perf_counter() - t0) - LAGRANGIAN_MARGIN_S)
        bounding = helper
    if warm_start and lp_sol is not None:
        from hushall.optimize.warmstart import improve_locally, improve_places, round_greedily

        x0 = round_greedily(bm, lp_sol[x_slice])
        rens = None
        if _mid_size(bm) and start is None and _slack_total(bm, lp_sol) <= 1e-6:
            # mid-size models: the best plan keeping the LP's whole decisions, when it beats the rounding — in the
            # second process while branch and bound runs, or here before it
            neighbourhood_options = {"random_seed": int(random_seed), **(options or {})}
            if helper is not None and _taken_in_part(lp_sol[x_slice]).any():
                helper.submit(lp_neighbourhood_arrays(bm, arr, lp_sol[x_slice]), offset=bm.lm.offset,
                              time_limit=time_limit - (time.perf_counter() - t0), mip_gap=RENS_GAP,
                              options=neighbourhood_options)
                background = helper
            else:
                rens = _lp_neighbourhood_start(bm, arr, lp_sol[x_slice], x0, lp_obj, mip_gap, time_limit=min(
                    RENS_SHARE * time_limit, RENS_MAX_S), options=neighbourhood_options)
        if rens is not None:
            x0, pv0 = rens
        elif background is not None:
            pass  # branch and bound starts from the rounding at once; the second process's plan joins it
        elif bm.problem.n_columns <= LARGE_MODEL_COLUMNS:
            # trade start years between projects where the rounding stopped at the first binding target
            x0 = improve_locally(bm, x0, time_budget_s=local_search_budget(bm, min(0.05 * time_limit, 1.0)))
        else:
            # large models: only the projects that change places, valued with the places they fill (the
            # pairwise moves of improve_locally grow with the square of the projects); nothing without places
            x0 = improve_places(bm, x0, time_budget_s=min(0.1 * time_limit, 6.0))
        emit(Progress("warm_start", time.perf_counter() - t0, message=f"{int(x0.sum())} projekt valda"))
    if helper is not None and background is None and bounding is None:
        helper.close()  # not given a problem after all: no idle process for the rest of the solve
    if start is not None and lp_sol is not None:
        x0, pv0 = _better_start(bm, x0, start, time_limit)
    incumbent, inc_obj, first_obj = x0, float("-inf"), None
    inc_solution = None
    if x0 is not None and lp_sol is not None:
        # the warm start may already be within the gap of the LP bound: then it is proven good enough
        if pv0 is None:
            # large models: the same LP without its fixed columns, in parts (5 000 projects with places and
            # renewal decisions: 7.9 s CPU against 10.8 s, most of it the plan's renewal)
            pv0 = assign_solution(bm, x0, tight=False, reduced=bm.problem.n_columns > LARGE_MODEL_COLUMNS)
        if pv0.status == "Optimal":
            inc_obj = first_obj = pv0.objective
            inc_solution = pv0.solution
            g0 = _gap(inc_obj, lp_obj)
            emit(Progress("warm_start", time.perf_counter() - t0, objective=inc_obj, bound=lp_obj, gap=g0,
                          message="startplan utvärderad"))
            if g0 <= mip_gap and _slack_total(bm, pv0.solution) <= 1e-9:
                return _finish(bm, emit, t0, "Optimal within gap (LP bound)", x0, inc_obj, lp_obj, lp_obj, lp_sol,
                               lp_dual, first_obj, lp_time, 0, history)
    if skip_if_lp_violates and lp_sol is not None and x0 is not None and _slack_total(bm, lp_sol) > 1e-6:
        runtime = time.perf_counter() - t0
        status = "LP relaxation violates targets"
        emit(Progress("done", runtime, bound=lp_obj, message=status))
        return SolveOutcome(status, x0, float("-inf"), lp_obj, float("inf"), lp_obj, lp_sol[x_slice], lp_dual,
                            lp_sol, None, runtime, lp_time, 0, history)
    mip_options = {"random_seed": int(random_seed), **(options or {})}
    if (incumbent is not None and lp_sol is not None and bm.problem.n_columns > LARGE_MODEL_COLUMNS
            and np.isfinite(inc_obj)):
        # Large models: HiGHS's root node on the whole model is slow, so improve the plan first by solving
        # small sub-MIPs (the projects the LP is unsure about free, the others fixed as in the plan).
        budget = t0 + neighbourhood_share * time_limit
        incumbent, inc_obj = improve_in_neighbourhoods(bm, arr, incumbent, inc_obj, lp_sol[x_slice], lp_obj,
                                                       deadline=budget, mip_gap=mip_gap, emit=emit, t0=t0,
                                                       options=mip_options, solution=inc_solution)
        bound = lp_obj if bounding is None else _lagrangian_or_lp(bounding, lp_obj, inc_obj, emit, t0)
        g = _gap(inc_obj, bound)
        # branch and bound on the whole large model rarely pays within the limit (its root node alone is long
        # and not always interruptible), so it is only tried when asked for (neighbourhood_share < 1)
        if g <= mip_gap or neighbourhood_share >= 1.0 or time.perf_counter() >= t0 + time_limit - 0.5:
            status = ("Time limit reached" if g > mip_gap else "Optimal within gap (LP bound)" if bound >= lp_obj
                      else "Optimal within gap (Lagrangian bound)")
            return _finish(bm, emit, t0, status, incumbent, inc_obj, bound, lp_obj, lp_sol, lp_dual, first_obj,
                           lp_time, 0, history)
    remaining = max(time_limit - (time.perf_counter() - t0), 0.5)
    # the warm start's write-back holds its integers (the same as start_values gives, without its two LPs of the
    # plan's renewal with renewal decisions)
    known = inc_solution if incumbent is x0 and inc_solution is not None else None
    mip = run_mip(bm, arr, time_limit=remaining, mip_gap=mip_gap, x_start=incumbent,
                  emit=emit if progress else None, t0=t0, log=log, options=mip_options, start_solution=known,
                  offered=None if background is None else _offered_plans(bm, background))
    x_best, obj_best = mip.x, mip.objective
    remember_solution(bm, mip.x, mip.solution)
    if incumbent is not None and (x_best is None or obj_best < inc_obj - 1e-9) and np.isfinite(inc_obj):
        x_best, obj_best = incumbent, inc_obj
    bound = mip.bound
    if lp_sol is not None:
        bound = min(bound, lp_obj) if np.isfinite(bound) else lp_obj
    return _finish(bm, emit, t0, mip.status, x_best, obj_best, bound, lp_obj, lp_sol, lp_dual,
                   first_obj if first_obj is not None else mip.first_objective, lp_time, mip.nodes, history)


#: Seconds before the time limit at which the Lagrangian bound's second process stops closing parts (it answers
#: with what it has; the plan's write-back follows the search here meanwhile).
LAGRANGIAN_MARGIN_S = 1.5
#: Seconds the large path waits at the end for the Lagrangian bound (the LP bound is kept if it does not come).
LAGRANGIAN_WAIT_S = 3.0


def _bounded_by_parts(bm: BuiltModel) -> bool:
    """Whether the model gets the Lagrangian bound (:mod:`hushall.optimize.lagrangian`) in a second process: a
    large model (the neighbourhood search, no branch and bound on the whole) with the places network."""
    return bm.problem.n_columns > LARGE_MODEL_COLUMNS and bm.problem.capacity is not None


def _lagrangian_or_lp(bounding: BackgroundMip, lp_obj: float, plan: float, emit: ProgressFn, t0: float) -> float:
    """The second process's Lagrangian bound when it has come (waiting at most :data:`LAGRANGIAN_WAIT_S`) and is
    below the LP bound, else the LP bound. A bound below the ``plan`` found (a solver's error in a part: a bound
    cannot cut off a plan that exists) is not used."""
    result = bounding.wait(LAGRANGIAN_WAIT_S)
    if (result is None or not np.isfinite(result.bound) or result.bound >= lp_obj
            or result.bound < plan - 1e-6 * max(1.0, abs(plan))):
        return lp_obj
    closed, parts = result.parts or (0, 0)
    emit(Progress("bound", time.perf_counter() - t0, bound=result.bound,
                  message=f"skarpare gräns (Lagrange): {closed} av {parts} grupper av platsnätets delar lösta"))
    return result.bound


def _mid_size(bm: BuiltModel) -> bool:
    """Whether the model gets the mid-size start (:func:`solve_lp_neighbourhood`)."""
    return DETERMINISTIC_START_COLUMNS < bm.problem.n_columns <= LARGE_MODEL_COLUMNS


def _offered_plans(bm: BuiltModel, background: BackgroundMip) -> Callable[[], tuple[float, FloatArray] | None]:
    """The second process's plan for :func:`run_mip`'s ``offered``: its objective and solution once it has
    answered with a plan that needs no slack on any target or ceiling, else ``None``."""
    checked: list[tuple[float, FloatArray] | None] = []  # the answer, once read and checked

    def plan() -> tuple[float, FloatArray] | None:
        if not checked:
            result = background.result()
            if result is None:
                return None
            solution = result.solution
            checked.append(None if solution is None or _slack_total(bm, solution) > 1e-9
                           else (result.objective, solution))
        return checked[0]

    return plan


#: The LP-rounding sub-MIP (:func:`solve_lp_neighbourhood`) of a mid-size model runs for this share of the time
#: limit, at most :data:`RENS_MAX_S` seconds, and stops within :data:`RENS_GAP` of its own bound.
RENS_SHARE = 0.15
RENS_MAX_S = 4.0
RENS_GAP = 0.01


def solve_lp_neighbourhood(bm: BuiltModel, arr: dict[str, Any], lp_x: FloatArray, *, time_limit: float,
                           options: dict[str, Any] | None = None) -> MipRun:
    r"""The best plan that keeps the LP relaxation's whole decisions (after RENS, "relaxation enforced
    neighbourhood search", Berthold 2014): a project the LP takes whole at one start year is fixed there, a
    project it leaves out stays out, and the MILP is solved over the projects it takes in part, at any of their
    start years (stopping within :data:`RENS_GAP` of its own bound, or at ``time_limit``).

    For models between :data:`DETERMINISTIC_START_COLUMNS` and :data:`LARGE_MODEL_COLUMNS` columns with the places
    network, the greedy start misses the trades the LP makes between places and money (issue 14: 500 projects
    with places and renewal decisions, 24 115 × 24 197: greedy and local search 517,37 points in 1,4 s; this
    neighbourhood 521,25 in 2,9 s against the LP's 527,48 and branch and bound's 521,85 after 11 s; with only the
    LP's partial columns free, as in RENS, 520,32 in 2,2 s). HiGHS runs RENS itself, but only after its root cut
    loop.
    """
    return run_mip(bm, lp_neighbourhood_arrays(bm, arr, lp_x), time_limit=time_limit, mip_gap=RENS_GAP,
                   options=options)


def lp_neighbourhood_arrays(bm: BuiltModel, arr: dict[str, Any], lp_x: FloatArray) -> dict[str, Any]:
    """The model's arrays with the bounds of :func:`solve_lp_neighbourhood`: the columns of every project the LP
    relaxation (plan columns ``lp_x``) takes whole or not at all fixed as it takes them, the others free."""
    x_slice = slice(bm.x.start, bm.x.stop)
    p = bm.problem
    partial = np.zeros(p.n_projects, dtype=bool)
    np.logical_or.at(partial, p.col_project, _taken_in_part(lp_x))
    free = partial[p.col_project]
    lo, up = arr["col_lower"].copy(), arr["col_upper"].copy()
    lo_x, up_x = lo[x_slice], up[x_slice]
    up_x[(lp_x < 1e-6) & ~free] = 0.0
    whole = (lp_x > 1.0 - 1e-6) & ~free
    lo_x[whole] = np.minimum(1.0, up_x[whole])
    return {**arr, "col_lower": lo, "col_upper": up}


def _taken_in_part(lp_x: FloatArray) -> NDArray[np.bool_]:
    """The columns the LP relaxation takes neither whole nor not at all."""
    return np.asarray((lp_x > 1e-6) & (lp_x < 1.0 - 1e-6))


def _lp_neighbourhood_start(bm: BuiltModel, arr: dict[str, Any], lp_x: FloatArray, rounded: FloatArray,
                            lp_bound: float, mip_gap: float, *, time_limit: float, options: dict[str, Any] | None
                            ) -> tuple[FloatArray, PlanValues] | None:
    """The plan of :func:`solve_lp_neighbourhood` and its values, when it is worth more than the greedy
    rounding ``rounded`` (each valued with its best borrowing, places and renewal); ``None`` otherwise — the LP
    takes every column whole or not at all, or the rounding is already within ``mip_gap`` of the LP bound —
    and then the rounding is improved locally as before."""
    if not _taken_in_part(lp_x).any():
        return None
    pv_rounded = assign_solution(bm, rounded, tight=False)
    if pv_rounded.status == "Optimal" and _gap(pv_rounded.objective, lp_bound) <= mip_gap:
        return None
    run = solve_lp_neighbourhood(bm, arr, lp_x, time_limit=time_limit, options=options)
    if run.x is None or run.solution is None or _slack_total(bm, run.solution) > 1e-9:
        return None
    pv = assign_solution(bm, run.x, tight=False)
    if pv.status != "Optimal" or (pv_rounded.status == "Optimal" and pv_rounded.objective >= pv.objective):
        return None
    return run.x, pv


def _better_start(bm: BuiltModel, x0: FloatArray | None, start: FloatArray,
                  time_limit: float) -> tuple[FloatArray, PlanValues | None]:
    """The better of the greedy warm start ``x0`` and a given plan ``start`` — repaired to the relations,
    ceilings and targets and improved locally first — each valued with its best borrowing and places,
    violations at their penalty; with its values."""
    from hushall.optimize.warmstart import improve_locally, round_greedily

    # improve_locally never returns a plan worth less than the repaired one (with renewal decisions its moves are
    # valued with the data's policy and its result checked against the repaired plan's best renewal)
    repaired = round_greedily(bm, np.asarray(start, dtype=float))
    start = improve_locally(bm, repaired, time_budget_s=local_search_budget(bm, min(0.1 * time_limit, 1.0)))
    pv_start = assign_solution(bm, start, tight=False)
    if x0 is None:
        return start, pv_start if pv_start.status == "Optimal" else None
    pv0 = assign_solution(bm, x0, tight=False)
    if pv_start.status == "Optimal" and (pv0.status != "Optimal" or pv_start.objective > pv0.objective):
        return start, pv_start
    return x0, pv0 if pv0.status == "Optimal" else None


#: At most this many columns, the warm start's local search (:func:`~hushall.optimize.warmstart.improve_locally`)
#: runs until no move improves the plan or its rounds are used up, not until a clock stops it: the warm start, and
#: so the plan branch and bound reaches within the gap, is then the same at any load (issue 14: on Exempelkommun,
#: 473 columns, the search takes ≈ 0.2 s of CPU, but with its 0.5 s budget cut short under load it gave another
#: plan). Larger models keep the time budget (their rounds are long).
DETERMINISTIC_START_COLUMNS = 3000


def local_search_budget(bm: BuiltModel, seconds: float) -> float:
    """The local search's time budget: ``seconds``, or none (``inf``) for a model of at most
    :data:`DETERMINISTIC_START_COLUMNS` columns."""
    return float("inf") if bm.problem.n_columns <= DETERMINISTIC_START_COLUMNS else seconds


#: Above this many columns, sub-MIPs improve the plan before (or instead of) branch and bound on the whole model.
LARGE_MODEL_COLUMNS = 20000

#: Above this many columns the LP relaxation is solved without the "started by" block
#: (:func:`solve_lp_relaxation_large`): the same LP value, but its optimal vertex — and so the warm start and the
#: plan found within the gap — may differ from the whole model's where the LP has several optima.
LARGE_LP_COLUMNS = LARGE_MODEL_COLUMNS


def _slack_total(bm: BuiltModel, solution: FloatArray) -> float:
    return sum(float(np.sum(solution[blk.start:blk.stop])) for name, blk in bm.lm.variables.items()
               if name.startswith("slack:") or name == "capacity_below_zero")


def _finish(bm: BuiltModel, emit: ProgressFn, t0: float, status: str, x: FloatArray | None, objective: float,
            bound: float, lp_obj: float, lp_sol: FloatArray | None, lp_dual: FloatArray | None,
            first_obj: float | None, lp_time: float, nodes: int, history: list[Progress]) -> SolveOutcome:
    gap = _gap(objective, bound)
    runtime = time.perf_counter() - t0
    emit(Progress("done", runtime, objective=objective, bound=bound, gap=gap, nodes=nodes, message=status))
    lp_x = None if lp_sol is None else lp_sol[bm.x.start:bm.x.stop]
    return SolveOutcome(status, x, objective, bound, gap, lp_obj, lp_x, lp_dual, lp_sol, first_obj, runtime, lp_time,
                        nodes, history)


#: Neighbourhoods of a model with the places network (:func:`improve_in_neighbourhoods`): at most this many projects
#: of one part of the network (a random choice of a larger part's), with this many more that the LP is unsure
#: about elsewhere, for at most this many seconds each (5 000 projects with places and renewal decisions, 60 s:
#: 1.99 % with 3 s and 50 projects, 2.06 % with 2 s, 1.98 % with 30 projects, 2.07 % with 5 s and 80 projects —
#: the part rounds alone, without the first LP-guided one).
PART_PROJECTS = 50
PART_UNSURE = 10
PART_SUB_MIP_S = 3.0
#: The relative gap at which a sub-MIP of a part stops: a part's improvement is often a few hundredths of a
#: percent of the whole objective, which a gap of ``mip_gap / 4`` would not wait for.
SUB_MIP_GAP = 1e-5
#: Seconds for the first, LP-guided neighbourhood when parts of the places network follow (5 000 projects with
#: places and renewal decisions: 12, 20 and 30 s gave 1.78, 1.78 and 1.76 % after 60 s).
WIDE_SUB_MIP_S = 20.0


def improve_in_neighbourhoods(
    bm: BuiltModel,
    arr: dict[str, Any],
    x: FloatArray,
    objective: float,
    lp_x: FloatArray,
    lp_bound: float,
    *,
    deadline: float,
    mip_gap: float,
    emit: ProgressFn,
    t0: float,
    options: dict[str, Any] | None = None,
    first_size: int = 150,
    solution: FloatArray | None = None,
) -> tuple[FloatArray, float]:
    """Improve a plan by sub-MIPs around it (neighbourhood search guided by the LP relaxation and the places
    network, as RINS).

    Each round frees some projects, keeps every other one as in the plan and solves that small MIP from the plan:

    1. first the projects the LP relaxation is unsure about — fractional in the LP, or chosen differently by the
       LP and the plan — plus those whose best start year has the smallest reduced cost (``first_size`` in all),
       for at most :data:`WIDE_SUB_MIP_S` seconds and half the time left: trades across the whole municipality;
    2. then, with the places network and a solution of the plan (``solution``), the projects of one part of the
       network (:func:`~hushall.optimize.warmstart.network_parts`; at most :data:`PART_PROJECTS`, a random choice
       of a larger part's), the parts with the most projects the LP takes in part first, plus
       :data:`PART_UNSURE` projects the LP is unsure about elsewhere, for at most :data:`PART_SUB_MIP_S` seconds
       each: trades within one part, part after part, until a whole round through them finds nothing better;
    3. then the neighbourhood of 1, doubled after each round that finds nothing better.

    With a solution of the plan everything the free projects cannot move stays as in it (:func:`_fixed_outside`):
    the places of the districts that reach no facility a free project changes, the kept projects' "started by"
    indicators and, with renewal decisions, the renewal of every pool no free project claims — a feasible
    restriction, which HiGHS gets without its fixed columns (:func:`~hushall.optimize.linear.without_fixed`;
    5 000 projects with places and renewal decisions: 17 000 columns instead of 240 000 in the first round,
    4 500–9 400 for a part). Measured there (docs/performance.md): 1.7–1.8 % after 60 s where the whole model,
    its renewal free, stood at 2.4 %. The bound stays the LP relaxation's; the gap reported is against it.
    """
    p = bm.problem
    rc = getattr(bm, "lp_reduced_costs", None)
    red = np.abs(rc[bm.x.start:bm.x.stop]) if rc is not None else np.zeros(p.n_columns)
    mass = np.bincount(p.col_project, weights=lp_x, minlength=p.n_projects)
    best_red = np.full(p.n_projects, np.inf)
    np.minimum.at(best_red, p.col_project, red)
    size = first_size
    rng = np.random.default_rng(0)
    in_part = (mass > 1e-6) & (mass < 1 - 1e-6)
    parts = _parts_by_unsure(bm, in_part) if solution is not None and p.capacity is not None else []
    next_part, round_improved = 0, False
    xs = slice(bm.x.start, bm.x.stop)
    first = True
    # a sub-MIP stops as soon as its plan is within the gap of the LP bound: the whole search is then done
    enough = {"objective_target": float(lp_bound / (1.0 + mip_gap))} if lp_bound > 0 else {}
    while time.perf_counter() < deadline - 0.2 and _gap(objective, lp_bound) > mip_gap:
        by_part = bool(parts) and not first
        if by_part:
            members = parts[next_part]
            free = np.zeros(p.n_projects, dtype=bool)
            free[rng.choice(members, size=PART_PROJECTS, replace=False) if members.size > PART_PROJECTS
                 else members] = True
            elsewhere = np.flatnonzero(in_part & ~free)
            free[rng.choice(elsewhere, size=min(PART_UNSURE, elsewhere.size), replace=False)] = True
            next_part += 1
            if next_part == len(parts):
                next_part = 0
                if not round_improved:
                    parts = []  # a whole round found nothing better: the LP-guided neighbourhoods from here on
                round_improved = False
            cap = PART_SUB_MIP_S
        else:
            chosen = np.bincount(p.col_project, weights=x, minlength=p.n_projects)
            lp_pref = np.zeros(p.n_projects)
            np.maximum.at(lp_pref, p.col_project, lp_x)
            unsure = in_part | ((lp_pref < 1 - 1e-6) & (chosen > 0.5))
            unsure |= (mass > 0.5) & (chosen < 0.5)
            if p.capacity is not None:
                unsure |= (p.capacity.project_places != 0) & ((mass > 1e-6) | (chosen > 0.5))
            free = np.zeros(p.n_projects, dtype=bool)
            idx = np.flatnonzero(unsure)
            if idx.size > size:
                idx = rng.choice(idx, size=size, replace=False)
            free[idx] = True
            extra = max(size - int(free.sum()), size // 3)
            near = np.argsort(best_red + rng.random(p.n_projects) * 1e-9, kind="stable")
            near = near[~free[near]][:extra]
            free[near] = True
            cap = min(WIDE_SUB_MIP_S, (deadline - time.perf_counter()) / 2) if first and parts else 30.0
            first = False
        free = _with_partners(p, free)
        lo, up = _fixed_outside(bm, arr, free, x, solution)
        limit = max(min(deadline - time.perf_counter(), cap), 0.2)
        log = bool(getattr(bm, "debug_log", False))
        if solution is not None:
            small = without_fixed({**arr, "col_lower": lo, "col_upper": up}, offset=bm.lm.offset)
            start = solution[small.columns]
            run = run_mip(bm, small.arrays, time_limit=limit, mip_gap=SUB_MIP_GAP, x_start=start, emit=None, t0=t0,
                          options={**(options or {}), **enough}, log=log, offset=small.offset, start_solution=start)
            found = None if run.solution is None else small.expand(run.solution)
        else:
            run = run_mip(bm, {**arr, "col_lower": lo, "col_upper": up}, time_limit=limit, mip_gap=mip_gap / 4,
                          x_start=x, emit=None, t0=t0, options=options, log=log)
            found = run.solution
        improved = found is not None and run.objective > objective + 1e-9
        if improved:
            assert found is not None
            solution, objective = found, run.objective
            x = np.round(found[xs])
            remember_solution(bm, x, solution, restricted=True)  # its renewal, or the LPs' when better
            round_improved = round_improved or by_part
        emit(Progress("neighbourhood", time.perf_counter() - t0, objective=objective, bound=lp_bound,
                      gap=_gap(objective, lp_bound),
                      message=f"{int(free.sum())} projekt fria" + (", bättre plan" if improved else "")))
        if not improved and not by_part:
            size *= 2
            if size > 8 * p.n_projects:
                break
    return x, objective


def _parts_by_unsure(bm: BuiltModel, in_part: NDArray[np.bool_]) -> list[NDArray[np.int64]]:
    """The projects that change places, by part of the places network, the parts with the most projects the LP
    takes in part (``in_part``) first."""
    from hushall.optimize.warmstart import network_parts

    cb = bm.problem.capacity
    assert cb is not None
    n_parts, label = network_parts(cb)
    has = (cb.project_node >= 0) & (cb.project_places != 0)
    part = np.where(has, label[cb.n_demand + np.maximum(cb.project_node, 0)], -1)
    score = np.bincount(part[has & in_part], minlength=n_parts)
    order = np.argsort(-score, kind="stable")
    return [m for m in (np.flatnonzero(part == k) for k in order) if m.size]


def _with_partners(p: Any, free: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """``free`` with the partners of its projects (alternatives in one exclusive group, dependencies both ways):
    a neighbourhood that keeps a partner fixed could not move the project."""
    free = free.copy()
    g = p.exclusive_group
    free |= (g >= 0) & np.isin(g, g[free & (g >= 0)])
    free[p.depends_on[free & (p.depends_on >= 0)]] = True
    free |= (p.depends_on >= 0) & free[np.maximum(p.depends_on, 0)]
    return free


def _fixed_outside(bm: BuiltModel, arr: dict[str, Any], free: NDArray[np.bool_], x: FloatArray,
                   solution: FloatArray | None) -> tuple[FloatArray, FloatArray]:
    """Column bounds that keep every project but the ``free`` ones as in the plan ``x`` and, given the plan's
    ``solution``, everything the free projects cannot move (see :func:`improve_in_neighbourhoods`)."""
    p = bm.problem
    lo, up = arr["col_lower"].copy(), arr["col_upper"].copy()
    fixed_cols = np.flatnonzero(~free[p.col_project])
    lo[bm.x.start + fixed_cols] = up[bm.x.start + fixed_cols] = x[fixed_cols]
    if solution is None:
        return lo, up
    keep: list[NDArray[np.int64]] = []
    t_count = p.n_years
    cb = p.capacity
    if cb is not None and "flow" in bm.lm.variables:
        moving = np.zeros(cb.n_nodes, dtype=bool)
        sel = free & (cb.project_node >= 0) & (cb.project_places != 0)
        moving[cb.project_node[sel]] = True
        touched = np.zeros(cb.n_demand, dtype=bool)
        touched[cb.arc_demand[moving[cb.arc_node]]] = True
        fl, un = bm.lm.variables["flow"], bm.lm.variables["unmet"]
        keep.append(fl.start + (np.flatnonzero(~touched[cb.arc_demand])[:, None] * t_count
                                + np.arange(t_count)).ravel())
        keep.append(un.start + (np.flatnonzero(~touched)[:, None] * t_count + np.arange(t_count)).ravel())
    w = bm.lm.variables.get("started_by")
    if w is not None:
        rows, cols = started_by_terms(p)
        project_of = np.zeros(w.size, dtype=np.int64)
        project_of[rows] = p.col_project[cols]
        keep.append(w.start + np.flatnonzero(~free[project_of]))
    if has_renewal_decisions(bm):
        pools = np.flatnonzero(~claimed_pools(p, free))
        for name in ("renewal:spend", "renewal:backlog", "renewal:let_go"):
            v = bm.lm.variables[name]
            keep.append(v.start + (pools[:, None] * t_count + np.arange(t_count)).ravel())
    for idx in keep:
        lo[idx] = up[idx] = solution[idx]
    return lo, up


@dataclass
class MipRun:
    status: str
    x: FloatArray | None
    objective: float
    bound: float
    nodes: int
    first_objective: float | None
    solution: FloatArray | None


def run_mip(
    bm: BuiltModel,
    arr: dict[str, Any],
    *,
    time_limit: float,
    mip_gap: float,
    x_start: FloatArray | None = None,
    emit: ProgressFn | None = None,
    t0: float | None = None,
    log: bool = False,
    options: dict[str, Any] | None = None,
    offset: float | None = None,
    start_solution: FloatArray | None = None,
    offered: Callable[[], tuple[float, FloatArray] | None] | None = None,
) -> MipRun:
    """One branch-and-bound run of HiGHS on the arrays ``arr`` (the model's, or a modified copy), started from
    the plan ``x_start`` when given, reporting progress to ``emit``. ``start_solution``: a solution of the whole
    model for ``x_start`` (an earlier run's, or the plan's write-back), whose integer variables are the start —
    instead of computing them (:func:`~hushall.optimize.warmstart.start_values`: with renewal decisions two LPs
    of the whole model, 7 s CPU at 5 000 projects with places, for every sub-MIP of
    :func:`improve_in_neighbourhoods`).

    ``offered``: a plan found elsewhere while this runs (the mid-size start in a second process,
    :mod:`hushall.optimize.background`); it returns ``(objective, solution of every column)`` once there is
    one, else ``None``. HiGHS then runs in a thread (:func:`_run_until`): the plan is handed to it at
    its next request for a user solution, and as soon as the bound it has reported is within ``mip_gap`` of the
    plan the run answers with it (HiGHS calls back only between its root's cut rounds, so it would otherwise go on
    for another round, 1–2 s, with the proof at hand). The better of HiGHS's plan and the offered one is
    returned."""
    t0 = time.perf_counter() if t0 is None else t0
    h = highs_from_arrays(arr, sense="max", offset=bm.lm.offset if offset is None else offset, log=log,
                          options={"time_limit": float(max(time_limit, 0.05)), "mip_rel_gap": float(mip_gap),
                                   **(options or {})})
    if x_start is not None and start_solution is not None:
        idx = np.flatnonzero(arr["integer"])
        val = np.round(np.asarray(start_solution, dtype=float)[idx])
        h.setSolution(len(idx), idx.astype(np.int32), val.astype(np.float64))
    elif x_start is not None:
        from hushall.optimize.warmstart import start_values

        # every integer variable is given (HiGHS completes the continuous part by one LP), with renewal decisions
        # the plan's columns (HiGHS completes the indicators and the renewal)
        idx, val = start_values(bm, x_start)
        h.setSolution(len(idx), idx.astype(np.int32), val.astype(np.float64))
    last = {"t": -1e9}
    first: list[float] = []
    deadline = time.perf_counter() + float(max(time_limit, 0.05)) + 0.5
    # the offered plan: handed to HiGHS yet; the last finite bound and node count HiGHS reported; proven by them
    offer: dict[str, Any] = {"given": False, "bound": float("inf"), "nodes": 0, "proven": False,
                             "objective": float("-inf"), "stopped": False}

    def on_interrupt(e: Any) -> None:
        # HiGHS's own time limit is not checked inside every phase (root LP): stop at the deadline
        if time.perf_counter() > deadline or offer["proven"] or offer["stopped"]:
            e.interrupt()

    def on_user_solution(e: Any) -> None:
        plan = offered() if offered is not None and not offer["given"] else None
        if plan is not None:
            e.data_in.setSolution(np.asarray(plan[1], dtype=np.float64))
            offer["given"] = True

    def on_event(e: Any) -> None:
        on_interrupt(e)
        out = e.data_out
        if offer["proven"]:
            return  # the run has already answered; HiGHS is winding down
        if e.callback_type == highspy.cb.HighsCallbackType.kCallbackMipInterrupt and np.isfinite(out.mip_dual_bound):
            offer["bound"] = min(offer["bound"], float(out.mip_dual_bound))
            offer["nodes"] = int(out.mip_node_count)
        now = time.perf_counter() - t0
        improving = e.callback_type == highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution
        if improving and not first:
            first.append(float(out.objective_function_value))
        if emit is None or e.callback_type == highspy.cb.HighsCallbackType.kCallbackSimplexInterrupt or (
                not improving and now - last["t"] < 1.0):
            return
        last["t"] = now
        objective = max(float(out.mip_primal_bound), offer["objective"])  # the offered plan is at hand already
        emit(Progress("mip", now, objective=objective, bound=float(out.mip_dual_bound),
                      gap=_gap(objective, float(out.mip_dual_bound)), nodes=int(out.mip_node_count),
                      message="ny bättre plan" if improving else ""))

    def offer_proven() -> bool:
        # while HiGHS runs in its thread: report the offered plan when it comes, and whether it is proven
        plan = offered() if offered is not None else None
        if plan is None:
            return False
        if plan[0] > offer["objective"]:
            offer["objective"] = plan[0]
            if emit is not None:
                emit(Progress("mip", time.perf_counter() - t0, objective=plan[0], bound=offer["bound"],
                              gap=_gap(plan[0], offer["bound"]), nodes=offer["nodes"],
                              message="ny bättre plan"))
        offer["proven"] = _gap(plan[0], offer["bound"]) <= mip_gap
        return bool(offer["proven"])

    h.cbMipImprovingSolution.subscribe(on_event)
    h.cbMipInterrupt.subscribe(on_event)
    h.cbSimplexInterrupt.subscribe(on_interrupt)
    if offered is None:
        h.run()
    else:
        h.cbMipUserSolution.subscribe(on_user_solution)
        if _run_until(h, offer_proven, stop=lambda: offer.update(stopped=True)):
            plan = offered()
            assert plan is not None
            offered_sol = np.asarray(plan[1], dtype=np.float64)
            return MipRun("Optimal within gap (bound of branch and bound)",
                          np.round(offered_sol[bm.x.start:bm.x.stop]), plan[0], offer["bound"], offer["nodes"],
                          first[0] if first else None, offered_sol)
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    x = None
    sol: FloatArray | None = None
    objective = float("-inf")
    bound = float(info.mip_dual_bound)
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        sol = np.asarray(h.getSolution().col_value)
        x = np.round(sol[bm.x.start:bm.x.stop])
        objective = float(info.objective_function_value)
    h.cbMipImprovingSolution.unsubscribe(on_event)
    h.cbMipInterrupt.unsubscribe(on_event)
    h.cbSimplexInterrupt.unsubscribe(on_interrupt)
    if offered is not None:
        h.cbMipUserSolution.unsubscribe(on_user_solution)
        plan = offered()
        if plan is not None and plan[0] > objective + 1e-9:  # it came after HiGHS's last request for one
            objective, sol = plan[0], np.asarray(plan[1], dtype=np.float64)
            x = np.round(sol[bm.x.start:bm.x.stop])
    return MipRun(status, x, objective, bound, int(info.mip_node_count), first[0] if first else None, sol)


#: While a plan is worked on in a second process, the branch-and-bound thread (not HiGHS's helper threads) runs
#: at this niceness, so that the second process has its core to itself when HiGHS's helper threads want a share
#: (500 projects with places and decisions: the second process's plan 3.7–4.2 s after the start instead of
#: 4.3–5.1 s; 1 % at 4.1–4.4 s instead of 4.3–5.0 s). It applies to that thread alone, which ends with the run.
BRANCH_AND_BOUND_NICENESS = 5


def _run_until(h: highspy.Highs, answered: Callable[[], bool], *, stop: Callable[[], None]) -> bool:
    """Run HiGHS in a thread (at :data:`BRANCH_AND_BOUND_NICENESS` on Linux) until it ends (``False``) or
    ``answered()``, asked every 20 ms, says the caller has its answer (``True``). The callbacks then stop HiGHS at
    the next one, in its own thread — during a root cut round a second or two later; the thread is not a daemon,
    so the interpreter waits for it at exit. An exception here (Ctrl-C) calls ``stop()``, which the callbacks
    also heed, and waits for HiGHS before it goes on."""
    def run() -> None:
        if sys.platform.startswith("linux"):  # there a thread's own id names it alone
            with suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BRANCH_AND_BOUND_NICENESS)
        h.run()

    runner = threading.Thread(target=run, name="hushall-branch-and-bound")
    runner.start()
    try:
        while runner.is_alive():
            runner.join(0.02)
            if answered():
                return True
    except BaseException:
        stop()
        runner.join()
        raise
    return False


def _gap(objective: float, bound: float) -> float:
    """Relative gap ``(bound - objective) / max(|objective|, 1e-9)``; ``inf`` without a plan."""
    if not np.isfinite(objective) or not np.isfinite(bound):
        return float("inf")
    return float(max(bound - objective, 0.0) / max(abs(objective), 1e-9))


def times_to_gap(history: Sequence[Progress], goals: Sequence[float], lp_bound: float | None = None,
                 final: tuple[float, float] | None = None) -> dict[float, float]:
    """When the solve first stood within each gap of ``goals`` (seconds from its start), from its progress
    ``history`` — each plan against the best bound known then (the LP bound ``lp_bound`` included). ``final``:
    ``(gap, seconds)`` of the finished solve, for goals its last report did not reach (a solve that ends on the gap
    reports it only once). Goals never reached are left out.

    >>> h = [Progress("mip", 1.0, objective=9.0, bound=10.0), Progress("mip", 2.0, objective=9.95, bound=10.0)]
    >>> times_to_gap(h, (0.2, 0.01, 0.001), final=(0.0, 2.5))
    {0.2: 1.0, 0.01: 2.0, 0.001: 2.5}
    """
    lp = float("inf") if lp_bound is None else lp_bound
    reached: dict[float, float] = {}
    for p in history:
        if p.objective is None or p.bound is None:
            continue
        g = _gap(p.objective, min(p.bound, lp))
        for goal in goals:
            if g <= goal and goal not in reached:
                reached[goal] = p.elapsed_s
    if final is not None:
        for goal in goals:
            if final[0] <= goal and goal not in reached:
                reached[goal] = final[1]
    return reached


#: Constraint blocks over the binaries only: the relations between projects.
RELATION_BLOCKS: tuple[str, ...] = ("start_once", "depends_on", "exclusive")


@dataclass
class PlanValues:
    """The write-back of one plan: every variable's value, every row's activity and the objective."""

    x: FloatArray
    solution: FloatArray
    row_activity: FloatArray
    objective: float
    status: str
    #: ``(renewal, backlog)`` per pool and year (kr) with renewal decisions (:mod:`hushall.optimize.renewal_decisions`)
    renewal: tuple[FloatArray, FloatArray] | None = None


def assign_solution(bm: BuiltModel, x: FloatArray, tight: bool = True, reduced: bool = False,
                    renewal_kr: FloatArray | None = None) -> PlanValues:
    """Fix the plan's binaries and solve the LP that remains (:func:`_assign_solution`). With renewal decisions,
    the branch and bound's own renewal for its plan holds the rows only within the MIP's feasibility tolerance
    (about 1 kr a row, which the exact recursion adds up: Exempelkommun's låneskuld-per-invånare row 0,7–4,3 kr over
    its limit, the plan then reported as breaking it); when it breaks a target, the renewal of one LP with the
    branch and bound's indicators and tight tolerances is taken instead if it breaks less, and when that still
    breaks one, the renewal of :func:`hushall.optimize.renewal_decisions.renewal_for_plan`'s two LPs if it breaks
    less. A sub-MIP's renewal (some pools held as in an earlier plan, ``remember_solution(restricted=True)``)
    gives way to the two LPs' when theirs is worth more and breaks no more.
    ``renewal_kr``: a given renewal ``(G, T)`` instead (as far as the plan's events allow,
    :func:`hushall.optimize.renewal_decisions.renewal_as_asked`; the ranking lists' policy renewal)."""
    if renewal_kr is not None and has_renewal_decisions(bm):
        return _assign_solution(bm, x, tight, reduced, renewal_kr=renewal_kr)
    pv = _assign_solution(bm, x, tight, reduced)
    if pv.renewal is not None and knows_renewal(bm, x) and is_restricted(bm, x):
        # a sub-MIP's renewal, some pools held as in an earlier plan: the LPs' renewal may be worth more
        other = _assign_solution(bm, x, tight, reduced, known_renewal=False)
        if (_slack_total(bm, other.solution) <= max(_slack_total(bm, pv.solution), 0.5 / MKR)
                and other.objective > pv.objective):
            pv = other
    if pv.renewal is not None and _slack_total(bm, pv.solution) > 0.5 / MKR and knows_renewal(bm, x):
        # first its own indicators with the rows held exactly (its renewal, almost to the krona), then the LPs'
        for known in ("indicators", False):
            other = _assign_solution(bm, x, tight, reduced, known_renewal=known)
            if _slack_total(bm, other.solution) < _slack_total(bm, pv.solution):
                pv = other
            if _slack_total(bm, pv.solution) <= 0.5 / MKR:
                break
    return pv


def _assign_solution(bm: BuiltModel, x: FloatArray, tight: bool = True, reduced: bool = False,
                     known_renewal: bool | str = True, renewal_kr: FloatArray | None = None) -> PlanValues:
    """Fix the plan's binaries and solve the LP that remains.

    The extra repayment is the treasury rule's (:meth:`~hushall.optimize.finance_block.FinancialBlock.replay`:
    cash above the liquidity target repays debt) and borrowing is minimised given it (the financial model's rule:
    borrow only what keeps cash at the floor), so the financial variables are the rule's; places
    go to the nearest facility with room, and the targets' slack shows what the plan violates (zero when it
    meets every target). Works for any plan, also one that breaks targets (the ranking baseline).

    ``reduced``: take the fixed columns (the plan's binaries, the indicators, the repayment) out before HiGHS
    sees the LP (:func:`~hushall.optimize.linear.solve_lp_without_fixed`) — the same LP, several times faster
    on large models; the ranking comparison and the explanations' "added unchanged" plans use it. The
    optimiser's own plan is written back from the whole LP as before.
    """
    arr = dict(bm.lm.arrays())
    lo = arr["col_lower"].copy()
    up = arr["col_upper"].copy()
    xs = slice(bm.x.start, bm.x.stop)
    lo[xs] = x
    up[xs] = x
    cost = arr["cost"].copy()
    if "fin:borrowing" in bm.lm.variables:
        b = bm.lm.variables["fin:borrowing"]
        # well above the tie-breakers: borrowing is the least possible given the plan (more borrowing never
        # helps a target, so this does not trade against the targets' slack)
        cost[b.start:b.stop] = -1.0
    fb = bm.problem.finance
    # the financial model's recursion for this plan (replay), once: its repayment fixes the LP's, and its
    # variables are written back to the krona
    path = None
    renewal = None
    if fb is not None:
        eff = {name: np.asarray(bm.problem.effect(name).T @ np.asarray(x, float))[None, :] for name in EFFECTS}
        if has_renewal_decisions(bm):
            # the plan's best renewal (its binaries fixed), fixed in the LP and added to the replay's aggregates
            renewal = (renewal_as_asked(bm, renewal_kr, x) if renewal_kr is not None else
                       renewal_values(bm, renewal_for_plan(bm, x, RELATION_BLOCKS, known=known_renewal), x))
            fix_renewal(bm, lo, up, *renewal, x)
            eff = renewal_effects(bm, *renewal, eff)
        path = fb.replay(eff)
    if fb is not None:
        from hushall.optimize.warmstart import integer_values

        # every indicator as the financial model has it for this plan (replay): the balanskrav deficit years and
        # the treasury's repayment years
        idx, val = integer_values(bm, np.asarray(x, float), eff if renewal is not None else None)
        lo[idx] = up[idx] = val
    if fb is not None and fb.repayment is not None:
        # the extra repayment as the treasury rule has it; with it fixed, the least borrowing is the rule's, and
        # every other financial variable follows from the equations
        assert path is not None
        e_kr = path[fb.repayment][0]
        e = bm.lm.variables[f"fin:{fb.repayment}"]
        lo[e.start:e.stop] = up[e.start:e.stop] = e_kr / MKR
        d = bm.lm.variables[f"fin:{fb.debt}"]
        lo[d.start:d.stop] = -np.inf  # debt 0 after repaying it all: no rounding below zero can fail the LP
    # rows over the binaries alone (relations) cannot change once they are fixed: free them, so that any plan
    # — also one breaking a relation — can be evaluated; the caller reports such breaks from the row activity
    rl, ru = arr["row_lower"].copy(), arr["row_upper"].copy()
    for name in RELATION_BLOCKS:
        blk = bm.lm.constraints.get(name)
        if blk is not None:
            rl[blk.start:blk.stop] = -np.inf
            ru[blk.start:blk.stop] = np.inf
    arr.update(col_lower=lo, col_upper=up, cost=cost, row_lower=rl, row_upper=ru)
    opts = {"primal_feasibility_tolerance": 1e-9, "dual_feasibility_tolerance": 1e-9} if tight else {}
    if reduced:
        # the same LP without the fixed columns (:func:`~hushall.optimize.linear.solve_lp_without_fixed`)
        status, solution, row_activity = solve_lp_without_fixed(arr, sense="max", offset=bm.lm.offset,
                                                                options={"solver": "simplex", **opts})
    else:
        h = highs_from_arrays(arr, sense="max", offset=bm.lm.offset, relax=True,
                              options={"solver": "simplex", **opts})
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        sol = h.getSolution()
        solution, row_activity = np.asarray(sol.col_value), np.asarray(sol.row_value)
    if fb is not None and path is not None:
        # the financial variables exactly as the recursion gives them (the LP agrees only within its tolerances,
        # a few kr over 30 years)
        for v in fb.variables:
            var = bm.lm.variables.get(f"fin:{v}")
            if var is not None and v in path:
                solution[var.start:var.stop] = path[v][0] / MKR
    # the objective with the original costs (the borrowing term as in the MILP)
    objective = _objective(bm.lm.arrays(), solution, bm.lm.offset)
    return PlanValues(np.asarray(x, float), solution, row_activity, objective, status, renewal)


def x_objective_parts(bm: BuiltModel, pv: PlanValues) -> dict[str, float]:
    """The objective split into its parts (points)."""
    p = bm.problem
    x = pv.x
    parts = {
        "value": float(p.value @ x),
        "maintenance_debt_avoided": float(p.debt_relief_kr @ x / p.kr_per_point),
        "unmet_places_penalty": 0.0,
        "do_nothing_unmet_places_penalty": bm.do_nothing_unmet_points,
        "violation_penalty": 0.0,
        "tie_breakers": 0.0,
    }
    arr = bm.lm.arrays()
    cost = arr["cost"]
    if "unmet" in bm.lm.variables:
        u = bm.lm.variables["unmet"]
        parts["unmet_places_penalty"] = float(-(cost[u.start:u.stop] @ pv.solution[u.start:u.stop]))
    slack_total = 0.0
    for name, blk in bm.lm.variables.items():
        if name.startswith("slack:") or name == "capacity_below_zero":
            slack_total += float(-(cost[blk.start:blk.stop] @ pv.solution[blk.start:blk.stop]))
    parts["violation_penalty"] = slack_total
    if "maintenance_relief:shared" in bm.lm.variables:  # components two projects claim, rewarded once
        blk = bm.lm.variables["maintenance_relief:shared"]
        parts["maintenance_debt_avoided"] += float(shared_relief_points(p) @ pv.solution[blk.start:blk.stop])
    if has_renewal_decisions(bm):  # the cost of postponing renewal, against the data's policy without projects
        blk = bm.lm.variables["renewal:backlog"]
        parts["maintenance_debt_avoided"] += (float(cost[blk.start:blk.stop] @ pv.solution[blk.start:blk.stop])
                                              + p.renewal.offset_points)
    parts["tie_breakers"] = pv.objective - (parts["value"] + parts["maintenance_debt_avoided"]
                                            - parts["unmet_places_penalty"] + bm.do_nothing_unmet_points
                                            - slack_total)
    return parts


def mkr(x: float) -> float:
    return x / MKR
