r"""Reinvestment under a policy: how much of the renewal need is renewed each year, and what is left as debt.

The renewal need (:mod:`hushall.needs.renewal`) says when every component is due. A municipality does not renew
everything when it is due: it has a yearly reinvestment frame, and what does not fit becomes maintenance debt
(*underhållsskuld*). This module turns the need into money under a named policy, year by year (all amounts in the
price base year's prices, *real* kr):

* ``behov`` — **as needed**: every component is renewed in the year it is due (overdue ones in the first plan
  year), as the needs analysis says; the maintenance debt is cleared in the first plan year;
* ``ram`` — **today's frame**: the yearly frame ``F_t`` (parameter ``reinvestering_ram_kr``) is spent; what does
  not fit stays as maintenance debt and waits, and in a year when less is due than the frame, the rest renews
  the components that fall due soonest (early, so the frame is spent every year as a municipality does);
* ``ingen`` — **nothing** is renewed (only as an explicit, labelled what-if);
* a :class:`RenewalPlan` — **the optimiser's plan**: explicit renewal per pool of components and year (the
  optimiser's write-back, :mod:`hushall.optimize.renewal_decisions`), through the same money as the others.

The policy is year-keyed like every assumption: ``reinvestering_efter_behov`` = 1 from a year on means *as needed*
from then, otherwise the frame applies.

Recursion
---------
Components are pooled in groups ``g`` of the same facility, component type and whole lifetime ``L_g``
(:func:`hushall.needs.renewal.whole_lifetimes`). ``D_{g,t}`` is the value falling due in plan year ``t``
(components overdue at the end of the base year fall due in the first plan year), ``B_{g,t}`` the backlog at the
end of year ``t``::

    Q_{g,t} = B_{g,t−1} + D_{g,t}                          due and waiting
    S_t     = Σ_g Q_{g,t}                  (behov)          spend on what waits
            = min(F_t, Σ_g Q_{g,t})        (ram)
            = 0                            (ingen)
    R_{g,t} = Q_{g,t} · S_t / Σ_g Q_{g,t}                   renewed, pro rata to what waits
            + early renewals (ram): F_t − S_t taken from D_{·,t+1}, D_{·,t+2}, … in that order
    B_{g,t} = Q_{g,t} − R_{g,t}
    D_{g,t+L_g} += R_{g,t}                                  a renewed component falls due again after its life

The maintenance debt at the end of year ``t`` is ``Σ_g B_{g,t}`` and at the end of the base year the value of the
overdue components (:attr:`ReinvestmentPath.debt_base_kr`). With ``behov`` in every year the spend equals the
deterministic renewal schedule of :func:`hushall.needs.renewal.renewal_totals` exactly (tested).

Money
-----
Reinvestment is capitalised as the component type it renews at the end of the year it is spent and depreciated
straight line over the group's lifetime from the following year (RKR R4, komponentavskrivning), like a project's
components (:func:`hushall.projects.depreciation_kernel`): :attr:`ReinvestmentPath.depreciation_real_kr` holds,
per component type, the depreciation in year ``t`` of one real krona-year ``τ`` so that the financial model can
price it with any construction price index, ``dep_t = Σ_τ I_bygg(τ) · M[c, τ, t]``.

References
----------
RKR R4 *Materiella anläggningstillgångar* (komponentavskrivning); SKR (2021) *Underhållsskuld i kommunernas
fastigheter* (underhållsskuld = eftersatt underhåll, värderat till vad det kostar att åtgärda).

Examples
--------
>>> import numpy as np
>>> years = np.arange(2025, 2031)
>>> p = simulate_reinvestment(value_kr=[100.0, 50.0], lifetime_years=[3, 10], first_due=[2023, 2026],
...     groups=[0, 1], component_type_codes=[0, 0], n_types=1, years=years, as_needed=np.ones(6, bool),
...     frame_kr=np.zeros(6))
>>> p.spend_real_kr.tolist()          # overdue 100 in the first year, 50 when due, 100 again after 3 years
[100.0, 50.0, 0.0, 100.0, 0.0, 0.0]
>>> q = simulate_reinvestment(value_kr=[100.0, 50.0], lifetime_years=[3, 10], first_due=[2023, 2026],
...     groups=[0, 1], component_type_codes=[0, 0], n_types=1, years=years, as_needed=np.zeros(6, bool),
...     frame_kr=np.full(6, 40.0))
>>> q.spend_real_kr.round(1).tolist()   # 40 a year; what does not fit waits as maintenance debt
[40.0, 40.0, 40.0, 40.0, 40.0, 40.0]
>>> q.debt_real_kr.round(1).tolist()
[60.0, 70.0, 30.0, 30.0, 11.8, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hushall.data.schema import COMPONENT_TYPES
from hushall.model import MunicipalityData
from hushall.needs.renewal import component_status, construction_price_index, whole_lifetimes

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Reinvestment policies: code → Swedish label (what a reader sees).
POLICIES: dict[str, str] = {
    "ram": "dagens reinvesteringsram",
    "behov": "reinvestering efter behov",
    "ingen": "ingen reinvestering (räkneexempel)",
}
DEFAULT_POLICY = "ram"


@dataclass(frozen=True)
class ReinvestmentPath:
    """Reinvestment and maintenance debt under a policy (real kr, price base year).

    Attributes
    ----------
    policy
        ``"ram"``, ``"behov"`` or ``"ingen"`` (:data:`POLICIES`).
    years
        ``(T,)`` plan years.
    spend_real_kr
        ``(T,)`` reinvestment per year.
    by_type_real_kr
        ``(C, T)`` reinvestment per component type (:attr:`component_types`).
    depreciation_real_kr
        ``(C, T, T)``: depreciation in year ``t`` (last axis) of the reinvestment spent in year ``τ`` (middle axis).
    need_real_kr
        ``(T,)`` the renewal need: what *as needed* would spend (the deterministic schedule).
    debt_real_kr
        ``(T,)`` maintenance debt at the end of each year.
    debt_base_kr
        Maintenance debt at the end of the base year (overdue components).
    group_debt_real_kr
        ``(G, T)`` backlog per group at the end of each year (for the debt a project clears).
    groups
        One row per group: ``facility_id, component_type, lifetime_years``.
    group_renewal_real_kr
        ``(G, T)`` reinvestment per group (:func:`simulate_reinvestment`; the optimiser's ranking baseline takes
        the policy's renewal per pool of components from it).
    """

    policy: str
    years: IntArray
    spend_real_kr: FloatArray
    by_type_real_kr: FloatArray
    depreciation_real_kr: FloatArray
    need_real_kr: FloatArray
    debt_real_kr: FloatArray
    debt_base_kr: float
    group_debt_real_kr: FloatArray
    groups: pd.DataFrame
    component_types: tuple[str, ...] = COMPONENT_TYPES
    group_renewal_real_kr: FloatArray | None = None

    @property
    def share_of_need(self) -> float:
        """Reinvestment over the plan as a share of the renewal need over the plan (1 = everything renewed)."""
        need = float(self.need_real_kr.sum())
        return float(self.spend_real_kr.sum()) / need if need > 0 else 1.0

    def nominal(self, construction_index: ArrayLike, pooled: bool = False
                ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``(spend (…, T), capitalised per type (…, C, T), depreciation per type (…, C, T))`` in current prices
        for a cumulative construction price index ``(T,)`` or ``(S, T)``; ``pooled`` sums the component types
        first (``C = 1``: what a scenario run needs, at a thirteenth of the cost)."""
        idx = np.asarray(construction_index, dtype=float)
        spend = self.spend_real_kr * idx
        by_type, dep_m = self.by_type_real_kr, self.depreciation_real_kr
        if pooled:
            by_type, dep_m = by_type.sum(axis=0, keepdims=True), dep_m.sum(axis=0, keepdims=True)
        cap = by_type * idx[..., None, :]
        dep = np.einsum("...u,cut->...ct", idx, dep_m)
        return spend, cap, dep


def _lifetime_kernel(lives: IntArray, n_years: int) -> FloatArray:
    """``k[g, j]``: share of a renewal written off ``j`` years after it was made (straight line from ``j = 1``)."""
    j = np.arange(n_years + 1)[None, :]
    life = np.maximum(lives, 1)[:, None]
    return np.where((j >= 1) & (j <= life), 1.0 / life, 0.0)


def simulate_reinvestment(
    value_kr: ArrayLike,
    lifetime_years: ArrayLike,
    first_due: ArrayLike,
    groups: ArrayLike,
    component_type_codes: ArrayLike,
    n_types: int,
    years: ArrayLike,
    as_needed: ArrayLike,
    frame_kr: ArrayLike,
    renew: bool = True,
    renew_early: bool = True,
) -> ReinvestmentPath:
    """Run the recursion of the module docstring over components pooled in ``groups``.

    Every component of a group must share its whole lifetime and component type (``component_type_codes`` per
    component, ``0 … n_types − 1``). ``as_needed`` and ``frame_kr`` are per plan year; ``renew=False`` is the
    policy *ingen*; ``renew_early=False``: the frame renews only what has fallen due (no early renewals; a year with
    less waiting than the frame spends less).
    """
    value = np.asarray(value_kr, dtype=float)
    life = whole_lifetimes(lifetime_years)
    yrs = np.asarray(years, dtype=np.int64)
    n_t = yrs.size
    codes = np.asarray(groups, dtype=np.int64)
    n_g = int(codes.max()) + 1 if codes.size else 0
    g_life = np.ones(n_g, dtype=np.int64)
    g_life[codes] = life
    g_type = np.zeros(n_g, dtype=np.int64)
    g_type[codes] = np.asarray(component_type_codes, dtype=np.int64)
    first = int(yrs[0]) if n_t else 0
    pos = np.maximum(np.asarray(first_due, dtype=np.int64), first) - first
    # dues are followed beyond the plan (one lifetime more), so the frame can renew early in the last years too
    horizon = n_t + (int(g_life.max()) if n_g else 0)
    inside = pos < horizon
    due = np.zeros((n_g, horizon + 1))
    np.add.at(due, (codes[inside], pos[inside]), value[inside])
    debt_base = float(value[np.asarray(first_due) < first].sum()) if n_t else 0.0
    need_flags = np.broadcast_to(np.asarray(as_needed, dtype=bool), (n_t,))
    frame = np.broadcast_to(np.asarray(frame_kr, dtype=float), (n_t,))

    backlog = np.zeros(n_g)
    renewed = np.zeros((n_g, n_t))
    group_debt = np.zeros((n_g, n_t))
    need_due = due.copy()  # the as-needed schedule, for the need line
    need = np.zeros(n_t)
    for t in range(n_t):
        waiting = backlog + due[:, t]
        total = waiting.sum()
        spend = 0.0 if not renew else (total if need_flags[t] else min(max(frame[t], 0.0), total))
        r = waiting * (spend / total) if total > 0 else np.zeros(n_g)
        backlog = waiting - r
        if renew and renew_early and not need_flags[t]:  # the frame is spent: what is left renews what falls due soonest
            left = max(frame[t], 0.0) - spend
            k = t + 1
            while left > 1e-9 and k < horizon:
                ahead = due[:, k].sum()
                if ahead > 0:
                    early = due[:, k] * min(1.0, left / ahead)
                    due[:, k] -= early
                    r = r + early
                    left -= early.sum()
                k += 1
        renewed[:, t] = r
        group_debt[:, t] = backlog
        nxt = t + g_life
        ok = nxt < horizon
        np.add.at(due, (np.flatnonzero(ok), nxt[ok]), r[ok])
        # the need: what as-needed renewal would spend (its own schedule, independent of the policy)
        need[t] = need_due[:, t].sum()
        np.add.at(need_due, (np.flatnonzero(ok), nxt[ok]), need_due[ok, t])
    by_type = np.zeros((n_types, n_t))
    np.add.at(by_type, g_type, renewed)
    kernel = _lifetime_kernel(g_life, n_t)  # (G, T + 1)
    lag = np.arange(n_t)[None, :] - np.arange(n_t)[:, None]  # t − τ
    k_lag = np.where(lag >= 0, kernel[:, np.clip(lag, 0, n_t)], 0.0)  # (G, τ, t)
    dep = np.zeros((n_types, n_t, n_t))
    np.add.at(dep, g_type, renewed[:, :, None] * k_lag)
    policy = "ingen" if not renew else ("behov" if need_flags.all() else "ram")
    return ReinvestmentPath(policy=policy, years=yrs, spend_real_kr=renewed.sum(axis=0), by_type_real_kr=by_type,
                            depreciation_real_kr=dep, need_real_kr=need, debt_real_kr=group_debt.sum(axis=0),
                            debt_base_kr=debt_base, group_debt_real_kr=group_debt,
                            groups=pd.DataFrame({"group": np.arange(n_g)}), group_renewal_real_kr=renewed)


@dataclass(frozen=True)
class RenewalPlan:
    """Explicit renewal amounts per pool of components and year (real kr, price base year): the policy the
    optimiser's renewal decisions write back (pools: :func:`hushall.projects.maintenance.renewal_groups`).

    Attributes
    ----------
    renewal_real_kr
        ``(G, T)`` renewal of each pool in each plan year.
    lifetime_years
        ``(G,)`` whole lifetime of each pool (its renewal is written off over it).
    due_kr
        ``(G, T)`` value falling due for the first time in each year if nothing were renewed.
    by_type
        ``(G, C)`` share of each component type in a pool (how its renewal is capitalised per type).
    """

    renewal_real_kr: FloatArray
    lifetime_years: IntArray
    due_kr: FloatArray
    by_type: FloatArray

    policy = "plan"


def explicit_backlog(due_kr: ArrayLike, lifetime_years: ArrayLike, renewal_kr: ArrayLike,
                     cleared: NDArray[np.bool_] | None = None) -> FloatArray:
    r"""Backlog ``(…, G, T)`` of pools for explicit renewals: ``b_t = b_{t−1} + D_t + r_{t−L} − r_t`` (a renewal falls
    due again a lifetime later), ``0`` where ``cleared`` (a pool closed, or renewed by a project). Leading axes
    (draws) are carried through."""
    r = np.asarray(renewal_kr, dtype=float)
    due = np.asarray(due_kr, dtype=float)
    life = np.asarray(lifetime_years, dtype=np.int64)
    n_g, n_t = r.shape[-2:]
    rows = np.arange(n_g)
    b = np.zeros(np.broadcast_shapes(r.shape, due.shape))
    prev = np.zeros(b.shape[:-1])
    for t in range(n_t):
        back = t - life
        now = prev + due[..., t] + np.where(back >= 0, r[..., rows, np.maximum(back, 0)], 0.0) - r[..., t]
        if cleared is not None:
            now = np.where(cleared[..., t], 0.0, now)
        b[..., t] = now
        prev = now
    return b


def renewal_within_reach(due_kr: ArrayLike, lifetime_years: ArrayLike, asked_kr: ArrayLike,
                         closed: NDArray[np.bool_], cleared: NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    r"""``(renewal, backlog)`` ``(…, G, T)`` when the renewals ``asked_kr`` are carried out as far as they can be:
    never more than waits (``b_{t−1} + D_t + r_{t−L}``), nothing where a pool is ``closed``; the backlog as
    :func:`explicit_backlog` (``0`` where ``cleared``). A renewal that can be carried out whole is kept to the
    krona, so for renewals that fit their plan's events this is :func:`explicit_backlog`. Used for the optimiser's
    write-back (solver tolerances) and for a plan whose projects are late in a Monte Carlo draw (what the plan
    renewed on a facility its replacement was to close still waits)."""
    asked = np.asarray(asked_kr, dtype=float)
    due = np.asarray(due_kr, dtype=float)
    life = np.asarray(lifetime_years, dtype=np.int64)
    shape = np.broadcast_shapes(asked.shape, due.shape, np.shape(closed), np.shape(cleared))
    n_g, n_t = shape[-2:]
    rows = np.arange(n_g)
    r = np.zeros(shape)
    b = np.zeros(shape)
    prev = np.zeros(shape[:-1])
    for t in range(n_t):
        back = t - life
        waiting = prev + due[..., t] + np.where(back >= 0, r[..., rows, np.maximum(back, 0)], 0.0)
        r[..., t] = np.where(closed[..., t], 0.0, np.clip(asked[..., t], 0.0, np.maximum(waiting, 0.0)))
        b[..., t] = np.where(cleared[..., t], 0.0, waiting - r[..., t])
        prev = b[..., t]
    return r, b


def _plan_path(data: MunicipalityData, plan: RenewalPlan) -> ReinvestmentPath:
    """The money of a :class:`RenewalPlan`: spend as given, capitalised per component type in each pool's shares,
    written off over the pool's lifetime (as :func:`simulate_reinvestment`); the need as for every policy."""
    r = np.asarray(plan.renewal_real_kr, dtype=float)
    n_t = r.shape[1]
    life = np.maximum(np.asarray(plan.lifetime_years, dtype=np.int64), 1)
    by_type = np.asarray(plan.by_type, dtype=float).T @ r  # (C, T)
    kernel = _lifetime_kernel(life, n_t)
    lag = np.arange(n_t)[None, :] - np.arange(n_t)[:, None]
    k_lag = np.where(lag >= 0, kernel[:, np.clip(lag, 0, n_t)], 0.0)  # (G, τ, t)
    dep = np.einsum("gc,gu,gut->cut", np.asarray(plan.by_type, dtype=float), r, k_lag)
    base = reinvestment_path(data, "ingen")
    debt = explicit_backlog(plan.due_kr, life, r).sum(axis=0)
    return replace(base, policy="plan", spend_real_kr=r.sum(axis=0), by_type_real_kr=by_type,
                   depreciation_real_kr=dep, debt_real_kr=debt,
                   group_debt_real_kr=explicit_backlog(plan.due_kr, life, r), group_renewal_real_kr=r)


def default_frame_kr(data: MunicipalityData) -> float:
    """The frame when sheet Antaganden gives none: the base year's depreciation (sheet Ekonomi) in the price base
    year's prices — reinvesting as much as is written off (the reference of ``reinvestering_ram_kr``)."""
    fin = data.finance
    if fin is None or not len(fin):
        return 0.0
    dep = fin.loc[fin["item"] == "avskrivningar", "amount_kr"]
    if dep.empty or pd.isna(dep.iloc[0]):
        return 0.0
    index = construction_price_index(data, [data.base_year])[0]
    return float(abs(dep.iloc[0])) / float(index)


def _simulate_policy(data: MunicipalityData, policy: str | None, codes: IntArray,
                     early: bool = True) -> ReinvestmentPath:
    """:func:`simulate_reinvestment` of the municipality's components (rows of :func:`component_status`) pooled
    in ``codes`` under ``policy`` (``None``: as the data says)."""
    status = component_status(data)
    years = np.asarray(data.years, dtype=np.int64)
    types = list(COMPONENT_TYPES)
    type_codes = np.array([types.index(t) if t in types else types.index("övrigt")
                           for t in status["component_type"]], dtype=np.int64)
    as_needed = (data.assumption("reinvestering_efter_behov") >= 0.5 if policy is None
                 else np.full(years.size, policy == "behov"))
    frame = data.assumption("reinvestering_ram_kr")
    if np.isnan(frame).any():
        frame = np.where(np.isnan(frame), default_frame_kr(data), frame)
    return simulate_reinvestment(status["value_kr"].to_numpy(float), status["lifetime_whole_years"].to_numpy(np.int64),
                                 status["first_due_year"].to_numpy(), codes, type_codes, len(types), years, as_needed,
                                 frame, renew=policy != "ingen", renew_early=early)


def policy_renewal_by_pool(data: MunicipalityData, component_group: ArrayLike) -> FloatArray:
    """``(G, T)``: the renewal (real kr) of other pools of the same components — ``component_group`` per row of
    :func:`component_status`, components of one pool sharing their whole lifetime (e.g. the optimiser's pools,
    :func:`hushall.projects.maintenance.renewal_groups`) — under the data's policy, by the same recursion
    without early renewals: each year's spend ``min(F_t, Σ_g Q_{g,t})`` (or all that waits, *as needed*) is
    shared among the pools in proportion to what waits in them, so no pool renews more than waits (the pools
    of renewal decisions hold no negative backlog). Where less waits than the frame, less is spent than the
    forecast's frame policy, which renews early."""
    codes = np.asarray(component_group, dtype=np.int64)
    return np.asarray(_simulate_policy(data, None, codes, early=False).group_renewal_real_kr)


def reinvestment_path(data: MunicipalityData, policy: str | RenewalPlan | None = None) -> ReinvestmentPath:
    """Reinvestment of a municipality's components under ``policy`` (``None``: as the data says — sheet
    Antaganden, ``reinvestering_efter_behov`` and ``reinvestering_ram_kr``; a :class:`RenewalPlan`: the
    optimiser's explicit renewals).

    Raises
    ------
    ValueError
        For an unknown policy name.
    """
    if isinstance(policy, RenewalPlan):
        return _plan_path(data, policy)
    if policy is not None and policy not in POLICIES:
        raise ValueError(f"okänd reinvesteringspolicy {policy!r}; välj en av {', '.join(POLICIES)}")
    key = f"needs.reinvestment.{policy}"
    cached = data._cache.get(key)
    if isinstance(cached, ReinvestmentPath):
        return cached
    status = component_status(data)
    whole = status["lifetime_whole_years"].to_numpy(dtype=np.int64)
    keys = pd.MultiIndex.from_arrays([status["facility_id"].to_numpy(), status["component_type"].to_numpy(), whole])
    codes, uniques = pd.factorize(keys)
    path = _simulate_policy(data, policy, codes)
    groups = pd.DataFrame({"facility_id": [u[0] for u in uniques], "component_type": [u[1] for u in uniques],
                           "lifetime_years": [int(u[2]) for u in uniques]})
    path = replace(path, groups=groups)
    data._cache[key] = path
    return path
