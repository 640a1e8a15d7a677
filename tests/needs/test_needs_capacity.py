"""Places: demand against capacity per district, service and year.

Småby, one district A. Population per year: ages 0–4 (50 in 2025, +5 a year), age 5 (12), ages 78–82 (100).

* Förskola (1–5 år, täckningsgrad 0,8; F1 with 60 places): the 0–4 band counts 4/5 (ages 1–4), so
  2025: 0,8 × 50 + 12 = 52 children, demand 0,8 × 52 = 41,6, surplus 18,4, utilisation 41,6/60;
  2034: 0,8 × 95 + 12 = 88 children, demand 70,4, deficit 10,4.
* SÄBO (80+ år, täckningsgrad 0,5; F2 with 20 places): 78–82 counts 3/5 → 60 people, demand 30, deficit 10,
  utilisation 1,5 in every year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hushall.model import MunicipalityData
from hushall.needs import NeedsResult, analyse_needs
from hushall.needs.capacity import band_shares, capacity_table, capacity_totals


def row(result: NeedsResult, service: str, year: int) -> pd.Series:
    t = result.capacity
    return t[(t["service_id"] == service) & (t["year"] == year)].iloc[0]


def test_forskola_by_hand(small_needs: NeedsResult) -> None:
    r = row(small_needs, "forskola", 2025)
    assert r["population_in_band"] == pytest.approx(52.0)
    assert r["demand"] == pytest.approx(41.6)
    assert r["capacity"] == 60.0
    assert r["surplus"] == pytest.approx(18.4)
    assert r["deficit"] == 0.0
    assert r["utilisation"] == pytest.approx(41.6 / 60)
    r = row(small_needs, "forskola", 2034)
    assert r["demand"] == pytest.approx(70.4)
    assert r["deficit"] == pytest.approx(10.4)
    assert r["surplus"] == pytest.approx(-10.4)


def test_sabo_by_hand(small_needs: NeedsResult) -> None:
    t = small_needs.capacity[small_needs.capacity["service_id"] == "sabo"]
    assert len(t) == 10
    np.testing.assert_allclose(t["population_in_band"], 60.0)
    np.testing.assert_allclose(t["demand"], 30.0)
    np.testing.assert_allclose(t["deficit"], 10.0)
    np.testing.assert_allclose(t["utilisation"], 1.5)


def test_grid_is_complete(example: MunicipalityData, example_needs: NeedsResult) -> None:
    t = example_needs.capacity
    assert len(t) == len(example.districts) * len(example.services) * len(example.years)
    assert not t.duplicated(["district_id", "service_id", "year"]).any()


def test_demand_equals_hand_sum_in_example(example: MunicipalityData, example_needs: NeedsResult) -> None:
    # Independent computation, one single age at a time.
    pop = example.population
    for service in example.services.itertuples():
        for year in (example.first_year, example.last_year):
            p = pop[pop["year"] == year]
            expected = {}
            for r in p.itertuples():
                ages = range(int(r.age_from), int(r.age_to) + 1)
                inside = sum(1 for a in ages if service.age_from <= a <= service.age_to)
                share = inside / len(ages)
                expected[r.district_id] = expected.get(r.district_id, 0.0) + r.count * share * service.coverage
            t = example_needs.capacity
            got = t[(t["service_id"] == service.service_id) & (t["year"] == year)].set_index("district_id")["demand"]
            for district, demand in got.items():
                assert demand == pytest.approx(expected.get(district, 0.0))


def test_capacity_is_sum_of_places(example: MunicipalityData, example_needs: NeedsResult) -> None:
    fac = example.facilities
    places = fac[fac["service_id"] != ""].groupby(["district_id", "service_id"])["capacity_places"].sum()
    t = example_needs.capacity[example_needs.capacity["year"] == example.first_year]
    got = t.set_index(["district_id", "service_id"])["capacity"]
    for key, value in got.items():
        assert value == places.get(key, 0.0)


def test_totals(example_needs: NeedsResult) -> None:
    t = example_needs.capacity
    tot = example_needs.capacity_totals.set_index(["service_id", "year"])
    sums = t.groupby(["service_id", "year"])[["demand", "capacity", "deficit"]].sum()
    np.testing.assert_allclose(tot.loc[sums.index, "demand"], sums["demand"])
    np.testing.assert_allclose(tot.loc[sums.index, "capacity"], sums["capacity"])
    np.testing.assert_allclose(tot.loc[sums.index, "deficit_districts"], sums["deficit"])
    # Netting across districts can only lower the deficit.
    assert (tot["deficit"] <= tot["deficit_districts"] + 1e-9).all()
    np.testing.assert_allclose(tot["surplus"], tot["capacity"] - tot["demand"])


def test_no_capacity_gives_nan_utilisation(small: MunicipalityData) -> None:
    fac = small.facilities.copy()
    fac.loc[fac["facility_id"] == "F2", "service_id"] = ""
    result = analyse_needs(small.replace(facilities=fac))
    sabo = result.capacity[result.capacity["service_id"] == "sabo"]
    assert sabo["capacity"].eq(0).all()
    assert sabo["utilisation"].isna().all()
    np.testing.assert_allclose(sabo["deficit"], sabo["demand"])
    totals = capacity_totals(result.capacity)
    assert totals.loc[totals["service_id"] == "sabo", "utilisation"].isna().all()


def test_band_shares_by_hand() -> None:
    shares = band_shares([0, 3, 6, 78, 100, 90], [4, 3, 9, 82, 120, 90], [1, 80], [5, 120])
    np.testing.assert_allclose(
        shares,
        [[0.8, 0.0], [1.0, 0.0], [0.0, 0.0], [0.0, 0.6], [0.0, 1.0], [0.0, 1.0]],
    )


def test_years_outside_the_plan_are_ignored(small: MunicipalityData) -> None:
    extra = small.population.iloc[:3].assign(year=2050, count=1e6)
    t = capacity_table(small.replace(population=pd.concat([small.population, extra], ignore_index=True)))
    assert t["year"].max() == 2034
    assert t["demand"].max() < 100


partitions = st.lists(st.integers(1, 15), min_size=1, max_size=30).map(
    lambda widths: np.cumsum([0, *widths])
)


@settings(max_examples=100, deadline=None)
@given(partitions, st.integers(0, 120), st.integers(0, 120), st.integers(0, 120))
def test_band_splitting_is_additive(edges: np.ndarray, a: int, b: int, c: int) -> None:
    lo, mid, hi = sorted((a, b, c))
    age_from, age_to = edges[:-1], edges[1:] - 1
    whole = band_shares(age_from, age_to, [lo], [hi])[:, 0]
    left = band_shares(age_from, age_to, [lo], [mid])[:, 0]
    right = band_shares(age_from, age_to, [mid + 1], [hi])[:, 0] if mid < hi else np.zeros_like(whole)
    np.testing.assert_allclose(left + right, whole)
    assert np.all((whole >= 0) & (whole <= 1))
    # A band covering every age counts every row in full.
    np.testing.assert_allclose(band_shares(age_from, age_to, [0], [int(edges[-1])])[:, 0], 1.0)
    # Single ages are either in or out.
    singles = band_shares(np.arange(121), np.arange(121), [lo], [hi])[:, 0]
    assert singles.sum() == hi - lo + 1
