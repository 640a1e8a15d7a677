"""The Lagrangian bound of large models with the places network (:mod:`hushall.optimize.lagrangian`): with the
LP's duals and every part relaxed it is the LP bound; with the parts whole it lies between the optimum and the LP
bound — for any multipliers, it never cuts off the optimum; the large path reports it."""

from __future__ import annotations

import time

import numpy as np
import pytest

from hushall.optimize.lagrangian import coupling_rows, lagrangian_bound
from hushall.optimize.model import create_model
from hushall.optimize.solve import solve_lp_relaxation, solve_model
from hushall.optimize.synthetic import synthetic_municipality, synthetic_renewal


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    p = synthetic_municipality(100, n_years=8, seed=3, capacity=True, finance=True)
    p.renewal = synthetic_renewal(p, 3)
    bm = create_model(p)
    arr = bm.lm.arrays()
    status, _, dual, lp_obj = solve_lp_relaxation(bm, arr, 60.0)
    assert status == "Optimal"
    # a plan within 0.2 % (z* is at least its value: a bound below it would cut off a plan that exists)
    best = solve_model(bm, time_limit=60.0, mip_gap=2e-3, parallel_start=False)
    assert best.model_status == "Optimal"
    return bm, arr, dual, lp_obj, best.objective


def test_the_coupling_rows_are_the_money_and_the_ceilings(small) -> None:  # type: ignore[no-untyped-def]
    bm, arr, *_ = small
    coupled = coupling_rows(bm, arr)
    blocks = {name for name, blk in bm.lm.constraints.items() if coupled[blk.start:blk.stop].any()}
    assert any(name.startswith("agg:") for name in blocks) and any(name.startswith("ceiling:") for name in blocks)
    assert not blocks & {"start_once", "started_by", "capacity_demand", "capacity_node"}
    assert not any(name.startswith(("fin:", "target:")) for name in blocks)  # the money alone stays whole


def test_relaxed_parts_give_the_lp_bound_and_whole_parts_a_bound_between_optimum_and_lp(small) -> None:  # type: ignore[no-untyped-def]
    bm, arr, dual, lp_obj, optimum = small
    coupled = coupling_rows(bm, arr)
    relaxed = lagrangian_bound(arr, dual, coupled, offset=bm.lm.offset, deadline=time.perf_counter() - 1.0)
    assert relaxed.closed == 0
    assert relaxed.value == pytest.approx(lp_obj, rel=1e-7)  # LP duality: the multipliers are the LP's duals
    whole = lagrangian_bound(arr, dual, coupled, offset=bm.lm.offset, deadline=float("inf"))
    assert whole.closed == whole.parts - whole.relaxed and whole.closed > 0
    assert optimum - 1e-6 <= whole.value <= lp_obj + 1e-6
    assert whole.value < lp_obj - 1e-3 * abs(lp_obj)  # and tighter here than the LP, by more than 0.1 %


def test_any_multipliers_give_a_bound_above_the_optimum(small) -> None:  # type: ignore[no-untyped-def]
    """Weak duality holds for every y — the sign rule picks the side each multiplier prices."""
    bm, arr, dual, _, optimum = small
    coupled = coupling_rows(bm, arr)
    rng = np.random.default_rng(0)
    for y in (0.5 * dual, 2.0 * dual, dual + rng.normal(0.0, 0.05, dual.size), np.zeros_like(dual)):
        bound = lagrangian_bound(arr, y, coupled, offset=bm.lm.offset, deadline=float("inf"))
        assert bound.value >= optimum - 1e-6


def test_the_large_path_reports_the_lagrangian_bound(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Down the large path with a second process: the bound it reports is the Lagrangian one, at most the LP
    bound and at least the plan."""
    import hushall.optimize.solve as solve
    from hushall.optimize import optimize

    p = synthetic_municipality(150, n_years=10, seed=5, capacity=True, finance=True)
    p.renewal = synthetic_renewal(p, 5)
    monkeypatch.setattr(solve, "LARGE_MODEL_COLUMNS", 100)
    monkeypatch.setenv("HUSHALL_PARALLEL_START", "1")
    seen = []
    result = optimize(p, time_limit=5.0, mip_gap=1e-5, progress=seen.append, explain=False, ranking=False)
    reported = [s.bound for s in seen if s.phase == "bound"]
    assert reported, "the second process's bound arrived"
    assert result.objective - 1e-6 <= result.bound == pytest.approx(reported[-1])
    assert result.bound < result.lp_bound
