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

from hushall.model import MunicipalityData
from hushall.needs.reinvestment import reinvestment_path
from hushall.needs.renewal import component_status, maintenance_debt_totals
from hushall.projects.catalog import project_defaults

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def renewed_components(rows: list[dict[str, Any]], status: pd.DataFrame) -> tuple[list[IntArray], BoolArray]:
    """Components each project renews (positions in ``status``, :func:`component_status`) and whether it removes
    them for good. ``förnyar_komponenter`` lists component ids, or component types at the project's facility;
    without a list an ombyggnad renews its facility; avveckling and försäljning remove it. A component is
    claimed by the first project that names it."""
    removing = set(project_defaults()["not_capitalised"]["values"])
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
        if ptype in removing and facility:
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
