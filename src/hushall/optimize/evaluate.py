"""What a plan achieves: value, penalties, every target and ceiling year by year, statements, places.

:func:`evaluate_plan` works for any plan — the optimiser's, the benefit/cost ranking's, or one with a project
forced in — by fixing its binaries and solving the LP that remains (:func:`hushall.optimize.solve.assign_solution`).
Every row of every target and ceiling is reported with its room (kr, or projects) and its violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hushall.optimize.model import MKR, BuiltModel
from hushall.optimize.renewal_decisions import renewal_table
from hushall.optimize.solve import PlanValues, assign_solution, x_objective_parts

FloatArray = NDArray[np.float64]

#: A row is binding when its room is at most this (kr; projects for the parallel ceiling: 1e-6).
BINDING_TOL_KR = 1.0


@dataclass
class PlanEvaluation:
    """One plan, evaluated."""

    x: FloatArray
    objective: float
    parts: dict[str, float]
    limits: pd.DataFrame  # one row per target/ceiling and year
    schedule: pd.DataFrame  # one row per chosen project
    finance: pd.DataFrame | None  # yearly statements of the financial block (kr)
    places: pd.DataFrame | None  # unmet places per service and year
    values: PlanValues = field(repr=False)
    relations_broken: list[str] = field(default_factory=list)
    #: With renewal decisions: the plan's renewal and backlog per pool and year
    #: (:func:`hushall.optimize.renewal_decisions.renewal_table`).
    renewal: pd.DataFrame | None = None

    @property
    def violations(self) -> pd.DataFrame:
        """The target and ceiling rows the plan violates (more than 0.5 kr, or any part of a project)."""
        v = self.limits
        bad = ((v["unit"] == "kr") & (v["violation"] > 0.5)) | ((v["unit"] != "kr") & (v["violation"] > 1e-6))
        return v[bad].reset_index(drop=True)

    @property
    def total_violation_kr(self) -> float:
        v = self.limits
        return float(v.loc[v["unit"] == "kr", "violation"].sum()) if len(v) else 0.0

    @property
    def meets_targets(self) -> bool:
        v = self.limits
        if not len(v):
            return True
        kr = (v["unit"] == "kr") & (v["violation"] > 0.5)
        count = (v["unit"] != "kr") & (v["violation"] > 1e-6)
        return not bool((kr | count).any())


def limit_table(bm: BuiltModel, pv: PlanValues, lp_row_dual: FloatArray | None = None) -> pd.DataFrame:
    """Every target and ceiling row: target, type, year, limit, value, room, violation (kr or projects) and the
    LP relaxation's shadow price (points per Mkr or per project)."""
    p = bm.problem
    frames = []
    arrays = bm.lm.arrays()
    for lim in bm.limits:
        blk = bm.lm.constraints[lim.name]
        act = pv.row_activity[blk.start:blk.stop].copy()
        slack = np.zeros(blk.size)
        if lim.slack is not None:
            slack = pv.solution[lim.slack.start:lim.slack.stop]
            act = act - (slack if lim.sense == "ge" else -slack)
        arr_lo = arrays["row_lower"][blk.start:blk.stop]
        arr_up = arrays["row_upper"][blk.start:blk.stop]
        rhs = arr_lo if lim.sense == "ge" else arr_up
        room = (act - rhs) if lim.sense == "ge" else (rhs - act)
        dual = (np.abs(lp_row_dual[blk.start:blk.stop]) if lp_row_dual is not None else np.full(blk.size, np.nan))
        frames.append(pd.DataFrame({
            "target_id": lim.target_id,
            "target_type": lim.target_type,
            "kind": lim.kind,
            "label": lim.label,
            "year": p.years[lim.row_years],
            "sense": ">=" if lim.sense == "ge" else "<=",
            "lhs": act * lim.scale,
            "rhs": rhs * lim.scale,
            "room": room * lim.scale,
            "violation": np.maximum(slack * lim.scale, np.maximum(-room * lim.scale, 0.0)),
            "unit": lim.unit,
            "shadow_price_points": dual,
            "block": lim.name,
        }))
    if not frames:
        return pd.DataFrame(columns=["target_id", "target_type", "kind", "label", "year", "sense", "lhs", "rhs",
                                     "room", "violation", "unit", "shadow_price_points", "block"])
    out = pd.concat(frames, ignore_index=True)
    tol = np.where(out["unit"] == "kr", BINDING_TOL_KR, 1e-6)
    tight = out["room"].to_numpy() <= tol
    # the exact balanskrav row (deficits of the last three years cover the unrestored ones) has no room whenever
    # there is no deficit at all: there it binds only with a deficit in its window (or an LP shadow price)
    for lim in bm.limits:
        deficit = bm.lm.variables.get(f"balanskrav:{lim.name.rsplit('balanskrav', 1)[-1]}:deficit") \
            if lim.target_type == "balanskrav" else None
        if deficit is None:
            continue
        d = pv.solution[deficit.start:deficit.stop] * lim.scale
        window = d + np.concatenate([[0.0], d[:-1]]) + np.concatenate([[0.0, 0.0], d[:-2]])
        rows = np.flatnonzero(out["block"].to_numpy() == lim.name)
        tight[rows] &= window[lim.row_years] > BINDING_TOL_KR
    binding = tight | (out["shadow_price_points"].fillna(0.0).to_numpy() > 1e-9)
    out["binding"] = binding & ~_debt_covered_by_cash(bm, pv, out)
    return out


def _debt_covered_by_cash(bm: BuiltModel, pv: PlanValues, rows: pd.DataFrame) -> NDArray[np.bool_]:
    """Rows of a debt target (``låneskuld_per_invånare``) in a year when the plan's cash is at least its debt:
    such a target never binds — the municipality could repay the debt at once, so it is no reason to postpone a
    project (and under the treasury rule, cash above the liquidity target repays debt)."""
    fb = bm.problem.finance
    out = np.zeros(len(rows), dtype=bool)
    if fb is None or not len(rows) or f"fin:{fb.debt}" not in bm.lm.variables:
        return out
    debt_blk, cash_blk = bm.lm.variables[f"fin:{fb.debt}"], bm.lm.variables[f"fin:{fb.cash}"]
    covered = pv.solution[cash_blk.start:cash_blk.stop] >= pv.solution[debt_blk.start:debt_blk.stop]
    t = np.searchsorted(bm.problem.years, rows["year"].to_numpy())
    debt_rows = (rows["target_type"] == "låneskuld_per_invånare").to_numpy()
    out[debt_rows] = covered[t[debt_rows]]
    return out


def schedule_table(bm: BuiltModel, x: FloatArray) -> pd.DataFrame:
    p = bm.problem
    j = np.flatnonzero(np.asarray(x) > 0.5)
    proj = p.col_project[j]
    d = p.duration[proj]
    ws = p.weighted_score[proj]
    return pd.DataFrame({
        "project": p.project_ids[proj],
        "name": p.project_names[proj],
        "start_year": p.years[p.col_start[j]],
        "in_use_year": p.years[0] + p.col_start[j] + d,
        "cost_kr": p.cost_kr[proj],
        "weighted_score": ws,
        "value": p.value[j],
        "maintenance_debt_avoided_kr": p.debt_relief_kr[j],
        "renewal_avoided_kr": np.asarray(p.effect("renewal_avoided")[j].sum(axis=1)).ravel(),
        "renewal_avoided_facilities": [p.renewal_facilities[q] if q < len(p.renewal_facilities) else ""
                                       for q in proj],
        "must_do": p.must_do[proj],
    }).sort_values(["start_year", "project"]).reset_index(drop=True)


def finance_table(bm: BuiltModel, pv: PlanValues) -> pd.DataFrame | None:
    fb = bm.problem.finance
    if fb is None:
        return None
    data = {}
    for v in fb.variables:
        blk = bm.lm.variables[f"fin:{v}"]
        data[v] = pv.solution[blk.start:blk.stop] * MKR
    for g in ("invest_nominal", "depreciation", "operating_cost", "expensed", "sale_proceeds"):
        agg = bm.lm.variables.get(f"agg:{g}")
        if agg is not None:
            data[g] = pv.solution[agg.start:agg.stop] * MKR
    return pd.DataFrame(data, index=pd.Index(bm.problem.years, name="year"))


def places_table(bm: BuiltModel, pv: PlanValues) -> pd.DataFrame | None:
    cb = bm.problem.capacity
    if cb is None or "unmet" not in bm.lm.variables:
        return None
    t_count = bm.problem.n_years
    u = bm.lm.variables["unmet"]
    unmet = pv.solution[u.start:u.stop].reshape(cb.n_demand, t_count)
    frame = pd.DataFrame({
        "district": np.repeat(cb.demand_district, t_count),
        "service": np.repeat(cb.demand_service, t_count),
        "year": np.tile(bm.problem.years, cb.n_demand),
        "demand": cb.demand.reshape(-1),
        "unmet": unmet.reshape(-1),
    })
    return frame


def relations_broken(bm: BuiltModel, x: FloatArray) -> list[str]:
    """The relations a plan breaks, in words (must-do left out, a project twice, alternatives together, a
    project started before the one it depends on is complete)."""
    p = bm.problem
    x = np.asarray(x, dtype=float)
    out = []
    count = np.bincount(p.col_project, weights=x, minlength=p.n_projects)
    has_cols = np.bincount(p.col_project, minlength=p.n_projects) > 0
    for q in np.flatnonzero(p.must_do & has_cols & (count < 0.5)):
        out.append(f"{p.project_ids[q]} måste genomföras men saknas i planen")
    for q in np.flatnonzero(count > 1.5):
        out.append(f"{p.project_ids[q]} startar mer än en gång")
    for g in np.unique(p.exclusive_group[p.exclusive_group >= 0]):
        members = np.flatnonzero((p.exclusive_group == g) & (count > 0.5))
        if len(members) > 1:
            out.append("alternativen " + " och ".join(str(p.project_ids[q]) for q in members) + " valda samtidigt")
    chosen = np.flatnonzero(x > 0.5)
    start = {int(p.col_project[j]): int(p.col_start[j]) for j in chosen}
    completion = p.completion  # a computed array: once, not per project
    done = {int(p.col_project[j]): int(completion[j]) for j in chosen}
    for b, s in start.items():
        a = int(p.depends_on[b])
        if a >= 0 and (a not in done or done[a] > s):
            out.append(f"{p.project_ids[b]} startar innan {p.project_ids[a]} är klart")
    return out


def evaluate_plan(bm: BuiltModel, x: FloatArray, lp_row_dual: FloatArray | None = None,
                  reduced: bool = False, renewal_kr: FloatArray | None = None) -> PlanEvaluation:
    """Evaluate a 0/1 plan (one entry per column of the problem); relations it breaks are listed in
    ``relations_broken`` (the plan is still evaluated). ``reduced``: solve the write-back LP without its fixed
    columns (:func:`hushall.optimize.solve.assign_solution`; the same LP, faster on large models).
    ``renewal_kr``: with renewal decisions, the renewal ``(G, T)`` the plan keeps (as far as its events allow;
    the ranking lists' policy renewal, :func:`hushall.optimize.ranking.list_renewal`) instead of its best."""
    pv = assign_solution(bm, np.asarray(x, dtype=float), reduced=reduced, renewal_kr=renewal_kr)
    return PlanEvaluation(
        x=np.asarray(x, dtype=float),
        objective=pv.objective,
        parts=x_objective_parts(bm, pv),
        limits=limit_table(bm, pv, lp_row_dual),
        schedule=schedule_table(bm, x),
        finance=finance_table(bm, pv),
        places=places_table(bm, pv),
        values=pv,
        relations_broken=relations_broken(bm, x),
        renewal=None if pv.renewal is None else renewal_table(bm, *pv.renewal),
    )


def violation_records(limits: pd.DataFrame) -> list[dict[str, Any]]:
    """The violated rows as plain dicts (target, type, year, violation in kr or projects)."""
    bad = ((limits["unit"] == "kr") & (limits["violation"] > 0.5)) | ((limits["unit"] != "kr")
                                                                      & (limits["violation"] > 1e-6))
    v = limits[bad]
    return [{"target": str(r.target_id), "target_type": str(r.target_type), "year": int(r.year),
             "violation": float(r.violation), "unit": str(r.unit), "label": str(r.label)}
            for r in v.itertuples(index=False)]
