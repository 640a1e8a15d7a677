"""Build new or reinvest, one trade-off: under the reinvestment policy *behov* a project that replaces or closes a
facility takes its renewal off the reinvestment from its completion year (a column effect of the optimiser, the
same change in the forecast). A new school replacing two old ones: the plan's explanation names the renewal it
avoids, the plan replays through the forecast to the krona, and brute force agrees on a small case."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.model.parameters import Parameter
from hushall.needs.reinvestment import reinvestment_path
from hushall.optimize import ModelOptions, evaluate_plan, optimize, problem_from_municipality
from hushall.optimize.model import create_model

LINES = {"result": "årets_resultat", "debt": "långfristiga_skulder", "cash": "likvida_medel",
         "equity": "eget_kapital", "fixed_assets": "materiella_anläggningstillgångar", "borrowing": "nyupptagna_lån"}
OLD = ("F-C-02", "F-LA-01")  # Västerskolan F–6 and Lindås skola


def replacing_school(keep: tuple[str, ...] | None = None, must: bool = True) -> MunicipalityData:
    """Exempelkommun renewing as needed, with a new F–6 school that replaces two old ones (``keep``: only these
    projects of sheet Projekt besides the new school)."""
    data = exempelkommun()
    data = data.replace(assumptions={**data.assumptions, "reinvestering_efter_behov":
                                     Parameter("reinvestering_efter_behov", {2000: 1.0})})
    projects = data.projects.copy()
    new = projects[projects["project_id"] == "P-01"].iloc[0].to_dict()
    new.update(project_id="P-NY", name="Ny F–6-skola i stället för Västerskolan och Lindås skola",
               service_id="grundskola_f6", places_change=0.0, replaces_facilities=";".join(OLD), must_do=must,
               earliest_start=2027, latest_start=2028 if not must else 2027, cost_kr=180e6,
               operating_cost_change_kr=-3.0e6)
    if keep is not None:
        projects = projects[projects["project_id"].isin(keep)]
    return data.replace(projects=pd.concat([projects, pd.DataFrame([new])], ignore_index=True))


def meetable_targets(data: MunicipalityData) -> MunicipalityData:
    """Renewing everything as needed breaks the example's debt, self-financing and ceiling targets in every plan
    (its targets were set for the frame it reinvests today): keep the targets some plans meet."""
    t = data.targets
    return data.replace(targets=t[t["target_id"].isin(["M1", "M4", "M7"]) | (t["target_type"] == "kriterievikt")])


def assert_replays(finance: pd.DataFrame, data: MunicipalityData, schedule: dict[str, int]) -> None:
    f = forecast(data, schedule)
    for var, line in LINES.items():
        np.testing.assert_allclose(finance[var].to_numpy(), f.statements[line], rtol=0, atol=1.0,
                                   err_msg=f"{var} / {line}")


def test_the_plan_names_the_renewal_it_avoids_and_replays_to_the_krona() -> None:
    data = meetable_targets(replacing_school())
    assert reinvestment_path(data).policy == "behov"
    result = optimize(data, time_limit=8, mip_gap=2e-2, explain=False, ranking=False,
                      renewal_decisions=False)  # the renewal the policy (behov) avoids
    schedule = result.schedule_dict
    assert schedule["P-NY"] == 2027
    assert_replays(result.finance, data, schedule)
    # the renewal it avoids: what the forecast reinvests less with the new school than without it
    without = {k: v for k, v in schedule.items() if k != "P-NY"}
    less = (forecast(data, without).statements["reinvesteringar_fasta_priser"]
            - forecast(data, schedule).statements["reinvesteringar_fasta_priser"])
    assert less[:2].sum() == pytest.approx(0.0, abs=1e-6)  # nothing before the school is in use (end of 2027)
    assert less.sum() > 1e6
    row = result.schedule.set_index("project").loc["P-NY"]
    assert row["renewal_avoided_kr"] == pytest.approx(less.sum(), abs=1.0)
    said = {e["project"]: e for e in result.explanations["renewal_avoided"]}
    assert said["P-NY"]["kr"] == pytest.approx(less.sum(), abs=1.0)
    for fid in OLD:
        assert fid in said["P-NY"]["text"]
    assert "Västerskolan" in said["P-NY"]["text"] and "Mkr" in said["P-NY"]["text"]


def test_the_forecast_drops_the_replaced_facilities_renewal_from_the_completion_year() -> None:
    data = replacing_school()
    base = forecast(data, {"P-12": 2025}).statements
    plan = forecast(data, {"P-12": 2025, "P-NY": 2027}).statements
    path = reinvestment_path(data)
    groups = path.groups
    first = int(data.years[0])
    done = 2027 + 3 - 1 - first  # P-01's build time: three years
    # nothing of the two schools' need is left from the completion year on
    less_need = base["förnyelsebehov_fasta_priser"] - plan["förnyelsebehov_fasta_priser"]
    assert np.allclose(less_need[:done], 0.0)
    assert less_need[done:].sum() > 0
    assert np.allclose(less_need, base["reinvesteringar_fasta_priser"] - plan["reinvesteringar_fasta_priser"])
    assert set(groups["facility_id"]) >= set(OLD)


def brute_force_best(data: MunicipalityData, options: ModelOptions | None = None,
                     **problem_options: Any) -> tuple[float, dict[str, int]]:
    """The best objective over every plan that keeps the relations and the targets, each evaluated exactly
    (``problem_options`` for :func:`problem_from_municipality`)."""
    problem = problem_from_municipality(data, **problem_options)
    bm = create_model(problem, options or ModelOptions(borrowing_penalty=0.0, distance_penalty=0.0))
    choices = [[-1, *np.flatnonzero(problem.col_project == q).tolist()] for q in range(problem.n_projects)]
    best, best_plan = -np.inf, {}
    for plan in itertools.product(*choices):
        if any(c < 0 and problem.must_do[q] for q, c in enumerate(plan)):
            continue
        x = np.zeros(problem.n_columns)
        for c in plan:
            if c >= 0:
                x[c] = 1.0
        ev = evaluate_plan(bm, x)
        if ev.relations_broken or not ev.meets_targets:
            continue
        if ev.objective > best:
            best = ev.objective
            best_plan = {str(problem.project_ids[problem.col_project[c]]): int(problem.years[problem.col_start[c]])
                         for c in plan if c >= 0}
    return best, best_plan


def test_brute_force_agrees_with_the_replacing_school() -> None:
    data = replacing_school(keep=("P-04", "P-10", "P-12"), must=False)
    projects = data.projects.copy()
    projects.loc[projects["project_id"] == "P-04", ["earliest_start", "latest_start"]] = [2026, 2027]
    projects.loc[projects["project_id"] == "P-10", ["earliest_start", "latest_start"]] = [2029, 2030]
    # P-10 closes Lindås skola, which the new school also replaces: alternatives, as a municipality would say
    projects.loc[projects["project_id"].isin(["P-10", "P-NY"]), "exclusive_group"] = "lindås"
    data = meetable_targets(data.replace(projects=projects))
    best, plan = brute_force_best(data, renewal_decisions=False)  # the data's policy (behov)
    assert np.isfinite(best)
    result = optimize(data, time_limit=60, mip_gap=1e-9, explain=False, ranking=False, renewal_decisions=False,
                      options=ModelOptions(borrowing_penalty=0.0, distance_penalty=0.0))
    assert result.objective == pytest.approx(best, rel=1e-6, abs=1e-6), (result.schedule_dict, plan)
    assert_replays(result.finance, data, result.schedule_dict)
