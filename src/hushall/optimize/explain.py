r"""Why the plan looks as it does.

* **Binding targets and ceilings**: every target and ceiling row with no room left in the plan (or with a shadow
  price in the LP relaxation), year by year.
* **What one more Mkr of room is worth**: the LP relaxation's shadow price of the row (points per Mkr, and in kr
  through ``kr_per_point``); exactly, with the plan's projects and start years held (:func:`held_plan_gains`:
  what the reinvestment and the financing alone make of the room); and — for small models or when asked — the
  answer of the MILP re-solved with the row loosened by 1 Mkr (one project for the parallel ceiling).
* **Projects left out or postponed**: what forcing each in (or to its earliest start) costs in value — the MILP
  re-solved with the project forced — and which targets and ceilings the optimised plan with the project added
  unchanged would break, in which year, by how much.
* **How exact a re-solved value is**: a re-solved value is a difference of two optima, each known only within its
  solver's gap. With the plan's value :math:`v` and best bound :math:`B` (:math:`v \le z^* \le B`) and the
  re-solve's :math:`v'` and :math:`B'` (:math:`v' \le z' \le B'`), the value of more room lies in

  .. math:: z' - z^* \in [\max(v' - B, 0),\ B' - v]

  (more room loses nothing), and the cost of forcing a project in, :math:`z^* - z'`, in
  :math:`[\max(v - B', 0),\ B - v']`. Both ends are kept (``*_low_*``, ``*_high_*``); the value is exact only
  where they meet. With the example's plan proven within 0.1 % the interval is about 0.04 points wide — wider
  than the shadow prices of its binding rows (0.001–0.008 points per Mkr) — so those are stated as intervals.
* **No plan meets the targets**: the smallest violation (elastic slack, target by target and year by year) and
  the plan that achieves it.
"""

from __future__ import annotations

import time
from typing import Any

import highspy
import numpy as np
import pandas as pd

from hushall.formatting import fmt_mkr, fmt_pct
from hushall.optimize.evaluate import PlanEvaluation, evaluate_plan, violation_records
from hushall.optimize.linear import highs_from_arrays, without_fixed
from hushall.optimize.model import BuiltModel
from hushall.optimize.renewal_decisions import warm_renewal_lps
from hushall.optimize.solve import SolveOutcome, run_mip


def _resolve(bm: BuiltModel, *, row_lower: dict[int, float] | None = None, row_upper: dict[int, float] | None = None,
             col_upper_zero: np.ndarray | None = None, x_start: np.ndarray | None = None, time_limit: float = 5.0,
             mip_gap: float = 1e-4, deadline: float = float("inf")) -> tuple[float, float, np.ndarray | None, str]:
    """Re-solve the MILP with some bounds changed; (objective, bound, plan, status). Nothing is solved once the
    ``deadline`` (``time.perf_counter()``) has passed (status "budget")."""
    left = deadline - time.perf_counter()
    if left <= 0.2:
        return float("-inf"), float("inf"), None, "budget"
    time_limit = min(time_limit, left)
    arr = dict(bm.lm.arrays())
    rl, ru = arr["row_lower"].copy(), arr["row_upper"].copy()
    for i, v in (row_lower or {}).items():
        rl[i] = v
    for i, v in (row_upper or {}).items():
        ru[i] = v
    cu = arr["col_upper"].copy()
    if col_upper_zero is not None and len(col_upper_zero):
        cu[bm.x.start + np.asarray(col_upper_zero)] = 0.0
    arr.update(row_lower=rl, row_upper=ru, col_upper=cu)
    run = run_mip(bm, arr, time_limit=time_limit, mip_gap=mip_gap, x_start=x_start)
    return run.objective, run.bound, run.x, run.status


def gain_interval(resolved: float, resolved_bound: float, plan: float, plan_bound: float) -> tuple[float, float]:
    """What loosening a row is worth, :math:`z' - z^*`, as an interval (module docstring): the re-solve's value
    and bound against the plan's value and bound.

    Examples
    --------
    >>> [round(v, 6) for v in gain_interval(41.0, 41.5, 40.9, 41.2)]  # neither proven: nothing to 0.6 points
    [0.0, 0.6]
    >>> [round(v, 6) for v in gain_interval(41.0, 41.0, 40.9, 40.9)]  # both optimal: exactly 0.1
    [0.1, 0.1]
    """
    low = max(resolved - plan_bound, 0.0)
    return low, max(resolved_bound - plan, low)


def cost_interval(resolved: float, resolved_bound: float, plan: float, plan_bound: float) -> tuple[float, float]:
    """What forcing a project in costs, :math:`z^* - z'`, as an interval (module docstring).

    Examples
    --------
    >>> [round(v, 6) for v in cost_interval(39.0, 39.4, 40.9, 41.2)]
    [1.5, 2.2]
    """
    low = max(plan - resolved_bound, 0.0)
    return low, max(plan_bound - resolved, low)


#: HiGHS's tolerances for the LPs of :func:`held_plan_gains` (0.001 kr on an Mkr scale): the gains it states
#: exactly are down to a thousandth of a point.
HELD_LP_OPTIONS = {"primal_feasibility_tolerance": 1e-9, "dual_feasibility_tolerance": 1e-9}


def held_plan_gains(bm: BuiltModel, evaluation: PlanEvaluation, loosened: list[tuple[int, float, float]], *,
                    deadline: float = float("inf")) -> tuple[float | None, list[float | None]]:
    r"""What loosening each row is worth with the plan's projects and start years held — exactly.

    Every integer of the model is fixed as in the plan's write-back :math:`\bar x` (its start-year columns, the
    "started by" indicators, the treasury's and the balanskrav's indicators); what remains is an LP over the
    reinvestment, the borrowing, the repayment and the places' flows:

    .. math::

        h(l, u) = \max \{ c^\top x : l \le Ax \le u,\ x_I = \bar x_I \}, \qquad
        g_i = h(l^{(i)}, u^{(i)}) - h(l, u) \ge 0,

    with :math:`(l^{(i)}, u^{(i)})` the bounds with row :math:`i` loosened (``loosened``: ``(row, lower, upper)``
    per row). Both are LP optima (tolerances :data:`HELD_LP_OPTIONS`), so :math:`g_i` is exact — not an estimate
    and not an interval: what one more Mkr of room gives when only the money may move. Every solution of the
    loosened LP is a plan of the loosened MILP, so when the plan is optimal :math:`g_i` is also a lower bound on
    the MILP's gain (the projects re-planned can only add to it), and :math:`h(l, u) + g_i` is the value of a plan
    of the loosened MILP whatever the plan (:func:`marginal_values` takes it into a re-solve's interval). With
    reinvestment decisions the gain is reinvestment moved earlier, less maintenance debt (Exempelkommun,
    resultatmålet 2030: 0.033 points, where the LP relaxation's shadow price, with projects split, is 0).

    The LP is solved without its fixed columns (:func:`~hushall.optimize.linear.without_fixed`), once, and
    each loosened row from the last basis (one HiGHS instance, the row's bounds changed and put back). A row with
    no column left is over fixed columns alone: more room there changes nothing (0). Returns :math:`h(l, u)` and
    the gains; ``None`` for every row when the held LP does not solve to optimality, and for the rows not reached
    by the ``deadline`` (``time.perf_counter()``; each LP is given what is left of it as its time limit).
    """
    out: list[float | None] = [None] * len(loosened)
    if not loosened or time.perf_counter() >= deadline:
        return None, out
    arr = dict(bm.lm.arrays())
    integer = np.flatnonzero(arr["integer"])
    held = np.round(np.asarray(evaluation.values.solution, dtype=float)[integer])
    lo, up = arr["col_lower"].copy(), arr["col_upper"].copy()
    lo[integer] = up[integer] = held
    reduced = without_fixed({**arr, "col_lower": lo, "col_upper": up}, offset=bm.lm.offset)

    def left() -> float:  # each LP within what is left of the explanations' time (large models)
        return float(min(max(deadline - time.perf_counter(), 0.05), 1e6))

    h = highs_from_arrays(reduced.arrays, sense="max", offset=reduced.offset, relax=True,
                          options={**HELD_LP_OPTIONS, "time_limit": left()})
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, out
    base = float(h.getInfo().objective_function_value)
    shift = reduced.shift
    rl, ru = reduced.arrays["row_lower"], reduced.arrays["row_upper"]
    for k, (row, lower, upper) in enumerate(loosened):
        if time.perf_counter() >= deadline:
            break
        pos = int(np.searchsorted(reduced.rows, row))
        if pos >= reduced.rows.size or reduced.rows[pos] != row:
            out[k] = 0.0  # over fixed columns alone
            continue
        h.changeRowBounds(pos, float(lower - shift[row]), float(upper - shift[row]))
        h.setOptionValue("time_limit", h.getRunTime() + left())  # HiGHS counts the instance's time, all runs
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            out[k] = max(float(h.getInfo().objective_function_value) - base, 0.0)
        h.changeRowBounds(pos, float(rl[pos]), float(ru[pos]))
    return base, out


def _kr(points: float | None, kr_per_point: float) -> float | None:
    """Points in kr (``None`` stays ``None``)."""
    return None if points is None else points * kr_per_point


def binding_rows(evaluation: PlanEvaluation) -> pd.DataFrame:
    lim = evaluation.limits
    return lim[lim["binding"]].reset_index(drop=True) if len(lim) else lim


def marginal_values(bm: BuiltModel, evaluation: PlanEvaluation, *, resolve: bool, max_rows: int,
                    time_limit: float, deadline: float = float("inf"), plan_bound: float | None = None
                    ) -> list[dict[str, Any]]:
    """For each binding row: the value of one more Mkr of room (one more project for the parallel ceiling): the
    LP relaxation's shadow price (``lp_value_points``); for a row in kr, exactly with the plan's projects and
    start years held (:func:`held_plan_gains`, ``held_value_points``); and re-solved (``resolve``, the first
    ``max_rows``): the re-solved plan's gain over the plan (``resolved_value_points``) and the interval the true
    value lies in (:func:`gain_interval`, ``resolved_low_points`` … ``resolved_high_points``; the plan's best
    bound ``plan_bound`` defaults to its value, i.e. a plan proven optimal)."""
    plan_bound = evaluation.objective if plan_bound is None else max(plan_bound, evaluation.objective)
    rows = binding_rows(evaluation)
    # a violated row is explained by the infeasibility report: each Mkr of room there removes 1 Mkr of violation
    rows = rows[rows["violation"] <= np.where(rows["unit"] == "kr", 0.5, 1e-6)]
    kpp = bm.problem.kr_per_point
    out: list[dict[str, Any]] = []
    if not len(rows):
        return out
    rows = rows.assign(_order=-rows["shadow_price_points"].fillna(0.0)).sort_values("_order", kind="stable")
    loosened = [_loosened_row(bm, r.block, int(r.year)) for r in rows.itertuples(index=False)]
    in_kr = [k for k, r in enumerate(rows.itertuples(index=False)) if r.unit == "kr"]
    # with the projects held, one more project in parallel is worth nothing by definition: rows in kr only
    held_base, gains = held_plan_gains(bm, evaluation, [loosened[k] for k in in_kr], deadline=deadline)
    held = dict(zip(in_kr, gains, strict=True))
    for k, r in enumerate(rows.itertuples(index=False)):
        unit_mkr = r.unit == "kr"
        lp_value = float(r.shadow_price_points) if pd.notna(r.shadow_price_points) else None
        rec: dict[str, Any] = {
            "target": r.target_id, "target_type": r.target_type, "year": int(r.year), "label": r.label,
            "room": float(r.room), "unit": r.unit, "step": "1 Mkr" if unit_mkr else "1 projekt",
            "lp_value_points": lp_value,
            "lp_value_kr": _kr(lp_value, kpp),
            "held_value_points": held.get(k),
            "held_value_kr": _kr(held.get(k), kpp),
        }
        if resolve and k < max_rows:
            i, lower, upper = loosened[k]
            obj, bound, x_new, status = _resolve(bm, row_lower={i: lower}, row_upper={i: upper},
                                                 x_start=evaluation.x, time_limit=time_limit, deadline=deadline)
            gain = obj - evaluation.objective if np.isfinite(obj) and status != "budget" else None
            # one column per (project, start): the chosen columns count the plan's projects
            added = (None if gain is None or x_new is None
                     else int((np.asarray(x_new) > 0.5).sum() - (np.asarray(evaluation.x) > 0.5).sum()))
            # the held LP's plan with the row loosened is a plan of the re-solved MILP too
            held_gain = held.get(k)
            known = obj if held_base is None or held_gain is None else max(obj, held_base + held_gain)
            low, high = ((None, None) if gain is None
                         else gain_interval(known, max(bound, known), evaluation.objective, plan_bound))
            found = None if gain is None else max(gain, 0.0)
            rec.update(resolved_value_points=found, resolved_value_kr=_kr(found, kpp), resolve_status=status,
                       resolved_low_points=low, resolved_high_points=high,
                       resolved_low_kr=_kr(low, kpp), resolved_high_kr=_kr(high, kpp),
                       resolved_projects_added=added)
        out.append(rec)
    return out


def _loosened_row(bm: BuiltModel, block: str, year: int, step: float = 1.0) -> tuple[int, float, float]:
    """The row of target or ceiling ``block`` in ``year`` and its bounds loosened by ``step`` model units (Mkr, or
    one project for the parallel ceiling): ``(row, lower, upper)``."""
    blk = bm.lm.constraints[block]
    lim = bm.limit(block)
    local = int(np.flatnonzero(lim.row_years == np.flatnonzero(bm.problem.years == year)[0])[0])
    i = blk.start + local
    arr = bm.lm.arrays()
    lower, upper = float(arr["row_lower"][i]), float(arr["row_upper"][i])
    return (i, lower - step, upper) if lim.sense == "ge" else (i, lower, upper + step)


def _earliest_column(bm: BuiltModel, q: int, before_start: int | None = None) -> int | None:
    p = bm.problem
    cols = np.flatnonzero(p.col_project == q)
    if before_start is not None:
        cols = cols[p.col_start[cols] < before_start]
    if not cols.size:
        return None
    return int(cols[np.argmin(p.col_start[cols])])


def project_explanations(bm: BuiltModel, evaluation: PlanEvaluation, *, max_projects: int, time_limit: float,
                         resolve: bool, deadline: float = float("inf"), plan_bound: float | None = None
                         ) -> list[dict[str, Any]]:
    """For projects left out or started later than their earliest start: the cost of forcing them in (earlier)
    — what the re-solve found (``cost_of_forcing_points``) and the interval the true cost lies in
    (:func:`cost_interval`, ``cost_of_forcing_low_points`` … ``cost_of_forcing_high_points``) — and what adding
    them to the plan unchanged would break."""
    p = bm.problem
    plan_bound = evaluation.objective if plan_bound is None else max(plan_bound, evaluation.objective)
    x = evaluation.x
    chosen_col = np.full(p.n_projects, -1, dtype=np.int64)
    j = np.flatnonzero(x > 0.5)
    chosen_col[p.col_project[j]] = j
    first_start = np.full(p.n_projects, np.iinfo(np.int64).max)
    np.minimum.at(first_start, p.col_project, p.col_start)
    cands = []
    for q in range(p.n_projects):
        if first_start[q] == np.iinfo(np.int64).max:
            continue
        if chosen_col[q] < 0:
            cands.append((q, "utelämnat"))
        elif p.col_start[chosen_col[q]] > first_start[q]:
            cands.append((q, "senarelagt"))
    cands.sort(key=lambda c: -float(p.weighted_score[c[0]]))
    base_viol = {(v["target"], v["year"]): v["violation"] for v in violation_records(evaluation.limits)}
    start_once = bm.lm.constraints["start_once"]
    out = []
    with warm_renewal_lps(bm):  # one plan after another: each LP from the last one's basis
        for q, kind in cands[:max_projects]:
            rec = _project_explanation(bm, evaluation, q, kind, chosen_col, first_start, base_viol, start_once,
                                       time_limit=time_limit, resolve=resolve, deadline=deadline,
                                       plan_bound=plan_bound)
            if rec is not None:
                out.append(rec)
    return out


def _project_explanation(bm: BuiltModel, evaluation: PlanEvaluation, q: int, kind: str, chosen_col: np.ndarray,
                         first_start: np.ndarray, base_viol: dict[tuple[str, int], float], start_once: Any, *,
                         time_limit: float, resolve: bool, deadline: float, plan_bound: float
                         ) -> dict[str, Any] | None:
    """One project of :func:`project_explanations` (``None`` when it has no column to force it in with)."""
    p = bm.problem
    x = evaluation.x
    rec: dict[str, Any] = {"project": str(p.project_ids[q]), "name": str(p.project_names[q]), "status": kind,
                           "weighted_score": float(p.weighted_score[q]), "cost_kr": float(p.cost_kr[q]),
                           "earliest_start": int(p.years[first_start[q]])}
    x_add = x.copy()
    notes = []
    if kind == "utelämnat":
        col = _earliest_column(bm, q)
    else:
        rec["chosen_start"] = int(p.years[p.col_start[chosen_col[q]]])
        col = _earliest_column(bm, q)
        x_add[chosen_col[q]] = 0.0
    if col is None:
        return None
    g = p.exclusive_group[q]
    if g >= 0:
        partners = np.flatnonzero((p.exclusive_group[p.col_project] == g) & (x_add > 0.5))
        for jj in partners:
            notes.append(f"ersätter {p.project_ids[p.col_project[jj]]} (alternativ)")
        x_add[partners] = 0.0
    a = p.depends_on[q]
    if a >= 0 and chosen_col[a] < 0:
        ca = _earliest_column(bm, int(a))
        if ca is not None:
            x_add[ca] = 1.0
            notes.append(f"kräver {p.project_ids[a]}")
    x_add[col] = 1.0
    rec["forced_start"] = int(p.years[p.col_start[col]])
    ev = evaluate_plan(bm, x_add, reduced=True)
    breaks = []
    for v in violation_records(ev.limits):
        extra = v["violation"] - base_viol.get((v["target"], v["year"]), 0.0)
        if extra > (0.5 if v["unit"] == "kr" else 1e-6):
            breaks.append({**v, "violation": extra})
    rec["breaks_if_added"] = breaks
    # a relation the change breaks (started before what it depends on is complete) is why, whatever its value
    had = set(evaluation.relations_broken)
    rec["relations_broken_if_added"] = [r for r in ev.relations_broken if r not in had]
    rec["value_if_added_unchanged"] = float(
        (ev.objective + ev.parts["violation_penalty"])
        - (evaluation.objective + evaluation.parts["violation_penalty"]))
    rec["extra_violation_if_added_kr"] = float(sum(b["violation"] for b in breaks if b["unit"] == "kr"))
    rec["notes"] = notes
    if resolve and evaluation.meets_targets:
        row = start_once.start + q
        zero = None
        if kind == "senarelagt":
            cols_q = np.flatnonzero(p.col_project == q)
            zero = cols_q[p.col_start[cols_q] >= p.col_start[chosen_col[q]]]
        obj, bound, _, status = _resolve(bm, row_lower={row: 1.0}, col_upper_zero=zero, x_start=x_add,
                                         time_limit=time_limit, deadline=deadline)
        found = np.isfinite(obj)
        low, high = (cost_interval(obj, max(bound, obj), evaluation.objective, plan_bound) if found
                     else (None, None))
        rec["cost_of_forcing_points"] = max(evaluation.objective - obj, 0.0) if found else None
        rec["cost_of_forcing_low_points"], rec["cost_of_forcing_high_points"] = low, high
        for key in ("cost_of_forcing", "cost_of_forcing_low", "cost_of_forcing_high"):
            rec[f"{key}_kr"] = _kr(rec[f"{key}_points"], p.kr_per_point)
        rec["forced_status"] = status
    return rec


def infeasibility(evaluation: PlanEvaluation) -> dict[str, Any]:
    """When the best plan breaks targets: the smallest violation, target by target and year by year."""
    viol = violation_records(evaluation.limits)
    if not viol:
        return {"feasible": True, "violations": [], "total_violation_kr": 0.0}
    total = sum(v["violation"] for v in viol if v["unit"] == "kr")
    by_target: dict[str, float] = {}
    for v in viol:
        by_target[v["target"]] = by_target.get(v["target"], 0.0) + v["violation"]
    return {
        "feasible": False,
        "message": ("Ingen plan uppfyller alla mål och tak. Den minsta möjliga avvikelsen är "
                    f"{fmt_mkr(total)} sammanlagt; planen nedan åstadkommer den."),
        "total_violation_kr": total,
        "by_target": by_target,
        "violations": viol,
    }


#: Re-solves are made only when the plan is proven within this relative gap: the value of one more Mkr, or the
#: cost of forcing a project in, is a difference between the plan and a re-solved plan, and is exact only when
#: both are optimal — with an open gap the difference could be the plan's own distance from the optimum.
RESOLVE_MAX_GAP = 1e-3


def explain(bm: BuiltModel, outcome: SolveOutcome, evaluation: PlanEvaluation, *, resolve: bool | None = None,
            max_rows: int = 5, max_projects: int = 5, time_limit: float = 3.0, total_time: float = 3.0
            ) -> dict[str, Any]:
    """All explanations of a plan (see the module docstring). ``resolve=None``: re-solves (each kept as an
    interval) only for small models (at most 3 000 columns), each within ``time_limit`` seconds and all within
    ``total_time``, and only when the plan is proven within :data:`RESOLVE_MAX_GAP` (otherwise the LP estimates
    alone, and ``resolve_skipped`` says why). When no plan meets the targets, forcing a project in is explained by the
    violation it adds (no re-solve)."""
    if resolve is None:
        resolve = bm.problem.n_columns <= 3000
    skipped = None
    if resolve and not outcome.gap <= RESOLVE_MAX_GAP:
        # the re-solves compare with the plan: a difference smaller than the plan's own gap is not the row's or
        # the project's, so without a proven plan they could state nothing exact (the LP estimate stays)
        resolve = False
        skipped = ("omräkningar gjordes inte: planen är inte bevisat optimal (gap "
                   f"{fmt_pct(outcome.gap)}), så en omräknad skillnad vore inte exakt")
    deadline = time.perf_counter() + total_time
    plan_bound = float(outcome.bound) if np.isfinite(outcome.bound) else float("inf")
    binding = binding_rows(evaluation)
    by_year: dict[int, list[str]] = {}
    for r in binding.itertuples(index=False):
        by_year.setdefault(int(r.year), []).append(str(r.target_id))
    return {
        "binding_by_year": {y: sorted(set(v)) for y, v in sorted(by_year.items())},
        "marginal_value": marginal_values(bm, evaluation, resolve=resolve, max_rows=max_rows, time_limit=time_limit,
                                          deadline=deadline, plan_bound=plan_bound),
        "marginal_method": "omlösning av MILP (+1 Mkr) och LP-relaxationens skuggpris" if resolve
        else "LP-relaxationens skuggpris (poäng per Mkr)",
        "projects": project_explanations(bm, evaluation, max_projects=max_projects, time_limit=time_limit,
                                         resolve=resolve, deadline=deadline, plan_bound=plan_bound),
        "infeasibility": infeasibility(evaluation),
        "lp_relaxation_bound": outcome.lp_bound,
        "resolve_skipped": skipped,
    }
