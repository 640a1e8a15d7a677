"""The branch and bound starts from the warm start's write-back (``run_mip(start_solution=...)``): its integer
variables are exactly those :func:`hushall.optimize.warmstart.start_values` computes for the plan (with renewal
decisions: after two LPs of the plan's renewal), so the start HiGHS is given does not change."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.optimize import problem_from_municipality
from hushall.optimize.model import create_model
from hushall.optimize.solve import assign_solution, solve_lp_relaxation
from hushall.optimize.warmstart import improve_locally, round_greedily, start_values


@pytest.mark.parametrize("decisions", [False, True])
def test_the_write_back_holds_the_start_values_integers(decisions: bool) -> None:
    problem = problem_from_municipality(exempelkommun(), renewal_decisions=decisions)
    bm = create_model(problem)
    arr = bm.lm.arrays()
    status, lp, _, _ = solve_lp_relaxation(bm, arr, 60.0)
    assert status == "Optimal"
    x = improve_locally(bm, round_greedily(bm, lp[bm.x.start:bm.x.stop]), time_budget_s=0.5)
    pv = assign_solution(bm, x, tight=False)
    idx, val = start_values(bm, x)
    integers = np.flatnonzero(arr["integer"])
    assert sorted(idx.tolist()) == integers.tolist()
    np.testing.assert_array_equal(np.round(pv.solution[idx]), np.round(val))
    assert np.abs(pv.solution[integers] - np.round(pv.solution[integers])).max() < 1e-6
    assert x.sum() > 3 and ("renewal:spend" in bm.lm.variables) == decisions


def test_the_lp_neighbourhood_keeps_the_lps_whole_decisions_and_is_valued_as_written_back() -> None:
    """The mid-size start (after RENS): every project the LP takes whole keeps its start year, every project it
    leaves out stays out, only the projects it takes in part were decided (at any of their start years); the
    plan is feasible and worth what its write-back says,
    at most the LP bound, and here above the greedy rounding (the places trades the rounding misses; not
    always: :func:`~hushall.optimize.solve.solve_model` keeps the better of the two)."""
    from hushall.optimize import synthetic_municipality
    from hushall.optimize.solve import solve_lp_neighbourhood

    p = synthetic_municipality(150, n_years=12, seed=3, capacity=True, finance=True)
    bm = create_model(p)
    arr = bm.lm.arrays()
    status, lp, _, lp_obj = solve_lp_relaxation(bm, arr, 60.0)
    assert status == "Optimal"
    lp_x = lp[bm.x.start:bm.x.stop]
    partial = (lp_x > 1e-6) & (lp_x < 1 - 1e-6)
    assert partial.sum() >= 2
    run = solve_lp_neighbourhood(bm, arr, lp_x, time_limit=20.0)
    assert run.x is not None
    in_part = np.zeros(p.n_projects, dtype=bool)
    np.logical_or.at(in_part, p.col_project, partial)
    decided = ~in_part[p.col_project]
    assert (run.x[decided & (lp_x > 1 - 1e-6)] == 1).all() and (run.x[decided & (lp_x < 1e-6)] == 0).all()
    assert (np.bincount(p.col_project, weights=run.x, minlength=p.n_projects)[~in_part]
            == np.round(np.bincount(p.col_project, weights=lp_x, minlength=p.n_projects)[~in_part])).all()
    pv = assign_solution(bm, run.x, tight=False)
    assert pv.status == "Optimal"
    assert pv.objective == pytest.approx(run.objective, abs=1e-3)  # the MIP solution within its tolerances
    assert run.objective <= lp_obj + 1e-6
    rounded = assign_solution(bm, round_greedily(bm, lp_x), tight=False)
    assert run.objective >= rounded.objective - 1e-6
