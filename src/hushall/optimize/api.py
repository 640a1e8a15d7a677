"""``optimize``: build, solve, write back, compare with the ranking list and explain — in one call.

Examples
--------
>>> from hushall.optimize.synthetic import synthetic_municipality
>>> r = optimize(synthetic_municipality(12, n_years=6, seed=3), time_limit=10, explain=False)
>>> r.status in ("optimal", "feasible"), r.gap <= 1e-3
(True, True)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from hushall.formatting import fmt_mkr
from hushall.model import MunicipalityData
from hushall.optimize.evaluate import PlanEvaluation, evaluate_plan, violation_records
from hushall.optimize.explain import explain as explain_plan
from hushall.optimize.model import BuiltModel, ModelOptions, create_model
from hushall.optimize.problem import OptimizationProblem
from hushall.optimize.ranking import rank_by_benefit_cost
from hushall.optimize.result import OptimizationResult
from hushall.optimize.solve import Progress, ProgressFn, SolveOutcome, _gap, run_mip, solve_model


def _slack_indices(bm: BuiltModel) -> np.ndarray:
    idx = [blk.index() for name, blk in bm.lm.variables.items()
           if name.startswith("slack:") or name == "capacity_below_zero"]
    return np.concatenate(idx) if idx else np.zeros(0, dtype=np.int64)


def minimise_violation(bm: BuiltModel, x_start: np.ndarray, time_limit: float, mip_gap: float,
                       emit: ProgressFn | None, t0: float) -> tuple[np.ndarray | None, float, str, float]:
    """Two phases when the targets cannot all be met: (1) the least total violation (kr; a project in the
    parallel ceiling weighs as the mean project cost), then (2) the best plan (net benefit, without the
    violation penalty) with no more violation than that. Returns the plan, its objective, the solver status and
    the best bound of phase 2."""
    arr = bm.lm.arrays()
    slack = _slack_indices(bm)
    weight = -arr["cost"][slack] / bm.violation_penalty
    cost1 = np.zeros_like(arr["cost"])
    cost1[slack] = -weight
    half = max(time_limit / 2, 0.5)
    run1 = run_mip(bm, {**arr, "cost": cost1}, time_limit=half, mip_gap=1e-6, x_start=x_start, emit=emit, t0=t0,
                   offset=0.0)
    if run1.x is None:
        return None, float("-inf"), run1.status, float("inf")
    least = -run1.objective
    row = sp.csr_matrix((weight, (np.zeros(len(slack), dtype=np.int64), slack)), shape=(1, bm.lm.num_vars))
    arr2 = {**arr, "matrix": sp.vstack([arr["matrix"], row]).tocsc(),
            "row_lower": np.concatenate([arr["row_lower"], [-np.inf]]),
            "row_upper": np.concatenate([arr["row_upper"], [least * (1 + 1e-7) + 1e-6]])}
    # phase 2 maximises the net benefit alone: the violation is capped at the least, so its penalty is a constant
    cost2 = arr["cost"].copy()
    cost2[slack] = 0.0
    arr2["cost"] = cost2
    remaining = max(time_limit - (time.perf_counter() - t0), 0.5)
    run2 = run_mip(bm, arr2, time_limit=remaining, mip_gap=mip_gap, x_start=run1.x, emit=emit, t0=t0)
    if run2.x is None:
        return run1.x, float("-inf"), run2.status, float("inf")
    return run2.x, run2.objective, run2.status, run2.bound


def _value_by_criterion(problem: OptimizationProblem, x: np.ndarray) -> dict[str, float]:
    j = np.flatnonzero(x > 0.5)
    q = problem.col_project[j]
    ws = problem.weighted_score[q]
    disc_value = np.where(ws > 0, problem.value[j] / np.where(ws > 0, ws, 1.0), 0.0)
    return {c: float(np.sum(problem.weights[k] * problem.scores[q, k] * disc_value))
            for k, c in enumerate(problem.criteria)}


def _status(outcome: SolveOutcome, evaluation: PlanEvaluation | None, mip_gap: float) -> str:
    if evaluation is None:
        return "no_solution"
    if not evaluation.meets_targets:
        return "targets_infeasible"
    return "optimal" if outcome.gap <= mip_gap + 1e-12 or outcome.model_status == "Optimal" else "feasible"


def renewal_avoided(schedule: pd.DataFrame, spent: bool = True) -> list[dict[str, Any]]:
    """The renewal each chosen project takes over (a facility closed or replaced, components renewed by the
    project), in words: project, kr (price base year, over the plan), facilities. ``spent``: the renewal leaves the
    money (policy *behov*, or the optimiser's renewal decisions); ``False``: under a reinvestment frame, which
    then renews other components (less maintenance debt) — what renewing them as needed would have cost.

    >>> s = pd.DataFrame({"project": ["P-NY"], "renewal_avoided_kr": [106.2e6],
    ...                   "renewal_avoided_facilities": ["F-C-02 Västerskolan, F-LA-01 Lindås skola"]})
    >>> renewal_avoided(s)[0]["text"]
    'P-NY tar över förnyelsen av F-C-02 Västerskolan, F-LA-01 Lindås skola: 106,2\xa0Mkr som inte behöver reinvesteras under planperioden (prisbasårets priser).'
    >>> renewal_avoided(s, spent=False)[0]["text"]
    'P-NY tar över förnyelsen av F-C-02 Västerskolan, F-LA-01 Lindås skola: 106,2\xa0Mkr som annars skulle behöva reinvesteras under planperioden (prisbasårets priser); reinvesteringsramen förnyar andra komponenter i stället och underhållsskulden blir lägre.'
    """
    if "renewal_avoided_kr" not in schedule:
        return []
    out = []
    for r in schedule.itertuples(index=False):
        kr = float(r.renewal_avoided_kr)
        if abs(kr) < 0.5:
            continue
        amount = fmt_mkr(abs(kr))
        if not spent:
            verb = ("som annars skulle behöva reinvesteras under planperioden (prisbasårets priser); "
                    "reinvesteringsramen förnyar andra komponenter i stället och underhållsskulden blir lägre")
        elif kr > 0:
            verb = "som inte behöver reinvesteras under planperioden (prisbasårets priser)"
        else:
            verb = "mer i reinvestering (komponenterna förfaller igen) under planperioden (prisbasårets priser)"
        out.append({"project": str(r.project), "kr": kr, "facilities": str(r.renewal_avoided_facilities),
                    "text": f"{r.project} tar över förnyelsen av {r.renewal_avoided_facilities}: {amount} {verb}."})
    return out


def renewal_taken_over_by_plan(data: MunicipalityData, schedule: dict[str, int]) -> list[dict[str, Any]]:
    """:func:`renewal_avoided` (``spent=False``) for a plan whose renewal the optimiser's columns do not carry
    (a reinvestment frame, no renewal decisions): per chosen project the renewal it takes over
    (:func:`hushall.projects.maintenance.renewal_taken_over`)."""
    from hushall.optimize.inputs import facility_labels
    from hushall.projects.maintenance import renewal_taken_over

    taken = renewal_taken_over(data, schedule)
    rows = pd.DataFrame({"project": list(taken), "renewal_avoided_kr": [kr for kr, _ in taken.values()],
                         "renewal_avoided_facilities": [facility_labels(data, f) for _, f in taken.values()]})
    return renewal_avoided(rows, spent=False)


#: The least time the solve is given when making the problem and building the model took the whole limit.
MIN_SOLVE_S = 0.1


def optimize(
    source: MunicipalityData | OptimizationProblem,
    *,
    time_limit: float = 60.0,
    mip_gap: float = 1e-3,
    progress: ProgressFn | None = None,
    explain: bool = True,
    ranking: bool = True,
    options: ModelOptions | None = None,
    explain_options: dict[str, Any] | None = None,
    candidates: bool = False,
    balanskrav: str = "restore",
    log: bool = False,
    renewal_decisions: bool | None = None,
    start: Mapping[str, int] | None = None,
) -> OptimizationResult:
    """Find the best investment plan.

    Parameters
    ----------
    source
        A municipality (sheet Projekt, Mål, …) or a ready :class:`OptimizationProblem`.
    time_limit, mip_gap
        Stop after ``time_limit`` seconds or when the relative gap is at most ``mip_gap``; the result always
        carries status, objective, best bound and gap. The seconds count from the call: making the problem and
        building the model come out of them (the write-back, the ranking list and the explanations come on top).
    progress
        Progress function (``hushall.optimize.stderr_progress()`` prints to stderr).
    explain, ranking
        Add the explanations (``explain_options``: see :func:`hushall.optimize.explain.explain`) and the
        benefit/cost ranking baseline.
    candidates
        Add the candidate projects generated from the needs analysis (:mod:`hushall.optimize.candidates`) to
        those of sheet Projekt (a municipality only).
    balanskrav
        ``"restore"`` (exact, as the forecast checks target balanskrav: a deficit restored within three years),
        ``"strict"`` (no deficit in the years of Mål's balanskrav targets) or ``"balanced"`` (a budget in balance
        every plan year, KL 11 kap. 5 §, whether or not Mål has a balanskrav target;
        :func:`~hushall.optimize.inputs.problem_from_municipality`).
    renewal_decisions
        Decide the reinvestment per pool of components and year next to the projects
        (:mod:`hushall.optimize.renewal_decisions`); ``None``: the default of
        :func:`hushall.optimize.inputs.problem_from_municipality`. The result's :attr:`OptimizationResult.renewal`
        and :meth:`OptimizationResult.renewal_plan` carry it (a municipality only).
    start
        A previous plan, ``{project id: start year}`` (the last result's ``schedule_dict``): the search starts
        from it when it is worth more than the greedy start. For interactive re-optimisation after a changed
        weight or frame: ``optimize(data, start=previous.schedule_dict, time_limit=2, mip_gap=0.01,
        explain=False, ranking=False)`` (docs/performance.md, "Interactive re-optimisation"), or keep a
        :class:`hushall.optimize.interactive.Reoptimiser`, which also keeps the problem and the LP's basis.
    """
    t0 = time.perf_counter()
    if isinstance(source, MunicipalityData):
        from hushall.optimize.inputs import criterion_weights, problem_from_municipality

        if candidates:
            from hushall.optimize.candidates import with_candidates

            source = with_candidates(source)
        problem = problem_from_municipality(source, balanskrav=balanskrav, renewal_decisions=renewal_decisions)
        _, weights_source = criterion_weights(source)
    else:
        problem = source
        weights_source = "problemets vikter"
    bm = create_model(problem, options)
    data = source if isinstance(source, MunicipalityData) else None
    return optimize_model(bm, data, t0=t0, time_limit=time_limit, mip_gap=mip_gap, progress=progress,
                          explain=explain, ranking=ranking, explain_options=explain_options, log=log,
                          start=start, weights_source=weights_source)


def optimize_model(
    bm: BuiltModel,
    data: MunicipalityData | None,
    *,
    t0: float,
    time_limit: float,
    mip_gap: float,
    progress: ProgressFn | None = None,
    explain: bool = True,
    ranking: bool = True,
    explain_options: dict[str, Any] | None = None,
    log: bool = False,
    start: Mapping[str, int] | None = None,
    weights_source: str = "problemets vikter",
) -> OptimizationResult:
    """:func:`optimize` from the built model ``bm`` on: solve, write back, compare with the ranking list and
    explain. ``data``: the municipality the problem was made of (``None`` for a ready problem); ``t0``: when the
    call began (``time.perf_counter()``), so that ``time_limit`` bounds making the problem, building and solving
    together."""
    problem = bm.problem
    t_build = time.perf_counter() - t0
    x_start = None
    if start is not None:
        from hushall.optimize.warmstart import columns_of_plan

        x_start = columns_of_plan(problem, start)
    # the limit bounds the call, not only the solve (issue 14: interactive re-optimisation within 2 s)
    outcome = solve_model(bm, time_limit=max(time_limit - t_build, MIN_SOLVE_S), mip_gap=mip_gap, progress=progress,
                          log=log, skip_if_lp_violates=bm.options.elastic, start=x_start)
    t_solve = time.perf_counter() - t0 - t_build
    evaluation = None if outcome.x is None else evaluate_plan(bm, outcome.x, outcome.lp_row_dual)
    objective, bound, gap, solver_status = outcome.objective, outcome.bound, outcome.gap, outcome.model_status
    if evaluation is not None and evaluation.renewal is not None and evaluation.objective < objective - 1e-9:
        # the renewal written back is not the branch and bound's (it broke a target by the MIP's tolerance,
        # :func:`hushall.optimize.solve.assign_solution`): the objective is the plan's as written back
        objective = evaluation.objective
        gap = _gap(objective, bound)
    infeasible = evaluation is not None and not evaluation.meets_targets and bm.options.elastic
    if infeasible and evaluation is not None and outcome.x is not None:
        remaining = max(time_limit - (time.perf_counter() - t0), 1.0)
        if progress is not None:
            progress(Progress("violation", time.perf_counter() - t0,
                              message="målen kan inte nås: söker minsta överskridande"))
        x2, _obj2, status2, bound2 = minimise_violation(bm, outcome.x, remaining, mip_gap, progress, t0)
        if x2 is not None:
            evaluation = evaluate_plan(bm, x2, outcome.lp_row_dual)
            # the net benefit of the least-violating plan (its violation is reported target by target)
            objective = evaluation.objective + evaluation.parts["violation_penalty"]
            solver_status = status2
            bound = bound2
            gap = _gap(objective, bound)
    t_eval = time.perf_counter() - t0 - t_build - t_solve
    status = _status(outcome, evaluation, mip_gap)
    rank_info = None
    rank_obj = None
    t_rank0, cpu_rank0 = time.perf_counter(), time.process_time()
    if ranking and evaluation is not None:
        from hushall.optimize.ranking import list_renewal, rank_within_targets

        # with renewal decisions both lists keep today's reinvestment (the data's policy), not the optimiser's
        kept = list_renewal(bm)
        x_rank = rank_by_benefit_cost(problem)
        ev_rank = evaluate_plan(bm, x_rank, reduced=True, renewal_kr=kept)
        # the list's net benefit without the penalty on the targets it breaks (those are reported apart)
        rank_obj = ev_rank.objective + ev_rank.parts["violation_penalty"]
        rank_info = {
            "objective": rank_obj,
            "objective_parts": ev_rank.parts,
            "schedule": ev_rank.schedule[["project", "start_year"]],
            "violations": violation_records(ev_rank.limits),
            "meets_targets": ev_rank.meets_targets,
            "n_projects": len(ev_rank.schedule),
            "keeps_policy_renewal": kept is not None,
        }
        # the list within the targets keeps it in its greedy too (rank_within_targets)
        ev_fair = evaluate_plan(bm, rank_within_targets(bm), reduced=True, renewal_kr=kept)
        fair_obj = ev_fair.objective + ev_fair.parts["violation_penalty"]
        rank_info["within_targets"] = {
            "objective": fair_obj,
            "schedule": ev_fair.schedule[["project", "start_year"]],
            "violations": violation_records(ev_fair.limits),
            "meets_targets": ev_fair.meets_targets,
            "n_projects": len(ev_fair.schedule),
            "value_gain": (objective - fair_obj) / abs(fair_obj) if fair_obj else None,
        }
    t_rank, cpu_rank = time.perf_counter() - t_rank0, time.process_time() - cpu_rank0
    explanations: dict[str, Any] = {}
    cpu_explain0 = time.process_time()
    if explain and evaluation is not None:
        outcome.objective, outcome.gap = objective, gap
        explanations = explain_plan(bm, outcome, evaluation, **(explain_options or {}))
    elif evaluation is not None:
        from hushall.optimize.explain import infeasibility

        explanations = {"infeasibility": infeasibility(evaluation)}
    if evaluation is not None:
        avoided = renewal_avoided(evaluation.schedule)
        if not problem.renewal_facilities and data is not None:  # a frame: said, not spent
            sched = evaluation.schedule
            avoided = renewal_taken_over_by_plan(data, {str(p): int(y) for p, y in zip(
                sched["project"], sched["start_year"], strict=True)})
        if avoided:
            explanations["renewal_avoided"] = avoided
    t_total = time.perf_counter() - t0
    cpu_explain = time.process_time() - cpu_explain0
    t_explain = t_total - t_build - t_solve - t_eval - t_rank
    if evaluation is None:  # no plan at all (the relations contradict each other, or time ran out)
        evaluation = evaluate_plan(bm, np.zeros(problem.n_columns))
        empty = True
    else:
        empty = False
    return OptimizationResult(
        status=status,
        solver_status=solver_status,
        objective=objective,
        bound=bound,
        gap=gap,
        schedule=evaluation.schedule,
        value_by_criterion={} if empty else _value_by_criterion(problem, evaluation.x),
        weights={c: float(w) for c, w in zip(problem.criteria, problem.weights, strict=True)},
        weights_source=weights_source,
        objective_parts={} if empty else evaluation.parts,
        kr_per_point=problem.kr_per_point,
        targets=evaluation.limits,
        violations=[] if empty else violation_records(evaluation.limits),
        explanations=explanations,
        ranking_objective=rank_obj,
        ranking=rank_info,
        finance=None if empty else evaluation.finance,
        places=None if empty else evaluation.places,
        lp_bound=outcome.lp_bound,
        timings={"build_s": t_build, "solve_s": t_solve, "lp_s": outcome.lp_time_s, "evaluate_s": t_eval,
                 "ranking_s": t_rank, "ranking_cpu_s": cpu_rank, "explain_s": t_explain, "explain_cpu_s": cpu_explain,
                 "total_s": t_total},
        sizes={"projects": problem.n_projects, "columns": problem.n_columns, "variables": bm.lm.num_vars,
               "rows": bm.lm.num_rows, "years": problem.n_years},
        unschedulable=problem.unschedulable,
        renewal=None if empty else evaluation.renewal,
    )
