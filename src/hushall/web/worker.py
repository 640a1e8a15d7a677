"""``python -m hushall.web.worker JOB_ID``: run one background job in its own process.

The web process starts this (see :mod:`hushall.web.jobs`); the database URL comes in the environment
(``HUSHALL_DATABASE_URL``), never on the command line where other users of the machine could read it.

The worker records its own outcome — done with the result, failed with a message, or interrupted when it is
stopped (SIGTERM, SIGINT) — and beats a heartbeat every few seconds so that a worker killed outright is noticed.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import traceback
from types import FrameType
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from hushall.errors import DataValidationError, HushallError
from hushall.web.config import DATABASE_URL_ENV, ROWS_ENV, UNPACKED_ENV, int_from_env
from hushall.web.db import make_engine, session_factory, transaction
from hushall.web.jobs import INTERRUPTED_MESSAGE, NICE_ENV
from hushall.web.models import Job, PlanVariant, utcnow

if TYPE_CHECKING:
    from hushall.web.planning import Planner

log = logging.getLogger("hushall.web.worker")


class Stopped(BaseException):
    """Raised in the worker when it is asked to stop."""


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(signum).name)


def run_job(database_url: str, job_id: int, heartbeat_seconds: float = 2.0, planner: Planner | None = None) -> str:
    """Run job ``job_id`` (a plan with ``planner``, default :func:`hushall.web.planning.optimise_plan`); return
    its final status."""
    from hushall.web.planning import apply_variant, optimise_plan, stored_schedule

    engine = make_engine(database_url)
    factory = session_factory(engine)

    def set_job(**values: Any) -> None:
        with transaction(factory) as db:
            db.execute(update(Job).where(Job.id == job_id).values(**values))

    stop_beat = threading.Event()

    def beat() -> None:
        while not stop_beat.wait(heartbeat_seconds):
            try:
                set_job(heartbeat_at=utcnow())
            except Exception:  # a locked database now and then must not kill the job
                log.exception("heartbeat failed")

    last_progress = [0.0]

    def progress(fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - last_progress[0] < 0.25 and fraction < 1:
            return
        last_progress[0] = now
        set_job(progress=max(0.0, min(1.0, float(fraction))), message=message[:500], heartbeat_at=utcnow())

    set_job(pid=os.getpid(), heartbeat_at=utcnow(), message="Läser data …", progress=0.02)
    heart = threading.Thread(target=beat, daemon=True)
    heart.start()
    status = "failed"
    try:
        with factory() as db:
            job = db.get(Job, job_id)
            if job is None:
                return "missing"
            kind = job.kind
        if kind == "upload":
            status = run_upload(factory, job_id, progress, set_job)
            return status
        if kind == "frontier":
            status = run_frontier(factory, job_id, progress, set_job)
            return status
        data, settings = variant_data(factory, job_id)
        progress(0.05, "Bygger optimeringsproblemet …")
        result = (planner or optimise_plan)(apply_variant(data, settings), settings, progress)  # a plan study
        chosen = len(stored_schedule(result) or {})
        set_job(status="done", progress=1.0, message=f"{chosen} projekt i planen.", result=result,
                finished_at=utcnow(), heartbeat_at=utcnow())
        status = "done"
    except Stopped:
        set_job(status="interrupted", error=INTERRUPTED_MESSAGE, finished_at=utcnow())
        status = "interrupted"
    except HushallError as exc:
        set_job(status="failed", error=f"{exc} [{exc.code}]", finished_at=utcnow())
    except Exception as exc:
        traceback.print_exc()
        set_job(status="failed", error=f"Internt fel i jobbet: {type(exc).__name__}: {exc}",
                finished_at=utcnow())
    finally:
        stop_beat.set()
        engine.dispose()
    return status


def variant_data(factory: Any, job_id: int) -> tuple[Any, dict[str, Any]]:
    """The data version of the job's plan variant and the variant's settings."""
    from hushall.web.store import build_version

    with factory() as db:
        job = db.get(Job, job_id)
        assert job is not None
        variant = db.get(PlanVariant, job.variant_id)
        assert variant is not None
        return build_version(variant.data_version), dict(variant.settings)


def run_frontier(factory: Any, job_id: int, progress: Any, set_job: Any) -> str:
    """The price of each choice for the job's plan variant (:func:`hushall.study.frontier.compute_frontier`,
    its steps in parallel processes, the reinvestment decided by the optimiser when the variant says so); the
    result is the frontier's JSON."""
    from hushall.study.frontier import compute_frontier
    from hushall.study.settings import balanskrav_of, renewal_decisions_of
    from hushall.web.planning import apply_variant

    data, settings = variant_data(factory, job_id)
    frontier = compute_frontier(apply_variant(data, settings), progress=lambda f, m: progress(0.05 + 0.95 * f, m),
                                renewal_decisions=renewal_decisions_of(settings), balanskrav=balanskrav_of(settings))
    set_job(status="done", progress=1.0, message=f"{len(frontier.steps)} ramar och {len(frontier.prices)} mål "
                                                   "räknade.", result=frontier.to_json(), finished_at=utcnow(),
            heartbeat_at=utcnow())
    return "done"


def run_upload(factory: Any, job_id: int, progress: Any, set_job: Any) -> str:
    """Read and validate an upload, then store it as the successor of the version it builds on.

    Problems (a data error, a conflict with a version stored meanwhile) end the job as *failed* with every
    problem kept on the upload for its page; nothing is stored then.
    """
    from hushall.web.config import WebSettings
    from hushall.web.models import DataUpload, DataVersion
    from hushall.web.store import UploadConflict, UploadLimits, check_upload, commit_upload, unpack_upload

    limits = UploadLimits(
        unpacked_bytes=int_from_env(UNPACKED_ENV, WebSettings.max_unpacked_bytes, 1),
        rows_per_sheet=int_from_env(ROWS_ENV, WebSettings.max_rows_per_sheet, 1))

    def fail(problems: list[dict[str, Any]], error: str) -> str:
        with transaction(factory) as db:
            db.execute(update(DataUpload).where(DataUpload.id == upload_id).values(problems=problems, content=None))
            db.execute(update(Job).where(Job.id == job_id).values(status="failed", error=error, message="",
                                                                  finished_at=utcnow()))
        return "failed"

    with factory() as db:
        job = db.get(Job, job_id)
        assert job is not None and job.upload_id is not None
        upload_id = job.upload_id
        upload = db.get(DataUpload, upload_id)
        assert upload is not None and upload.content is not None
        base = db.get(DataVersion, upload.base_version_id) if upload.base_version_id else None
        if base is not None:
            _ = base.tables  # CSV files build on the base's other sheets
        files = unpack_upload(upload.file_kind, upload.filenames, upload.content)
    progress(0.1, "Läser och kontrollerar filen …")
    try:
        checked = check_upload(files, base=base, limits=limits)
    except DataValidationError as exc:
        n = len(exc.problems)
        return fail([p.to_dict() for p in exc.problems],
                    f"Uppladdningen sparades inte: {n} problem hittades. Rätta filen och ladda upp den igen.")
    progress(0.8, "Sparar versionen …")
    try:
        version = commit_upload(factory, upload_id, checked)
    except UploadConflict as exc:
        return fail([{"code": exc.code, "message": str(exc)}], str(exc))
    with transaction(factory) as db:
        db.execute(update(DataUpload).where(DataUpload.id == upload_id).values(content=None))
        db.execute(update(Job).where(Job.id == job_id).values(
            status="done", progress=1.0, message=f"Sparad som version {version.number}.",
            result={"version": version.number}, finished_at=utcnow(), heartbeat_at=utcnow()))
    return "done"


def main(argv: list[str] | None = None, planner: Planner | None = None) -> int:
    """Run the job whose id is the one argument; ``planner`` as in :func:`run_job`."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit():
        print("användning: python -m hushall.web.worker JOBB_ID", file=sys.stderr)
        return 2
    url = os.environ.get(DATABASE_URL_ENV)
    if not url:
        print(f"{DATABASE_URL_ENV} saknas.", file=sys.stderr)
        return 2
    nice = int(os.environ.get(NICE_ENV, "0") or 0)
    if nice > 0:
        os.nice(nice)  # the web process keeps its priority: pages stay quick while jobs run
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    beat = float(os.environ.get("HUSHALL_HEARTBEAT_SECONDS", "2"))
    status = run_job(url, int(args[0]), beat, planner)
    return 0 if status in ("done", "failed", "interrupted") else 1


if __name__ == "__main__":
    sys.exit(main())
