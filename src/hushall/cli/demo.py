"""``hushall demo``: everything that exists, run on Exempelkommun.

The demo renders two plan studies (:func:`hushall.study.run_study`): the projects already decided (needs and
forecast) and the optimised plan (optimisation, Monte Carlo, verdict and the plan document); the follow-up of the
investments comes from :mod:`hushall.followup`."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hushall.cli.child import ChildTask, can_fork, end_child
from hushall.cli.common import EXAMPLE_TIME_LIMIT_S
from hushall.formatting import fmt_number

if TYPE_CHECKING:
    from hushall.model import MunicipalityData
    from hushall.optimize.solve import Progress
    from hushall.reports.document.content import PlanDocument
    from hushall.study.study import PlanStudy

#: The demo's optimisation: a time limit and an explanation budget. The study runs in a child process from the
#: demo's start, beside steps 1-2 (:func:`study_process`), so it costs wall time only where it outlasts them. On the
#: example it stops when the plan is proven within the study's gap (≈ 7 s of CPU: the root node's heuristics find
#: the plan); the limit is a safety net (:data:`hushall.cli.common.EXAMPLE_TIME_LIMIT_S`).
DEMO_TIME_LIMIT_S = EXAMPLE_TIME_LIMIT_S
DEMO_EXPLAIN_S = 10.0
DEMO_EXPLAINED = 12
#: Futures in the demo's Monte Carlo (a fraction of a second; ``hushall scenarios --montecarlo`` for more).
DEMO_DRAWS = 5000


def run_demo(out: Path, say: Callable[[str], None]) -> list[Path]:
    """Run every stage on the example and write the outputs under ``out``; return the files written."""
    from hushall.examples import exempelkommun

    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    data = exempelkommun()
    say(f"Exempelkommun: {data.summary()}")
    files: list[Path] = []
    # the reports' modules (altair, fpdf, …: ~1 s) imported once, before the fork, for both processes
    from hushall.data.template import write_template
    from hushall.examples import exempelkommun_frames
    from hushall.reports import write_needs_outputs
    from hushall.reports.text import needs_summary

    # step 5's plan document (the longest step: its charts) is written by a child process beside steps 3-4; it is
    # forked now, before any Vega engine or solver thread exists in this process
    document = DocumentWorker(data, out / "plandokument")
    # the optimised plan's study in a child process of its own while steps 1-2 write
    optimised = _start_optimised_study(data)

    files.append(write_template(out / "exempelkommun.xlsx", exempelkommun_frames()))
    from hushall.reports.forecast import forecast_summary, write_forecast_outputs
    from hushall.study.request import PlanRequest
    from hushall.study.study import run_study

    # steps 1 and 2 show the study of the projects already decided (no risk analysis: step 4 has it)
    committed = run_study(data, PlanRequest(source="committed", draws=0))
    say("1/5 Behovsanalys …")
    say(needs_summary(committed.needs, data))
    files += write_needs_outputs(committed.needs, data, out / "behov")

    say("\n2/5 Långtidsprognos med de beslutade projekten …")
    fc = committed.require_forecast()
    say(forecast_summary(fc, data))
    files += write_forecast_outputs(fc, data, out / "prognos")
    from hushall.followup import follow_up, measured_rates
    from hushall.reports.followup import followup_summary, write_followup_outputs

    follow = follow_up(data)
    if not follow.empty:
        say("\nUppföljning: vad som byggdes mot vad som planerades (fliken Utfall) …")
        rates = measured_rates(follow)
        say(followup_summary(follow, rates, data.name))
        files += write_followup_outputs(follow, rates, out / "uppfoljning")
    from hushall.optimize import stderr_progress
    from hushall.reports.optimization import describe_study, optimization_summary, write_optimization_outputs
    from hushall.reports.plan_reasons import target_names
    from hushall.reports.risk_charts import montecarlo_text, write_risk_outputs
    from hushall.reports.verdict import verdict_block

    say("\n3/5 Optimering: den bästa planen inom målen, jämförd med rangordning efter nytta per krona …")
    say(f"Optimerar (tidsgräns {DEMO_TIME_LIMIT_S:g} s, förklaringar högst {DEMO_EXPLAIN_S:g} s) …".replace(".", ","))
    study, progress = optimised.result()
    show = stderr_progress()
    for line in progress:  # the solver's progress, as it came, after the lines of steps 1-2
        show(line)
    plan = describe_study(data, study)
    say(f"Klart: {plan.result.message}")
    document.submit(study)
    say(optimization_summary(plan))
    files += write_optimization_outputs(plan, out / "optimering")
    document.share_charts()

    say(f"\n4/5 Monte Carlo: den optimerade planen i {fmt_number(DEMO_DRAWS)} möjliga framtider …")
    say(montecarlo_text(study.montecarlo))
    files += write_risk_outputs(out / "risk", None, study.montecarlo, None)
    document.share_charts()
    say("\n" + "\n".join(verdict_block(study.verdict, target_names(data),
                                        title="Den optimerade planen med risken: håller god ekonomisk hushållning?")))

    say("\n5/5 Plandokument (PDF och Excel) för den optimerade planen …")
    files += document.result()

    from hushall.web import DEMO_HINT

    say("\n" + DEMO_HINT)
    say(f"\nKlart på {fmt_number(time.perf_counter() - t0, 1)} s. {len(files)} filer i {out.resolve()}/")
    return files


def _start_optimised_study(data: MunicipalityData) -> ChildTask[tuple[PlanStudy, list[Progress]]]:
    """Start the study of the optimised plan (optimisation, explanations, Monte Carlo, verdict) beside steps 1-2
    (:func:`study_process`). Its progress reports are kept and printed with step 3."""
    from hushall.study.request import PlanRequest

    return study_process(data, PlanRequest(time_limit_s=DEMO_TIME_LIMIT_S, explain_s=DEMO_EXPLAIN_S,
                                           max_explained=DEMO_EXPLAINED, draws=DEMO_DRAWS))


def study_process(data: MunicipalityData, request: Any) -> ChildTask[tuple[PlanStudy, list[Progress]]]:
    """A plan study (:func:`hushall.study.run_study`) with the solver's progress reports, computed by a forked
    child (:class:`hushall.cli.child.ChildTask`; ≈ 0.5 MB pickled on the example): HiGHS's callbacks and the
    study's Python parts would otherwise wait for the GIL behind steps 1-2 (in a thread the study took ~1.5× its
    CPU time on two cores). In a thread on a copy of the data (its own caches) when no child can be forked."""

    def study(on: MunicipalityData) -> tuple[PlanStudy, list[Progress]]:
        from hushall.study.study import run_study

        progress: list[Progress] = []
        return run_study(on, request, solver_progress=progress.append), progress

    return ChildTask(lambda: study(data), in_thread=lambda: study(data.replace()), name="hushall-demo-optimise")


#: The plan document's files: ``plandokument.pdf`` and ``plandokument.xlsx``.
DOCUMENT_STEM = "plandokument"


class DocumentWorker:
    """The plan document (:func:`hushall.reports.document.build_plan_document`): its PDF written by a forked child
    process, so its Vega layouts and rasterisation (which hold the GIL) overlap the parent's work on the second
    core; its workbook written by the parent meanwhile.

    Fork the worker before this process starts a Vega engine or a solver thread (neither survives a fork);
    :meth:`submit` hands it the document's content and the charts this process has rendered so far (the document
    shows some of them again: they are not laid out twice; :meth:`share_charts` sends those drawn later),
    :meth:`result` writes the workbook and waits for the PDF. Whenever the child cannot do the job — no ``fork``
    (not POSIX), the content does not pickle, the child fails or dies — the PDF is written in this process instead
    (its files are written atomically, so a half-done child leaves nothing wrong behind).
    """

    def __init__(self, data: MunicipalityData, out_dir: Path) -> None:
        import multiprocessing as mp

        self.data, self.out_dir = data, out_dir
        self.doc: PlanDocument | None = None
        self.charts_sent: set[Any] = set()
        self.proc: Any = None
        self.written_by_child = False
        if not self.can_fork():
            return
        ctx = mp.get_context("fork")
        self.conn, child_conn = ctx.Pipe()
        self.proc = ctx.Process(target=self._serve, args=(child_conn,), daemon=True)
        self.proc.start()
        child_conn.close()

    #: Whether a child forked now can write the document (:func:`hushall.cli.child.can_fork`).
    can_fork = staticmethod(can_fork)

    def _serve(self, conn: Any) -> None:
        """In the child: wait for the study, write the document's PDF, send back its path (``None`` on any failure;
        the parent then writes it and reports an error its own way)."""
        from hushall.reports.charts import add_chart_source, add_rendered_charts, start_engine
        from hushall.reports.document.pdf import render_plan_pdf

        with contextlib.suppress(Exception):  # while the parent optimises
            start_engine()
        arrived: dict[Any, Any] = {}  # the charts the parent draws later (steps 3-4), read as they come
        lock = threading.Lock()

        def read_charts() -> None:  # in a thread: the parent never waits on a full pipe
            with contextlib.suppress(EOFError, OSError):
                while True:
                    charts = conn.recv()
                    with lock:
                        arrived.update(charts)

        def more_charts() -> dict[Any, Any]:
            with lock:
                charts = dict(arrived)
                arrived.clear()
            return charts

        try:
            doc, charts = conn.recv()
            add_rendered_charts(charts)  # the charts the parent drew already (needs, forecast): not again
            threading.Thread(target=read_charts, daemon=True).start()
            add_chart_source(more_charts)
            self.out_dir.mkdir(parents=True, exist_ok=True)
            path: str | None = str(render_plan_pdf(doc, self.out_dir / f"{DOCUMENT_STEM}.pdf"))
        except BaseException:
            path = None
        with contextlib.suppress(OSError):
            conn.send(path)
        conn.close()

    def submit(self, study: PlanStudy) -> None:
        """Collect what the document shows (:func:`hushall.reports.document.content.document_of_study`, once for
        both processes) and hand it to the child."""
        from hushall.reports.charts import rendered_charts
        from hushall.reports.document.content import document_of_study

        self.doc = document_of_study(self.data, study)
        if self.proc is None:
            return
        try:
            charts = rendered_charts()
            self.conn.send((self.doc, charts))
            self.charts_sent = set(charts)
        except Exception:  # the study does not pickle, or the child is gone: write it here
            self._stop()

    def share_charts(self) -> None:
        """Send the child the charts rendered here since :meth:`submit` (the document shows some of them)."""
        if self.proc is None:
            return
        from hushall.reports.charts import rendered_charts

        charts = {k: v for k, v in rendered_charts().items() if k not in self.charts_sent}
        try:
            self.conn.send(charts)
            self.charts_sent |= set(charts)
        except Exception:  # the child is gone: result() writes the PDF here
            self._stop()

    def result(self) -> list[Path]:
        """The PDF and the workbook: the workbook is written here while the child writes the PDF."""
        from hushall.reports.document.pdf import render_plan_pdf
        from hushall.reports.document.workbook import write_plan_workbook

        doc = self.doc
        assert doc is not None, "submit the study first"
        self.out_dir.mkdir(parents=True, exist_ok=True)
        xlsx = write_plan_workbook(doc, self.out_dir / f"{DOCUMENT_STEM}.xlsx")
        path = None
        if self.proc is not None:
            try:
                path = self.conn.recv()
            except (EOFError, OSError):
                path = None
            self._stop()
        if path is None:
            return [render_plan_pdf(doc, self.out_dir / f"{DOCUMENT_STEM}.pdf"), xlsx]
        self.written_by_child = True
        return [Path(path), xlsx]

    def _stop(self) -> None:
        end_child(self.conn, self.proc)
        self.proc = None
