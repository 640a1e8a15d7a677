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


@pytest.mark.parametrize("capacity", [False, True])
def test_the_parallel_simplex_takes_the_serial_ones_vertex(capacity: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large models solve the LP with HiGHS's parallel dual simplex (``LARGE_LP_COLUMNS``, issue 14): the same
    pivots, so the same vertex — the warm start, and so the plan, do not depend on it."""
    from hushall.optimize import solve

    p = synthetic_municipality(300, n_years=15, seed=2, capacity=capacity)
    found = {}
    for columns in (10**9, 0):  # serial, then parallel for every size
        monkeypatch.setattr(solve, "LARGE_LP_COLUMNS", columns)
        bm = create_model(p)
        assert ("simplex_strategy" in solve._lp_options(bm, 60)) is (columns == 0)
        found[columns] = solve_lp_relaxation_large(bm, bm.lm.arrays(), 60)
    (s1, x1, y1, v1), (s2, x2, y2, v2) = found[10**9], found[0]
    assert s1 == s2 == "Optimal" and x1 is not None and x2 is not None and y1 is not None and y2 is not None
    assert v2 == pytest.approx(v1, rel=1e-12)
    np.testing.assert_allclose(x2, x1, atol=1e-9)
    np.testing.assert_allclose(y2, y1, atol=1e-9)  # the duals too (the Lagrangian bound prices with them)
