"""Result object, explanations and progress reporting."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hushall.optimize import OptimizationResult, Progress, optimize, synthetic_municipality


@pytest.fixture(scope="module")
def result_and_progress() -> tuple[OptimizationResult, list[Progress]]:
    p = synthetic_municipality(30, n_years=8, seed=11, capacity=True, max_parallel=6)
    seen: list[Progress] = []
    r = optimize(p, time_limit=20, mip_gap=1e-4, progress=seen.append,
                 explain_options={"max_rows": 3, "max_projects": 3, "time_limit": 3.0})
    return r, seen


def test_result_carries_status_objective_bound_gap(result_and_progress: tuple[OptimizationResult, list]) -> None:
    r, _ = result_and_progress
    assert r.status in ("optimal", "feasible")
    assert np.isfinite(r.objective) and np.isfinite(r.bound) and r.bound >= r.objective - 1e-6
    assert 0 <= r.gap <= 1e-3 or r.status == "feasible"
    d = r.to_json_dict()
    for key in ("status", "objective", "bound", "gap", "schedule", "ranking_objective", "targets", "explanations",
                "weights", "value_by_criterion"):
        assert key in d
    json.dumps(d)
    assert set(d["schedule"][0]) >= {"project", "start_year"}
    assert sum(r.value_by_criterion.values()) == pytest.approx(r.objective_parts["value"], rel=1e-9)
    assert sum(r.weights.values()) == pytest.approx(1.0)


def test_progress_is_reported(result_and_progress: tuple[OptimizationResult, list[Progress]]) -> None:
    _, seen = result_and_progress
    phases = [p.phase for p in seen]
    assert phases[0] == "lp" and "done" in phases
    assert all(isinstance(p.line(), str) for p in seen)


def test_binding_rows_and_value_of_more_room(result_and_progress: tuple[OptimizationResult, list]) -> None:
    r, _ = result_and_progress
    ex = r.explanations
    assert ex["binding_by_year"], "some target or ceiling binds"
    for mv in ex["marginal_value"]:
        assert mv["lp_value_points"] is None or mv["lp_value_points"] >= 0
        if "resolved_value_points" in mv and mv["resolved_value_points"] is not None:
            assert mv["resolved_value_points"] >= 0
    binding = r.targets[r.targets["binding"]]
    assert (binding["room"] <= 1.0).any() or (binding["shadow_price_points"] > 0).any()


def test_left_out_projects_explained(result_and_progress: tuple[OptimizationResult, list]) -> None:
    r, _ = result_and_progress
    projects = r.explanations["projects"]
    assert projects
    for pr in projects:
        assert pr["status"] in ("utelämnat", "senarelagt")
        assert isinstance(pr["breaks_if_added"], list)
        if pr.get("cost_of_forcing_points") is not None:
            assert pr["cost_of_forcing_points"] >= -1e-6
        for b in pr["breaks_if_added"]:
            assert b["violation"] > 0 and "year" in b and "target" in b
