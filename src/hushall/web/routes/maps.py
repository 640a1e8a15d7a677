"""The map (:mod:`hushall.reports.map`) on the Behov page and on a plan's page.

The pages include ``_map.html``, which loads the fragment ``…/karta`` (controls, the picture and its figures in
a table); choosing a service, a year or a layer redraws only the fragment. The picture itself is ``…/karta/bild.svg``
with the same query: ``tjanst`` (a service id, or ``alla``), ``ar`` (a plan year) and ``lager``
(:data:`hushall.reports.map.LAYERS`). A query that names no known service, year or layer falls back to the
default rather than failing: a link is not data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session as DbSession

from hushall.model import MunicipalityData
from hushall.needs import NeedsResult
from hushall.reports.map import LAYERS, build_map, map_svg, places_short_within_reach, plan_in_use_year
from hushall.web.deps import database, identify, reader
from hushall.web.models import User
from hushall.web.rendering import page
from hushall.web.routes.common import pick_version, svg_response, view_of
from hushall.web.services import current_result, schedule_of, variant_or_404
from hushall.web.views import milestone_years

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)

ALL_SERVICES = "alla"


@dataclass(frozen=True)
class MapChoice:
    """What the map shows: a service (``None`` = all), a year and a layer, read from the query."""

    service_id: str | None
    year: int
    layer: str

    def query(self) -> str:
        return urlencode({"tjanst": self.service_id or ALL_SERVICES, "ar": self.year, "lager": self.layer})


def default_service(data: MunicipalityData, year: int) -> str | None:
    """The service with the most places short in ``year`` (what a politician should see first), else all."""
    short = places_short_within_reach(data, year).groupby("service_id")["short"].sum()
    return str(short.idxmax()) if len(short) and float(short.max()) >= 0.5 else None


def map_choice(request: Request, data: MunicipalityData, needs: NeedsResult,
               default_year: int | None = None) -> MapChoice:
    q = request.query_params
    fallback = default_year or milestone_years(data)[0]
    try:
        year = int(q.get("ar", ""))
    except ValueError:
        year = fallback
    year = year if data.first_year <= year <= data.last_year else fallback
    services = set(data.services["service_id"].astype(str))
    wanted = q.get("tjanst")
    service = (None if wanted == ALL_SERVICES else wanted if wanted in services
               else default_service(data, year))
    layer = q.get("lager", "skick")
    return MapChoice(service, year, layer if layer in LAYERS else "skick")


def map_context(data: MunicipalityData, needs: NeedsResult, choice: MapChoice, base: str,
                schedule: Any = None) -> dict[str, Any]:
    """The fragment's context: the controls, the picture's address and its figures per district."""
    years = sorted({*milestone_years(data), choice.year})
    pic = build_map(data, needs, year=choice.year, service_id=choice.service_id, layer=choice.layer,
                    schedule=schedule)
    rows = [{"name": r.name, "demand": float(r.demand), "capacity": float(r.capacity), "short": float(r.short)}
            for r in pic.districts.itertuples()]
    services = list(zip(data.services["service_id"].astype(str), data.services["name"].astype(str), strict=True))
    return {"map_base": base, "map_src": f"{base}/bild.svg?{choice.query()}", "map_choice": choice,
            "map_years": years, "map_services": services, "map_layers": LAYERS, "map_rows": rows,
            "map_title": pic.title, "map_notes": pic.notes, "map_message": pic.message,
            "map_remarks": pic.remarks, "all_services": ALL_SERVICES}


@router.get("/karta/version/{number}")
def version_map(request: Request, number: int, user: User = reader, db: DbSession = database) -> Response:
    """The Behov page's map of a data version."""
    version = pick_version(db, number)
    assert version is not None  # a number was given: unknown ones are a 404
    view = view_of(request, version)
    choice = map_choice(request, view.data, view.needs)
    return page(request, "_map_view.html", map_context(view.data, view.needs, choice, f"/karta/version/{number}"))


@router.get("/karta/version/{number}/bild.svg")
def version_map_svg(request: Request, number: int, user: User = reader, db: DbSession = database) -> Response:
    version = pick_version(db, number)
    assert version is not None
    view = view_of(request, version)
    choice = map_choice(request, view.data, view.needs)
    return svg_response(request, ("map", version.id, choice), lambda: map_svg(build_map(
        view.data, view.needs, year=choice.year, service_id=choice.service_id, layer=choice.layer)))


def _plan(request: Request, db: DbSession, variant_id: int) -> tuple[Any, Any, dict[str, int] | None, Any]:
    variant = variant_or_404(db, variant_id)
    job = current_result(db, variant)
    schedule = schedule_of(job.result) if job is not None and job.result else None
    view = view_of(request, variant.data_version)
    return variant, view, (dict(schedule) if schedule else None), job


@router.get("/planer/{variant_id}/karta")
def plan_map(request: Request, variant_id: int, user: User = reader, db: DbSession = database) -> Response:
    """A plan's map: the Behov map with the plan's projects."""
    variant, view, schedule, _ = _plan(request, db, variant_id)
    choice = map_choice(request, view.data, view.needs, plan_in_use_year(view.data, schedule))
    return page(request, "_map_view.html", map_context(view.data, view.needs, choice,
                                                        f"/planer/{variant.id}/karta", schedule))


@router.get("/planer/{variant_id}/karta/bild.svg")
def plan_map_svg(request: Request, variant_id: int, user: User = reader, db: DbSession = database) -> Response:
    variant, view, schedule, job = _plan(request, db, variant_id)
    choice = map_choice(request, view.data, view.needs, plan_in_use_year(view.data, schedule))
    key = ("plan-map", variant.id, variant.row_version, job.id if job is not None else None, choice)
    return svg_response(request, key, lambda: map_svg(build_map(
        view.data, view.needs, year=choice.year, service_id=choice.service_id, layer=choice.layer,
        schedule=schedule)))


__all__ = ["MapChoice", "map_choice", "map_context", "router"]
