"""The places network's valid inequalities (``capacity_region``, :func:`hushall.optimize.model.define_capacity_regions`):
they cut no integer plan off — every plan is worth the same with and without them, and the optimiser still agrees
with brute force — and they make the LP relaxation tighter."""

from __future__ import annotations

import numpy as np
import pytest
from tests.optimize.test_optimize_bruteforce import all_plans, feasible

from hushall.optimize import ModelOptions, optimize, synthetic_municipality
from hushall.optimize import model as model_module
from hushall.optimize.model import capacity_regions, create_model
from hushall.optimize.problem import OptimizationProblem
from hushall.optimize.solve import assign_solution

EXACT = ModelOptions(borrowing_penalty=0.0, distance_penalty=0.0)


def small(n_projects: int, n_years: int, seed: int) -> OptimizationProblem:
    return synthetic_municipality(n_projects, n_years=n_years, n_districts=3, seed=seed, finance=False,
                                  relations=False, ceiling_share=0.5)


def without_regions(problem: OptimizationProblem, monkeypatch: pytest.MonkeyPatch) -> model_module.BuiltModel:
    with monkeypatch.context() as mp:
        mp.setattr(model_module, "define_capacity_regions", lambda bm: None)
        return create_model(problem, EXACT)


def lp_bound(bm: model_module.BuiltModel) -> float:
    h = bm.lm.to_highs(sense="max", relax=True)
    h.run()
    return float(h.getInfo().objective_function_value)


# (projects, years, seed): instances with rows for adding places, and with rows for a closure
CASES = [(5, 4, 5), (5, 4, 1), (5, 4, 7)]


@pytest.mark.parametrize(("n", "t", "seed"), CASES)
def test_region_rows_cut_no_integer_plan_off(n: int, t: int, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every plan (all start-year combinations) has the same best value with the rows as without them, and the
    optimiser with the rows finds the best feasible plan (brute force)."""
    problem = small(n, t, seed)
    bm = create_model(problem, EXACT)
    rows = bm.lm.constraints["capacity_region"]
    assert rows.size > 0
    if seed != 5:
        assert (rows.coords["closure"] >= 0).any()  # the closure form is exercised
    plain = without_regions(problem, monkeypatch)
    assert "capacity_region" not in plain.lm.constraints
    plans = all_plans(problem)
    values = np.zeros(len(plans))
    for i, plan in enumerate(plans):
        x = np.zeros(problem.n_columns)
        x[plan[plan >= 0]] = 1.0
        with_rows, base = assign_solution(bm, x), assign_solution(plain, x)
        assert with_rows.status == base.status == "Optimal"
        assert with_rows.objective == pytest.approx(base.objective, rel=1e-9, abs=1e-9)
        values[i] = with_rows.objective
    result = optimize(problem, time_limit=20, mip_gap=0.0, explain=False, ranking=False, options=EXACT)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(values[feasible(problem, plans)].max(), rel=1e-7, abs=1e-6)


@pytest.mark.parametrize(("n", "t", "seed"), [(5, 4, 5), (5, 6, 10)])
def test_region_rows_tighten_the_lp_bound(n: int, t: int, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The LP relaxation's bound falls (and stays above the best plan's value)."""
    problem = small(n, t, seed)
    tight, loose = lp_bound(create_model(problem, EXACT)), lp_bound(without_regions(problem, monkeypatch))
    best = optimize(problem, time_limit=20, mip_gap=0.0, explain=False, ranking=False, options=EXACT).objective
    assert tight < loose - 1e-3
    assert tight >= best - 1e-6


def test_regions_are_connected_sets_of_demand_points() -> None:
    problem = synthetic_municipality(200, n_years=5, seed=3, finance=False)
    cb = problem.capacity
    assert cb is not None
    regions = capacity_regions(cb, max_size=3)
    assert len({tuple(r) for r in regions}) == len(regions)
    for reg in regions:
        assert 1 <= len(reg) <= 3
        # connected: grow from the first point through facilities both reach
        nodes_of = [set(cb.arc_node[cb.arc_demand == q].tolist()) for q in reg]
        reached, grown = {0}, True
        while grown:
            grown = False
            for i in range(len(reg)):
                if i not in reached and any(nodes_of[i] & nodes_of[k] for k in reached):
                    reached.add(i)
                    grown = True
        assert reached == set(range(len(reg)))
