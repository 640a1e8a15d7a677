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
