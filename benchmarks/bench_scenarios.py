"""Benchmark of the scenarios stage (not part of the test run).

Prints:

1. the Monte Carlo simulation of the example plan with the full financial model: 10 000 draws × 30 years (first
   call and median of repeats; target ≤ 0,5 s), 100 000 draws (target ≤ 5 s) and 1 000 000 draws in chunks (time
   and peak memory; each size runs in a fresh process so that its peak resident memory is its own);
2. the named scenarios side by side for the plan;
3. the robust optimisation of the example (the MILP optimiser as planner; target ≤ 60 s), and the same with the
   greedy heuristic.

The example plan: all 22 projects of Exempelkommun at their earliest start year (the heaviest plan; as
``bench_finance.py``) under the data's reinvestment policy; with ``--decided-renewal`` also the optimised plan with
the reinvestment the optimiser decided (``optimize`` with its defaults and the study's gap, solved once before the
timing; the draws replay its renewal as ``hushall report`` does: ``simulate(…, reinvestment_policy=
result.renewal_plan(data))``).

Run: ``python benchmarks/bench_scenarios.py [--skip-million] [--skip-robust | --robust-only] [--threads N]
[--decided-renewal]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

from hushall.examples import exempelkommun
from hushall.projects import ProjectCatalog, Schedule


def example_plan(data: object) -> Schedule:
    cat = ProjectCatalog.from_data(data)  # type: ignore[arg-type]
    return Schedule({pid: int(s) for pid, s in zip(cat.project_ids, cat.earliest_start, strict=True)})


def optimised_plan(data: object) -> tuple[Schedule, object]:
    """The optimised example plan and the renewal the optimiser decided for it."""
    from hushall.optimize import optimize
    from hushall.study.request import DEFAULT_MIP_GAP

    result = optimize(data, time_limit=60.0, mip_gap=DEFAULT_MIP_GAP, explain=False, ranking=False)
    return Schedule(result.schedule_dict), result.renewal_plan(data)


def worker(n_draws: int, repeat: int, chunk: int, threads: int, decided: bool = False) -> None:
    """One size in this process: print a JSON line with the times and the peak resident memory."""
    from hushall.scenarios import simulate

    data = exempelkommun()
    plan, policy = optimised_plan(data) if decided else (example_plan(data), None)
    t0 = time.perf_counter()
    res = simulate(data, plan, n_draws=n_draws, seed=1, chunk_size=chunk, threads=threads,
                   reinvestment_policy=policy)
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        simulate(data, plan, n_draws=n_draws, seed=1, chunk_size=chunk, threads=threads,
                 reinvestment_policy=policy)
        times.append(time.perf_counter() - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n": n_draws, "first_s": first, "median_s": statistics.median(times) if times else first,
                      "min_s": min(times) if times else first, "peak_mb": peak_mb, "exact": res.exact_quantiles,
                      "max_se": res.max_standard_error(), "p_all": res.all_years_probability}))


def run_size(n: int, repeat: int, chunk: int, threads: int, decided: bool = False) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--worker", str(n), "--repeat", str(repeat), "--chunk-size", str(chunk),
           "--threads", str(threads), *(["--decided-renewal"] if decided else [])]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=1, help="threads for the simulation (default 1)")
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--skip-robust", action="store_true")
    parser.add_argument("--robust-only", action="store_true")
    parser.add_argument("--time-limit", type=float, default=15.0, help="seconds per MILP in the robust search")
    parser.add_argument("--decided-renewal", action="store_true",
                        help="also the optimised plan with the optimiser's reinvestment (10 000 and 100 000 draws)")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.repeat, args.chunk_size, args.threads, args.decided_renewal)
        return

    import os

    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} (1 min)")
    if not args.robust_only:
        simulation(args)
    if not args.skip_robust:
        robust(args)


def simulation(args: argparse.Namespace) -> None:
    baseline = run_size(1, 0, args.chunk_size, args.threads)
    print(f"process with the example loaded, 1 draw: peak {baseline['peak_mb']:.0f} MB")
    targets = {10_000: 0.5, 100_000: 5.0, 1_000_000: None}
    for n, target in targets.items():
        if n == 1_000_000 and args.skip_million:
            continue
        r = run_size(n, args.repeat if n <= 10_000 else (1 if n <= 100_000 else 0), args.chunk_size, args.threads)
        goal = f" (target ≤ {target:g} s)" if target else ""
        mode = "exact percentiles" if r["exact"] else "histogram percentiles"
        print(f"Monte Carlo {n:>9,} draws × 30 years, 22 projects: first {r['first_s']:6.2f} s, median "
              f"{r['median_s']:6.2f} s, best {r['min_s']:6.2f} s{goal}; peak {r['peak_mb']:5.0f} MB ({mode}); "
              f"largest SE of a probability {r['max_se']:.4f}")
    if args.decided_renewal:
        for n, target in ((10_000, 0.5), (100_000, 5.0)):
            r = run_size(n, args.repeat if n <= 10_000 else 1, args.chunk_size, args.threads, decided=True)
            print(f"Monte Carlo {n:>9,} draws × 30 years, optimised plan with the optimiser's reinvestment: first "
                  f"{r['first_s']:6.2f} s, median {r['median_s']:6.2f} s, best {r['min_s']:6.2f} s (target ≤ "
                  f"{target:g} s); peak {r['peak_mb']:5.0f} MB")

    from hushall.scenarios import compare

    data = exempelkommun()
    plan = example_plan(data)
    t0 = time.perf_counter()
    cmp = compare(data, None, plan)
    print(f"named scenarios ({len(cmp.outcomes)} incl. baseline), the plan under each: "
          f"{time.perf_counter() - t0:.2f} s")


def robust(args: argparse.Namespace) -> None:
    from hushall.scenarios import OptimiserPlanner, Override, Scenario, apply, greedy_planner, robust_plan

    data = exempelkommun()
    # Exempelkommun's own targets fail in the first plan years whatever the plan; with the tax rate one percentage
    # point higher there is room for projects, and the plan decides whether the targets hold.
    roomy = apply(data, Scenario("skatt", "Skattesats +1", overrides=(Override("skattesats", 1.0, "sätt", 2025),)))
    milp = OptimiserPlanner(time_limit=args.time_limit)
    for name, d, planner, kwargs in (
        ("MILP optimiser", data, milp, {}),
        ("MILP optimiser, first 10 years", data, milp, {"years": 10}),
        ("greedy heuristic", data, greedy_planner, {}),
        ("MILP optimiser, skattesats +1 pp, first 10 years", roomy, milp, {"years": 10}),
    ):
        t0 = time.perf_counter()
        res = robust_plan(d, planner, level=0.9, n_draws=2000, seed=1, **kwargs)
        elapsed = time.perf_counter() - t0
        cost = "–" if res.value_cost is None else f"{res.value_cost:.2f} points"
        if res.value_cost_kr is not None:
            cost += f" ≈ {res.value_cost_kr / 1e6:,.0f} Mkr ({res.value_cost / res.base.value:.0%} of the plan's value)"
        print(f"robust optimisation of the example, level 90 % ({name}): {elapsed:6.1f} s (target ≤ 60 s); "
              f"status {res.status}; re-plans {int(res.iterations['iteration'].max())}; projects "
              f"{len(res.base.schedule)} → {len(res.robust.schedule)}; lowest probability "
              f"{res.base_probability:.1%} → {res.robust_probability:.1%}; value cost {cost}")


if __name__ == "__main__":
    main()
