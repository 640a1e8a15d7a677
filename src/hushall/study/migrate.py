"""Plan results stored before the study layer, read as a :class:`~hushall.study.study.PlanStudy`.

Version 0 is the web's plan result of Hushåll up to the study layer: a flat dict with ``schedule`` (chosen projects:
``project_id``, ``start_year`` …), ``years``, the figures per year (``investments_kr``, ``result_kr``, ``debt_kr``,
``ratios``, ``places_short``, ``maintenance_debt_kr``), ``status``, ``value``, ``bound``, ``gap``, ``risk`` and
``robust``. It kept no optimiser result, so the study has none and its plan is a given schedule (:data:`LABEL`);
everything else carries over as it was.

Examples
--------
>>> old = {"status": "optimal", "years": [2025], "schedule": [{"project_id": "P-01", "start_year": 2025}],
...        "investments_kr": [1.0], "result_kr": [2.0], "debt_kr": [3.0], "ratios": {}, "places_short": [0.0],
...        "maintenance_debt_kr": [4.0], "risk": {"draws": 100, "seed": 1}, "robust": None}
>>> study = from_stored(old)
>>> study.schedule, study.figures.result_kr, study.request.draws, study.version
({'P-01': 2025}, [2.0], 100, 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hushall.study.request import PlanRequest
from hushall.study.study import STUDY_VERSION, PlanFigures, PlanStudy, StudyPlan

#: The plan of a version-0 result as the plan document names it (its optimiser result was not kept).
LABEL = "Angiven plan"
#: Keys of a version-0 result that hold figures per year.
FIGURE_KEYS = ("investments_kr", "result_kr", "debt_kr", "ratios", "places_short", "maintenance_debt_kr")


def from_stored(doc: Mapping[str, Any]) -> PlanStudy:
    """A version-0 plan result (see the module docstring) as a study of :data:`STUDY_VERSION`."""
    schedule = {str(r["project_id"]): int(r["start_year"]) for r in doc.get("schedule") or []
                if isinstance(r, Mapping) and r.get("start_year") is not None}
    risk = doc.get("risk") if isinstance(doc.get("risk"), Mapping) else None
    draws = int((risk or {}).get("draws") or 0)
    robust = doc.get("robust") if isinstance(doc.get("robust"), Mapping) else None
    figures = None
    if doc.get("years") and all(k in doc for k in ("investments_kr", "result_kr", "debt_kr")):
        figures = PlanFigures.from_json({**{k: doc.get(k) or ({} if k == "ratios" else []) for k in FIGURE_KEYS},
                                         "years": [int(y) for y in doc["years"]]})
    request = PlanRequest(source="schedule", schedule=schedule, label=LABEL, draws=draws,
                          robust_level=float((robust or {}).get("level") or 0.0))
    return PlanStudy(request=request, plan=StudyPlan("schedule", schedule, LABEL), figures=figures,
                     risk=dict(risk) if risk else None, robust=dict(robust) if robust else None,
                     version=STUDY_VERSION)


__all__ = ["FIGURE_KEYS", "LABEL", "from_stored"]
