r"""Robust planning: a plan whose targets hold with the probability the council chooses, and what that costs.

The optimiser plans against one forecast. :func:`robust_plan` makes it plan with a **safety margin** found by
simulation:

1. plan on the baseline (``planner(data)``) and simulate the plan (:func:`hushall.scenarios.montecarlo.simulate`,
   the original targets);
2. for every target that holds with probability below ``level`` in some year, measure the shortfall at the
   ``1 − level`` quantile (``level`` for targets bounded from above) of its simulated value in that year —
   how much the limit would have to move for the quantile to meet it — and add the largest shortfall over the years
   to the target's margin;
3. re-plan against the tightened targets (``limit + margin`` for lower bounds, ``limit − margin`` for upper
   bounds; the balanskrav, which has no limit to move, gets a resultat-andel target ``≥ margin`` beside it) and
   simulate the new plan against the *original* targets;
4. repeat until every target holds with probability ≥ ``level`` in every year it applies, the planner stops
   changing the plan, two re-plans in a row do not make the weakest target safer (the level cannot be reached:
   e.g. a target that fails in the baseline whatever the plan), or ``max_iterations`` is reached. The plan kept
   is the one that reached the level, else the safest one found (highest lowest probability);
5. once the level is reached, lower the margins that are not needed (``refine`` tries) for a cheaper plan that
   still reaches it.

The cost of robustness is the value of the baseline plan minus the value of the robust plan, both as the planner
measures value (the optimiser: weighted criteria value plus maintenance debt and unmet places avoided, in points and
in kr through its ``kr_per_point``; :func:`plan_value` for other planners).

A planner is any callable ``planner(data) -> schedule`` (a mapping project id → start year) or ``-> PlanChoice``;
:class:`OptimiserPlanner` wraps :func:`hushall.optimize.optimize`, :func:`greedy_planner` is a fast heuristic for
tests and first looks. When the optimiser decides the reinvestment (``OptimiserPlanner(renewal_decisions=True)``)
each choice carries its renewal (:attr:`PlanChoice.renewal`) and every plan is simulated and measured with it, not
with the data's reinvestment policy.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> data = exempelkommun()
>>> res = robust_plan(data, greedy_planner, level=0.6, n_draws=300, max_iterations=2)
>>> res.status in STATUS_TEXT and 0 <= res.robust_probability <= 1
True
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hushall.data.target_types import TARGET_TYPES, Aggregation, types_where, window
from hushall.errors import SolverError
from hushall.finance import build_inputs, run, target_results
from hushall.finance.targets import limit_per_unit, maintenance_debt_base_kr
from hushall.formatting import fmt_pct
from hushall.model import MunicipalityData
from hushall.projects import ProjectCatalog, Schedule
from hushall.scenarios.montecarlo import (
    LOWER_BOUND_TARGETS,
    MonteCarloResult,
    MonteCarloSpec,
    quantile_name,
    simulate,
)
from hushall.scenarios.plan import plan_arrays, realise

#: Target types whose limit the margin search moves (``balanskrav`` gets a companion target instead).
TIGHTENABLE: frozenset[str] = frozenset(types_where(evaluated=True))
BALANSKRAV_COMPANION = "ROBUST-BALANSKRAV"
#: The companion's type: a share of the result, whose limit the margin search raises.
COMPANION_TYPE = "resultat_andel"

STATUS_TEXT: dict[str, str] = {
    "uppnådd": "Alla mål håller med minst den valda sannolikheten varje år.",
    "basplanen_räcker": "Basplanen håller redan målen med minst den valda sannolikheten.",
    "planen_ändras_inte": "Planeraren kan inte göra planen säkrare med högre marginaler (planen slutade ändras).",
    "ej_uppnåelig": "Högre marginaler gör inte det svagaste målet säkrare: sannolikheten går inte att nå med "
                    "de här projekten och antagandena. Den säkraste planen som hittades visas.",
    "max_iterationer": "Största antalet iterationer nåddes innan sannolikheten uppnåddes.",
}


@dataclass(frozen=True)
class PlanChoice:
    """A planner's answer: the schedule, its value (planner's unit) and optional details."""

    schedule: Schedule
    value: float | None = None
    kr_per_point: float | None = None
    status: str = ""
    #: The optimiser's renewal of this plan (:class:`hushall.needs.reinvestment.RenewalPlan`) when it decided the
    #: reinvestment; ``None``: the data's reinvestment policy.
    renewal: Any = None


Planner = Callable[[MunicipalityData], "PlanChoice | Mapping[str, int]"]


def as_choice(answer: PlanChoice | Mapping[str, int]) -> PlanChoice:
    return answer if isinstance(answer, PlanChoice) else PlanChoice(Schedule(answer))


# --- Value of a plan --------------------------------------------------------------------------------------------


def criterion_weights(data: MunicipalityData) -> dict[str, float]:
    """Criterion → weight from the ``kriterievikt`` rows of sheet ``Mål`` (equal weights when there are none)."""
    from hushall.data.schema import CRITERIA

    t = data.targets
    rows = t[t["target_type"] == "kriterievikt"] if len(t) else t
    if not len(rows):
        return dict.fromkeys(CRITERIA, 1.0 / len(CRITERIA))
    return {str(c): float(v) for c, v in zip(rows["criterion"], rows["limit"], strict=True)}


def plan_value(data: MunicipalityData, schedule: Mapping[str, int]) -> float:
    """The plan's weighted criteria score, each project discounted to its first year in use (points).

    ``Σ_p Σ_k w_k · poäng_k,p · δ(c_p)`` with ``δ(t) = Π_{u<t} 1/(1 + diskonteringsränta_u)`` (1 in the first plan
    year) and ``c_p`` the year after completion — the value term of the optimiser's objective.

    Examples
    --------
    >>> from hushall.examples import exempelkommun
    >>> plan_value(exempelkommun(), {}) == 0.0
    True
    """
    cat = ProjectCatalog.from_data(data)
    sched = Schedule(schedule)
    if not len(sched):
        return 0.0
    idx, starts = sched.positions(cat, check_window=False)
    weights = criterion_weights(data)
    score = np.zeros(len(idx))
    projects = data.projects.iloc[idx]
    for criterion, w in weights.items():
        col = f"score_{criterion}"
        if col in projects:
            score += w * projects[col].fillna(0.0).to_numpy(dtype=float)
    n_t = data.horizon_years
    first_use = starts - data.first_year + cat.duration_years[idx]
    horizon = int(max(n_t, first_use.max(initial=0))) + 1
    years = np.arange(data.first_year, data.first_year + horizon)
    rate = data.assumptions["diskonteringsränta"].series(years)
    discount = np.concatenate([[1.0], np.cumprod(1.0 / (1.0 + rate[:-1]))])
    return float((score * discount[first_use]).sum())


# --- Planners ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimiserPlanner:
    """The MILP optimiser (:func:`hushall.optimize.optimize`) as a planner. Picklable, so it runs on Dask workers.
    The value reported is that of :func:`choice_from_optimization`."""

    time_limit: float = 20.0
    mip_gap: float = 1e-3
    #: Let the optimiser decide the reinvestment (``optimize(..., renewal_decisions=)``; ``None``: its default).
    renewal_decisions: bool | None = None

    def __call__(self, data: MunicipalityData) -> PlanChoice:
        from hushall.optimize import optimize  # on call: the MILP's libraries load slowly

        result = optimize(data, time_limit=self.time_limit, mip_gap=self.mip_gap, explain=False, ranking=False,
                          renewal_decisions=self.renewal_decisions)
        if result.status == "no_solution":
            raise SolverError(f"Optimeraren hittade ingen plan inom {self.time_limit:g} s.")
        return choice_from_optimization(result, data)


def choice_from_optimization(result: Any, data: MunicipalityData | None = None) -> PlanChoice:
    """An optimiser result (:class:`hushall.optimize.OptimizationResult`) as a planner's choice. Its value is the
    plan's benefit in the optimiser's points without violation penalties: weighted criteria value + maintenance
    debt avoided − unmet-places penalty (+ the do-nothing penalty constant), so that plans optimised against
    tightened targets are valued like the baseline plan. With ``data``, the choice carries the optimiser's renewal
    when it decided the reinvestment (:meth:`hushall.optimize.OptimizationResult.renewal_plan`)."""
    parts = result.objective_parts
    value = (parts.get("value", 0.0) + parts.get("maintenance_debt_avoided", 0.0)
             - parts.get("unmet_places_penalty", 0.0) + parts.get("do_nothing_unmet_places_penalty", 0.0))
    renewal = None if data is None else result.renewal_plan(data)
    return PlanChoice(Schedule(result.schedule_dict), float(value), float(result.kr_per_point), result.status,
                      renewal)


def _shortfall(data: MunicipalityData, statements: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per draw: total shortfall (kr; a project over the parallel ceiling counts 1e8 kr) and a (S, R) met matrix
    over every active target-year."""
    res = target_results(data.targets, statements, maintenance_debt_base_kr(data))
    n_s = statements.shape[0]
    short = np.zeros(n_s)
    mets = []
    for r in res:
        met = np.broadcast_to(r.met, (n_s, r.years.size))[:, r.active]
        mets.append(met)
        if TARGET_TYPES[r.target_type].unit == "count":
            over = np.maximum(np.broadcast_to(r.value, (n_s, r.years.size)) - np.broadcast_to(r.limit, (
                n_s, r.years.size)), 0.0)
            short += 1e8 * over[:, r.active].sum(axis=1)
        else:
            margin = np.nan_to_num(np.broadcast_to(r.margin_kr, (n_s, r.years.size)), nan=0.0)
            short += np.maximum(-margin, 0.0)[:, r.active].sum(axis=1)
    met_all = np.concatenate(mets, axis=1) if mets else np.ones((n_s, 0), dtype=bool)
    return short, met_all


def _run_plan(data: MunicipalityData, schedule: Mapping[str, int], delay: np.ndarray) -> Any:
    """Statements of ``schedule`` with each row of ``delay`` ``(S, P)`` as one variant: one vectorised run."""
    arrays = plan_arrays(data, schedule)
    inputs = build_inputs(data)
    eff = realise(arrays, inputs.construction_index, inputs.price_index, delay=delay)
    return run(inputs.replace(
        investment_kr=eff["investment_kr"], expensed_kr=eff["expensed_kr"],
        operating_cost_change_kr=eff["operating_cost_kr"], sale_proceeds_kr=eff["sale_proceeds_kr"],
        written_off_kr=eff["written_off_kr"], existing_depreciation_stopped_kr=eff["existing_depreciation_stopped_kr"],
        realisation_gains_kr=eff["realisation_gains_kr"],
        capitalised_by_component_kr=eff["capitalised_kr"][:, None, :],
        new_depreciation_by_component_kr=eff["depreciation_kr"][:, None, :],
        projects_under_construction=eff["projects_under_construction"], places_change=eff["places"],
        component_types=("alla",)))


def _evaluate_starts(data: MunicipalityData, base: Mapping[str, int], project: str, starts: list[int]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Shortfall and met matrix of ``base`` plus ``project`` at each of ``starts``."""
    trial = {**base, project: starts[0]}
    order = plan_arrays(data, trial).project_ids
    delay = np.zeros((len(starts), len(order)), dtype=np.int64)
    delay[:, order.index(project)] = np.asarray(starts) - starts[0]
    return _shortfall(data, _run_plan(data, trial, delay))


def greedy_planner(data: MunicipalityData) -> PlanChoice:
    """A fast heuristic planner: the committed projects, then every other project in order of weighted criteria
    score per krona, each at the earliest start year where no target-year that held stops holding and the total
    shortfall (kr below the targets) does not grow. Exclusive groups and dependencies are respected. Value:
    :func:`plan_value`.

    Not the optimiser: a stand-in for tests, benchmarks and quick looks (and for many-scenario re-planning when
    the MILP is too slow).
    """
    cat = ProjectCatalog.from_data(data)
    current = dict(Schedule.committed(cat).items())
    weights = criterion_weights(data)
    score = np.zeros(len(cat))
    for criterion, w in weights.items():
        col = f"score_{criterion}"
        if col in data.projects:
            score += w * data.projects[col].fillna(0.0).to_numpy(dtype=float)
    cost = np.maximum(cat.cost_kr, 1.0)
    order = sorted((i for i in range(len(cat)) if cat.project_ids[i] not in current),
                   key=lambda i: (-score[i] / cost[i], i))
    groups = data.projects["exclusive_group"].fillna("").astype(str).to_numpy() if len(cat) else np.array([])
    depends = data.projects["depends_on"].fillna("").astype(str).to_numpy() if len(cat) else np.array([])
    used_groups = {groups[cat.index(p)] for p in current} - {""}
    base_short, base_met = _shortfall(data, _run_plan(data, current, np.zeros((1, len(current)), dtype=np.int64)))
    for i in order:
        pid = cat.project_ids[i]
        if groups[i] and groups[i] in used_groups:
            continue
        lo, hi = int(cat.earliest_start[i]), int(cat.latest_start[i])
        if depends[i]:
            if depends[i] not in current:
                continue
            k = cat.index(depends[i])
            lo = max(lo, current[depends[i]] + int(cat.duration_years[k]))
        if lo > hi:
            continue
        starts = list(range(lo, hi + 1))
        short, met = _evaluate_starts(data, current, pid, starts)
        ok = (short <= base_short[0] + 1.0) & ~(base_met[0][None, :] & ~met).any(axis=1)
        if ok.any():
            k = int(np.flatnonzero(ok)[0])
            current[pid] = starts[k]
            base_short, base_met = short[k:k + 1], met[k:k + 1]
            if groups[i]:
                used_groups.add(groups[i])
    schedule = Schedule(current)
    return PlanChoice(schedule, plan_value(data, schedule), None, "heuristik")


# --- Margin search ----------------------------------------------------------------------------------------------


def tighten_targets(data: MunicipalityData, margins: Mapping[str, float]) -> MunicipalityData:
    """A copy of ``data`` whose targets are moved by the margins (target id → margin in the target's unit; for a
    balanskrav target, the resultat-andel a companion target demands)."""
    t = data.targets.copy()
    extra = []
    for tid, m in margins.items():
        if m == 0:
            continue
        rows = t.index[t["target_id"].astype(str) == tid]
        if not len(rows):
            continue
        r = rows[0]
        ttype = str(t.at[r, "target_type"])
        if ttype == "balanskrav":
            row = t.loc[r].to_dict()
            row.update(target_id=BALANSKRAV_COMPANION, target_type=COMPANION_TYPE, limit=float(m), period_years=1)
            extra.append(row)
        elif ttype in LOWER_BOUND_TARGETS:
            t.at[r, "limit"] = float(t.at[r, "limit"]) + m
        else:
            t.at[r, "limit"] = float(t.at[r, "limit"]) - m
    if extra:
        t = pd.concat([t, pd.DataFrame(extra)], ignore_index=True)
    return data.replace(targets=t)


def _unit_per_kr(data: MunicipalityData, schedule: Mapping[str, int], renewal: Any = None
                 ) -> dict[str, np.ndarray]:
    """For each target: kr of margin bought by moving its limit one unit, per year, in the plan's forecast
    (the denominators of :func:`hushall.finance.target_results`; ``renewal``: the optimiser's, as in
    :func:`hushall.finance.forecast`)."""
    from hushall.finance import forecast

    st = forecast(data, schedule, reinvestment_policy=renewal).statements
    n_t = st.years.size
    out: dict[str, np.ndarray] = {}
    for row in data.targets.to_dict("records"):
        ttype = str(row["target_type"])
        kind = TARGET_TYPES.get(ttype)
        if kind is None or not kind.evaluated:
            continue
        if ttype == "balanskrav":  # tightened through its companion resultat_andel target over one year
            per = limit_per_unit(st, TARGET_TYPES[COMPANION_TYPE], 1)
        elif kind.aggregation is Aggregation.RULE:  # a count: one unit of limit is one unit of margin
            per = np.ones(n_t)
        else:
            per = limit_per_unit(st, kind, window(row.get("period_years")))
        out[str(row["target_id"])] = np.asarray(per, dtype=float)
    return out


def needed_margins(mc: MonteCarloResult, level: float, data: MunicipalityData, schedule: Mapping[str, int],
                   last_year: int | None = None, renewal: Any = None) -> dict[str, float]:
    """The extra margin (in the unit of each target's limit) each target needs so that its margin's
    ``1 − level`` quantile is non-negative in every year it applies; 0 where it already holds with probability
    ≥ ``level``. The shortfall in kr is turned into the limit's unit with the plan's own denominators (e.g.
    skatteintäkter + generella statsbidrag for resultat_andel, invånare for låneskuld per invånare); for a
    balanskrav target it is the resultat-andel of the companion target. Only years up to ``last_year`` count;
    ``renewal``: the plan's renewal when the optimiser decided it (:attr:`PlanChoice.renewal`)."""
    out: dict[str, float] = {}
    low = quantile_name(1.0 - level)
    tq = mc.target_quantiles
    per_unit = _unit_per_kr(data, schedule, renewal)
    years = np.asarray(mc.years)
    probs = mc.probabilities if last_year is None else mc.probabilities[mc.probabilities["year"] <= last_year]
    for tid, g in probs.groupby("target_id", sort=False):
        tid = str(tid)
        ttype = str(g["target_type"].iloc[0])
        out[tid] = 0.0
        if ttype not in TIGHTENABLE or g["probability"].min() >= level or tid not in per_unit:
            continue
        weak = g.loc[g["probability"] < level, "year"].to_numpy()
        q = tq[(tq["target_id"] == tid) & tq["year"].isin(weak)].set_index("year")[low]
        den = per_unit[tid][np.searchsorted(years, q.index.to_numpy())]
        with np.errstate(divide="ignore", invalid="ignore"):
            need = np.where(den > 0, -q.to_numpy() / den, np.nan)
        need = need[np.isfinite(need)]
        value = float(need.max()) if need.size else 0.0
        if TARGET_TYPES[ttype].unit == "count":  # a whole number of projects
            value = float(math.ceil(value - 1e-9))
        out[tid] = max(value, 0.0)
    return out


@dataclass(frozen=True, eq=False)
class RobustResult:
    """The baseline and the robust plan, their simulated probabilities and values, and the margins used."""

    level: float
    status: str
    last_year: int | None
    base: PlanChoice
    robust: PlanChoice
    base_mc: MonteCarloResult
    robust_mc: MonteCarloResult
    margins: dict[str, float]
    iterations: pd.DataFrame
    elapsed_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def _min_probability(mc: MonteCarloResult, last_year: int | None = None) -> float:
        p = mc.probabilities
        if last_year is not None:
            p = p[p["year"] <= last_year]
        return float(p["probability"].min()) if len(p) else 1.0

    @property
    def base_probability(self) -> float:
        """The lowest P(target holds) over every target and year that counts, baseline plan."""
        return self._min_probability(self.base_mc, self.last_year)

    @property
    def robust_probability(self) -> float:
        return self._min_probability(self.robust_mc, self.last_year)

    @property
    def value_cost(self) -> float | None:
        """Value of the baseline plan minus value of the robust plan (planner's unit)."""
        if self.base.value is None or self.robust.value is None:
            return None
        return float(self.base.value - self.robust.value)

    @property
    def value_cost_kr(self) -> float | None:
        kpp = self.robust.kr_per_point or self.base.kr_per_point
        cost = self.value_cost
        return None if cost is None or kpp is None else float(cost * kpp)

    def schedule_changes(self) -> pd.DataFrame:
        """Projects dropped, added or moved by the robust plan."""
        rows = []
        b, r = dict(self.base.schedule.items()), dict(self.robust.schedule.items())
        for pid in sorted(set(b) | set(r)):
            if b.get(pid) != r.get(pid):
                change = "borttaget" if pid not in r else ("tillagt" if pid not in b else "flyttat")
                rows.append({"project_id": pid, "base_start": b.get(pid), "robust_start": r.get(pid),
                             "change": change})
        return pd.DataFrame(rows, columns=["project_id", "base_start", "robust_start", "change"])

    def to_json_dict(self) -> dict[str, Any]:
        from hushall.needs import records

        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else float(x)

        return {
            "level": self.level, "last_year": self.last_year, "status": self.status, "message": STATUS_TEXT.get(self.status, self.status),
            "base": {"schedule": dict(self.base.schedule.items()), "value": num(self.base.value),
                     "status": self.base.status, "min_probability": self.base_probability,
                     "all_years_probability": self.base_mc.all_years_probability},
            "robust": {"schedule": dict(self.robust.schedule.items()), "value": num(self.robust.value),
                       "status": self.robust.status, "min_probability": self.robust_probability,
                       "all_years_probability": self.robust_mc.all_years_probability},
            "value_cost": num(self.value_cost), "value_cost_kr": num(self.value_cost_kr),
            "kr_per_point": num(self.robust.kr_per_point or self.base.kr_per_point),
            "margins": {k: float(v) for k, v in self.margins.items()},
            "iterations": records(self.iterations), "changes": records(self.schedule_changes()),
            "probabilities": {"base": records(self.base_mc.probabilities),
                              "robust": records(self.robust_mc.probabilities)},
            "elapsed_s": round(self.elapsed_s, 3),
        }


def robust_plan(
    data: MunicipalityData,
    planner: Planner,
    *,
    level: float = 0.9,
    spec: MonteCarloSpec | None = None,
    n_draws: int,
    seed: int = 1,
    max_iterations: int = 5,
    years: int | None = None,
    refine: int = 2,
    progress: Callable[[str], None] | None = None,
    base: PlanChoice | None = None,
) -> RobustResult:
    """Find a plan whose every target holds with probability ≥ ``level`` each year (see the module docstring).

    Parameters
    ----------
    data
        The municipality (its targets are the ones that must hold).
    planner
        ``planner(data) -> schedule | PlanChoice``: the optimiser (:class:`OptimiserPlanner`) or any other.
    level
        The probability the council chooses, e.g. 0.9.
    spec, n_draws, seed
        The Monte Carlo model (the same seed for every plan: common random numbers).
    max_iterations
        Re-plans at most this many times to reach the level.
    refine
        Once the level is reached, try this many times to lower the margins and keep the most valuable plan that
        still reaches the level: the first margins are generous (the worst year's shortfall, all targets at
        once). Each try lowers every margin not yet known to be needed by half of its value (then a quarter …);
        a target that falls short keeps its whole margin from then on. Each try is one re-plan and one
        simulation.
    base
        The baseline plan when it is already at hand (e.g. the plan being shown, from
        :func:`choice_from_optimization`); ``None`` = ``planner(data)``.
    years
        Only the first ``years`` plan years must hold with the probability (e.g. the ten years of the investment
        plan); ``None`` = every year of the plan. Far-off years are much more uncertain: the model has no policy
        response (tax rate, cost cuts) to bad years.
    """
    if not 0.5 <= level < 1.0:
        raise ValueError("level must be in [0.5, 1)")
    t0 = time.perf_counter()
    say = progress or (lambda _msg: None)
    last_year = None if years is None else data.first_year + int(years) - 1

    def p_min(mc: MonteCarloResult) -> float:
        return RobustResult._min_probability(mc, last_year)

    qs = tuple(sorted({0.1, 0.5, 0.9, round(1.0 - level, 10), round(level, 10)}))

    def sim(c: PlanChoice) -> MonteCarloResult:
        return simulate(data, c.schedule, spec, n_draws=n_draws, seed=seed, quantiles=qs, target_quantiles=True,
                        reinvestment_policy=c.renewal)

    def choose(d: MunicipalityData) -> PlanChoice:
        c = as_choice(planner(d))
        return c if c.value is not None else PlanChoice(c.schedule, plan_value(data, c.schedule), c.kr_per_point,
                                                        c.status, c.renewal)

    def key(c: PlanChoice) -> tuple[Any, ...]:
        renewal = None if c.renewal is None else np.asarray(c.renewal.renewal_real_kr, dtype=float).tobytes()
        return (tuple(sorted(c.schedule.items())), renewal)

    def margins_of(mc: MonteCarloResult, c: PlanChoice) -> dict[str, float]:
        return needed_margins(mc, level, data, c.schedule, last_year, c.renewal)

    base = choose(data) if base is None else base
    base_mc = sim(base)
    seen = {key(base): base_mc}
    say(f"Basplan: {len(base.schedule)} projekt, lägsta sannolikhet att ett mål håller {fmt_pct(p_min(base_mc), 0)}.")
    margins = {str(t): 0.0 for t in base_mc.probabilities["target_id"].unique()}
    rows = [_iteration_rows(0, base_mc, margins, base, last_year)]
    best, best_mc = base, base_mc
    current = base
    need = margins_of(base_mc, base)
    status = "basplanen_räcker" if not any(v > 0 for v in need.values()) else "max_iterationer"
    stall = 0
    for it in range(1, max_iterations + 1):
        if status == "basplanen_räcker":
            break
        for tid, extra in need.items():
            margins[tid] = margins.get(tid, 0.0) + extra
        choice = choose(tighten_targets(data, margins))
        k = key(choice)
        mc = seen[k] if k in seen else sim(choice)
        seen[k] = mc
        rows.append(_iteration_rows(it, mc, margins, choice, last_year))
        weakest = p_min(mc)
        say(f"Iteration {it}: {len(choice.schedule)} projekt, lägsta sannolikhet {fmt_pct(weakest, 0)}.")
        need = margins_of(mc, choice)
        if not any(v > 0 for v in need.values()):
            best, best_mc, status = choice, mc, "uppnådd"
            break
        # Keep the safest plan so far; stop when two re-plans in a row do not make the weakest target safer.
        if weakest > p_min(best_mc) + 1e-9:
            best, best_mc, stall = choice, mc, 0
        else:
            stall += 1
        same = key(choice) == key(current)  # the same projects and the same renewal
        if stall >= 2 or same:
            status = "planen_ändras_inte" if same else "ej_uppnåelig"
            break
        current = choice
    if status == "uppnådd" and refine > 0:
        safe = dict(margins)
        scale = dict.fromkeys(safe, 1.0)
        pinned: set[str] = set()
        step = 0.5
        for i in range(refine):
            trial_scale = {t: f if t in pinned else max(f - step, 0.0) for t, f in scale.items()}
            trial = {t: safe[t] * f for t, f in trial_scale.items()}
            choice = choose(tighten_targets(data, trial))
            k = key(choice)
            mc = seen[k] if k in seen else sim(choice)
            seen[k] = mc
            rows.append(_iteration_rows(len(rows), mc, trial, choice, last_year))
            short = {t for t, v in margins_of(mc, choice).items() if v > 0}
            say(f"Förfining {i + 1}: {len(choice.schedule)} projekt, lägsta sannolikhet {fmt_pct(p_min(mc), 0)}"
                f"{' – håller' if not short else ''}.")
            if not short:
                scale = trial_scale
                if (choice.value or 0.0) > (best.value or 0.0):
                    best, best_mc, margins = choice, mc, trial
            elif short - pinned:
                pinned |= short  # these targets need their whole margin; lower the others
            else:
                step /= 2
    iterations = pd.concat(rows, ignore_index=True)
    return RobustResult(level, status, last_year, base, best, base_mc, best_mc, dict(margins), iterations,
                        time.perf_counter() - t0)


def _iteration_rows(it: int, mc: MonteCarloResult, margins: Mapping[str, float], choice: PlanChoice,
                    last_year: int | None) -> pd.DataFrame:
    probs = mc.probabilities if last_year is None else mc.probabilities[mc.probabilities["year"] <= last_year]
    p = probs.groupby("target_id", sort=False)["probability"].min()
    return pd.DataFrame({"iteration": it, "target_id": p.index.astype(str), "margin": [margins.get(str(t), 0.0)
                                                                                      for t in p.index],
                         "min_probability": p.to_numpy(), "n_projects": len(choice.schedule),
                         "value": choice.value if choice.value is not None else np.nan})


__all__ = [
    "STATUS_TEXT",
    "TIGHTENABLE",
    "OptimiserPlanner",
    "PlanChoice",
    "Planner",
    "RobustResult",
    "criterion_weights",
    "greedy_planner",
    "needed_margins",
    "plan_value",
    "robust_plan",
    "tighten_targets",
]
