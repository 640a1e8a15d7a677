"""The optimiser's input: candidate projects as *columns* (one per project and allowed start year) with their
yearly effects, the relations between projects, the yearly ceilings, the capacity network and the financial
block.

Everything here is plain arrays so that the same model serves a real municipality
(:func:`hushall.optimize.inputs.problem_from_municipality`), the synthetic municipalities of the tests and
benchmarks (:mod:`hushall.optimize.synthetic`) and published test instances (multi-dimensional knapsacks).

Time convention: year index ``t = 0 … T-1`` is plan year ``years[t]``. A project started in year index ``s``
with a construction time of ``d`` years pays its cash in ``s … s+d-1`` and is in use from ``c = s + d`` (its
*completion* index): places, operating-cost changes and depreciation start in year ``c``.

Examples
--------
>>> import numpy as np
>>> cols = start_columns(np.array([0, 1]), np.array([1, 2]), np.array([2, 3]), np.array([1, 1]),
...                      np.array([-1, -1]), np.array([False, False]), 4)
>>> cols.tolist()  # the second project (3 years) must be built by the last year: it can start in year 1 only
[[0, 0], [0, 1], [1, 1]]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

if TYPE_CHECKING:
    from hushall.optimize.delivery import DeliveryCeiling
    from hushall.optimize.finance_block import FinancialBlock

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass
class CapacityBlock:
    """Places per service: each district's demand is served by facilities ("nodes") within the service's
    maximum travel distance; unmet places cost ``unmet_penalty_kr`` per place and year.

    Attributes
    ----------
    demand_district, demand_service
        One entry per (district, service) pair with demand ("demand point" ``q``).
    demand
        Places demanded, shape ``(Q, T)``.
    node_ids, node_service, node_capacity
        Facilities (and sites of new buildings) with places, their service and their places today.
    arc_demand, arc_node, arc_distance_km
        The pairs (q, node) of the same service within the service's maximum distance.
    project_node
        Node whose places each project changes (``-1``: none), shape ``(P,)``.
    project_places
        Places added (+) or removed (−) by each project from its completion, shape ``(P,)``.
    unmet_penalty_kr
        Penalty per unmet place and year (assumption ``straff_ouppfylld_plats_kr``), shape ``(T,)``.
    """

    demand_district: NDArray[np.object_]
    demand_service: NDArray[np.object_]
    demand: FloatArray
    node_ids: NDArray[np.object_]
    node_service: NDArray[np.object_]
    node_capacity: FloatArray
    arc_demand: IntArray
    arc_node: IntArray
    arc_distance_km: FloatArray
    project_node: IntArray
    project_places: FloatArray
    unmet_penalty_kr: FloatArray

    @property
    def n_demand(self) -> int:
        return int(self.demand.shape[0])

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)


#: Yearly effects of a column (kr): capitalised investment in price-base-year prices (for the investment ceiling)
#: and nominal, depreciation, operating-cost change, expensed outlays (avveckling) and sale proceeds (nominal);
#: the book value a sale or closure takes off the balance sheet and the realisation gain ``max(0, price − book
#: value)`` (:mod:`hushall.projects.effects`); and the maintenance debt the project clears (kr, price base year;
#: :mod:`hushall.projects.maintenance`); the renewal need it takes off (kr, price base year; only when a target
#: counts it, :mod:`hushall.optimize.finance_link`).
EFFECTS: tuple[str, ...] = ("invest_real", "invest_nominal", "depreciation", "operating_cost", "expensed",
                            "sale_proceeds", "written_off", "realisation_gain", "maintenance_relief",
                            "renewal_need_avoided")


@dataclass
class Ceiling:
    """A yearly ceiling of Mål: ``investeringstak_kr`` (investment volume in price-base-year prices, summed over
    a rolling window of ``window`` years against ``limit × years in the window``) or ``max_parallella_projekt``
    (projects under construction).

    ``base_kr``: the yearly investment volume outside the plan that the ceiling also counts (price-base-year
    prices; the reinvestment policy's, :func:`hushall.optimize.inputs.ceilings_from_targets`), so that the room
    for projects is ``limit × years − Σ base`` over the window, as :mod:`hushall.finance.targets` evaluates
    ``investeringar_fasta_priser``."""

    target_id: str
    target_type: str
    limit: FloatArray
    window: int = 1
    mask: BoolArray | None = None
    base_kr: FloatArray | None = None

    def base_window_sum(self, n_years: int) -> FloatArray:
        """``Σ base`` over each year's rolling window (zeros without a base)."""
        if self.base_kr is None:
            return np.zeros(n_years)
        cs = np.cumsum(np.asarray(self.base_kr, dtype=float))
        out = cs.copy()
        n = max(int(self.window), 1)
        if n < n_years:
            out[n:] -= cs[:-n]
        return out

    def active(self, n_years: int) -> BoolArray:
        m = np.ones(n_years, dtype=bool) if self.mask is None else np.asarray(self.mask, dtype=bool)
        return m & np.isfinite(np.asarray(self.limit, dtype=float))


@dataclass
class OptimizationProblem:
    """Candidate projects, their start-year columns and yearly effects, and everything that constrains them.

    Amounts are kr; ``effects`` (:data:`EFFECTS`) are sparse ``(N, T)`` matrices, one row per column (project ×
    start year) and one column per plan year: ``invest_real`` in the prices of the price base year, the others
    nominal (construction price index on outlays, price index on operating costs and sale proceeds).
    """

    years: IntArray
    project_ids: NDArray[np.object_]
    project_names: NDArray[np.object_]
    cost_kr: FloatArray
    duration: IntArray
    must_do: BoolArray
    depends_on: IntArray
    exclusive_group: IntArray
    criteria: tuple[str, ...]
    weights: FloatArray
    scores: FloatArray
    col_project: IntArray
    col_start: IntArray
    value: FloatArray
    debt_relief_kr: FloatArray
    effects: dict[str, sp.csr_matrix]
    ceilings: list[Ceiling]
    discount: FloatArray
    kr_per_point: float
    capacity: CapacityBlock | None = None
    finance: FinancialBlock | None = None
    debt_penalty_do_nothing_kr: float = 0.0
    name: str = "problem"
    unschedulable: tuple[str, ...] = ()
    operating_index: FloatArray | None = None
    group_names: tuple[str, ...] = ()
    #: Per project, the facilities whose renewal it takes over (policy *behov*; effect ``renewal_avoided``).
    renewal_facilities: tuple[str, ...] = ()
    #: Delivery ceilings per nämnd (:mod:`hushall.optimize.delivery`).
    delivery_ceilings: list[DeliveryCeiling] = field(default_factory=list)
    #: Reinvestment as a decision (:class:`hushall.optimize.renewal_decisions.RenewalBlock`); ``None``: the
    #: data's reinvestment policy is a constant of the financial model.
    renewal: Any = None
    #: Components two or more projects claim, counted once in the maintenance-debt rows
    #: (:class:`hushall.projects.maintenance.SharedRelief`, :mod:`hushall.optimize.maintenance_rows`).
    shared_relief: Any = None
    #: ``(T,)`` the objective's reward per kr of shared debt cleared in each year (``straff_underhållsskuld_andel``
    #: × discount factor), so those components are rewarded once; ``None``: no reward for the pools.
    shared_relief_weight: FloatArray | None = None
    #: ``(N,)`` each column's discount factor at its completion year: ``value = weighted_score[project] × it``
    #: (:func:`assemble_problem`; :func:`with_weights` re-weights with it). ``None``: not known.
    column_discount: FloatArray | None = None
    #: The projects whose cost and weighted score set ``kr_per_point`` (:func:`default_kr_per_point`); ``None``:
    #: ``kr_per_point`` was given, not derived from the weights.
    kr_per_point_projects: BoolArray | None = None

    def effect(self, name: str) -> sp.csr_matrix:
        """One yearly effect matrix ``(N, T)`` (zero when the problem has none of it)."""
        m = self.effects.get(name)
        return sp.csr_matrix((self.n_columns, self.n_years)) if m is None else m

    @property
    def invest_real(self) -> sp.csr_matrix:
        return self.effect("invest_real")

    def yearly_limit(self, target_type: str) -> FloatArray:
        """The tightest yearly limit of the ceilings of a type for the plan's projects (``inf`` where none
        applies): an investment ceiling less the volume outside the plan it counts (``Ceiling.base_kr``)."""
        out = np.full(self.n_years, np.inf)
        for c in self.ceilings:
            if c.target_type == target_type:
                act = c.active(self.n_years)
                room = np.asarray(c.limit, dtype=float) - (0.0 if c.base_kr is None else np.asarray(c.base_kr, float))
                out[act] = np.minimum(out[act], room[act])
        return out

    # -- sizes ---------------------------------------------------------------------------------------------
    @property
    def n_years(self) -> int:
        return len(self.years)

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    @property
    def n_columns(self) -> int:
        return len(self.col_project)

    @property
    def completion(self) -> IntArray:
        """Year index each column's project is in use from (may be ``T`` or later: after the plan)."""
        return self.col_start + self.duration[self.col_project]

    @property
    def weighted_score(self) -> FloatArray:
        """Weighted criteria score of each project (weights from the ``kriterievikt`` rows of Mål)."""
        return self.scores @ self.weights if self.scores.size else np.zeros(self.n_projects)

    def active(self) -> sp.csr_matrix:
        """1 where a column's project is under construction (``s <= t < s + d``), shape ``(N, T)``."""
        d = self.duration[self.col_project]
        n, t_count = self.n_columns, self.n_years
        rep = np.repeat(np.arange(n), d)
        offs = np.arange(int(d.sum())) - np.repeat(np.cumsum(d) - d, d)
        t = np.repeat(self.col_start, d) + offs
        keep = t < t_count
        return sp.csr_matrix((np.ones(int(keep.sum())), (rep[keep], t[keep])), shape=(n, t_count))

    def project_columns(self) -> list[IntArray]:
        """The columns of each project."""
        order = np.argsort(self.col_project, kind="stable")
        bounds = np.searchsorted(self.col_project[order], np.arange(self.n_projects + 1))
        return [order[bounds[p]:bounds[p + 1]] for p in range(self.n_projects)]

    def column_of(self, project: int, start_index: int) -> int:
        hit = np.flatnonzero((self.col_project == project) & (self.col_start == start_index))
        if not hit.size:
            raise KeyError((project, start_index))
        return int(hit[0])

    def x_from_schedule(self, schedule: dict[int, int]) -> FloatArray:
        """0/1 column vector for ``{project index: start index}``."""
        x = np.zeros(self.n_columns)
        for p, s in schedule.items():
            x[self.column_of(p, s)] = 1.0
        return x

    def yearly(self, x: FloatArray) -> dict[str, FloatArray]:
        """Yearly totals of a (0/1 or fractional) column vector: every effect and projects under construction."""
        out = {name: np.asarray(self.effect(name).T @ x) for name in EFFECTS}
        out["parallel"] = np.asarray(self.active().T @ x)
        return out


def start_columns(
    earliest: IntArray,
    latest: IntArray,
    duration: IntArray,
    include: BoolArray | IntArray,
    fixed: IntArray,
    must_do: BoolArray,
    n_years: int,
    clip_to_plan: bool = True,
) -> IntArray:
    """The allowed (project, start index) pairs, shape ``(N, 2)``, sorted by project then start.

    A project may start in ``earliest … latest`` (year indices) and its construction must end within the plan
    (``s + d - 1 <= T - 1``); a fixed start year allows only that year (kept even when construction runs past the
    plan, whose later cash then falls outside the plan). ``include`` is 0 for projects that are not candidates.
    ``clip_to_plan=False`` keeps the given windows (only starts inside the plan), as :mod:`hushall.projects` does.
    Must-do projects whose window is empty after clipping keep their earliest clipped start.
    """
    earliest = np.clip(np.asarray(earliest, dtype=np.int64), 0, n_years - 1)
    if clip_to_plan:
        latest = np.minimum(np.asarray(latest, dtype=np.int64), n_years - np.asarray(duration, dtype=np.int64))
    else:
        latest = np.minimum(np.asarray(latest, dtype=np.int64), n_years - 1)
    fixed = np.asarray(fixed, dtype=np.int64)
    p_count = len(earliest)
    has_fixed = (fixed >= 0) & (fixed < n_years)
    lo = np.where(has_fixed, fixed, earliest)
    hi = np.where(has_fixed, fixed, latest)
    stuck = np.asarray(must_do, dtype=bool) & (hi < lo)
    hi = np.where(stuck, lo, hi)
    counts = np.where(np.asarray(include, dtype=bool), np.maximum(hi - lo + 1, 0), 0)
    proj = np.repeat(np.arange(p_count), counts)
    starts = np.repeat(lo, counts) + (np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts))
    return np.column_stack([proj, starts]).astype(np.int64)


def cumulative_index(growth: FloatArray, first_year_offset: int = 1) -> FloatArray:
    """Cumulative index of yearly growth rates, 1 in the price base year: ``prod_{u<=t}(1 + g_u)``.

    ``first_year_offset`` is the number of years from the price base year to the first plan year; the growth
    of the years in between is taken as the first year's rate.

    >>> cumulative_index(np.array([0.1, 0.1]), 1).round(4).tolist()
    [1.1, 1.21]
    """
    g = np.asarray(growth, dtype=float)
    lead = (1 + g[0]) ** max(first_year_offset - 1, 0)
    return lead * np.cumprod(1 + g)


def extend(series: FloatArray, n: int, growth: bool = True) -> FloatArray:
    """Extend a yearly series to length ``n``: an index by repeating its last growth factor
    (``growth=True``), a rate or level by repeating its last value.

    >>> extend(np.array([1.0, 2.0]), 4).tolist(), extend(np.array([0.03, 0.04]), 3, growth=False).tolist()
    ([1.0, 2.0, 4.0, 8.0], [0.03, 0.04, 0.04])
    """
    s = np.asarray(series, dtype=float)
    if len(s) >= n:
        return s[:n]
    if growth and len(s) >= 2 and s[-2] != 0:
        ratio = s[-1] / s[-2]
        tail = s[-1] * ratio ** np.arange(1, n - len(s) + 1)
    else:
        tail = np.full(n - len(s), s[-1])
    return np.concatenate([s, tail])


def column_effects(
    cols: IntArray,
    cost_kr: FloatArray,
    cash_profile: FloatArray,
    duration: IntArray,
    operating_cost_change_kr: FloatArray,
    depreciation_years: FloatArray,
    construction_index: FloatArray,
    price_index: FloatArray,
    n_years: int,
) -> dict[str, sp.csr_matrix]:
    """Yearly effects of every column, vectorised over columns (Hushåll's own simple rules).

    * investment cash: ``cost × profile[j]`` in year ``s + j`` (real), times the construction price index
      (nominal);
    * depreciation: the nominal outlay, straight line over ``depreciation_years`` from the completion year;
    * operating cost: the real yearly change times the price index, from the completion year.

    Used by the synthetic municipalities; a real municipality's effects come from :mod:`hushall.projects`.
    """
    n = len(cols)
    proj, start = cols[:, 0], cols[:, 1]
    dmax = cash_profile.shape[1]
    cidx = extend(construction_index, n_years + dmax + 1)
    shares = cash_profile[proj]  # (N, dmax)
    j = np.arange(dmax)
    t = start[:, None] + j[None, :]
    real = cost_kr[proj][:, None] * shares
    nominal = real * cidx[t]
    total_nominal = nominal.sum(axis=1)
    inside = (t < n_years) & (shares > 0)
    rr = np.broadcast_to(np.arange(n)[:, None], t.shape)[inside]
    invest_real = sp.csr_matrix((real[inside], (rr, t[inside])), shape=(n, n_years))
    invest_nominal = sp.csr_matrix((nominal[inside], (rr, t[inside])), shape=(n, n_years))
    comp = start + duration[proj]
    years = np.arange(n_years)
    life = np.maximum(np.round(depreciation_years[proj]).astype(np.int64), 1)
    in_use = (years[None, :] >= comp[:, None]) & (years[None, :] < (comp + life)[:, None])
    r, c = np.nonzero(in_use)
    dep = sp.csr_matrix(((total_nominal / life)[r], (r, c)), shape=(n, n_years))
    opc = operating_cost_change_kr[proj]
    r2, c2 = np.nonzero((years[None, :] >= comp[:, None]) & (opc != 0)[:, None])
    pidx = extend(price_index, n_years)
    operating = sp.csr_matrix((opc[r2] * pidx[c2], (r2, c2)), shape=(n, n_years))
    return {"invest_real": invest_real, "invest_nominal": invest_nominal, "depreciation": dep,
            "operating_cost": operating}


def discount_factors(rate: FloatArray, n: int) -> FloatArray:
    """Discount factor of year index ``t``: ``prod_{u<t} 1/(1 + r_u)`` (1 in the first plan year).

    >>> discount_factors(np.array([0.1, 0.1, 0.1]), 3).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    r = extend(np.asarray(rate, dtype=float), n, growth=False)
    return np.concatenate([[1.0], np.cumprod(1.0 / (1.0 + r[:-1]))])[:n]


def assemble_problem(
    *,
    years: IntArray,
    project_ids: NDArray[np.object_],
    names: NDArray[np.object_],
    cost_kr: FloatArray,
    duration: IntArray,
    cash_profile: FloatArray,
    earliest: IntArray,
    latest: IntArray,
    fixed: IntArray,
    must_do: BoolArray,
    depends_on: IntArray,
    exclusive_group: IntArray,
    criteria: tuple[str, ...],
    weights: FloatArray,
    scores: FloatArray,
    operating_cost_change_kr: FloatArray,
    depreciation_years: FloatArray,
    construction_index: FloatArray,
    price_index: FloatArray,
    discount_rate: FloatArray,
    debt_by_year_kr: FloatArray | None = None,
    debt_penalty_share: FloatArray | None = None,
    ceilings: list[Ceiling] | None = None,
    capacity: CapacityBlock | None = None,
    finance: FinancialBlock | None = None,
    include: BoolArray | None = None,
    effects: Callable[[IntArray], dict[str, sp.csr_matrix]] | None = None,
    kr_per_point: float | None = None,
    clip_to_plan: bool = True,
    name: str = "problem",
) -> OptimizationProblem:
    """Turn per-project arrays into an :class:`OptimizationProblem` (year indices ``0 … T-1``).

    The value of a column is the project's weighted criteria score discounted to its completion year
    (``diskonteringsränta``); its maintenance-debt relief is the discounted yearly penalty
    ``debt_penalty_share × debt_by_year_kr`` from its completion year to the end of the plan, which doing the
    project avoids. ``kr_per_point`` (the exchange rate between kr and points) defaults to the candidates' total
    cost per total weighted score: what a point costs on average in this portfolio.
    ``effects`` (a function of the ``(N, 2)`` columns returning the yearly effect matrices) replaces Hushåll's
    simple rules (:func:`column_effects`).
    """
    t_count = len(years)
    p_count = len(project_ids)
    duration = np.maximum(np.asarray(duration, dtype=np.int64), 1)
    include = np.ones(p_count, dtype=bool) if include is None else np.asarray(include, dtype=bool)
    cols = start_columns(earliest, latest, duration, include, fixed, must_do, t_count, clip_to_plan)
    unschedulable = tuple(str(project_ids[q]) for q in np.flatnonzero(include & (np.bincount(
        cols[:, 0], minlength=p_count) == 0)))
    if effects is None:
        eff = column_effects(cols, cost_kr, cash_profile, duration, operating_cost_change_kr, depreciation_years,
                             construction_index, price_index, t_count)
    else:
        eff = effects(cols)
    weights = np.asarray(weights, dtype=float)
    scores = np.asarray(scores, dtype=float).reshape(p_count, len(criteria))
    wscore = scores @ weights if len(criteria) else np.zeros(p_count)
    dmax = int(duration.max(initial=1))
    disc = discount_factors(discount_rate, t_count + dmax + 1)
    proj, start = cols[:, 0], cols[:, 1]
    comp = start + duration[proj]
    value = wscore[proj] * disc[comp]
    derived = kr_per_point is None
    if kr_per_point is None:
        kr_per_point = default_kr_per_point(cost_kr, wscore, include)
    relief = np.zeros(len(cols))
    do_nothing = 0.0
    if debt_by_year_kr is not None:
        share = np.ones(t_count) if debt_penalty_share is None else np.asarray(debt_penalty_share, float)
        yearly = np.asarray(debt_by_year_kr, float) * (share * disc[:t_count])[None, :]
        tail = np.concatenate([np.cumsum(yearly[:, ::-1], axis=1)[:, ::-1], np.zeros((p_count, 1))], axis=1)
        relief = tail[proj, np.minimum(comp, t_count)]
        do_nothing = float(tail[include, 0].sum())
    return OptimizationProblem(
        years=np.asarray(years, dtype=np.int64),
        project_ids=np.asarray(project_ids, dtype=object),
        project_names=np.asarray(names, dtype=object),
        cost_kr=np.asarray(cost_kr, dtype=float),
        duration=duration,
        must_do=np.asarray(must_do, dtype=bool) & include,
        depends_on=np.asarray(depends_on, dtype=np.int64),
        exclusive_group=np.asarray(exclusive_group, dtype=np.int64),
        criteria=tuple(criteria),
        weights=weights,
        scores=scores,
        col_project=proj,
        col_start=start,
        value=value,
        debt_relief_kr=relief,
        effects={k: sp.csr_matrix(v) for k, v in eff.items()},
        ceilings=list(ceilings or []),
        discount=disc[:t_count],
        kr_per_point=float(kr_per_point),
        capacity=capacity,
        finance=finance,
        debt_penalty_do_nothing_kr=do_nothing,
        name=name,
        unschedulable=unschedulable,
        operating_index=extend(price_index, t_count),
        column_discount=disc[comp],
        kr_per_point_projects=include if derived else None,
    )


def default_kr_per_point(cost_kr: FloatArray, weighted_score: FloatArray, include: BoolArray) -> float:
    """The exchange rate between kr and points: the candidates' total cost per total weighted score, what a
    point costs on average in this portfolio (1 Mkr when no project scores).

    >>> default_kr_per_point(np.array([10e6, 30e6]), np.array([1.0, 3.0]), np.array([True, True]))
    10000000.0
    """
    total_w = float(np.asarray(weighted_score)[include].sum())
    return float(np.asarray(cost_kr)[include].sum() / total_w) if total_w > 0 else 1.0e6


def with_weights(problem: OptimizationProblem, weights: FloatArray) -> OptimizationProblem:
    """``problem`` under other criterion weights, as :func:`assemble_problem` would make it: each column's value
    ``v_j = (Σ_k w_k s_{p(j),k}) · δ_{c(j)}`` (the weighted score discounted to the completion year) and, when it
    was derived, ``kr_per_point`` (:func:`default_kr_per_point`); everything else is shared with ``problem``
    except the renewal block, which the model's build writes to (copied).

    >>> from hushall.optimize.synthetic import synthetic_municipality
    >>> p = synthetic_municipality(6, n_years=5, seed=1)
    >>> q = with_weights(p, 2 * p.weights)
    >>> bool(np.allclose(q.value, 2 * p.value)), bool(np.isclose(q.kr_per_point, p.kr_per_point / 2))
    (True, True)
    """
    if problem.column_discount is None:
        raise ValueError("the problem does not carry its columns' discount factors (column_discount)")
    w = np.asarray(weights, dtype=float)
    wscore = problem.scores @ w if problem.scores.size else np.zeros(problem.n_projects)
    kpp = problem.kr_per_point
    if problem.kr_per_point_projects is not None:
        kpp = default_kr_per_point(problem.cost_kr, wscore, problem.kr_per_point_projects)
    renewal = None if problem.renewal is None else dataclasses.replace(problem.renewal)
    return dataclasses.replace(problem, weights=w, value=wscore[problem.col_project] * problem.column_discount,
                               kr_per_point=kpp, renewal=renewal)


def knapsack_problem(profits: FloatArray, weights: FloatArray, capacities: FloatArray,
                     unit_kr: float = 1.0e6) -> OptimizationProblem:
    """A multi-dimensional 0-1 knapsack as an :class:`OptimizationProblem`: item ``i`` is a project with one
    start year, constraint ``k`` is "year" ``k`` with the investment ceiling ``capacities[k]`` and item ``i``
    spending ``weights[k, i]`` in it (both × ``unit_kr``); the value is the profit.

    Used to check the optimiser on published instances (OR-Library ``mknap1``).

    >>> p = knapsack_problem(np.array([3.0, 2.0]), np.array([[2.0, 2.0]]), np.array([3.0]))
    >>> p.n_projects, p.n_columns, p.n_years
    (2, 2, 1)
    """
    profits = np.asarray(profits, dtype=float)
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    m, n = w.shape
    cols = np.column_stack([np.arange(n), np.zeros(n, dtype=np.int64)])
    inv = sp.csr_matrix(w.T * unit_kr)
    return OptimizationProblem(
        years=np.arange(m, dtype=np.int64),
        project_ids=np.array([f"item{i}" for i in range(n)], dtype=object),
        project_names=np.array([f"item {i}" for i in range(n)], dtype=object),
        cost_kr=w.sum(axis=0) * unit_kr,
        duration=np.ones(n, dtype=np.int64),
        must_do=np.zeros(n, dtype=bool),
        depends_on=np.full(n, -1, dtype=np.int64),
        exclusive_group=np.full(n, -1, dtype=np.int64),
        criteria=("profit",),
        weights=np.ones(1),
        scores=profits[:, None],
        col_project=cols[:, 0],
        col_start=cols[:, 1],
        value=profits.copy(),
        debt_relief_kr=np.zeros(n),
        effects={"invest_real": inv, "invest_nominal": inv.copy()},
        ceilings=[Ceiling("kapacitet", "investeringstak_kr", np.asarray(capacities, dtype=float) * unit_kr)],
        discount=np.ones(m),
        kr_per_point=1.0,
        name="knapsack",
    )
