"""Page *Uppföljning*: what was built against what was planned (sheet ``Utfall``, :mod:`hushall.followup`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session as DbSession

from hushall.web.deps import database, identify, reader, state
from hushall.web.models import DataVersion, User
from hushall.web.rendering import cached_page, page
from hushall.web.routes.common import model_of, pick_version, svg_response

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)


def _follow_up(request: Request, version: DataVersion) -> Any:
    from hushall.followup import follow_up

    data = model_of(request, version)
    return state(request).views.get_or_make(("followup", version.id), lambda: follow_up(data))


@router.get("/uppfoljning")
def followup_page(request: Request, user: User = reader, db: DbSession = database,
                  version: Annotated[int | None, Query()] = None) -> Response:
    from hushall.followup import measured_rates
    from hushall.followup.learning import learned_delivery_ceilings
    from hushall.reports.followup import followup_rows

    data_version = pick_version(db, version)
    if data_version is None:
        return page(request, "empty.html", {"active": "followup"})
    follow = _follow_up(request, data_version)
    rows = None if follow.empty else followup_rows(
        follow, measured_rates(follow), learned_delivery_ceilings(model_of(request, data_version), follow))
    return cached_page(request, "followup.html", {"active": "followup", "dv": data_version, "f": rows},
                       key=data_version.id, title="Uppföljning")


@router.get("/uppfoljning/planerat-och-byggt.svg")
def followup_chart(request: Request, user: User = reader, db: DbSession = database,
                   version: Annotated[int | None, Query()] = None) -> Response:
    from hushall.reports.followup import planned_vs_built_chart

    data_version = pick_version(db, version)
    if data_version is None:
        return Response(status_code=404)
    follow = _follow_up(request, data_version)
    if follow.empty:
        return Response(status_code=404)
    return svg_response(request, ("followup", data_version.id), lambda: planned_vs_built_chart(follow))
