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
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hushall.data.defaults import load as load_defaults
from hushall.data.schema import COMPONENT_TYPES
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import reinvestment_path
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
    t = np.arange(n_t)
    c = np.arange(n_t + 1)
    relief = np.zeros((len(rows), n_t + 1, n_t))
    for k, comps in enumerate(claims):
        if comps.size == 0:
            continue
        d_i = (due[comps] - first)[None, :, None]
        end = np.full(comps.size, np.iinfo(np.int64).max // 4) if removes[k] else life[comps]
        cc = c[:, None, None]
        mask = (t[None, None, :] >= np.maximum(d_i, cc)) & (t[None, None, :] < cc + end[None, :, None])
        mask &= cc < n_t
        relief[k] = np.einsum("ni,cit->ct", value[comps][None, :], mask.astype(float))
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
                          policy: str | None = None) -> FloatArray:
    """The maintenance debt at the end of each plan year (price base year kr) under the reinvestment policy and
    the plan ``schedule`` (project id → start year)."""
    status = component_status(data)
    share, nothing = policy_debt_share(data, policy, status)
    years = np.asarray(data.years, dtype=np.int64)
    projects = data.projects
    if not len(schedule) or not len(projects):
        return share * nothing
    ids = projects["project_id"].astype(str).tolist()
    rows, completion = [], []
    for pid, start in schedule.items():
        if pid not in ids:
            continue
        row = projects.iloc[ids.index(pid)].to_dict()
        duration = int(row.get("duration_years") or 1)
        rows.append(row)
        completion.append(int(start) + duration - 1 - int(years[0]))
    relief = debt_relief(rows, status, years)
    n_t = len(years)
    cleared = sum((relief[k, min(max(c, 0), n_t)] for k, c in enumerate(completion)), start=np.zeros(n_t))
    return share * np.maximum(nothing - cleared, 0.0)


def project_relief(data: MunicipalityData, policy: str | None = None) -> FloatArray:
    """``ρ_t · R^0[p, c, t]`` for every project of sheet Projekt on its own, shape ``(P, T + 1, T)``: the
    maintenance debt (price base year kr) project ``p`` clears in year index ``t`` under the reinvestment policy
    when completed at the end of year index ``c`` (``c = T``: after the plan). The plan's debt is the policy's
    less the sum over its projects, ``B_t = ρ_t N_t − Σ_p ρ_t R^0[p, c_p, t]`` — linear in the plan, which is
    how the optimiser states the maintenance-debt targets. It equals :func:`plan_maintenance_debt` when no
    component is claimed by two chosen projects (each project here claims its components on its own, so that
    alternatives for the same facility each carry their relief)."""
    status = component_status(data)
    share, _ = policy_debt_share(data, policy, status)
    years = np.asarray(data.years, dtype=np.int64)
    rows = data.projects.to_dict("records")
    out = np.zeros((len(rows), len(years) + 1, len(years)))
    if not len(status):
        return out
    for k, row in enumerate(rows):
        out[k] = debt_relief([row], status, years)[0]
    return out * share[None, None, :]


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
    out = np.zeros(nominal.shape[:-2] + (n_t,))
    t = np.arange(n_t)
    for k, life in enumerate(np.asarray(lives, dtype=np.int64)):
        lo = np.maximum(t - int(life), 0)
        out = out + (run[..., k, t] - run[..., k, lo]) / float(life)
    return out


def plan_renewal_change(data: MunicipalityData, schedule: Mapping[str, int], construction_index: FloatArray,
                        policy: str | None = None) -> tuple[FloatArray, FloatArray] | None:
    """The plan's change of the reinvestment, summed over its projects, ``(spend (C, T) real kr, depreciation
    (C, T) nominal kr)`` — :func:`renewal_change` — when the reinvestment policy is *behov* in every year; ``None``
    otherwise (under a frame the frame is spent anyway: what a project takes off it renews other components
    sooner, which :func:`plan_maintenance_debt` counts as less debt)."""
    if reinvestment_path(data, policy).policy != "behov" or not len(schedule) or not len(data.projects):
        return None
    status = component_status(data)
    years = np.asarray(data.years, dtype=np.int64)
    projects = data.projects
    ids = projects["project_id"].astype(str).tolist()
    rows, completion = [], []
    for pid, start in schedule.items():
        if pid in ids:
            row = projects.iloc[ids.index(pid)].to_dict()
            rows.append(row)
            completion.append(int(start) + int(row.get("duration_years") or 1) - 1 - int(years[0]))
    claims, removes = renewed_components(rows, status)
    spend, dep = renewal_change(status, claims, removes, np.asarray(completion, dtype=np.int64), years,
                                construction_index)
    return spend.sum(axis=0), dep.sum(axis=0)


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
