"""The objective's reward for not postponing renewal (reinvestment policy of the data, no renewal decisions): the
debt a plan clears, as the forecast clears it, each year priced at ``straff_underhållsskuld_andel`` and
discounted — a component two chosen projects claim rewarded once, as the maintenance-debt rows count it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.optimize import evaluate_plan, problem_from_municipality
from hushall.optimize.model import create_model
from hushall.projects.maintenance import plan_maintenance_debt

DEBT = "underhållsskuld_fasta_priser"


def sharing_data(with_debt_target: bool) -> MunicipalityData:
    """Exempelkommun (under its frame) where P-03 reinvests in the ventilation and electricity of F-C-08, which
    P-02 (ombyggnad of F-C-08) renews too: two projects claiming the same components."""
    data = exempelkommun()
    projects = data.projects.copy()
    projects.loc[projects["project_id"] == "P-03", "renews_components"] = "ventilation;el"
    data = data.replace(projects=projects)
    if with_debt_target:
        data = data.replace(targets=pd.concat([data.targets, pd.DataFrame([
            {"target_id": "U1", "target_type": "underhållsskuld_kr", "limit": 150e6, "period_years": 2}])],
            ignore_index=True))
    return data


@pytest.mark.parametrize("with_debt_target", [False, True])
def test_the_objectives_relief_is_the_forecasts_debt_difference(with_debt_target: bool) -> None:
    data = sharing_data(with_debt_target)
    problem = problem_from_municipality(data, renewal_decisions=False)
    assert problem.shared_relief is not None and problem.shared_relief.relief_kr.shape[0] > 0
    bm = create_model(problem)
    pids = [str(p) for p in problem.project_ids]
    weight = data.assumption("straff_underhållsskuld_andel") * problem.discount
    without = plan_maintenance_debt(data, {})
    both = {"P-12": 2025, "P-02": 2028, "P-03": 2025}
    for schedule in (both, {"P-12": 2025, "P-02": 2027, "P-03": 2030}, {"P-12": 2025, "P-03": 2026},
                     {"P-12": 2025, "P-02": 2029}):
        x = np.zeros(problem.n_columns)
        for pid, year in schedule.items():
            x[problem.column_of(pids.index(pid), year - int(problem.years[0]))] = 1.0
        reward_kr = evaluate_plan(bm, x).parts["maintenance_debt_avoided"] * problem.kr_per_point
        debt = np.asarray(forecast(data, schedule).statements[DEBT], dtype=float)
        np.testing.assert_allclose(reward_kr, float(weight @ (without - debt)), rtol=1e-9, atol=1.0,
                                   err_msg=str(schedule))
    # the overlap is real: each project on its own clears some of the same debt, so summing them would count it
    # twice
    alone = [without - np.asarray(forecast(data, {"P-12": 2025, p: both[p]}).statements[DEBT], dtype=float)
             for p in ("P-02", "P-03")]
    p12 = without - np.asarray(forecast(data, {"P-12": 2025}).statements[DEBT], dtype=float)
    together = without - np.asarray(forecast(data, both).statements[DEBT], dtype=float)
    assert float(weight @ (alone[0] + alone[1] - p12 - together)) > 1e5
