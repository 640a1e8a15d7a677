"""The synthetic municipalities of the tests and benchmarks are deterministic, consistent and realistic."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.optimize import synthetic_municipality
from hushall.optimize.synthetic import _haversine_km


@pytest.mark.parametrize(("n", "years"), [(10, 5), (300, 20), (2000, 30)])
def test_sizes_and_consistency(n: int, years: int) -> None:
    p = synthetic_municipality(n, n_years=years, seed=1)
    assert p.n_projects == n and p.n_years == years
    assert np.all(p.cost_kr > 0)
    assert np.all((p.col_start >= 0) & (p.col_start < years))
    assert np.all(p.col_start + p.duration[p.col_project] <= years)  # built within the plan
    assert np.all(np.bincount(p.col_project, minlength=n)[p.must_do] >= 1)
    dep = np.flatnonzero(p.depends_on >= 0)
    assert np.all(p.depends_on[dep] < dep)  # no cycles: predecessors come first
    cb = p.capacity
    assert cb is not None and cb.demand.shape == (cb.n_demand, years)
    assert np.all(cb.demand >= 0) and np.all(cb.node_capacity >= 0)
    assert p.finance is not None and len(p.finance.targets) == 4 and len(p.finance.balanskrav) == 1
    # investment equals the cost (real) for every column whose construction lies in the plan
    np.testing.assert_allclose(np.asarray(p.invest_real.sum(axis=1)).ravel(), p.cost_kr[p.col_project], rtol=1e-9)


def test_deterministic_by_seed() -> None:
    a, b, c = (synthetic_municipality(100, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.cost_kr, b.cost_kr)
    np.testing.assert_array_equal(a.col_start, b.col_start)
    assert not np.array_equal(a.cost_kr, c.cost_kr)


def test_arcs_within_reach() -> None:
    p = synthetic_municipality(400, seed=2)
    cb = p.capacity
    assert cb is not None
    reach = {"forskola": 10.0, "grundskola": 15.0, "sabo": 40.0}
    limits = np.array([reach[s] for s in cb.node_service[cb.arc_node]])
    assert np.all(cb.arc_distance_km <= limits + 1e-9)
    assert np.all(cb.node_service[cb.arc_node] == cb.demand_service[cb.arc_demand])
    assert round(float(_haversine_km(np.array(57.0), np.array(15.0), np.array(58.0), np.array(15.0))), 0) == 111


def test_fifty_thousand_projects_are_cheap_to_generate() -> None:
    p = synthetic_municipality(50_000, n_years=20, seed=0, capacity=False, finance=False)
    assert p.n_columns > 100_000
