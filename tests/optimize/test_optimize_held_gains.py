"""What more room is worth with the plan's projects held (:func:`hushall.optimize.explain.held_plan_gains`):
exact — the difference of two LP optima, the same as two LPs of the whole model solved from scratch — and, for a
plan proven optimal, never more than what the MILP re-solved with the row loosened gains (the projects re-planned
can only add to it)."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.optimize.evaluate import evaluate_plan
from hushall.optimize.explain import marginal_values
from hushall.optimize.linear import highs_from_arrays
from hushall.optimize.model import create_model
from hushall.optimize.solve import solve_model
from hushall.optimize.synthetic import synthetic_municipality, synthetic_renewal


@pytest.fixture(scope="module")
def explained():  # type: ignore[no-untyped-def]
    """A small municipality with every financial target and renewal decisions, its plan proven optimal (gap 0)
    and every binding row explained with a re-solve."""
    p = synthetic_municipality(12, n_years=6, seed=1, finance=True)
    p.renewal = synthetic_renewal(p, 1)
    bm = create_model(p)
    out = solve_model(bm, time_limit=30, mip_gap=0.0)
    assert out.model_status == "Optimal"
    ev = evaluate_plan(bm, out.x, out.lp_row_dual)
    assert ev.meets_targets
    return bm, ev, marginal_values(bm, ev, resolve=True, max_rows=40, time_limit=20.0)


def _fresh_lp(bm, ev, row: int | None = None) -> float:  # type: ignore[no-untyped-def]
    """The plan's integers fixed, the whole model as an LP from scratch, row ``row`` loosened by one step."""
    arr = dict(bm.lm.arrays())
    lo, up = arr["col_lower"].copy(), arr["col_upper"].copy()
    rl, ru = arr["row_lower"].copy(), arr["row_upper"].copy()
    integer = np.flatnonzero(arr["integer"])
    lo[integer] = up[integer] = np.round(ev.values.solution[integer])
    if row is not None:
        if np.isfinite(rl[row]):
            rl[row] -= 1.0
        else:
            ru[row] += 1.0
    arr.update(col_lower=lo, col_upper=up, row_lower=rl, row_upper=ru)
    h = highs_from_arrays(arr, sense="max", offset=bm.lm.offset, relax=True,
                          options={"primal_feasibility_tolerance": 1e-9, "dual_feasibility_tolerance": 1e-9})
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    return float(h.getInfo().objective_function_value)


def test_the_value_with_the_same_projects_is_two_lp_optima_apart(explained) -> None:  # type: ignore[no-untyped-def]
    """Would have caught a gain read from a warm-started LP whose bounds were not put back, or from the wrong row
    of the reduced LP (each is checked against two fresh LPs of the whole model)."""
    from hushall.optimize.explain import _loosened_row

    bm, ev, records = explained
    base = _fresh_lp(bm, ev)
    held = [r for r in records if r["unit"] == "kr"]
    assert len(held) >= 3
    for r in held:
        row, _, _ = _loosened_row(bm, _block(ev, r), int(r["year"]))
        assert r["held_value_points"] == pytest.approx(_fresh_lp(bm, ev, row) - base, abs=1e-7), r
        assert r["held_value_kr"] == pytest.approx(r["held_value_points"] * bm.problem.kr_per_point)
    assert max(r["held_value_points"] for r in held) > 0.05  # the reinvestment moved earlier: a real gain
    assert all(r["held_value_points"] is None for r in records if r["unit"] != "kr")


def _block(ev, record) -> str:  # type: ignore[no-untyped-def]
    lim = ev.limits
    match = lim[(lim["target_id"] == record["target"]) & (lim["year"] == record["year"])]
    return str(match["block"].iloc[0])


def test_with_the_plan_optimal_the_same_projects_never_gain_more_than_a_re_solve(explained) -> None:  # type: ignore[no-untyped-def]
    """The held LP's plans are plans of the loosened MILP, so their gain is at most the MILP's (here exactly known:
    both the plan and each re-solve proven optimal)."""
    _, _, records = explained
    compared = [r for r in records if r["unit"] == "kr" and r.get("resolved_high_points") is not None]
    assert compared
    for r in compared:
        assert r["held_value_points"] <= r["resolved_high_points"] + 1e-6, r
        # a plan of the loosened MILP as well: with the plan optimal, the interval starts at or above it
        assert r["resolved_low_points"] >= r["held_value_points"] - 1e-6, r
    # and it can be far less: where more room lets another project in, the same projects cannot use it
    assert any(r["held_value_points"] < r["resolved_low_points"] - 0.1 for r in compared)
