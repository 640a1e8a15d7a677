"""The plan study: run through the stages, JSON round trip, older stored results."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hushall.errors import HushallError, PlanError
from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.optimize.result import OptimizationResult
from hushall.study import STUDY_VERSION, PlanRequest, PlanStudy, restore_study, run_study
from hushall.study.request import DEFAULT_DRAWS


@pytest.fixture(scope="module")
def example() -> MunicipalityData:
    return exempelkommun()


@pytest.fixture(scope="module")
def optimised(example: MunicipalityData) -> PlanStudy:
    request = PlanRequest(time_limit_s=4.0, mip_gap=0.05, explain_s=2.0, max_explained=3, draws=300)
    return run_study(example, request)


def test_committed_study_holds_the_stages_results(example: MunicipalityData) -> None:
    study = run_study(example, PlanRequest(source="committed", draws=300))
    fc = forecast(example, study.schedule)
    assert study.forecast is not None and study.needs is not None and study.optimization is None
    assert study.figures is not None
    assert study.figures.result_kr == pytest.approx(fc.income_statement.loc["årets_resultat"].to_numpy())
    assert study.risk is not None and study.risk["draws"] == 300 and study.montecarlo.n_draws == 300
    assert study.verdict is not None and study.verdict.risk is not None
    assert len(study.debt_without_kr) == len(fc.years)


def test_json_round_trip_of_an_optimised_study(optimised: PlanStudy) -> None:
    text = optimised.to_json_text()
    back = PlanStudy.from_json(text)
    assert back.to_json() == json.loads(text)
    assert isinstance(back.optimization, OptimizationResult)
    assert back.optimization.schedule_dict == optimised.optimization.schedule_dict == back.schedule
    assert back.optimization.explanations == json.loads(json.dumps(optimised.optimization.to_json_dict()))[
        "explanations"]
    assert back.optimization.status == optimised.optimization.status
    assert back.optimization.objective == pytest.approx(optimised.optimization.objective)
    assert back.request == optimised.request
    assert back.version == STUDY_VERSION and back.to_json()["study_version"] == STUDY_VERSION
    assert back.risk == optimised.risk and back.figures == optimised.figures


def test_restored_study_recomputes_the_same_forecast_and_risk(example: MunicipalityData,
                                                              optimised: PlanStudy) -> None:
    back = restore_study(example, optimised.to_json())
    assert np.array_equal(back.forecast.statements["årets_resultat"], optimised.forecast.statements["årets_resultat"])
    assert back.montecarlo is not None
    assert back.montecarlo.all_years_probability == optimised.montecarlo.all_years_probability


def test_a_stored_web_result_of_version_0_still_loads() -> None:
    old = {"status": "optimal", "message": "Bästa möjliga plan.", "years": [2025, 2026],
           "schedule": [{"project_id": "P-01", "name": "Skola", "start_year": 2026, "cost_kr": 1.0,
                         "explanation": ""}],
           "not_chosen": [], "investments_kr": [1.0, 2.0], "result_kr": [3.0, 4.0], "debt_kr": [5.0, 6.0],
           "ratios": {"soliditet": [0.3, 0.31]}, "places_short": [0.0, 0.0], "maintenance_debt_kr": [7.0, 8.0],
           "value": 1.0, "bound": 1.0, "gap": 0.0, "risk": {"draws": 2000, "seed": 1, "targets": []},
           "robust": {"level": 0.9, "robust_probability": 0.5}}
    study = PlanStudy.from_json(old)
    assert study.schedule == {"P-01": 2026}
    assert study.figures is not None and study.figures.ratios == {"soliditet": [0.3, 0.31]}
    assert study.risk == old["risk"] and study.robust == old["robust"]
    assert study.request.draws == 2000 and study.request.robust_level == 0.9
    assert PlanStudy.from_json(study.to_json()).to_json() == study.to_json()


def test_a_newer_version_is_refused_with_a_clear_message(optimised: PlanStudy) -> None:
    newer = {**optimised.to_json(), "study_version": STUDY_VERSION + 1}
    with pytest.raises(HushallError, match="nyare version"):
        PlanStudy.from_json(newer)


def test_a_given_plan_with_an_unknown_project_fails_with_a_plan_error(example: MunicipalityData) -> None:
    with pytest.raises(PlanError):
        run_study(example, PlanRequest(source="schedule", schedule={"finns-inte": 2030}, draws=0))


def test_request_checks_and_defaults() -> None:
    assert PlanRequest().draws == DEFAULT_DRAWS
    with pytest.raises(ValueError):
        PlanRequest(source="file")
    with pytest.raises(ValueError):
        PlanRequest(source="okänd")  # type: ignore[arg-type]
