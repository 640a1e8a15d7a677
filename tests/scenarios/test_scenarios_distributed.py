"""Dask: the same results on a LocalCluster as locally."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pandas as pd
import pytest

from hushall.examples import example_path
from hushall.model import MunicipalityData
from hushall.projects import Schedule
from hushall.scenarios import builtin_scenarios, compare, greedy_planner, simulate
from hushall.scenarios.distributed import analyse_municipalities, dask_client, map_ordered

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with dask_client(n_workers=1, processes=False, threads_per_worker=2) as c:
        yield c


def _summary_probability(data: MunicipalityData, n_draws: int, seed: int) -> float:
    return simulate(data, None, n_draws=n_draws, seed=seed).all_years_probability


def test_comparison_on_a_cluster_equals_local(data: MunicipalityData, plan: Schedule, client: object) -> None:
    chosen = [builtin_scenarios()[k] for k in ("hög_ränta", "låg_befolkning")]
    local = compare(data, chosen, plan)
    remote = compare(data, chosen, plan, client=client)
    pd.testing.assert_frame_equal(local.summary(), remote.summary())
    pd.testing.assert_frame_equal(local.yearly(), remote.yearly())


def test_reoptimising_on_a_cluster_equals_local(data: MunicipalityData, client: object) -> None:
    chosen = [builtin_scenarios()["byggkostnadschock"]]
    local = compare(data, chosen, planner=greedy_planner)
    remote = compare(data, chosen, planner=greedy_planner, client=client)
    assert local.reoptimised and remote.reoptimised
    pd.testing.assert_frame_equal(local.schedules(), remote.schedules())
    pd.testing.assert_frame_equal(local.summary(), remote.summary())


def test_many_municipalities_and_order(data: MunicipalityData, client: object) -> None:
    analysis = partial(_summary_probability, n_draws=300, seed=5)
    sources = [example_path(), data]
    assert analyse_municipalities(sources, analysis, client=client) == analyse_municipalities(sources, analysis)
    assert map_ordered(abs, [-3, 1, -2], client=client) == [3, 1, 2]


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    from hushall.scenarios.distributed import DistributedError

    with pytest.raises(DistributedError, match="svarar inte"), dask_client("tcp://127.0.0.1:9", timeout_s=0.5):
        pass


def test_reoptimising_with_the_milp_on_worker_processes_equals_local(data: MunicipalityData) -> None:
    """The real optimiser (HiGHS) as planner, shipped to separate worker processes of a LocalCluster: the same
    plans, values and statements as in this process. The gap is loose enough that every solve stops on the gap,
    not on the clock, so the answer does not depend on the machine's speed."""
    from hushall.scenarios import OptimiserPlanner

    # 10 %: the example's first plans come within it in seconds (its tight targets keep the bound open for long:
    # issue 14), so every solve stops on the gap, not on the clock
    planner = OptimiserPlanner(time_limit=120.0, mip_gap=0.10)
    chosen = [builtin_scenarios()["hög_ränta"]]
    local = compare(data, chosen, planner=planner)
    with dask_client(n_workers=2, processes=True, threads_per_worker=1) as c:
        remote = compare(data, chosen, planner=planner, client=c)
    assert local.reoptimised and remote.reoptimised
    assert [o.planner_status for o in local.outcomes] == [o.planner_status for o in remote.outcomes]
    assert all(o.planner_status in ("optimal", "feasible", "targets_infeasible") for o in local.outcomes)
    assert len(local.outcomes[0].schedule) > 0
    pd.testing.assert_frame_equal(local.schedules(), remote.schedules())
    pd.testing.assert_frame_equal(local.summary(), remote.summary())
    pd.testing.assert_frame_equal(local.yearly(), remote.yearly())
