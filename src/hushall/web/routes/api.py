"""The JSON API (``/api/v1``): the same operations as the pages, documented by OpenAPI (``/api/docs``).

Authenticate with ``POST /api/v1/session`` and send ``Authorization: Bearer <token>``; bearer requests need no
CSRF token (a browser never adds that header by itself). The browser's session cookie works too, and then the
``X-CSRF-Token`` header is required on every change.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from hushall.errors import DataValidationError, PlanError
from hushall.web.db import transaction
from hushall.web.deps import admin, database, identify, planner, reader, state
from hushall.web.jobs import submit_job
from hushall.web.models import AuditEntry, DataUpload, DataVersion, Job, PlanVariant, User
from hushall.web.rendering import page
from hushall.web.routes.auth import TOO_MANY, attempt_login
from hushall.web.routes.common import pick_version, view_of
from hushall.web.routes.data import (
    XLSX,
    attachment,
    parse_base,
    submit_upload,
    template_bytes,
    upload_job,
    upload_or_404,
)
from hushall.web.security import (
    AccountError,
    add_user,
    end_session,
)
from hushall.web.services import (
    VariantConflict,
    create_variant,
    current_result,
    decide_variant,
    latest_job,
    list_variants,
    plan_finance,
    plan_result,
    prepare_model,
    update_variant,
    variant_or_404,
)
from hushall.web.store import UploadConflict, diff_versions

router = APIRouter(prefix="/api/v1", dependencies=[Depends(identify)], tags=["api"])
docs_router = APIRouter(include_in_schema=False, dependencies=[Depends(identify)])


# --- schemas -------------------------------------------------------------------------------------------------


class LoginIn(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_at: str
    user: dict[str, Any]


class VariantSettings(BaseModel):
    targets: dict[str, float | None] = Field(default_factory=dict,
                                             description="target_type → limit (kr, shares as decimals); null = none")
    weights: dict[str, float] = Field(default_factory=dict, description="criterion → weight")
    must_do: list[str] | None = Field(default=None, description="project ids that must be done")


class VariantIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    settings: VariantSettings | None = None


class VariantUpdate(BaseModel):
    row_version: int = Field(description="The row_version you read; a stale one gives 409 Conflict")
    name: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=4000)
    settings: VariantSettings


class DecideIn(BaseModel):
    row_version: int


class UserIn(BaseModel):
    username: str = Field(max_length=80)
    password: str = Field(min_length=10, max_length=1000)
    role: str
    display_name: str = Field(default="", max_length=200)


# --- helpers -------------------------------------------------------------------------------------------------


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role,
            "active": user.active}


def version_json(v: DataVersion) -> dict[str, Any]:
    return {"number": v.number, "created_at": v.created_at.isoformat(), "created_by": v.creator.username
            if v.creator else None, "filename": v.filename, "file_kind": v.file_kind, "summary": v.summary,
            "municipality": v.municipality, "base_year": v.base_year, "comment": v.comment,
            "tables": {t.sheet: t.n_rows for t in v.tables}}


def job_json(job: Job | None) -> dict[str, Any] | None:
    if job is None:
        return None
    return {"id": job.id, "variant_id": job.variant_id, "variant_row_version": job.variant_row_version,
            "status": job.status, "progress": job.progress, "message": job.message, "error": job.error,
            "created_at": job.created_at.isoformat(),
            "started_at": job.started_at.isoformat() if job.started_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def variant_json(db: DbSession, v: PlanVariant, request: Request | None = None) -> dict[str, Any]:
    """A variant as JSON; with its current result (the keys of :data:`hushall.web.planning.RESULT_KEYS`) when
    ``request`` is given."""
    out = {"id": v.id, "family_id": v.family_id, "version_no": v.version_no, "parent_id": v.parent_id,
           "name": v.name, "description": v.description, "data_version": v.data_version.number,
           "settings": v.settings, "status": v.status, "row_version": v.row_version,
           "created_at": v.created_at.isoformat(), "created_by": v.creator.username if v.creator else None,
           "decided_at": v.decided_at.isoformat() if v.decided_at else None,
           "decided_by": v.decider.username if v.decider else None, "latest_job": job_json(latest_job(db, v)),
           "party": v.party, "decided_job_id": v.decided_job_id}
    if request is not None:
        out["result"] = plan_result(request, current_result(db, v), v)
    return out


def finite(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def conflict() -> HTTPException:
    return HTTPException(409, str(VariantConflict()))


# --- session -------------------------------------------------------------------------------------------------


@router.post("/session", response_model=TokenOut, summary="Logga in och få en API-token")
def api_login(request: Request, body: LoginIn) -> Any:
    outcome = attempt_login(request, body.username, body.password, "bearer")
    if outcome.blocked:
        raise HTTPException(429, TOO_MANY, headers={"Retry-After": str(state(request).settings.login_window_seconds)})
    if outcome.user is None or outcome.session is None:
        raise HTTPException(401, "Fel användarnamn eller lösenord.")
    return {"token": outcome.token, "expires_at": outcome.session.expires_at.isoformat(),
            "user": user_json(outcome.user)}


@router.delete("/session", summary="Logga ut (gör token ogiltig)")
def api_logout(request: Request, user: User = reader) -> dict[str, bool]:
    auth = request.headers.get("authorization", "")
    with transaction(state(request).factory) as db:
        end_session(db, auth[7:].strip() if auth.lower().startswith("bearer ") else None)
    return {"ok": True}


@router.get("/me", summary="Den inloggade användaren")
def me(user: User = reader) -> dict[str, Any]:
    return user_json(user)


# --- data ----------------------------------------------------------------------------------------------------


@router.get("/data/template", summary="Den tomma Excel-mallen", response_class=Response)
def api_template(user: User = reader) -> Response:
    return attachment(template_bytes(), "hushall-mall.xlsx", XLSX)


@router.get("/data/versions", summary="Alla dataversioner, nyaste först")
def api_versions(user: User = reader, db: DbSession = database) -> list[dict[str, Any]]:
    return [version_json(v) for v in db.scalars(select(DataVersion).order_by(DataVersion.number.desc()))]


def upload_json(db: DbSession, upload: DataUpload) -> dict[str, Any]:
    job = upload_job(db, upload)
    return {"id": upload.id, "files": upload.filenames, "file_kind": upload.file_kind, "comment": upload.comment,
            "base_version": upload.base_version.number if upload.base_version else None,
            "status": job.status if job else None, "job": job_json(job),
            "version": upload.version.number if upload.version else None, "problems": upload.problems or [],
            "created_at": upload.created_at.isoformat(), "status_url": f"/api/v1/data/uploads/{upload.id}"}


@router.post("/data/versions", status_code=202,
             summary="Ladda upp en arbetsbok (.xlsx) eller CSV-filer; den läses och kontrolleras i bakgrunden",
             description="`base_version` är den version uppladdningen bygger på (utelämnad: den senaste nu). Den "
                         "sparas som nästa version efter den, eller inte alls (409) om någon annan hunnit före. "
                         "Följ uppladdningen på `status_url`.",
             responses={409: {"description": "En nyare version har sparats; inget har sparats"},
                        422: {"description": "Filen avvisades direkt; inget har sparats"}})
async def api_upload(request: Request, files: Annotated[list[UploadFile], File()],
                     comment: Annotated[str, Form(max_length=2000)] = "",
                     base_version: Annotated[str, Form(max_length=20)] = "", user: User = planner) -> Any:
    try:
        queued = await submit_upload(request, user, files, comment, parse_base(base_version))
    except DataValidationError as exc:
        return JSONResponse({"stored": False, "problems": [p.to_dict() for p in exc.problems]}, status_code=422)
    except UploadConflict as exc:
        return JSONResponse({"stored": False, "detail": str(exc), "code": exc.code,
                             "newest_version": exc.newest}, status_code=409)
    with state(request).factory() as db:
        found = db.get(DataUpload, queued.id)
        assert found is not None
        return upload_json(db, found)


@router.get("/data/uploads/{upload_id}", summary="En uppladdnings status, problem och version")
def api_upload_status(upload_id: int, user: User = reader, db: DbSession = database) -> dict[str, Any]:
    return upload_json(db, upload_or_404(db, upload_id))


@router.get("/data/versions/{number}", summary="En dataversion")
def api_version(number: int, user: User = reader, db: DbSession = database) -> dict[str, Any]:
    version = pick_version(db, number)
    assert version is not None
    return version_json(version)


@router.get("/data/versions/{number}/tables/{table}", summary="Rader ur en tabell i en dataversion")
def api_table(number: int, table: str, user: User = reader, db: DbSession = database,
              offset: Annotated[int, Query(ge=0)] = 0,
              limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> dict[str, Any]:
    version = pick_version(db, number)
    assert version is not None
    t = next((t for t in version.tables if t.table_key == table or t.sheet == table), None)
    if t is None:
        raise HTTPException(404, "Tabellen finns inte i versionen.")
    return {"sheet": t.sheet, "key": t.table_key, "columns": t.columns, "n_rows": t.n_rows, "offset": offset,
            "rows": t.rows[offset: offset + limit]}


@router.get("/data/diff", summary="Skillnader mellan två dataversioner")
def api_diff(from_: Annotated[int, Query(alias="from")], to: int, user: User = reader,
             db: DbSession = database) -> list[dict[str, Any]]:
    old, new = pick_version(db, from_), pick_version(db, to)
    assert old is not None and new is not None
    return [{"sheet": d.sheet, "columns": d.columns, "key_columns": d.key_columns, "added": d.added,
             "removed": d.removed, "changed": [{"key": k, "cells": [{"column": c, "from": a, "to": b}
                                                                    for c, a, b in cells]} for k, cells in d.changed]}
            for d in diff_versions(old, new)]


# --- overview, needs, economy --------------------------------------------------------------------------------


@router.get("/overview", summary="Översikt: befolkning, underhållsskuld, platser, nyckeltal")
def api_overview(request: Request, user: User = reader, db: DbSession = database,
                 version: int | None = None) -> dict[str, Any]:
    dv = pick_version(db, version)
    if dv is None:
        raise HTTPException(404, "Inga data ännu.")
    view = view_of(request, dv)
    fin = view.baseline
    return {
        "data_version": dv.number, "municipality": view.data.name, "years": view.years,
        "population_by_age_group": [{k: finite(v) for k, v in r.items()} for r in view.population.to_dict("records")],
        "maintenance_debt_kr": view.needs.maintenance_debt_kr,
        "places": view.places,
        "finance": {"available": fin.available, "message": fin.message, "years": fin.years, "ratios": fin.ratios},
    }


@router.get("/needs", summary="Behov: förnyelse, underhållsskuld, kapacitet, reservkraft")
def api_needs(request: Request, user: User = reader, db: DbSession = database,
              version: int | None = None) -> dict[str, Any]:
    dv = pick_version(db, version)
    if dv is None:
        raise HTTPException(404, "Inga data ännu.")
    return {"data_version": dv.number, **view_of(request, dv).needs.to_json_dict()}


@router.get("/economy", summary="Ekonomi: resultat-, balans- och kassaflödesräkning och nyckeltal")
def api_economy(request: Request, user: User = reader, db: DbSession = database,
                variant: int | None = None) -> dict[str, Any]:
    dv = pick_version(db, None)
    if dv is None:
        raise HTTPException(404, "Inga data ännu.")
    chosen = variant_or_404(db, variant) if variant else None
    fin, _data = plan_finance(request, db, chosen, dv)
    return {"variant": chosen.id if chosen else None, "available": fin.available, "message": fin.message,
            "years": fin.years, "statements": fin.statements, "ratios": fin.ratios}


# --- plan variants and jobs ----------------------------------------------------------------------------------


@router.get("/variants", summary="Alla planvarianter")
def api_variants(user: User = reader, db: DbSession = database) -> list[dict[str, Any]]:
    return [variant_json(db, v) for v in list_variants(db)]


@router.post("/variants", status_code=201, summary="Skapa en planvariant på den senaste dataversionen")
def api_create_variant(request: Request, body: VariantIn, user: User = planner) -> dict[str, Any]:
    prepare_model(request)
    try:
        with transaction(state(request).factory) as db:
            dv = pick_version(db, None)
            if dv is None:
                raise HTTPException(409, "Ladda upp data först.")
            raw = body.settings.model_dump(exclude_none=True) if body.settings else None
            variant = create_variant(request, db, user, body.name, body.description, dv, raw)
            return variant_json(db, variant)
    except PlanError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.get("/variants/{variant_id}", summary="En planvariant med sitt resultat")
def api_variant(request: Request, variant_id: int, user: User = reader, db: DbSession = database) -> dict[str, Any]:
    return variant_json(db, variant_or_404(db, variant_id), request)


@router.put("/variants/{variant_id}", summary="Ändra en planvariant (optimistisk låsning med row_version)",
            responses={409: {"description": "Någon annan har ändrat varianten"}})
def api_update_variant(request: Request, variant_id: int, body: VariantUpdate, user: User = planner) -> dict[str, Any]:
    prepare_model(request, variant_id)
    try:
        with transaction(state(request).factory) as db:
            variant = variant_or_404(db, variant_id)
            saved = update_variant(request, db, user, variant, body.row_version, body.name, body.description,
                                   body.settings.model_dump(exclude_none=True))
            return variant_json(db, saved)
    except VariantConflict as exc:
        raise conflict() from exc
    except PlanError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.post("/variants/{variant_id}/decide", summary="Markera en planvariant som beslutad (den blir oföränderlig)",
             responses={409: {"description": "Någon annan har ändrat varianten"}})
def api_decide(request: Request, variant_id: int, body: DecideIn, user: User = planner) -> dict[str, Any]:
    try:
        with transaction(state(request).factory) as db:
            variant = variant_or_404(db, variant_id)
            decide_variant(db, user, variant, body.row_version)
            db.refresh(variant)
            return variant_json(db, variant)
    except VariantConflict as exc:
        raise conflict() from exc
    except PlanError as exc:
        raise HTTPException(409, str(exc)) from exc


@router.post("/variants/{variant_id}/jobs", status_code=202, summary="Kör optimeringen som ett bakgrundsjobb")
def api_run(request: Request, variant_id: int, user: User = planner) -> dict[str, Any]:
    app = state(request)
    with transaction(app.factory) as db:
        job = submit_job(db, variant_or_404(db, variant_id), user)
        out = job_json(job)
    if app.dispatcher is not None:
        app.dispatcher.wake()
    assert out is not None
    return out


@router.get("/jobs/{job_id}", summary="Ett jobbs tillstånd och framsteg")
def api_job(job_id: int, user: User = reader, db: DbSession = database) -> dict[str, Any]:
    job = db.get(Job, job_id)
    if job is None:
        raise HTTPException(404, "Jobbet finns inte.")
    out = job_json(job)
    assert out is not None
    return out


@router.get("/compare", summary="Jämför 2–4 planvarianter")
def api_compare(request: Request, user: User = reader, db: DbSession = database,
                ids: Annotated[list[int], Query(min_length=2, max_length=4)] = ...) -> list[dict[str, Any]]:  # type: ignore[assignment]
    return [variant_json(db, variant_or_404(db, i), request) for i in dict.fromkeys(ids)]


@router.get("/variants/{variant_id}/report.xlsx", summary="Planen som Excel", response_class=Response)
def api_report(request: Request, variant_id: int, user: User = reader, db: DbSession = database) -> Response:
    from hushall.web.routes.plans import plan_excel

    return plan_excel(request, variant_id, user, db)


# --- administration ------------------------------------------------------------------------------------------


@router.get("/users", summary="Användare (administratör)")
def api_users(user: User = admin, db: DbSession = database) -> list[dict[str, Any]]:
    return [user_json(u) for u in db.scalars(select(User).order_by(User.username))]


@router.post("/users", status_code=201, summary="Lägg till en användare (administratör)")
def api_add_user(request: Request, body: UserIn, user: User = admin) -> dict[str, Any]:
    try:
        with transaction(state(request).factory) as db:
            return user_json(add_user(db, body.username, body.password, body.role, body.display_name, actor=user))
    except AccountError as exc:
        raise HTTPException(422, str(exc)) from exc


@router.get("/audit", summary="Händelseloggen (administratör)")
def api_audit(user: User = admin, db: DbSession = database, offset: Annotated[int, Query(ge=0)] = 0,
              limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
    rows = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).offset(offset).limit(limit))
    return [{"id": e.id, "at": e.at.isoformat(), "username": e.username, "action": e.action,
             "object_type": e.object_type, "object_id": e.object_id, "detail": e.detail} for e in rows]


# --- documentation (server-rendered from the OpenAPI schema: no JavaScript from a CDN) -----------------------


@docs_router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    schema = request.app.openapi()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [p.get("name", "") + (" (" + p.get("in", "") + ")") for p in op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {})
            operations.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                               "params": params, "body": ", ".join(body.keys()),
                               "responses": ", ".join(op.get("responses", {}).keys())})
    return page(request, "api_docs.html", {"operations": operations, "info": schema.get("info", {})})
