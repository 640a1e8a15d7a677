"""Background jobs: the optimiser and the reading of uploads run in worker processes, never inside a web request.

A job's whole state lives in the ``jobs`` table — ``queued → running → done | failed | interrupted`` with its
progress, message and result — so a page reload, a second browser or the JSON API all see the same job.

The web process runs a :class:`JobDispatcher` thread. It claims queued jobs (an atomic ``UPDATE … WHERE
status = 'queued'``, so two servers on one database never take the same job), starts ``python -m
hushall.web.worker JOB_ID`` for each, and watches them:

* at most ``job_workers`` optimisations run at once (a small pool: two on a two-core server), and one upload
  besides, so that a file never waits behind long solves; workers run at a lower CPU priority (``nice``) with
  one thread each, so that the web process stays responsive;
* a worker that exits without recording an outcome is marked **failed** with its exit code;
* a running job whose worker process no longer exists, or whose heartbeat is older than
  ``heartbeat_stale_seconds`` (a worker killed together with a previous server), is marked **interrupted** —
  at start-up and every few seconds after. Nothing is silently resumed or reported as done.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from hushall.web.config import DATABASE_URL_ENV, WebSettings
from hushall.web.db import transaction
from hushall.web.models import DataUpload, Job, PlanVariant, User, utcnow
from hushall.web.security import as_utc, audit

log = logging.getLogger("hushall.web.jobs")

ACTIVE_STATES = ("queued", "running")
INTERRUPTED_MESSAGE = ("Jobbet avbröts: servern eller arbetsprocessen stoppades medan det kördes. "
                       "Inget resultat sparades och inget skrevs till hälften; starta det igen.")


def _queue(db: DbSession, actor: User | None, **fields: Any) -> Job:
    job = Job(status="queued", progress=0.0, message="Väntar på en ledig arbetsprocess …", error="", runner_id="",
              created_by=actor.id if actor else None, created_at=utcnow(), **fields)
    db.add(job)
    db.flush()
    return job


def submit_job(db: DbSession, variant: PlanVariant, actor: User | None) -> Job:
    """Queue an optimisation of ``variant`` as it is now (its ``row_version``)."""
    active = db.scalar(select(Job).where(Job.variant_id == variant.id, Job.status.in_(ACTIVE_STATES),
                                         Job.variant_row_version == variant.row_version, Job.kind == "optimise"))
    if active is not None:
        return active
    job = _queue(db, actor, kind="optimise", variant_id=variant.id, variant_row_version=variant.row_version)
    audit(db, actor, "job.submit", "job", job.id, {"variant": variant.id, "variant_row_version": variant.row_version})
    return job


def submit_frontier(db: DbSession, variant: PlanVariant, actor: User | None) -> Job:
    """Queue the price of each choice of ``variant`` as it is now (:mod:`hushall.study.frontier`): a job of its
    own, not part of the optimisation, since it takes tens of seconds and is asked for far less often."""
    active = db.scalar(select(Job).where(Job.variant_id == variant.id, Job.status.in_(ACTIVE_STATES),
                                         Job.variant_row_version == variant.row_version, Job.kind == "frontier"))
    if active is not None:
        return active
    job = _queue(db, actor, kind="frontier", variant_id=variant.id, variant_row_version=variant.row_version)
    audit(db, actor, "job.submit", "job", job.id, {"variant": variant.id, "kind": "frontier"})
    return job


def submit_upload(db: DbSession, upload: DataUpload, actor: User | None) -> Job:
    """Queue the reading of ``upload`` (again, after it was interrupted)."""
    job = _queue(db, actor, kind="upload", variant_id=None, upload_id=upload.id, variant_row_version=0)
    audit(db, actor, "upload.submit", "upload", upload.id, {"files": upload.filenames, "job": job.id})
    return job


#: Environment of every worker: one thread per numerical library (the pool, not threads, uses the cores).
WORKER_THREADS_ENV = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"), "1")
NICE_ENV = "HUSHALL_WORKER_NICE"
#: The command that runs one job (its id appended): this installation's worker module.
WORKER_COMMAND = (sys.executable, "-m", "hushall.web.worker")


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A finished child that is not yet reaped still "exists"; it is reaped by its parent's poll().
    return True


class JobDispatcher:
    """Starts and watches worker processes for queued jobs (one thread in the web process)."""

    def __init__(self, settings: WebSettings, factory: sessionmaker[DbSession],
                 worker_command: Sequence[str] = WORKER_COMMAND) -> None:
        self.settings = settings
        self.worker_command = list(worker_command)
        self.factory = factory
        self.runner_id = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.processes: dict[int, subprocess.Popen[bytes]] = {}
        self.kinds: dict[int, str] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.extra_env: dict[str, str] = {}

    # -- life cycle ---------------------------------------------------------------------------------------

    def start(self) -> None:
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="hushall-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the dispatcher; workers still running are stopped and their jobs marked interrupted."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        for job_id, proc in list(self.processes.items()):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            self._finish_process(job_id, proc)
        self.processes.clear()
        self.kinds.clear()

    def wake(self) -> None:
        self._wake.set()

    # -- the loop -----------------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the loop must survive a passing database error
                log.exception("job dispatcher tick failed")
            self._wake.wait(self.settings.job_poll_seconds)
            self._wake.clear()

    def tick(self) -> None:
        self._reap()
        self.mark_lost()
        while not self._stop.is_set():
            running = list(self.kinds.values())
            kinds = [kind for kind, room in (("upload", 1), ("optimise", self.settings.job_workers), ("frontier", 1))
                     if running.count(kind) < room]
            claimed = self._claim(kinds) if kinds else None
            if claimed is None:
                break
            self._spawn(*claimed)

    def _claim(self, kinds: list[str]) -> tuple[int, str] | None:
        with transaction(self.factory) as db:
            candidates = db.execute(select(Job.id, Job.kind).where(Job.status == "queued", Job.kind.in_(kinds))
                                    .order_by(Job.id).limit(5)).all()
            for job_id, kind in candidates:
                claimed = db.execute(
                    update(Job).where(Job.id == job_id, Job.status == "queued").values(
                        status="running", runner_id=self.runner_id, started_at=utcnow(), heartbeat_at=utcnow(),
                        message="Startar arbetsprocessen …")
                ).rowcount  # type: ignore[attr-defined]
                if claimed:
                    return int(job_id), str(kind)
        return None

    def _spawn(self, job_id: int, kind: str = "optimise") -> None:
        env = {**WORKER_THREADS_ENV, **os.environ, **self.extra_env, DATABASE_URL_ENV: self.settings.database_url,
               "HUSHALL_HEARTBEAT_SECONDS": str(self.settings.heartbeat_seconds), **self.settings.worker_env(),
               NICE_ENV: str(self.settings.worker_nice)}
        try:
            proc = subprocess.Popen([*self.worker_command, str(job_id)], env=env,
                                    stdin=subprocess.DEVNULL)
        except OSError as exc:
            self._set(job_id, status="failed", error=f"Arbetsprocessen kunde inte startas: {exc}",
                      finished_at=utcnow())
            return
        self.processes[job_id] = proc
        self.kinds[job_id] = kind
        self._set(job_id, pid=proc.pid)

    def _reap(self) -> None:
        for job_id, proc in list(self.processes.items()):
            if proc.poll() is not None:
                self._finish_process(job_id, proc)
                del self.processes[job_id]
                self.kinds.pop(job_id, None)

    def _finish_process(self, job_id: int, proc: subprocess.Popen[bytes]) -> None:
        """After a worker exits: a job it left 'running' did not end by itself."""
        code = proc.returncode
        with transaction(self.factory) as db:
            job = db.get(Job, job_id)
            if job is None or job.status not in ACTIVE_STATES:
                return
            if (code is not None and code < 0) or self._stop.is_set():
                job.status, job.error = "interrupted", INTERRUPTED_MESSAGE
            else:
                job.status = "failed"
                job.error = f"Arbetsprocessen avslutades oväntat (slutkod {code}) utan att spara något resultat."
            job.finished_at = utcnow()

    def mark_lost(self) -> int:
        """Mark running jobs whose worker is gone as interrupted; return how many."""
        stale_before = utcnow() - timedelta(seconds=self.settings.heartbeat_stale_seconds)
        marked = 0
        with transaction(self.factory) as db:
            for job in db.scalars(select(Job).where(Job.status == "running")).all():
                if job.id in self.processes:
                    continue
                mine = job.runner_id == self.runner_id
                same_host = job.runner_id.split(":", 1)[0] == os.uname().nodename
                beat = as_utc(job.heartbeat_at) if job.heartbeat_at else None
                stale = beat is None or beat < stale_before
                dead = same_host and job.pid is not None and not pid_alive(job.pid)
                if mine or stale or dead:
                    job.status, job.error, job.finished_at = "interrupted", INTERRUPTED_MESSAGE, utcnow()
                    marked += 1
        return marked

    def recover(self) -> int:
        """At start-up: report jobs of a previous server whose workers are gone."""
        return self.mark_lost()

    def _set(self, job_id: int, **values: Any) -> None:
        with transaction(self.factory) as db:
            db.execute(update(Job).where(Job.id == job_id).values(**values))
