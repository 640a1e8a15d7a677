r"""Plans side by side: each plan's value under one set of criterion weights, and the projects that differ.

A plan's value (its *värde*, points) is the optimiser's objective: the weighted, discounted benefit of its projects
plus the maintenance-debt and unmet-places penalties it avoids, less any violation penalty
(:class:`hushall.optimize.result.OptimizationResult`). The weights are part of the objective, so two values
computed under different weights are not comparable: plan A optimised with weight 0,4 on *politik* and plan B with
0,1 score their projects on different scales. :func:`value_under` evaluates each plan with the optimiser's own
evaluation (:func:`hushall.optimize.evaluate_plan`: its start columns fixed, the LP that remains solved) on the data
carrying the *same* weights, so the values compare::

    V_k(w) = objective(x_k; w),   k = A, B, …   (one w for all plans)

Each plan keeps its own targets and must-do projects (they come with the data the caller gives): only the weights
are made the same.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> data = exempelkommun()
>>> diff = schedule_difference({"P-01": 2026, "P-02": 2027}, {"P-02": 2029, "P-03": 2026})
>>> diff.only_a, diff.only_b, diff.moved
(['P-01'], ['P-03'], [('P-02', 2027, 2029)])
>>> round(value_under(data, {}), 6) == round(value_under(data, {}), 6)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hushall.errors import PlanError
from hushall.model import MunicipalityData


@dataclass(frozen=True)
class ScheduleDifference:
    """Projects in plan A only, in plan B only, and in both with different start years ``(id, A's, B's)``."""

    only_a: list[str]
    only_b: list[str]
    moved: list[tuple[str, int, int]]

    @property
    def same(self) -> bool:
        return not (self.only_a or self.only_b or self.moved)


def schedule_difference(a: Mapping[str, int], b: Mapping[str, int]) -> ScheduleDifference:
    """What differs between two schedules (project id → start year), each list in project id order."""
    return ScheduleDifference(
        only_a=sorted(set(a) - set(b)),
        only_b=sorted(set(b) - set(a)),
        moved=[(p, int(a[p]), int(b[p])) for p in sorted(set(a) & set(b)) if int(a[p]) != int(b[p])],
    )


def evaluation_of(data: MunicipalityData, schedule: Mapping[str, int]) -> Any:
    """The optimiser's evaluation (:class:`hushall.optimize.PlanEvaluation`) of a fixed plan on ``data``.

    Raises :class:`~hushall.errors.PlanError` when a project of the plan is unknown in ``data`` or cannot start in
    the year given (its start window in ``data``).
    """
    from hushall.optimize import create_model, evaluate_plan
    from hushall.optimize.inputs import problem_from_municipality

    problem = problem_from_municipality(data)
    index = {str(p): i for i, p in enumerate(problem.project_ids)}
    first = int(problem.years[0])
    columns: dict[int, int] = {}
    for project, year in schedule.items():
        if str(project) not in index:
            raise PlanError(f"Projektet {project} finns inte i underlaget; planens värde kan inte räknas.")
        columns[index[str(project)]] = int(year) - first
    try:
        x = problem.x_from_schedule(columns)
    except KeyError as exc:
        raise PlanError(f"Ett projekt i planen kan inte starta det år planen anger ({exc}); planens värde kan "
                        "inte räknas.") from exc
    return evaluate_plan(create_model(problem), x)


def value_under(data: MunicipalityData, schedule: Mapping[str, int]) -> float:
    """The plan's value (optimiser objective, points) under the weights ``data`` carries (sheet Mål,
    ``kriterievikt``), by the optimiser's evaluation of the fixed plan (:func:`evaluation_of`)."""
    return float(evaluation_of(data, schedule).objective)


__all__ = ["ScheduleDifference", "evaluation_of", "schedule_difference", "value_under"]
