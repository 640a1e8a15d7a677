"""The large-model path: the LP relaxation without the "started by" block is the whole LP's."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.optimize import synthetic_municipality
from hushall.optimize.model import create_model
from hushall.optimize.solve import solve_lp_relaxation, solve_lp_relaxation_large


@pytest.mark.parametrize("capacity", [False, True])
def test_lp_without_started_by_is_the_whole_lp(capacity: bool) -> None:
    p = synthetic_municipality(150, n_years=12, seed=4, capacity=capacity)
    bm = create_model(p)
    arr = bm.lm.arrays()
    status, _, _, whole = solve_lp_relaxation(bm, arr, 60)
    status_l, sol, row_dual, value = solve_lp_relaxation_large(bm, arr, 60)
    assert status == status_l == "Optimal"
    assert value == pytest.approx(whole, rel=1e-9)
    assert sol is not None and row_dual is not None
    # a solution of the whole LP: every row and bound holds (the "started by" rows too: w is x summed), same
    # objective
    act = arr["matrix"] @ sol
    assert np.all(act >= arr["row_lower"] - 1e-6) and np.all(act <= arr["row_upper"] + 1e-6)
    assert np.all(sol >= arr["col_lower"] - 1e-9) and np.all(sol <= arr["col_upper"] + 1e-9)
    assert float(arr["cost"] @ sol) + bm.lm.offset == pytest.approx(whole, rel=1e-9)
    # and a dual solution of it: reduced costs c - A^T y as returned, no column at 0 could improve the LP
    rc = bm.lp_reduced_costs
    assert rc is not None and len(rc) == bm.lm.num_vars
    np.testing.assert_allclose(rc, arr["cost"] - arr["matrix"].T @ row_dual, atol=1e-6)
    at_lower = sol <= arr["col_lower"] + 1e-9
    at_upper = sol >= arr["col_upper"] - 1e-9
    assert np.all(rc[at_lower & ~at_upper] <= 1e-6)
    assert np.all(rc[at_upper & ~at_lower] >= -1e-6)
    basic = ~at_lower & ~at_upper
    assert np.all(np.abs(rc[basic]) <= 1e-6)
