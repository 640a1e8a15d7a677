"""The plan study: one plan for one municipality, with everything the stages say about it.

The stage between the scenarios and the presentation (reports, web, command line): :class:`PlanRequest` says where
the plan comes from and how much to compute around it (every default once, in :mod:`hushall.study.request`);
:func:`run_study` chains the stages and returns a :class:`PlanStudy` that the presentation only renders, and that
round-trips through JSON (:meth:`PlanStudy.to_json`, :meth:`PlanStudy.from_json`).

The study's classes load on first use, so that the command line can read the defaults of
:mod:`hushall.study.request` without loading the stages.
"""

from __future__ import annotations

import importlib
from typing import Any

from hushall.study.request import DEFAULT_DRAWS, DEFAULT_ROBUST_LEVEL, DEFAULT_SEED, ROBUST_YEARS, PlanRequest

_LAZY = {"STUDY_VERSION", "PlanFigures", "PlanStudy", "StudyPlan", "restore_study", "run_study", "study_needs"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("hushall.study.study"), name)
    raise AttributeError(f"module 'hushall.study' has no attribute {name!r}")


__all__ = ["DEFAULT_DRAWS", "DEFAULT_ROBUST_LEVEL", "DEFAULT_SEED", "ROBUST_YEARS", "STUDY_VERSION", "PlanFigures",
           "PlanRequest", "PlanStudy", "StudyPlan", "restore_study", "run_study",
           "study_needs"]
