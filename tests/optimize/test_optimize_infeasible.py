"""When no plan meets the targets: no crash, the smallest violation, named target by target and year by year,
with the plan that achieves it."""

from __future__ import annotations

import json

import numpy as np

from hushall.optimize import ModelOptions, optimize, synthetic_municipality
from hushall.optimize.problem import Ceiling


def over_committed():
    """Must-do projects whose outlays exceed the investment ceiling in their years."""
    p = synthetic_municipality(12, n_years=6, seed=4, capacity=False, relations=False)
    p.must_do[:] = False
    p.must_do[:3] = True
    p.ceilings = [Ceiling("M6", "investeringstak_kr", np.full(p.n_years, 0.2 * float(p.cost_kr[:3].sum())))]
    return p


def test_infeasible_targets_give_least_violation_and_plan() -> None:
    p = over_committed()
    r = optimize(p, time_limit=20, mip_gap=1e-6, explain=True, ranking=True)
    assert r.status == "targets_infeasible"
    assert r.violations
    assert {v["target"] for v in r.violations} <= {"M6", "M1", "M2", "M3", "M4", "M5"}
    assert all(v["violation"] > 0 and isinstance(v["year"], int) for v in r.violations)
    chosen = set(r.schedule["project"])
    assert set(p.project_ids[:3]) <= chosen  # the plan that achieves the least violation keeps the must-dos
    info = r.explanations["infeasibility"]
    assert not info["feasible"] and info["total_violation_kr"] > 0
    json.dumps(r.to_json_dict())


def test_least_violation_is_no_worse_than_must_dos_alone() -> None:
    p = over_committed()
    r = optimize(p, time_limit=20, mip_gap=1e-6, explain=False, ranking=False)
    from hushall.optimize import evaluate_plan
    from hushall.optimize.model import create_model

    bm = create_model(p)
    x = np.zeros(p.n_columns)
    for q in range(3):
        x[np.flatnonzero(p.col_project == q)[0]] = 1.0
    must_only = evaluate_plan(bm, x)
    assert r.explanations["infeasibility"]["total_violation_kr"] <= must_only.total_violation_kr + 1.0


def test_without_elastic_targets_an_infeasible_instance_has_no_solution() -> None:
    r = optimize(over_committed(), time_limit=10, explain=False, ranking=False,
                 options=ModelOptions(elastic=False))
    assert r.status == "no_solution"
    assert r.schedule.empty
    json.dumps(r.to_json_dict())
