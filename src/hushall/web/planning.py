"""Plan variants as input overrides, and the planner the worker runs.

A variant's settings are small overrides of the municipality's inputs (as a calliope scenario or an openfisca
reform): target limits and ceilings, criteria weights and the projects that must be done. :func:`apply_variant`
applies them to a copy of the data, so the optimiser runs unchanged on any variant.

The worker calls a *planner* — ``planner(data, settings, progress) -> dict`` — resolved by
:func:`resolve_planner`: ``HUSHALL_WEB_PLANNER=module:function`` when set (tests use a fast stand-in), otherwise
:func:`optimise_plan`, the adapter to :mod:`hushall.optimize`. The returned dict (JSON) is the plan result the
pages read; its keys are described in :data:`RESULT_KEYS`.
"""

from __future__ import annotations

import importlib
import inspect
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hushall.data.schema import CRITERIA
from hushall.errors import PlanError
from hushall.model import MunicipalityData

Progress = Callable[[float, str], None]
Planner = Callable[[MunicipalityData, dict[str, Any], Progress], dict[str, Any]]
PLANNER_ENV = "HUSHALL_WEB_PLANNER"

#: Keys of a plan result (all amounts kr, one entry per plan year in the per-year lists).
RESULT_KEYS: dict[str, str] = {
    "status": "optimal | feasible | infeasible | ranking",
    "method": "what produced the plan (e.g. 'MILP (HiGHS)')",
    "years": "plan years",
    "schedule": "chosen projects: project_id, name, start_year, cost_kr, explanation",
    "not_chosen": "projects not chosen: project_id, name, cost_kr, explanation",
    "investments_kr": "investment spending per year",
    "result_kr": "årets resultat per year",
    "debt_kr": "låneskuld per year",
    "ratios": "name -> list per year (resultat_andel, självfinansieringsgrad, soliditet, …)",
    "places_short": "places short per year (all services)",
    "maintenance_debt_kr": "underhållsskuld per year",
    "value": "objective value (weighted benefit) of the plan",
    "explanations": "plain-Swedish sentences about the plan as a whole",
}


@dataclass(frozen=True)
class TargetField:
    """How one target type is shown in the variant form: in per cent, Mkr, kr or a count."""

    target_type: str
    label: str
    unit: str  # "%", "Mkr", "kr", "st"
    lower_bound: bool

    def to_display(self, limit: float | None) -> float | None:
        if limit is None:
            return None
        return {"%": limit * 100, "Mkr": limit / 1e6}.get(self.unit, limit)

    def from_display(self, shown: float) -> float:
        return {"%": shown / 100, "Mkr": shown * 1e6}.get(self.unit, shown)


TARGET_FIELDS: tuple[TargetField, ...] = (
    TargetField("resultat_andel", "Årets resultat, andel av skatter och generella statsbidrag", "%", True),
    TargetField("självfinansieringsgrad", "Självfinansieringsgrad av investeringarna", "%", True),
    TargetField("soliditet", "Soliditet", "%", True),
    TargetField("soliditet_inkl_pensioner", "Soliditet inklusive pensionsförpliktelser", "%", True),
    TargetField("låneskuld_per_invånare", "Låneskuld per invånare, högst", "kr", False),
    TargetField("investeringstak_kr", "Investeringstak per år", "Mkr", False),
    TargetField("max_parallella_projekt", "Högst antal projekt samtidigt", "st", False),
)
TARGET_FIELD = {f.target_type: f for f in TARGET_FIELDS}


def default_settings(data: MunicipalityData) -> dict[str, Any]:
    """The settings that reproduce the data as uploaded (the starting point of a new variant)."""
    t = data.targets
    targets: dict[str, float | None] = {}
    for f in TARGET_FIELDS:
        rows = t[t["target_type"] == f.target_type]
        targets[f.target_type] = float(rows["limit"].iloc[0]) if len(rows) else None
    w = t[t["target_type"] == "kriterievikt"]
    weights = {c: float(w.loc[w["criterion"] == c, "limit"].iloc[0]) if (w["criterion"] == c).any() else 0.0
               for c in CRITERIA}
    must = data.projects.loc[data.projects["must_do"].fillna(False).astype(bool), "project_id"]
    return {"targets": targets, "weights": weights, "must_do": sorted(str(p) for p in must)}


def clean_settings(raw: dict[str, Any], data: MunicipalityData) -> dict[str, Any]:
    """Check settings from a form or the API; raise :class:`PlanError` with a Swedish reason."""
    out = default_settings(data)
    for key, value in (raw.get("targets") or {}).items():
        if key not in TARGET_FIELD:
            raise PlanError(f"Okänt mål: {key}.")
        if value is None or value == "":
            out["targets"][key] = None
            continue
        x = _finite(value, TARGET_FIELD[key].label)
        if key in ("låneskuld_per_invånare", "investeringstak_kr", "max_parallella_projekt") and x < 0:
            raise PlanError(f"{TARGET_FIELD[key].label}: värdet får inte vara negativt.")
        out["targets"][key] = x
    for key, value in (raw.get("weights") or {}).items():
        if key not in CRITERIA:
            raise PlanError(f"Okänt kriterium: {key}.")
        x = _finite(value, f"Vikt {key}")
        if x < 0:
            raise PlanError(f"Vikt {key}: vikten får inte vara negativ.")
        out["weights"][key] = x
    if "must_do" in raw:
        known = set(data.projects["project_id"].astype(str))
        must = [str(p) for p in raw.get("must_do") or []]
        unknown = sorted(set(must) - known)
        if unknown:
            raise PlanError(f"Okända projekt: {', '.join(unknown)}.")
        out["must_do"] = sorted(set(must))
    return out


def _finite(value: Any, label: str) -> float:
    try:
        x = float(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", "").replace("−", "-"))
    except ValueError as exc:
        raise PlanError(f"{label}: {value!r} är inte ett tal.") from exc
    if not math.isfinite(x):
        raise PlanError(f"{label}: värdet måste vara ett ändligt tal.")
    return x


def apply_variant(data: MunicipalityData, settings: dict[str, Any]) -> MunicipalityData:
    """A copy of ``data`` with the variant's targets, weights and must-do projects."""
    targets = data.targets.copy()
    rows: list[dict[str, Any]] = []
    for key, limit in (settings.get("targets") or {}).items():
        mask = targets["target_type"] == key
        if limit is None:
            targets = targets[~mask]
        elif mask.any():
            targets.loc[mask, "limit"] = float(limit)
        else:
            rows.append({"target_id": f"variant-{key}", "target_type": key, "limit": float(limit),
                         "period_years": 1, "criterion": ""})
    for criterion, weight in (settings.get("weights") or {}).items():
        mask = (targets["target_type"] == "kriterievikt") & (targets["criterion"] == criterion)
        if mask.any():
            targets.loc[mask, "limit"] = float(weight)
        else:
            rows.append({"target_id": f"variant-{criterion}", "target_type": "kriterievikt", "limit": float(weight),
                         "period_years": 1, "criterion": criterion})
    if rows:
        extra = pd.DataFrame(rows).reindex(columns=targets.columns)
        extra["period_years"] = pd.array(extra["period_years"].tolist(), dtype="Int64")
        for col in ("from_year", "to_year"):
            extra[col] = pd.array([pd.NA] * len(extra), dtype="Int64")
        targets = pd.concat([targets, extra], ignore_index=True)
    projects = data.projects.copy()
    if "must_do" in settings:
        projects["must_do"] = projects["project_id"].astype(str).isin(set(settings["must_do"])).astype(object)
    return data.replace(targets=targets.reset_index(drop=True), projects=projects)


def resolve_planner() -> Planner:
    spec = os.environ.get(PLANNER_ENV)
    if spec:
        module, _, name = spec.partition(":")
        fn: Planner = getattr(importlib.import_module(module), name)
        return fn
    return optimise_plan


def optimise_plan(data: MunicipalityData, settings: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Run :mod:`hushall.optimize` on a variant and describe the plan for the pages (see :data:`RESULT_KEYS`).

    The optimiser is called as ``hushall.optimize.optimize(data[, progress=fn])``; its outcome must carry a
    ``schedule`` (project id → start year) and may carry ``explanations``, ``objective`` and ``status``.
    """
    try:
        optimize = importlib.import_module("hushall.optimize")
    except ImportError as exc:
        raise PlanError("Optimeraren (hushall.optimize) finns inte i den här installationen.") from exc
    run = getattr(optimize, "optimize", None) or getattr(optimize, "optimise", None)
    if run is None:
        raise PlanError("Optimeraren (hushall.optimize) har ännu ingen funktion att köra en plan med.")
    kwargs: dict[str, Any] = {}
    if "progress" in inspect.signature(run).parameters:
        kwargs["progress"] = lambda p: progress(_fraction(p), _describe_progress(p))
    progress(0.1, "Optimerar …")
    outcome = run(data, **kwargs)
    progress(0.95, "Sammanställer planen …")
    return describe_outcome(data, outcome)


def _fraction(p: Any) -> float:
    phase = getattr(p, "phase", "")
    gap = getattr(p, "gap", None)
    if phase == "done":
        return 0.95
    if phase == "mip" and gap is not None and math.isfinite(gap):
        return 0.4 + 0.5 * (1.0 - min(1.0, max(0.0, float(gap))))
    return {"lp": 0.2, "warm_start": 0.35, "mip": 0.4}.get(phase, 0.15)


def _describe_progress(p: Any) -> str:
    line = getattr(p, "line", None)
    return str(line()) if callable(line) else str(p)


def _get(outcome: Any, name: str, default: Any = None) -> Any:
    if isinstance(outcome, dict):
        return outcome.get(name, default)
    return getattr(outcome, name, default)


def describe_outcome(data: MunicipalityData, outcome: Any) -> dict[str, Any]:
    """Turn the optimiser's outcome into the plan-result dict; see :data:`RESULT_KEYS`."""
    schedule = _get(outcome, "schedule")
    if schedule is None:
        raise PlanError("Optimerarens resultat saknar en tidsplan (schedule).")
    schedule = {str(k): int(v) for k, v in dict(schedule).items()}
    explanations = _get(outcome, "explanations", {}) or {}
    per_project = explanations if isinstance(explanations, dict) else {}
    overall = [str(e) for e in explanations] if isinstance(explanations, (list, tuple)) else []
    projects = data.projects.set_index(data.projects["project_id"].astype(str))
    chosen, not_chosen = [], []
    for pid, row in projects.iterrows():
        entry = {"project_id": pid, "name": str(row["name"]), "cost_kr": float(row["cost_kr"]),
                 "explanation": str(per_project.get(pid, ""))}
        if pid in schedule:
            chosen.append({**entry, "start_year": schedule[pid]})
        else:
            not_chosen.append(entry)
    chosen.sort(key=lambda r: (r["start_year"], r["project_id"]))
    objective = _get(outcome, "objective")
    value = float(objective) if isinstance(objective, (int, float)) and math.isfinite(objective) else None
    result: dict[str, Any] = {
        "status": str(_get(outcome, "status", _get(outcome, "model_status", "")) or ""),
        "method": str(_get(outcome, "method", "MILP (HiGHS)")),
        "years": [int(y) for y in data.years],
        "schedule": chosen,
        "not_chosen": not_chosen,
        "value": value,
        "explanations": overall,
    }
    for key in ("places_short", "maintenance_debt_kr"):
        series = _get(outcome, key)
        if series is not None:
            result[key] = [None if x is None or not math.isfinite(float(x)) else float(x) for x in series]
    return result


def result_years(result: dict[str, Any]) -> list[int]:
    return [int(y) for y in result.get("years", [])]
