"""The neighbourhood search of large models (:func:`hushall.optimize.solve.improve_in_neighbourhoods`): a sub-MIP
keeps everything its free projects cannot move as in the plan (:func:`~hushall.optimize.solve._fixed_outside`)
and is handed to HiGHS without its fixed columns (:func:`~hushall.optimize.linear.without_fixed`) — the same
optimum as the whole model with those bounds; the parts of the places network come most-unsure first; the plan it
returns is worth, written back, what the search says."""

from __future__ import annotations

import time

import numpy as np
import pytest

from hushall.optimize.linear import highs_from_arrays, without_fixed
from hushall.optimize.model import create_model, started_by_terms
from hushall.optimize.renewal_decisions import claimed_pools
from hushall.optimize.solve import (
    _assign_solution,
    _fixed_outside,
    _parts_by_unsure,
    _slack_total,
    assign_solution,
    improve_in_neighbourhoods,
    solve_lp_relaxation,
)
from hushall.optimize.synthetic import synthetic_municipality, synthetic_renewal
from hushall.optimize.warmstart import network_parts, round_greedily


def model(n: int, n_years: int, seed: int = 3):  # type: ignore[no-untyped-def]
    p = synthetic_municipality(n, n_years=n_years, seed=seed, capacity=True, finance=True)
    p.renewal = synthetic_renewal(p, seed)
    bm = create_model(p)
    arr = bm.lm.arrays()
    status, lp, _, lp_obj = solve_lp_relaxation(bm, arr, 60.0)
    assert status == "Optimal"
    x0 = round_greedily(bm, lp[bm.x.start:bm.x.stop])
    pv = assign_solution(bm, x0, tight=False)
    assert pv.status == "Optimal"
    return p, bm, arr, lp, lp_obj, x0, pv


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return model(80, 8)


def test_everything_the_free_projects_cannot_move_stays_as_in_the_plan(small) -> None:  # type: ignore[no-untyped-def]
    p, bm, arr, _, _, x0, pv = small
    rng = np.random.default_rng(0)
    free = np.zeros(p.n_projects, dtype=bool)
    free[rng.choice(p.n_projects, size=10, replace=False)] = True
    lo, up = _fixed_outside(bm, arr, free, x0, pv.solution)
    fixed = lo == up
    xs = slice(bm.x.start, bm.x.stop)
    kept_cols = ~free[p.col_project]
    assert fixed[xs][kept_cols].all() and (lo[xs][kept_cols] == x0[kept_cols]).all()
    assert not fixed[xs][~kept_cols & (arr["col_lower"][xs] < arr["col_upper"][xs])].any()
    rows, cols = started_by_terms(p)
    w = bm.lm.variables["started_by"]
    project_of = np.zeros(w.size, dtype=np.int64)
    project_of[rows] = p.col_project[cols]
    assert fixed[w.start:w.stop][~free[project_of]].all()
    assert not fixed[w.start:w.stop][free[project_of]].any()
    pools = claimed_pools(p, free)
    assert 0 < pools.sum() < pools.size
    spend = bm.lm.variables["renewal:spend"]
    by_pool = fixed[spend.start:spend.stop].reshape(-1, p.n_years)
    assert by_pool[~pools].all()
    openable = (arr["col_lower"] < arr["col_upper"])[spend.start:spend.stop].reshape(-1, p.n_years)
    assert not (by_pool[pools] & openable[pools]).any()
    np.testing.assert_array_equal(lo[fixed & (arr["col_lower"] < arr["col_upper"])],
                                  pv.solution[fixed & (arr["col_lower"] < arr["col_upper"])])


def test_the_model_without_its_fixed_columns_has_the_same_optimum(small) -> None:  # type: ignore[no-untyped-def]
    p, bm, arr, _, _, x0, pv = small
    free = np.zeros(p.n_projects, dtype=bool)
    free[np.flatnonzero(p.capacity.project_places != 0)[:12]] = True
    lo, up = _fixed_outside(bm, arr, free, x0, pv.solution)
    whole = {**arr, "col_lower": lo, "col_upper": up}
    small_model = without_fixed(whole, offset=bm.lm.offset)
    assert small_model.columns.size < 0.5 * lo.size
    values = []
    for a, off in ((whole, bm.lm.offset), (small_model.arrays, small_model.offset)):
        h = highs_from_arrays(a, sense="max", offset=off, options={"mip_rel_gap": 1e-9, "time_limit": 60.0})
        h.run()
        assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
        values.append(h.getInfo().objective_function_value)
        if a is small_model.arrays:
            full = small_model.expand(np.asarray(h.getSolution().col_value))
            act = arr["matrix"] @ full
            assert (act >= arr["row_lower"] - 1e-5).all() and (act <= arr["row_upper"] + 1e-5).all()
            assert float(arr["cost"] @ full) + bm.lm.offset == pytest.approx(values[-1], abs=1e-6)
    assert values[1] == pytest.approx(values[0], abs=1e-5)
    assert values[0] >= pv.objective - 1e-6  # the plan is one of its solutions


def test_parts_come_most_unsure_first_and_hold_the_projects_that_change_places(small) -> None:  # type: ignore[no-untyped-def]
    p, bm, _, lp, _, _, _ = small
    cb = p.capacity
    mass = np.bincount(p.col_project, weights=lp[bm.x.start:bm.x.stop], minlength=p.n_projects)
    in_part = (mass > 1e-6) & (mass < 1 - 1e-6)
    parts = _parts_by_unsure(bm, in_part)
    movers = np.flatnonzero((cb.project_node >= 0) & (cb.project_places != 0))
    assert sorted(np.concatenate(parts).tolist()) == movers.tolist()
    _, label = network_parts(cb)
    for members in parts:
        assert np.unique(label[cb.n_demand + cb.project_node[members]]).size == 1
    unsure = [int(in_part[m].sum()) for m in parts]
    assert unsure == sorted(unsure, reverse=True) and unsure[0] > 0


def test_the_search_improves_the_plan_and_it_is_worth_that_written_back() -> None:
    _, bm, arr, lp, lp_obj, x0, pv = model(200, 12)
    seen = []
    x, objective = improve_in_neighbourhoods(bm, arr, x0, pv.objective, lp[bm.x.start:bm.x.stop], lp_obj,
                                             deadline=time.perf_counter() + 6.0, mip_gap=1e-4,
                                             emit=seen.append, t0=0.0, solution=pv.solution)
    assert objective > pv.objective + 1e-3
    assert any(s.message.endswith("bättre plan") for s in seen)
    back = assign_solution(bm, x, tight=False)
    # written back with the sub-MIP's renewal or, when worth more, the LPs' (the sub-MIP held some pools' renewal)
    assert back.objective >= objective - 1e-3
    assert _slack_total(bm, back.solution) <= 1e-6
    assert objective <= back.objective <= lp_obj + 1e-6
    lps = _assign_solution(bm, x, tight=False, known_renewal=False)  # the renewal of the write-back's two LPs
    if _slack_total(bm, lps.solution) <= 1e-6:
        assert back.objective >= lps.objective - 1e-6  # here 223.83 against the sub-MIP's 223.74 (2026-12-04)


def test_the_large_path_gives_a_plan_that_keeps_the_targets_and_is_worth_what_it_says(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``optimize`` on a model taken down the large path (neighbourhoods instead of branch and bound): the plan
    meets every target, its reported value is its written-back value and within the LP bound, and it is worth at
    least the greedy start."""
    import hushall.optimize.solve as solve
    from hushall.optimize import optimize

    p = synthetic_municipality(150, n_years=10, seed=5, capacity=True, finance=True)
    p.renewal = synthetic_renewal(p, 5)
    monkeypatch.setattr(solve, "LARGE_MODEL_COLUMNS", 100)
    seen = []
    result = optimize(p, time_limit=6.0, mip_gap=1e-4, progress=seen.append, explain=False, ranking=False)
    phases = {s.phase for s in seen}
    assert "neighbourhood" in phases and "mip" not in phases
    start = next(s.objective for s in seen if s.phase == "warm_start" and s.objective is not None)
    assert result.objective >= start - 1e-6
    assert result.objective <= result.lp_bound + 1e-6
    assert not result.violations
    from hushall.optimize.warmstart import columns_of_plan

    back = assign_solution(create_model(p), columns_of_plan(p, result.schedule_dict), tight=False)
    assert back.objective <= result.objective + 1e-3  # no better renewal left unused for the reported plan
