"""Follow-up on a hand-checked case: carry-over, execution rate and the R14 terms as defined."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from hushall.data.schema import TABLES
from hushall.examples import exempelkommun
from hushall.followup import ALL_COMMITTEES, follow_up, measured_rates
from hushall.model import MunicipalityData

M = 1_000_000


def outcome(pid: str, year: int, budget: float, spent: float, decided: float, forecast: float, status: str,
            **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c.name: c.default for c in TABLES["outcomes"].columns}
    row.update(project_id=pid, year=year, budget_kr=budget * M, outcome_kr=spent * M, decided_total_kr=decided * M,
               forecast_total_kr=forecast * M, status=status, carried_over_kr=np.nan,
               planned_completion_year=pd.NA, forecast_completion_year=pd.NA)
    row.update(kw)
    return row


def with_outcomes(rows: list[dict[str, Any]]) -> MunicipalityData:
    frame = pd.DataFrame(rows)
    for col in ("year", "planned_completion_year", "forecast_completion_year"):
        frame[col] = frame[col].astype("Int64")
    frame["carried_over_kr"] = frame["carried_over_kr"].astype(float)
    return exempelkommun().replace(outcomes=frame)


# A: a school, 3 years. Year 1: budget 10, spent 4 -> 6 carried. Year 2: budget 10 + 6 = 16, spent 12 -> 4 carried.
#    Year 3: budget 0 + 4, spent 7 (over), finished: total 23 against 20 decided.
# B: a road, nämnd TN, 2 years. The council carried over only 1 of the 3 unspent in year 2.
HAND = [
    outcome("A", 2022, 10, 4, 20, 20, "pågående", committee="BUN", project_type="nybyggnad",
            planned_completion_year=2023),
    outcome("A", 2023, 10, 12, 20, 22, "pågående", committee="BUN", project_type="nybyggnad",
            planned_completion_year=2023, forecast_completion_year=2024),
    outcome("A", 2024, 0, 7, 20, 23, "avslutat", committee="BUN", project_type="nybyggnad",
            planned_completion_year=2023, forecast_completion_year=2024),
    outcome("B", 2023, 5, 2, 8, 8, "pågående", committee="TN", project_type="reinvestering",
            planned_completion_year=2025),
    outcome("B", 2024, 3, 3.5, 8, 7.5, "pågående", committee="TN", project_type="reinvestering",
            carried_over_kr=1 * M, planned_completion_year=2025),
]


def test_carry_over_and_revised_budget_by_hand() -> None:
    f = follow_up(with_outcomes(HAND))
    py = f.project_years.set_index(["project_id", "year"])
    assert list(py["carried_over_kr"] / M) == [0, 6, 4, 0, 1]
    assert list(py["revised_budget_kr"] / M) == [10, 16, 4, 5, 4]
    assert list(py["unspent_kr"] / M) == [6, 4, -3, 3, 0.5]
    assert list(py["accumulated_kr"] / M) == [4, 16, 23, 2, 5.5]


def test_execution_rate_per_year_and_committee_by_hand() -> None:
    ex = follow_up(with_outcomes(HAND)).execution
    # 2023: BUN 12/16, TN 2/5; all 14/21. Against the original budget: 14/15.
    assert ex.loc[(2023, "BUN"), "execution_rate"] == pytest.approx(12 / 16)
    assert ex.loc[(2023, "TN"), "execution_rate"] == pytest.approx(2 / 5)
    assert ex.loc[(2023, ALL_COMMITTEES), "execution_rate"] == pytest.approx(14 / 21)
    assert ex.loc[(2023, ALL_COMMITTEES), "execution_rate_original"] == pytest.approx(14 / 15)
    # 2024: BUN 7/4 (spent its carry-over and more), TN 3.5/4; all 10.5/8.
    assert ex.loc[(2024, ALL_COMMITTEES), "execution_rate"] == pytest.approx(10.5 / 8)
    assert ex.loc[(2022, ALL_COMMITTEES), "execution_rate"] == pytest.approx(0.4)


def test_r14_terms_and_named_projects() -> None:
    f = follow_up(with_outcomes(HAND))
    p = f.projects
    # Deviation = decided - forecast (R14): A is 3 over, B 0.5 under.
    assert p.loc["A", "deviation_kr"] == -3 * M and p.loc["B", "deviation_kr"] == 0.5 * M
    assert p.loc["A", "overrun_share"] == pytest.approx(23 / 20 - 1)
    assert list(f.over_cost.index) == ["A"]
    assert list(f.late.index) == ["A"] and p.loc["A", "delay_years"] == 1
    # B is under way at the base year: 0.5 unspent is carried into the plan, 2 left of the 7.5 forecast.
    assert p.loc["B", "carry_into_plan_kr"] == 0.5 * M and p.loc["B", "remaining_kr"] == 2 * M
    assert f.carried_into_plan_kr == 0.5 * M


def test_measured_rates_with_spread_by_hand() -> None:
    r = measured_rates(follow_up(with_outcomes(HAND)))
    yearly = np.array([4 / 10, 14 / 21, 10.5 / 8])
    assert r.execution_mean == pytest.approx((4 + 14 + 10.5) / (10 + 21 + 8))
    assert r.execution_sd == pytest.approx(np.std(yearly, ddof=1))
    assert r.n_finished == 1 and r.overrun_mean == pytest.approx(0.15) and r.overrun_sd_log is None
    assert r.by_committee.loc["TN", "execution_rate"] == pytest.approx(5.5 / 9)
    assert r.by_type.loc["nybyggnad", "overrun_mean"] == pytest.approx(0.15)


def test_no_outcomes_is_an_empty_follow_up() -> None:
    data = exempelkommun().replace(outcomes=exempelkommun().outcomes.iloc[0:0])
    f = follow_up(data)
    assert f.empty and f.carried_into_plan_kr == 0
    with pytest.raises(ValueError, match="Utfall"):
        measured_rates(f)


def test_example_names_late_and_over_cost_projects() -> None:
    f = follow_up(exempelkommun())
    assert "U-2201" in f.over_cost.index and "U-2302" in f.late.index
    # P-12's design stage is named from sheet Projekt.
    assert f.projects.loc["P-12", "name"].startswith("Förnyelse VA-ledningar")
