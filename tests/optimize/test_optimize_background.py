"""The mid-size start in a second process (:mod:`hushall.optimize.background`): the child solves what this process
would, is ended with the solve, fails without harm; branch and bound takes a plan offered while it runs and stops
once the bound it has reported proves that plan."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from hushall.optimize import solve as solve_module
from hushall.optimize import synthetic_municipality
from hushall.optimize.background import PARALLEL_ENV, BackgroundMip, spare_core
from hushall.optimize.model import create_model
from hushall.optimize.solve import (
    assign_solution,
    lp_neighbourhood_arrays,
    run_mip,
    solve_lp_neighbourhood,
    solve_lp_relaxation,
    solve_model,
)
from hushall.optimize.warmstart import round_greedily


@pytest.fixture(scope="module")
def places_model():
    """150 projects with places and the financial targets, 12 years; with its LP relaxation."""
    problem = synthetic_municipality(150, n_years=12, seed=3, capacity=True, finance=True)
    bm = create_model(problem)
    arr = bm.lm.arrays()
    status, lp, _, lp_obj = solve_lp_relaxation(bm, arr, 60.0)
    assert status == "Optimal"
    return bm, arr, lp, lp_obj


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # reaped processes are gone; a zombie would still answer, so look at its state
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        return f.read().rsplit(")", 1)[1].split()[0] == "Z"


def test_the_child_solves_the_neighbourhood_as_this_process_does(places_model) -> None:
    bm, arr, lp, _ = places_model
    lp_x = lp[bm.x.start:bm.x.stop]
    here = solve_lp_neighbourhood(bm, arr, lp_x, time_limit=30.0)
    with BackgroundMip() as child:
        pid = child.pid
        child.submit(lp_neighbourhood_arrays(bm, arr, lp_x), offset=bm.lm.offset, time_limit=30.0,
                     mip_gap=solve_module.RENS_GAP)
        result = child.wait(60.0)
    assert pid is not None and _gone(pid)
    assert result is not None and result.solution is not None
    assert result.solution.shape == (bm.lm.num_vars,)
    # both stop within 1 % of their bounds: the same plan value up to that gap, and a plan the write-back values
    assert result.objective == pytest.approx(here.objective, rel=0.011)
    x = np.round(result.solution[bm.x.start:bm.x.stop])
    pv = assign_solution(bm, x, tight=False)
    assert pv.status == "Optimal" and pv.objective >= result.objective - 1e-3


def test_closing_ends_a_running_child_and_a_failing_child_gives_no_result(places_model) -> None:
    bm, arr, _, _ = places_model
    child = BackgroundMip()
    pid = child.pid
    child.submit(arr, offset=bm.lm.offset, time_limit=600.0, mip_gap=0.0)  # the whole model to optimality
    time.sleep(1.0)
    assert child.result() is None  # still working, and asking does not wait
    t = time.perf_counter()
    child.close()
    assert time.perf_counter() - t < 5.0 and pid is not None and _gone(pid)
    assert child.wait(5.0) is None
    with BackgroundMip() as broken:
        broken.submit({"matrix": "not a matrix"}, offset=0.0, time_limit=5.0, mip_gap=0.01)
        assert broken.wait(60.0) is None


def test_the_setting_decides_whether_a_second_process_is_used(monkeypatch) -> None:
    monkeypatch.setenv(PARALLEL_ENV, "0")
    assert spare_core() is False
    monkeypatch.setenv(PARALLEL_ENV, "1")
    assert spare_core() is (len(os.sched_getaffinity(0)) >= 2)


def test_branch_and_bound_takes_an_offered_plan_and_stops_once_it_is_proven() -> None:
    """Offered the best plan known from the start, the run answers with it (or a better one) within the gap,
    and never with less; offered nothing, HiGHS alone does not reach it at its root node with no heuristics."""
    bm = create_model(synthetic_municipality(80, n_years=12, seed=3, capacity=True, finance=True))
    arr = bm.lm.arrays()
    best = run_mip(bm, arr, time_limit=60.0, mip_gap=1e-4)
    assert best.solution is not None
    limited = {"mip_max_nodes": 1, "mip_heuristic_effort": 0.0, "mip_heuristic_run_feasibility_jump": False}
    alone = run_mip(bm, arr, time_limit=30.0, mip_gap=1e-4, options=limited)
    assert alone.objective < best.objective - 1e-3
    asked = []

    def offered():
        asked.append(time.perf_counter())
        return best.objective, best.solution

    run = run_mip(bm, arr, time_limit=30.0, mip_gap=0.02, options=limited, offered=offered)
    assert asked and run.x is not None
    assert run.objective >= best.objective - 1e-6
    assert run.bound >= run.objective - 1e-6 and (run.bound - run.objective) / run.objective <= 0.02
    np.testing.assert_array_equal(run.x, np.round(best.solution[bm.x.start:bm.x.stop]))


def test_the_parallel_start_gives_a_plan_as_good_as_the_sequential_one(places_model, monkeypatch) -> None:
    """A mid-size solve with the second process ends it, and its plan is feasible, within the gap (1 % here) and
    at least the greedy rounding; so is the solve without it (both are within 1 % of the same bound)."""
    bm, _, lp, _ = places_model
    monkeypatch.setattr(solve_module, "DETERMINISTIC_START_COLUMNS", 100)  # this model counts as mid-size
    pids: list[int] = []
    real = solve_module.BackgroundMip

    class Recorded(real):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            pids.append(self.pid)

    monkeypatch.setattr(solve_module, "BackgroundMip", Recorded)
    rounded = assign_solution(bm, round_greedily(bm, lp[bm.x.start:bm.x.stop]), tight=False).objective
    outcomes = {}
    for parallel in (True, False):
        out = solve_model(bm, time_limit=60.0, mip_gap=0.01, parallel_start=parallel)
        assert out.x is not None and out.gap <= 0.01 + 1e-9
        pv = assign_solution(bm, out.x, tight=False)
        assert pv.status == "Optimal" and pv.objective == pytest.approx(out.objective, abs=1e-3)
        assert out.objective >= rounded - 1e-6
        outcomes[parallel] = out
    assert len(pids) == 1 and _gone(pids[0])
    assert outcomes[True].objective == pytest.approx(outcomes[False].objective, rel=0.02)


PARENT = """
import sys, time
from hushall.optimize import synthetic_municipality
from hushall.optimize.background import BackgroundMip
from hushall.optimize.model import create_model
bm = create_model(synthetic_municipality(150, n_years=12, seed=3, capacity=True, finance=True))
child = BackgroundMip()
child.submit(bm.lm.arrays(), offset=bm.lm.offset, time_limit=600.0, mip_gap=0.0)
print(child.pid, flush=True)
time.sleep(600)
"""


def test_the_child_ends_itself_when_its_parent_is_killed() -> None:
    """A killed server leaves no solver behind: the child sees its parent gone and ends within a second."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        time.sleep(2.0)  # the child has its problem and is solving
        assert not _gone(pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline and not _gone(pid):
            time.sleep(0.1)
        assert _gone(pid)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
