"""Benchmark of page Prioritera (not a test): the time from a change of a control to the updated plan on the
example — the quick plan (the answer to the change) and the finished plan (until a poll returns it).

The application runs in this process (FastAPI's TestClient, embedded SQLite with Exempelkommun loaded) with the
solver limits of the plan variants and ``hushall optimize`` (``HUSHALL_OPTIMISE_TIME_LIMIT`` / ``_MIP_GAP``,
default 60 s and 0,5 %); a reader opens the page (the officials' settings, waited until finished) and then makes
the changes below one after the other, each from the plan shown before, as a person at the page would.

    python benchmarks/bench_prioritize.py            # the limits of the web (60 s, gap 0,5 %)
    python benchmarks/bench_prioritize.py --gap 0.06 # a looser gap: the finished plan in seconds

Target (issue 13): ≤ 3 s from a change to the updated page (the quick plan) on the example.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))

CHANGES: list[tuple[str, dict[str, str]]] = [
    ("vikt kapacitet 0,6", {"weight__kapacitet": "0,6"}),
    ("investeringsram 150 Mkr", {"weight__kapacitet": "0,6", "frame_mkr": "150"}),
    ("skatt +20 öre från 2027", {"weight__kapacitet": "0,6", "frame_mkr": "150", "tax_ore": "20",
                                 "tax_from_year": "2027"}),
    ("låneskuld högst 60 000 kr/inv.", {"weight__kapacitet": "0,6", "frame_mkr": "150", "tax_ore": "20",
                                        "tax_from_year": "2027", "debt_kr": "60000"}),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--gap", type=float, default=None)
    args = parser.parse_args(argv)

    from fastapi.testclient import TestClient
    from web_helpers import Browser, make_settings, seed

    from hushall.web.app import create_app
    from hushall.web.config import SolverLimits
    from hushall.web.prioritize import QUICK_TIME_LIMIT_S

    base = SolverLimits.from_env()
    limits = SolverLimits(args.time_limit or base.time_limit_s, base.mip_gap if args.gap is None else args.gap, 0.0)
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    seed(url)
    app = create_app(make_settings(url, solver=limits))
    hx = {"HX-Request": "true"}
    print(f"Prioritera på exemplet: snabb plan {QUICK_TIME_LIMIT_S:g} s lösning, färdig plan högst "
          f"{limits.time_limit_s:g} s / gap {100 * limits.mip_gap:g} %".replace(".", ","))

    def key_of(html: str) -> str:
        m = re.search(r'id="prio-previous" name="previous" value="([^"]+)"', html)
        if not m:
            raise SystemExit("no plan in the answer: " + re.sub(r"<[^>]+>", " ", html)[:500])
        return m.group(1)

    def finished(b: Any, key: str) -> float:
        t0 = time.perf_counter()
        while 'data-plan-kind="full"' not in b.get(f"/prioritera/plan/{key}", headers=hx).text:
            time.sleep(0.2)
        return time.perf_counter() - t0

    quick_s, full_s = [], []
    with TestClient(app) as client:
        b = Browser(client)
        b.login("reader")
        t0 = time.perf_counter()
        key = key_of(b.post("/prioritera/plan", {}, headers=hx).text)
        first_quick = time.perf_counter() - t0
        first_full = first_quick + finished(b, key)
        print(f"  utgångsläget (tjänstepersonernas): snabb {first_quick:.2f} s, färdig {first_full:.1f} s")
        for label, form in CHANGES:
            t0, c0 = time.perf_counter(), time.process_time()
            html = b.post("/prioritera/plan", {**form, "previous": key}, headers=hx).text
            q = time.perf_counter() - t0
            q_cpu = time.process_time() - c0
            kind = re.search(r'data-plan-kind="(\w+)"', html)
            key = key_of(html)
            f = q + finished(b, key)
            quick_s.append(q)
            full_s.append(f)
            gap = re.search(r"inom ([\d,]+)\xa0% av bästa möjliga", html)
            print(f"  {label:34s} snabb {q:5.2f} s (CPU {q_cpu:4.2f} s; {kind.group(1) if kind else '?'}"
                  f"{', inom ' + gap.group(1) + ' %' if gap else ''}), färdig {f:5.1f} s")
        solves = app.state.prioritizer.solves
        print(f"  snabba planer {solves['quick']}, varav {solves.get('quick_kept_problem', 0)} med sessionens "
              f"problem kvar (bara vikt eller ram ändrad); färdiga {solves['full']}")
        app.state.prioritizer.shutdown()
    print(f"Median: snabb {statistics.median(quick_s):.2f} s (max {max(quick_s):.2f} s), "
          f"färdig {statistics.median(full_s):.1f} s (max {max(full_s):.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
