"""Page 2 Data: the template, uploads (read and checked whole by a worker before anything is stored; the upload's
page follows its progress), versions, tables and diffs."""

from __future__ import annotations

import math
import tempfile
from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from hushall.data.schema import TABLES
from hushall.errors import DataValidationError, Problem
from hushall.web.db import transaction
from hushall.web.deps import database, identify, planner, reader, state
from hushall.web.jobs import ACTIVE_STATES
from hushall.web.jobs import submit_upload as submit_upload_job
from hushall.web.models import DataUpload, DataVersion, Job, User, utcnow
from hushall.web.rendering import page
from hushall.web.routes.common import pick_version
from hushall.web.store import (
    Upload,
    UploadConflict,
    UploadLimits,
    diff_versions,
    latest_version,
    precheck_upload,
    version_frames,
)

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def template_bytes() -> bytes:
    from hushall.data.template import write_template

    with tempfile.TemporaryDirectory() as tmp:
        path = write_template(Path(tmp) / "hushall-mall.xlsx")
        return Path(path).read_bytes()


def version_workbook_bytes(version: DataVersion) -> bytes:
    from hushall.data.template import write_template

    frames = version_frames(version)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_template(Path(tmp) / "data.xlsx", frames)
        return Path(path).read_bytes()


def attachment(content: bytes, filename: str, media_type: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def versions(db: DbSession) -> list[DataVersion]:
    return list(db.scalars(select(DataVersion).order_by(DataVersion.number.desc())))


async def read_uploads(files: list[UploadFile]) -> list[Upload]:
    return [Upload(f.filename or "", await f.read()) for f in files]


def parse_base(raw: object) -> int | None:
    """The ``base_version`` a form or API call names: a version number, 0 for "no version yet", or None (absent:
    the newest version when the upload arrives)."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return max(0, int(text))
    except ValueError as exc:
        raise DataValidationError([Problem(code="E_FORM", message="Formuläret anger en ogiltig dataversion; "
                                           "ladda om sidan.")]) from exc


async def submit_upload(request: Request, user: User, files: list[UploadFile], comment: str,
                        base_number: int | None) -> DataUpload:
    """Take an upload: the cheap checks now, the reading and validation in a worker. Raises
    :class:`DataValidationError` (nothing queued) or :class:`UploadConflict` (the base is no longer newest)."""
    app = state(request)
    uploads = await read_uploads(files)
    queued = await run_in_threadpool(precheck_upload, uploads, UploadLimits.of(app.settings))
    with transaction(app.factory) as db:
        newest = latest_version(db)
        newest_number = newest.number if newest is not None else 0
        if base_number is None:
            base_number = newest_number
        if base_number != newest_number:
            raise UploadConflict(base_number or None, newest_number)
        upload = DataUpload(file_kind=queued.file_kind, filenames=queued.filenames, content=queued.content,
                            comment=comment.strip()[:2000], base_version_id=newest.id if newest else None,
                            created_by=user.id, created_at=utcnow())
        db.add(upload)
        db.flush()
        submit_upload_job(db, upload, user)
    if app.dispatcher is not None:
        app.dispatcher.wake()
    return upload


def upload_job(db: DbSession, upload: DataUpload) -> Job | None:
    return db.scalar(select(Job).where(Job.upload_id == upload.id).order_by(Job.id.desc()).limit(1))


def recent_uploads(db: DbSession, limit: int = 5) -> list[tuple[DataUpload, Job | None]]:
    rows = db.scalars(select(DataUpload).order_by(DataUpload.id.desc()).limit(limit)).all()
    return [(u, upload_job(db, u)) for u in rows]


def data_context(db: DbSession, **extra: object) -> dict[str, object]:
    return {"active": "data", "versions": versions(db), "problems": None, "dv": latest_version(db),
            "uploads": recent_uploads(db), "active_states": ACTIVE_STATES, "conflict": None, **extra}


@router.get("/data")
def data_page(request: Request, user: User = reader, db: DbSession = database) -> Response:
    return page(request, "data.html", data_context(db))


@router.get("/data/mall.xlsx")
def template_download(user: User = reader) -> Response:
    return attachment(template_bytes(), "hushall-mall.xlsx", XLSX)


@router.post("/data/ladda-upp")
async def upload(request: Request, files: Annotated[list[UploadFile], File()],
                 comment: Annotated[str, Form(max_length=2000)] = "",
                 base_version: Annotated[str, Form(max_length=20)] = "", user: User = planner) -> Response:
    try:
        queued = await submit_upload(request, user, files, comment, parse_base(base_version))
    except DataValidationError as exc:
        with state(request).factory() as db:
            return page(request, "data.html", data_context(db, problems=exc.problems), status_code=422)
    except UploadConflict as exc:
        with state(request).factory() as db:
            return page(request, "data.html", data_context(db, conflict=str(exc)), status_code=409)
    return RedirectResponse(f"/data/uppladdningar/{queued.id}", status_code=303)


def upload_or_404(db: DbSession, upload_id: int) -> DataUpload:
    found = db.get(DataUpload, upload_id)
    if found is None:
        raise HTTPException(404, "Uppladdningen finns inte.")
    return found


@router.get("/data/uppladdningar/{upload_id}")
def upload_page(request: Request, upload_id: int, user: User = reader, db: DbSession = database) -> Response:
    found = upload_or_404(db, upload_id)
    return page(request, "upload.html", {"active": "data", "upload": found, "job": upload_job(db, found),
                                         "active_states": ACTIVE_STATES, "dv": latest_version(db)})


@router.get("/data/uppladdningar/{upload_id}/status")
def upload_status(request: Request, upload_id: int, user: User = reader, db: DbSession = database) -> Response:
    """The upload's status box (htmx polls it); when the upload has ended the page moves on: to the stored
    version, or reloads to show the problems."""
    found = upload_or_404(db, upload_id)
    job = upload_job(db, found)
    headers = {}
    if job is not None and job.status not in ACTIVE_STATES and request.query_params.get("polling") == "1":
        if job.status == "done" and found.version is not None:
            headers["HX-Redirect"] = f"/data/versioner/{found.version.number}?sparad=1"
        else:
            headers["HX-Refresh"] = "true"
    return page(request, "_upload_status.html", {"upload": found, "job": job, "active_states": ACTIVE_STATES},
                headers=headers)


@router.post("/data/uppladdningar/{upload_id}/igen")
def retry_upload(request: Request, upload_id: int, user: User = planner) -> Response:
    """Run an interrupted upload again (its file was kept)."""
    app = state(request)
    with transaction(app.factory) as db:
        found = upload_or_404(db, upload_id)
        job = upload_job(db, found)
        if found.content is not None and (job is None or job.status == "interrupted"):
            submit_upload_job(db, found, user)
    if app.dispatcher is not None:
        app.dispatcher.wake()
    return RedirectResponse(f"/data/uppladdningar/{upload_id}", status_code=303)


@router.get("/data/versioner/{number}")
def version_page(request: Request, number: int, user: User = reader, db: DbSession = database,
                 tabell: str = "", sida: Annotated[int, Query(ge=1)] = 1, sparad: int = 0) -> Response:
    version = pick_version(db, number)
    assert version is not None
    tables = version.tables
    current = next((t for t in tables if t.table_key == tabell), tables[0] if tables else None)
    pages = max(1, math.ceil((current.n_rows if current else 0) / PAGE_SIZE))
    sida = min(sida, pages)
    rows = current.rows[(sida - 1) * PAGE_SIZE: sida * PAGE_SIZE] if current else []
    context = {"active": "data", "version": version, "tables": tables, "current": current, "rows": rows,
               "page_no": sida, "pages": pages, "saved": bool(sparad), "all_versions": versions(db)}
    if request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "table-view":
        return page(request, "_table_view.html", context)
    return page(request, "version.html", context)


@router.get("/data/versioner/{number}/arbetsbok.xlsx")
def version_download(request: Request, number: int, user: User = reader, db: DbSession = database) -> Response:
    version = pick_version(db, number)
    assert version is not None
    content = state(request).views.get_or_make(("workbook", version.id), lambda: version_workbook_bytes(version))
    return attachment(content, f"hushall-data-v{version.number}.xlsx", XLSX)


@router.get("/data/jamfor")
def diff_page(request: Request, fran: int, till: int, user: User = reader, db: DbSession = database) -> Response:
    old, new = pick_version(db, fran), pick_version(db, till)
    if old is None or new is None:
        raise HTTPException(404, "Dataversionen finns inte.")
    return page(request, "diff.html", {"active": "data", "old": old, "new": new, "diffs": diff_versions(old, new),
                                       "limit": 200, "sheets": {t.key: t.sheet for t in TABLES.values()}})
