"""Page *Jämför*: the municipality's key figures against municipalities of similar size (SCB 2019)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session as DbSession

from hushall.web import charts
from hushall.web.deps import database, identify, reader, state
from hushall.web.models import User
from hushall.web.rendering import cached_page, page
from hushall.web.routes.common import model_of, pick_version, svg_response

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)


def _comparison(request: Request, version: object) -> object:
    from hushall.peers import compare_with_peers

    data = model_of(request, version)  # type: ignore[arg-type]
    return state(request).views.get_or_make(("peers", version.id),  # type: ignore[attr-defined]
                                            lambda: compare_with_peers(data))


@router.get("/jamfor")
def peers_page(request: Request, user: User = reader, db: DbSession = database,
               version: Annotated[int | None, Query()] = None) -> Response:
    from hushall.reports.peers import figure_rows, ratio_rows

    data_version = pick_version(db, version)
    if data_version is None:
        return page(request, "empty.html", {"active": "peers"})
    comparison = _comparison(request, data_version)
    ratios = ratio_rows(comparison)
    return cached_page(request, "peers.html", {
        "active": "peers", "dv": data_version, "c": comparison, "rows": figure_rows(comparison),
        "ratio_rows": ratios, "ratio_columns": [k for k in (ratios[0] if ratios else {}) if k != "nyckeltal"],
    }, key=data_version.id, title="Jämför")


@router.get("/jamfor/aldersstruktur.svg")
def peers_chart(request: Request, user: User = reader, db: DbSession = database,
                version: Annotated[int | None, Query()] = None) -> Response:
    from hushall.reports.peers import age_structure_chart

    data_version = pick_version(db, version)
    if data_version is None:
        return Response(status_code=404)
    comparison = _comparison(request, data_version)
    return svg_response(request, ("peers-age", data_version.id),
                        lambda: charts.configure(age_structure_chart(comparison)))
