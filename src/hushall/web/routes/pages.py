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
from hushall.web.models import PlanVariant, User
from hushall.web.rendering import cached_page, page
from hushall.web.risk import risk_view
from hushall.web.routes.common import pick_version, svg_response, view_of
from hushall.web.services import (
    current_result,
    current_result_id,
    list_variants,
    plan_finance,
    plan_result,
    variant_or_404,
)
from hushall.web.views import (
    AGE_GROUPS,
    FinanceView,
    pivot_population,
    places_short_within_reach,
    selected_years,
)

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)

CHARTS = ("population", "renewal", "debt", "capacity")


def overview_plan(db: DbSession) -> tuple[PlanVariant | None, str]:
    """The plan Översikt shows, and which it is: the newest decided variant (``"beslutad"``) or, when none is
    decided, the variant with a current result changed most recently (``"arbetas"``)."""
    with_result = [v for v in list_variants(db) if current_result_id(db, v) is not None]
    decided = [v for v in with_result if v.status == "beslutad"]
    if decided:
        return max(decided, key=lambda v: (v.decided_at or v.updated_at, v.id)), "beslutad"
    drafts = with_result
    if drafts:
        return max(drafts, key=lambda v: (v.updated_at, v.id)), "arbetas"
    return None, ""


def target_rows(finance: FinanceView | None, years: list[int]) -> list[dict[str, Any]]:
    """The financial targets of ``finance`` at ``years`` (values, met), with every year's mark for the strip
    chart and the years it fails."""
    if finance is None or not finance.available or not finance.years:
        return []
    index = [finance.years.index(y) for y in years if y in finance.years]
    rows = []
    for r in finance.ratios or []:
        marks = list(zip(finance.years, r["values"], r["met"], strict=True))
        rows.append({**r, "picked": [(r["values"][i], r["met"][i]) for i in index], "marks": marks,
                     "failed": [y for y, _v, ok in marks if ok is False]})
    return rows


@router.get("/")
def overview(request: Request, user: User = reader, db: DbSession = database,
             version: Annotated[int | None, Query()] = None) -> Response:
    data_version = pick_version(db, version)
    if data_version is None:
        return page(request, "empty.html", {"active": "overview"})
    view = view_of(request, data_version)
    plan, which = overview_plan(db)
    plan_job = current_result_id(db, plan) if plan is not None else None

    def tables() -> dict[str, Any]:
        """The overview's tables, computed only when the page is not cached yet."""
        from hushall.projects import ProjectCatalog, Schedule
        from hushall.projects.maintenance import plan_maintenance_debt

        needs = view.needs
        debt = needs.maintenance_debt_by_year
        # the baseline (nollalternativet) is the committed projects only, as in the verdict above the table: its
        # maintenance debt with today's reinvestment is the baseline forecast's (the same figure the verdict
        # names), beside the debt if nothing were renewed (the needs analysis)
        committed = dict(Schedule.committed(ProjectCatalog.from_data(view.data)))
        baseline_debt = (view.baseline.series or {}).get("maintenance_debt_fixed_kr")
        if baseline_debt is None:  # no sheet Ekonomi: no forecast, the same debt computed on its own
            baseline_debt = list(plan_maintenance_debt(view.data, committed))
        with_policy = dict(zip((int(y) for y in view.data.years), baseline_debt, strict=True))
        with_policy[view.data.base_year] = float(needs.maintenance_debt_kr)
        debt_rows = [(int(y), float(a), with_policy.get(int(y)))
                     for y, a in zip(debt["year"], debt["amount_kr"], strict=True)
                     if int(y) in (view.data.base_year, *view.years)]
        pop_years = [view.data.base_year, *view.years]
        population_rows = pivot_population(view.population, pop_years)
        short = places_short_within_reach(view.data, committed)
        per_service = short.pivot_table(index="service_id", columns="year", values="short", aggfunc="sum")
        service_names = dict(zip(view.data.services["service_id"].astype(str),
                                 view.data.services["name"].astype(str), strict=True))
        places_rows = [(service_names.get(str(s), str(s)),
                        [float(per_service.loc[s, y]) if y in per_service.columns else None for y in view.years])
                       for s in per_service.index]
        baseline_short = short.groupby("year")["short"].sum()
        years = [int(y) for y in view.data.years]
        picks = selected_years(years)
        ctx: dict[str, Any] = {
            "population_rows": population_rows, "population_years": pop_years, "debt_rows": debt_rows,
            "places_rows": places_rows, "picks": picks,
            "baseline_targets": target_rows(view.baseline, picks),
            "totals": {"pop_first": sum(r["values"][0] or 0.0 for r in population_rows),
                       "pop_last": sum(r["values"][-1] or 0.0 for r in population_rows),
                       "short_first": float(baseline_short.get(years[0], 0.0)),
                       "short_last": float(baseline_short.get(years[-1], 0.0))},
            "plan": None,
        }
        if plan is not None:
            job = current_result(db, plan)
            result = plan_result(request, job, plan) or {}
            finance = plan_finance(request, db, plan, plan.data_version)[0]
            plan_years = [int(y) for y in result.get("years") or []]
            places = result.get("places_short") or []
            fixed = (finance.series or {}).get("investments_fixed_kr") if finance.available else None
            ctx["plan"] = {
                "variant": plan, "which": which, "finance": finance, "result": result,
                "targets": target_rows(finance, picks),
                "risk": risk_view(result.get("risk"), request.state.lang),
                "projects": len(result.get("schedule") or []),
                "investments_fixed_kr": sum(v for v in fixed or [] if v is not None) if fixed else None,
                "short_first": places[0] if places else None, "short_last": places[-1] if places else None,
                "first_year": plan_years[0] if plan_years else None,
                "last_year": plan_years[-1] if plan_years else None,
            }
        return ctx

    return cached_page(request, "overview.html", {
        "active": "overview", "dv": data_version, "view": view, "data": view.data, "finance": view.baseline,
    }, key=(data_version.id, plan.id if plan else None, plan.row_version if plan else None, plan_job),
        title="Översikt", more=tables)


@router.get("/diagram/oversikt/{variant_id}/mal.svg")
def targets_strip(request: Request, variant_id: int, user: User = reader, db: DbSession = database) -> Response:
    """Every year of the plan's financial targets at a glance: one row per target, a cell per year, green when
    the target holds and red when it does not (the table beside it shows selected years)."""
    variant = variant_or_404(db, variant_id)
    finance = plan_finance(request, db, variant, variant.data_version)[0]
    rows = target_rows(finance, [])
    if not rows:
        raise HTTPException(404, "Sidan finns inte.")
    lang = request.state.lang
    key = ("targets-strip", variant.id, variant.row_version, current_result_id(db, variant), lang)
    return svg_response(request, key, lambda: charts.target_strip(rows, lang=lang))


@router.get("/behov")
def needs_page(request: Request, user: User = reader, db: DbSession = database,
               version: Annotated[int | None, Query()] = None) -> Response:
    data_version = pick_version(db, version)
    if data_version is None:
        return page(request, "empty.html", {"active": "needs"})
    view = view_of(request, data_version)

    def tables() -> dict[str, Any]:
        """The page's tables (a pivot of the renewal need, the indexes): made only when the page is not cached."""
        needs, data = view.needs, view.data
        renewal = needs.renewal_by_year_category.pivot_table(index="year", columns="category", values="amount_kr",
                                                             aggfunc="sum", fill_value=0.0)
        categories = [c for c in renewal.columns if renewal[c].abs().sum() > 0]
        renewal_rows = [(int(y), [float(renewal.loc[y, c]) for c in categories], float(renewal.loc[y].sum()))
                        for y in renewal.index]
        return {"data": data, "categories": categories, "renewal_rows": renewal_rows,
                "facilities": data.facilities.set_index("facility_id"),
                "districts": dict(zip(data.districts["district_id"], data.districts["name"], strict=True)),
                "services": dict(zip(data.services["service_id"], data.services["name"], strict=True)),
                "debt": needs.maintenance_debt_by_year}

    return cached_page(request, "needs.html", {"active": "needs", "dv": data_version, "view": view},
                       key=data_version.id, title="Behov", more=tables)


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
