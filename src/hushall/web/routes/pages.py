"""Pages 1 Översikt, 3 Behov, 4 Ekonomi and 6 Rapport, and their chart images."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session as DbSession

from hushall.web import charts
from hushall.web.deps import database, identify, reader
from hushall.web.i18n import translate
from hushall.web.models import User
from hushall.web.rendering import cached_page, page
from hushall.web.routes.common import pick_version, svg_response, view_of
from hushall.web.services import list_variants, plan_finance, variant_or_404
from hushall.web.views import AGE_GROUPS, pivot_population

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)

CHARTS = ("population", "renewal", "debt", "capacity")


@router.get("/")
def overview(request: Request, user: User = reader, db: DbSession = database,
             version: Annotated[int | None, Query()] = None) -> Response:
    data_version = pick_version(db, version)
    if data_version is None:
        return page(request, "empty.html", {"active": "overview"})
    view = view_of(request, data_version)

    def tables() -> dict[str, Any]:
        """The overview's tables, computed only when the page is not cached yet."""
        from hushall.projects.maintenance import plan_maintenance_debt

        needs = view.needs
        debt = needs.maintenance_debt_by_year
        # the maintenance debt with today's reinvestment (the policy of the data, no projects) beside the debt
        # if nothing were renewed (the needs analysis)
        with_policy = dict(zip((int(y) for y in view.data.years), plan_maintenance_debt(view.data, {}),
                               strict=True))
        with_policy[view.data.base_year] = float(needs.maintenance_debt_kr)
        debt_rows = [(int(y), float(a), with_policy.get(int(y)))
                     for y, a in zip(debt["year"], debt["amount_kr"], strict=True)
                     if int(y) in (view.data.base_year, *view.years)]
        pop_years = [view.data.base_year, *view.years]
        population_rows = pivot_population(view.population, pop_years)
        totals = {
            "pop_first": sum(r["values"][0] or 0.0 for r in population_rows),
            "pop_last": sum(r["values"][-1] or 0.0 for r in population_rows),
            "short": sum(r["cells"][0]["short"] for r in view.places),
            "empty": sum(r["cells"][0]["empty"] for r in view.places),
        }
        return {"population_rows": population_rows, "population_years": pop_years, "totals": totals,
                "debt_rows": debt_rows}

    return cached_page(request, "overview.html", {
        "active": "overview", "dv": data_version, "view": view, "data": view.data, "finance": view.baseline,
    }, key=data_version.id, title="Översikt", more=tables)


@router.get("/behov")
def needs_page(request: Request, user: User = reader, db: DbSession = database,
               version: Annotated[int | None, Query()] = None) -> Response:
    data_version = pick_version(db, version)
    if data_version is None:
        return page(request, "empty.html", {"active": "needs"})
    view = view_of(request, data_version)
    needs = view.needs
    data = view.data
    renewal = needs.renewal_by_year_category.pivot_table(index="year", columns="category", values="amount_kr",
                                                         aggfunc="sum", fill_value=0.0)
    categories = [c for c in renewal.columns if renewal[c].abs().sum() > 0]
    renewal_rows = [(int(y), [float(renewal.loc[y, c]) for c in categories], float(renewal.loc[y].sum()))
                    for y in renewal.index]
    facilities = data.facilities.set_index("facility_id")
    districts = dict(zip(data.districts["district_id"], data.districts["name"], strict=True))
    services = dict(zip(data.services["service_id"], data.services["name"], strict=True))
    return cached_page(request, "needs.html", {
        "active": "needs", "dv": data_version, "view": view, "data": data, "categories": categories,
        "renewal_rows": renewal_rows, "facilities": facilities, "districts": districts, "services": services,
        "debt": needs.maintenance_debt_by_year,
    }, key=data_version.id, title="Behov")


@router.get("/diagram/{number}/{name}.svg")
def chart_image(request: Request, number: int, name: str, user: User = reader,
                db: DbSession = database) -> Response:
    if name not in CHARTS:
        raise HTTPException(404, "Sidan finns inte.")
    data_version = pick_version(db, number)
    assert data_version is not None
    view = view_of(request, data_version)
    lang = request.state.lang

    def make() -> object:
        from hushall.reports import charts as report_charts

        if name == "population":
            order = [g[2] for g in AGE_GROUPS]
            df = view.population.assign(group=pd.Categorical(view.population["group"], categories=order))
            return charts.line_chart(df.sort_values(["group", "year"]).assign(group=lambda d: d["group"].astype(str)),
                                     x="year", y="count", series="group", dashed=True, lang=lang,
                                     title=translate("Befolkning per åldersgrupp", lang),
                                     y_title=translate("Invånare", lang))
        if name == "renewal":
            return report_charts.renewal_chart(view.needs)
        if name == "debt":
            return report_charts.maintenance_debt_chart(view.needs)
        return report_charts.capacity_chart(view.needs, view.data)

    return svg_response(request, (data_version.id, name, lang), make)


@router.get("/ekonomi")
def economy(request: Request, user: User = reader, db: DbSession = database,
            variant: Annotated[int | None, Query()] = None) -> Response:
    data_version = pick_version(db, None)
    if data_version is None:
        return page(request, "empty.html", {"active": "economy"})
    chosen = variant_or_404(db, variant) if variant else None
    finance, data = plan_finance(request, db, chosen, data_version)
    return page(request, "economy.html", {
        "active": "economy", "dv": data_version, "finance": finance, "data": data,
        "variants": list_variants(db), "chosen": chosen,
    })


@router.get("/rapport")
def report(request: Request, user: User = reader, db: DbSession = database) -> Response:
    return page(request, "report.html", {"active": "report", "variants": list_variants(db),
                                         "dv": pick_version(db, None)})
