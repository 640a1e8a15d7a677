"""Load benchmark of the web application (not a test): Översikt and the comparison page at 20 concurrent users,
alone and while plan jobs run, and the time until simultaneous plan jobs are all done.

A real server (uvicorn, one process, embedded SQLite) runs in a subprocess on a loopback port with Exempelkommun
loaded and two plan variants whose results come from the real optimiser (``hushall.web.planning.optimise_plan``,
as a worker would store them; ``--stand-in`` uses a quick hand-made result instead); 20 client threads, each with its own keep-alive connection, then
send a bounded number of requests (``--requests`` per user, alternating the two pages) and the latencies are
reported. The requests go to 127.0.0.1 only and the run stops by itself.

Then (``--jobs 3``, the default) three plan variants are optimised at once by the server's own worker pool
(the real optimiser, ``job_workers`` from ``HUSHALL_WEB_JOB_WORKERS``, default 2) while the same 20 users keep
reading; the latencies during the jobs and the time until every job is done are reported. ``--jobs 0`` skips it.

    python benchmarks/bench_web.py                  # 20 users × 50 requests, then 3 jobs with 20 readers
    python benchmarks/bench_web.py --users 20 --requests 100 --with-charts
    python benchmarks/bench_web.py --time-limit 10  # shorter solves while preparing

Targets (issues web and 11): p95 ≤ 300 ms for both pages alone, ≤ 500 ms while 3 plan jobs run (two cores).
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
        for name, ceiling in (("Snål", 125e6), ("Enligt målen", 185e6)):  # incl. the 65 Mkr reinvestment frame
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

    app = create_app(WebSettings(database_url=url, run_jobs=True))
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
    parser.add_argument("--jobs", type=int, default=3, help="plan jobs started at once while users read (0: none)")
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

        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        latencies, errors, wall = read_load(port, bearer, pages, charts, args.users, args.requests, args.with_charts)
        total = sum(len(v) for v in latencies.values())
        print(f"\n{args.users} concurrent users, {total} requests in {wall:.1f} s ({total / wall:.0f} req/s), "
              f"embedded SQLite, one server process, loopback, {kind} plan results; errors: {len(errors)}")
        print(f"load average before / after: {load_before} / {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        alone = report(latencies, pages, 300)
        print("target p95 ≤ 300 ms for Översikt and Jämförelse:", "met" if alone else "NOT met")
        if errors:
            print("first errors:", errors[:5])
        if args.jobs:
            run_jobs_under_load(port, bearer, pages, charts, args)
        print(versions())
    finally:
        server.terminate()
        server.wait(10)


def read_load(port: int, bearer: dict[str, str], pages: dict[str, str], charts: list[str], users: int,
              requests: int | None, with_charts: bool, until: threading.Event | None = None,
              ) -> tuple[dict[str, list[float]], list[str], float]:
    """``users`` threads, each on its own keep-alive connection, alternate the pages: ``requests`` each, or until
    ``until`` is set. Returns the latencies (ms) per page, the errors and the wall time."""
    latencies: dict[str, list[float]] = {name: [] for name in pages}
    latencies["diagram"] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users)

    def user_loop(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        names = list(pages)
        barrier.wait()
        i = 0
        while (i < requests) if requests is not None else not until.is_set():  # type: ignore[union-attr]
            name = names[(i + k) % len(names)]
            todo = [(name, pages[name])] + ([("diagram", charts[i % len(charts)])] if with_charts else [])
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
            i += 1
        conn.close()

    threads = [threading.Thread(target=user_loop, args=(k,)) for k in range(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - t0


def report(latencies: dict[str, list[float]], pages: dict[str, str], target_ms: float) -> bool:
    """Print p50/p95/p99/max per page; True when every page's p95 is within ``target_ms``."""
    print(f"{'page':<12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    verdicts = []
    for name, values in latencies.items():
        if len(values) < 2:
            continue
        q = statistics.quantiles(values, n=100, method="inclusive")
        print(f"{name:<12} {len(values):>5} {statistics.median(values):>8.0f} {q[94]:>8.0f} {q[98]:>8.0f} "
              f"{max(values):>8.0f}")
        if name in pages:
            verdicts.append(q[94] <= target_ms)
    return all(verdicts)


def api(port: int, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={**headers, "Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {data}")
    return data


def run_jobs_under_load(port: int, bearer: dict[str, str], pages: dict[str, str], charts: list[str],
                        args: argparse.Namespace) -> None:
    """Start ``args.jobs`` plan jobs at once (the real optimiser in the server's worker pool) while the users
    keep reading; report the latencies during the jobs and when each job was done."""
    ids = [api(port, "POST", "/api/v1/variants", bearer,
               {"name": f"Jobb {k + 1}", "settings": {"targets": {"investeringstak_kr": (70 + 20 * k) * 1e6}}})["id"]
           for k in range(args.jobs)]
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    t0 = time.perf_counter()
    jobs = [api(port, "POST", f"/api/v1/variants/{i}/jobs", bearer)["id"] for i in ids]
    done_at: dict[int, float] = {}
    states: dict[int, str] = {}
    all_done = threading.Event()

    def watch() -> None:
        while len(done_at) < len(jobs):
            for j in jobs:
                if j not in done_at:
                    state = api(port, "GET", f"/api/v1/jobs/{j}", bearer)
                    if state["status"] not in ("queued", "running"):
                        done_at[j], states[j] = time.perf_counter() - t0, state["status"]
            time.sleep(0.5)
        all_done.set()

    watcher = threading.Thread(target=watch)
    watcher.start()
    latencies, errors, wall = read_load(port, bearer, pages, charts, args.users, None, args.with_charts, all_done)
    watcher.join()
    total = sum(len(v) for v in latencies.values())
    print(f"\n{args.jobs} plan jobs started at once (real optimiser, worker pool) while {args.users} users read: "
          f"{total} requests in {wall:.1f} s; errors: {len(errors)}")
    print("jobs done at " + ", ".join(f"{done_at[j]:.1f} s ({states[j]})" for j in sorted(jobs, key=done_at.get))
          + f"; all {args.jobs} done after {max(done_at.values()):.1f} s")
    print(f"load average before / after: {load_before} / {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    during = report(latencies, pages, 500)
    print(f"target p95 ≤ 500 ms while {args.jobs} jobs run:", "met" if during else "NOT met")
    if errors:
        print("first errors:", errors[:5])


def versions() -> str:
    from importlib.metadata import version

    return "versions: " + ", ".join(f"{name} {version(name)}" for name in ("highspy", "numpy", "pandas", "fastapi",
                                                                           "uvicorn", "SQLAlchemy"))


if __name__ == "__main__":
    main()
