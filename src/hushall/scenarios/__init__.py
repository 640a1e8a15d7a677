"""Stage 7: scenarios — what happens to the plan when the world differs from the forecast.

* **Named scenarios** (:mod:`hushall.scenarios.scenarios`): named combinations of small, sourced overrides of the
  inputs ("Hög ränta", "Byggkostnadschock", "Låg befolkning" …), applied to a copy of the municipality; every
  stage runs unchanged under any scenario. :func:`compare` puts the plan (or a re-planned one) under each scenario
  side by side.
* **Monte Carlo** (:mod:`hushall.scenarios.montecarlo`): the plan over thousands of futures of interest rate,
  construction prices, tax base, population, cost overruns and execution rate, with the vectorised financial
  model: the probability that each target holds each year, fan charts, and which driver matters most.
* **Robust planning** (:mod:`hushall.scenarios.robust`): plan with a safety margin so that the targets hold with
  the probability the council chooses, and what that costs in value.
* **Scale-out** (:mod:`hushall.scenarios.distributed`): many re-optimisations or municipalities through Dask.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> data = exempelkommun()
>>> high = apply(data, builtin_scenarios()["hög_ränta"])
>>> bool(high.assumption("ränta")[-1] > data.assumption("ränta")[-1])
True
>>> mc = simulate(data, n_draws=200, seed=7)
>>> mc.n_draws
200
"""

from __future__ import annotations

from hushall.scenarios.compare import ScenarioComparison, ScenarioOutcome, compare, evaluate_scenario
from hushall.scenarios.montecarlo import (
    LINES,
    OUTCOMES,
    Driver,
    MonteCarloResult,
    MonteCarloSpec,
    execution_probability,
    simulate,
    simulate_chunk,
)
from hushall.scenarios.plan import PlanArrays, plan_arrays, realise
from hushall.scenarios.robust import (
    OptimiserPlanner,
    PlanChoice,
    RobustResult,
    greedy_planner,
    plan_value,
    robust_plan,
    tighten_targets,
)
from hushall.scenarios.scenarios import (
    BASELINE,
    SCENARIO_PARAMETERS,
    SHEET_COLUMNS,
    SHEET_NAME,
    Override,
    Scenario,
    apply,
    builtin_scenarios,
    read_scenarios,
    select,
    workbook_scenarios,
)

__all__ = [
    "BASELINE",
    "LINES",
    "OUTCOMES",
    "SCENARIO_PARAMETERS",
    "SHEET_COLUMNS",
    "SHEET_NAME",
    "Driver",
    "MonteCarloResult",
    "MonteCarloSpec",
    "OptimiserPlanner",
    "Override",
    "PlanArrays",
    "PlanChoice",
    "RobustResult",
    "Scenario",
    "ScenarioComparison",
    "ScenarioOutcome",
    "apply",
    "builtin_scenarios",
    "compare",
    "evaluate_scenario",
    "execution_probability",
    "greedy_planner",
    "plan_arrays",
    "plan_value",
    "read_scenarios",
    "realise",
    "robust_plan",
    "select",
    "simulate",
    "simulate_chunk",
    "tighten_targets",
    "workbook_scenarios",
]
