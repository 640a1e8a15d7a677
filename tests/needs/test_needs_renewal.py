"""Renewal need and maintenance debt: the hand-checked Småby case, identities and properties.

Småby (``tests/data/small``): base year 2024, plan 2025–2034. First due years (mid-year convention, halves up):

=====  ==========================  ============================  =====
 part  rule                        due                           value
=====  ==========================  ============================  =====
 K1    2010 + 20                   2030                          1 000 000
 K2    2005 + 15                   2020 → overdue                  200 000
 K8    2019 + round(7.5) = 2019+8  2027 (then 2035, outside)       300 000
 K3    grade 2: 2024 + 30·0.7      2045 (despite age 49)           500 000
 K4    grade 5: 2024 + 35·0        2024 → overdue                  800 000
 K5    2022 + 4                    2026, 2030, 2034                100 000
 K6    grade 3: 2024 + 35·0.45     2024 + round(15.75) = 2040    3 000 000
 K7    1987 + 40                   2027                            400 000
=====  ==========================  ============================  =====

Renewals per year: 2025 = K2 + K4 (the debt) = 1 000 000; 2026 = K5 = 100 000; 2027 = K7 + K8 = 700 000;
2030 = K1 + K5 = 1 100 000; 2034 = K5 = 100 000; other years 0; total 3 000 000.
Maintenance debt if nothing is done: 2024–2025 1 000 000; 2026 +K5 → 1 100 000; 2027 +K7 +K8 → 1 800 000;
2030 +K1 → 2 800 000 through 2034.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import gamma

from hushall.model import MunicipalityData
from hushall.model.parameters import Parameter
from hushall.needs import NeedsResult, analyse_needs
from hushall.needs.renewal import (
    construction_price_index,
    expected_renewal_density,
    expected_renewal_totals,
    first_due_year,
    maintenance_debt_totals,
    remaining_life_fractions,
    renewal_events,
    renewal_totals,
    round_half_up,
    whole_lifetimes,
)

YEARS = np.arange(2025, 2035)
DUE = {"K1": 2030, "K2": 2020, "K8": 2027, "K3": 2045, "K4": 2024, "K5": 2026, "K6": 2040, "K7": 2027}
RENEWAL = {2025: 1_000_000, 2026: 100_000, 2027: 700_000, 2030: 1_100_000, 2034: 100_000}
DEBT = {2024: 1_000_000, 2025: 1_000_000, 2026: 1_100_000, 2027: 1_800_000, 2028: 1_800_000,
        2029: 1_800_000, 2030: 2_800_000, 2031: 2_800_000, 2032: 2_800_000, 2033: 2_800_000, 2034: 2_800_000}


# --- Småby, by hand -----------------------------------------------------------------------------------------------


def test_first_due_years_by_hand(small_needs: NeedsResult) -> None:
    status = small_needs.components.set_index("component_id")
    assert status["first_due_year"].to_dict() == DUE
    assert sorted(status.index[status["overdue"]]) == ["K2", "K4"]
    assert status.loc["K6", "value_kr"] == 3_000_000  # 0.1 × facility value 30 Mkr
    assert status.loc["K8", "lifetime_whole_years"] == 8


def test_renewal_per_year_by_hand(small_needs: NeedsResult) -> None:
    by_year = small_needs.renewal_by_year.set_index("year")["amount_kr"]
    assert by_year.index.tolist() == YEARS.tolist()
    expected = pd.Series({y: float(RENEWAL.get(y, 0)) for y in YEARS})
    pd.testing.assert_series_equal(by_year, expected, check_names=False, check_index_type=False)


def test_renewal_per_category_by_hand(small_needs: NeedsResult) -> None:
    t = small_needs.renewal_by_year_category
    got = t[t["amount_kr"] != 0].set_index(["category", "year"])["amount_kr"].to_dict()
    assert got == {
        ("förskola", 2025): 200_000, ("förskola", 2027): 300_000, ("förskola", 2030): 1_000_000,
        ("säbo", 2025): 800_000,
        ("förvaltning", 2026): 100_000, ("förvaltning", 2027): 400_000, ("förvaltning", 2030): 100_000,
        ("förvaltning", 2034): 100_000,
    }
    assert len(t) == 3 * len(YEARS)  # every category × year present


def test_renewal_per_component_by_hand(small_needs: NeedsResult) -> None:
    t = small_needs.renewal_by_component
    assert t.loc[t["component_id"] == "K5", "year"].tolist() == [2026, 2030, 2034]
    backlog = t[t["backlog"]]
    assert sorted(backlog["component_id"]) == ["K2", "K4"]
    assert set(backlog["year"]) == {2025}
    assert t["amount_kr"].sum() == 3_000_000
    assert t["year"].is_monotonic_increasing


def test_aggregations_agree(small_needs: NeedsResult, example_needs: NeedsResult) -> None:
    for r in (small_needs, example_needs):
        total = r.renewal_by_year.set_index("year")["amount_kr"]
        for table in (r.renewal_by_year_category, r.renewal_by_year_district, r.renewal_by_year_facility,
                      r.renewal_by_component):
            pd.testing.assert_series_equal(
                table.groupby("year")["amount_kr"].sum().reindex(total.index, fill_value=0.0), total,
                check_names=False,
            )


def test_nominal_amounts_use_construction_price_index(small_needs: NeedsResult) -> None:
    # Default byggprisindex 3 % a year from the price base year 2024.
    by_year = small_needs.renewal_by_year.set_index("year")
    assert by_year.loc[2025, "amount_nominal_kr"] == pytest.approx(1_000_000 * 1.03)
    assert by_year.loc[2026, "amount_nominal_kr"] == pytest.approx(100_000 * 1.03**2)
    assert by_year.loc[2034, "amount_nominal_kr"] == pytest.approx(100_000 * 1.03**10)


def test_price_index_with_earlier_price_base_year(small: MunicipalityData) -> None:
    growth = Parameter("byggprisindex", {2000: 0.02, 2024: 0.05})
    data = small.replace(price_base_year=2022, assumptions={**small.assumptions, "byggprisindex": growth})
    # Prices grow 2 % in 2022 and 2023, 5 % from 2024; 2021 deflates by 2022's 2 %.
    index = construction_price_index(data, [2021, 2022, 2023, 2024, 2025])
    np.testing.assert_allclose(index, [1 / 1.02, 1.0, 1.02, 1.02 * 1.05, 1.02 * 1.05**2])


def test_maintenance_debt_by_hand(small_needs: NeedsResult) -> None:
    assert small_needs.maintenance_debt_kr == 1_000_000
    debt = small_needs.maintenance_debt_by_year.set_index("year")["amount_kr"]
    assert debt.to_dict() == DEBT
    by_cat = small_needs.maintenance_debt_by_year_category.groupby("year")["amount_kr"].sum()
    pd.testing.assert_series_equal(by_cat, debt, check_names=False)


def test_maintenance_debt_non_decreasing_in_example(example_needs: NeedsResult) -> None:
    debt = example_needs.maintenance_debt_by_year["amount_kr"].to_numpy()
    assert np.all(np.diff(debt) >= 0)
    assert debt[0] == pytest.approx(example_needs.maintenance_debt_kr)
    assert debt[-1] <= example_needs.components["value_kr"].sum() + 1e-6


def test_condition_overrides_age() -> None:
    # Same age, different grades: grade 1 leaves 90 % of 40 years, grade 5 none.
    due = first_due_year([1980] * 3, [40.0] * 3, 2024, remaining_life_fractions([np.nan, 1, 5]))
    assert due.tolist() == [2020, 2024 + 36, 2024]


def test_rounding_is_half_up() -> None:
    assert round_half_up([10.5, 11.5, 15.75, 15.25]).tolist() == [11, 12, 16, 15]
    assert whole_lifetimes([0.3, 1.49, 1.5]).tolist() == [1, 1, 2]
    # 15 × 0.7 = 10.5 remaining years → due 2024 + 11.
    assert first_due_year([2000], [15.0], 2024, [0.7]).tolist() == [2035]


# --- The deterministic schedule: identities -------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(1.0, 1e9),
    lifetime=st.floats(1.0, 60.0),
    cycles=st.integers(1, 5),
    offset=st.integers(0, 100),
)
def test_full_cycles_add_up_to_value_times_cycles(value: float, lifetime: float, cycles: int, offset: int) -> None:
    whole = int(whole_lifetimes([lifetime])[0])
    years = np.arange(2025, 2025 + cycles * whole)
    first_due = 2025 + offset % whole
    comp, year_idx, amount = renewal_events([value], [lifetime], [first_due], years)
    assert len(comp) == cycles
    assert amount.sum() == pytest.approx(value * cycles)
    assert np.all(np.diff(year_idx) == whole)
    assert renewal_totals([value], [lifetime], [first_due], years).sum() == pytest.approx(value * cycles)


components = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0.0, 1e8), min_size=n, max_size=n),
        st.lists(st.floats(1.0, 90.0), min_size=n, max_size=n),
        st.lists(st.integers(1900, 2100), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    )
)


@settings(max_examples=100, deadline=None)
@given(components, st.integers(1, 50))
def test_totals_equal_summed_events(parts: tuple[list, ...], n_years: int) -> None:
    value, lifetime, due, group = (np.asarray(x) for x in parts)
    years = np.arange(2025, 2025 + n_years)
    comp, year_idx, amount = renewal_events(value, lifetime, due, years)
    dense = np.zeros((4, n_years))
    np.add.at(dense, (group[comp], year_idx), amount)
    np.testing.assert_allclose(renewal_totals(value, lifetime, due, years, group, 4), dense, rtol=1e-12)
    # Every component inside the horizon is renewed once for each whole lifetime it spans.
    start = np.maximum(due, 2025)
    inside = start <= years[-1]
    counts = np.where(inside, (years[-1] - start) // whole_lifetimes(lifetime) + 1, 0)
    assert np.bincount(comp, minlength=len(value)).tolist() == counts.tolist()


@settings(max_examples=100, deadline=None)
@given(components)
def test_debt_non_decreasing_and_bounded(parts: tuple[list, ...]) -> None:
    value, _, due, group = (np.asarray(x) for x in parts)
    years = np.arange(2024, 2060)
    debt = maintenance_debt_totals(value, due, years, group, 4)
    assert np.all(np.diff(debt, axis=1) >= -1e-6)
    assert debt[:, -1].sum() == pytest.approx(value[due <= years[-1]].sum())
    assert debt[:, 0].sum() == pytest.approx(value[due <= years[0]].sum())


def test_empty_inputs() -> None:
    comp, year_idx, amount = renewal_events([], [], [], np.arange(2025, 2030))
    assert comp.size == year_idx.size == amount.size == 0
    assert renewal_totals([], [], [], np.arange(2025, 2030)).shape == (1, 5)
    assert expected_renewal_totals([], [], [], [], 5).shape == (1, 5)


# --- The expected renewal need under Weibull lifetimes -----------------------------------------------------------


@pytest.mark.parametrize(("lifetime", "shape"), [(10.0, 3.0), (35.0, 3.0), (15.0, 2.5), (80.0, 4.0), (20.0, 1.0)])
def test_elementary_renewal_theorem(lifetime: float, shape: float) -> None:
    # m(t) → 1/μ (Cox 1962, ch. 4); the discretisation keeps the mean within O(1/L²).
    horizon = int(lifetime * 40)
    m = expected_renewal_density([lifetime], [shape], [0.5], horizon)[0]
    assert m[horizon // 2:].mean() == pytest.approx(1 / lifetime, rel=0.01)
    assert m.sum() / horizon == pytest.approx(1 / lifetime, rel=0.05)


@settings(max_examples=60, deadline=None)
@given(lifetime=st.floats(2.0, 90.0), shape=st.floats(1.0, 6.0), age=st.floats(0.0, 150.0),
       n_years=st.integers(1, 60))
def test_expected_renewals_are_bounded(lifetime: float, shape: float, age: float, n_years: int) -> None:
    m = expected_renewal_density([lifetime], [shape], [age], n_years)[0]
    assert np.all(m >= -1e-12)
    # Lorden's bound for the renewals after the first, plus the first: M(t) ≤ 1 + t/μ + E[X²]/μ².
    second_moment = (lifetime / gamma(1 + 1 / shape)) ** 2 * gamma(1 + 2 / shape)
    assert m.sum() <= 1 + n_years / lifetime + second_moment / lifetime**2 + 1e-9


def test_steep_weibull_reproduces_deterministic_schedule() -> None:
    # Renewed in 2021 (age 3.5 at the end of 2024), lifetime 10: due 2031 and 2041 = plan years 7 and 17.
    m = expected_renewal_density([10.0], [400.0], [3.5], 20)[0]
    expected = np.zeros(20)
    expected[[6, 16]] = 1.0
    np.testing.assert_allclose(m, expected, atol=1e-6)
    due = first_due_year([2021], [10.0], 2024)
    totals = renewal_totals([1.0], [10.0], due, np.arange(2025, 2045))[0]
    np.testing.assert_allclose(m, totals, atol=1e-6)


def test_first_renewal_is_conditional_on_survival() -> None:
    # An old component (age 60, mean life 35) is far more likely to be renewed soon than a new one.
    old, new = expected_renewal_density([35.0, 35.0], [3.0, 3.0], [60.0, 0.5], 5)
    assert old[0] > 10 * new[0]
    lam = 35.0 / gamma(1 + 1 / 3)
    first_year = 1 - np.exp((60 / lam) ** 3 - (61 / lam) ** 3)
    assert old[0] == pytest.approx(first_year / (1 - (1 - np.exp(-((0.5 / lam) ** 3)))), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0.0, 1e6), min_size=n, max_size=n),
    st.lists(st.sampled_from([15.0, 30.0, 35.0, 80.0]), min_size=n, max_size=n),
    st.lists(st.sampled_from([2.5, 3.0, 4.0]), min_size=n, max_size=n),
    st.lists(st.sampled_from([0.5, 10.5, 33.0, 90.5]), min_size=n, max_size=n),
    st.lists(st.integers(0, 2), min_size=n, max_size=n),
)))
def test_grouping_matches_component_by_component(parts: tuple[list, ...]) -> None:
    value, lifetime, shape, age, group = (np.asarray(x) for x in parts)
    got = expected_renewal_totals(value, lifetime, shape, age, 30, group, 3)
    each = expected_renewal_density(lifetime, shape, age, 30) * value[:, None]
    want = np.zeros((3, 30))
    np.add.at(want, group, each)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize(("seed", "distinct_ages"), [(1, True), (2, True), (3, False), (4, False)])
def test_fleet_totals_match_the_component_by_component_recursion(seed: int, distinct_ages: bool) -> None:
    # expected_renewal_totals sums the first-renewal probabilities over the fleet before one recursion per
    # (group, lifetime kernel); the reference solves the renewal equation for every component and weights it.
    rng = np.random.default_rng(seed)
    n, n_years, n_groups = 6000, 50, 5  # over 4096: distinct ages take the path without merging
    lifetime = rng.choice([15.0, 30.0, 35.0, 37.5, 80.0], n)
    custom = rng.random(n) < 0.2
    lifetime[custom] = rng.integers(10, 81, custom.sum())
    shape = rng.choice([1.0, 2.5, 3.0, 4.0], n)
    # Continuous ages (a register with dates), or ages on whole years plus a half as the data model gives them.
    age = rng.uniform(0.0, 150.0, n) if distinct_ages else rng.integers(0, 75, n) + 0.5
    value = rng.lognormal(13.0, 1.5, n)
    group = rng.integers(0, n_groups, n)
    got = expected_renewal_totals(value, lifetime, shape, age, n_years, group, n_groups)
    each = expected_renewal_density(lifetime, shape, age, n_years) * value[:, None]
    want = np.zeros((n_groups, n_years))
    np.add.at(want, group, each)
    assert np.all(want > 0)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=0)


def test_expected_need_in_example_is_plausible(example_needs: NeedsResult) -> None:
    det = example_needs.renewal_by_year["amount_kr"].to_numpy()
    exp = example_needs.renewal_expected_by_year["amount_kr"].to_numpy()
    assert np.all(exp >= 0)
    # Smoother than the deterministic schedule, about the same in total over 30 years.
    assert exp.std() < det.std()
    assert exp.sum() == pytest.approx(det.sum(), rel=0.25)
    value = example_needs.components["value_kr"].sum()
    assert exp.max() < value


def test_analyse_needs_without_components(small: MunicipalityData) -> None:
    data = small.replace(components=small.components.iloc[0:0])
    result = analyse_needs(data)
    assert result.maintenance_debt_kr == 0
    assert len(result.renewal_by_component) == 0
    assert result.renewal_by_year["amount_kr"].sum() == 0
    assert result.renewal_expected_by_year["amount_kr"].sum() == 0
