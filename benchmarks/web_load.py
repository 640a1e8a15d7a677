"""The web app under load as the board reads it (issues 13 and 14, not a test): page latencies with 20 clients while
a plan job runs, and whether the job still finished correctly.

Everything goes through the doors a user has, nothing through the library:

1. the accounts with ``hushall user add … --password-stdin``, the server with ``hushall serve`` (its own job
   worker pool, the web's default solver limits unless ``--time-limit``) on a loopback port, on a fresh embedded
   SQLite file (``--db sqlite``, the default) or on a throwaway PostgreSQL cluster started from Debian's
   ``postgresql`` package (``--db postgres``, as ``tests/web/conftest.py`` starts one);
2. a planner (``planerare``) uploads the example workbook (``hushall template --example``) over the API, creates two
   plan variants — ``Snål`` (investment ceiling 125 Mkr) and ``Enligt målen`` (185 Mkr; both include today's
   65 Mkr reinvestment frame) — and optimises both;
3. a third variant ``Under last``, with the settings of ``Enligt målen``, is started; while its job runs,
   ``--clients`` readers, each logged in through the login form as ``läsare`` with its own session cookie
   (httpx2, one thread and keep-alive connection each), go round the pages a board member reads: Översikt, Behov,
   Ekonomi, Planer, the plan page, Jämförelse of the two plans, every chart image those pages show (SVG) and the
   plan document (PDF). They stop when the job has ended or after ``--seconds``;
4. per page: requests, p50, p95, max and errors; then the job: its status, when it ended, and whether its plan
   agrees with ``Enligt målen`` (same settings: neither plan's value above the other's proven bound).

    python benchmarks/web_load.py                        # 20 clients, SQLite
    python benchmarks/web_load.py --db postgres --clients 20 --seconds 120
    python benchmarks/web_load.py --time-limit 10        # shorter solves (HUSHALL_OPTIMISE_TIME_LIMIT)

Goal (issue 13, with issue 11's figure): p95 ≤ 500 ms per page while a plan job runs, on the 2-core machine. The
requests go to 127.0.0.1 only; the server, its workers and a PostgreSQL cluster started here are stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx2

PASSWORDS = {"planerare": "planerar-lösen-1", "ledamot": "ledamots-lösen-1"}
GOAL_P95_MS = 500.0
CEILINGS = {"Snål": 125e6, "Enligt målen": 185e6}


def hushall(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    """Run the ``hushall`` command line as a user types it (``python -m hushall.cli.main``)."""
    done = subprocess.run([sys.executable, "-m", "hushall.cli.main", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"hushall {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_cluster(base: Path) -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a loopback port (run as ``postgres`` when we are root); its URL."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if not bins:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    bindir, data, port = bins[0], base / "pg", free_port()
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if run_as:
        shutil.chown(base, "postgres")
    subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "hushall", "--no-sync",
                    "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "pg.log"), "-w", "-o",
                    f"-c listen_addresses=127.0.0.1 -p {port} -k {base}", "start"],
                   check=True, capture_output=True, timeout=60)
    try:
        subprocess.run([*run_as, str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "hushall",
                        "hushall"], check=True, capture_output=True)
        yield f"postgresql://hushall@127.0.0.1:{port}/hushall"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       capture_output=True, timeout=60)


@contextmanager
def served(url: str, env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """``hushall serve`` on a free loopback port until the block ends; its base URL and process id."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "hushall.cli.main", "serve", "--port", str(port),
                                   "--database-url", url], env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx2.get(f"{base}/logga-in", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"hushall serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield base, server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and its job workers (its own process group)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)


def api_client(base: str, user: str) -> httpx2.Client:
    client = httpx2.Client(base_url=base, timeout=120)
    r = client.post("/api/v1/session", json={"username": user, "password": PASSWORDS[user]})
    r.raise_for_status()
    client.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return client


def form_login(base: str, user: str) -> httpx2.Client:
    """A browser-like client logged in through the login form (session cookie, CSRF token)."""
    client = httpx2.Client(base_url=base, timeout=120)
    form = client.get("/logga-in").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf, "no CSRF token on the login page"
    r = client.post("/logga-in", data={"username": user, "password": PASSWORDS[user], "next": "/",
                                       "csrf_token": csrf.group(1)})
    if r.status_code != 303:
        raise SystemExit(f"login as {user} failed: {r.status_code}")
    return client


def wait_job(api: httpx2.Client, job_id: int, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = api.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return dict(job)
        time.sleep(0.5)


def prepare(api: httpx2.Client, workbook: Path) -> dict[str, int]:
    """Upload the example, create and optimise the two plans; their variant ids by name."""
    t = time.perf_counter()
    with workbook.open("rb") as fh:
        r = api.post("/api/v1/data/versions", files={"files": (workbook.name, fh)}, data={"comment": "Exempel"})
    r.raise_for_status()
    status_url = r.json()["status_url"]
    while (upload := api.get(status_url).json())["status"] not in ("done", "failed"):
        time.sleep(0.3)
    if upload["status"] != "done":
        raise SystemExit(f"the example was not stored: {upload}")
    print(f"uploaded the example as version {upload['version']} in {time.perf_counter() - t:.1f} s",
          file=sys.stderr)
    ids, jobs = {}, {}
    t = time.perf_counter()
    for name, ceiling in CEILINGS.items():
        variant = api.post("/api/v1/variants", json={
            "name": name, "settings": {"targets": {"investeringstak_kr": ceiling}}})
        variant.raise_for_status()
        ids[name] = variant.json()["id"]
        jobs[name] = api.post(f"/api/v1/variants/{ids[name]}/jobs").json()["id"]
    for name, job_id in jobs.items():
        job = wait_job(api, job_id, 900)
        if job["status"] != "done":
            raise SystemExit(f"plan {name!r} was not optimised: {job}")
    print(f"optimised {', '.join(ids)} (two workers) in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return ids


def chart_paths(client: httpx2.Client, pages: dict[str, str]) -> list[str]:
    """Every chart image (``<img src="….svg">``) the pages show, fetched once to warm the caches."""
    found: list[str] = []
    for path in pages.values():
        if path.endswith(".pdf"):
            continue
        html = client.get(path).text
        found += [src.replace("&amp;", "&") for src in re.findall(r'<img[^>]+src="([^"]+\.svg[^"]*)"', html)]
    return list(dict.fromkeys(found))


def drive(base: str, pages: dict[str, str], charts: list[str], clients: int, stop: threading.Event,
          ) -> tuple[dict[str, list[float]], dict[str, list[str]], float]:
    """``clients`` readers, each logged in through the form, go round the pages (and one chart image after each
    page) until ``stop`` is set. Latencies in ms and errors per page, and the wall time."""
    order = [*pages, "Diagram (SVG)"]
    latencies: dict[str, list[float]] = {name: [] for name in order}
    errors: dict[str, list[str]] = {name: [] for name in order}
    lock = threading.Lock()
    sessions = [form_login(base, "ledamot") for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def reader(k: int) -> None:
        client = sessions[k]
        barrier.wait()
        i = k
        while not stop.is_set():
            name = list(pages)[i % len(pages)]
            todo = [(name, pages[name])] + ([("Diagram (SVG)", charts[i % len(charts)])] if charts else [])
            for label, path in todo:
                t = time.perf_counter()
                try:
                    r = client.get(path)
                    failure = "" if r.status_code == 200 and not (
                        r.headers.get("content-type", "").startswith("text/html")
                        and ("Traceback" in r.text or "Internal Server Error" in r.text)) else f"{r.status_code}"
                except httpx2.HTTPError as exc:
                    failure = type(exc).__name__
                ms = 1000 * (time.perf_counter() - t)
                with lock:
                    latencies[label].append(ms)
                    if failure:
                        errors[label].append(f"{path}: {failure}")
            i += 1
        client.close()

    threads = [threading.Thread(target=reader, args=(k,), daemon=True) for k in range(clients)]
    for th in threads:
        th.start()
    barrier.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    return latencies, errors, time.perf_counter() - t0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process ``pid`` so far (Linux ``/proc``; its own threads, not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent readers (default 20)")
    parser.add_argument("--seconds", type=float, default=180.0,
                        help="longest reading time; the readers stop earlier when the job has ended (default 180)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="optimiser time limit per plan in s (default: the web's own, 60)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="hushall-load-"))
    env = {**os.environ, "HUSHALL_DATA_DIR": str(tmp)}
    if args.time_limit is not None:
        env["HUSHALL_OPTIMISE_TIME_LIMIT"] = str(args.time_limit)
    try:
        with (postgres_cluster(tmp) if args.db == "postgres" else nullcontext(f"sqlite:///{tmp / 'h.sqlite'}")) as url:
            run(args, url, env, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def nullcontext(value: str) -> Iterator[str]:
    yield value


def run(args: argparse.Namespace, url: str, env: dict[str, str], tmp: Path) -> None:
    t0 = time.perf_counter()
    hushall("user", "add", "planerare", "--role", "planerare", "--password-stdin", "--database-url", url,
            stdin=PASSWORDS["planerare"] + "\n", env=env)
    hushall("user", "add", "ledamot", "--role", "läsare", "--display-name", "Ledamot i kommunstyrelsen",
            "--password-stdin", "--database-url", url, stdin=PASSWORDS["ledamot"] + "\n", env=env)
    workbook = tmp / "exempelkommun.xlsx"
    hushall("template", "--example", str(workbook), env=env)
    with served(url, env, tmp / "serve.log") as (base, pid):
        api = api_client(base, "planerare")
        ids = prepare(api, workbook)
        plan = ids["Enligt målen"]
        pages = {"Översikt": "/", "Behov": "/behov", "Ekonomi": "/ekonomi", "Planer": "/planer",
                 "Planen": f"/planer/{plan}", "Jämförelse": f"/planer/jamfor?v={ids['Snål']}&v={plan}",
                 "Plandokument (PDF)": f"/planer/{plan}/plan.pdf"}
        warm = form_login(base, "ledamot")
        for name, path in pages.items():  # the first request of each page computes and caches its views
            t = time.perf_counter()
            r = warm.get(path)
            if r.status_code != 200:
                raise SystemExit(f"{name} ({path}): {r.status_code}")
            print(f"first {name}: {1000 * (time.perf_counter() - t):.0f} ms", file=sys.stderr)
        charts = chart_paths(warm, pages)
        for path in charts:
            warm.get(path)
        warm.close()
        print(f"prepared in {time.perf_counter() - t0:.1f} s; {len(charts)} chart images", file=sys.stderr)

        variant = api.post("/api/v1/variants", json={
            "name": "Under last", "settings": {"targets": {"investeringstak_kr": CEILINGS["Enligt målen"]}}}).json()
        load_before, cpu_before = loadavg(), cpu_seconds(pid)
        job_id = api.post(f"/api/v1/variants/{variant['id']}/jobs").json()["id"]
        started = time.perf_counter()
        stop = threading.Event()
        ended: dict[str, Any] = {}

        def watch() -> None:
            deadline = started + args.seconds
            while time.perf_counter() < deadline:
                job = api.get(f"/api/v1/jobs/{job_id}").json()
                if job["status"] not in ("queued", "running"):
                    ended.update(job, at=time.perf_counter() - started)
                    break
                time.sleep(0.5)
            stop.set()

        watcher = threading.Thread(target=watch)
        watcher.start()
        latencies, errors, wall = drive(base, pages, charts, args.clients, stop)
        watcher.join()
        load_after, server_cpu = loadavg(), cpu_seconds(pid) - cpu_before
        if not ended:
            job = wait_job(api, job_id, 900)
            ended.update(job, at=time.perf_counter() - started, late=True)
        result = api.get(f"/api/v1/variants/{variant['id']}").json().get("result") or {}
        reference = api.get(f"/api/v1/variants/{plan}").json().get("result") or {}
        report(args, url, latencies, errors, wall, load_before, load_after, ended, result, reference, server_cpu)


def report(args: argparse.Namespace, url: str, latencies: dict[str, list[float]], errors: dict[str, list[str]],
           wall: float, load_before: str, load_after: str, ended: dict[str, Any], result: dict[str, Any],
           reference: dict[str, Any], server_cpu: float) -> None:
    total = sum(len(v) for v in latencies.values())
    db = "PostgreSQL" if url.startswith("postgresql") else "embedded SQLite"
    print(f"\n{args.clients} readers while a plan job runs: {total} requests in {wall:.1f} s "
          f"({total / wall:.0f} req/s), {db}, `hushall serve` (one process, job pool), loopback")
    print(f"load average (1 / 5 / 15 min) before: {load_before}; after: {load_after}")
    print(f"the server process (its job workers are other processes): {server_cpu:.1f} s CPU in {wall:.1f} s, "
          f"{100 * server_cpu / wall:.0f} % of one core, {1000 * server_cpu / max(total, 1):.1f} ms CPU per request")
    print(f"{'page':<20} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>7}")
    worst = 0.0
    for name, values in latencies.items():
        if not values:
            continue
        p95 = statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
        worst = max(worst, p95)
        print(f"{name:<20} {len(values):>8} {statistics.median(values):>8.0f} {p95:>8.0f} {max(values):>8.0f} "
              f"{len(errors[name]):>7}")
    print(f"goal p95 ≤ {GOAL_P95_MS:.0f} ms on every page:", "met" if worst <= GOAL_P95_MS else f"NOT met ({worst:.0f} ms)")
    for name, found in errors.items():
        if found:
            print(f"first errors on {name}: {found[:3]}")
    when = f"{ended['at']:.1f} s after it was started"
    print(f"\nplan job: {ended['status']} {when}"
          + (" (after the readers had stopped at --seconds)" if ended.get("late") else " (while the readers read)"))
    value, ref = result.get("value"), reference.get("value")
    planned = {p["project_id"] for p in result.get("schedule") or []}
    expected = {p["project_id"] for p in reference.get("schedule") or []}
    if ended["status"] == "done" and value is not None and ref is not None:
        # Both solves stop at a time limit or a gap, so their values may differ; each proves a bound no plan
        # exceeds. Consistent: a plan the solver could use (optimal/feasible) and neither value above the other's
        # proven bound.
        bound, ref_bound = result.get("bound") or value, reference.get("bound") or ref
        consistent = (result.get("status") in ("optimal", "feasible") and value <= ref_bound * (1 + 1e-6)
                      and ref <= bound * (1 + 1e-6))
        same = "the same projects" if planned == expected else f"projects differing: {sorted(planned ^ expected)}"
        print(f"its plan ({result.get('status')}): value {value:.4g} (gap {100 * (result.get('gap') or 0):.2f} %) "
              f"against {ref:.4g} (gap {100 * (reference.get('gap') or 0):.2f} %) for the same settings without "
              f"load; {len(planned)} projects, {same}")
        print("job finished correctly:", "yes (values within each other's proven bounds)" if consistent else
              f"NO (value {value:.4g}, bound {bound:.4g}; reference {ref:.4g}, bound {ref_bound:.4g})")
    else:
        print("job finished correctly: NO", ended.get("error") or ended.get("message") or "")
    print("versions: " + ", ".join(f"{n} {version(n)}" for n in (
        "hushall", "fastapi", "uvicorn", "SQLAlchemy", "httpx2", "highspy", "numpy", "pandas")))


if __name__ == "__main__":
    main()
