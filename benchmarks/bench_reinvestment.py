"""Benchmark of the optimiser with the economy's reinvestment in the model (not part of the test run): prints
model size (rows, columns, nonzeros) and the time to a 1 % and a 0.1 % gap.

Cases, all on Exempelkommun (22 projects, 30 years, every target of Mål, places network):

* ``ram``          the data's policy (today's frame): the frame's reinvestment is a constant of the finance rows;
* ``ram-skuld``    as ``ram`` plus a maintenance-debt target (``underhållsskuld_växer_inte``, gräns 0 from 2030):
                   30 elastic ``target:`` rows over the aggregate ``maintenance_relief`` (the debt each project
                   clears) — no plan keeps the debt at the base year's level, so this is the least-violation path;
* ``behov``        renewal as needed (``reinvestering_efter_behov`` = 1) and a new school that replaces two old
                   ones: every project's renewal taken over is a column effect (investment, depreciation), the
                   projects sharing components are alternatives; the targets a plan can meet under *behov*
                   (resultat, soliditet, projects at once; the example's debt, self-financing and ceiling targets
                   were set for its frame and break in every plan);
* ``behov-alla``   as ``behov`` with every target of Mål (least violation).

Usage::

    python benchmarks/bench_reinvestment.py [CASE ...] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

import pandas as pd

CASES = ("ram", "ram-skuld", "behov", "behov-alla")


def case_data(name: str) -> Any:
    from hushall.examples import exempelkommun
    from hushall.model.parameters import Parameter

    data = exempelkommun()
    if name == "ram-skuld":
        row = {"target_id": "U1", "target_type": "underhållsskuld_växer_inte", "limit": 0.0, "period_years": 1,
               "from_year": 2030}
        return data.replace(targets=pd.concat([data.targets, pd.DataFrame([row])], ignore_index=True))
    if name.startswith("behov"):
        data = data.replace(assumptions={**data.assumptions, "reinvestering_efter_behov":
                                         Parameter("reinvestering_efter_behov", {2000: 1.0})})
        projects = data.projects.copy()
        new = projects[projects["project_id"] == "P-01"].iloc[0].to_dict()
        new.update(project_id="P-NY", name="Ny F–6-skola i stället för Västerskolan och Lindås skola",
                   service_id="grundskola_f6", places_change=0.0, replaces_facilities="F-C-02;F-LA-01",
                   earliest_start=2027, latest_start=2032, cost_kr=180e6, operating_cost_change_kr=-3.0e6)
        data = data.replace(projects=pd.concat([projects, pd.DataFrame([new])], ignore_index=True))
        if name == "behov":
            t = data.targets
            data = data.replace(targets=t[t["target_id"].isin(["M1", "M4", "M7"])
                                          | (t["target_type"] == "kriterievikt")])
    return data


def run(name: str, time_limit: float) -> dict[str, Any]:
    from hushall.optimize import optimize, problem_from_municipality
    from hushall.optimize.model import create_model
    from hushall.optimize.solve import times_to_gap

    data = case_data(name)
    t0 = time.perf_counter()
    problem = problem_from_municipality(data)
    bm = create_model(problem)
    arr = bm.lm.arrays()
    build = time.perf_counter() - t0
    seen: list[Any] = []
    result = optimize(data, time_limit=time_limit, mip_gap=1e-3, progress=seen.append, explain=False,
                      ranking=False)
    final = None if result.status == "targets_infeasible" else (result.gap, result.timings["solve_s"])
    reached = times_to_gap(seen, (0.01, 0.001), result.lp_bound, final=final)
    avoided = sum(e["kr"] for e in result.explanations.get("renewal_avoided", []))
    return {"case": name, "rows": bm.lm.num_rows, "cols": bm.lm.num_vars, "nonzeros": int(arr["matrix"].nnz),
            "binaries": int(arr["integer"].sum()), "build_s": build, "solve_s": result.timings["solve_s"],
            "status": result.status, "gap": result.gap, "reached": reached, "projects": len(result.schedule),
            "violations": len(result.violations), "avoided_kr": avoided}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", choices=[*CASES, []], metavar="CASE")
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args(argv)
    from importlib.metadata import version

    import numpy as np

    print(f"# bench_reinvestment: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; highspy "
          f"{version('highspy')}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"Python {sys.version.split()[0]}", flush=True)
    for name in args.cases or CASES:
        r = run(name, args.time_limit)
        times = ", ".join(f"{100 * g:.1f} %: " + (f"{r['reached'][g]:.1f} s" if g in r["reached"] else "not reached")
                          for g in (0.01, 0.001))
        if r["status"] == "targets_infeasible":  # the gap is the least-violation search's, not the plan's
            times = "n/a (no plan meets the targets: least violation searched)"
        print(f"== {r['case']}: {r['rows']} rows, {r['cols']} columns ({r['binaries']} binary), "
              f"{r['nonzeros']} nonzeros; build {r['build_s']:.2f} s, solve {r['solve_s']:.1f} s; time to gap "
              f"{times}; status {r['status']}, final gap {100 * r['gap']:.2f} %; {r['projects']} projects, "
              f"{r['violations']} target-years broken; renewal taken over {r['avoided_kr'] / 1e6:.1f} Mkr",
              flush=True)
    print(f"# load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
