r"""The maintenance debt under a plan: what the plan's projects renew or close, on top of the reinvestment policy.

The reinvestment policy (:mod:`hushall.needs.reinvestment`) leaves a maintenance debt ``B^pol_t`` (price base year
kr). Projects renew components too (ombyggnad, reinvestering with ``förnyar_komponenter``) or take a facility
out of use (avveckling, försäljning): the debt of those components no longer waits.

A project ``p`` completed at the end of year ``c`` clears component ``i`` (due ``d_i``, whole lifetime ``L_i``)
from ``max(d_i, c)`` until ``c + L_i`` (renewed: due again a lifetime later), or for good (closed). Against the
debt if *nothing* were renewed, ``N_t`` (:func:`hushall.needs.renewal.maintenance_debt_totals`), that is the relief
``R^0_{p,c,t}``. The policy renews pro rata to what waits, so the share ``ρ_t = B^pol_t / N_t`` of every
component's backlog is still waiting in year ``t``; the plan's debt is::

    B_t = ρ_t · (N_t − Σ_p R^0_{p, c_p, t})

— with the policy *behov* (``ρ = 0``) no debt at all, with *ingen* (``ρ = 1``) the debt if only the projects
renew. Which components a project renews: :func:`renewed_components`.

Under the policy *behov* the projects change the money too: what a project takes over is not reinvested
(:func:`renewal_change`; per plan :func:`plan_renewal_change` for the forecast, per project and completion year
:func:`project_renewal_change` for the optimiser).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> data = exempelkommun()
>>> without = plan_maintenance_debt(data, {})
>>> with_p04 = plan_maintenance_debt(data, {"P-04": 2026})   # ombyggnad Centralskolan renews its components
>>> bool(with_p04[-1] < without[-1])
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hushall.data.defaults import load as load_defaults
from hushall.data.schema import COMPONENT_TYPES
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import RenewalPlan, explicit_backlog, reinvestment_path
from hushall.needs.renewal import component_status, maintenance_debt_totals
from hushall.projects.catalog import replaced_facilities

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def renewed_components(rows: list[dict[str, Any]], status: pd.DataFrame) -> tuple[list[IntArray], BoolArray]:
    """Components each project renews (positions in ``status``, :func:`component_status`) and whether it removes
    them for good. ``förnyar_komponenter`` lists component ids, or component types at the project's facility;
    without a list an ombyggnad renews its facility; avveckling and försäljning remove it, and so does any
    project that lists it in ``ersätter_anläggningar`` (a new school replacing two old ones). A component is
    claimed by the first project that names it."""
    removing = set(load_defaults("projects")["not_capitalised"]["values"])
    by_id = {cid: i for i, cid in enumerate(status["component_id"])}
    fac = status["facility_id"].to_numpy()
    ctype = status["component_type"].to_numpy()
    claimed = np.zeros(len(status), dtype=bool)
    out: list[IntArray] = []
    removes = np.zeros(len(rows), dtype=bool)
    for k, r in enumerate(rows):
        facility = str(r.get("facility_id") or "").strip()
        ptype = str(r.get("project_type") or "").strip()
        listed = [s.strip() for s in str(r.get("renews_components") or "").split(";") if s.strip()]
        at_facility = fac == facility if facility else np.zeros(len(status), dtype=bool)
        replaced = replaced_facilities(r)
        if replaced:
            mask = np.isin(fac, replaced) | (at_facility if ptype in removing else False)
            removes[k] = True
        elif ptype in removing and facility:
            mask = at_facility
            removes[k] = True
        elif listed:
            mask = np.zeros(len(status), dtype=bool)
            for item in listed:
                if item in by_id:
                    mask[by_id[item]] = True
                else:
                    mask |= at_facility & (ctype == item.lower())
        elif ptype == "ombyggnad" and facility:
            mask = at_facility
        else:
            mask = np.zeros(len(status), dtype=bool)
        mask = mask & ~claimed
        claimed |= mask
        out.append(np.flatnonzero(mask))
    return out, removes


def debt_relief(rows: list[dict[str, Any]], status: pd.DataFrame, years: IntArray) -> FloatArray:
    """``R^0[p, c, t]``: debt (if nothing else were renewed) that project ``p`` clears in year index ``t`` when
    completed at year index ``c`` (``c = T``: after the plan), shape ``(P, T + 1, T)``."""
    value = status["value_kr"].to_numpy(dtype=float)
    due = status["first_due_year"].to_numpy(dtype=np.int64)
    life = status["lifetime_whole_years"].to_numpy(dtype=np.int64)
    n_t = len(years)
    first = int(years[0])
    claims, removes = renewed_components(rows, status)
    c = np.arange(n_t + 1)
    relief = np.zeros((len(rows), n_t + 1, n_t))
    for k, comps in enumerate(claims):
        if comps.size == 0:
            continue
        for cc in c[:-1]:
            relief[k, cc] = value[comps] @ _clearing(due[comps] - first, life[comps], bool(removes[k]), int(cc), n_t)
    return relief


def policy_debt_share(data: MunicipalityData, policy: str | None = None,
                      status: pd.DataFrame | None = None) -> tuple[FloatArray, FloatArray]:
    """``(ρ_t, N_t)``: the share of the backlog the reinvestment policy leaves waiting, and the debt if nothing
    were renewed, per plan year (see the module docstring). ``status``: :func:`component_status` when the caller
    has it."""
    status = component_status(data) if status is None else status
    years = np.asarray(data.years, dtype=np.int64)
    nothing = maintenance_debt_totals(status["value_kr"].to_numpy(float), status["first_due_year"].to_numpy(),
                                      years)[0]
    policy_debt = reinvestment_path(data, policy).debt_real_kr
    share = np.divide(policy_debt, nothing, out=np.zeros_like(nothing), where=nothing > 0)
    return np.clip(share, 0.0, 1.0), nothing


def plan_maintenance_debt(data: MunicipalityData, schedule: Mapping[str, int],
                          policy: str | RenewalPlan | None = None) -> FloatArray:
    """The maintenance debt at the end of each plan year (price base year kr) under the reinvestment policy and
    the plan ``schedule`` (project id → start year): ``ρ_t (N_t − Σ_i v_i [i cleared in t])``, a component
    cleared by two projects counted once (:func:`cleared_components`); for a :class:`~hushall.needs.reinvestment.RenewalPlan` the
    pools' backlog (:func:`renewal_backlog`)."""
    if isinstance(policy, RenewalPlan):
        return renewal_backlog(renewal_groups(data), policy.renewal_real_kr,
                               schedule_completion(data, schedule)).sum(axis=0)
    status = component_status(data)
    share, nothing = policy_debt_share(data, policy, status)
    years = np.asarray(data.years, dtype=np.int64)
    projects = data.projects
    if not len(schedule) or not len(projects):
        return share * nothing
    rows, completion = _plan_rows(data, schedule)
    cleared = cleared_components(rows, completion, status, years)
    return share * np.maximum(nothing - status["value_kr"].to_numpy(dtype=float) @ cleared, 0.0)


def _clearing(due: IntArray, life: IntArray, removes: bool, c: int, n_t: int) -> BoolArray:
    """``(n_i, T)``: components (first due ``due`` as plan-year index, whole lifetime ``life``) cleared in each
    plan year by a project completed at the end of year index ``c``: from ``max(d_i, c)`` until ``c + L_i``
    (renewed: due again a lifetime later), or for good (closed); nothing when ``c`` is after the plan."""
    t = np.arange(n_t)[None, :]
    if c >= n_t:
        return np.zeros((due.size, n_t), dtype=bool)
    end = np.full(due.size, np.iinfo(np.int64).max // 4) if removes else c + life
    return (t >= np.maximum(due, c)[:, None]) & (t < end[:, None])


def cleared_components(rows: list[dict[str, Any]], completion: IntArray, status: pd.DataFrame,
                       years: IntArray) -> BoolArray:
    """``(N, T)``: whether each component of ``status`` is cleared in each plan year by *any* of the projects
    ``rows`` (each with the components it claims on its own, :func:`renewed_components`), completed at the end of
    year index ``completion``: a component two projects renew or close is counted once."""
    n_t = len(years)
    first = int(years[0])
    due = status["first_due_year"].to_numpy(dtype=np.int64) - first
    life = status["lifetime_whole_years"].to_numpy(dtype=np.int64)
    out = np.zeros((len(status), n_t), dtype=bool)
    for row, c in zip(rows, completion, strict=True):
        claims, removes = renewed_components([row], status)
        comps = claims[0]
        if comps.size:
            out[comps] |= _clearing(due[comps], life[comps], bool(removes[0]), max(int(c), 0), n_t)
    return out


def project_relief(data: MunicipalityData, policy: str | None = None, shared: bool = True) -> FloatArray:
    """``ρ_t · R^0[p, c, t]`` for every project of sheet Projekt on its own, shape ``(P, T + 1, T)``: the
    maintenance debt (price base year kr) project ``p`` clears in year index ``t`` under the reinvestment policy
    when completed at the end of year index ``c`` (``c = T``: after the plan). The plan's debt is the policy's
    less the sum over its projects, ``B_t = ρ_t N_t − Σ_p ρ_t R^0[p, c_p, t]`` — linear in the plan, which is
    how the optimiser states the maintenance-debt targets. It equals :func:`plan_maintenance_debt` when no
    component is claimed by two chosen projects (each project here claims its components on its own, so that
    alternatives for the same facility each carry their relief). ``shared=False`` leaves out the components two
    or more projects claim (:func:`shared_relief`: the optimiser counts those once)."""
    status = component_status(data)
    share, _ = policy_debt_share(data, policy, status)
    years = np.asarray(data.years, dtype=np.int64)
    rows = data.projects.to_dict("records")
    out = np.zeros((len(rows), len(years) + 1, len(years)))
    if not len(status):
        return out
    keep = np.ones(len(status), dtype=bool) if shared else _claim_counts(rows, status) < 2
    for k, row in enumerate(rows):
        out[k] = debt_relief([row], status[keep].reset_index(drop=True), years)[0]
    return out * share[None, None, :]


def _claim_counts(rows: list[dict[str, Any]], status: pd.DataFrame) -> IntArray:
    """How many of the projects ``rows`` claim each component (each on its own)."""
    counts = np.zeros(len(status), dtype=np.int64)
    for row in rows:
        counts[renewed_components([row], status)[0][0]] += 1
    return counts


@dataclass(frozen=True)
class SharedRelief:
    """The components claimed by two or more projects, pooled by claimant set, first due year and lifetime
    (their clearing is the same under every plan), for the optimiser's count-once rows.

    Attributes
    ----------
    relief_kr
        ``(K, T)``: ``ρ_t v_k`` — the debt cleared in year ``t`` (price base year kr) when pool ``k`` is cleared.
    cleared
        ``(P, T + 1, K, T)`` bool: project ``p`` completed at the end of year index ``c`` clears pool ``k`` in
        year ``t`` (``c = T``: after the plan).
    """

    relief_kr: FloatArray
    cleared: BoolArray


def shared_relief(data: MunicipalityData, policy: str | None = None) -> SharedRelief:
    """The :class:`SharedRelief` of the projects of sheet Projekt (no pools when no component is shared)."""
    status = component_status(data)
    years = np.asarray(data.years, dtype=np.int64)
    n_t = len(years)
    rows = data.projects.to_dict("records") if len(data.projects) else []
    claims = [renewed_components([r], status) for r in rows]
    counts = np.zeros(len(status), dtype=np.int64)
    for cl, _ in claims:
        counts[cl[0]] += 1
    shared_idx = np.flatnonzero(counts >= 2)
    if not shared_idx.size:
        return SharedRelief(np.zeros((0, n_t)), np.zeros((len(rows), n_t + 1, 0, n_t), dtype=bool))
    share, _ = policy_debt_share(data, policy, status)
    first = int(years[0])
    due = status["first_due_year"].to_numpy(dtype=np.int64)[shared_idx] - first
    life = status["lifetime_whole_years"].to_numpy(dtype=np.int64)[shared_idx]
    value = status["value_kr"].to_numpy(dtype=float)[shared_idx]
    members = [tuple(k for k, (cl, _) in enumerate(claims) if i in set(cl[0].tolist())) for i in shared_idx]
    keys = list(zip(members, np.maximum(due, 0).tolist(), life.tolist(), strict=True))
    pool: dict[tuple[Any, ...], int] = {}
    code = np.array([pool.setdefault(k, len(pool)) for k in keys], dtype=np.int64)
    n_k = len(pool)
    v_k = np.zeros(n_k)
    np.add.at(v_k, code, value)
    rep = np.array([int(np.flatnonzero(code == k)[0]) for k in range(n_k)])  # one component stands for its pool
    cleared = np.zeros((len(rows), n_t + 1, n_k, n_t), dtype=bool)
    for k_pool, (projects_k, _, _) in enumerate(pool):
        for p in projects_k:
            removes = bool(claims[p][1][0])
            for c in range(n_t):
                cleared[p, c, k_pool] = _clearing(due[rep[[k_pool]]], life[rep[[k_pool]]], removes, c, n_t)[0]
    return SharedRelief(v_k[:, None] * share[None, :], cleared)


def renewal_change(status: pd.DataFrame, claims: list[IntArray], removes: BoolArray, completion: IntArray,
                   years: IntArray, construction_index: FloatArray) -> tuple[FloatArray, FloatArray]:
    r"""How the projects change the reinvestment of the policy *behov* (every component renewed when due).

    Under *behov* component ``i`` (value ``v_i``, whole lifetime ``L_i``, due ``d_i``, overdue ones in the first
    plan year) is renewed in the years ``d_i + k L_i``. A project completed at the end of year ``c`` that claims
    it (:func:`renewed_components`) takes those renewals from year ``c`` on off the municipality's hands: for a
    closed or replaced facility for good; for a renewal (ombyggnad) the project renews the component itself, and
    it falls due again a lifetime later, in ``c + k L_i``, ``k ≥ 1``. Per project ``p`` (claims ``K_p``)::

        ΔR_{p,τ} = Σ_{i ∈ K_p} v_i ( [τ = c_p + k L_i, k ≥ 1, not removed] − [τ = d_i + k L_i, τ ≥ c_p] )

    (real kr; negative: renewal avoided) and the depreciation that goes with it, each krona spent in ``τ`` at the
    construction price index ``I_τ`` written off straight line over ``L_i`` from ``τ + 1`` (as
    :mod:`hushall.needs.reinvestment` capitalises reinvestment).

    Returns
    -------
    ``(spend (P, C, T) real kr, depreciation (P, C, T) nominal kr)`` per project and component type
    (``status["component_type"]`` coded in :data:`hushall.data.schema.COMPONENT_TYPES` order, unknown types as
    ``övrigt``).
    """
    n_t = len(years)
    types = list(COMPONENT_TYPES)
    n_types = len(types)
    life = np.maximum(status["lifetime_whole_years"].to_numpy(dtype=np.int64), 1)
    tcode = np.array([types.index(t) if t in types else types.index("övrigt") for t in status["component_type"]],
                     dtype=np.int64)
    tau = np.arange(n_t)
    idx = np.asarray(construction_index, dtype=float)
    lag = tau[None, :] - tau[:, None]  # t − τ
    spend = np.zeros((len(claims), n_types, n_t))
    dep = np.zeros((len(claims), n_types, n_t))
    for k, comps, delta in _renewal_deltas(status, claims, removes, completion, years):
        life_k = life[comps][:, None]
        kernel = np.where((lag[None] >= 1) & (lag[None] <= life_k[:, :, None]), 1.0 / life_k[:, :, None], 0.0)
        d_i = np.einsum("iu,u,iut->it", delta, idx, kernel)
        np.add.at(spend[k], tcode[comps], delta)
        np.add.at(dep[k], tcode[comps], d_i)
    return spend, dep


def _renewal_deltas(status: pd.DataFrame, claims: list[IntArray], removes: BoolArray, completion: IntArray,
                    years: IntArray) -> list[tuple[int, IntArray, FloatArray]]:
    """``(project, components, ΔR (n_i, T))`` of :func:`renewal_change` for every project that changes anything."""
    n_t = len(years)
    first = int(years[0])
    value = status["value_kr"].to_numpy(dtype=float)
    due = np.maximum(status["first_due_year"].to_numpy(dtype=np.int64) - first, 0)
    life = np.maximum(status["lifetime_whole_years"].to_numpy(dtype=np.int64), 1)
    t = np.arange(n_t)[None, :]
    out = []
    for k, comps in enumerate(claims):
        c = int(completion[k])
        if comps.size == 0 or c >= n_t:
            continue
        c = max(c, 0)
        v, d, life_k = value[comps][:, None], due[comps][:, None], life[comps][:, None]
        base = (t >= d) & ((t - d) % life_k == 0) & (t >= c)
        again = (t > c) & ((t - c) % life_k == 0) & ~removes[k]
        out.append((k, comps, v * (again.astype(float) - base.astype(float))))
    return out


def renewal_change_by_lifetime(status: pd.DataFrame, claims: list[IntArray], removes: BoolArray,
                               completion: IntArray, years: IntArray) -> tuple[IntArray, FloatArray]:
    r"""The spend of :func:`renewal_change` (real kr, the same ``ΔR_{p,τ}``) per project and whole lifetime
    instead of component type: ``(lifetimes (L,), spend (P, L, T))``. Its depreciation for any construction price
    index is the straight line of each lifetime (:func:`lifetime_depreciation`) — what a Monte Carlo draw with its
    own construction prices needs."""
    life = np.maximum(status["lifetime_whole_years"].to_numpy(dtype=np.int64), 1)
    lives = np.unique(life)
    spend = np.zeros((len(claims), len(lives), len(years)))
    for k, comps, delta in _renewal_deltas(status, claims, removes, completion, years):
        np.add.at(spend[k], np.searchsorted(lives, life[comps]), delta)
    return lives, spend


def lifetime_depreciation(spend_real: FloatArray, lives: IntArray, construction_index: FloatArray) -> FloatArray:
    r"""Depreciation ``(…, T)`` of renewal ``spend_real`` ``(…, L, T)`` (real kr per lifetime class ``lives``),
    capitalised at the end of the year at the construction price index ``(…, T)`` and written off straight line
    over its lifetime from the following year (RKR R4): ``dep_t = Σ_ℓ (S_{ℓ,t−1} − S_{ℓ,t−1−ℓ}) / ℓ`` with ``S``
    the running sum of the nominal spend.

    >>> lifetime_depreciation(np.array([[10.0, 0, 0, 0]]), np.array([2]), np.ones(4)).tolist()
    [0.0, 5.0, 5.0, 0.0]
    """
    nominal = np.asarray(spend_real, dtype=float) * np.asarray(construction_index, dtype=float)[..., None, :]
    n_t = nominal.shape[-1]
    run = np.concatenate([np.zeros((*nominal.shape[:-1], 1)), np.cumsum(nominal, axis=-1)], axis=-1)  # S_{t−1}
    out = np.zeros((*nominal.shape[:-2], n_t))
    t = np.arange(n_t)
    for k, life in enumerate(np.asarray(lives, dtype=np.int64)):
        lo = np.maximum(t - int(life), 0)
        out = out + (run[..., k, t] - run[..., k, lo]) / float(life)
    return out


def plan_renewal_change(data: MunicipalityData, schedule: Mapping[str, int], construction_index: FloatArray,
                        policy: str | RenewalPlan | None = None) -> tuple[FloatArray, FloatArray] | None:
    """The plan's change of the reinvestment, summed over its projects, ``(spend (C, T) real kr, depreciation
    (C, T) nominal kr)`` — :func:`renewal_change` — when the reinvestment policy is *behov* in every year; ``None``
    otherwise (under a frame the frame is spent anyway: what a project takes off it renews other components
    sooner, which :func:`plan_maintenance_debt` counts as less debt)."""
    if reinvestment_path(data, policy).policy != "behov" or not len(schedule) or not len(data.projects):
        return None
    status = component_status(data)
    years = np.asarray(data.years, dtype=np.int64)
    rows, completion = _plan_rows(data, schedule)
    claims, removes = renewed_components(rows, status)
    spend, dep = renewal_change(status, claims, removes, completion, years, construction_index)
    return spend.sum(axis=0), dep.sum(axis=0)


def _plan_rows(data: MunicipalityData, schedule: Mapping[str, int]) -> tuple[list[dict[str, Any]], IntArray]:
    """The plan's projects (rows of sheet Projekt, in the schedule's order) and their completion year indices."""
    records = data._cache.get("projects.maintenance.records")
    if not isinstance(records, dict):  # the sheet's rows by id, once per municipality (a forecast asks for them)
        records = {str(r["project_id"]): r for r in data.projects.to_dict("records")}
        data._cache["projects.maintenance.records"] = records
    first = int(np.asarray(data.years)[0])
    rows, completion = [], []
    for pid, start in schedule.items():
        row = records.get(str(pid))
        if row is not None:
            rows.append(row)
            completion.append(int(start) + int(row.get("duration_years") or 1) - 1 - first)
    return rows, np.asarray(completion, dtype=np.int64)


def plan_need_change(data: MunicipalityData, schedule: Mapping[str, int]) -> FloatArray:
    r"""``(T,)`` real kr: how the plan's projects change the renewal need, under every reinvestment policy.

    The renewal need ``N_t`` is what renewing every component when due would cost (the as-needed schedule of
    :mod:`hushall.needs.reinvestment`). A facility the plan closes or replaces needs no renewal from its
    project's completion year, and a component an ombyggnad renews falls due a lifetime after it: the plan's own
    need is ``N_t + Σ_p ΔR_{p,t}`` with ``ΔR`` the change of :func:`renewal_change` (negative: need taken over) —
    the same change the policy *behov* spends (:func:`plan_renewal_change`), so under *behov* the reinvestment
    is the plan's own need exactly. The reinvestment share of the verdict is taken of this need
    (:mod:`hushall.finance.verdict`): the need *with* the plan, not of the facilities it lets go.

    >>> from hushall.examples import exempelkommun
    >>> data = exempelkommun()
    >>> float(plan_need_change(data, {}).sum())
    0.0
    >>> bool(plan_need_change(data, {"P-20": 2027}).sum() < 0)   # P-20 sells a gym: its renewal need leaves
    True
    """
    n_t = len(data.years)
    if not len(schedule) or not len(data.projects) or not len(data.components):
        return np.zeros(n_t)
    status = component_status(data)
    rows, completion = _plan_rows(data, schedule)
    claims, removes = renewed_components(rows, status)
    out = np.zeros(n_t)
    for _, _, delta in _renewal_deltas(status, claims, removes, completion, np.asarray(data.years)):
        out += delta.sum(axis=0)
    return out


def project_renewal_change(data: MunicipalityData, construction_index: FloatArray, policy: str | None = None
                           ) -> tuple[FloatArray, FloatArray, list[list[str]]] | None:
    """Per project of sheet Projekt on its own and per completion year index ``c`` (``0 … T``, ``T``: after the
    plan): ``(spend (P, T + 1, T) real kr, depreciation (P, T + 1, T) nominal kr, facilities)`` —
    :func:`renewal_change` summed over component types — and the facilities whose renewal each project takes
    over; ``None`` unless the policy is *behov* (see :func:`plan_renewal_change`). The optimiser's column
    effects; exact for a plan in which no component is claimed by two chosen projects."""
    if reinvestment_path(data, policy).policy != "behov" or not len(data.projects):
        return None
    status = component_status(data)
    years = np.asarray(data.years, dtype=np.int64)
    n_t = len(years)
    rows = data.projects.to_dict("records")
    spend = np.zeros((len(rows), n_t + 1, n_t))
    dep = np.zeros((len(rows), n_t + 1, n_t))
    facilities: list[list[str]] = []
    fac = status["facility_id"].astype(str).to_numpy()
    for k, row in enumerate(rows):
        claims, removes = renewed_components([row], status)
        facilities.append(sorted(set(fac[claims[0]])) if claims[0].size else [])
        if not claims[0].size:
            continue
        for c in range(n_t):
            s_k, d_k = renewal_change(status, claims, removes, np.array([c]), years, construction_index)
            spend[k, c], dep[k, c] = s_k[0].sum(axis=0), d_k[0].sum(axis=0)
    return spend, dep, facilities


def renewal_taken_over(data: MunicipalityData, schedule: Mapping[str, int]) -> dict[str, tuple[float, list[str]]]:
    """Per project of the plan ``schedule`` that takes over components: ``(kr, facilities)`` — the renewal (real kr,
    over the plan) renewing its components as needed would cost from its completion year (:func:`renewal_change`,
    each project on its own, as :func:`project_renewal_change`) and the facilities they belong to. What a project
    takes off the municipality's hands whatever the reinvestment policy: under *behov* that money leaves the
    reinvestment; under a frame the frame renews other components instead (less maintenance debt)."""
    if not len(schedule) or not len(data.projects) or not len(data.components):
        return {}
    status = component_status(data)
    years = np.asarray(data.years, dtype=np.int64)
    ids = data.projects["project_id"].astype(str).tolist()
    fac = status["facility_id"].astype(str).to_numpy()
    chosen = [(pid, data.projects.iloc[ids.index(pid)].to_dict()) for pid in schedule if pid in ids]
    claims: list[IntArray] = []
    removes = np.zeros(len(chosen), dtype=bool)
    completion = np.zeros(len(chosen), dtype=np.int64)
    for k, (pid, row) in enumerate(chosen):
        c, r = renewed_components([row], status)
        claims.append(c[0])
        removes[k] = bool(r[0])
        completion[k] = int(schedule[pid]) + int(row.get("duration_years") or 1) - 1 - int(years[0])
    spend, _ = renewal_change(status, claims, removes, completion, years, np.ones(len(years)))
    return {pid: (float(-spend[k].sum()), sorted(set(fac[claims[k]])))
            for k, (pid, _row) in enumerate(chosen) if claims[k].size}


# -- renewal as a decision (the optimiser's renewal plan, replayed by the forecast) ------------------------------
@dataclass(frozen=True)
class RenewalGroups:
    r"""The components pooled for renewal decisions: one group per *claimant set* and whole lifetime.

    Components are pooled when the same projects of sheet Projekt claim them (:func:`renewed_components`, each
    project on its own) and they share their whole lifetime ``L_g``: renewing any krona of such a pool has the same
    money (straight line over ``L_g``) and the same fate under every plan, so the pool's totals are exact. The
    components no project claims form one pool per lifetime — the aggregation that keeps the optimiser's model
    small (Exempelkommun: 286 components in 243 facility × type × lifetime groups → a few dozen pools).

    Attributes
    ----------
    component_group
        ``(N,)`` pool of each component of :func:`hushall.needs.component_status` (its row order).
    lifetime_years, value_kr
        ``(G,)`` whole lifetime and value of each pool.
    due_kr
        ``(G, T)``: value falling due for the first time in each plan year if nothing were renewed (overdue
        components in the first plan year), ``D^0_{g,t}``.
    claimants
        Per pool, ``(project position in sheet Projekt, removes)``: the projects that claim it and whether they
        take it out of use (close, sell, replace) or renew it (ombyggnad).
    by_type
        ``(G, C)`` share of each component type (:data:`~hushall.data.schema.COMPONENT_TYPES`) in a pool's value.
    """

    component_group: IntArray
    lifetime_years: IntArray
    value_kr: FloatArray
    due_kr: FloatArray
    claimants: tuple[tuple[tuple[int, bool], ...], ...]
    by_type: FloatArray
    facilities: tuple[str, ...]

    @property
    def n_groups(self) -> int:
        return int(self.lifetime_years.size)


def renewal_groups(data: MunicipalityData) -> RenewalGroups:
    """The pools of :class:`RenewalGroups` for a municipality (cached on the data)."""
    cached = data._cache.get("projects.maintenance.renewal_groups")
    if isinstance(cached, RenewalGroups):
        return cached
    status = component_status(data)
    years = np.asarray(data.years, dtype=np.int64)
    n_t, first = years.size, int(years[0]) if years.size else 0
    rows = data.projects.to_dict("records") if len(data.projects) else []
    claimed_by: list[list[tuple[int, bool]]] = [[] for _ in range(len(status))]
    for k, row in enumerate(rows):
        claims, removes = renewed_components([row], status)
        for i in claims[0]:
            claimed_by[int(i)].append((k, bool(removes[0])))
    life = np.maximum(status["lifetime_whole_years"].to_numpy(dtype=np.int64), 1)
    keys = [(tuple(c), int(lt)) for c, lt in zip(claimed_by, life, strict=True)]
    order: dict[tuple[tuple[tuple[int, bool], ...], int], int] = {}
    group = np.array([order.setdefault(k, len(order)) for k in keys], dtype=np.int64)
    n_g = len(order)
    value = status["value_kr"].to_numpy(dtype=float)
    pos = np.maximum(status["first_due_year"].to_numpy(dtype=np.int64), first) - first
    due = np.zeros((n_g, n_t))
    inside = pos < n_t
    np.add.at(due, (group[inside], pos[inside]), value[inside])
    types = list(COMPONENT_TYPES)
    tcode = np.array([types.index(t) if t in types else types.index("övrigt") for t in status["component_type"]],
                     dtype=np.int64)
    by_type = np.zeros((n_g, len(types)))
    np.add.at(by_type, (group, tcode), value)
    g_value = by_type.sum(axis=1)
    by_type = np.divide(by_type, g_value[:, None], out=np.full_like(by_type, 1.0 / len(types)),
                        where=g_value[:, None] > 0)
    fac = status["facility_id"].astype(str).to_numpy()
    out = RenewalGroups(
        component_group=group,
        lifetime_years=np.array([k[1] for k in order], dtype=np.int64),
        value_kr=g_value,
        due_kr=due,
        claimants=tuple(k[0] for k in order),
        by_type=by_type,
        facilities=tuple(", ".join(sorted(set(fac[group == g]))) for g in range(n_g)),
    )
    data._cache["projects.maintenance.renewal_groups"] = out
    return out


def renewal_events(groups: RenewalGroups, completion: Mapping[int, int | IntArray], n_years: int
                   ) -> tuple[BoolArray, BoolArray, FloatArray]:
    r"""What the plan's projects do to the pools, per pool and plan year: ``(closed, renewed_by_project,
    due_change)``, each ``(…, G, T)``. ``completion``: project position in sheet Projekt → completion year index of
    the chosen ones — a whole number, or an array of them (one per draw: the leading axes ``…``).

    * a project that takes a pool out of use (closure, sale, a new facility replacing it), completed at the end of
      year ``c``: the pool is *closed* from ``c`` — nothing is renewed, its need and backlog are let go;
    * a project that renews a pool (ombyggnad): in year ``c`` it renews what waits (the backlog is cleared, the
      project pays it); the first dues after ``c`` are taken off (``due_change = −D^0``) and the pool's whole value
      falls due again a lifetime later, in ``c + L_g``. Renewals the plan made in the ``L_g`` years before ``c``
      still fall due a lifetime after they were made (conservative: an ombyggnad is not assumed to redo them).

    A completion at or after ``T`` (after the plan) does nothing.
    """
    n_g = groups.n_groups
    lead = np.broadcast_shapes(*(np.shape(c) for c in completion.values()))
    t = np.arange(n_years)
    closed = np.zeros((*lead, n_g, n_years), dtype=bool)
    renewed = np.zeros((*lead, n_g, n_years), dtype=bool)
    change = np.zeros((*lead, n_g, n_years))
    for g, claim in enumerate(groups.claimants):
        for p, removes in claim:
            if p not in completion:
                continue
            c = np.maximum(np.broadcast_to(np.asarray(completion[p], dtype=np.int64), lead), 0)[..., None]
            if removes:
                closed[..., g, :] |= (t >= c) & (c < n_years)
            else:
                renewed[..., g, :] |= t == c
                change[..., g, :] -= np.where(t > c, groups.due_kr[g], 0.0)
                change[..., g, :] += np.where(t == c + int(groups.lifetime_years[g]), groups.value_kr[g], 0.0)
    return closed, renewed, change


def renewal_backlog(groups: RenewalGroups, renewal_kr: FloatArray, completion: Mapping[int, int]) -> FloatArray:
    r"""The backlog ``b_{g,t}`` (real kr, end of each plan year) of every pool for given renewals ``r_{g,t}`` and
    the plan's projects (:func:`renewal_events`)::

        b_{g,t} = b_{g,t−1} + D^0_{g,t} + ΔD_{g,t} + r_{g,t−L_g} − r_{g,t}    (0 when closed or renewed by a project)

    The maintenance debt is ``Σ_g b_{g,t}``; the optimiser's rows (:mod:`hushall.optimize.renewal_decisions`)
    state the same recursion, so its debt equals this to the krona.

    >>> from types import SimpleNamespace
    >>> g = SimpleNamespace(n_groups=1, claimants=((),), due_kr=np.array([[10.0, 5.0, 0.0, 0.0]]),
    ...                     lifetime_years=np.array([2]), value_kr=np.array([15.0]))
    >>> renewal_backlog(g, np.array([[4.0, 0.0, 11.0, 0.0]]), {}).tolist()   # 4 renewed in year 0 is due again in 2
    [[6.0, 11.0, 4.0, 4.0]]
    """
    r = np.asarray(renewal_kr, dtype=float)
    closed, renewed, change = renewal_events(groups, completion, r.shape[1])
    return explicit_backlog(np.asarray(groups.due_kr, dtype=float) + change, groups.lifetime_years, r,
                            closed | renewed)


def renewal_plan(groups: RenewalGroups, renewal_kr: FloatArray) -> RenewalPlan:
    """The reinvestment policy (:class:`hushall.needs.reinvestment.RenewalPlan`) of renewals ``(G, T)`` of the
    pools ``groups``: what the forecast takes to replay the optimiser's plan."""
    return RenewalPlan(renewal_real_kr=np.asarray(renewal_kr, dtype=float), lifetime_years=groups.lifetime_years,
                       due_kr=groups.due_kr, by_type=groups.by_type)


def schedule_completion(data: MunicipalityData, schedule: Mapping[str, int]) -> dict[int, int]:
    """Project position in sheet Projekt → completion year index (end of its last construction year)."""
    ids = data.projects["project_id"].astype(str).tolist() if len(data.projects) else []
    first = int(np.asarray(data.years)[0])
    out = {}
    for pid, start in schedule.items():
        if pid in ids:
            k = ids.index(pid)
            out[k] = int(start) + int(data.projects.iloc[k].get("duration_years") or 1) - 1 - first
    return out
