"""The plan study: one plan for one municipality, with everything the stages say about it.

The stage between the scenarios and the presentation (reports, web, command line): :class:`PlanRequest` says where
the plan comes from and how much to compute around it (every default once, in :mod:`hushall.study.request`);
:func:`run_study` chains the stages and returns a :class:`PlanStudy` that the presentation only renders, and that
round-trips through JSON (:meth:`PlanStudy.to_json`, :meth:`PlanStudy.from_json`).
"""

from __future__ import annotations

from hushall.study.request import DEFAULT_DRAWS, DEFAULT_ROBUST_LEVEL, DEFAULT_SEED, ROBUST_YEARS, PlanRequest
from hushall.study.study import STUDY_VERSION, PlanFigures, PlanStudy, StudyPlan, restore_study, run_study

__all__ = ["DEFAULT_DRAWS", "DEFAULT_ROBUST_LEVEL", "DEFAULT_SEED", "ROBUST_YEARS", "STUDY_VERSION", "PlanFigures",
           "PlanRequest", "PlanStudy", "StudyPlan", "restore_study", "run_study"]
