"""Stage 6: the optimiser — the best investment plan under every target, with its proof and its reasons.

A mixed-integer model solved with HiGHS: one binary per project and allowed start year; the projects' yearly
investment, depreciation and operating-cost effects flow through the financial model restated as linear yearly
equations, so every target of sheet Mål is a constraint in every year; yearly ceilings on investment volume and
projects in parallel; places per service served within reach, unmet places at a penalty. The objective is the
weighted criteria value (weights from Mål), discounted, plus the penalties avoided compared with doing nothing.

:func:`optimize` does it all; the stages are separate functions: :func:`problem_from_municipality` (inputs),
:func:`create_model` (build), :func:`solve_model` (solve), :func:`evaluate_plan` (write back) and
:func:`hushall.optimize.explain.explain`.

Examples
--------
>>> from hushall.optimize import optimize, synthetic_municipality
>>> result = optimize(synthetic_municipality(15, n_years=6, seed=1), time_limit=10, explain=False)
>>> sorted(result.to_json_dict())[:4]
['bound', 'explanations', 'finance', 'gap']
"""

from __future__ import annotations

from hushall.optimize.api import optimize
from hushall.optimize.candidates import CandidateOptions, generate_candidates, with_candidates
from hushall.optimize.evaluate import PlanEvaluation, evaluate_plan
from hushall.optimize.finance_block import FinancialBlock
from hushall.optimize.inputs import problem_from_municipality
from hushall.optimize.model import ModelOptions, create_model
from hushall.optimize.problem import CapacityBlock, Ceiling, OptimizationProblem
from hushall.optimize.ranking import rank_by_benefit_cost
from hushall.optimize.result import OptimizationResult
from hushall.optimize.solve import Progress, assign_solution, solve_model, stderr_progress
from hushall.optimize.synthetic import synthetic_municipality

__all__ = [
    "CandidateOptions",
    "CapacityBlock",
    "Ceiling",
    "FinancialBlock",
    "ModelOptions",
    "OptimizationProblem",
    "OptimizationResult",
    "PlanEvaluation",
    "Progress",
    "assign_solution",
    "create_model",
    "evaluate_plan",
    "generate_candidates",
    "optimize",
    "problem_from_municipality",
    "rank_by_benefit_cost",
    "solve_model",
    "stderr_progress",
    "synthetic_municipality",
    "with_candidates",
]
