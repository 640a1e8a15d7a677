"""Page Prioritera: the politicians' weights and money as controls, the plan made again at once
(:mod:`hushall.web.prioritize`), for every logged-in role."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from hushall.errors import PlanError
from hushall.model import MunicipalityData
from hushall.study.settings import clean_settings, default_settings, settings_json
from hushall.web.deps import identify, reader, state
from hushall.web.models import DataVersion, User
from hushall.web.prioritize import Busy, Entry, controls, prioritizer_of, result_view, settings_from_form
from hushall.web.rendering import page
from hushall.web.routes.common import model_of, pick_version

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)

RESULT = "_prioritize_result.html"


def _start(request: Request, variant_id: int | None) -> tuple[DataVersion | None, MunicipalityData | None,
                                                            dict[str, Any], Any, list[Any]]:
    """The data version, its model, the starting settings (a variant's or the officials') and the variants."""
    from hushall.web.services import list_variants, variant_or_404

    with state(request).factory() as db:
        variants = list_variants(db)
        chosen = variant_or_404(db, variant_id) if variant_id else None
        version = chosen.data_version if chosen is not None else pick_version(db, None)
        if version is None:
            return None, None, {}, None, variants
        data = model_of(request, version)
        settings = clean_settings(chosen.settings, data) if chosen is not None else default_settings(data)
        db.expunge_all()
        return version, data, settings, chosen, variants


@router.get("/prioritera")
async def prioritize_page(request: Request, user: User = reader,
                          variant: Annotated[int | None, Query()] = None) -> Response:
    version, data, settings, chosen, variants = await run_in_threadpool(_start, request, variant)
    if version is None or data is None:
        return page(request, "empty.html", {"active": "prioritize"})
    return page(request, "prioritize.html", {
        "active": "prioritize", "dv": version, "title": "Prioritera", "controls": controls(settings, data),
        "variants": variants, "chosen": chosen,
    })


async def _await(future: Any) -> Entry:
    entry: Entry = await asyncio.wrap_future(future)
    return entry


def _partial(request: Request, entry: Entry, previous: Entry | None, base: MunicipalityData,
             status_code: int = 200) -> Response:
    return page(request, RESULT, {"r": result_view(entry, previous, base)}, status_code=status_code)


def _error(request: Request, message: str, status_code: int) -> Response:
    # htmx swaps only 2xx answers: the message replaces the plan in the page, a plain client gets the status
    code = 200 if request.headers.get("HX-Request") else status_code
    return page(request, RESULT, {"r": {"error": message, "done": True, "run": None}}, status_code=code)


@router.post("/prioritera/plan")
async def prioritize_plan(request: Request, user: User = reader) -> Response:
    form = await request.form()
    raw_variant = str(form.get("variant") or "").strip()
    variant_id = int(raw_variant) if raw_variant.isdigit() else None
    version, data, start, _chosen, _ = await run_in_threadpool(_start, request, variant_id)
    if version is None or data is None:
        return _error(request, "Det finns inga data att planera med. Ladda upp kommunens data först.", 409)
    try:
        settings = await run_in_threadpool(settings_from_form, form, start, data)
    except PlanError as exc:
        return _error(request, str(exc), 422)
    prio = prioritizer_of(request.app)
    previous = prio.get(str(form.get("previous") or ""))
    shown_before = dict(previous.shown.facts.schedule) if previous is not None and previous.shown else None
    try:
        entry = await _await(prio.request(version.id, data, settings, start=shown_before))
    except Busy as exc:
        return _error(request, str(exc), 503)
    return _partial(request, entry, previous, data)


@router.get("/prioritera/plan/{key}")
async def prioritize_poll(request: Request, key: str, user: User = reader,
                          previous: Annotated[str, Query()] = "") -> Response:
    prio = prioritizer_of(request.app)
    entry = prio.get(key)
    if entry is None:
        return _error(request, "Planen finns inte längre i minnet. Ändra ett värde för att räkna om den.", 404)
    prio.refresh(entry)
    return _partial(request, entry, prio.get(previous) if previous else None, entry.data)


@router.get("/prioritera/installningar/{key}.json")
def prioritize_settings(request: Request, key: str, user: User = reader) -> Response:
    entry = prioritizer_of(request.app).get(key)
    if entry is None:
        raise HTTPException(404, "Inställningarna finns inte längre i minnet. Ändra ett värde och ladda ner igen.")
    return Response(settings_json(entry.settings), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="installningar.json"'})
