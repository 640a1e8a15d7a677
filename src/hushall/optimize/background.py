r"""A sub-MIP solved in a second process while branch and bound runs in this one (a two-member portfolio) — or,
for a large model with the places network, a bound tighter than the LP's (:mod:`hushall.optimize.lagrangian`)
while this process improves the plan.

HiGHS's branch and bound works on one core most of the time (500 projects with places and reinvestment
decisions: 34.9 s of CPU in 30 s), so on a machine with two cores the second stands idle while it solves its
root node. :func:`hushall.optimize.solve.solve_model` gives that core the mid-size start
(:func:`hushall.optimize.solve.solve_lp_neighbourhood`, after RENS) instead of waiting for it before branch and
bound begins: the plan joins branch and bound when it is ready (HiGHS's user-solution callback), and when the
bound branch and bound has already proven is within the gap of it the solve stops there (issue 14).

Why a process, not a thread: two HiGHS runs in one process share HiGHS's task scheduler and take turns with
Python's lock at every callback (tried: both slowed, 497 points after 3 s against 521 alone); ``fork`` after HiGHS
has started its worker threads leaves the child's scheduler without them (tried: the child hangs). The child is
started with ``subprocess`` (no re-import of the caller's ``__main__``, as ``multiprocessing``'s spawn does), gets
its problem as one pickle on stdin and answers with one pickle on stdout; it is started before the LP relaxation
so that its imports overlap it, and killed when the solve ends.

Only when a core is spare (:func:`spare_core`): at least two CPUs for this process and no other process's thread
running on the one it would take, so that several plan jobs of the web (each its own solve) do not oversubscribe
the machine; ``HUSHALL_PARALLEL_START=0`` turns it off, ``=1`` on regardless of the load. The child ends itself
when its parent has gone (a killed server) or :data:`GRACE_S` after its time limit.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Environment variable: ``0`` never solves in a second process, ``1`` always (when there are two CPUs).
PARALLEL_ENV = "HUSHALL_PARALLEL_START"

#: What the child runs: nothing of the caller's program, only this module's :func:`serve`.
_CHILD_CODE = "from hushall.optimize.background import serve; serve()"


def spare_core() -> bool:
    """Whether a second solver process would have a core of its own: ``HUSHALL_PARALLEL_START`` (``0``/``1``)
    decides when set; otherwise at least two CPUs are available to this process and the threads of other
    processes runnable now leave two of them free — one for this process, one for the second (Linux's
    ``/proc``, the least of three looks 5 ms apart: two plan jobs solving at once leave none spare; the load
    average would count this process's own last minute of solving). Where that cannot be read, the one-minute
    load average below the CPUs less one half."""
    setting = os.environ.get(PARALLEL_ENV, "").strip()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if setting in {"0", "1"}:
        return setting == "1" and cpus >= 2
    if cpus < 2:
        return False
    others = _others_runnable()
    if others is not None:
        return others <= cpus - 2
    try:
        return os.getloadavg()[0] < cpus - 0.5
    except OSError:  # pragma: no cover - platforms without a load average
        return True


def _others_runnable(looks: int = 3) -> int | None:
    """The threads of other processes runnable now (the least of ``looks`` reads of ``/proc/loadavg``'s
    "runnable/total" less this process's runnable threads), or ``None`` where ``/proc`` cannot be read."""
    seen = []
    for i in range(looks):
        try:
            with open("/proc/loadavg", encoding="ascii") as f:
                runnable = int(f.read().split()[3].split("/")[0])
            mine = 0
            for tid in os.listdir("/proc/self/task"):
                with contextlib.suppress(OSError), open(f"/proc/self/task/{tid}/stat", encoding="ascii") as f:
                    mine += f.read().rsplit(")", 1)[1].split()[0] == "R"
        except (OSError, ValueError, IndexError):
            return None
        seen.append(max(runnable - mine, 0))
        if i + 1 < looks:
            time.sleep(0.005)
    return min(seen)


@dataclass(frozen=True)
class BackgroundResult:
    """What the child found: HiGHS's status, the objective (``-inf`` without a plan), its dual bound, the
    primal solution of every column (``None`` without a plan) and, for a Lagrangian bound, how many of its groups
    of parts were closed."""

    status: str
    objective: float
    bound: float
    solution: FloatArray | None
    #: for a Lagrangian bound: the groups of parts closed by branch and bound, and all groups
    parts: tuple[int, int] | None = None


class BackgroundMip:
    """One HiGHS branch and bound in a child process: created early (the child imports while this process works),
    given one problem by :meth:`submit`, read without blocking by :meth:`result`, and ended by :meth:`close`
    (also as a context manager). Creating it raises ``OSError`` when no process can be started; after that
    nothing here raises for a failed child: its result stays ``None``."""

    def __init__(self) -> None:
        self._result: BackgroundResult | None = None
        self._done = threading.Event()
        # the child imports this very hushall (a source tree on the path, not only an installed one)
        here = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-c", _CHILD_CODE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=env)
        self._reader = threading.Thread(target=self._read, args=(self._proc.stdout,), daemon=True,
                                        name="hushall-background-mip")
        self._reader.start()

    def _read(self, stream: BinaryIO) -> None:
        try:
            self._result = pickle.load(stream)
        except Exception:  # the child was killed or failed: no result
            self._result = None
        finally:
            self._done.set()

    def submit(self, arr: dict[str, Any], *, offset: float, time_limit: float, mip_gap: float,
               options: dict[str, Any] | None = None) -> None:
        """Send the problem (the arrays of :meth:`hushall.optimize.linear.LinearModel.arrays`, maximised, with
        ``offset``) to the child; written by a thread, so this returns at once even while the child imports."""
        self._send({"arr": arr, "offset": float(offset), "options": {
            **(options or {}), "time_limit": float(max(time_limit, 0.05)), "mip_rel_gap": float(mip_gap),
            "threads": 1}})

    def submit_lagrangian(self, arr: dict[str, Any], row_dual: FloatArray, coupled: NDArray[np.bool_], *,
                          offset: float, time_limit: float) -> None:
        """Send the child a bound to compute instead: :func:`hushall.optimize.lagrangian.lagrangian_bound` of the
        arrays ``arr`` with the multipliers ``row_dual`` on the rows ``coupled``, within ``time_limit`` seconds.
        Its result carries the bound (status ``"Lagrangian bound"``, ``parts`` closed and in all; no plan)."""
        self._send({"kind": "lagrangian", "arr": arr, "offset": float(offset), "row_dual": row_dual,
                    "coupled": coupled, "options": {"time_limit": float(max(time_limit, 0.05))}})

    def _send(self, job: dict[str, Any]) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            return

        def write(stdin: BinaryIO) -> None:
            try:
                pickle.dump(job, stdin, protocol=pickle.HIGHEST_PROTOCOL)
                stdin.close()
            except (BrokenPipeError, OSError, ValueError):
                pass  # the child is gone (closed early): no result

        threading.Thread(target=write, args=(proc.stdin,), daemon=True, name="hushall-background-submit").start()

    def result(self) -> BackgroundResult | None:
        """The child's result once it has answered, else ``None`` (never waits)."""
        return self._result if self._done.is_set() else None

    def wait(self, timeout: float | None = None) -> BackgroundResult | None:
        """The child's result, waiting at most ``timeout`` seconds for it."""
        self._done.wait(timeout)
        return self.result()

    def close(self) -> None:
        """End the child (killed if it still runs) and reap it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # already closed by the writer
                    stream.close()

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def __enter__(self) -> BackgroundMip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: Seconds past its time limit after which the child ends itself (HiGHS checks its limit only between phases:
#: the root of a large model can run far past it).
GRACE_S = 5.0


def _watch(parent: int, deadline: float) -> None:
    """End the child when its parent has gone (a killed server: nobody would read the answer) or at
    ``deadline``."""
    def watch() -> None:
        while os.getppid() == parent and time.monotonic() < deadline:
            time.sleep(0.25)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="hushall-background-watch").start()


def serve() -> None:
    """The child: read one problem from stdin, solve it with HiGHS, write the :class:`BackgroundResult` to stdout.
    HiGHS prints from C++ to descriptor 1, so that is pointed at stderr and the result goes to a copy of the
    original."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    import highspy

    from hushall.optimize.linear import highs_from_arrays

    job = pickle.load(sys.stdin.buffer)
    _watch(os.getppid(), time.monotonic() + float(job["options"]["time_limit"]) + GRACE_S)
    if job.get("kind") == "lagrangian":
        from hushall.optimize.lagrangian import lagrangian_bound

        lb = lagrangian_bound(job["arr"], job["row_dual"], job["coupled"], offset=job["offset"],
                              deadline=time.perf_counter() + float(job["options"]["time_limit"]),
                              options={"threads": 1})
        pickle.dump(BackgroundResult("Lagrangian bound", float("-inf"), lb.value, None, (lb.closed, lb.parts)), out,
                    protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
        return
    h = highs_from_arrays(job["arr"], sense="max", offset=job["offset"], options=job["options"])
    h.run()
    info = h.getInfo()
    solution = None
    objective = float("-inf")
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        solution = np.asarray(h.getSolution().col_value, dtype=np.float64)
        objective = float(info.objective_function_value)
    result = BackgroundResult(h.modelStatusToString(h.getModelStatus()), objective, float(info.mip_dual_bound),
                              solution)
    pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
