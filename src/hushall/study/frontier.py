"""The price of each choice: the efficiency frontier over the investment frame, what each target costs, and the
priority ladder.

A plan is the optimiser's answer to one set of settings. Politicians choose the settings, so they need to see
what each setting costs. Three views, all under **one fixed set of criterion weights** (the municipality's
``kriterievikt`` rows), so that every value below is comparable with every other:

**Efficiency frontier.** The investment frame is the ``investeringstak_kr`` row of Mål (investment volume per year
in the price base year's prices, :class:`hushall.optimize.problem.Ceiling`). For shares
``s_1 < … < s_K`` of today's frame ``F`` (by default 50 %, 60 %, …, 150 %; 100 % is always one of them) the plan
is re-optimised with the ceiling's limit set to ``s_k · F`` and everything else unchanged:

.. math::

    V(s) = \\max_x \\; c^\\top x \\quad \\text{s.t. the model of } \\texttt{hushall.optimize} \\text{ with }
    \\texttt{limit} = s \\cdot F

``V`` is the plan's value, the optimiser's own objective in points (weighted criteria value discounted, plus the
maintenance debt and unmet places it avoids; ``kr_per_point`` converts it to kronor). A larger frame only widens
the feasible set, so at optimality ``V`` never falls when the frame grows; a step solved only to a gap ``g`` is
within ``g · |V|`` of its optimum, and a dip smaller than the gaps is the solver's, not the economy's
(:attr:`Frontier.monotone` says whether the computed values rise, :attr:`FrontierStep.gap` gives each step's gap).
Beside ``V``: the weighted benefit alone (``benefit_points``), the places the plan's projects build, the places
still short in the last plan year, the maintenance debt at the end of the plan (price base year kr,
:func:`hushall.projects.maintenance.plan_maintenance_debt`) and the plan's total investment (price base year kr).

**Target prices.** For each financial or asset target ``m`` of Mål (the financial block's targets and
balanskrav, the ceiling on parallel projects, the nämnds' delivery ceilings) the plan is re-optimised at today's
frame without ``m``; its price is the value given up by keeping it, ``ΔV_m = V_{−m} − V`` (points; ``≥ 0`` at
optimality, since removing a target only widens the feasible set), with the projects that come in and go out.

**Priority ladder.** From the frontier's plans: for each project, the lowest frame ``s_k · F`` at which it is in
the plan, and whether it stays in at every larger frame of the grid. The optimum is not monotone in general (a
larger frame can let an expensive project in and push a cheaper alternative out); the ladder says so project by
project (``stays``) instead of pretending otherwise.

Computation: the plan at today's frame is solved first (:func:`hushall.optimize.solve.solve_model`: LP
relaxation, greedy warm start, branch and bound). Then two chains run in parallel processes, one down the frame
(90 %, 80 %, …) and one up (110 %, …), each step started from its neighbour's plan
(:func:`hushall.optimize.solve.run_mip` with ``x_start``); the target prices fill the processes as they free up,
each started from today's plan (which stays feasible without the target). Every solve has the same short time
limit and HiGHS's ``random_seed``; with enough time the results are reproducible exactly, under a binding time
limit they depend on the machine's speed only within the reported gaps.

Examples
--------
>>> from hushall.optimize.synthetic import synthetic_municipality
>>> p = synthetic_municipality(5, n_years=4, seed=2, capacity=False, relations=False, ceiling_share=0.4)
>>> f = compute_frontier(p, steps=3, time_limit_s=5, mip_gap=0.0, workers=1)
>>> [s.share for s in f.steps], f.current.share
([0.5, 1.0, 1.5], 1.0)
>>> f.monotone, Frontier.from_json(f.to_json()) == f
(True, True)
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hushall.data.target_types import FRAME_TYPE  # the frontier's axis
from hushall.errors import HushallError
from hushall.study.request import DEFAULT_MIP_GAP, DEFAULT_SEED

if TYPE_CHECKING:
    from hushall.model import MunicipalityData
    from hushall.optimize.model import ModelOptions
    from hushall.optimize.problem import OptimizationProblem

#: The frame's range and steps (shares of today's ``investeringstak_kr``).
DEFAULT_LOW = 0.5
DEFAULT_HIGH = 1.5
DEFAULT_STEPS = 11
#: Each re-solve's time limit (s): short, since the frontier is many solves and each starts from a good plan.
DEFAULT_STEP_TIME_S = 4.0
#: Parallel processes (the steps of a chain are sequential: each starts from its neighbour's plan).
DEFAULT_WORKERS = 2
#: ``progress(fraction, message)`` in Swedish, as :data:`hushall.study.study.Progress`.
Progress = Callable[[float, str], None]


def _num(x: Any) -> float | None:
    if x is None:
        return None
    v = float(x)
    return v + 0.0 if math.isfinite(v) else None


#: :class:`FrontierStep`'s money fields (:func:`money_of_plan`).
MONEY_FIELDS = ("reinvestment_kr", "reinvestment_share_early", "largest_year_investment_kr",
                "maintenance_debt_peak_kr", "maintenance_debt_mean_kr")


@dataclass
class FrontierStep:
    """One frame of the frontier: ``share`` of today's frame (``frame_kr`` per year), the plan (project id →
    start year), its value (points, :mod:`module docstring <hushall.study.frontier>`), weighted benefit, places
    built, places short in the last year, maintenance debt at the end (kr, price base year; ``None`` without the
    data), total investment (kr, price base year), whether it meets every target, and the solve's gap (``None``
    when no bound was proven) and seconds."""

    share: float
    frame_kr: float
    schedule: dict[str, int]
    value_points: float | None
    benefit_points: float | None
    places_built: float
    places_short_end: float | None
    maintenance_debt_end_kr: float | None
    investment_kr: float
    meets_targets: bool
    gap: float | None
    seconds: float
    #: The money beside the projects (kr, price base year; ``None`` without the data): the reinvestment over
    #: the plan, its share of the renewal need over the first :data:`hushall.study.changes.EARLY_YEARS` years,
    #: the largest yearly investment (projects and reinvestment: what the frame limits), and the maintenance
    #: debt at its highest and on average over the plan's years.
    reinvestment_kr: float | None = None
    reinvestment_share_early: float | None = None
    largest_year_investment_kr: float | None = None
    maintenance_debt_peak_kr: float | None = None
    maintenance_debt_mean_kr: float | None = None

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        for k in ("share", "frame_kr", "value_points", "benefit_points", "places_built", "places_short_end",
                  "maintenance_debt_end_kr", "investment_kr", "gap", "seconds", *MONEY_FIELDS):
            out[k] = _num(out[k])
        out["schedule"] = {str(k): int(v) for k, v in self.schedule.items()}
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> FrontierStep:
        known = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in raw.items() if k in known}
        kw["schedule"] = {str(k): int(v) for k, v in (raw.get("schedule") or {}).items()}
        for k in ("share", "frame_kr", "places_built", "investment_kr", "seconds"):
            kw[k] = float(kw.get(k) or 0.0)
        return cls(**kw)


@dataclass
class TargetPrice:
    """What keeping one target costs: the value without it (points) less the value with it (today's plan),
    the projects that come in and go out without it, and the re-solve's gap. ``target_type``, ``limit`` and
    ``period_years`` name the target for a reader (:func:`hushall.reports.plan_reasons.target_name`)."""

    target_id: str
    target_type: str
    limit: float | None
    period_years: int
    value_without_points: float | None
    value_given_up_points: float | None
    projects_in: list[str]
    projects_out: list[str]
    meets_other_targets: bool
    gap: float | None

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        for k in ("limit", "value_without_points", "value_given_up_points", "gap"):
            out[k] = _num(out[k])
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> TargetPrice:
        known = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in raw.items() if k in known}
        kw["projects_in"] = [str(p) for p in raw.get("projects_in") or []]
        kw["projects_out"] = [str(p) for p in raw.get("projects_out") or []]
        return cls(**kw)


@dataclass
class LadderRung:
    """One project on the priority ladder: the lowest frame of the grid at which it is in the plan (``None``:
    at no frame of the grid), whether it stays in at every larger frame, and whether today's plan has it."""

    project: str
    name: str
    cost_kr: float
    entry_share: float | None
    entry_frame_kr: float | None
    stays: bool
    in_current: bool

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        for k in ("cost_kr", "entry_share", "entry_frame_kr"):
            out[k] = _num(out[k])
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> LadderRung:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})


@dataclass
class Frontier:
    """The frontier, target prices and ladder of one municipality under one set of weights (see the module
    docstring). ``frame_kr``: today's frame (kr per year, price base year); ``kr_per_point``: kronor per point
    of value; ``weights``: the criterion weights every value is computed under; ``seconds``, ``workers``,
    ``time_limit_s``: how it was computed."""

    frame_kr: float
    kr_per_point: float
    weights: dict[str, float]
    steps: list[FrontierStep]
    prices: list[TargetPrice]
    ladder: list[LadderRung]
    seconds: float = 0.0
    workers: int = 1
    time_limit_s: float = DEFAULT_STEP_TIME_S
    mip_gap: float = DEFAULT_MIP_GAP
    notes: list[str] = field(default_factory=list)
    #: The price base year of every amount in fixed prices (``None`` for a problem without data).
    price_base_year: int | None = None

    @property
    def current(self) -> FrontierStep:
        """The step at today's frame (share 1)."""
        return min(self.steps, key=lambda s: abs(s.share - 1.0))

    @property
    def monotone(self) -> bool:
        """Whether the computed value never falls when the frame grows (see the module docstring)."""
        v = [s.value_points for s in self.steps if s.value_points is not None and s.meets_targets]
        return all(b >= a - 1e-9 * max(1.0, abs(a)) for a, b in itertools.pairwise(v))

    @property
    def max_gap(self) -> float | None:
        gaps = [s.gap for s in self.steps if s.gap is not None and math.isfinite(s.gap)]
        return max(gaps) if gaps else None

    def to_json(self) -> dict[str, Any]:
        return {"frame_kr": _num(self.frame_kr), "kr_per_point": _num(self.kr_per_point),
                "weights": {str(k): float(v) for k, v in self.weights.items()},
                "steps": [s.to_json() for s in self.steps], "prices": [p.to_json() for p in self.prices],
                "ladder": [r.to_json() for r in self.ladder], "seconds": _num(self.seconds),
                "workers": int(self.workers), "time_limit_s": _num(self.time_limit_s), "mip_gap": _num(self.mip_gap),
                "notes": list(self.notes), "price_base_year": self.price_base_year}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Frontier:
        return cls(frame_kr=float(raw.get("frame_kr") or 0.0), kr_per_point=float(raw.get("kr_per_point") or 0.0),
                   weights={str(k): float(v) for k, v in (raw.get("weights") or {}).items()},
                   steps=[FrontierStep.from_json(s) for s in raw.get("steps") or []],
                   prices=[TargetPrice.from_json(p) for p in raw.get("prices") or []],
                   ladder=[LadderRung.from_json(r) for r in raw.get("ladder") or []],
                   seconds=float(raw.get("seconds") or 0.0), workers=int(raw.get("workers") or 1),
                   time_limit_s=float(raw.get("time_limit_s") or DEFAULT_STEP_TIME_S),
                   mip_gap=float(raw.get("mip_gap", DEFAULT_MIP_GAP) or 0.0),
                   notes=[str(n) for n in raw.get("notes") or []],
                   price_base_year=None if raw.get("price_base_year") is None else int(raw["price_base_year"]))


# --- the problem under other settings ------------------------------------------------------------------------------


def frame_grid(steps: int = DEFAULT_STEPS, low: float = DEFAULT_LOW, high: float = DEFAULT_HIGH) -> list[float]:
    """``steps`` shares evenly from ``low`` to ``high``, with today's frame (1) always among them.

    >>> frame_grid(3), frame_grid(4)
    ([0.5, 1.0, 1.5], [0.5, 0.8333, 1.0, 1.1667, 1.5])
    """
    if steps < 2:
        raise ValueError("a frontier needs at least 2 steps")
    if not 0 < low < 1 < high:
        raise ValueError("the frame's range must go from below today's frame (0 < low < 1) to above it (high > 1)")
    shares = {round(float(s), 4) for s in np.linspace(low, high, steps)} | {1.0}
    return sorted(shares)


def frame_of(problem: OptimizationProblem) -> float:
    """Today's investment frame (kr per year): the largest yearly limit of the ``investeringstak_kr`` ceilings."""
    limits = [np.asarray(c.limit, dtype=float) for c in problem.ceilings if c.target_type == FRAME_TYPE]
    finite = [v[np.isfinite(v)] for v in limits]
    finite = [v for v in finite if v.size]
    if not finite:
        raise HushallError("Mål saknar ett investeringstak (typ investeringstak_kr). Prisfronten visar planen mot "
                           "investeringsramen och behöver därför ett investeringstak: lägg till en rad med typ "
                           "investeringstak_kr på fliken Mål.")
    return float(max(v.max() for v in finite))


def with_frame(problem: OptimizationProblem, share: float) -> OptimizationProblem:
    """A copy of the problem with every investment ceiling's limit times ``share`` (the rest shared, unchanged)."""
    out = copy.copy(problem)
    out.ceilings = [dataclasses.replace(c, limit=np.asarray(c.limit, dtype=float) * share)
                    if c.target_type == FRAME_TYPE else c for c in problem.ceilings]
    return out


def priced_targets(problem: OptimizationProblem) -> list[tuple[str, str]]:
    """The targets whose price is computed, as ``(target id, type)`` in the order of Mål: the financial block's
    targets and balanskrav, the ceilings other than the frame, and the nämnds' delivery ceilings."""
    out: list[tuple[str, str]] = []
    fb = problem.finance
    if fb is not None:
        out += [(t.target_id, t.target_type) for t in fb.targets]
        out += [(b.target_id, "balanskrav") for b in fb.balanskrav]
    out += [(c.target_id, c.target_type) for c in problem.ceilings if c.target_type != FRAME_TYPE]
    out += [(d.target_id, "leveranstak") for d in problem.delivery_ceilings]
    seen: dict[str, str] = {}
    for tid, ttype in out:
        seen.setdefault(str(tid), str(ttype))
    return list(seen.items())


def without_target(problem: OptimizationProblem, target_id: str) -> OptimizationProblem:
    """A copy of the problem without every row of target ``target_id`` (the rest shared, unchanged)."""
    out = copy.copy(problem)
    fb = problem.finance
    if fb is not None:
        out.finance = dataclasses.replace(
            fb, targets=[t for t in fb.targets if t.target_id != target_id],
            balanskrav=[b for b in fb.balanskrav if b.target_id != target_id])
    out.ceilings = [c for c in problem.ceilings if c.target_id != target_id]
    out.delivery_ceilings = [d for d in problem.delivery_ceilings if d.target_id != target_id]
    return out


# --- one solve -------------------------------------------------------------------------------------------------------


@dataclass
class _Solved:
    """A re-solve's plan and figures, as plain data (it crosses process boundaries)."""

    x: np.ndarray
    value: float | None
    benefit: float | None
    meets_targets: bool
    gap: float | None
    places_short_end: float | None
    seconds: float
    bound: float | None = None
    #: With renewal decisions: the plan's maintenance debt in the last plan year (its backlog, price base year kr).
    maintenance_debt_end_kr: float | None = None
    #: With renewal decisions: the plan's renewal per pool and year
    #: (:func:`hushall.optimize.renewal_decisions.renewal_table`) and per plan year (real kr).
    renewal: Any = None
    renewal_by_year_kr: np.ndarray | None = None


def _solve(problem: OptimizationProblem, x_start: np.ndarray | None, time_limit: float, mip_gap: float, seed: int,
           options: ModelOptions | None) -> _Solved:
    """Optimise one variant of the problem: from ``x_start`` (a neighbour's plan) by branch and bound, or from
    scratch (:func:`hushall.optimize.solve.solve_model`); when no plan meets every target, the least violation
    first and then the best plan within it (:func:`hushall.optimize.api.minimise_violation`), as
    :func:`hushall.optimize.optimize` does."""
    from hushall.optimize.api import minimise_violation
    from hushall.optimize.evaluate import evaluate_plan
    from hushall.optimize.model import create_model
    from hushall.optimize.renewal_decisions import remember_solution
    from hushall.optimize.solve import _gap, run_mip, solve_model

    t0 = time.perf_counter()
    bm = create_model(problem, options)
    if x_start is None:
        outcome = solve_model(bm, time_limit=time_limit, mip_gap=mip_gap, random_seed=seed,
                              skip_if_lp_violates=bm.options.elastic)
        x, objective, bound = outcome.x, outcome.objective, outcome.bound
    else:
        arr = bm.lm.arrays()
        start, start_obj, lp_obj = _best_start(bm, arr, x_start, time_limit)
        remaining = max(time_limit - (time.perf_counter() - t0), 0.5)
        run = run_mip(bm, arr, time_limit=remaining, mip_gap=mip_gap, x_start=start, t0=t0,
                      options={"random_seed": int(seed)})
        x, objective, bound = run.x, run.objective, min(run.bound, lp_obj)
        remember_solution(bm, run.x, run.solution)  # with renewal decisions: its renewal is the plan's
        if x is None or objective < start_obj - 1e-9:  # HiGHS did not better the start within the time
            x, objective = start, start_obj
    if x is None:
        return _Solved(np.zeros(problem.n_columns), None, None, False, None, None, time.perf_counter() - t0)
    ev = evaluate_plan(bm, x)
    if not ev.meets_targets and bm.options.elastic:
        remaining = max(time_limit - (time.perf_counter() - t0), 1.0)
        x2, _obj, _status, bound2 = minimise_violation(bm, x, remaining, mip_gap, None, t0)
        if x2 is not None:
            ev, bound = evaluate_plan(bm, x2), bound2
    # the net benefit without the violation penalty (zero when every target is met)
    value = float(ev.objective + ev.parts.get("violation_penalty", 0.0))
    short = None
    if ev.places is not None and len(ev.places):
        last = ev.places["year"] == int(problem.years[-1])
        short = float(ev.places.loc[last, "unmet"].sum())
    debt, by_year = None, None
    if ev.renewal is not None:
        debt = float(ev.renewal.loc[ev.renewal["year"] == int(problem.years[-1]), "backlog_kr"].sum())
        by_year = renewal_by_year(ev.renewal, problem.years)
    return _Solved(ev.x, value, float(ev.parts.get("value", 0.0)), bool(ev.meets_targets), _gap(value, bound),
                   short, time.perf_counter() - t0, _num(bound), debt, ev.renewal, by_year)


def renewal_by_year(renewal: Any, years: Sequence[int] | np.ndarray) -> np.ndarray:
    """A renewal table's renewal per plan year (real kr), summed over the pools."""
    out = np.zeros(len(years))
    if len(renewal):
        t = np.searchsorted(np.asarray(years), renewal["year"].to_numpy(dtype=np.int64))
        np.add.at(out, t, renewal["renewal_kr"].to_numpy(dtype=float))
    return out


def _better_of(own: _Solved, other: _Solved) -> _Solved:
    """``own``, or ``other``'s plan when that meets every target, is worth more and is known to fit (a plan of a
    smaller frame, or today's plan without a target): the value is the same under both settings, so the better
    plan found is kept, with ``own``'s bound and a gap against it."""
    from hushall.optimize.solve import _gap

    if not other.meets_targets or other.value is None:
        return own
    if own.value is not None and own.meets_targets and own.value >= other.value - 1e-9 * max(1.0, abs(other.value)):
        return own
    bound = own.bound if own.bound is not None else float("inf")
    return dataclasses.replace(other, gap=_gap(other.value, bound), seconds=own.seconds, bound=own.bound)


def _best_start(bm: Any, arr: dict[str, Any], x_start: np.ndarray, time_limit: float
                ) -> tuple[np.ndarray, float, float]:
    """The better start of two — the neighbour's plan and the greedy rounding of this variant's LP relaxation,
    each improved by local search (:mod:`hushall.optimize.warmstart`) — with its objective (penalties
    included), and the LP relaxation's bound."""
    from hushall.optimize.solve import assign_solution, solve_lp_relaxation
    from hushall.optimize.warmstart import improve_locally, round_greedily

    budget = min(0.05 * time_limit, 1.0)
    _status, lp_sol, _dual, lp_obj = solve_lp_relaxation(bm, arr, time_limit)
    starts = [improve_locally(bm, np.asarray(x_start, dtype=float), time_budget_s=budget)]
    if lp_sol is not None:
        starts.append(improve_locally(bm, round_greedily(bm, lp_sol[bm.x.start:bm.x.stop]), time_budget_s=budget))
    scored = []
    for x in starts:
        pv = assign_solution(bm, x, tight=False)
        scored.append((pv.objective if pv.status == "Optimal" else float("-inf"), x))
    best_obj, best_x = max(scored, key=lambda item: item[0])
    return best_x, float(best_obj), float(lp_obj if lp_sol is not None else np.inf)


def _chain(problem: OptimizationProblem, share: float, x_start: np.ndarray | None, time_limit: float, mip_gap: float,
           seed: int, options: ModelOptions | None) -> _Solved:
    return _solve(with_frame(problem, share), x_start, time_limit, mip_gap, seed, options)


def _price(problem: OptimizationProblem, target_id: str, x_start: np.ndarray, time_limit: float, mip_gap: float,
           seed: int, options: ModelOptions | None) -> _Solved:
    return _solve(without_target(problem, target_id), x_start, time_limit, mip_gap, seed, options)


def fits_frame(problem: OptimizationProblem, x: np.ndarray, share: float,
               renewal_kr: np.ndarray | None = None) -> bool:
    """Whether the plan keeps every investment ceiling at ``share`` of its limit (1 kr tolerance, as
    :mod:`hushall.optimize.evaluate` counts a violation): its yearly volume in fixed prices — the projects' and,
    when the optimiser decides the reinvestment, the plan's renewal ``renewal_kr`` per year (the ceiling counts
    both: ``agg:invest_real``, :mod:`hushall.optimize.renewal_decisions`) — summed over each ceiling's window,
    plus the volume outside the plan the ceiling counts (:class:`~hushall.optimize.problem.Ceiling`), at most
    ``share × limit × years in the window``. The frame is the only setting that differs between the frontier's
    steps, so a plan (with its renewal) that meets every target at one frame meets them at another exactly when
    this holds."""
    t_count = problem.n_years
    yearly = np.asarray(problem.invest_real.T @ np.asarray(x, dtype=float)).ravel()
    if renewal_kr is not None:
        yearly = yearly + np.asarray(renewal_kr, dtype=float)
    cum = np.cumsum(yearly)
    for c in problem.ceilings:
        if c.target_type != FRAME_TYPE:
            continue
        n = max(int(c.window), 1)
        used = cum.copy()
        if n < t_count:
            used[n:] -= cum[:-n]
        count = np.minimum(np.arange(1, t_count + 1), n)
        act = c.active(t_count)
        room = share * np.asarray(c.limit, dtype=float) * count - c.base_window_sum(t_count)
        if np.any(used[act] > room[act] + 1.0):
            return False
    return True


def _best_known(problem: OptimizationProblem, grid: Sequence[float], solved: dict[float, _Solved],
                priced: Mapping[str, _Solved], options: ModelOptions | None) -> list[str]:
    """Give every step the best plan found by any solve that fits its frame (in place); the notes say where.

    The plans that meet every target are the steps' own and those of the target prices that meet the priced
    target too (checked by :func:`hushall.optimize.evaluate.evaluate_plan` on the whole problem). The frame is
    the only difference between steps, and a plan's value does not depend on it, so such a plan is a plan of
    every step whose frame it fits (:func:`fits_frame`): with short time limits one solve often finds what its
    neighbour missed. The step keeps its own bound (the gap is against it)."""
    from hushall.optimize.evaluate import evaluate_plan
    from hushall.optimize.model import create_model

    good = [r for r in solved.values() if r.meets_targets and r.value is not None]
    if priced:
        bm = create_model(problem, options)
        good += [r for r in priced.values() if r.meets_targets and r.value is not None
                 and evaluate_plan(bm, r.x).meets_targets]
    moved = []
    for share in grid:
        own = solved[share]
        for other in sorted(good, key=lambda r: -(r.value or 0.0)):
            if other is own or not fits_frame(problem, other.x, share, other.renewal_by_year_kr):
                continue
            kept = _better_of(own, other)
            if kept is not own:
                solved[share] = kept
                moved.append(share)
            break
    if not moved:
        return []
    from hushall.formatting import fmt_pct

    return ["Vid " + ", ".join(fmt_pct(s, 0) for s in moved) + " av dagens ram visas den bästa plan som någon av "
            "omräkningarna hittade och som ryms inom ramen (varje omräkning har kort tidsgräns, så en granne "
            "kan hitta det som en annan missar)."]


# --- the whole frontier ------------------------------------------------------------------------------------------


def _schedule(problem: OptimizationProblem, x: np.ndarray) -> dict[str, int]:
    j = np.flatnonzero(np.asarray(x) > 0.5)
    return {str(problem.project_ids[problem.col_project[k]]): int(problem.years[problem.col_start[k]]) for k in j}


def _places_built(problem: OptimizationProblem, x: np.ndarray) -> float:
    cb = problem.capacity
    if cb is None:
        return 0.0
    q = problem.col_project[np.flatnonzero(np.asarray(x) > 0.5)]
    return float(np.maximum(cb.project_places[q], 0.0).sum())


def _investment(problem: OptimizationProblem, x: np.ndarray) -> float:
    q = problem.col_project[np.flatnonzero(np.asarray(x) > 0.5)]
    return float(problem.cost_kr[q].sum())


def ladder(steps: Sequence[FrontierStep], names: Mapping[str, str], costs: Mapping[str, float]) -> list[LadderRung]:
    """The priority ladder from the frontier's plans (steps in any order): each project's lowest frame in the
    plan and whether it stays in at every larger frame; ordered by that frame, then by cost. Projects in no plan
    of the grid come last, with ``entry_share`` ``None``. Only plans that meet every target count (below some
    frame no plan does: the plan shown there breaks targets as little as possible).

    >>> s = [FrontierStep(1.0, 100.0, {"A": 2026}, 1.0, 1.0, 0.0, None, None, 1.0, True, 0.0, 0.0),
    ...      FrontierStep(1.5, 150.0, {"A": 2026, "B": 2027}, 2.0, 2.0, 0.0, None, None, 2.0, True, 0.0, 0.0),
    ...      FrontierStep(0.5, 50.0, {"B": 2026}, 0.5, 0.5, 0.0, None, None, 1.0, True, 0.0, 0.0)]
    >>> [(r.project, r.entry_share, r.stays) for r in ladder(s, {}, {"A": 1.0, "B": 2.0, "C": 3.0})]
    [('B', 0.5, False), ('A', 1.0, True), ('C', None, False)]
    """
    everything = sorted(steps, key=lambda s: s.share)
    current = min(everything, key=lambda s: abs(s.share - 1.0)) if everything else None
    ordered = [s for s in everything if s.meets_targets]  # a plan that breaks targets is no rung to stand on
    rungs = []
    for pid in sorted(set(costs) | {p for s in ordered for p in s.schedule}):
        inside = [pid in s.schedule for s in ordered]
        first = inside.index(True) if True in inside else None
        rungs.append(LadderRung(
            project=pid, name=str(names.get(pid, pid)), cost_kr=float(costs.get(pid, 0.0)),
            entry_share=None if first is None else ordered[first].share,
            entry_frame_kr=None if first is None else ordered[first].frame_kr,
            stays=first is not None and all(inside[first:]),
            in_current=current is not None and pid in current.schedule))
    return sorted(rungs, key=lambda r: (r.entry_share is None, r.entry_share or 0.0, -r.cost_kr, r.project))


def _warm_up() -> None:
    """Import the optimiser in a worker process (while the parent solves today's plan)."""
    import hushall.optimize.api
    import hushall.optimize.evaluate
    import hushall.optimize.warmstart  # noqa: F401


def _executor(workers: int) -> Executor:
    if workers <= 1:
        return ThreadPoolExecutor(max_workers=1)
    import multiprocessing

    # spawn: HiGHS runs threads of its own, which a forked child would inherit in an undefined state
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _target_rows(data: MunicipalityData | None) -> dict[str, tuple[float | None, int]]:
    if data is None or not len(data.targets):
        return {}
    out = {}
    for r in data.targets.itertuples(index=False):
        period = getattr(r, "period_years", 1)
        out[str(r.target_id)] = (_num(r.limit), int(period) if period is not None and not np.isnan(period) else 1)
    return out


def compute_frontier(
    source: MunicipalityData | OptimizationProblem,
    *,
    steps: int = DEFAULT_STEPS,
    low: float = DEFAULT_LOW,
    high: float = DEFAULT_HIGH,
    time_limit_s: float = DEFAULT_STEP_TIME_S,
    mip_gap: float = DEFAULT_MIP_GAP,
    workers: int = DEFAULT_WORKERS,
    seed: int = DEFAULT_SEED,
    prices: bool = True,
    options: ModelOptions | None = None,
    progress: Progress | None = None,
    renewal_decisions: bool | None = None,
    balanskrav: str = "restore",
) -> Frontier:
    """The efficiency frontier, the target prices and the priority ladder (see the module docstring).

    Parameters
    ----------
    source
        A municipality (its plan problem is :func:`hushall.optimize.inputs.problem_from_municipality`'s) or a
        ready :class:`~hushall.optimize.problem.OptimizationProblem`.
    steps, low, high
        The frame grid (:func:`frame_grid`).
    time_limit_s, mip_gap, seed
        Each re-solve's limits and HiGHS's random seed.
    workers
        Parallel processes (1: all in this process, one after the other).
    prices
        Compute the target prices (one re-solve per target).
    progress
        ``progress(fraction, message)`` after each solve, in Swedish.
    renewal_decisions
        For a municipality: the optimiser decides the reinvestment in every solve
        (:func:`hushall.optimize.inputs.problem_from_municipality`; ``None``: its default); each step's maintenance
        debt is then its plan's backlog.
    balanskrav
        For a municipality: the optimiser's balance requirement in every solve (``"balanced"``: a budget in
        balance every plan year; :func:`hushall.optimize.inputs.problem_from_municipality`).
    """
    from hushall.model import MunicipalityData

    t0 = time.perf_counter()
    report = progress or (lambda _f, _m: None)
    data = source if isinstance(source, MunicipalityData) else None
    if data is not None:
        from hushall.optimize.inputs import problem_from_municipality

        problem = problem_from_municipality(data, renewal_decisions=renewal_decisions, balanskrav=balanskrav)
    else:
        problem = source  # type: ignore[assignment]
    frame = frame_of(problem)
    grid = frame_grid(steps, low, high)
    targets = priced_targets(problem) if prices else []
    total = len(grid) + len(targets)
    done = 0

    def tick(message: str) -> None:
        nonlocal done
        done += 1
        report(done / total, message)

    report(0.0, f"Beräknar planen vid dagens ram ({len(grid)} ramar och {len(targets)} mål att räkna)")
    priced: dict[str, _Solved] = {}
    with _executor(workers) as pool:
        # the worker processes start (and import the optimiser) while today's plan is solved here
        warming = [pool.submit(_warm_up) for _ in range(max(int(workers), 1))] if workers > 1 else []
        # today's plan starts every chain and every target price: it gets three steps' time
        solved: dict[float, _Solved] = {1.0: _solve(problem, None, 3 * time_limit_s, mip_gap, seed, options)}
        tick("Planen vid dagens ram (100 %) klar")
        wait(warming)
        base_x = solved[1.0].x
        down = [s for s in reversed(grid) if s < 1.0]
        up = [s for s in grid if s > 1.0]
        chains = [c for c in (down, up) if c]
        running: dict[Future[_Solved], tuple[str, Any]] = {}
        position = dict.fromkeys(range(len(chains)), 0)
        waiting = list(targets)

        def submit_next() -> None:
            while len(running) < max(workers, 1):
                ready = [i for i in position if position[i] < len(chains[i])
                         and not any(kind == "chain" and key[0] == i for kind, key in running.values())]
                if ready:
                    i = ready[0]
                    share = chains[i][position[i]]
                    prev = 1.0 if position[i] == 0 else chains[i][position[i] - 1]
                    fut = pool.submit(_chain, problem, share, solved[prev].x, time_limit_s, mip_gap, seed, options)
                    running[fut] = ("chain", (i, share))
                    position[i] += 1
                elif waiting:
                    tid, _ttype = waiting.pop(0)
                    running[pool.submit(_price, problem, tid, base_x, time_limit_s, mip_gap, seed, options)] = (
                        "price", (tid, None))
                else:
                    return

        submit_next()
        while running:
            finished, _ = wait(list(running), return_when="FIRST_COMPLETED")
            for fut in finished:
                kind, key = running.pop(fut)
                result = fut.result()
                if kind == "chain":
                    solved[key[1]] = result
                    tick(f"Ram {round(key[1] * 100):d} % klar")
                else:
                    priced[key[0]] = result
                    tick(f"Målet {key[0]} prissatt")
            submit_next()
    notes = _best_known(problem, grid, solved, priced, options)
    names = {str(k): str(v) for k, v in zip(problem.project_ids, problem.project_names, strict=True)}
    costs = {str(k): float(v) for k, v in zip(problem.project_ids, problem.cost_kr, strict=True)}
    frontier_steps = []
    for share in grid:
        r = solved[share]
        schedule = _schedule(problem, r.x)
        debt = r.maintenance_debt_end_kr
        money: dict[str, Any] = {}
        if data is not None:
            money = money_of_plan(data, schedule, r.renewal)
            debt = money.pop("maintenance_debt_end_kr")
        frontier_steps.append(FrontierStep(
            share=share, frame_kr=share * frame, schedule=schedule, value_points=r.value, benefit_points=r.benefit,
            places_built=_places_built(problem, r.x), places_short_end=r.places_short_end,
            maintenance_debt_end_kr=debt, investment_kr=_investment(problem, r.x), meets_targets=r.meets_targets,
            gap=_num(r.gap), seconds=r.seconds, **money))
    rows = _target_rows(data)
    base = solved[1.0]
    base_plan = set(_schedule(problem, base.x))
    price_list = []
    for tid, ttype in targets:
        r = _better_of(priced[tid], base)  # today's plan also meets every other target
        plan = set(_schedule(problem, r.x))
        given_up = None if r.value is None or base.value is None else r.value - base.value
        if given_up is not None and abs(given_up) < 1e-9 * max(1.0, abs(base.value or 0.0)):
            given_up = 0.0
        limit, period = rows.get(tid, (None, 1))
        price_list.append(TargetPrice(
            target_id=tid, target_type=ttype, limit=limit, period_years=period, value_without_points=r.value,
            value_given_up_points=given_up, projects_in=sorted(plan - base_plan),
            projects_out=sorted(base_plan - plan), meets_other_targets=r.meets_targets, gap=_num(r.gap)))
    out = Frontier(frame_kr=frame, kr_per_point=float(problem.kr_per_point),
                   weights={c: float(w) for c, w in zip(problem.criteria, problem.weights, strict=True)},
                   steps=frontier_steps, prices=price_list, ladder=ladder(frontier_steps, names, costs),
                   seconds=time.perf_counter() - t0, workers=max(int(workers), 1), time_limit_s=float(time_limit_s),
                   mip_gap=float(mip_gap), price_base_year=None if data is None else int(data.price_base_year))
    out.notes = frontier_notes(out) + notes
    return out


def money_of_plan(data: MunicipalityData, schedule: Mapping[str, int], renewal: Any = None) -> dict[str, Any]:
    """A frontier step's money: the plan's forecast (with its renewal when the optimiser decided it,
    :func:`hushall.optimize.result.renewal_policy`; else the data's reinvestment policy) read as
    :class:`hushall.study.changes.PlanFacts` — :data:`MONEY_FIELDS` and ``maintenance_debt_end_kr``."""
    from hushall.finance import forecast
    from hushall.optimize.result import renewal_policy
    from hushall.study.changes import EARLY_YEARS, PlanFacts

    fc = forecast(data, dict(schedule), reinvestment_policy=renewal_policy(renewal, data))
    facts = PlanFacts.of_money(fc, data, schedule)
    totals = [x for x in facts.invest_by_year_kr if x == x]
    peak = facts.debt_peak
    return {"maintenance_debt_end_kr": facts.maintenance_debt_end_kr,
            "reinvestment_kr": facts.reinvestment_kr if facts.reinvest_by_year_kr else None,
            "reinvestment_share_early": facts.reinvestment_share(EARLY_YEARS),
            "largest_year_investment_kr": max(totals) if totals else None,
            "maintenance_debt_peak_kr": None if peak is None else peak[0],
            "maintenance_debt_mean_kr": facts.debt_mean_kr}


def frontier_notes(f: Frontier) -> list[str]:
    """What a reader must know to read the frontier right, in Swedish: steps that break targets, values that
    fall although the frame grows, projects that do not stay in when the frame grows."""
    from hushall.formatting import fmt_pct

    notes = []
    bad = [s for s in f.steps if not s.meets_targets]
    if bad:
        notes.append("Vid " + ", ".join(fmt_pct(s.share, 0) for s in bad) + " av dagens ram finns ingen plan som "
                     "klarar alla mål; där visas planen som bryter dem minst.")
    if not f.monotone:
        notes.append("Planens värde sjunker på något ställe fast ramen växer. Med obegränsad räknetid kan det inte "
                     "hända; här är varje ram räknad med kort tidsgräns, och skillnaden ligger inom stegens gap.")
    moving = [r.project for r in f.ladder if r.entry_share is not None and not r.stays]
    if moving:
        notes.append("Alla projekt stannar inte kvar när ramen växer (" + ", ".join(moving) + "): med mer pengar "
                     "kan ett dyrare projekt ge mer värde och ta ett billigare alternativs plats.")
    return notes


__all__ = [
    "DEFAULT_HIGH",
    "DEFAULT_LOW",
    "DEFAULT_STEPS",
    "DEFAULT_STEP_TIME_S",
    "DEFAULT_WORKERS",
    "Frontier",
    "FrontierStep",
    "LadderRung",
    "TargetPrice",
    "compute_frontier",
    "fits_frame",
    "frame_grid",
    "frame_of",
    "frontier_notes",
    "ladder",
    "money_of_plan",
    "priced_targets",
    "with_frame",
    "without_target",
]
