"""Reinvestment as a decision next to the projects (:mod:`hushall.optimize.renewal_decisions`): the optimiser
renews, postpones or lets go per pool of components and year; its renewal is written back per pool and year and
replays through the forecast (``reinvestment_policy=result.renewal_plan(data)``) to the krona, maintenance debt
included; a new school replacing two old ones lets their renewal go and the explanation names it; brute force
agrees on a small case (every plan with its best renewal: the model with the plan's binaries fixed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.optimize.test_optimize_reinvestment import brute_force_best

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.optimize import ModelOptions, evaluate_plan, optimize, problem_from_municipality
from hushall.optimize.model import create_model
from hushall.optimize.renewal_decisions import renewal_matrix
from hushall.projects.maintenance import renewal_groups, renewal_plan

LINES = {"result": "årets_resultat", "debt": "långfristiga_skulder", "cash": "likvida_medel",
         "equity": "eget_kapital", "fixed_assets": "materiella_anläggningstillgångar", "borrowing": "nyupptagna_lån"}
OLD = ("F-C-02", "F-LA-01")  # Västerskolan F–6 and Lindås skola
#: Every plan evaluated with its best renewal (a small MILP each), no tie-breakers: what brute force compares.
EXACT = ModelOptions(borrowing_penalty=0.0, distance_penalty=0.0, renewal_evaluation="milp")


def replacing_school(keep: tuple[str, ...], must: bool = True) -> MunicipalityData:
    """Exempelkommun with a new F–6 school (P-NY, from 2027, three years) replacing two old ones, only the projects
    ``keep`` of sheet Projekt besides it, and the targets a plan can meet (result share, soliditet, parallel
    projects)."""
    data = exempelkommun()
    projects = data.projects.copy()
    new = projects[projects["project_id"] == "P-01"].iloc[0].to_dict()
    new.update(project_id="P-NY", name="Ny F–6-skola i stället för Västerskolan och Lindås skola",
               service_id="grundskola_f6", places_change=0.0, replaces_facilities=";".join(OLD), must_do=must,
               earliest_start=2027, latest_start=2027 if must else 2028, cost_kr=180e6,
               operating_cost_change_kr=-3.0e6)
    projects = projects[projects["project_id"].isin(keep)]
    t = data.targets
    targets = t[t["target_id"].isin(["M1", "M4", "M7"]) | (t["target_type"] == "kriterievikt")]
    return data.replace(projects=pd.concat([projects, pd.DataFrame([new])], ignore_index=True), targets=targets)


def assert_replays(result, data: MunicipalityData) -> None:  # type: ignore[no-untyped-def]
    plan = result.renewal_plan(data)
    assert plan is not None
    f = forecast(data, result.schedule_dict, reinvestment_policy=plan).statements
    for var, line in LINES.items():
        np.testing.assert_allclose(result.finance[var].to_numpy(), f[line], rtol=0, atol=1.0, err_msg=line)
    by_year = result.renewal.groupby("year")[["renewal_kr", "backlog_kr"]].sum().reindex(data.years, fill_value=0.0)
    np.testing.assert_allclose(by_year["renewal_kr"].to_numpy(), f["reinvesteringar_fasta_priser"], atol=1.0)
    np.testing.assert_allclose(by_year["backlog_kr"].to_numpy(), f["underhållsskuld_fasta_priser"], atol=1.0)


def test_the_renewal_plan_replays_to_the_krona_and_lets_the_replaced_schools_go() -> None:
    data = replacing_school(keep=("P-04", "P-12"))
    result = optimize(data, time_limit=20, mip_gap=1e-2, explain=False, ranking=False, renewal_decisions=True,
                      balanskrav="strict")
    assert result.schedule_dict["P-NY"] == 2027
    assert_replays(result, data)
    table = result.renewal
    assert table["renewal_kr"].sum() > 100e6  # the optimiser renews: money, next to the projects
    # the two schools' pools: renewal and backlog end when the new school is complete (end of 2029)
    old = table[table["facilities"].str.contains("F-C-02") | table["facilities"].str.contains("F-LA-01")]
    assert len(old) and not old.loc[old["year"] >= 2029, ["renewal_kr", "backlog_kr"]].to_numpy().any()
    # the explanation names the renewal it lets go (what renewing the two schools as needed would have cost)
    said = {e["project"]: e for e in result.explanations["renewal_avoided"]}
    assert said["P-NY"]["kr"] > 1e6
    assert "Västerskolan" in said["P-NY"]["text"] and "Lindås" in said["P-NY"]["text"]
    assert said["P-NY"]["kr"] == pytest.approx(as_needed_difference(data, result.schedule_dict), abs=1.0)
    # the JSON round trip keeps the plan
    back = type(result).from_json_dict(result.to_json_dict())
    np.testing.assert_allclose(back.renewal_plan(data).renewal_real_kr, result.renewal_plan(data).renewal_real_kr)


def as_needed_difference(data: MunicipalityData, schedule: dict[str, int]) -> float:
    """What the forecast renewing everything as needed (*behov*) reinvests less with P-NY in ``schedule`` than
    without it (real kr over the plan)."""
    from hushall.model.parameters import Parameter

    as_needed = data.replace(assumptions={**data.assumptions, "reinvestering_efter_behov":
                                          Parameter("reinvestering_efter_behov", {2000: 1.0})})
    without = {k: v for k, v in schedule.items() if k != "P-NY"}
    line = "reinvesteringar_fasta_priser"
    return float((forecast(as_needed, without).statements[line] - forecast(as_needed, schedule).statements[line]
                  ).sum())


def test_without_decisions_under_the_frame_the_explanation_names_the_renewal_the_school_takes_over() -> None:
    """Decisions off, the example's reinvestment frame: the money does not change (the frame is spent anyway),
    but the explanation still names the renewal the new school takes over — what renewing the two old schools as
    needed would cost from its completion, the forecast's *behov* difference — and says the frame renews other
    components instead."""
    from hushall.needs.reinvestment import reinvestment_path

    data = replacing_school(keep=("P-04", "P-12"))
    assert reinvestment_path(data).policy == "ram"
    result = optimize(data, time_limit=20, mip_gap=1e-2, explain=False, ranking=False, renewal_decisions=False,
                      balanskrav="strict")
    assert result.renewal is None and result.schedule_dict["P-NY"] == 2027
    said = {e["project"]: e for e in result.explanations["renewal_avoided"]}
    text = said["P-NY"]["text"]
    assert "Västerskolan" in text and "Lindås" in text and "reinvesteringsramen förnyar andra komponenter" in text
    assert said["P-NY"]["kr"] == pytest.approx(as_needed_difference(data, result.schedule_dict), abs=1.0)
    assert said["P-NY"]["kr"] > 1e6


def test_the_replaced_schools_renewal_is_avoided_against_the_same_plan_without_the_school() -> None:
    data = replacing_school(keep=("P-12",), must=False)
    problem = problem_from_municipality(data, renewal_decisions=True, balanskrav="strict")
    bm = create_model(problem)
    q = list(problem.project_ids).index("P-NY")
    with_school = np.zeros(problem.n_columns)
    with_school[problem.column_of(q, 2027 - 2025)] = 1.0
    a, b = evaluate_plan(bm, with_school), evaluate_plan(bm, np.zeros(problem.n_columns))
    groups = renewal_groups(data)
    old = [k for k, f in enumerate(groups.facilities) if any(o in f for o in OLD)]

    def of_old(ev, col: str) -> float:  # type: ignore[no-untyped-def]
        r = ev.renewal
        return float(r.loc[r["group"].isin(old) & (r["year"] >= 2029), col].sum())

    assert of_old(a, "renewal_kr") == 0.0 and of_old(a, "backlog_kr") == 0.0
    assert of_old(b, "renewal_kr") + of_old(b, "backlog_kr") > 1e6


def test_brute_force_agrees_with_renewal_decisions() -> None:
    data = replacing_school(keep=("P-10", "P-12"), must=False)
    projects = data.projects.copy()
    projects.loc[projects["project_id"] == "P-10", ["earliest_start", "latest_start"]] = [2029, 2030]
    projects.loc[projects["project_id"].isin(["P-10", "P-NY"]), "exclusive_group"] = "lindås"
    data = data.replace(projects=projects)
    best, plan = brute_force_best(data, EXACT, renewal_decisions=True, balanskrav="strict")
    assert np.isfinite(best)
    result = optimize(data, time_limit=60, mip_gap=1e-6, explain=False, ranking=False, balanskrav="strict",
                      renewal_decisions=True, options=EXACT)
    assert result.objective == pytest.approx(best, rel=1e-5, abs=1e-5), (result.schedule_dict, plan)
    assert_replays(result, data)


def test_a_plan_the_branch_and_bound_did_not_solve_is_valued_with_a_renewal_the_treasury_allows() -> None:
    """``renewal_evaluation="lp"`` (the ranking list, the explanations' forced plans): the renewal of the LP
    relaxation with the plan fixed may lean on fractional treasury and balanskrav indicators; the second LP, with
    the indicators as the financial model has them, renews so that a plan that keeps every target is valued as
    keeping them (Exempelkommun, a plan the optimiser found)."""
    from hushall.optimize.warmstart import columns_of_plan

    data = exempelkommun()
    plan = {"P-03": 2025, "P-06": 2025, "P-12": 2025, "P-15": 2025, "P-18": 2025, "P-22": 2025, "P-11": 2026,
            "P-16": 2026, "P-19": 2026, "P-20": 2026, "P-04": 2027, "P-05": 2027, "P-13": 2027, "P-21": 2027,
            "P-09": 2028, "P-14": 2029, "P-02": 2030, "P-01": 2031, "P-10": 2031, "P-17": 2045}
    problem = problem_from_municipality(data, renewal_decisions=True)
    ev = evaluate_plan(create_model(problem, ModelOptions(renewal_evaluation="lp")), columns_of_plan(problem, plan))
    assert ev.meets_targets, ev.violations  # the first LP's renewal alone broke 18 target-years
    assert ev.parts["violation_penalty"] < 1e-3 and ev.objective > 0
    f = forecast(data, plan, reinvestment_policy=renewal_plan(renewal_groups(data), renewal_matrix(
        ev.renewal, renewal_groups(data).n_groups, np.asarray(data.years))))
    np.testing.assert_allclose(ev.finance["debt"].to_numpy(), f.statements["långfristiga_skulder"], atol=1.0)


def test_a_kept_renewal_that_breaks_a_target_gives_way_to_one_that_does_not() -> None:
    """The branch and bound's renewal holds the rows only within the MIP's tolerance (a few kr on a binding debt
    row, once replayed exactly): when the renewal kept for a plan breaks a target, the write-back takes the two
    LPs' renewal if that breaks less. Here the kept renewal renews everything as it falls due (which the
    example's debt and self-financing targets do not allow)."""
    from hushall.optimize.renewal_decisions import remember_solution, renewal_for_plan
    from hushall.optimize.solve import _assign_solution, _slack_total, assign_solution
    from hushall.optimize.warmstart import columns_of_plan

    data = exempelkommun()
    problem = problem_from_municipality(data, renewal_decisions=True)
    bm = create_model(problem)
    x = columns_of_plan(problem, {"P-12": 2025, "P-04": 2027, "P-14": 2029})
    good = renewal_for_plan(bm, x)
    greedy = good.copy()
    blk = bm.lm.variables["renewal:spend"]
    greedy[blk.start:blk.stop] = np.repeat(problem.renewal.groups.value_kr / 1e6, problem.n_years)  # all it can
    remember_solution(bm, x, greedy)
    breaking = _assign_solution(bm, x)
    assert _slack_total(bm, breaking.solution) > 1e-3  # renewing everything breaks targets
    pv = assign_solution(bm, x)
    assert _slack_total(bm, pv.solution) < _slack_total(bm, breaking.solution)
    assert pv.renewal is not None and breaking.renewal is not None
    assert pv.renewal[0].sum() < breaking.renewal[0].sum() - 1e6


def test_a_kept_renewal_a_little_over_a_row_is_held_exactly_with_its_own_indicators() -> None:
    """The branch and bound's renewal for its plan, a hair over a row (renewal 1e-7 above: 160 kr over, once
    replayed): the write-back keeps the branch and bound's treasury and balanskrav indicators and solves the
    renewal given them to 0.001 kr — worth what the branch and bound found, not the 0.04 points less of the two
    LPs' renewal, and no target broken."""
    from tests.optimize.test_optimize_renewal_bounds import PLAN

    from hushall.optimize.linear import highs_from_arrays
    from hushall.optimize.renewal_decisions import remember_solution
    from hushall.optimize.solve import _assign_solution, _slack_total, assign_solution
    from hushall.optimize.warmstart import columns_of_plan

    problem = problem_from_municipality(exempelkommun(), renewal_decisions=True)
    bm = create_model(problem)
    x = columns_of_plan(problem, PLAN)
    arr = dict(bm.lm.arrays())
    lo, up = arr["col_lower"].copy(), arr["col_upper"].copy()
    lo[bm.x.start:bm.x.stop] = up[bm.x.start:bm.x.stop] = x
    h = highs_from_arrays({**arr, "col_lower": lo, "col_upper": up}, sense="max", offset=bm.lm.offset,
                          options={"mip_rel_gap": 1e-6})
    h.run()
    best = np.asarray(h.getSolution().col_value)
    over = best.copy()
    blk = bm.lm.variables["renewal:spend"]
    over[blk.start:blk.stop] *= 1.0 + 1e-7
    remember_solution(bm, x, over)
    assert _slack_total(bm, _assign_solution(bm, x).solution) > 1e-4  # the kept renewal breaks a target
    lps = _assign_solution(bm, x, known_renewal=False)
    pv = assign_solution(bm, x)
    assert _slack_total(bm, pv.solution) <= 0.5e-6
    assert pv.objective >= h.getInfo().objective_function_value - 1e-4
    assert pv.objective > lps.objective + 0.01  # 40.7997 against 40.7603 (2026-12-04)


def test_warm_renewal_lps_value_each_plan_as_a_fresh_lp_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The explanations value one plan after another (the optimised plan with a project forced in earlier):
    within :func:`~hushall.optimize.renewal_decisions.warm_renewal_lps` each of the write-back's two LPs is one
    HiGHS instance, started from the last plan's basis. Every plan is worth what fresh LPs give it, up to the LPs'
    choice among equally good renewals (here at most 7.8e-5 points, about 1 900 kr of 989 Mkr), with the same
    targets broken by the same amounts."""
    from tests.optimize.test_optimize_renewal_bounds import PLAN

    import hushall.optimize.renewal_decisions as rd
    from hushall.optimize.evaluate import violation_records
    from hushall.optimize.warmstart import columns_of_plan

    problem = problem_from_municipality(exempelkommun(), renewal_decisions=True)
    bm = create_model(problem)
    plans = [PLAN] + [{**PLAN, project: 2025} for project in ("P-01", "P-02", "P-14", "P-17", "P-05", "P-09")]
    xs = [columns_of_plan(problem, plan) for plan in plans]
    fresh = [evaluate_plan(bm, x, reduced=True) for x in xs]
    built: list[int] = []
    original = rd.highs_from_arrays

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(rd, "highs_from_arrays", counting)
    with rd.warm_renewal_lps(bm):
        warm = [evaluate_plan(bm, x, reduced=True) for x in xs]
    assert len(built) == 2  # the first LP and the second, each once for all seven plans
    for a, b in zip(fresh, warm, strict=True):
        assert b.objective == pytest.approx(a.objective, abs=2e-4)
        broken_a, broken_b = violation_records(a.limits), violation_records(b.limits)
        assert [(v["target"], v["year"]) for v in broken_b] == [(v["target"], v["year"]) for v in broken_a]
        np.testing.assert_allclose([v["violation"] for v in broken_b], [v["violation"] for v in broken_a], atol=1.0)
    assert any(violation_records(e.limits) for e in warm) and not violation_records(warm[0].limits)
    assert len({round(e.objective, 6) for e in warm}) == len(plans)  # seven different plans, not one seven times
    evaluate_plan(bm, xs[1], reduced=True)
    assert len(built) == 4  # outside the block: two fresh LPs again
