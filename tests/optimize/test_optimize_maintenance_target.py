"""Maintenance-debt targets (``underhållsskuld_kr``, ``underhållsskuld_växer_inte``, ``reinvestering_andel_av_behov``):
the forecast reports a plan that lets the debt grow as violating them, the verdict says so, and the optimiser
states the same debt as a linear row and chooses the renewal that keeps it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.finance.targets import maintenance_debt_base_kr
from hushall.finance.verdict import assess
from hushall.model import MunicipalityData
from hushall.optimize import evaluate_plan, optimize, problem_from_municipality
from hushall.optimize.model import create_model
from hushall.projects.maintenance import plan_maintenance_debt, project_relief


def with_rows(data: MunicipalityData, rows: list[dict[str, object]], keep_financial: bool = True) -> MunicipalityData:
    t = data.targets if keep_financial else data.targets[data.targets["target_type"] == "kriterievikt"]
    return data.replace(targets=pd.concat([t, pd.DataFrame(rows)], ignore_index=True))


def test_a_plan_meeting_the_financial_targets_but_letting_the_debt_grow_violates_the_target() -> None:
    data = with_rows(exempelkommun(), [
        {"target_id": "U1", "target_type": "underhållsskuld_växer_inte", "limit": 0.0, "period_years": 1},
        {"target_id": "U2", "target_type": "reinvestering_andel_av_behov", "limit": 1.0, "period_years": 30}])
    fc = forecast(data, {})
    t = fc.targets
    financial = t[t["target_id"].str.startswith("M")]
    assert financial["met"].all()
    debt = np.asarray(fc.statements["underhållsskuld_fasta_priser"], dtype=float)
    u1 = t[t["target_id"] == "U1"].set_index("year")
    base = maintenance_debt_base_kr(data)
    assert base > 0
    assert (u1["limit"] == 0.0).all()  # the growth allowed since the base year
    grows = debt > base + 0.5
    assert grows.any() and (~grows).any()
    np.testing.assert_array_equal(u1["met"].to_numpy(), ~grows)
    np.testing.assert_allclose(u1["margin_kr"].to_numpy(), base - debt, atol=1e-6)
    np.testing.assert_allclose(u1["value"].to_numpy(), debt / base - 1.0)
    # reinvestment share over the plan: the frame renews less than falls due
    u2 = t[t["target_id"] == "U2"].set_index("year")
    spend = np.asarray(fc.statements["reinvesteringar_fasta_priser"], dtype=float)
    need = np.asarray(fc.statements["förnyelsebehov_fasta_priser"], dtype=float)
    assert u2["value"].iloc[-1] == pytest.approx(spend.sum() / need.sum())
    assert not bool(u2["met"].iloc[-1])
    verdict = assess(data, fc)
    failing = {o.target_id for o in verdict.targets if o.failed_years}
    assert {"U1", "U2"} <= failing
    assert not verdict.targets_hold and not verdict.sound


def test_the_optimisers_debt_row_is_the_forecasts_debt() -> None:
    """For random plans (at most one project per facility: a component renewed by two chosen projects counts
    twice in the linear row, see :mod:`hushall.optimize.finance_link`) the optimiser's maintenance-debt rows
    reproduce the forecast's margins to the krona."""
    data = with_rows(exempelkommun(), [
        {"target_id": "U1", "target_type": "underhållsskuld_kr", "limit": 150e6, "period_years": 3}])
    problem = problem_from_municipality(data, renewal_decisions=False)  # the rows of the data's policy
    bm = create_model(problem)
    rng = np.random.default_rng(3)
    for _ in range(4):
        x = np.zeros(problem.n_columns)
        schedule: dict[str, int] = {}
        used: set[str] = set()
        for p, cols in enumerate(problem.project_columns()):
            fac = str(data.projects["facility_id"].fillna("").iloc[p])
            if fac in used and not problem.must_do[p]:
                continue
            if cols.size and (problem.must_do[p] or rng.random() < 0.4):
                used |= {fac} - {""}
                j = int(rng.choice(cols))
                x[j] = 1.0
                schedule[str(problem.project_ids[p])] = int(problem.years[problem.col_start[j]])
        ev = evaluate_plan(bm, x)
        rows = ev.limits[ev.limits["target_id"] == "U1"].set_index("year")
        f = forecast(data, schedule).targets
        fu = f[f["target_id"] == "U1"].set_index("year")
        np.testing.assert_allclose(rows["violation"].to_numpy(),
                                   np.maximum(-fu["margin_kr"], 0.0).loc[rows.index].to_numpy(), atol=1.0)


def test_the_optimiser_chooses_the_renewal_that_keeps_the_debt() -> None:
    data = exempelkommun()
    committed = {"P-12": 2025}  # must-do, fixed start
    without = plan_maintenance_debt(data, committed)
    relief = project_relief(data)
    pids = data.projects["project_id"].astype(str).tolist()
    k = pids.index("P-04")  # ombyggnad Centralskolan renews its facility
    first = int(data.years[0])
    done = 2026 + int(data.projects.loc[k, "duration_years"]) - 1 - first
    gain = relief[k, done]
    y = int(np.argmax(gain))
    assert gain[y] > 1e6
    limit = float(without[y] - 0.5 * gain[y])
    year = int(data.years[y])
    data = with_rows(data, [{"target_id": "U1", "target_type": "underhållsskuld_kr", "limit": limit,
                             "period_years": 1, "from_year": year, "to_year": year}], keep_financial=False)
    before = forecast(data, committed).targets
    assert not bool(before.loc[before["target_id"] == "U1", "met"].iloc[0])
    result = optimize(data, time_limit=60, mip_gap=1e-4, explain=False, ranking=False)
    schedule = result.schedule_dict
    after = forecast(data, schedule).targets
    assert bool(after.loc[after["target_id"] == "U1", "met"].iloc[0]), schedule
    chosen = [pids.index(p) for p in schedule]
    cleared = sum(relief[i, min(max(s + int(data.projects.loc[i, "duration_years"]) - 1 - first, 0), len(data.years)), y]
                  for i, s in ((i, schedule[pids[i]]) for i in chosen))
    assert cleared >= without[y] - limit - 1.0
    rows = result.targets[result.targets["target_id"] == "U1"]
    assert (rows["violation"] <= 0.5).all()


def test_a_component_two_chosen_projects_claim_counts_once_in_the_debt_row() -> None:
    """Under the frame (*ram*), P-02 (ombyggnad of F-C-08, all its components) and P-03 (reinvestment in the ventilation and electricity
    of F-C-08) claim the same components; chosen together, the optimiser's debt row counts them once — its room is
    the forecast's margin to the krona, year by year."""
    data = with_rows(exempelkommun(), [
        {"target_id": "U1", "target_type": "underhållsskuld_kr", "limit": 150e6, "period_years": 2}])
    projects = data.projects.copy()
    projects.loc[projects["project_id"] == "P-03", "renews_components"] = "ventilation;el"
    data = data.replace(projects=projects)
    problem = problem_from_municipality(data, renewal_decisions=False)  # the rows of the data's policy
    assert problem.finance is not None and problem.shared_relief is not None
    assert problem.shared_relief.relief_kr.shape[0] > 0
    bm = create_model(problem)
    pids = [str(p) for p in problem.project_ids]
    for schedule in ({"P-12": 2025, "P-02": 2028, "P-03": 2025}, {"P-12": 2025, "P-02": 2027, "P-03": 2030},
                     {"P-12": 2025, "P-03": 2026}, {"P-12": 2025, "P-02": 2029}):
        x = np.zeros(problem.n_columns)
        for pid, year in schedule.items():
            x[problem.column_of(pids.index(pid), year - int(problem.years[0]))] = 1.0
        ev = evaluate_plan(bm, x)
        rows = ev.limits[ev.limits["target_id"] == "U1"].set_index("year")
        f = forecast(data, schedule).targets
        fu = f[f["target_id"] == "U1"].set_index("year")
        np.testing.assert_allclose(rows["room"].to_numpy(), fu["margin_kr"].loc[rows.index].to_numpy(), atol=1.0,
                                   err_msg=str(schedule))
    # the overlap is real: in some years both plans' columns clear the same shared pools (summed per project, the
    # row would have counted that debt twice)
    sr = problem.shared_relief
    k2, k3 = pids.index("P-02"), pids.index("P-03")
    first = int(problem.years[0])
    c2, c3 = 2028 + 2 - 1 - first, 2025 - first
    twice = sr.cleared[k2, c2] & sr.cleared[k3, c3]
    assert (sr.relief_kr * twice).sum() > 1e6
