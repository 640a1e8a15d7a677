"""Effects of investment projects: cash profiles, component depreciation, operating costs, avveckling, and the
unit effects that an optimiser combines linearly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hushall.projects.effects as effects_module
from hushall.data.schema import COMPONENT_TYPES
from hushall.errors import DataValidationError, PlanError
from hushall.examples import exempelkommun
from hushall.model import Parameter
from hushall.model.parameters import component_lifetimes
from hushall.projects import (
    UNIT_QUANTITIES,
    ProjectCatalog,
    Schedule,
    UnitEffects,
    cumulative_index,
    data_plan_effects,
    depreciation_kernel,
    plan_effects,
)

FIRST = 2025


def frame(**columns) -> pd.DataFrame:
    n = len(columns["project_id"])
    base = {"project_type": ["nybyggnad"] * n, "cost_kr": [100e6] * n, "duration_years": [1] * n}
    base.update(columns)
    return pd.DataFrame(base)


def catalog(df: pd.DataFrame, last: int = 2054, **kw) -> ProjectCatalog:
    return ProjectCatalog.from_frame(df, first_year=FIRST, last_year=last, **kw)


def indices(n: int, g_cons: float = 0.03, g_price: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(1, n + 1)
    return (1 + g_cons) ** t, (1 + g_price) ** t


def test_cash_profile_sums_to_cost_times_index():
    cat = catalog(frame(project_id=["A"], duration_years=[3], cash_profile=["0,2;0,5;0,3"]))
    years = np.arange(FIRST, 2035)
    cons, price = indices(years.size)
    nom = plan_effects(cat, {"A": 2027}, years, cons, price).nominal()
    expected = np.zeros(years.size)
    expected[2:5] = 100e6 * np.array([0.2, 0.5, 0.3]) * cons[2:5]
    np.testing.assert_allclose(nom.investment_kr, expected)
    assert nom.investment_kr.sum() == pytest.approx(100e6 * (0.2 * cons[2] + 0.5 * cons[3] + 0.3 * cons[4]))
    # capitalised at the end of the completion year, at the sum of the nominal outlays
    assert nom.capitalised_kr[4] == pytest.approx(nom.investment_kr.sum())
    assert nom.capitalised_kr.sum() == pytest.approx(nom.investment_kr.sum())


def test_empty_cash_profile_is_even():
    cat = catalog(frame(project_id=["A"], duration_years=[4]))
    np.testing.assert_allclose(cat.cash_profile[0], [0.25] * 4)


def test_depreciation_over_the_full_lifetime_sums_to_the_capitalised_value():
    """Over a horizon longer than every lifetime, each component writes off exactly its share."""
    split = "stomme:0,5;tak:0,2;ventilation:0,2;ytskikt:0,1"
    cat = catalog(frame(project_id=["A"], duration_years=[2], cash_profile=["0,5;0,5"], component_split=[split]),
                  last=FIRST + 119)
    years = np.arange(FIRST, FIRST + 120)
    cons, price = indices(years.size)
    nom = plan_effects(cat, {"A": FIRST}, years, cons, price).nominal()
    value = nom.investment_kr.sum()
    assert nom.depreciation_kr.sum() == pytest.approx(value, rel=1e-12)
    lifetimes = component_lifetimes()
    for ctype, share in (("stomme", 0.5), ("tak", 0.2), ("ventilation", 0.2), ("ytskikt", 0.1)):
        k = COMPONENT_TYPES.index(ctype)
        dep = nom.depreciation_by_component_kr[k]
        assert dep.sum() == pytest.approx(share * value, rel=1e-12)
        # straight line from the year after completion (completed end of 2026) for the whole lifetime
        life = int(lifetimes[ctype]["lifetime_years"])
        on = np.flatnonzero(dep)
        assert years[on[0]] == 2027 and on.size == life
        np.testing.assert_allclose(dep[on], share * value / life)


def test_kernel_with_a_partial_last_year_sums_to_one():
    k = depreciation_kernel([7.5, 1.0], 12)
    np.testing.assert_allclose(k.sum(axis=1), [1.0, 1.0])
    assert k[0, 8] == pytest.approx(0.5 / 7.5) and k[0, 9] == 0


def test_operating_cost_and_places_from_the_year_after_completion():
    cat = catalog(frame(project_id=["A"], duration_years=[2], operating_cost_change_kr=[3e6], places_change=[60.0]))
    years = np.arange(FIRST, 2035)
    cons, price = indices(years.size)
    nom = plan_effects(cat, {"A": 2026}, years, cons, price).nominal()
    on = years >= 2028
    np.testing.assert_allclose(nom.operating_cost_kr, np.where(on, 3e6 * price, 0.0))
    np.testing.assert_allclose(nom.places, np.where(on, 60.0, 0.0))
    np.testing.assert_allclose(nom.projects_under_construction, np.where((years >= 2026) & (years <= 2027), 1, 0))


def test_avveckling_is_expensed_with_savings_and_fewer_places():
    cat = catalog(frame(project_id=["A"], project_type=["avveckling"], cost_kr=[2e6],
                        operating_cost_change_kr=[-4e6], places_change=[-150.0]),
                  sale_proceeds_kr={"A": 5e6})
    assert not cat.capitalised[0] and not cat.component_split[0].any()
    years = np.arange(FIRST, 2035)
    cons, price = indices(years.size)
    nom = plan_effects(cat, {"A": 2029}, years, cons, price).nominal()
    i = 2029 - FIRST
    assert nom.investment_kr.sum() == 0 and nom.depreciation_kr.sum() == 0
    np.testing.assert_allclose(nom.expensed_kr, np.where(years == 2029, 2e6 * cons[i], 0.0))
    np.testing.assert_allclose(nom.sale_proceeds_kr, np.where(years == 2029, 5e6 * price[i], 0.0))
    np.testing.assert_allclose(nom.operating_cost_kr, np.where(years > 2029, -4e6 * price, 0.0))
    np.testing.assert_allclose(nom.places, np.where(years > 2029, -150.0, 0.0))


def test_component_split_rules():
    facilities = pd.DataFrame({"facility_id": ["VA", "S"], "category": ["va", "grundskola"]})
    components = pd.DataFrame({"component_id": ["S-tak", "S-vvs"], "component_type": ["tak", "vvs"],
                               "value_kr": [1e6, 3e6]})
    cat = catalog(frame(
        project_id=["own", "ids", "types", "va", "type"],
        project_type=["ombyggnad", "reinvestering", "reinvestering", "reinvestering", "ombyggnad"],
        facility_id=["S", "S", "S", "VA", "S"],
        component_split=["stomme:0,6;tak:0,4", "", "", "", ""],
        renews_components=["", "S-tak;S-vvs", "fönster", "", ""],
    ), facilities=facilities, components=components)
    share = {pid: dict(zip(COMPONENT_TYPES, row, strict=True)) for pid, row in
             zip(cat.project_ids, cat.component_split, strict=True)}
    assert share["own"]["stomme"] == pytest.approx(0.6) and share["own"]["tak"] == pytest.approx(0.4)
    assert share["ids"]["tak"] == pytest.approx(0.25) and share["ids"]["vvs"] == pytest.approx(0.75)
    assert share["types"]["fönster"] == pytest.approx(1.0)
    assert share["va"]["va_ledning"] == pytest.approx(1.0)
    assert share["type"]["vvs"] == pytest.approx(0.20)  # default split of ombyggnad
    np.testing.assert_allclose(cat.component_split.sum(axis=1), 1.0)


def test_bad_cash_profile_is_a_data_error():
    with pytest.raises(DataValidationError):
        catalog(frame(project_id=["A"], duration_years=[2], cash_profile=["0,5;0,4"]))


def test_start_window_and_schedule_errors():
    cat = catalog(frame(project_id=["A", "B", "C"], duration_years=[1, 3, 1], earliest_start=[2027, pd.NA, pd.NA],
                        latest_start=[2030, pd.NA, pd.NA], fixed_start=[pd.NA, pd.NA, 2031]))
    assert cat.earliest_start.tolist() == [2027, 2025, 2031]
    assert cat.latest_start.tolist() == [2030, 2052, 2031]  # B completes within the plan
    years = np.arange(FIRST, 2055)
    cons, price = indices(years.size)
    with pytest.raises(PlanError):
        plan_effects(cat, {"A": 2026}, years, cons, price)
    with pytest.raises(PlanError):
        plan_effects(cat, {"X": 2026}, years, cons, price)
    with pytest.raises(PlanError):
        plan_effects(cat, {"B": 2060}, years, cons, price, check_window=False)


def test_committed_schedule():
    cat = catalog(frame(project_id=["A", "B", "C"], must_do=[True, False, False], earliest_start=[2026, 2025, 2025],
                        fixed_start=[pd.NA, pd.NA, 2030]))
    assert dict(Schedule.committed(cat)) == {"A": 2026, "C": 2030}


def random_catalog(seed: int, n: int, last: int) -> ProjectCatalog:
    rng = np.random.default_rng(seed)
    dur = rng.integers(1, 4, n)
    profiles = []
    for d in dur:
        p = rng.random(d) + 0.1
        p = np.round(p / p.sum(), 6)
        p[-1] = round(1 - p[:-1].sum(), 6)
        profiles.append(";".join(f"{x:.6f}" for x in p))
    earliest = rng.integers(FIRST, last - 4, n)
    return catalog(frame(
        project_id=[f"P{i}" for i in range(n)],
        project_type=rng.choice(["nybyggnad", "ombyggnad", "reinvestering", "avveckling", "försäljning"], n),
        cost_kr=rng.uniform(1e6, 1e8, n), duration_years=dur, cash_profile=profiles,
        operating_cost_change_kr=rng.normal(0, 1e6, n), places_change=rng.normal(0, 30, n),
        earliest_start=earliest, latest_start=np.minimum(earliest + rng.integers(0, 6, n), last),
    ), last=last, sale_proceeds_kr={f"P{i}": float(rng.uniform(0, 1e6)) for i in range(n)})


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 25), n_years=st.integers(6, 20))
def test_unit_effects_combine_to_the_plan(seed, n, n_years):
    """The (P, S, T) unit effects of the chosen starts add up to the plan's effects."""
    last = FIRST + n_years - 1
    cat = random_catalog(seed, n, last)
    years = np.arange(FIRST, last + 1)
    cons, price = indices(years.size, 0.04, 0.015)
    unit = UnitEffects(cat, years, cons, price)
    rng = np.random.default_rng(seed + 1)
    chosen = rng.random(n) < 0.6
    sched = Schedule({cat.project_ids[i]: int(rng.integers(cat.earliest_start[i], cat.latest_start[i] + 1))
                      for i in np.flatnonzero(chosen)})
    combined = unit.combine(unit.weights(sched))
    totals = unit.aggregate(sched).totals()
    for q in UNIT_QUANTITIES:
        np.testing.assert_allclose(combined[q], totals[q], rtol=1e-10, atol=1e-4, err_msg=q)
    # invalid starts carry no effect
    for q in UNIT_QUANTITIES:
        assert not unit.array(q)[~unit.valid].any()


def test_unit_effects_are_the_same_in_small_chunks(monkeypatch):
    cat = random_catalog(7, 40, 2044)
    years = np.arange(FIRST, 2045)
    cons, price = indices(years.size)
    whole = UnitEffects(cat, years, cons, price)
    monkeypatch.setattr(effects_module, "_CHUNK_CELLS", 50)
    chunked = UnitEffects(cat, years, cons, price)
    for q in UNIT_QUANTITIES:
        np.testing.assert_array_equal(whole.array(q), chunked.array(q))
    assert chunked.nbytes() == len(UNIT_QUANTITIES) * 40 * chunked.shape[1] * years.size * 8


def test_nominal_effects_with_a_scenario_axis():
    cat = random_catalog(3, 10, 2039)
    years = np.arange(FIRST, 2040)
    cons, price = indices(years.size)
    sched = Schedule({pid: int(s) for pid, s in zip(cat.project_ids, cat.earliest_start, strict=True)})
    plan = plan_effects(cat, sched, years, cons, price)
    cons2 = np.vstack([cons, cons * 1.1])
    price2 = np.vstack([price, price * 0.9])
    nom = plan.nominal(cons2, price2)
    assert nom.depreciation_by_component_kr.shape == (2, len(COMPONENT_TYPES), years.size)
    for k in range(2):
        alone = plan_effects(cat, sched, years, cons2[k], price2[k]).nominal()
        np.testing.assert_allclose(nom.depreciation_kr[k], alone.depreciation_kr, rtol=1e-12)
        np.testing.assert_allclose(nom.operating_cost_kr[k], alone.operating_cost_kr, rtol=1e-12)
        np.testing.assert_allclose(nom.investment_kr[k], alone.investment_kr, rtol=1e-12)


def test_cumulative_index_from_the_price_base_year():
    p = Parameter("byggprisindex", {2000: 0.03, 2030: 0.05})
    idx = cumulative_index(p, [2024, 2025, 2030, 2031], 2024)
    np.testing.assert_allclose(idx, [1.0, 1.03, 1.03**5 * 1.05, 1.03**5 * 1.05**2])


def test_example_projects():
    data = exempelkommun()
    cat = ProjectCatalog.from_data(data)
    assert len(cat) == len(data.projects)
    np.testing.assert_allclose(cat.component_split[cat.capitalised].sum(axis=1), 1.0)
    va = cat.index("P-12")  # renews VA pipes: all on va_ledning
    assert cat.component_split[va, COMPONENT_TYPES.index("va_ledning")] == pytest.approx(1.0)
    plan = data_plan_effects(data)
    # the committed plan: the VA network (måste) and the three projects under way since 2023–2024 (Utfall)
    assert plan.project_ids == ("P-12", "U-2301", "U-2302", "U-2401")
    unit = UnitEffects.from_data(data)
    assert unit.shape[0] == len(cat) and unit.shape[2] == data.horizon_years
