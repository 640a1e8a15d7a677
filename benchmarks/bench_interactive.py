"""Interactive re-optimisation of Exempelkommun (issue 14: a changed weight or frame gives a plan within 1 % in
≤ 2 s): prints its figures; not part of the test run.

The politicians' picture (Prioritera) re-optimises after each change of a criterion weight or of the investment
frame. This benchmark solves the example once (the "previous plan"), then for each change:

* ``interactive``: ``optimize(changed, start=previous plan, time_limit=LIMIT, mip_gap=0.01, explain=False,
  ranking=False)`` — the call the page makes;
* ``cold``: the same without the previous plan;
* ``session``: :class:`hushall.optimize.interactive.Reoptimiser` — one session per run (its first solve is the
  previous plan's), ``session.reoptimise(changed, time_limit=LIMIT, mip_gap=0.01)``, which keeps the problem, the
  LP basis and the last plan with its renewal; after each change the session changes back (``back``: the
  original data again, from the changed plan), so that every change starts from the same data;
* ``reference``: a long solve of the changed example (``--reference-limit`` s, from the previous plan), whose
  best plan is the yardstick.

For each it prints wall and CPU time, the plan's net benefit, the gap *proven* by the solver (against its best
bound) and the shortfall against the best plan known for the changed example (the best of all three runs).
Each change runs in its own process so that runs do not share caches.

Usage::

    python benchmarks/bench_interactive.py                   # limit 2 s, reference 60 s
    python benchmarks/bench_interactive.py --limit 2 --reference-limit 120
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from typing import Any

CHANGES = ("weight", "frame-down", "frame-up")


def _changed(data: Any, change: str) -> Any:
    t = data.targets.copy()
    if change == "weight":
        # five percentage points of weight from the first criterion to the second
        w = t.index[t["target_type"] == "kriterievikt"]
        t.loc[w[0], "limit"] = float(t.loc[w[0], "limit"]) - 0.05
        t.loc[w[1], "limit"] = float(t.loc[w[1], "limit"]) + 0.05
    elif change.startswith("frame"):
        c = t.index[t["target_type"] == "investeringstak_kr"]
        t.loc[c, "limit"] = t.loc[c, "limit"].astype(float) + (-15e6 if change == "frame-down" else 15e6)
    else:
        raise ValueError(change)
    return data.replace(targets=t)


def _schedule(result: Any) -> dict[str, int]:
    s = result.schedule
    return {str(p): int(y) for p, y in zip(s["project"], s["start_year"], strict=True)}


def _solve(data: Any, **kw: Any) -> dict[str, Any]:
    from hushall.optimize import optimize

    t0, c0 = time.perf_counter(), time.process_time()
    r = optimize(data, explain=False, ranking=False, **kw)
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "objective": r.objective,
            "bound": r.bound, "gap": r.gap, "schedule": _schedule(r)}


def run_change(change: str, previous: dict[str, int], limit: float, ref_limit: float, queue: Any) -> None:
    from hushall.examples import exempelkommun

    data = _changed(exempelkommun(), change)
    out = {"change": change,
           "interactive": _solve(data, start=previous, time_limit=limit, mip_gap=0.01),
           "cold": _solve(data, time_limit=limit, mip_gap=0.01)}
    out["reference"] = _solve(data, start=out["interactive"]["schedule"], time_limit=ref_limit, mip_gap=0.001)
    queue.put(out)


def _timed(call: Any) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    r = call()
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "objective": r.objective,
            "bound": r.bound, "gap": r.gap, "schedule": _schedule(r)}


def run_session(changes: list[str], limit: float, ref_limit: float, queue: Any) -> None:
    from hushall.examples import exempelkommun
    from hushall.optimize.interactive import Reoptimiser

    base = exempelkommun()
    session = Reoptimiser(base)
    out: dict[str, Any] = {"previous": _timed(lambda: session.optimise(time_limit=ref_limit, mip_gap=0.001))}
    for change in changes:
        out[change] = _timed(lambda c=change: session.reoptimise(_changed(base, c), time_limit=limit, mip_gap=0.01))
        out[change]["rebuilt"] = session.rebuilt
        out[f"{change}:back"] = _timed(lambda: session.reoptimise(base, time_limit=limit, mip_gap=0.01))
    queue.put(out)


def run_previous(ref_limit: float, queue: Any) -> None:
    from hushall.examples import exempelkommun

    queue.put(_solve(exempelkommun(), time_limit=ref_limit, mip_gap=0.001))


def _in_process(target: Any, *args: Any) -> Any:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, q))
    p.start()
    r = q.get()
    p.join()
    return r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=float, default=2.0, help="the interactive time limit (s)")
    ap.add_argument("--reference-limit", type=float, default=60.0, help="the reference solves' limit (s)")
    ap.add_argument("changes", nargs="*", help=f"some of {', '.join(CHANGES)} (default: all)")
    args = ap.parse_args(argv)
    from importlib.metadata import version

    print(f"load average {os.getloadavg()[0]:.2f} / {os.getloadavg()[1]:.2f} / {os.getloadavg()[2]:.2f}; highspy "
          f"{version('highspy')}, numpy {version('numpy')}, pandas {version('pandas')}")
    prev = _in_process(run_previous, args.reference_limit)
    print(f"previous plan (the example as it is, {args.reference_limit:g} s): {prev['objective']:.3f}, proven gap "
          f"{100 * prev['gap']:.2f} %, wall {prev['wall']:.1f} s, CPU {prev['cpu']:.1f} s", flush=True)
    changes = args.changes or list(CHANGES)
    sess = _in_process(run_session, changes, args.limit, args.reference_limit)
    print(f"session: first solve {sess['previous']['objective']:.3f} (proven gap {100 * sess['previous']['gap']:.2f} %)"
          f", then each change and back; load {os.getloadavg()[0]:.2f}", flush=True)
    for change in changes:
        r = _in_process(run_change, change, prev["schedule"], args.limit, args.reference_limit)
        r["session"] = sess[change]
        best = max(r[k]["objective"] for k in ("interactive", "cold", "reference", "session"))
        print(f"== {change} (best known plan {best:.3f}; load {os.getloadavg()[0]:.2f})")
        for k in ("interactive", "session", "cold", "reference"):
            v = r[k]
            short = (best - v["objective"]) / abs(best)
            print(f"   {k:<12} wall {v['wall']:5.2f} s  CPU {v['cpu']:5.2f} s  plan {v['objective']:.3f}  "
                  f"below the best known {100 * short:5.2f} %  proven gap {100 * v['gap']:5.2f} %"
                  + ("  (problem made again)" if v.get("rebuilt") else ""), flush=True)
        back = sess[f"{change}:back"]
        print(f"   {'back':<12} wall {back['wall']:5.2f} s  CPU {back['cpu']:5.2f} s  plan {back['objective']:.3f}  "
              f"(the example as it is: {prev['objective']:.3f})  proven gap {100 * back['gap']:5.2f} %", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
