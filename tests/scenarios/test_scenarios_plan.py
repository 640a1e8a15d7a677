"""A plan's effects per draw: no delay equals the projects stage; delays shift; maintenance debt and places."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hushall.model import MunicipalityData
from hushall.projects import ProjectCatalog, Schedule, plan_effects, plan_indices
from hushall.scenarios import plan_arrays, realise


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), share=st.floats(0.1, 1.0))
def test_without_delay_the_totals_are_the_projects_stage(data: MunicipalityData, seed: int, share: float) -> None:
    cat = ProjectCatalog.from_data(data)
    rng = np.random.default_rng(seed)
    chosen = [i for i in range(len(cat)) if rng.random() < share]
    sched = Schedule({cat.project_ids[i]: int(rng.integers(cat.earliest_start[i], cat.latest_start[i] + 1))
                      for i in chosen})
    ci, pi = plan_indices(data)
    nominal = plan_effects(cat, sched, data.years, ci, pi).nominal()
    out = realise(plan_arrays(data, sched), ci, pi)
    pairs = {"investment_kr": nominal.investment_kr, "expensed_kr": nominal.expensed_kr,
             "capitalised_kr": nominal.capitalised_kr, "depreciation_kr": nominal.depreciation_kr,
             "operating_cost_kr": nominal.operating_cost_kr, "sale_proceeds_kr": nominal.sale_proceeds_kr,
             "places": nominal.places, "projects_under_construction": nominal.projects_under_construction,
             "written_off_kr": nominal.written_off_kr,
             "existing_depreciation_stopped_kr": nominal.existing_depreciation_stopped_kr,
             "realisation_gains_kr": nominal.realisation_gains_kr}
    for key, expected in pairs.items():
        np.testing.assert_allclose(out[key], expected, atol=1e-3, err_msg=key)


def test_a_delay_moves_the_whole_plan(data: MunicipalityData, plan: Schedule) -> None:
    arrays = plan_arrays(data, plan)
    ones = np.ones(data.horizon_years)
    delay = np.ones((1, arrays.n_projects), dtype=np.int64)
    now, later = realise(arrays, ones, ones), realise(arrays, ones, ones, delay=delay)
    for key in ("investment_kr", "capitalised_kr", "depreciation_kr", "places", "projects_under_construction"):
        np.testing.assert_allclose(later[key][0, 1:], now[key][:-1], atol=1e-6, err_msg=key)
        assert later[key][0, 0] == 0.0
    overrun = np.full((1, arrays.n_projects), 1.2)
    dear = realise(arrays, ones, ones, overrun=overrun)
    np.testing.assert_allclose(dear["investment_kr"][0], 1.2 * now["investment_kr"])
    np.testing.assert_allclose(dear["places"][0], now["places"])


def test_maintenance_debt_under_the_plan(data: MunicipalityData) -> None:
    ones = np.ones(data.horizon_years)
    nothing = plan_arrays(data, {})
    assert nothing.n_projects == 0
    np.testing.assert_allclose(realise(nothing, ones, ones)["maintenance_debt_kr"], nothing.debt_without_plan_kr)
    renew = plan_arrays(data, {"P-12": 2025, "P-14": 2025})
    debt = realise(renew, ones, ones)["maintenance_debt_kr"]
    assert (debt <= nothing.debt_without_plan_kr + 1e-6).all()
    done = 2025 + 2 - 1 - data.first_year  # P-14 (2 years) completes at the end of 2026, P-12 (3) of 2027
    np.testing.assert_allclose(debt[:done], nothing.debt_without_plan_kr[:done])  # nothing cleared before
    assert (debt < nothing.debt_without_plan_kr - 1e6).any()
    # A closure removes its facility's components for good.
    close = plan_arrays(data, {"P-11": 2026})
    assert realise(close, ones, ones)["maintenance_debt_kr"][-1] <= nothing.debt_without_plan_kr[-1]
    assert close.debt_relief_kr[0, 1, -1] >= 0


def test_new_places_reduce_missing_places(data: MunicipalityData) -> None:
    ones = np.ones(data.horizon_years)
    without = realise(plan_arrays(data, {}), ones, ones)["missing_places"]
    with_sabo = realise(plan_arrays(data, {"P-01": 2026}), ones, ones)["missing_places"]
    assert (with_sabo <= without + 1e-9).all()
    assert with_sabo[-1] < without[-1]
    fewer = realise(plan_arrays(data, {}), ones, ones, demand_factor=np.full(data.horizon_years, 0.8))
    assert (fewer["missing_places"] <= without + 1e-9).all()


def test_a_sale_or_closure_takes_its_book_value_when_it_is_done(data: MunicipalityData) -> None:
    """The book value written off is the one at the (delayed) completion; a price above it is a gain."""
    cat = ProjectCatalog.from_data(data)
    ci, pi = plan_indices(data)
    arrays = plan_arrays(data, {"P-20": 2027, "P-11": 2027})
    assert arrays.project_ids == ("P-11", "P-20")
    delay = np.array([[0, 0], [2, 1]], dtype=np.int64)  # draw 1: P-11 two years late, P-20 one
    out = realise(arrays, ci, pi, delay=delay)
    t = 2027 - data.first_year
    closed, sold = (cat.removed_book_value_kr[cat.index(pid)] for pid in arrays.project_ids)
    assert out["written_off_kr"][0, t] == closed[t + 1] + sold[t + 1]
    np.testing.assert_array_equal(out["written_off_kr"][1, t:t + 3], [0.0, sold[t + 2], closed[t + 3]])
    assert (out["realisation_gains_kr"] == 0).all()  # Exempelkommun's gym sells below its book value
    dear = realise(arrays, ci, pi * 20.0, delay=delay)  # at twenty times the prices the gym sells at a gain
    gain = cat.sale_proceeds_kr[cat.index("P-20")] * pi[t + 1] * 20.0 - sold[t + 2]
    assert gain > 0 and dear["realisation_gains_kr"][1, t + 1] == gain
    assert dear["realisation_gains_kr"][1].sum() == gain  # the closure has no price: no gain
