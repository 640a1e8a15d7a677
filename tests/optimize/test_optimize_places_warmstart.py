"""The warm start that values places (:func:`hushall.optimize.warmstart.improve_places`): the unmet places it
counts by maximum flow are the model's, and its moves raise the plan's value while keeping every relation,
ceiling and target the plan keeps."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.optimize.evaluate import evaluate_plan
from hushall.optimize.model import create_model
from hushall.optimize.solve import assign_solution, solve_lp_relaxation, x_objective_parts
from hushall.optimize.synthetic import synthetic_municipality
from hushall.optimize.warmstart import PlacesValue, improve_places, round_greedily


@pytest.mark.parametrize("seed", [1, 2])
def test_maximum_flow_counts_the_unmet_places_of_the_model(seed: int) -> None:
    problem = synthetic_municipality(80, n_years=8, seed=seed, finance=False)
    bm = create_model(problem)
    assert problem.capacity is not None
    value = PlacesValue(bm)
    rng = np.random.default_rng(seed)
    for _ in range(6):
        x = np.zeros(problem.n_columns)
        for cols in problem.project_columns():
            if len(cols) and rng.random() < 0.5:
                x[rng.choice(cols)] = 1.0
        model = x_objective_parts(bm, assign_solution(bm, x))["unmet_places_penalty"]
        assert model > 0
        # places counted in hundredths: the penalty of 0.01 place a year in every demand point at most
        tol = 0.01 * problem.capacity.n_demand * float(value.penalty.sum())
        assert value.points(x) == pytest.approx(model, abs=tol)


@pytest.mark.parametrize("seed", [1, 3])
def test_places_moves_raise_the_value_and_keep_the_targets(seed: int) -> None:
    problem = synthetic_municipality(150, n_years=12, seed=seed)
    assert problem.capacity is not None
    bm = create_model(problem)
    _, sol, _, _ = solve_lp_relaxation(bm, bm.lm.arrays(), 30.0)
    assert sol is not None
    x0 = round_greedily(bm, sol[bm.x.start:bm.x.stop])
    x1 = improve_places(bm, x0, time_budget_s=30.0)
    assert np.bincount(problem.col_project, weights=x1, minlength=problem.n_projects).max() <= 1
    before, after = evaluate_plan(bm, x0), evaluate_plan(bm, x1)
    assert after.objective >= before.objective - 1e-6
    assert not after.relations_broken
    more = after.limits["violation"].to_numpy() - before.limits["violation"].to_numpy()
    assert (more <= 1.0 + 1e-6).all()
    # only projects that change places moved
    places = problem.capacity.project_places[problem.col_project]
    assert np.array_equal(x0[places == 0], x1[places == 0])


def test_places_moves_fill_the_unmet_places_of_an_empty_plan() -> None:
    problem = synthetic_municipality(150, n_years=12, seed=2)
    bm = create_model(problem)
    empty = np.zeros(problem.n_columns)
    x1 = improve_places(bm, empty, time_budget_s=30.0)
    assert x1.sum() > 0
    assert assign_solution(bm, x1).objective > assign_solution(bm, empty).objective + 1e-3
