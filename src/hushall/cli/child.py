"""Work done by a forked child process while the command works on (``hushall demo``, ``hushall report``).

A child, not a thread, whenever the work holds the GIL or waits for it: vl-convert holds the GIL through a whole
chart layout, and HiGHS — which releases it while it solves — calls back into Python (~1 700 times on the
example) and waits for it at each call, so beside a chart or openpyxl a solve in a thread stalls (issue 14,
docs/performance.md). A child is forked only before this process has run a Vega engine (its threads would be
missing in the child, which then hangs); otherwise the work runs in a thread, and when the child fails or dies it
is done in this process, so its errors are reported as the command's own.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from hushall.model import MunicipalityData
    from hushall.optimize.solve import Progress
    from hushall.study.study import PlanStudy

T = TypeVar("T")


def can_fork() -> bool:
    """Whether a child forked now works: ``fork`` exists and no Vega engine has run in this process (its threads
    would be missing in the child, which then hangs). vl-convert imported other than through
    :mod:`hushall.reports.charts` counts as run."""
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        return False
    charts = sys.modules.get("hushall.reports.charts")
    if charts is None:
        return "vl_convert" not in sys.modules
    return not charts.vega_engine_started()


def end_child(conn: Any, proc: Any, wait_s: float = 5.0) -> None:
    """Close the pipe to a forked child and wait for it to end (``wait_s``, then it is killed)."""
    conn.close()
    proc.join(timeout=wait_s)
    if proc.is_alive():
        proc.kill()
        proc.join()


class ChildTask(Generic[T]):
    """``task()`` computed by a forked child process from now on, its result handed back (pickled) by
    :meth:`result`. When no child can be forked (:func:`can_fork`) ``in_thread()`` (default ``task``) runs in a
    thread instead; when the child fails, dies or its result does not pickle, :meth:`result` calls ``task()``
    here."""

    def __init__(self, task: Callable[[], T], in_thread: Callable[[], T] | None = None, name: str = "hushall") -> None:
        import multiprocessing as mp

        self.task = task
        self.proc: Any = None
        self.thread: Future[T] | None = None
        if can_fork():
            ctx = mp.get_context("fork")
            self.conn, child_conn = ctx.Pipe(duplex=False)
            self.proc = ctx.Process(target=self._serve, args=(child_conn,), daemon=True, name=name)
            self.proc.start()
            child_conn.close()
        else:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
            self.thread = pool.submit(in_thread or task)
            pool.shutdown(wait=False)

    @property
    def forked(self) -> bool:
        """Whether a child process does the work (until :meth:`result` has collected it)."""
        return self.proc is not None

    def _serve(self, conn: Any) -> None:
        """In the child: the result, sent back (``None`` on any failure: the parent then computes it itself)."""
        try:
            answer: Any = (self.task(),)
        except BaseException:
            answer = None
        try:
            conn.send(answer)
        except Exception:  # it does not pickle
            with contextlib.suppress(Exception):
                conn.send(None)
        conn.close()

    def result(self) -> T:
        """The result (waits for the child or the thread)."""
        if self.thread is not None:
            return self.thread.result()
        answer = None
        with contextlib.suppress(EOFError, OSError):
            answer = self.conn.recv()
        end_child(self.conn, self.proc)
        self.proc = None
        return answer[0] if answer is not None else self.task()


def study_process(data: MunicipalityData, request: Any, *, live: Callable[[Progress], None] | None = None,
                  say: Callable[[str], None] | None = None) -> ChildTask[tuple[PlanStudy, list[Progress]]]:
    """A plan study (:func:`hushall.study.run_study`) with the solver's progress reports, computed by a forked
    child (:class:`ChildTask`; ≈ 0.5 MB pickled on the example) from now on: HiGHS's callbacks and the study's
    Python parts would otherwise wait for the GIL behind the command's other work (in a thread the study took
    ~1.5× its CPU time on two cores). In a thread on a copy of the data (its own caches) when no child can be
    forked. The progress reports come back with the study; ``live`` also hears each as it comes and ``say`` the
    study's messages (in the child: its output goes to the command's own)."""

    def study(on: MunicipalityData) -> tuple[PlanStudy, list[Progress]]:
        from hushall.study import run_study

        progress: list[Progress] = []

        def heard(p: Progress) -> None:
            progress.append(p)
            if live is not None:
                live(p)

        steps = None if say is None else (lambda _fraction, message: say(message))
        return run_study(on, request, steps, solver_progress=heard), progress

    return ChildTask(lambda: study(data), in_thread=lambda: study(data.replace()), name="hushall-study")
