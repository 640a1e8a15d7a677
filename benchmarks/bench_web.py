"""Load benchmark of the web application (not a test): Översikt and the comparison page at 20 concurrent users.

A real server (uvicorn, one process, embedded SQLite) runs in a subprocess on a loopback port with Exempelkommun
loaded and two plan variants whose results come from the real optimiser (``hushall.web.planning.optimise_plan``,
as a worker would store them; ``--stand-in`` uses a quick hand-made result instead); 20 client threads, each with its own keep-alive connection, then
send a bounded number of requests (``--requests`` per user, alternating the two pages) and the latencies are
reported. The requests go to 127.0.0.1 only and the run stops by itself.

    python benchmarks/bench_web.py                  # 20 users × 50 requests
    python benchmarks/bench_web.py --users 20 --requests 100 --with-charts
    python benchmarks/bench_web.py --time-limit 10  # shorter solves while preparing

Target (issue): p95 ≤ 300 ms for both pages.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str, stand_in: bool = False, time_limit: float = 30.0) -> tuple[str, str, list[int]]:
    """Exempelkommun, a reader, and two plan variants with a result each (the real optimiser's by default)."""
    from hushall.web.config import SolverLimits
    from hushall.web.db import make_engine, migrate, session_factory
    from hushall.web.models import Job, PlanVariant, utcnow
    from hushall.web.planning import apply_variant, default_settings, optimise_plan
    from hushall.web.security import add_user
    from hushall.web.store import example_upload, store_version

    engine = make_engine(url)
    migrate(engine)
    factory = session_factory(engine)
    checked = example_upload()
    password = "benchmark-lösen-1"
    ids = []
    with factory() as db, db.begin():
        user = add_user(db, "bench", password, "planerare")
        version = store_version(db, checked, user, "benchmark")
        for name, ceiling in (("Snål", 60e6), ("Enligt målen", 120e6)):
            settings = default_settings(checked.data)
            settings["targets"]["investeringstak_kr"] = ceiling
            variant = PlanVariant(family_id=0, version_no=1, name=name, description="", data_version_id=version.id,
                                  settings=settings, status="utkast", row_version=1, created_by=user.id)
            db.add(variant)
            db.flush()
            variant.family_id = variant.id
            data = apply_variant(checked.data, settings)
            if stand_in:
                result = stand_in_result(data, ceiling)
            else:
                t = time.perf_counter()
                limits = SolverLimits(time_limit_s=time_limit, mip_gap=0.005, explain_s=10.0)
                result = optimise_plan(data, settings, lambda fraction, message: None, limits)
                print(f"optimised '{name}' in {time.perf_counter() - t:.1f} s: {result['status']}, "
                      f"{len(result['schedule'])} projects, value {result['value']:.2f}", file=sys.stderr)
            db.add(Job(variant_id=variant.id, variant_row_version=1, status="done", progress=1.0, message="",
                       error="", runner_id="bench", result=result, finished_at=utcnow()))
            ids.append(variant.id)
    engine.dispose()
    return "bench", password, ids


def stand_in_result(data: Any, ceiling: float) -> dict[str, Any]:
    """A plan result of the right shape: the must-do projects plus the cheapest others under the ceiling."""
    years = [int(y) for y in data.years]
    projects = data.projects.sort_values("cost_kr")
    schedule, total = [], 0.0
    for p in projects.itertuples():
        if p.must_do or total + p.cost_kr <= ceiling:
            total += p.cost_kr
            start = int(p.earliest_start) if p.earliest_start == p.earliest_start and p.earliest_start else years[0]
            schedule.append({"project_id": p.project_id, "name": p.name, "start_year": max(start, years[0]),
                             "cost_kr": float(p.cost_kr), "explanation": ""})
    n = len(years)
    return {"status": "feasible", "method": "benchmark", "years": years, "schedule": schedule, "not_chosen": [],
            "places_short": [10.0] * n, "maintenance_debt_kr": [1e8] * n, "value": 1.0, "explanations": []}


def serve(url: str, port: int) -> None:
    import uvicorn

    from hushall.web.app import create_app
    from hushall.web.config import WebSettings

    app = create_app(WebSettings(database_url=url, run_jobs=False))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def token(port: int, user: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/v1/session", body=json.dumps({"username": user, "password": password}),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    if response.status != 200:
        raise SystemExit(f"login failed: {response.status} {body}")
    return str(body["token"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="requests per user (bounded)")
    parser.add_argument("--with-charts", action="store_true", help="also fetch each page's chart images")
    parser.add_argument("--stand-in", action="store_true", help="hand-made plan results instead of the optimiser's")
    parser.add_argument("--time-limit", type=float, default=30.0, help="optimiser time limit per variant (s)")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return

    tmp = Path(tempfile.mkdtemp(prefix="hushall-bench-"))
    url = f"sqlite:///{tmp / 'bench.sqlite'}"
    t0 = time.perf_counter()
    user, password, ids = prepare(url, args.stand_in, args.time_limit)
    kind = "stand-in" if args.stand_in else "optimised"
    print(f"prepared Exempelkommun and 2 {kind} variants in {time.perf_counter() - t0:.1f} s ({url})",
          file=sys.stderr)
    port = _free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", url, str(port)], env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.2)
        bearer = {"Authorization": f"Bearer {token(port, user, password)}"}
        pages = {"Översikt": "/", "Jämförelse": f"/planer/jamfor?v={ids[0]}&v={ids[1]}"}
        charts = ["/diagram/1/population.svg", *[f"/planer/jamfor/diagram/{m}.svg?v={ids[0]}&v={ids[1]}"
                                                for m in ("investments_kr", "result_kr", "debt_kr")]]
        # warm-up: the first request of each page computes and caches its views
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for path in [*pages.values(), *charts]:
            t = time.perf_counter()
            warm.request("GET", path, headers=bearer)
            r = warm.getresponse()
            r.read()
            assert r.status == 200, (path, r.status)
            print(f"warm-up {path}: {1000 * (time.perf_counter() - t):.0f} ms", file=sys.stderr)
        warm.close()

        latencies: dict[str, list[float]] = {name: [] for name in pages}
        latencies["diagram"] = []
        errors: list[str] = []
        lock = threading.Lock()
        barrier = threading.Barrier(args.users)

        def user_loop(k: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            names = list(pages)
            barrier.wait()
            for i in range(args.requests):
                name = names[(i + k) % len(names)]
                todo = [(name, pages[name])] + ([("diagram", charts[i % len(charts)])] if args.with_charts else [])
                for label, path in todo:
                    t = time.perf_counter()
                    conn.request("GET", path, headers=bearer)
                    r = conn.getresponse()
                    r.read()
                    ms = 1000 * (time.perf_counter() - t)
                    with lock:
                        if r.status != 200:
                            errors.append(f"{path}: {r.status}")
                        latencies[label].append(ms)
            conn.close()

        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        threads = [threading.Thread(target=user_loop, args=(k,)) for k in range(args.users)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        total = sum(len(v) for v in latencies.values())
        print(f"\n{args.users} concurrent users, {total} requests in {wall:.1f} s ({total / wall:.0f} req/s), "
              f"embedded SQLite, one server process, loopback, {kind} plan results; errors: {len(errors)}")
        print(f"load average before / after: {load_before} / {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'page':<12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        verdicts = []
        for name, values in latencies.items():
            if not values:
                continue
            q = statistics.quantiles(values, n=100, method="inclusive")
            print(f"{name:<12} {len(values):>5} {statistics.median(values):>8.0f} {q[94]:>8.0f} {q[98]:>8.0f} "
                  f"{max(values):>8.0f}")
            if name in pages:
                verdicts.append(q[94] <= 300)
        print("target p95 ≤ 300 ms for Översikt and Jämförelse:", "met" if all(verdicts) else "NOT met")
        if errors:
            print("first errors:", errors[:5])
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
