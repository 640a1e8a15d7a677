"""A plan that learns: the Monte Carlo's execution rate and cost overrun come from the outcomes when they exist."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.followup import follow_up, measured_rates
from hushall.projects import Schedule
from hushall.scenarios import MonteCarloSpec, execution_probability, simulate_chunk
from tests.followup.test_followup import outcome, with_outcomes

PLAN = Schedule({"P-01": 2027, "P-04": 2026, "P-12": 2025, "P-14": 2025, "P-18": 2025})


def _slow_builder(rate: float, overrun: float) -> list[dict[str, object]]:
    """Four years in which the same share ``rate`` of the budget is spent; two finished projects ``overrun``."""
    rows = [outcome("S", y, 10, 10 * rate, 100, 100, "pågående", committee="TN") for y in (2021, 2022, 2023, 2024)]
    rows += [outcome(f"F{i}", 2020, 1, rate, 10, 10 * (1 + overrun), "avslutat") for i in (1, 2)]
    # The carried-over budget changes the revised budget: take it out so that every year's rate is `rate`.
    for r in rows[1:4]:
        r["carried_over_kr"] = 0.0
    return rows


@pytest.mark.parametrize("rate", [0.35, 0.8])
def test_execution_rate_comes_from_the_outcomes(rate: float) -> None:
    data = with_outcomes(_slow_builder(rate, 0.30))
    assert measured_rates(follow_up(data)).execution_mean == pytest.approx(rate)
    spec = MonteCarloSpec.for_data(data)
    assert spec.driver("genomförandegrad").param("mean") == pytest.approx(rate)
    assert "Utfall" in spec.driver("genomförandegrad").reference
    raw = simulate_chunk(data, PLAN, start=0, stop=3000)  # no spec given: learned from the data
    # Every year the same rate: no spread, so every future starts a due project with probability `rate`.
    np.testing.assert_allclose(raw["execution_probability"], rate)
    assert (raw["delay"] == 0).mean() == pytest.approx(rate, abs=0.02)
    assert raw["overrun"].mean() == pytest.approx(1.30, abs=0.01)


def test_without_outcomes_the_stated_assumption_holds() -> None:
    data = exempelkommun().replace(outcomes=exempelkommun().outcomes.iloc[0:0])
    spec = MonteCarloSpec.for_data(data)
    assert spec.driver("genomförandegrad").param("mean") == pytest.approx(0.64)
    raw = simulate_chunk(data, PLAN, spec.with_driver("genomförandegrad", sd_logit=0.0), start=0, stop=10)
    np.testing.assert_allclose(raw["execution_probability"], execution_probability(0.64, 3))


def test_example_spread_is_measured() -> None:
    data = exempelkommun()
    rates = measured_rates(follow_up(data))
    spec = MonteCarloSpec.for_data(data)
    d = spec.driver("genomförandegrad")
    assert d.param("sd_logit") == pytest.approx(rates.execution_sd_logit) and rates.n_years == 3
    o = spec.driver("kostnadsavvikelse")
    assert np.hypot(o.param("sd_common"), o.param("sd_project")) == pytest.approx(rates.overrun_sd_log)
    assert o.param("mean") == pytest.approx(rates.overrun_mean)


def test_rates_per_nämnd_and_type_with_the_pooled_fallback() -> None:
    data = exempelkommun()
    rates = measured_rates(follow_up(data))
    per = rates.for_projects(["Tekniska nämnden", "Kommunstyrelsen", "", ""],
                             ["nybyggnad", "ombyggnad", "nybyggnad", "avveckling"])
    # Tekniska nämnden, three years: 18,4 Mkr built of 43,2 Mkr budgeted including carry-overs
    assert per.loc[0, "execution_basis"] == "Tekniska nämnden"
    assert per.loc[0, "execution_rate"] == pytest.approx(18.4 / 43.2)
    # Kommunstyrelsen has one year only: its project type's rate; no nämnd and a type without outcomes: pooled
    assert per.loc[1, "execution_basis"] == "ombyggnad"
    assert per.loc[1, "execution_rate"] == pytest.approx(rates.by_type.loc["ombyggnad", "execution_rate"])
    assert per.loc[3, "execution_basis"] == "alla" and per.loc[3, "execution_rate"] == rates.execution_mean
    # two finished projects per type are too few for a type's overrun: the pooled one
    assert (per["overrun_basis"] == "alla").all() and per.loc[2, "overrun_mean"] == rates.overrun_mean
    assert per.loc[1, "execution_sd_logit"] == pytest.approx(rates.by_type.loc["ombyggnad", "execution_sd_logit"])


def test_monte_carlo_slips_each_project_at_its_groups_rate() -> None:
    data = exempelkommun()
    spec = MonteCarloSpec.for_data(data)
    assert spec.project_rates is not None
    assert spec.project_rates.loc["P-12", "execution_basis"] == "Tekniska nämnden"
    assert spec.project_rates.loc["P-01", "execution_basis"] == "Socialnämnden"
    assert spec.project_rates.loc["P-15", "execution_basis"] == "reinvestering"  # Kommunstyrelsen: one year only
    plan = Schedule({"P-12": 2025, "P-01": 2026})
    raw = simulate_chunk(data, plan, spec.without("genomförandegrad"), start=0, stop=4000)
    on_time = (raw["delay"] == 0).mean(axis=0)  # projects in sheet order: P-01, P-12
    rates = measured_rates(follow_up(data)).for_projects(["Socialnämnden", "Tekniska nämnden"],
                                                         ["nybyggnad", "reinvestering"])
    # no spread: each project starts when due with its group's measured rate (one-year plans, e = ḡ)
    np.testing.assert_allclose(on_time, rates["execution_rate"].to_numpy(), atol=0.02)
    assert on_time[1] < on_time[0] - 0.1
    none = simulate_chunk(data, plan, spec.deterministic(), start=0, stop=200)
    assert (none["delay"] == 0).all() and np.allclose(none["overrun"], 1.0)
