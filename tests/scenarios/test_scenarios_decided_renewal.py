"""Monte Carlo of a plan whose reinvestment the optimiser decided (``simulate(..., reinvestment_policy=
result.renewal_plan(data))``): the draw without uncertainty is the replayed forecast to the krona, maintenance debt
included; in a draw where the new school is late, the two old schools' backlog waits until it is complete and
nothing is renewed on them that the plan did not renew."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.finance import forecast
from hushall.optimize import optimize
from hushall.projects.maintenance import renewal_groups
from hushall.scenarios.montecarlo import MonteCarloSpec, simulate, simulate_chunk
from tests.optimize.test_optimize_renewal_decisions import OLD, replacing_school


@pytest.fixture(scope="module")
def decided():  # type: ignore[no-untyped-def]
    data = replacing_school(keep=("P-04", "P-12"))
    result = optimize(data, time_limit=20, mip_gap=1e-2, explain=False, ranking=False, renewal_decisions=True,
                      balanskrav="strict")
    return data, result.schedule_dict, result.renewal_plan(data)


def test_a_draw_without_uncertainty_is_the_replayed_forecast(decided) -> None:  # type: ignore[no-untyped-def]
    data, plan, renewal = decided
    out = simulate_chunk(data, plan, MonteCarloSpec.for_data(data).deterministic(), start=0, stop=2,
                         reinvestment_policy=renewal)
    f = forecast(data, plan, reinvestment_policy=renewal).statements
    for line in ("reinvesteringar", "avskrivningar", "årets_resultat", "materiella_anläggningstillgångar",
                 "långfristiga_skulder", "likvida_medel", "förnyelsebehov_fasta_priser"):
        np.testing.assert_allclose(out["statements"][line][0], f[line], rtol=0, atol=1.0, err_msg=line)
    np.testing.assert_allclose(out["lines"]["underhållsskuld"][0], f["underhållsskuld_fasta_priser"], atol=1.0)
    # not the data's policy: the optimiser's renewal differs from it
    data_policy = simulate_chunk(data, plan, MonteCarloSpec.for_data(data).deterministic(), start=0, stop=1)
    assert np.abs(data_policy["statements"]["reinvesteringar"][0] - f["reinvesteringar"]).max() > 1e6
    # simulate() reports the same debt for its draw without uncertainty
    mc = simulate(data, plan, MonteCarloSpec.for_data(data).deterministic(), n_draws=3, reinvestment_policy=renewal)
    p50 = mc.line("underhållsskuld")["p50"].to_numpy(dtype=float)
    np.testing.assert_allclose(p50, f["underhållsskuld_fasta_priser"], atol=1.0)


def test_a_late_school_leaves_the_old_schools_backlog_waiting(decided) -> None:  # type: ignore[no-untyped-def]
    data, plan, renewal = decided
    out = simulate_chunk(data, plan, MonteCarloSpec.for_data(data), seed=5, start=0, stop=256,
                         reinvestment_policy=renewal)
    done = out["effects"]["completion_index"]  # (draws, projects in sheet order: P-04, P-12, P-NY)
    planned = done.min(axis=0)
    on_plan = (done == planned).all(axis=1)
    school_late = (done[:, :2] == planned[:2]).all(axis=1) & (done[:, 2] > planned[2])
    assert on_plan.any() and school_late.any()
    debt = out["lines"]["underhållsskuld"]
    on_time, s = debt[np.flatnonzero(on_plan)[0]], int(np.flatnonzero(school_late)[0])
    c, n_t = int(planned[2]), len(data.years)
    late_until = min(int(done[s, 2]), n_t)
    # the late school: the same debt before its planned completion, more until it is complete
    np.testing.assert_allclose(debt[s, :c], on_time[:c], atol=1.0)
    assert np.all(debt[s, c:late_until] > on_time[c:late_until] + 1e6)
    # the old schools' pools hold no more renewal than the plan's in any draw (nothing renewed on them that the
    # plan did not), so the reinvestment of a late draw is never above the on-time one
    g = renewal_groups(data)
    old = [k for k, f in enumerate(g.facilities) if any(o in f for o in OLD)]
    assert old
    spend = out["statements"]["reinvesteringar_fasta_priser"]
    assert np.all(spend <= np.asarray(renewal.renewal_real_kr).sum(axis=0)[None, :] + 1.0)


def test_the_robust_search_simulates_each_plan_with_its_renewal(decided) -> None:  # type: ignore[no-untyped-def]
    from hushall.projects import Schedule
    from hushall.scenarios.robust import OptimiserPlanner, PlanChoice, robust_plan

    data, plan, renewal = decided
    asked: list[object] = []

    def planner(d):  # type: ignore[no-untyped-def]
        asked.append(d)
        return PlanChoice(Schedule(plan), 1.0, 1.0, "optimal", renewal)

    rb = robust_plan(data, planner, level=0.6, n_draws=200, max_iterations=1, refine=0)
    assert asked and rb.base_mc.renewal_decided and rb.robust_mc.renewal_decided
    f = forecast(data, plan, reinvestment_policy=renewal).statements
    base = rb.base_mc.baseline
    debt = base[base["line"] == "underhållsskuld"].set_index("year")["value"].reindex(data.years)
    np.testing.assert_allclose(debt.to_numpy(dtype=float), f["underhållsskuld_fasta_priser"], atol=1.0)
    # the optimiser as a planner hands its renewal on when it decides it
    choice = OptimiserPlanner(time_limit=20, mip_gap=1e-2, renewal_decisions=True)(data)
    assert choice.renewal is not None and np.asarray(choice.renewal.renewal_real_kr).sum() > 100e6
    assert OptimiserPlanner(time_limit=20, mip_gap=1e-2, renewal_decisions=False)(data).renewal is None


def test_the_scenarios_replay_the_plans_renewal_unless_they_set_the_reinvestment(decided) -> None:  # type: ignore[no-untyped-def]
    """``compare(..., renewal=)`` and a planner's renewal: every scenario replays the optimiser's renewal per pool
    and year (its baseline is the replayed forecast), except a scenario that sets the reinvestment policy itself,
    which runs under that policy."""
    from hushall.projects import Schedule
    from hushall.scenarios import builtin_scenarios, compare
    from hushall.scenarios.robust import PlanChoice

    data, plan, renewal = decided
    lib = builtin_scenarios()
    chosen = [lib["hög_ränta"], lib["reinvestering_efter_behov"]]
    cmp = compare(data, chosen, plan, renewal=renewal)
    by = {o.scenario.key: o for o in cmp.outcomes}
    replay = forecast(data, plan, reinvestment_policy=renewal).statements
    base = by["basprognos"]
    assert base.renewal_decided and by["hög_ränta"].renewal_decided
    np.testing.assert_allclose(base.forecast.statements["reinvesteringar"], replay["reinvesteringar"], atol=1.0)
    np.testing.assert_allclose(base.maintenance_debt_kr, replay["underhållsskuld_fasta_priser"], atol=1.0)
    np.testing.assert_allclose(by["hög_ränta"].forecast.statements["reinvesteringar_fasta_priser"],
                               replay["reinvesteringar_fasta_priser"], atol=1.0)  # the same renewal, other rates
    as_needed = by["reinvestering_efter_behov"]
    assert not as_needed.renewal_decided
    assert np.abs(np.asarray(as_needed.forecast.statements["reinvesteringar_fasta_priser"])
                  - np.asarray(replay["reinvesteringar_fasta_priser"])).max() > 1e6
    # re-planned: the planner's renewal is the one replayed
    again = compare(data, [lib["hög_ränta"]], planner=lambda d: PlanChoice(Schedule(plan), 1.0, 1.0, "optimal",
                                                                           renewal))
    assert all(o.renewal_decided for o in again.outcomes)
    np.testing.assert_allclose(again.outcomes[0].forecast.statements["reinvesteringar"], replay["reinvesteringar"],
                               atol=1.0)
