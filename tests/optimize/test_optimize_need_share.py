"""*reinvestering_andel_av_behov* against the plan's own need: a project that closes, sells or replaces a
facility takes its renewal need off from its completion year (:func:`hushall.projects.maintenance.plan_need_change`);
the optimiser's row (:mod:`hushall.optimize.finance_link`, aggregate ``renewal_need_avoided``) counts it as the
forecast does, so the row's room in the write-back is the forecast's margin of the target to the krona — under the
frame, under *behov* and with renewal decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData, Parameter
from hushall.optimize import evaluate_plan, problem_from_municipality
from hushall.optimize.model import create_model
from hushall.optimize.renewal_decisions import renewal_matrix
from hushall.optimize.warmstart import columns_of_plan
from hushall.projects.maintenance import plan_need_change, renewal_groups, renewal_plan

#: P-12 builds a new facility replacing three (must-do), P-14 replaces four, P-20 sells a gym, P-04 rebuilds
#: Centralskolan: no component is claimed by two of them.
PLANS = ({"P-12": 2025, "P-20": 2027, "P-14": 2026, "P-04": 2028}, {"P-12": 2025, "P-14": 2031, "P-22": 2025},
         {"P-12": 2025})


def with_need_share(behov: bool = False) -> MunicipalityData:
    data = exempelkommun()
    row = {"target_id": "R1", "target_type": "reinvestering_andel_av_behov", "limit": 0.7, "period_years": 4}
    data = data.replace(targets=pd.concat([data.targets, pd.DataFrame([row])], ignore_index=True))
    if behov:
        data = data.replace(assumptions={**data.assumptions, "reinvestering_efter_behov":
                                         Parameter("reinvestering_efter_behov", {2000: 1.0})})
    return data


def room_and_margin(data: MunicipalityData, plan: dict[str, int], decisions: bool) -> tuple[np.ndarray, np.ndarray]:
    problem = problem_from_municipality(data, renewal_decisions=decisions)
    assert "renewal_need_avoided" in problem.effects
    ev = evaluate_plan(create_model(problem), columns_of_plan(problem, plan))
    policy = None
    if decisions:
        groups = renewal_groups(data)
        policy = renewal_plan(groups, renewal_matrix(ev.renewal, groups.n_groups, np.asarray(data.years)))
    rows = ev.limits[ev.limits["target_id"] == "R1"].set_index("year")
    f = forecast(data, plan, reinvestment_policy=policy).targets
    fr = f[f["target_id"] == "R1"].set_index("year")
    return rows["room"].to_numpy(), fr["margin_kr"].loc[rows.index].to_numpy()


@pytest.mark.parametrize("decisions", [False, True], ids=["policy", "decisions"])
def test_the_rows_room_is_the_forecasts_margin_of_the_plans_own_need(decisions: bool) -> None:
    data = with_need_share()
    for plan in PLANS:
        room, margin = room_and_margin(data, plan, decisions)
        np.testing.assert_allclose(room, margin, rtol=0, atol=1.0, err_msg=str(plan))
    # the plan does take need off (the ombyggnad P-04 also moves some need later): against the need without the
    # projects the row would be stricter by 0.7 × the window's sum of it — tens of Mkr in the year the gym goes
    taken = -plan_need_change(data, PLANS[0])
    assert taken.sum() > 50e6 and taken.max() > 10e6


def test_under_behov_the_reinvestment_falls_with_the_need() -> None:
    """Under *behov* the reinvestment is the plan's own need, so both sides fall with a closure: the row's
    coefficient is ``x − 1`` and the room is still the forecast's margin."""
    data = with_need_share(behov=True)
    for plan in PLANS[:2]:
        room, margin = room_and_margin(data, plan, decisions=False)
        np.testing.assert_allclose(room, margin, rtol=0, atol=1.0, err_msg=str(plan))


def test_brute_force_agrees_when_only_letting_go_keeps_the_share() -> None:
    """Under the frame the reinvestment is fixed; a share of the need between what the frame renews of the need
    without the new school and of the need with it is kept only by a plan that lets the old schools go. Brute
    force over every plan (each evaluated exactly) and the branch and bound agree, and the plan keeps the target
    in the forecast."""
    from tests.optimize.test_optimize_reinvestment import brute_force_best
    from tests.optimize.test_optimize_renewal_decisions import EXACT, replacing_school

    from hushall.optimize import optimize

    data = replacing_school(keep=("P-10", "P-12"), must=False)
    projects = data.projects.copy()
    projects.loc[projects["project_id"] == "P-10", ["earliest_start", "latest_start"]] = [2029, 2030]
    projects.loc[projects["project_id"].isin(["P-10", "P-NY"]), "exclusive_group"] = "lindås"
    data = data.replace(projects=projects)
    last = int(data.years[-1])
    share = {}
    for name, plan in (("without", {"P-12": 2025}), ("with", {"P-12": 2025, "P-NY": 2027})):
        s = forecast(data, plan).statements
        share[name] = s["reinvesteringar_fasta_priser"].sum() / s["förnyelsebehov_fasta_priser"].sum()
    assert share["with"] > share["without"] + 0.01
    row = {"target_id": "R1", "target_type": "reinvestering_andel_av_behov",
           "limit": 0.5 * (share["with"] + share["without"]), "period_years": 30, "from_year": last,
           "to_year": last}
    kept = data.targets[data.targets["target_id"] != "M1"]  # the result share the new school's first year breaks
    data = data.replace(targets=pd.concat([kept, pd.DataFrame([row])], ignore_index=True))
    best, plan = brute_force_best(data, EXACT, renewal_decisions=False)
    assert np.isfinite(best) and "P-NY" in plan
    result = optimize(data, time_limit=60, mip_gap=1e-6, explain=False, ranking=False, renewal_decisions=False,
                      options=EXACT)
    assert result.objective == pytest.approx(best, rel=1e-5, abs=1e-5), (result.schedule_dict, plan)
    f = forecast(data, result.schedule_dict).targets
    assert bool(f.loc[f["target_id"] == "R1", "met"].all())
