"""``hushall demo`` writes the plan document in a forked child beside its other steps (issue 14): the child's
document is the one the parent would write, and the parent writes it itself whenever the child cannot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

SCRIPT = r"""
import json, sys
from pathlib import Path
from hushall.cli.document_child import DocumentWorker
from hushall.examples import exempelkommun
from hushall.study.request import PlanRequest
from hushall.study.study import run_study

out = Path(sys.argv[1])
data = exempelkommun()
import hushall.reports  # vl-convert imported (as the demo does before forking) but no engine run: the child works
from hushall.reports.document import render_plan_independent_charts
from hushall.study import study_needs
# as hushall report: the child renders the charts of the data while it waits, the parent the last ones
worker = DocumentWorker(data, out / "child", ahead=lambda: render_plan_independent_charts(data, study_needs(data)))
study = run_study(data, PlanRequest(source="committed", draws=300))
worker.submit(study)
worker.render_last(3)
child = [str(p) for p in worker.result()]
from hushall.reports.document import build_plan_document   # the parent's own, for comparison
here = [str(p) for p in build_plan_document(data, study, out / "here")]
import vl_convert  # noqa: F401  (a Vega engine in this process: the next worker must not fork)
again = DocumentWorker(data, out / "again")
again.submit(study)
third = [str(p) for p in again.result()]
print(json.dumps({"child": child, "by_child": worker.written_by_child, "here": here, "third": third,
                  "third_by_child": again.written_by_child}))
"""


def _cells(path: str) -> list[list[object]]:
    wb = load_workbook(path, read_only=True)
    return [list(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]


@pytest.mark.slow  # a whole plan study and two documents (~15 s); the fork test below runs by default
def test_the_plan_document_from_the_child_is_the_parents(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    r = json.loads(run.stdout.strip().splitlines()[-1])
    assert r["by_child"] is True
    assert r["third_by_child"] is False  # written in the parent: same files
    for paths in (r["child"], r["third"]):
        assert sorted(Path(p).name for p in paths) == ["plandokument.pdf", "plandokument.xlsx"]
        assert all(Path(p).stat().st_size > 10_000 for p in paths)
    xlsx = {k: next(p for p in r[k] if p.endswith(".xlsx")) for k in ("child", "here", "third")}
    assert _cells(xlsx["child"]) == _cells(xlsx["here"]) == _cells(xlsx["third"])
    pdf = {k: next(p for p in r[k] if p.endswith(".pdf")) for k in ("child", "here")}
    assert _text(pdf["child"]) == _text(pdf["here"])  # the child's PDF (the parent wrote the workbook meanwhile)


def _text(path: str) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


FORK_CHECK = r"""
import sys
from hushall.cli import demo

class Seen(Exception):
    pass

class Spy:
    def __init__(self, data, out_dir):
        raise Seen(demo.DocumentWorker.can_fork())

Spy.can_fork = demo.DocumentWorker.can_fork

demo.DocumentWorker = Spy
try:
    demo.run_demo(__import__("pathlib").Path(sys.argv[1]), print)
except Seen as seen:
    print("CAN_FORK", seen.args[0])
"""


def test_the_demo_forks_its_document_child_before_any_vega_engine_is_loaded(tmp_path: Path) -> None:
    """The child is only forked when no Vega engine exists in the demo's process (it would hang in the child):
    the demo must create its worker before it imports the reports (they import vl-convert), or the document is
    always written by the parent, after everything else."""
    run = subprocess.run([sys.executable, "-c", FORK_CHECK, str(tmp_path)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "CAN_FORK True" in run.stdout


STUDY = r"""
import json, os, sys
from hushall.cli import child as child_module
from hushall.cli.child import study_process
from hushall.examples import exempelkommun
from hushall.study.request import PlanRequest
from hushall.study.study import run_study

data = exempelkommun()
request = PlanRequest(source="committed", draws=200)
parent = os.getpid()
task = study_process(data, request)
forked = task.forked
study, progress = task.result()

real = run_study
def fails_in_the_child(*args, **kwargs):
    if os.getpid() != parent:
        raise RuntimeError("the child fails")
    return real(*args, **kwargs)

import hushall.study
hushall.study.run_study = fails_in_the_child
failing = study_process(data, request)
failing_forked = failing.forked
again, _ = failing.result()  # computed here
hushall.study.run_study = real
child_module.can_fork = lambda: False  # no fork: a thread
threaded = study_process(data, request)
threaded_forked = threaded.forked
in_thread, _ = threaded.result()
here = run_study(data, request)
studies = (study, again, in_thread, here)
print(json.dumps({"forked": [forked, failing_forked, threaded_forked],
                  "schedule": [dict(s.schedule) for s in studies],
                  "p_all": [s.montecarlo.all_years_probability for s in studies]}))
"""


def test_the_demo_study_from_the_child_is_the_parents() -> None:
    """The demo's plan study runs in a forked child (a core of its own, no GIL shared with steps 1-2): it hands
    back the study the parent would compute; when the child fails the parent computes it itself, and when no child
    can be forked a thread does."""
    run = subprocess.run([sys.executable, "-c", STUDY], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    r = json.loads(run.stdout.strip().splitlines()[-1])
    assert r["forked"] == [True, True, False]
    assert all(s == r["schedule"][-1] for s in r["schedule"]) and r["schedule"][-1]
    assert len(set(r["p_all"])) == 1


STOPPED = r"""
import json, sys, time
from pathlib import Path
from hushall.cli.document_child import DocumentWorker
from hushall.examples import exempelkommun

data = exempelkommun()
t0 = time.perf_counter()
try:
    with DocumentWorker(data, Path(sys.argv[1]), ahead=lambda: time.sleep(60)) as worker:
        proc = worker.proc
        raise ValueError("the command's own error")
except ValueError:
    pass
print(json.dumps({"forked": proc is not None, "alive": proc.is_alive(), "seconds": time.perf_counter() - t0,
                  "written": sorted(p.name for p in Path(sys.argv[1]).glob("*"))}))
"""


def test_an_error_stops_the_document_child_at_once(tmp_path: Path) -> None:
    """When the command stops on an error (a data problem found after the worker was forked), its document child is
    ended at once — not after the charts it draws ahead — and nothing is written."""
    run = subprocess.run([sys.executable, "-c", STOPPED, str(tmp_path / "ut")], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    r = json.loads(run.stdout.strip().splitlines()[-1])
    assert r["forked"] and not r["alive"]
    # at once: the child's work ahead would take 60 s, and waiting for it to end would take the close's 5 s
    assert r["seconds"] < 4
    assert r["written"] == []
