"""Benchmark of the optimiser with reinvestment as a decision (not part of the test run): prints its figures.

Cases, each solved with the renewal decisions off and on (:mod:`hushall.optimize.renewal_decisions`):

* ``example``   Exempelkommun (22 projects, 30 years, every target, places, the treasury) as
                ``hushall optimize --example`` solves it, explanations and ranking off;
* ``500``       a synthetic municipality of 500 projects over 20 years with every financial target and no places
                (:func:`hushall.optimize.synthetic_municipality`), given synthetic pools of components: a third of
                the projects claim one pool each (half of them close it, half renew it), plus one pool per
                lifetime nobody claims; values and dues scaled to the plan's investment;
* ``500-places``, ``5000-places``  the same with the places network (``capacity=True``), as
                ``bench_optimize.py``'s ``500`` and ``5000-full`` (issue 14: ≤ 1 % in ≤ 5 s and ≤ 60 s, with the
                reinvestment decisions of issue 10). Each run is a process of its own (its peak memory).

For each: model size (variables, rows, integers, nonzeros), the LP bound and the LP's wall time, the first time
the gap (bound − plan) / plan with the best bound proven so far reached 1 % and 0.1 %, the final gap, the wall
and CPU time (HiGHS's threads included) and the process's peak memory (maximum resident set size).

Usage::

    python benchmarks/bench_renewal_decisions.py                 # example and 500, off and on
    python benchmarks/bench_renewal_decisions.py example --time-limit 60 --repeat 2
    python benchmarks/bench_renewal_decisions.py 500-places 5000-places     # issue 14's cases (30 s, 60 s)
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import time
from typing import Any

import numpy as np

GOALS = (0.01, 0.001)
#: Issue 14's time limits (s) per case; the others use ``--time-limit``.
CASE_LIMITS = {"500-places": 30.0, "5000-places": 60.0}
#: Seconds at which the gap of the best plan so far is reported.
CHECKPOINTS_S = (5.0, 12.0, 30.0, 60.0)
#: Years whose maintenance debt is reported (example case).
DEBT_YEARS = (2030, 2040, 2054)


def source_for(case: str, decide: bool, seed: int) -> Any:
    if case == "example":
        from hushall.examples import exempelkommun
        from hushall.optimize.inputs import problem_from_municipality

        return problem_from_municipality(exempelkommun(), renewal_decisions=decide)
    from hushall.optimize.synthetic import synthetic_municipality, synthetic_renewal

    n, _, places = case.partition("-")
    problem = synthetic_municipality(int(n), n_years=20, seed=seed, capacity=places == "places", finance=True)
    if decide:
        problem.renewal = synthetic_renewal(problem, seed)
    return problem


def run(case: str, decide: bool, time_limit: float, seed: int) -> dict[str, Any]:
    from hushall.optimize import optimize
    from hushall.optimize.model import create_model
    from hushall.optimize.solve import _gap, times_to_gap

    problem = source_for(case, decide, seed)
    arr = create_model(problem).lm.arrays()
    seen: list[Any] = []
    t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
    result = optimize(problem, time_limit=time_limit, mip_gap=min(GOALS) * 0.999, progress=seen.append,
                      explain=False, ranking=False)
    wall, cpu, second = time.perf_counter() - t0, time.process_time() - c0, children_cpu() - k0
    lp = result.lp_bound if result.lp_bound is not None else float("inf")
    reached = times_to_gap(seen, GOALS, lp, final=(result.gap, result.timings["solve_s"]))
    at: dict[float, float] = {}
    for p in seen:  # the gap of the best plan with the best bound known at each checkpoint
        if p.objective is None or p.bound is None:
            continue
        for c in CHECKPOINTS_S:
            if p.elapsed_s <= c:
                at[c] = _gap(p.objective, min(p.bound, lp))
    return {"asset": asset_figures(case, result), "at": at, "cpu": cpu, "case": case, "decide": decide,
            "variables": int(arr["col_lower"].size), "rows": int(arr["row_lower"].size),
            "integers": int(np.count_nonzero(arr["integer"])), "nonzeros": int(arr["matrix"].nnz), "lp_bound": lp,
            "lp_s": result.timings["lp_s"], "objective": result.objective, "gap": result.gap, "reached": reached,
            "wall": wall, "status": result.status, "second_cpu": second,
            "second_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def children_cpu() -> float:
    """CPU seconds of this process's ended children (the second solver process of optimize.background)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_in_process(case: str, decide: bool, time_limit: float, seed: int) -> dict[str, Any]:
    """:func:`run` in a fresh process, so that its peak memory is its own."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(run, (case, decide, time_limit, seed))


def asset_figures(case: str, result: Any) -> str:
    """Example case: the plan's value and, replayed through the forecast, its maintenance debt in
    :data:`DEBT_YEARS` and the reinvestment as a share of the renewal need over the plan."""
    if case != "example":
        return ""
    from hushall.examples import exempelkommun
    from hushall.finance import forecast
    from hushall.finance.verdict import cumulative_share_of_need

    data = exempelkommun()
    fc = forecast(data, result.schedule_dict, reinvestment_policy=result.renewal_plan(data))
    debt = np.asarray(fc.statements.memo["underhållsskuld_fasta_priser"], dtype=float)
    years = list(fc.years)
    debts = ", ".join(f"{y}: {debt[years.index(y)] / 1e6:.0f} Mkr" for y in DEBT_YEARS if y in years)
    share = float(cumulative_share_of_need(fc.statements)[-1])
    return (f"value {result.objective:.1f} points; maintenance debt {debts}; "
            f"reinvestment {100 * share:.1f} % of need")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", default=["example", "500"])
    ap.add_argument("--time-limit", type=float, default=None,
                    help="seconds per solve (default: 30 s for 500-places, else 60 s)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    for case in args.cases:
        for decide in (False, True):
            for k in range(args.repeat):
                limit = args.time_limit if args.time_limit is not None else CASE_LIMITS.get(case, 60.0)
                r = run_in_process(case, decide, limit, args.seed + k)
                gaps = ", ".join(f"{c:.0f} s: " + (f"{100 * r['at'][c]:.2f} %" if c in r["at"] else "-")
                                 for c in CHECKPOINTS_S)
                times = ", ".join(f"{100 * g:.1f} %: " + (f"{r['reached'][g]:.1f} s" if g in r["reached"]
                                                           else "not reached") for g in GOALS)
                print(f"{case:8s} renewal decisions {'on ' if decide else 'off'} run {k + 1}: "
                      f"{r['variables']} variables, {r['rows']} rows, {r['integers']} integers, "
                      f"{r['nonzeros']} nonzeros; LP {r['lp_bound']:.3f} in {r['lp_s']:.1f} s; time to {times}; "
                      f"final gap {100 * r['gap']:.3f} % (plan {r['objective']:.3f}, {r['status']}), "
                      f"wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s"
                      + (f" + second process {r['second_cpu']:.1f} s ({r['second_peak_mb']:.0f} MB)"
                         if r["second_cpu"] > 0 else "")
                      + f"; gap at {gaps}; peak memory {r['peak_mb']:.0f} MB; {r['asset']}; "
                      f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
