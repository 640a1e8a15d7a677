"""Sales and closures in the optimiser: the book value written off and the realisation gain are per-column
effects, so a plan that sells or closes facilities replays through the forecast to the krona."""

from __future__ import annotations

import numpy as np
import pytest
from test_optimize_finance import assert_agree, claims_match_forecast

from hushall.examples import exempelkommun
from hushall.optimize import evaluate_plan, problem_from_municipality
from hushall.optimize.model import create_model

SCHEDULES = ({"P-20": 2027}, {"P-11": 2029}, {"P-20": 2026, "P-11": 2030, "P-12": 2025})


@pytest.mark.parametrize("price", [None, 12e6])  # the example's price (a loss) and one above book value (a gain)
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_plan_with_sales_and_closures_agrees_with_forecast(schedule: dict[str, int], price: float | None) -> None:
    data = exempelkommun()
    if price is not None:
        projects = data.projects.copy()
        projects.loc[projects["project_id"] == "P-20", "sale_proceeds_kr"] = price
        data = data.replace(projects=projects)
    problem = problem_from_municipality(data)
    bm = create_model(problem)
    x = np.zeros(problem.n_columns)
    ids = list(problem.project_ids)
    for pid, year in schedule.items():
        q = ids.index(pid)
        cols = problem.project_columns()[q]
        col = next(j for j in cols if int(problem.years[problem.col_start[j]]) == year)
        x[col] = 1.0
    ev = evaluate_plan(bm, x)
    written = np.asarray(problem.effect("written_off").T @ x).ravel()
    assert written.sum() > 0
    targets = assert_agree(ev.finance, data, schedule, ev.renewal)
    claims_match_forecast(ev.limits, targets)  # incl. the balanskrav: gains out, losses in
