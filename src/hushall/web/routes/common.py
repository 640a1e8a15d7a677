"""Helpers shared by the page and API routes: the data version in use and its cached views."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session as DbSession

from hushall.model import MunicipalityData
from hushall.web import charts
from hushall.web.deps import state
from hushall.web.models import DataVersion
from hushall.web.store import build_version, get_version, latest_version
from hushall.web.views import VersionView, version_view


def pick_version(db: DbSession, number: int | None) -> DataVersion | None:
    """The requested data version, or the newest one; 404 for an unknown number."""
    if number is None:
        return latest_version(db)
    version = get_version(db, number)
    if version is None:
        raise HTTPException(404, "Dataversionen finns inte.")
    return version


def model_of(request: Request, version: DataVersion) -> MunicipalityData:
    return state(request).models.get_or_make(version.id, lambda: build_version(version))


def view_of(request: Request, version: DataVersion) -> VersionView:
    data = model_of(request, version)
    return state(request).views.get_or_make(("view", version.id), lambda: version_view(data))


def svg_response(request: Request, key: Any, make: Any) -> Response:
    """A chart image, rendered once per key (data versions never change) and cached by the browser; ``make``
    gives an Altair chart or an SVG text (the map, :mod:`hushall.reports.map`)."""

    def render() -> str:
        made = make()
        return made if isinstance(made, str) else charts.to_svg(made)

    svg = state(request).views.get_or_make(("svg", key), render)
    return Response(svg, media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})
