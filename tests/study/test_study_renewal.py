"""A plan study whose reinvestment the optimiser decides (``PlanRequest(renewal_decisions=True)``): the study's
forecast, maintenance debt, verdict and Monte Carlo analysis replay the optimiser's renewal per pool and year, and
the JSON round trip and :func:`restore_study` keep it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.study import PlanRequest, PlanStudy, restore_study, run_study
from hushall.study.study import RENEWAL_DECIDED, RISK_WITHOUT_RENEWAL_NOTE


@pytest.fixture(scope="module")
def example() -> MunicipalityData:
    return exempelkommun()


@pytest.fixture(scope="module")
def decided(example: MunicipalityData) -> PlanStudy:
    return run_study(example, PlanRequest(renewal_decisions=True, time_limit_s=10, mip_gap=0.02, explain_s=0,
                                          ranking=False, draws=50))


def test_the_study_replays_the_optimisers_renewal(example: MunicipalityData, decided: PlanStudy) -> None:
    result, figures = decided.optimization, decided.figures
    assert result.renewal is not None and figures is not None
    by_year = result.renewal.groupby("year")[["renewal_kr", "backlog_kr"]].sum().reindex(example.years,
                                                                                        fill_value=0.0)
    assert by_year["renewal_kr"].sum() > 100e6  # the optimiser renews: the check below is not 0 = 0
    # investment = the optimiser's projects + renewal (its own aggregate), to the krona
    np.testing.assert_allclose(figures.investments_kr, result.finance["invest_nominal"].to_numpy(), atol=1.0)
    memo = decided.forecast.statements
    np.testing.assert_allclose(memo["reinvesteringar_fasta_priser"], by_year["renewal_kr"].to_numpy(), atol=1.0)
    # the same plan under the data's policy is another picture: the study did not fall back to it
    data_policy = forecast(example, decided.schedule).cash_flow.loc["investering_materiella_anläggningstillgångar"]
    assert np.abs(-data_policy.to_numpy() - np.asarray(figures.investments_kr)).max() > 1e6
    # the maintenance debt lines are the optimiser's backlog
    np.testing.assert_allclose(figures.maintenance_debt_kr, by_year["backlog_kr"].to_numpy(), atol=1.0)
    np.testing.assert_allclose(figures.debt_with_plan_kr, by_year["backlog_kr"].to_numpy(), atol=1.0)
    assert decided.verdict.assets.policy == RENEWAL_DECIDED
    # the risk is the decided renewal's: its draw without uncertainty has the forecast's maintenance debt
    assert decided.montecarlo.renewal_decided and RISK_WITHOUT_RENEWAL_NOTE not in decided.notes
    base = decided.montecarlo.baseline
    debt = base[base["line"] == "underhållsskuld"].set_index("year")["value"].reindex(example.years)
    np.testing.assert_allclose(debt.to_numpy(dtype=float), by_year["backlog_kr"].to_numpy(), atol=1.0)


def test_a_monte_carlo_handed_in_without_the_renewal_is_noted(example: MunicipalityData,
                                                                decided: PlanStudy) -> None:
    from hushall.scenarios import simulate

    mc = simulate(example, dict(decided.schedule), n_draws=20, seed=3)  # the data's policy
    again = run_study(example, decided.request, optimization=decided.optimization, montecarlo=mc)
    assert RISK_WITHOUT_RENEWAL_NOTE in again.notes


def test_json_round_trip_and_restore_keep_the_renewal(example: MunicipalityData, decided: PlanStudy) -> None:
    text = json.dumps(decided.to_json(), ensure_ascii=False)
    back = PlanStudy.from_json(text)
    assert back.to_json() == decided.to_json()
    assert back.request.renewal_decisions is True
    restored = restore_study(example, json.loads(text))
    assert restored.figures is not None
    assert restored.figures.to_json() == decided.figures.to_json()
    assert RISK_WITHOUT_RENEWAL_NOTE not in restored.notes
    assert restored.montecarlo.renewal_decided
    # the same draws, seed and renewal: the same probabilities
    assert {k: v for k, v in restored.risk.items() if k != "elapsed_s"} == {
        k: v for k, v in decided.risk.items() if k != "elapsed_s"}


def test_without_renewal_decisions_the_study_keeps_the_datas_policy(example: MunicipalityData) -> None:
    study = run_study(example, PlanRequest(source="committed", draws=0))
    assert study.request.renewal_decisions is None and RISK_WITHOUT_RENEWAL_NOTE not in study.notes
    np.testing.assert_allclose(study.figures.debt_with_plan_kr,
                               forecast(example, study.schedule).statements["underhållsskuld_fasta_priser"])


def test_the_verdicts_share_is_of_the_optimised_plans_own_need(example: MunicipalityData,
                                                               decided: PlanStudy) -> None:
    """The reinvestment share of the verdict: the optimiser's renewal over the need the plan leaves (what its
    projects close, replace or renew no longer needs renewal), the same figure as the forecast's memo lines."""
    from hushall.needs.reinvestment import reinvestment_path
    from hushall.projects.maintenance import plan_need_change

    memo = decided.forecast.statements
    spend = float(np.sum(memo["reinvesteringar_fasta_priser"]))
    need = float(np.sum(memo["förnyelsebehov_fasta_priser"]))
    without_plan = float(reinvestment_path(example).need_real_kr.sum())
    taken_over = float(plan_need_change(example, dict(decided.schedule)).sum())
    assert taken_over < -1e6  # the plan closes or renews something: its need is below the need without it
    assert need == pytest.approx(without_plan + taken_over, abs=1.0)
    a = decided.verdict.assets
    assert a.renewal_need_kr == pytest.approx(need, abs=1.0)
    assert a.share_of_need == pytest.approx(spend / need)
    assert a.share_of_need > spend / without_plan
