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
from typing import Any

from sqlalchemy import update

from hushall.errors import HushallError
from hushall.web.config import DATABASE_URL_ENV
from hushall.web.db import make_engine, session_factory, transaction
from hushall.web.jobs import INTERRUPTED_MESSAGE
from hushall.web.models import Job, PlanVariant, utcnow

log = logging.getLogger("hushall.web.worker")


class Stopped(BaseException):
    """Raised in the worker when it is asked to stop."""


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(signum).name)


def run_job(database_url: str, job_id: int, heartbeat_seconds: float = 2.0) -> str:
    """Run job ``job_id``; return its final status."""
    from hushall.web.planning import apply_variant, resolve_planner
    from hushall.web.store import build_version

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
            variant = db.get(PlanVariant, job.variant_id)
            assert variant is not None
            data = build_version(variant.data_version)
            settings = dict(variant.settings)
        progress(0.05, "Bygger optimeringsproblemet …")
        planner = resolve_planner()
        result = planner(apply_variant(data, settings), settings, progress)
        chosen = len(result.get("schedule") or [])
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
        set_job(status="failed", error=f"Internt fel i optimeringen: {type(exc).__name__}: {exc}",
                finished_at=utcnow())
    finally:
        stop_beat.set()
        engine.dispose()
    return status


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit():
        print("användning: python -m hushall.web.worker JOBB_ID", file=sys.stderr)
        return 2
    url = os.environ.get(DATABASE_URL_ENV)
    if not url:
        print(f"{DATABASE_URL_ENV} saknas.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    beat = float(os.environ.get("HUSHALL_HEARTBEAT_SECONDS", "2"))
    status = run_job(url, int(args[0]), beat)
    return 0 if status in ("done", "failed", "interrupted") else 1


if __name__ == "__main__":
    sys.exit(main())
