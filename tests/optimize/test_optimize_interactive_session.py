"""The interactive session (:class:`hushall.optimize.interactive.Reoptimiser`, issue 14): after a changed weight or
frame it keeps the problem and the LP basis, and its model and plans are those of a cold ``optimize`` of the
changed data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.optimize import optimize
from hushall.optimize.evaluate import evaluate_plan
from hushall.optimize.inputs import changes_only_limits, problem_from_municipality, problem_with_limits
from hushall.optimize.interactive import Reoptimiser
from hushall.optimize.model import BuiltModel, create_model
from hushall.optimize.renewal_decisions import renewal_matrix
from hushall.optimize.warmstart import columns_of_plan
from hushall.projects.maintenance import renewal_groups

GAP = 0.01
#: Five percentage points of weight from lagkrav (0,30) to kapacitet (0,25): the weighted scores, and with them
#: kr per point, change.
WEIGHTS = {"lagkrav": 0.25, "kapacitet": 0.30}


def assert_same_model(a: BuiltModel, b: BuiltModel) -> None:
    x, y = a.lm.arrays(), b.lm.arrays()
    for key in ("cost", "col_lower", "col_upper", "row_lower", "row_upper", "integer"):
        np.testing.assert_array_equal(x[key], y[key], err_msg=key)
    assert (x["matrix"] != y["matrix"]).nnz == 0
    assert a.lm.offset == b.lm.offset
    assert a.violation_penalty == b.violation_penalty


@pytest.fixture(scope="module")
def data() -> MunicipalityData:
    return exempelkommun()


@pytest.fixture(scope="module")
def session(data: MunicipalityData) -> Reoptimiser:
    s = Reoptimiser(data)
    s.optimise(time_limit=20.0, mip_gap=GAP)
    return s


@pytest.mark.parametrize("change", [{"weights": WEIGHTS}, {"frame": 170e6}, {"frame": 200e6},
                                    {"weights": {"politik": 0.4}, "frame": 150e6}])
def test_the_kept_problem_builds_the_cold_model_of_the_changed_data(data: MunicipalityData,
                                                                  change: dict[str, Any]) -> None:
    changed = Reoptimiser.changed_data(data, **change)
    assert changes_only_limits(data, changed) and not changes_only_limits(changed, data.replace(
        targets=changed.targets.assign(limit=changed.targets["limit"].where(
            changed.targets["target_type"] != "soliditet", 0.9))))
    cold = create_model(problem_from_municipality(changed))
    kept = create_model(problem_with_limits(problem_from_municipality(data), changed))
    assert_same_model(kept, cold)
    if "weights" in change:
        assert kept.problem.kr_per_point != create_model(problem_from_municipality(data)).problem.kr_per_point


def test_a_changed_weight_gives_the_cold_optimisers_plan_within_the_gap(session: Reoptimiser) -> None:
    base = session.data
    first = session.result
    assert first is not None
    r = session.reoptimise(weights=WEIGHTS, time_limit=20.0, mip_gap=GAP)
    assert not session.rebuilt
    assert r.weights["kapacitet"] == 0.30 and r.weights["lagkrav"] == 0.25
    assert r.gap <= GAP + 1e-12
    changed = Reoptimiser.changed_data(base, weights=WEIGHTS)
    cold_bm = create_model(problem_from_municipality(changed))
    # the session's plan with its renewal is worth in the cold model what the session says
    g = renewal_groups(changed)
    renewal = renewal_matrix(r.renewal, g.n_groups, np.asarray(changed.years))
    worth = evaluate_plan(cold_bm, columns_of_plan(cold_bm.problem, r.schedule_dict), renewal_kr=renewal)
    assert worth.meets_targets
    assert worth.objective == pytest.approx(r.objective, rel=1e-9)
    cold = optimize(changed, time_limit=20.0, mip_gap=GAP, explain=False, ranking=False)
    assert cold.gap <= GAP + 1e-12
    # the cold solve's bound proves the session's plan within 1 %, and each bound holds for the other's plan
    assert r.objective >= cold.bound * (1 - GAP) - 1e-9
    assert r.objective <= cold.bound + 1e-7 and cold.objective <= r.bound + 1e-7
    # and the weight back: the model is the first one again and the plan worth at least the first plan
    back = session.reoptimise(weights={"lagkrav": 0.30, "kapacitet": 0.25}, start=first.schedule_dict,
                              time_limit=2.0, mip_gap=GAP)
    assert not session.rebuilt
    assert back.objective >= first.objective - 1e-7 * abs(first.objective)
    assert back.kr_per_point == first.kr_per_point
    assert_same_model(create_model(problem_from_municipality(base)),
                      create_model(problem_with_limits(problem_from_municipality(changed), session.data)))


@pytest.mark.parametrize("frame_kr", [170e6, 200e6])
def test_a_changed_frame_is_kept_in_every_year(session: Reoptimiser, frame_kr: float) -> None:
    r = session.reoptimise(frame=frame_kr, time_limit=20.0, mip_gap=GAP)
    assert not session.rebuilt
    assert r.gap <= GAP + 1e-12 and r.status in ("optimal", "feasible")
    rows = session.data.targets[session.data.targets["target_type"] == "investeringstak_kr"]
    assert (rows["limit"] == frame_kr).all()
    # the plan as the financial model forecasts it, with the optimiser's renewal
    s = forecast(session.data, r.schedule_dict, reinvestment_policy=r.renewal_plan(session.data)).statements
    assert np.all(np.asarray(s["investeringar_fasta_priser"], dtype=float) <= frame_kr + 1.0)


def test_another_change_makes_the_problem_again(session: Reoptimiser) -> None:
    t = session.data.targets.copy()
    t.loc[t["target_type"] == "låneskuld_per_invånare", "limit"] = 80_000.0
    r = session.reoptimise(session.data.replace(targets=t), time_limit=2.0, mip_gap=GAP)
    assert session.rebuilt
    assert r.objective > 0 and r.status in ("optimal", "feasible")


def test_unknown_rows_are_refused(data: MunicipalityData) -> None:
    with pytest.raises(KeyError, match="kriterievikt"):
        Reoptimiser.changed_data(data, weights={"skönhet": 0.1})
    with pytest.raises(KeyError, match="investeringstak_kr"):
        Reoptimiser.changed_data(data, frame={"M1": 1e8})


def test_the_time_limit_bounds_the_whole_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """``optimize``'s limit counts making the problem and building the model: the solve gets what is left (at
    least :data:`hushall.optimize.api.MIN_SOLVE_S`)."""
    import time

    import hushall.optimize.api as api
    from hushall.optimize.synthetic import synthetic_municipality

    asked: list[float] = []
    real = api.solve_model

    def solve(bm: BuiltModel, **kw: object) -> object:
        asked.append(float(kw["time_limit"]))  # type: ignore[arg-type]
        return real(bm, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "solve_model", solve)
    bm = create_model(synthetic_municipality(10, n_years=5, seed=2))
    api.optimize_model(bm, None, t0=time.perf_counter() - 1.5, time_limit=2.0, mip_gap=1e-3, explain=False,
                       ranking=False)
    assert 0.1 <= asked[-1] <= 0.5
    r = api.optimize_model(bm, None, t0=time.perf_counter() - 10.0, time_limit=2.0, mip_gap=1e-3, explain=False,
                           ranking=False)
    assert asked[-1] == api.MIN_SOLVE_S and r.timings["build_s"] >= 10.0
