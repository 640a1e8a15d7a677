r"""One plan's projects as arrays that can be shifted, scaled and priced per draw: what the Monte Carlo model and
the scenario comparison need beyond the financial model.

:func:`plan_arrays` takes a chosen plan (project id → start year) apart into one row per project — cash profile,
cost, completion, the depreciation kernel collapsed over components, operating cost, places, sale proceeds, and the
maintenance debt the project clears — and :func:`realise` puts it back together for ``S`` draws at once, each with
its own

* **cost factor** per project (``overrun[s, p]``: 1.17 = 17 % over budget) on the capitalised and expensed outlays;
* **delay** per project (``delay[s, p]`` whole years): the whole project — outlays, completion, depreciation,
  operating cost, places, sale — moves that many years later (the execution rule of
  :mod:`hushall.scenarios.montecarlo`); outlays moved past the last plan year drop out, as in
  :func:`hushall.projects.plan_effects`;
* **price indices** (``(S, T)`` cumulative construction price index and price index).

With no delay, factor 1 and the baseline indices, :func:`realise` gives the same totals as
:meth:`hushall.projects.PlanEffects.nominal` (summed over components), so the financial model gives the same
statements to the krona. Everything is one gather over ``(S, P, T)`` arrays; no loop over draws or projects.

Maintenance debt under a plan
-----------------------------
The maintenance debt at the end of year ``t`` (price base year kr) is what the reinvestment policy leaves waiting
minus what the plan's projects renew or close, as :mod:`hushall.projects.maintenance` defines it:
``B_t = ρ_t · (N_t − Σ_p R^0_{p, c_p, t})`` — ``debt_relief_kr`` holds ``ρ_t · R^0`` and ``debt_without_plan_kr``
``ρ_t · N_t``. A delayed project clears the debt later: postponed renewal makes the debt grow.

With the optimiser's renewal (:class:`hushall.needs.reinvestment.RenewalPlan`, ``plan_arrays(..., renewal=)``)
the debt is instead the backlog of its pools of components (:func:`hushall.projects.maintenance.renewal_backlog`)
and the reinvestment is the plan's: each pool renewed as the plan says, as far as it can be in the draw
(:func:`hushall.needs.reinvestment.renewal_within_reach`). A late project closes or renews its pools later, so what
waits on them stays longer; what the plan renewed is due again a lifetime later. Pools no project of the plan
claims are the same in every draw; a pool one project claims is tabulated for each completion year of that
project (:class:`DecidedRenewal`), so a draw picks one row per project as for every other quantity.

Places under a plan
-------------------
Missing places in year ``t`` are ``Σ_service max(0, demand − capacity − Σ_p places_p [in use])`` over the whole
municipality (:func:`hushall.needs.capacity.capacity_table` summed over districts, as the ``deficit`` of
:func:`hushall.needs.capacity.capacity_totals`; a project's places count from the year after completion). A
population factor per draw scales the demand.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> from hushall.projects import Schedule
>>> data = exempelkommun()
>>> arrays = plan_arrays(data, Schedule({"P-12": 2025, "P-14": 2026}))
>>> out = realise(arrays, np.ones(30), np.ones(30))
>>> round(float(out["investment_kr"].sum()) / 1e6, 1)  # 73,4 + 53,1 Mkr in price base year kr
126.5
>>> bool(out["maintenance_debt_kr"][-1] < arrays.debt_without_plan_kr[-1])
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hushall.model import MunicipalityData
from hushall.needs.capacity import capacity_table
from hushall.needs.reinvestment import RenewalPlan, reinvestment_path, renewal_within_reach
from hushall.needs.renewal import component_status
from hushall.projects import ProjectCatalog, Schedule, depreciation_kernel
from hushall.projects.maintenance import (
    RenewalGroups,
    debt_relief,
    lifetime_depreciation,
    policy_debt_share,
    renewal_change_by_lifetime,
    renewal_events,
    renewal_groups,
    renewed_components,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Keys of :func:`realise` (``(S, T)`` arrays; ``completion_index`` is ``(S, P)``).
REALISED: tuple[str, ...] = (
    "investment_kr",
    "expensed_kr",
    "capitalised_kr",
    "depreciation_kr",
    "operating_cost_kr",
    "sale_proceeds_kr",
    "written_off_kr",
    "existing_depreciation_stopped_kr",
    "realisation_gains_kr",
    "places",
    "projects_under_construction",
    "maintenance_debt_kr",
    "missing_places",
    "renewal_change_real_kr",
    "renewal_change_kr",
    "renewal_change_depreciation_kr",
    "renewal_need_change_real_kr",
    "decided_renewal_real_kr",
    "decided_renewal_kr",
    "decided_renewal_depreciation_kr",
)


@dataclass(frozen=True, eq=False)
class DecidedRenewal:
    """The optimiser's renewal per pool of components and year (:class:`hushall.needs.reinvestment.RenewalPlan`),
    taken apart for draws in which the plan's projects are late (see the module docstring).

    Attributes
    ----------
    lifetimes
        ``(L,)`` whole lifetimes of the pools (the depreciation classes).
    fixed_real_kr, fixed_backlog_kr
        ``(L, T)`` renewal and ``(T,)`` backlog of the pools no project of the plan claims.
    by_completion_real_kr, by_completion_backlog_kr
        ``(P, T + 1, L, T)`` and ``(P, T + 1, T)``: of the pools project ``p`` claims alone, when it is completed
        at year index ``c`` (``T``: after the plan).
    groups, shared, shared_claimants
        The pools (:func:`hushall.projects.maintenance.renewal_groups`), the indices of those two or more of the
        plan's projects claim (computed per draw) and those projects (plan index → position in sheet Projekt).
    renewal_real_kr
        ``(G, T)`` the plan's renewal.
    """

    lifetimes: IntArray
    fixed_real_kr: FloatArray
    fixed_backlog_kr: FloatArray
    by_completion_real_kr: FloatArray
    by_completion_backlog_kr: FloatArray
    groups: RenewalGroups
    shared: IntArray
    shared_claimants: dict[int, int]
    renewal_real_kr: FloatArray

    def shared_part(self, completion: IntArray) -> tuple[FloatArray, FloatArray]:
        """``(renewal by lifetime (S, L, T), backlog (S, T))`` of the pools two or more of the plan's projects
        claim, for the draws' completion year indices ``completion`` ``(S, P)``."""
        n_s, n_t = completion.shape[0], self.fixed_backlog_kr.size
        if not self.shared.size:
            return np.zeros((n_s, self.lifetimes.size, n_t)), np.zeros((n_s, n_t))
        k = self.shared
        sub = _pool_subset(self.groups, k)
        by_pos = {pos: completion[:, p] for p, pos in self.shared_claimants.items()}
        r, b = _reach(sub, self.renewal_real_kr[k], by_pos)
        return _by_lifetime(r, sub.lifetime_years, self.lifetimes), b.sum(axis=-2)


def _pool_subset(groups: RenewalGroups, keep: IntArray) -> RenewalGroups:
    """The pools ``keep`` of ``groups`` (for :func:`hushall.projects.maintenance.renewal_events`)."""
    return RenewalGroups(component_group=np.zeros(0, dtype=np.int64), lifetime_years=groups.lifetime_years[keep],
                         value_kr=groups.value_kr[keep], due_kr=groups.due_kr[keep],
                         claimants=tuple(groups.claimants[int(k)] for k in keep), by_type=groups.by_type[keep],
                         facilities=tuple(groups.facilities[int(k)] for k in keep))


def _reach(groups: RenewalGroups, renewal_kr: FloatArray, completion: dict[int, Any]
           ) -> tuple[FloatArray, FloatArray]:
    """``(renewal, backlog)`` ``(…, G, T)`` of the pools for the projects' completion year indices (whole numbers or
    arrays over the leading axes): :func:`hushall.needs.reinvestment.renewal_within_reach` with the events."""
    closed, renewed, change = renewal_events(groups, completion, renewal_kr.shape[-1])
    return renewal_within_reach(groups.due_kr + change, groups.lifetime_years, renewal_kr, closed, closed | renewed)


def _by_lifetime(renewal_kr: FloatArray, pool_lifetimes: IntArray, lifetimes: IntArray) -> FloatArray:
    """``(…, L, T)``: renewal ``(…, G, T)`` summed per lifetime class."""
    onehot = (np.asarray(pool_lifetimes)[:, None] == np.asarray(lifetimes)[None, :]).astype(float)
    return np.einsum("...gt,gl->...lt", renewal_kr, onehot)


def decided_renewal(data: MunicipalityData, renewal: RenewalPlan, plan_positions: IntArray) -> DecidedRenewal:
    """Take the optimiser's renewal apart for the plan whose projects are ``plan_positions`` (positions in sheet
    Projekt, in the plan's order; see :class:`DecidedRenewal`).

    Raises
    ------
    ValueError
        When the renewal is not one of this municipality's pools (another data set's plan).
    """
    groups = renewal_groups(data)
    r = np.asarray(renewal.renewal_real_kr, dtype=float)
    n_t = len(data.years)
    if r.shape != (groups.n_groups, n_t):
        raise ValueError(f"the renewal plan has {r.shape[0]} pools × {r.shape[1]} years; this municipality's "
                         f"components make {groups.n_groups} pools × {n_t} years")
    lives = np.unique(groups.lifetime_years)
    plan_of = {int(pos): p for p, pos in enumerate(np.asarray(plan_positions, dtype=np.int64))}
    in_plan = [sorted({plan_of[pos] for pos, _ in claim if pos in plan_of}) for claim in groups.claimants]
    n_p = len(plan_of)
    fixed = np.array([not c for c in in_plan], dtype=bool)
    sub = _pool_subset(groups, np.flatnonzero(fixed))
    r0, b0 = _reach(sub, r[fixed], {})
    spend = np.zeros((n_p, n_t + 1, lives.size, n_t))
    backlog = np.zeros((n_p, n_t + 1, n_t))
    every_c = np.arange(n_t + 1)
    for p in range(n_p):
        own = np.flatnonzero([c == [p] for c in in_plan])
        if not own.size:
            continue
        sub_p = _pool_subset(groups, own)
        rp, bp = _reach(sub_p, r[own], {int(plan_positions[p]): every_c})  # (T + 1, G_p, T)
        spend[p] = _by_lifetime(rp, sub_p.lifetime_years, lives)
        backlog[p] = bp.sum(axis=-2)
    shared = np.flatnonzero([len(c) > 1 for c in in_plan])
    claimants = sorted({p for k in shared for p in in_plan[int(k)]})
    return DecidedRenewal(lifetimes=lives, fixed_real_kr=_by_lifetime(r0, sub.lifetime_years, lives),
                          fixed_backlog_kr=b0.sum(axis=0), by_completion_real_kr=spend,
                          by_completion_backlog_kr=backlog, groups=groups, shared=shared,
                          shared_claimants={p: int(plan_positions[p]) for p in claimants}, renewal_real_kr=r)


@dataclass(frozen=True, eq=False)
class PlanArrays:
    """A plan's ``P`` projects as arrays (real kr, price base year), ready for :func:`realise`.

    Attributes
    ----------
    years
        ``(T,)`` plan years.
    project_ids
        ``(P,)`` the plan's projects, in sheet order.
    start_index
        ``(P,)`` planned start as an index into ``years``.
    duration, profile, cost_kr, capitalised
        Construction years, ``(P, D + 1)`` cash shares (zero in the last column), cost and whether the outlay is
        capitalised.
    depreciation_share
        ``(P, T + 1)``: share of the capitalised value written off ``j`` years after completion (components
        weighted by the project's split; 0 at ``j = 0``).
    operating_cost_kr, places, sale_proceeds_kr
        ``(P,)`` yearly operating-cost change from the year after completion, places, sale proceeds.
    removed_book_value_kr, removed_depreciation_kr
        ``(P, T + 1)`` and ``(P, T)``: book value (end of the base year and of each plan year) and depreciation of
        the existing components a project sells or closes (:attr:`hushall.projects.ProjectCatalog.
        removed_book_value_kr`).
    debt_relief_kr
        ``(P, T + 1, T)``: maintenance debt cleared in year ``t`` when completed at year index ``c`` (``c = T``:
        not within the plan).
    debt_without_plan_kr
        ``(T,)`` maintenance debt under the reinvestment policy without the plan's projects.
    renewal_lifetimes, renewal_change_real_kr
        ``(L,)`` whole lifetimes and ``(P, T + 1, L, T)``: under the reinvestment policy *behov*, the change of
        the reinvestment (real kr, negative: renewal the project takes over) when the project is completed at
        year index ``c`` (:func:`hushall.projects.maintenance.renewal_change_by_lifetime`); ``L = 0`` under a
        frame.
    renewal_need_change_real_kr
        ``(P, T + 1, T)``: under every policy, the change of the renewal need (real kr, negative: the need of a
        facility the project closes or replaces, or of components it renews) when the project is completed at
        year index ``c`` — the plan's own need (:func:`hushall.projects.maintenance.plan_need_change`);
        ``None`` when the plan's projects take over no components.
    decided
        The optimiser's renewal (:class:`DecidedRenewal`) when it decided the reinvestment, else ``None``.
    place_cell
        ``(P,)`` index of the project's service in ``demand`` (−1: none).
    demand, capacity
        ``(N, T)`` demand and ``(N,)`` places today per service (whole municipality).
    """

    years: IntArray
    project_ids: tuple[str, ...]
    start_index: IntArray
    duration: IntArray
    profile: FloatArray
    cost_kr: FloatArray
    capitalised: BoolArray
    depreciation_share: FloatArray
    operating_cost_kr: FloatArray
    places: FloatArray
    sale_proceeds_kr: FloatArray
    removed_book_value_kr: FloatArray
    removed_depreciation_kr: FloatArray
    debt_relief_kr: FloatArray
    debt_without_plan_kr: FloatArray
    place_cell: IntArray
    demand: FloatArray
    capacity: FloatArray
    renewal_lifetimes: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    renewal_change_real_kr: FloatArray | None = None
    decided: DecidedRenewal | None = None
    renewal_need_change_real_kr: FloatArray | None = None

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    @property
    def n_years(self) -> int:
        return int(self.years.size)

    def completion_years(self) -> IntArray:
        """Planned completion year of each project (end of its last construction year)."""
        return self.years[0] + self.start_index + self.duration - 1


def plan_arrays(data: MunicipalityData, schedule: Any, renewal: RenewalPlan | None = None) -> PlanArrays:
    """Take a plan (project id → start year) apart into arrays (see :class:`PlanArrays`); ``renewal``: the
    optimiser's renewal of this plan (:meth:`hushall.optimize.OptimizationResult.renewal_plan`), which replaces
    the data's reinvestment policy.

    Raises
    ------
    hushall.errors.PlanError
        For an unknown project or a start year outside the plan or the project's window.
    """
    cat = ProjectCatalog.from_data(data)
    sched = schedule if isinstance(schedule, Schedule) else Schedule(schedule)
    idx, starts = sched.positions(cat)
    order = np.argsort(idx, kind="stable")
    idx, starts = idx[order], starts[order]
    years = np.asarray(data.years, dtype=np.int64)
    n_t = years.size
    first = int(years[0])
    d_max = cat.cash_profile.shape[1]
    profile = np.concatenate([cat.cash_profile[idx], np.zeros((idx.size, 1))], axis=1)
    kernel = depreciation_kernel(cat.lifetimes_years, n_t)  # (C, T + 1)
    dep_share = cat.component_split[idx] @ kernel

    status = component_status(data)
    rows = data.projects.iloc[idx].to_dict("records") if len(idx) else []
    # the debt waiting under the reinvestment policy: a share ρ_t of the debt if nothing were renewed
    decided = None if renewal is None else decided_renewal(data, renewal, idx)
    share, nothing = policy_debt_share(data, status=status)
    debt_without_plan = share * nothing
    relief = debt_relief(rows, status, years) * share[None, None, :]
    lives, change = plan_renewal_change_by_completion(data, rows, status)
    need_change = None if change is None else change.sum(axis=2)
    if renewal is not None or reinvestment_path(data).policy != "behov":  # the renewal's money: only under behov
        lives, change = np.zeros(0, dtype=np.int64), None

    cap = capacity_table(data).groupby(["service_id", "year"], sort=False)[["demand", "capacity"]].sum()
    service_ids = [str(sid) for sid in data.services["service_id"]]
    n_cells = len(service_ids)
    demand = np.zeros((n_cells, n_t))
    capacity = np.zeros(n_cells)
    if len(cap):
        table = cap.reindex(pd.MultiIndex.from_product([service_ids, years.tolist()]), fill_value=0.0)
        demand = table["demand"].to_numpy(dtype=float).reshape(n_cells, n_t)
        capacity = table["capacity"].to_numpy(dtype=float).reshape(n_cells, n_t)[:, 0]
    cell_index = {sid: i for i, sid in enumerate(service_ids)}
    place_cell = np.array([cell_index.get(str(r.get("service_id") or ""), -1) for r in rows], dtype=np.int64)
    return PlanArrays(
        years=years,
        project_ids=tuple(cat.project_ids[i] for i in idx),
        start_index=(starts - first).astype(np.int64),
        duration=cat.duration_years[idx].astype(np.int64),
        profile=profile if d_max else np.zeros((idx.size, 1)),
        cost_kr=cat.cost_kr[idx].astype(float),
        capitalised=cat.capitalised[idx].copy(),
        depreciation_share=dep_share,
        operating_cost_kr=cat.operating_cost_change_kr[idx].astype(float),
        places=cat.places_change[idx].astype(float),
        sale_proceeds_kr=cat.sale_proceeds_kr[idx].astype(float),
        removed_book_value_kr=(np.zeros((idx.size, n_t + 1)) if cat.removed_book_value_kr is None
                               else cat.removed_book_value_kr[idx]),
        removed_depreciation_kr=(np.zeros((idx.size, n_t)) if cat.removed_depreciation_kr is None
                                 else cat.removed_depreciation_kr[idx]),
        debt_relief_kr=relief,
        debt_without_plan_kr=debt_without_plan,
        place_cell=place_cell,
        demand=demand,
        capacity=capacity,
        renewal_lifetimes=lives,
        renewal_change_real_kr=change,
        decided=decided,
        renewal_need_change_real_kr=need_change,
    )


def plan_renewal_change_by_completion(data: MunicipalityData, rows: list[dict[str, Any]], status: pd.DataFrame
                                      ) -> tuple[IntArray, FloatArray | None]:
    """``(lifetimes (L,), change (P, T + 1, L, T))``: the renewal each of the plan's projects takes over under the
    policy *behov*, for every completion year index ``c`` (``T``: after the plan, no change) — the forecast's
    change (:func:`hushall.projects.maintenance.plan_renewal_change`) for a project completed late in a draw,
    and summed over lifetimes the change of the plan's own renewal need under every policy
    (:func:`hushall.projects.maintenance.plan_need_change`). ``(no lifetimes, None)`` when the projects take
    over no components."""
    years = np.asarray(data.years, dtype=np.int64)
    n_t = years.size
    if not rows or not len(status):
        return np.zeros(0, dtype=np.int64), None
    claims, removes = renewed_components(rows, status)
    if not any(c.size for c in claims):
        return np.zeros(0, dtype=np.int64), None
    lives = np.unique(np.maximum(status["lifetime_whole_years"].to_numpy(dtype=np.int64), 1))
    out = np.zeros((len(rows), n_t + 1, lives.size, n_t))
    for c in range(n_t):
        _, spend = renewal_change_by_lifetime(status, claims, removes, np.full(len(rows), c), years)
        out[:, c] = spend
    return lives, out


@dataclass(frozen=True, eq=False)
class ShiftTables:
    """Every project's yearly quantities for every whole-year delay ``j = 0 … T``: row ``p · (T + 1) + j``.

    Attributes
    ----------
    outlay
        ``(P (T + 1), 2T)``: real outlay of capitalised projects, then of expensed ones.
    timing
        ``(P (T + 1), 2T)``: 1 in the completion year, then the share of the value written off each year.
    counts
        ``(P (T + 1), 7T)``: operating-cost change (real), places, sale proceeds (real), under construction,
        maintenance debt cleared, book value sold or closed and the existing depreciation that stops (nominal) —
        the quantities that depend on the delay only.
    in_plan, completion
        ``(P (T + 1),)``: completed within the plan, and the completion year index.
    """

    outlay: FloatArray
    timing: FloatArray
    counts: FloatArray
    in_plan: FloatArray
    completion: FloatArray


def shift_tables(plan: PlanArrays) -> ShiftTables:
    """Tabulate the plan's projects for every delay (see :class:`ShiftTables`)."""
    n_t, n_p = plan.n_years, plan.n_projects
    j = np.arange(n_t + 1)[None, :, None]
    t = np.arange(n_t)[None, None, :]
    rel = t - plan.start_index[:, None, None] - j  # (P, T + 1, T)
    dur = plan.duration[:, None, None]
    building = (rel >= 0) & (rel < dur)
    d_pad = plan.profile.shape[1] - 1
    rows = np.arange(n_p)[:, None, None]
    outlay = plan.cost_kr[:, None, None] * plan.profile[rows, np.where(building, rel, d_pad)]
    cap = plan.capitalised[:, None, None]
    completion = plan.start_index[:, None] + plan.duration[:, None] - 1 + j[..., 0]  # (P, T + 1)
    since = t - completion[:, :, None]
    at_completion = (since == 0).astype(float)
    in_use = (since >= 1).astype(float)
    depreciation = plan.depreciation_share[rows, np.clip(since, 0, n_t)]
    relief = plan.debt_relief_kr[np.arange(n_p)[:, None], np.minimum(completion, n_t)]
    written_off = at_completion * plan.removed_book_value_kr[:, None, 1:]
    stopped = in_use * plan.removed_depreciation_kr[:, None, :]
    counts = np.concatenate([plan.operating_cost_kr[:, None, None] * in_use, plan.places[:, None, None] * in_use,
                             plan.sale_proceeds_kr[:, None, None] * at_completion, building.astype(float), relief,
                             written_off, stopped], axis=2)
    size = n_p * (n_t + 1)
    return ShiftTables(
        outlay=np.concatenate([outlay * cap, outlay * ~cap], axis=2).reshape(size, 2 * n_t),
        timing=np.concatenate([at_completion, depreciation], axis=2).reshape(size, 2 * n_t),
        counts=counts.reshape(size, 7 * n_t),
        in_plan=(completion < n_t).astype(float).reshape(size),
        completion=completion.astype(float).reshape(size),
    )


def _realisation_gains(plan: PlanArrays, tab: ShiftTables, row: IntArray, price_index: FloatArray) -> FloatArray:
    """``(S, T)``: Σ over the projects completed in a year of ``max(0, price − book value)`` (nominal), as
    :mod:`hushall.projects.effects` books them, for each draw's selected rows and price index."""
    n_s, n_t = price_index.shape
    n_p = plan.n_projects
    out = np.zeros((n_s, n_t))
    if not n_p:
        return out
    completion = tab.completion[row].astype(np.int64).reshape(n_s, n_p)
    inside = completion < n_t
    c = np.minimum(completion, n_t - 1)
    book = plan.removed_book_value_kr[np.arange(n_p)[None, :], c + 1]
    price = plan.sale_proceeds_kr[None, :] * np.take_along_axis(price_index, c, axis=1)
    gain = np.where(inside, np.maximum(0.0, price - book), 0.0)
    np.add.at(out, (np.repeat(np.arange(n_s), n_p), c.ravel()), gain.ravel())
    return out


def _renewal_change(plan: PlanArrays, tab: ShiftTables, row: IntArray, construction_index: FloatArray,
                    select: Callable[[FloatArray], Any]) -> dict[str, FloatArray]:
    """``renewal_change_real_kr``, ``renewal_change_kr`` (nominal) and ``renewal_change_depreciation_kr`` ``(S, T)``:
    the renewal the projects take over under *behov*, each from its completion year in the draw; and
    ``renewal_need_change_real_kr`` ``(S, T)``: the change of the renewal need under every policy, the same way."""
    n_s, n_t = construction_index.shape
    change = plan.renewal_change_real_kr
    completion = np.minimum(tab.completion.astype(np.int64), n_t).reshape(plan.n_projects, n_t + 1)
    need = plan.renewal_need_change_real_kr
    need_change = np.zeros((n_s, n_t)) if need is None or not plan.n_projects else np.asarray(
        select(np.ones((n_s, plan.n_projects))) @ need[np.arange(plan.n_projects)[:, None], completion].reshape(
            plan.n_projects * (n_t + 1), n_t))
    if change is None or not plan.n_projects:
        zero = np.zeros((n_s, n_t))
        return {"renewal_change_real_kr": zero, "renewal_change_kr": zero, "renewal_change_depreciation_kr": zero,
                "renewal_need_change_real_kr": need_change}
    n_l = plan.renewal_lifetimes.size
    table = change[np.arange(plan.n_projects)[:, None], completion].reshape(plan.n_projects * (n_t + 1), n_l * n_t)
    spend = np.asarray(select(np.ones((n_s, plan.n_projects))) @ table).reshape(n_s, n_l, n_t)
    real = spend.sum(axis=1)
    return {"renewal_change_real_kr": real, "renewal_change_kr": real * construction_index,
            "renewal_need_change_real_kr": need_change,
            "renewal_change_depreciation_kr": lifetime_depreciation(spend, plan.renewal_lifetimes,
                                                                   construction_index)}


def _decided(plan: PlanArrays, tab: ShiftTables, row: IntArray, construction_index: FloatArray,
             select: Callable[[FloatArray], Any]) -> dict[str, FloatArray]:
    """With the optimiser's renewal (:class:`DecidedRenewal`): ``decided_renewal_real_kr``, ``decided_renewal_kr``
    (nominal), ``decided_renewal_depreciation_kr`` and the ``maintenance_debt_kr`` of the pools ``(S, T)``, each
    project completed in its year of the draw; zeros (and no debt) without."""
    n_s, n_t = construction_index.shape
    d = plan.decided
    if d is None:
        zero = np.zeros((n_s, n_t))
        return {"decided_renewal_real_kr": zero, "decided_renewal_kr": zero, "decided_renewal_depreciation_kr": zero}
    n_p, n_l = plan.n_projects, d.lifetimes.size
    completion = np.minimum(tab.completion[row].astype(np.int64).reshape(n_s, n_p), n_t)
    ones = select(np.ones((n_s, n_p)))
    # the tables by completion year index, re-read by delay (the rows ``select`` picks)
    by_delay = np.minimum(tab.completion.astype(np.int64), n_t).reshape(n_p, n_t + 1)
    at = (np.arange(n_p)[:, None], by_delay)
    spend = d.fixed_real_kr[None] + np.asarray(
        ones @ d.by_completion_real_kr[at].reshape(n_p * (n_t + 1), n_l * n_t)).reshape(n_s, n_l, n_t)
    debt = d.fixed_backlog_kr[None] + np.asarray(ones @ d.by_completion_backlog_kr[at].reshape(n_p * (n_t + 1), n_t))
    shared_spend, shared_debt = d.shared_part(completion)
    spend, debt = spend + shared_spend, debt + shared_debt
    real = spend.sum(axis=1)
    return {"decided_renewal_real_kr": real, "decided_renewal_kr": real * construction_index,
            "decided_renewal_depreciation_kr": lifetime_depreciation(spend, d.lifetimes, construction_index),
            "maintenance_debt_kr": debt}


def realise(
    plan: PlanArrays,
    construction_index: ArrayLike,
    price_index: ArrayLike,
    overrun: ArrayLike | None = None,
    delay: ArrayLike | None = None,
    demand_factor: ArrayLike | None = None,
    tables: ShiftTables | None = None,
) -> dict[str, FloatArray]:
    """The plan's yearly effects for ``S`` draws (see the module docstring).

    Each project's quantities are tabulated once for every whole-year delay (:func:`shift_tables`); a draw then
    picks one row per project, and the sums over projects are products of a sparse ``(S, P (T + 1))`` selection
    matrix (weighted by the cost factor or the capitalised value) with the tables: ``S × P × T`` work, no
    ``(S, P, T)`` array.

    Parameters
    ----------
    plan
        From :func:`plan_arrays`.
    construction_index, price_index
        Cumulative indices, 1 in the price base year: ``(T,)`` or ``(S, T)``.
    overrun
        Cost factor per project, ``(P,)`` or ``(S, P)``; ``None`` = 1.
    delay
        Whole years each project slips, ``(S, P)`` non-negative integers (``≥ T`` = after the plan); ``None`` = 0.
    demand_factor
        Factor on the demand for places, ``(T,)`` or ``(S, T)``; ``None`` = 1.
    tables
        :func:`shift_tables` of the plan, when already computed.

    Returns
    -------
    dict
        :data:`REALISED` arrays of shape ``(S, T)`` (``(T,)`` when no input has a draw axis), nominal kr except
        ``maintenance_debt_kr`` (price base year kr), ``places``, ``projects_under_construction`` and
        ``missing_places``; and ``completion_index`` ``(S, P)``.
    """
    import scipy.sparse as sp

    tab = shift_tables(plan) if tables is None else tables
    ci = np.asarray(construction_index, dtype=float)
    pi = np.asarray(price_index, dtype=float)
    n_t, n_p = plan.n_years, plan.n_projects
    f = None if overrun is None else np.asarray(overrun, dtype=float)
    dl = None if delay is None else np.asarray(delay, dtype=np.int64)
    df = None if demand_factor is None else np.asarray(demand_factor, dtype=float)
    lead = [a.shape[0] for a in (ci, pi, f, dl, df) if a is not None and a.ndim == 2]
    squeeze = not lead
    n_s = max(lead, default=1)
    ci2 = np.broadcast_to(ci, (n_s, n_t))
    f2 = np.ones((n_s, n_p)) if f is None else np.broadcast_to(f, (n_s, n_p))
    d2 = np.zeros((n_s, n_p), dtype=np.int64) if dl is None else np.minimum(np.broadcast_to(dl, (n_s, n_p)), n_t)
    row = (np.arange(n_p)[None, :] * (n_t + 1) + d2).ravel()  # selected table row of each (draw, project)
    indptr = np.arange(n_s + 1) * n_p
    width = n_p * (n_t + 1)

    def select(weights: FloatArray) -> sp.csr_matrix:
        return sp.csr_matrix((np.ascontiguousarray(weights, dtype=float).ravel(), row, indptr), shape=(n_s, width))

    real = select(f2) @ tab.outlay  # (S, 2T)
    investment = real[:, :n_t] * ci2
    expensed = real[:, n_t:] * ci2
    # Capitalised value of each (draw, project): its nominal outlays, when completed within the plan.
    picked = tab.outlay[row, :n_t].reshape(n_s, n_p, n_t)
    value = np.einsum("spt,st->sp", picked, ci2) * f2 * tab.in_plan[row].reshape(n_s, n_p)
    timing = select(value) @ tab.timing
    counts = select(np.ones((n_s, n_p))) @ tab.counts
    pi2 = np.broadcast_to(pi, (n_s, n_t))
    out: dict[str, FloatArray] = {
        "investment_kr": investment,
        "expensed_kr": expensed,
        "capitalised_kr": timing[:, :n_t],
        "depreciation_kr": timing[:, n_t:],
        "operating_cost_kr": counts[:, :n_t] * pi2,
        "sale_proceeds_kr": counts[:, 2 * n_t:3 * n_t] * pi2,
        "places": counts[:, n_t:2 * n_t],
        "projects_under_construction": counts[:, 3 * n_t:4 * n_t],
        "maintenance_debt_kr": plan.debt_without_plan_kr[None, :] - counts[:, 4 * n_t:5 * n_t],
        "written_off_kr": counts[:, 5 * n_t:6 * n_t],
        "existing_depreciation_stopped_kr": counts[:, 6 * n_t:],
        "realisation_gains_kr": _realisation_gains(plan, tab, row, pi2),
    }
    n_cells = plan.demand.shape[0]
    if n_cells:
        onehot = np.zeros((n_p, n_cells))
        has = plan.place_cell >= 0
        onehot[np.flatnonzero(has), plan.place_cell[has]] = 1.0
        # Places added per service: the places block of the counts, routed to each project's service.
        places_rows = tab.counts[:, n_t:2 * n_t].reshape(n_p, n_t + 1, n_t)
        per_cell = np.einsum("pjt,pn->pjnt", places_rows, onehot).reshape(width, n_cells * n_t)
        added = (select(np.ones((n_s, n_p))) @ per_cell).reshape(n_s, n_cells, n_t)
        factor = np.ones((n_s, n_t)) if df is None else np.broadcast_to(df, (n_s, n_t))
        need = plan.demand[None, :, :] * factor[:, None, :]
        out["missing_places"] = np.maximum(need - plan.capacity[None, :, None] - added, 0.0).sum(axis=1)
    else:
        out["missing_places"] = np.zeros((n_s, n_t))
    out.update(_renewal_change(plan, tab, row, ci2, select))
    out.update(_decided(plan, tab, row, ci2, select))
    out["completion_index"] = tab.completion[row].reshape(n_s, n_p)
    if squeeze:
        return {k: v[0] for k, v in out.items()}
    return out


__all__ = ["REALISED", "DecidedRenewal", "PlanArrays", "ShiftTables", "decided_renewal", "plan_arrays", "realise", "shift_tables"]
