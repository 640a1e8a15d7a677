"""Stage 4: the effects of investment projects on the plan years.

:class:`ProjectCatalog` reads sheet ``Projekt`` into arrays; :class:`Schedule` is a chosen plan (project id → start
year); :class:`UnitEffects` holds every project's effects for every candidate start year as ``(P, S, T)`` arrays
(what the optimiser combines linearly); :func:`plan_effects` gives one plan's effects, which
:mod:`hushall.finance` turns into statements. Conventions: :mod:`hushall.projects.effects`.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> data = exempelkommun()
>>> cat = ProjectCatalog.from_data(data)
>>> plan = data_plan_effects(data)  # the committed projects
>>> bool(plan.nominal().investment_kr.sum() > 0)
True
"""

from __future__ import annotations

from hushall.projects.catalog import ProjectCatalog, Schedule, catalog
from hushall.projects.effects import (
    UNIT_QUANTITIES,
    NominalPlanEffects,
    PlanEffects,
    UnitEffects,
    cumulative_index,
    data_plan_effects,
    depreciation_kernel,
    empty_plan,
    plan_effects,
    plan_indices,
)

__all__ = [
    "UNIT_QUANTITIES",
    "NominalPlanEffects",
    "PlanEffects",
    "ProjectCatalog",
    "Schedule",
    "UnitEffects",
    "catalog",
    "cumulative_index",
    "data_plan_effects",
    "depreciation_kernel",
    "empty_plan",
    "plan_effects",
    "plan_indices",
]
