"""A budget in balance every year (KL 11 kap. 5 §, ``balanskrav="balanced"``), also when sheet Mål has no
balanskrav target: the optimiser's plan replays to a forecast whose balanskravsresultat is never negative, where
the same data optimised without the requirement budgets a deficit."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.finance.verdict import assess
from hushall.optimize import optimize
from hushall.optimize.finance_link import BUDGET_BALANCE_ID
from hushall.optimize.inputs import problem_from_municipality


@pytest.fixture(scope="module")
def without_balanskrav():
    data = exempelkommun()
    targets = data.targets[data.targets["target_type"] != "balanskrav"].reset_index(drop=True)
    return data.replace(targets=targets)


def test_the_law_is_added_when_mal_has_no_balanskrav_target(without_balanskrav) -> None:
    balanced = problem_from_municipality(without_balanskrav, balanskrav="balanced").finance
    assert balanced is not None and balanced.balanskrav_mode == "strict"
    assert [b.target_id for b in balanced.balanskrav] == [BUDGET_BALANCE_ID]
    assert bool(balanced.balanskrav[0].mask.all())
    for mode in ("restore", "strict"):  # Mål's targets only
        fb = problem_from_municipality(without_balanskrav, balanskrav=mode).finance
        assert fb is not None and fb.balanskrav == []
    # with Mål's balanskrav target the law adds nothing: the target's rows are strict from the first year
    with_target = problem_from_municipality(exempelkommun(), balanskrav="balanced").finance
    assert with_target is not None and [b.target_id for b in with_target.balanskrav] == ["M5"]


@pytest.mark.slow
def test_a_plan_with_a_budget_in_balance_every_year(without_balanskrav) -> None:
    data = without_balanskrav
    deficits = {}
    for mode in ("restore", "balanced"):
        r = optimize(data, time_limit=60, mip_gap=0.01, explain=False, ranking=False, balanskrav=mode)
        fc = forecast(data, dict(zip(r.schedule["project"], r.schedule["start_year"], strict=True)),
                      reinvestment_policy=r.renewal_plan(data))
        deficits[mode] = assess(data, fc).deficits
        if mode == "balanced":
            assert np.asarray(fc.statements["balanskravsresultat"]).min() >= -0.5
    assert deficits["restore"], "without the requirement the example's best plan budgets a deficit"
    assert deficits["balanced"] == ()
