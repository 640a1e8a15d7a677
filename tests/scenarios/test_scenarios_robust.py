"""Robust planning: tightening targets, the margin search and what robustness costs."""

from __future__ import annotations

import pandas as pd
import pytest

from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.projects import ProjectCatalog, Schedule
from hushall.scenarios import (
    MonteCarloSpec,
    Override,
    Scenario,
    apply,
    greedy_planner,
    plan_value,
    robust_plan,
    tighten_targets,
)
from hushall.scenarios.robust import BALANSKRAV_COMPANION, PlanChoice


def test_tighten_moves_each_limit_towards_safety(data: MunicipalityData) -> None:
    before = data.targets.copy()
    t = tighten_targets(data, {"M1": 0.01, "M3": 5000.0, "M5": 0.02, "M6": 1e6}).targets.set_index("target_id")
    pd.testing.assert_frame_equal(data.targets, before)
    lim = before.set_index("target_id")["limit"]
    assert t.at["M1", "limit"] == pytest.approx(lim["M1"] + 0.01)  # result share: a lower bound
    assert t.at["M3", "limit"] == pytest.approx(lim["M3"] - 5000)  # debt per inhabitant: an upper bound
    assert t.at["M6", "limit"] == pytest.approx(lim["M6"] - 1e6)
    assert t.at[BALANSKRAV_COMPANION, "target_type"] == "resultat_andel"
    assert t.at[BALANSKRAV_COMPANION, "limit"] == pytest.approx(0.02)


def test_plan_value_and_the_greedy_planner(data: MunicipalityData) -> None:
    assert plan_value(data, {}) == 0.0
    assert plan_value(data, {"P-01": 2026}) > plan_value(data, {"P-01": 2031}) > 0  # later is worth less
    choice = greedy_planner(data)
    committed = Schedule.committed(ProjectCatalog.from_data(data))
    assert set(committed) <= set(choice.schedule)
    met = forecast(data, choice.schedule).targets["met"].to_numpy()
    met_committed = forecast(data, committed).targets["met"].to_numpy()
    assert not (met_committed & ~met).any()  # no target-year that held stops holding


def test_robust_plan_reaches_the_level_and_costs_value(data: MunicipalityData) -> None:
    # The stated assumptions (not the rates measured in the example's outcomes), under which the greedy plan
    # starts below the level. The tax rate +1,5 pp: with the existing assets depreciating along their
    # components' schedule (issue 10 §6) +1 pp left the search at 89 % when the plan stopped changing, and so does
    # +1,25 pp since the three projects under way (24,8 Mkr in 2025) joined the example's sheet Projekt.
    richer = apply(data, Scenario("skatt", "Skatt +1,5", overrides=(Override("skattesats", 1.5, "sätt", 2025),)))
    res = robust_plan(richer, greedy_planner, level=0.9, n_draws=800, years=10, max_iterations=6, seed=2,
                      spec=MonteCarloSpec.default())
    assert res.status == "uppnådd", res.iterations
    assert res.base_probability < 0.9 <= res.robust_probability
    assert res.value_cost is not None and res.value_cost > 0
    assert len(res.schedule_changes())
    doc = res.to_json_dict()
    assert doc["robust"]["min_probability"] >= 0.9 and doc["status"] == "uppnådd"


def test_a_plan_that_is_safe_enough_is_kept(healthy: MunicipalityData) -> None:
    committed = Schedule.committed(ProjectCatalog.from_data(healthy))

    def fixed(_data: MunicipalityData) -> PlanChoice:
        return PlanChoice(committed, 1.0)

    res = robust_plan(healthy, fixed, level=0.6, n_draws=400, years=3)
    assert res.status == "basplanen_räcker"
    assert res.robust.schedule == committed and res.value_cost == 0.0
