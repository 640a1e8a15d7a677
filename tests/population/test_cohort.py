"""The cohort-component projection: accounting identities (hypothesis) and the SCB 2019 default rates."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hushall.population.cohort import project
from hushall.population.rates import MAX_AGE, N_AGES, default_rates, load_rates

RATES = default_rates()
DISTRICTS = ("A", "B", "C")

populations = arrays(np.float64, (len(DISTRICTS), 2, N_AGES),
                     elements=st.floats(min_value=0.0, max_value=500.0, allow_nan=False, allow_subnormal=False))


def _housing(draw_values: list[int]) -> dict[tuple[str, int, str], float]:
    out: dict[tuple[str, int, str], float] = {}
    for i, n in enumerate(draw_values):
        out[(DISTRICTS[i % 3], 2020 + i % 4, ("småhus", "flerbostadshus")[i % 2])] = float(n)
    return out


@settings(max_examples=40, deadline=None)
@given(start=populations, out_rate=st.floats(0.0, 0.3), in_movers=st.floats(0.0, 2000.0),
       dwellings=st.lists(st.integers(0, 80), max_size=8))
def test_population_plus_births_minus_deaths_plus_migration_is_next_year(
        start: np.ndarray, out_rate: float, in_movers: float, dwellings: list[int]) -> None:
    p = project(start, 2019, 2023, RATES, districts=DISTRICTS, housing=_housing(dwellings), out_rate=out_rate,
                in_movers=in_movers)
    for t in range(len(p.years) - 1):
        now, nxt = p.population[t], p.population[t + 1]
        net = p.in_migrants[t] + p.housing_in_movers[t] - p.out_migrants[t]
        # ages 1..99: last year's cohort one year younger, less its deaths, plus net migration at the new age
        np.testing.assert_allclose(nxt[:, :, 1:MAX_AGE], now[:, :, :MAX_AGE - 1] - p.deaths[t][:, :, :MAX_AGE - 1]
                                   + net[:, :, 1:MAX_AGE], rtol=1e-12, atol=1e-9)
        # the open class 100+ gathers the 99-year-olds and the survivors already there
        np.testing.assert_allclose(
            nxt[:, :, MAX_AGE], now[:, :, MAX_AGE - 1] + now[:, :, MAX_AGE] - p.deaths[t][:, :, MAX_AGE - 1]
            - p.deaths[t][:, :, MAX_AGE] + net[:, :, MAX_AGE], rtol=1e-12, atol=1e-9)
        # age 0: births less the infants who died in their year of birth
        np.testing.assert_allclose(nxt[:, :, 0], p.births[t] - p.infant_deaths[t] + net[:, :, 0], atol=1e-9)
        assert (nxt >= -1e-9).all()


@settings(max_examples=30, deadline=None)
@given(start=populations)
def test_without_migration_and_housing_the_total_follows_births_minus_deaths(start: np.ndarray) -> None:
    p = project(start, 2019, 2029, RATES, districts=DISTRICTS, housing=None, out_rate=0.0, in_movers=0.0)
    change = np.diff(p.total())
    natural = p.births.sum(axis=(1, 2)) - p.deaths.sum(axis=(1, 2, 3)) - p.infant_deaths.sum(axis=(1, 2))
    np.testing.assert_allclose(change, natural, rtol=1e-12, atol=1e-8)
    per_district = np.diff(p.population.sum(axis=(2, 3)), axis=0)
    np.testing.assert_allclose(per_district, p.births.sum(axis=2) - p.deaths.sum(axis=(2, 3))
                               - p.infant_deaths.sum(axis=2), atol=1e-8)


def test_housing_programme_adds_its_in_movers_where_and_when_built() -> None:
    start = np.full((3, 2, N_AGES), 10.0)
    base = project(start, 2019, 2022, RATES, districts=DISTRICTS, out_rate=0.0, in_movers=0.0)
    built = project(start, 2019, 2022, RATES, districts=DISTRICTS, out_rate=0.0, in_movers=0.0,
                    housing={("B", 2021, "småhus"): 100.0, ("C", 2022, "flerbostadshus"): 50.0})
    diff = built.population.sum(axis=(2, 3)) - base.population.sum(axis=(2, 3))
    assert diff[1].tolist() == [0.0, 0.0, 0.0]                        # 2020: nothing built yet
    assert diff[2, 1] == pytest.approx(100 * RATES.housing_persons["småhus"])  # 2021 in B
    assert diff[3, 2] == pytest.approx(50 * RATES.housing_persons["flerbostadshus"], rel=1e-9)
    assert diff[2, 0] == 0.0


def _life_expectancy(q_birth: float, q: np.ndarray) -> float:
    """e0 from the parallelogram probabilities: a newborn lives on average half its birth year, then whole
    years with survival 1 − q; the open class keeps its last rate."""
    alive = (1.0 - q_birth) * np.cumprod(np.concatenate([[1.0], 1.0 - q[:MAX_AGE]]))
    years_lived = 0.5  # the year of birth: about half a year on average
    years_lived += float(((alive[:-1] + alive[1:]) / 2).sum())
    return years_lived + float(alive[-1] / q[MAX_AGE])


def test_default_mortality_reproduces_scb_life_expectancy_2019() -> None:
    # SCB, Livslängdstabell 2019: återstående medellivslängd vid födseln 81,34 år (män) och 84,73 år (kvinnor).
    e_women = _life_expectancy(RATES.death_at_birth[0], RATES.death[0])
    e_men = _life_expectancy(RATES.death_at_birth[1], RATES.death[1])
    assert e_men == pytest.approx(81.34, abs=0.5)
    assert e_women == pytest.approx(84.73, abs=0.5)
    assert e_women > e_men


def test_default_rates_are_sourced_and_approximations_named() -> None:
    assert set(RATES.sources) == {"dödlighet", "fruktsamhet", "könsfördelning vid födseln", "flyttningar",
                                  "inflyttade per ny bostad"}
    assert all("SCB" in s or "Rogers" in s for s in RATES.sources.values())
    assert "dödlighet" not in RATES.approximations and "fruktsamhet" in RATES.approximations
    assert 1.6 < RATES.fertility.sum() < 1.8          # SCB: summerad fruktsamhet 2019 ca 1,7
    assert 0.51 < RATES.boys_share < 0.52
    assert RATES.fertility[:15].sum() == 0 and RATES.fertility[50:].sum() == 0


def test_overrides_change_only_what_they_name() -> None:
    r = load_rates({"fertility": {"tfr": 1.5}, "housing": {"types": {"småhus": {"persons_per_dwelling": 3.0}}}})
    assert r.fertility.sum() == pytest.approx(1.5)
    assert r.housing_persons == {"småhus": 3.0, "flerbostadshus": RATES.housing_persons["flerbostadshus"]}
    np.testing.assert_array_equal(r.death, RATES.death)
