"""With renewal decisions the ranking lists keep today's reinvestment (:mod:`hushall.optimize.renewal_policy`):
the data's policy per pool as a fixed renewal in the greedy's replay and in the write-back, so that the list
"funded while every target holds" does meet every target, valued with the renewal it was checked with."""

from __future__ import annotations

import numpy as np
import pytest
from tests.optimize.test_optimize_renewal_decisions import replacing_school

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.optimize.evaluate import PlanEvaluation, evaluate_plan
from hushall.optimize.inputs import problem_from_municipality
from hushall.optimize.model import BuiltModel, create_model
from hushall.optimize.problem import EFFECTS
from hushall.optimize.ranking import list_renewal, rank_by_benefit_cost, rank_within_targets
from hushall.optimize.renewal_decisions import renewal_as_asked, renewal_effects, renewal_matrix
from hushall.optimize.renewal_policy import policy_renewal
from hushall.optimize.warmstart import _Plan
from hushall.projects.maintenance import renewal_plan


def _the_list(data: MunicipalityData) -> tuple[BuiltModel, np.ndarray, PlanEvaluation]:
    bm = create_model(problem_from_municipality(data, renewal_decisions=True))
    x = rank_within_targets(bm)
    return bm, x, evaluate_plan(bm, x, reduced=True, renewal_kr=list_renewal(bm))


@pytest.fixture(scope="module")
def example() -> tuple[MunicipalityData, BuiltModel, np.ndarray, PlanEvaluation]:
    data = exempelkommun()
    return (data, *_the_list(data))


def _replayed(bm: BuiltModel, x: np.ndarray) -> dict[str, np.ndarray]:
    """The financial path the greedy sees for the plan ``x`` (its totals with the policy renewal)."""
    plan = _Plan(bm, policy_renewal(bm))
    plan.add(np.flatnonzero(x > 0.5))
    fb = bm.problem.finance
    assert fb is not None
    return {k: v[0] for k, v in fb.replay({n: plan.totals[n][None, :] for n in plan.fin_names}).items()}


def test_the_list_meets_every_target_of_the_example_with_todays_reinvestment(example) -> None:  # type: ignore[no-untyped-def]
    data, bm, x, ev = example
    # before: the greedy replayed the projects without the renewal and funded 18, breaking M7 in 2027
    assert ev.meets_targets, ev.violations
    assert not ev.relations_broken
    assert 0 < x.sum() < 18
    # its renewal is the data's frame (65 Mkr in 2025, when more waits than the frame), never more; in the pools
    # no chosen project closes or renews, exactly the policy's renewal every year
    frame = data.assumption("reinvestering_ram_kr")
    by_year = ev.renewal.groupby("year")["renewal_kr"].sum().reindex(data.years, fill_value=0.0).to_numpy()
    assert by_year[0] == pytest.approx(frame[0], rel=1e-9)
    assert (by_year <= frame + 1.0).all()
    groups = bm.problem.renewal.groups
    chosen = {bm.problem.renewal.project_of_claimant.get(k) for k in range(len(data.projects))} & \
        {int(q) for q in bm.problem.col_project[x > 0.5]}
    untouched = [g for g, claim in enumerate(groups.claimants)
                 if not {bm.problem.renewal.project_of_claimant.get(pos) for pos, _ in claim} & chosen]
    assert bm.problem.renewal.policy_renewal_kr[untouched].sum() > 0.5 * bm.problem.renewal.policy_renewal_kr.sum()
    got = renewal_matrix(ev.renewal, groups.n_groups, np.asarray(bm.problem.years))
    np.testing.assert_allclose(got[untouched], bm.problem.renewal.policy_renewal_kr[untouched], atol=0.01)
    # the greedy's replay is the write-back's finance, year by year, to the krona
    path = _replayed(bm, x)
    fb = bm.problem.finance
    for var in (fb.debt, fb.cash, "result"):
        np.testing.assert_allclose(ev.finance[var].to_numpy(), path[var], atol=1.0, err_msg=var)
    # and the forecast replays the list with that renewal
    schedule = dict(zip(ev.schedule["project"], ev.schedule["start_year"].astype(int), strict=True))
    policy = renewal_plan(groups, got)
    fc = forecast(data, schedule, reinvestment_policy=policy).statements
    np.testing.assert_allclose(ev.finance["result"].to_numpy(), fc["årets_resultat"], atol=1.0)
    assert bool(fc["reinvesteringar_fasta_priser"].min() > 0)


def test_the_plain_list_leaves_room_for_todays_reinvestment(example) -> None:  # type: ignore[no-untyped-def]
    """The list funded by the money alone spends the investment ceiling less the policy's renewal."""
    _data, bm, _, _ = example
    p = bm.problem
    x = rank_by_benefit_cost(p)
    musts = np.isin(p.col_project, np.flatnonzero(p.must_do))
    spent = np.asarray(p.invest_real.T @ (x * ~musts))
    room = p.yearly_limit("investeringstak_kr") - p.renewal.policy_renewal_kr.sum(axis=0)
    must_spent = np.asarray(p.invest_real.T @ (x * musts))
    assert (spent <= np.maximum(room - must_spent, 0.0) + 1.0).all()
    assert x.sum() > 0


def test_the_renewal_a_replacement_lets_go_is_added_column_by_column() -> None:
    """A small case: a new school replacing two old ones. The greedy's totals (the policy's money plus each
    column's change of it) equal the renewal of the plan computed whole — the old schools' renewal let go from
    the new school's completion — and the list meets every target."""
    data = replacing_school(keep=("P-04", "P-12"), must=False)
    bm, x, ev = _the_list(data)
    assert ev.meets_targets, ev.violations
    p = bm.problem
    pr = policy_renewal(bm)
    assert pr is not None
    q = int(np.flatnonzero(p.project_ids == "P-NY")[0])
    checked = 0
    for j in np.flatnonzero(p.col_project == q):
        plan_x = x.copy()
        plan_x[p.col_project == q] = 0.0
        plan_x[j] = 1.0
        plan = _Plan(bm, pr)
        plan.add(np.flatnonzero(plan_x > 0.5), force=True)
        own = {name: np.asarray(p.effect(name).T @ plan_x)[None, :] for name in EFFECTS}
        whole = renewal_effects(bm, *renewal_as_asked(bm, pr.renewal_kr, plan_x), own)
        for name in ("invest_real", "invest_nominal", "depreciation", "renewal_real"):
            np.testing.assert_allclose(plan.totals[name], whole[name][0], atol=1e-3, err_msg=name)
        # the old schools' renewal is let go: less reinvestment than the policy's without the school
        assert pr.column["renewal_real"][j].sum() < -1e6
        checked += 1
    assert checked >= 1
