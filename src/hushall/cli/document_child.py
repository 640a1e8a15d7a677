"""The plan document written by a forked child process beside the command's own work (``hushall demo``,
``hushall report``).

Rendering the PDF is mostly Vega layouts and rasterisation, which hold the GIL: in a thread they would stall the
rest of the command, in a child they use the second core (issue 14, docs/performance.md).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hushall.cli.child import can_fork, end_child

if TYPE_CHECKING:
    from hushall.model import MunicipalityData
    from hushall.reports.document.content import PlanDocument
    from hushall.study.study import PlanStudy

#: The plan document's files: ``plandokument.pdf`` and ``plandokument.xlsx``.
DOCUMENT_STEM = "plandokument"


class DocumentWorker:
    """The plan document (:func:`hushall.reports.document.build_plan_document`): its PDF written by a forked child
    process, so its Vega layouts and rasterisation (which hold the GIL) overlap the parent's work on the second
    core; its workbook written by the parent meanwhile.

    Fork the worker before this process starts a Vega engine or a solver thread (neither survives a fork). While
    it waits for the study, the child starts its Vega engine and runs ``ahead()`` (e.g. rendering the charts that
    depend only on the data, :func:`hushall.reports.document.render_plan_independent_charts`). :meth:`submit`
    hands it the document's content and the charts this process has rendered so far (the document shows some of
    them again: they are not laid out twice); :meth:`share_charts` sends those drawn later, and
    :meth:`render_here` draws some of the document's charts here while the child lays out the pages before them.
    :meth:`result` writes the workbook and waits for the PDF. Whenever the child cannot do the job — no ``fork``
    (not POSIX), the content does not pickle, the child fails or dies — the PDF is written in this process instead
    (its files are written atomically, so a half-done child leaves nothing wrong behind). :meth:`close` (or the
    ``with`` block) ends a child that is not needed after all, e.g. when the command stops on an error.
    """

    def __init__(self, data: MunicipalityData, out_dir: Path, ahead: Callable[[], None] | None = None) -> None:
        import multiprocessing as mp

        self.data, self.out_dir, self.ahead = data, out_dir, ahead
        self.doc: PlanDocument | None = None
        self.charts_sent: set[Any] = set()
        self.proc: Any = None
        self.written_by_child = False
        if not self.can_fork():
            return
        ctx = mp.get_context("fork")
        self.conn, child_conn = ctx.Pipe()
        self.proc = ctx.Process(target=self._serve, args=(child_conn,), daemon=True, name="hushall-document")
        self.proc.start()
        child_conn.close()

    #: Whether a child forked now can write the document (:func:`hushall.cli.child.can_fork`).
    can_fork = staticmethod(can_fork)

    def __enter__(self) -> DocumentWorker:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        # on an error the child's work is not wanted: it is stopped at once (it may be drawing charts ahead)
        self.close(wait_s=5.0 if exc_type is None else 0.0)

    def _serve(self, conn: Any) -> None:
        """In the child: wait for the study, write the document's PDF, send back its path (``None`` on any failure;
        the parent then writes it and reports an error its own way)."""
        from hushall.reports.charts import add_chart_source, add_rendered_charts, start_engine
        from hushall.reports.document.pdf import render_plan_pdf

        with contextlib.suppress(Exception):  # while the parent works on the study
            start_engine()
            if self.ahead is not None:
                self.ahead()
        arrived: dict[Any, Any] = {}  # the charts the parent draws later, read as they come
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

    def submit(self, study: PlanStudy, *, data_version: str | None = None) -> None:
        """Collect what the document shows (:func:`hushall.reports.document.content.document_of_study`, once for
        both processes) and hand it to the child."""
        from hushall.reports.charts import rendered_charts
        from hushall.reports.document.content import document_of_study

        self.doc = document_of_study(self.data, study, data_version=data_version)
        if self.proc is None:
            return
        try:
            charts = rendered_charts()
            self.conn.send((self.doc, charts))
            self.charts_sent = set(charts)
        except Exception:  # the study does not pickle, or the child is gone: write it here
            self.close()

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
            self.close()

    def render_here(self, charts: Sequence[Any]) -> None:
        """Render ``charts`` of the document here, in this order, each sent to the child as soon as it is drawn;
        the child meanwhile lays out the pages before them and asks for what has come before it draws a chart
        itself (give the document's last charts, last first). Nothing to do when this process writes the PDF."""
        from hushall.reports.document.layout import render_ahead

        for chart in charts:
            if self.proc is None:
                return
            render_ahead([chart])
            self.share_charts()

    def render_last(self, count: int) -> None:
        """Render the document's last ``count`` plan-dependent charts
        (:func:`hushall.reports.document.plan_dependent_charts`) here, last first (:meth:`render_here`)."""
        from hushall.reports.document import plan_dependent_charts

        assert self.doc is not None, "submit the study first"
        self.render_here(plan_dependent_charts(self.doc)[::-1][:count])

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
            self.close()
        if path is None:
            return [render_plan_pdf(doc, self.out_dir / f"{DOCUMENT_STEM}.pdf"), xlsx]
        self.written_by_child = True
        return [Path(path), xlsx]

    def close(self, wait_s: float = 5.0) -> None:
        """End the child (waits ``wait_s`` for it, then kills it); the worker then writes in this process."""
        if self.proc is not None:
            end_child(self.conn, self.proc, wait_s)
            self.proc = None


__all__ = ["DOCUMENT_STEM", "DocumentWorker"]
