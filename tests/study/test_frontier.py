"""The price of each choice against brute force on tiny instances: the frontier's values are the best plans at
each frame, never falling as the frame grows; the ladder agrees with re-solving at its frames; a target's price is
the value difference with and without it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hushall.errors import HushallError
from hushall.optimize import ModelOptions, optimize, synthetic_municipality
from hushall.optimize.problem import OptimizationProblem
from hushall.study.frontier import (
    Frontier,
    FrontierStep,
    compute_frontier,
    fits_frame,
    frame_grid,
    frame_of,
    priced_targets,
    with_frame,
    without_target,
)
from hushall.study.request import PlanRequest
from hushall.study.study import PlanStudy, StudyPlan
from tests.optimize.test_optimize_bruteforce import all_plans, brute_force

EXACT = ModelOptions(borrowing_penalty=0.0, distance_penalty=0.0)


def tiny(seed: int, tight_finance: float = 0.7) -> OptimizationProblem:
    """Five projects over four years: every plan can be enumerated (at most 5^5). With ``tight_finance`` 0.7 the
    result target binds (seeds 12, 13: it has a price), with 1.0 the investment frame does (seeds 2, 3: the value
    rises over the frontier)."""
    problem = synthetic_municipality(5, n_years=4, seed=seed, capacity=False, relations=False, ceiling_share=0.35,
                                     tight_finance=tight_finance, max_parallel=3)
    assert len(all_plans(problem)) <= 5 ** 5
    return problem


@pytest.fixture(scope="module", params=[(12, 0.7), (13, 0.7), (2, 1.0), (3, 1.0)])
def solved(request: pytest.FixtureRequest) -> tuple[OptimizationProblem, Frontier]:
    problem = tiny(*request.param)
    return problem, compute_frontier(problem, steps=5, time_limit_s=20, mip_gap=0.0, workers=1, options=EXACT)


def test_each_step_is_the_best_plan_at_its_frame(solved: tuple[OptimizationProblem, Frontier]) -> None:
    problem, f = solved
    assert [s.share for s in f.steps] == [0.5, 0.75, 1.0, 1.25, 1.5]
    assert f.current.share == 1.0 and f.frame_kr == frame_of(problem)
    met = 0
    for step in f.steps:
        best, _ = brute_force(with_frame(problem, step.share))
        if np.isfinite(best):
            met += 1
            assert step.meets_targets
            assert step.value_points == pytest.approx(best, rel=1e-7, abs=1e-7)
            assert step.gap is not None and step.gap <= 1e-6
        else:
            assert not step.meets_targets
    assert met >= 2  # the instance says something: several frames have a plan within every target


def test_value_never_falls_when_the_frame_grows(solved: tuple[OptimizationProblem, Frontier]) -> None:
    _, f = solved
    values = [s.value_points for s in f.steps if s.meets_targets]
    assert f.monotone
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))


def test_ladder_agrees_with_re_solving_at_its_frames(solved: tuple[OptimizationProblem, Frontier]) -> None:
    problem, f = solved
    shares = [s.share for s in f.steps if s.meets_targets]
    assert f.ladder
    for rung in f.ladder:
        if rung.entry_share is None:
            for share in shares:
                _, plan = brute_force(with_frame(problem, share))
                assert rung.project not in {str(problem.project_ids[q]) for q in np.flatnonzero(plan >= 0)}
            continue
        again = optimize(with_frame(problem, rung.entry_share), time_limit=20, mip_gap=0.0, explain=False,
                         ranking=False, options=EXACT)
        assert rung.project in again.schedule_dict
        lower = [s for s in shares if s < rung.entry_share]
        if lower:  # not in the plan just below its rung
            _, plan = brute_force(with_frame(problem, lower[-1]))
            assert rung.project not in {str(problem.project_ids[q]) for q in np.flatnonzero(plan >= 0)}
        step_has = [rung.project in s.schedule for s in f.steps if s.meets_targets and s.share >= rung.entry_share]
        assert rung.stays == all(step_has)


def test_the_instances_say_something() -> None:
    """The frame binds in some instances (the value rises with it) and a target has a price in others."""
    rising = compute_frontier(tiny(2, 1.0), steps=5, time_limit_s=20, mip_gap=0.0, workers=1, options=EXACT,
                              prices=False)
    assert rising.steps[-1].value_points > rising.steps[0].value_points + 1.0
    priced = compute_frontier(tiny(12), steps=3, time_limit_s=20, mip_gap=0.0, workers=1, options=EXACT)
    assert max(p.value_given_up_points or 0.0 for p in priced.prices) > 1.0


def test_target_price_is_the_value_difference(solved: tuple[OptimizationProblem, Frontier]) -> None:
    problem, f = solved
    assert [p.target_id for p in f.prices] == [t for t, _ in priced_targets(problem)]
    assert f.prices
    with_all, _ = brute_force(problem)
    for price in f.prices:
        without, plan = brute_force(without_target(problem, price.target_id))
        if not np.isfinite(with_all):
            continue
        assert price.value_given_up_points == pytest.approx(without - with_all, rel=1e-7, abs=1e-7)
        assert price.value_given_up_points >= -1e-9
        chosen = {str(problem.project_ids[q]) for q in np.flatnonzero(plan >= 0)}
        if price.value_given_up_points > 1e-6:  # the plan changes: what comes in is in the plan without the target
            assert set(price.projects_in) <= chosen


def test_parallel_processes_give_the_same_frontier() -> None:
    problem = tiny(11)
    one = compute_frontier(problem, steps=3, time_limit_s=20, mip_gap=0.0, workers=1, options=EXACT, prices=False)
    two = compute_frontier(problem, steps=3, time_limit_s=20, mip_gap=0.0, workers=2, options=EXACT, prices=False)
    assert [s.schedule for s in one.steps] == [s.schedule for s in two.steps]
    assert [s.value_points for s in one.steps] == pytest.approx([s.value_points for s in two.steps], abs=1e-9)
    assert two.workers == 2


def test_fits_frame_is_the_ceiling_of_the_model(solved: tuple[OptimizationProblem, Frontier]) -> None:
    problem, f = solved
    for step in f.steps:
        x = np.zeros(problem.n_columns)
        for pid, year in step.schedule.items():
            q = int(np.flatnonzero(problem.project_ids == pid)[0])
            x[problem.column_of(q, int(np.flatnonzero(problem.years == year)[0]))] = 1.0
        if step.meets_targets:
            assert fits_frame(problem, x, step.share)
            assert fits_frame(problem, x, step.share * 1.5)


def test_frontier_round_trips_through_json_and_a_plan_study(solved: tuple[OptimizationProblem, Frontier]) -> None:
    _, f = solved
    assert Frontier.from_json(f.to_json()) == f
    study = PlanStudy(request=PlanRequest(source="committed", draws=0), plan=StudyPlan("committed", {}),
                      frontier=f)
    again = PlanStudy.from_json(study.to_json_text())
    assert again.frontier == f
    plain = PlanStudy(request=PlanRequest(source="committed", draws=0), plan=StudyPlan("committed", {}))
    assert "frontier" not in plain.to_json() and PlanStudy.from_json(plain.to_json()).frontier is None


def test_bad_settings_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        frame_grid(0)
    with pytest.raises(ValueError, match="range"):
        frame_grid(5, 1.2, 1.5)
    problem = tiny(11)
    problem.ceilings = [c for c in problem.ceilings if c.target_type != "investeringstak_kr"]
    with pytest.raises(HushallError, match="investeringstak_kr"):
        compute_frontier(problem, workers=1)


def test_with_renewal_decisions_every_step_decides_the_reinvestment() -> None:
    """``renewal_decisions=True``: every solve of the frontier decides the reinvestment; each step's maintenance
    debt is its plan's backlog, not the data's policy's."""
    from hushall.examples import exempelkommun
    from hushall.projects.maintenance import plan_maintenance_debt

    data = exempelkommun()
    f = compute_frontier(data, steps=2, time_limit_s=1.0, workers=1, prices=False, renewal_decisions=True)
    assert [s.share for s in f.steps] == [0.5, 1.0, 1.5]
    debts = [s.maintenance_debt_end_kr for s in f.steps]
    assert all(d is not None and d >= 0.0 for d in debts)
    policy = [float(plan_maintenance_debt(data, s.schedule)[-1]) for s in f.steps]
    assert any(abs(d - p) > 1e6 for d, p in zip(debts, policy, strict=True))  # type: ignore[operator]
    # the money beside the projects: every investment, the renewal included, within each step's frame every year
    # (a step that meets every target), and the reinvestment and the debt's path are the plan's own
    for s in f.steps:
        assert s.reinvestment_kr is not None and s.reinvestment_kr > 0.0
        assert s.reinvestment_share_early is not None and 0.0 <= s.reinvestment_share_early <= 1.0 + 1e-9
        assert s.maintenance_debt_peak_kr is not None and s.maintenance_debt_mean_kr is not None
        assert s.maintenance_debt_peak_kr >= s.maintenance_debt_mean_kr >= 0.0
        assert s.maintenance_debt_peak_kr >= s.maintenance_debt_end_kr  # type: ignore[operator]
        if s.meets_targets:
            assert s.largest_year_investment_kr is not None
            assert s.largest_year_investment_kr <= s.frame_kr + 1e6
    assert FrontierStep.from_json(f.steps[0].to_json()) == f.steps[0]


def test_a_plan_fits_a_frame_only_with_its_renewal() -> None:
    """Under renewal decisions the frame counts the plan's renewal too (``agg:invest_real``)."""
    problem = tiny(7)
    x = np.zeros(problem.n_columns)
    assert fits_frame(problem, x, 1.0)
    limit = min(float(np.min(c.limit)) for c in problem.ceilings if c.target_type == "investeringstak_kr")
    renewal = np.zeros(problem.n_years)
    assert fits_frame(problem, x, 1.0, renewal)
    renewal[0] = 2.0 * limit
    assert not fits_frame(problem, x, 1.0, renewal)
