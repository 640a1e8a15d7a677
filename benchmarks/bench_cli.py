"""Benchmark of the command line end to end (issue 14): start-up, validation, the plan document and the demo.

Each command runs in its own process, exactly as a user types it, and the benchmark prints its wall time, the CPU
time of the process (user + system: what it costs when the machine is shared) and the load average before and
after. Targets: ``hushall --help`` ≤ 0.2 s, ``hushall validate`` of the example ≤ 2 s, ``hushall report --example``
≤ 15 s, ``hushall demo`` ≤ 15 s.

For ``demo`` and ``report`` the lines the command prints are time-stamped, so the time of each stage is printed
too (the optimiser, with its explanations, apart from everything else).

Run: ``python benchmarks/bench_cli.py [--repeat 5] [--skip-demo] [--skip-report] [--split] [--tree SRC]``; ``--tree``
puts a source tree first on the path of the child processes (to compare a branch with the installed one);
``--split`` runs the demo once more in-process and prints its CPU by thread and process (the optimiser's thread
runs to its time limit whatever the load, so its CPU varies with the load; the rest is the work to cut).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

#: Lines the demo prints, each closing a stage: the stage's time is from the previous line of this list to it.
DEMO_STAGES = (
    ("Exempelkommun:", "start-up and loading the example"),
    ("1/5", "example workbook (write exempelkommun.xlsx) and the decided projects' study"),
    ("2/5", "needs analysis and its outputs (tables, 3 charts)"),
    ("3/5", "forecast and its outputs (tables, 4 charts)"),
    ("Klart: ", "waiting for the optimiser (it runs from the start, beside steps 1-2)"),
    ("4/5", "optimisation outputs (tables, charts)"),
    ("5/5", "Monte Carlo, 5 000 draws, and risk outputs"),
    ("Klart på", "plan document (PDF and workbook)"),
)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, list[tuple[float, str]], int]:
    """Run ``python -m hushall.cli.main ARGS``: wall time, CPU time, time-stamped output lines, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "hushall.cli.main", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    lines = [(time.perf_counter() - start, line.rstrip()) for line in proc.stdout or []]
    code = proc.wait()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, lines, code


def stages(lines: list[tuple[float, str]], wall: float) -> list[tuple[str, float]]:
    """The time of each of :data:`DEMO_STAGES`, and the rest up to the end of the process."""
    out, previous = [], 0.0
    for prefix, name in DEMO_STAGES:
        hit = next((t for t, line in lines if line.lstrip().startswith(prefix)), None)
        if hit is not None:
            out.append((name, hit - previous))
            previous = hit
    out.append(("exit", wall - previous))
    return out


def timed(label: str, args: list[str], env: dict[str, str], repeat: int) -> None:
    results = []
    for _ in range(repeat):
        wall, cpu, lines, code = run(args, env)
        if code != 0:
            print("\n".join(line for _, line in lines[-20:]))
            raise SystemExit(f"{label}: exit code {code}")
        results.append((wall, cpu))
    walls = [w for w, _ in results]
    cpus = [c for _, c in results]
    print(f"  {label:<44} wall median {statistics.median(walls):6.2f} s (best {min(walls):5.2f})   "
          f"CPU median {statistics.median(cpus):6.2f} s   [{repeat} runs, load now {load()}]")


SPLIT = r"""
import os, resource, sys, time
from pathlib import Path
from hushall.cli.demo import run_demo
t0, c0 = time.perf_counter(), time.thread_time()
run_demo(Path(sys.argv[1]), lambda message: None)
wall, main = time.perf_counter() - t0, time.thread_time() - c0
me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
process = me.ru_utime + me.ru_stime
print(f"{wall:.2f} {main:.2f} {process:.2f} {children.ru_utime + children.ru_stime:.2f}")
"""


def demo_split(env: dict[str, str], out: Path) -> None:
    """The demo's CPU by where it runs: the main thread (steps 1-4, the plan workbook), the other threads of the
    process (the optimiser's study: HiGHS, explanations, Monte Carlo) and the child that writes the PDF."""
    load_before = load()
    result = subprocess.run([sys.executable, "-c", SPLIT, str(out)], env=env, capture_output=True, text=True,
                            check=True)
    wall, main, process, children = (float(x) for x in result.stdout.split()[-4:])
    print(f"hushall demo, CPU by where it runs (in-process run; load {load_before} -> {load()})")
    print(f"  wall {wall:6.2f} s   main thread {main:5.2f} s   optimiser's thread(s) {process - main:5.2f} s   "
          f"document child {children:5.2f} s   (all but the optimiser: {main + children:5.2f} s)")


def bytecode(env: dict[str, str], package: Path) -> None:
    """Let the children use compiled bytecode, as an installed package does (pip compiles it on install): with
    ``PYTHONDONTWRITEBYTECODE`` set (as on the shared development machine) every process would compile Hushåll's
    modules again (~0.4 s of CPU in each, the document child included). The bytecode goes to a cache of its own
    under the temporary folder (``PYTHONPYCACHEPREFIX``), compiled once before the first timing; nothing is written
    into the source tree."""
    if env.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        print("PYTHONDONTWRITEBYTECODE was set: the children use a bytecode cache of their own, compiled first")
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "hushall-bench-pycache")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the quick commands (median printed)")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--tree", type=Path, help="a source tree (…/src) first on the children's path")
    parser.add_argument("--split", action="store_true", help="also the demo's CPU by thread and process")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.tree is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(args.tree.resolve()), env.get("PYTHONPATH")]))
    probe = subprocess.run([sys.executable, "-c", "import hushall; print(hushall.__file__)"], env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    print(f"hushall from {probe}; {os.cpu_count()} cores; load average {load()} (1, 5, 15 min)")
    bytecode(env, Path(probe).parent)
    print(f"highspy {version('highspy')}, numpy {version('numpy')}, pandas {version('pandas')}, "
          f"openpyxl {version('openpyxl')}, python-calamine {version('python-calamine')}, "
          f"vl-convert-python {version('vl-convert-python')}, altair {version('altair')}, "
          f"fpdf2 {version('fpdf2')}")

    with tempfile.TemporaryDirectory(prefix="hushall-bench-") as tmp:
        out = Path(tmp)
        folder = subprocess.run([sys.executable, "-c", "from hushall.examples import example_path; "
                                 "print(example_path())"], env=env, capture_output=True, text=True,
                                check=True).stdout.strip()
        workbook = out / "exempelkommun.xlsx"
        run(["template", str(workbook), "--example"], env)
        print("Start-up and validation")
        timed("hushall --help", ["--help"], env, args.repeat)
        timed("hushall validate <Exempelkommun, CSV folder>", ["validate", folder], env, args.repeat)
        timed("hushall validate exempelkommun.xlsx", ["validate", str(workbook)], env, args.repeat)
        for name, argv, skip in (
            ("hushall report --example", ["report", "--example", "--out", str(out / "report")], args.skip_report),
            ("hushall demo", ["demo", "--out", str(out / "demo")], args.skip_demo),
        ):
            if skip:
                continue
            print(f"{name} (load before {load()})")
            wall, cpu, lines, code = run(argv, env)
            if code != 0:
                print("\n".join(line for _, line in lines[-20:]))
                raise SystemExit(f"{name}: exit code {code}")
            print(f"  {'whole command':<60} wall {wall:6.2f} s   CPU {cpu:6.2f} s   (load after {load()})")
            if name == "hushall demo":
                for stage, seconds in stages(lines, wall):
                    print(f"    {stage:<58} {seconds:6.2f} s")
                if args.split:
                    demo_split(env, out / "demo-split")
            else:
                optimiser = [t for t, line in lines if "Optimerar" in line or line.startswith("Plan: ")]
                if len(optimiser) == 2:
                    print(f"    {'optimiser with explanations and Monte Carlo':<58} "
                          f"{optimiser[1] - optimiser[0]:6.2f} s")
                    print(f"    {'everything else':<58} {wall - (optimiser[1] - optimiser[0]):6.2f} s")
                print("\n".join(f"    {line}" for _, line in lines if line.startswith("Optimeringen sökte")))


if __name__ == "__main__":
    main()
