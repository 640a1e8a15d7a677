"""Page 2 Data: the template, uploads (checked whole before anything is stored), versions, tables and diffs."""

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
from hushall.errors import DataValidationError
from hushall.web.db import transaction
from hushall.web.deps import database, identify, planner, reader, state
from hushall.web.models import DataVersion, User
from hushall.web.rendering import page
from hushall.web.routes.common import pick_version
from hushall.web.store import (
    Upload,
    check_upload,
    diff_versions,
    latest_version,
    store_version,
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


@router.get("/data")
def data_page(request: Request, user: User = reader, db: DbSession = database) -> Response:
    return page(request, "data.html", {"active": "data", "versions": versions(db), "problems": None,
                                       "dv": latest_version(db)})


@router.get("/data/mall.xlsx")
def template_download(user: User = reader) -> Response:
    return attachment(template_bytes(), "hushall-mall.xlsx", XLSX)


async def read_uploads(files: list[UploadFile]) -> list[Upload]:
    return [Upload(f.filename or "", await f.read()) for f in files]


async def receive_upload(request: Request, user: User, files: list[UploadFile], comment: str) -> DataVersion:
    """Check the upload completely, then store it in one transaction. Raises DataValidationError."""
    app = state(request)
    uploads = await read_uploads(files)
    with app.factory() as db:
        base = latest_version(db)
        if base is not None:
            _ = base.tables  # load the base tables before the session closes (CSV uploads build on them)
        checked = await run_in_threadpool(check_upload, uploads, base=base,
                                          max_unpacked=app.settings.max_unpacked_bytes)
    with transaction(app.factory) as db:
        parent = latest_version(db) if checked.file_kind == "csv" else None
        version = store_version(db, checked, user, comment, parent=parent)
    return version


@router.post("/data/ladda-upp")
async def upload(request: Request, files: Annotated[list[UploadFile], File()],
                 comment: Annotated[str, Form(max_length=2000)] = "", user: User = planner) -> Response:
    try:
        version = await receive_upload(request, user, files, comment)
    except DataValidationError as exc:
        with state(request).factory() as db:
            return page(request, "data.html", {"active": "data", "versions": versions(db), "problems": exc.problems,
                                               "dv": latest_version(db)}, status_code=422)
    return RedirectResponse(f"/data/versioner/{version.number}?sparad=1", status_code=303)


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
