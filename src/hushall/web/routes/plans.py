"""Page 5 Planer: plan variants, optimisation jobs, comparison; page 6's downloads of a plan."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session as DbSession

from hushall.data.schema import CRITERIA
from hushall.errors import PlanError
from hushall.study.request import PlanRequest
from hushall.study.study import run_study
from hushall.web import charts
from hushall.web.db import transaction
from hushall.web.deps import database, identify, planner, reader, state
from hushall.web.exports import plan_workbook
from hushall.web.i18n import translate
from hushall.web.jobs import ACTIVE_STATES, submit_job
from hushall.web.models import PlanVariant, User
from hushall.web.planning import (
    REINVESTMENT_CHOICES,
    TARGET_FIELDS,
    apply_variant,
    default_settings,
    parse_number,
)
from hushall.web.rendering import cached_page, page
from hushall.web.risk import FAN_CHARTS, all_years_probability, risk_view, robust_sentences
from hushall.web.routes.common import model_of, pick_version, svg_response
from hushall.web.routes.data import XLSX, attachment
from hushall.web.routes.frontier import frontier_jobs, frontier_of_job
from hushall.web.services import (
    NoCurrentResult,
    VariantConflict,
    create_variant,
    current_result,
    current_result_id,
    decide_variant,
    frozen_document,
    latest_job,
    list_variants,
    may_edit,
    pdf_module,
    plan_finance,
    plan_result,
    plan_study,
    prepare_model,
    require_edit,
    schedule_of,
    update_variant,
    variant_or_404,
)

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)

#: Metrics of the comparison: result key, Swedish title, unit ("kr", "places", "share", "value").
COMPARE_METRICS: tuple[tuple[str, str, str], ...] = (
    ("investments_kr", "Investeringar per år", "kr"),
    ("result_kr", "Årets resultat", "kr"),
    ("debt_kr", "Låneskuld", "kr"),
    ("maintenance_debt_kr", "Underhållsskuld", "kr"),
    ("places_short", "Platser som saknas inom räckhåll", "places"),
)


#: The price basis of each amount of the plan page's figures (the forecast's amounts are in current prices; the
#: maintenance debt, like the projects' costs and the targets' ceilings, in the price base year's prices).
PRICE_BASIS: dict[str, str] = {"investments_kr": "löpande priser", "result_kr": "löpande priser",
                               "debt_kr": "löpande priser", "maintenance_debt_kr": "fasta priser"}


#: Ratios of a plan result shown on the plan page: key, Swedish label, unit kind.
PLAN_RATIOS: tuple[tuple[str, str, str], ...] = (
    ("resultat_andel_av_skatter_och_bidrag", "Årets resultat / skatter och statsbidrag", "share"),
    ("självfinansieringsgrad", "Självfinansieringsgrad av investeringar", "share"),
    ("soliditet", "Soliditet", "share"),
    ("låneskuld_per_invånare", "Låneskuld per invånare", "kr"),
)


def settings_from_form(form: Any) -> dict[str, Any]:
    """Variant settings from the form (targets in display units: %, Mkr, kr, st)."""
    targets: dict[str, float | str | None] = {}
    for f in TARGET_FIELDS:
        raw = str(form.get(f"target__{f.target_type}", "")).strip()
        if raw == "":
            targets[f.target_type] = None
            continue
        targets[f.target_type] = f.from_display(parse_number(raw, f.label))
    weights = {c: str(form.get(f"weight__{c}", "0")).strip() or "0" for c in CRITERIA}
    frame = str(form.get("reinvestment_frame_mkr", "")).strip()
    frame_kr = None if frame == "" else 1e6 * parse_number(frame, "Reinvesteringsram")
    return {"targets": targets, "weights": weights, "must_do": [str(v) for v in form.getlist("must_do")],
            "reinvestment_policy": str(form.get("reinvestment_policy", "")),
            "reinvestment_frame_kr": frame_kr, "renewal_decisions": form.get("renewal_decisions") == "on",
            "balanced_budget": form.get("balanced_budget") == "on"}


def form_context(request: Request, variant: PlanVariant | None, data: Any, settings: dict[str, Any]) -> dict[str, Any]:
    fields = [(f, f.to_display(settings["targets"].get(f.target_type))) for f in TARGET_FIELDS]
    return {"active": "plans", "variant": variant, "fields": fields, "weights": settings["weights"],
            "criteria": CRITERIA, "projects": data.projects, "must_do": set(settings.get("must_do", [])),
            "reinvestment_choices": REINVESTMENT_CHOICES,
            "reinvestment_policy": settings.get("reinvestment_policy", ""),
            "renewal_decisions": bool(settings.get("renewal_decisions")),
            "balanced_budget": bool(settings.get("balanced_budget")),
            "reinvestment_frame_mkr": (None if settings.get("reinvestment_frame_kr") is None
                                       else settings["reinvestment_frame_kr"] / 1e6),
            "party": variant.party if variant is not None else "", "error": None}


@router.get("/planer")
def plans_page(request: Request, user: User = reader, db: DbSession = database) -> Response:
    variants = list_variants(db)
    jobs = {v.id: latest_job(db, v) for v in variants}
    results = {v.id: current_result(db, v) for v in variants}
    return page(request, "plans.html", {"active": "plans", "variants": variants, "jobs": jobs,
                                        "results": results, "dv": pick_version(db, None),
                                        "may_edit": {v.id: may_edit(user, v) for v in variants},
                                        "may_create": may_edit(user)})


@router.get("/planer/ny")
def new_variant_page(request: Request, user: User = reader, db: DbSession = database,
                     fran: Annotated[int | None, Query()] = None) -> Response:
    """The form of a new variant: the data's defaults, or with ``fran`` a copy of that variant's settings (how a
    party group starts its alternative budget from the officials' proposal)."""
    require_edit(user)
    version = pick_version(db, None)
    if version is None:
        return page(request, "empty.html", {"active": "plans"})
    data = model_of(request, version)
    base = variant_or_404(db, fran) if fran is not None else None
    settings = base.settings if base is not None and base.data_version_id == version.id else default_settings(data)
    ctx = form_context(request, None, data, settings)
    if base is not None:
        ctx["base"] = base
    return page(request, "variant_form.html", {**ctx, "dv": version})


@router.post("/planer")
async def create_variant_route(request: Request, user: User = reader) -> Response:
    form = await request.form()
    return await run_in_threadpool(_create_variant_form, request, user, form)


def _create_variant_form(request: Request, user: User, form: Any) -> Response:
    prepare_model(request)
    app = state(request)
    try:
        with transaction(app.factory) as db:
            version = pick_version(db, None)
            if version is None:
                raise HTTPException(409, "Ladda upp data först.")
            variant = create_variant(request, db, user, str(form.get("name", "")), str(form.get("description", "")),
                                     version, settings_from_form(form), party=str(form.get("party", "")))
    except PlanError as exc:
        with app.factory() as db:
            version = pick_version(db, None)
            assert version is not None
            data = model_of(request, version)
            ctx = form_context(request, None, data, default_settings(data))
            ctx.update(error=str(exc), dv=version, party=str(form.get("party", "")))
            return page(request, "variant_form.html", ctx, status_code=422)
    return RedirectResponse(f"/planer/{variant.id}", status_code=303)


def plan_columns(request: Request, db: DbSession, chosen: list[PlanVariant]) -> list[dict[str, Any]]:
    """Per variant: its result (optimiser) and its financial plan, merged into series per year."""
    cols = []
    for variant in chosen:
        job = current_result(db, variant)
        result = plan_result(request, job, variant)
        finance = None
        series: dict[str, Any] = {}
        years: list[int] = []
        if result:
            finance, _data = plan_finance(request, db, variant, variant.data_version)
            years = [int(y) for y in result.get("years", [])]
            # the stored result carries the plan's figures (the schedule replayed through the financial model);
            # results stored before it did get them from the financial plan computed here
            series = {k: result.get(k) for k, _label, _unit in COMPARE_METRICS if result.get(k)}
            if finance.available and finance.series:
                years = years or list(finance.years or [])
                for k, values in finance.series.items():
                    series.setdefault(k, values)
        met = []
        if finance is not None and finance.available:
            for r in finance.ratios or []:
                flags = [m for m in r["met"] if m is not None]
                met.append((r["label"], sum(flags), len(flags)))
        cols.append({"variant": variant, "job": job, "result": result, "series": series, "years": years,
                     "finance": finance, "met": met, "all_years_probability": all_years_probability(result),
                     "draws": ((result or {}).get("risk") or {}).get("draws"),
                     # the risk as the plan page says it (one place: the stored study's summary)
                     "risk": risk_view((result or {}).get("risk"), request.state.lang)})
    return cols


def comparison_weights(request: Request, chosen: list[PlanVariant], pick: int | None
                       ) -> tuple[int, list[tuple[int, str]], dict[str, float]]:
    """The one weight set every plan of the comparison is valued under: ``pick`` = 0 (the default) the
    officials' — the weights of the data as uploaded (sheet Mål) — or the id of one of the chosen variants for
    its weights. Returns the key chosen, the choices (key, label) and the weights."""
    data = model_of(request, chosen[0].data_version)
    choices = [(0, "Tjänstepersonernas vikter (underlaget)")]
    choices += [(v.id, f"{v.name} (v{v.version_no})" + (f", {v.party}" if v.party else "")) for v in chosen]
    by_id = {v.id: v for v in chosen}
    key = pick if pick in by_id else 0
    weights = dict(by_id[key].settings.get("weights") or {}) if key else default_settings(data)["weights"]
    return key, choices, {c: float(w) for c, w in weights.items()}


def same_weight_values(request: Request, columns: list[dict[str, Any]], weights: dict[str, float]) -> None:
    """Each column's plan value under ``weights`` (:func:`hushall.study.compare.value_under`: the optimiser's
    evaluation of the fixed plan on the variant's own data with these weights), and the projects in which each
    plan differs from the first column's (:func:`hushall.study.compare.schedule_difference`)."""
    from hushall.study.compare import schedule_difference, value_under

    reference = None
    for col in columns:
        schedule = schedule_of(col["result"]) if col["result"] else None
        col["schedule"] = schedule
        col["same_value"], col["value_error"], col["difference"] = None, None, None
        if schedule is None:
            continue
        variant = col["variant"]
        data = apply_variant(model_of(request, variant.data_version), {**variant.settings, "weights": weights})
        try:
            col["same_value"] = value_under(data, schedule)
        except PlanError as exc:
            col["value_error"] = str(exc)
        if reference is None:
            reference = schedule
        else:
            col["difference"] = schedule_difference(reference, schedule)


@router.get("/planer/jamfor")
def compare_page(request: Request, user: User = reader, db: DbSession = database,
                 v: Annotated[list[int] | None, Query()] = None,
                 vikter: Annotated[int | None, Query()] = None) -> Response:
    ids = list(dict.fromkeys(v or []))
    variants = list_variants(db)
    if not 2 <= len(ids) <= 4:
        return cached_page(request, "compare.html", {"active": "plans", "variants": variants, "chosen": [],
                                                     "error": "Välj 2–4 varianter att jämföra." if ids else None},
                           key=None, title="Jämför planvarianter")
    chosen = [variant_or_404(db, i) for i in ids]
    weight_key, weight_choices, weights = comparison_weights(request, chosen, vikter)
    # the page is the same for the same variants, results and weights: its key from the jobs' ids alone (no
    # results loaded), the columns computed only when the page is not cached yet
    key = (tuple((v.id, v.row_version, current_result_id(db, v)) for v in chosen), weight_key)

    def columns_context() -> dict[str, Any]:
        columns = plan_columns(request, db, chosen)
        same_weight_values(request, columns, weights)
        years: list[int] = next((c["years"] for c in columns if c["years"]), [])
        target_labels = list(dict.fromkeys(label for c in columns for label, _m, _n in c["met"]))
        ratio_rows = [(label, unit, [((c["result"] or {}).get("ratios") or {}).get(k) or [None] for c in columns])
                      for k, label, unit in PLAN_RATIOS]
        ratio_rows = [r for r in ratio_rows if any(v[-1] is not None for v in r[2])]
        data = model_of(request, chosen[0].data_version)
        names = dict(zip(data.projects["project_id"].astype(str), data.projects["name"].astype(str), strict=True))
        return {"columns": columns, "years": years, "target_labels": target_labels, "ratio_rows": ratio_rows,
                "names": names, "price_base_year": data.price_base_year}

    return cached_page(request, "compare.html", {"active": "plans", "variants": variants, "chosen": chosen,
                                                 "metrics": COMPARE_METRICS, "ids": ids,
                                                 "weights": weights, "weight_key": weight_key,
                                                 "weight_choices": weight_choices,
                                                 "query": "&".join(f"v={i}" for i in ids), "error": None},
                       key=key, title="Jämför planvarianter", more=columns_context)


def compare_frame(columns: list[dict[str, Any]], metric: str, scale: float) -> pd.DataFrame:
    rows = []
    for col in columns:
        values = col["series"].get(metric)
        if not values:
            continue
        label = f"{col['variant'].name} (v{col['variant'].version_no})"
        for year, value in zip(col["years"], values, strict=False):
            if value is not None:
                rows.append({"year": int(year), "value": float(value) / scale, "variant": label})
    return pd.DataFrame(rows, columns=["year", "value", "variant"])


@router.get("/planer/jamfor/diagram/{metric}.svg")
def compare_chart(request: Request, metric: str, user: User = reader, db: DbSession = database,
                  v: Annotated[list[int] | None, Query()] = None) -> Response:
    spec = {m[0]: m for m in COMPARE_METRICS}.get(metric)
    ids = list(dict.fromkeys(v or []))
    if spec is None or not 1 <= len(ids) <= 4:
        raise HTTPException(404, "Sidan finns inte.")
    chosen = [variant_or_404(db, i) for i in ids]
    columns = plan_columns(request, db, chosen)
    lang = request.state.lang
    scale = 1e6 if spec[2] == "kr" else 1.0
    unit = ("Mkr" if lang == "sv" else "MSEK") if spec[2] == "kr" else translate("Platser", lang)
    frame = compare_frame(columns, metric, scale)

    def make() -> object:
        title = translate(spec[1], lang)
        if metric == "investments_kr":
            return charts.bar_chart(frame, x="year", y="value", series="variant", title=title, y_title=unit, lang=lang)
        return charts.line_chart(frame, x="year", y="value", series="variant", title=title, y_title=unit, lang=lang,
                                 dashed=True)

    key = ("compare", metric, tuple((c["variant"].id, c["job"].id if c["job"] else None) for c in columns), lang)
    return svg_response(request, key, make)


def figure_table(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """The plan's figures at every fifth year and the last (what the plan page shows at a glance)."""
    if not result or not result.get("years"):
        return None
    years = [int(y) for y in result["years"]]
    picks = sorted({*range(0, len(years), 5), len(years) - 1})
    rows = []
    for key, label, unit in COMPARE_METRICS:
        values = result.get(key)
        if values:
            rows.append((f"{label}, {PRICE_BASIS.get(key, '')}".rstrip(", "), "mkr" if unit == "kr" else unit,
                         [values[i] if i < len(values) else None for i in picks]))
    ratios = result.get("ratios") or {}
    for key, label, unit in PLAN_RATIOS:
        values = ratios.get(key)
        if values:
            rows.append((label, unit, [values[i] if i < len(values) else None for i in picks]))
    pby = result.get("price_base_year")
    note = (f"Löpande priser: varje års egna priser. Fasta priser: prisbasårets ({pby}) priser, som projektens "
            "kostnader och målens tak." if pby else None)
    return {"years": [years[i] for i in picks], "rows": rows, "note": note} if rows else None


@router.get("/planer/{variant_id}")
def variant_page(request: Request, variant_id: int, user: User = reader, db: DbSession = database,
                 konflikt: int = 0, beslut: str = "") -> Response:
    variant = variant_or_404(db, variant_id)
    job = latest_job(db, variant)
    done = current_result(db, variant)
    data = model_of(request, variant.data_version)
    names = dict(zip(data.projects["project_id"].astype(str), data.projects["name"].astype(str), strict=True))
    result = plan_result(request, done, variant)
    finance = plan_finance(request, db, variant, variant.data_version)[0] if result else None
    return page(request, "variant.html", {
        "active": "plans", "variant": variant, "job": job, "done": done, "result": result,
        "fields": [(f, f.to_display(variant.settings["targets"].get(f.target_type))) for f in TARGET_FIELDS],
        "names": names, "conflict": bool(konflikt), "active_states": ACTIVE_STATES,
        "decide_refused": beslut == "saknar-resultat", "may_edit": may_edit(user, variant),
        "stale": job is not None and job.status == "done" and (done is None or done.id != job.id),
        "reinvestment_choices": REINVESTMENT_CHOICES,
        "figures": figure_table(result),
        "risk": risk_view((result or {}).get("risk"), request.state.lang),
        "robust": robust_sentences((result or {}).get("robust"), request.state.lang),
        "dv": variant.data_version,
        "verdict": finance.verdict if finance is not None and finance.available else None,
    })


@router.get("/planer/{variant_id}/risk/{name}.svg")
def risk_chart(request: Request, variant_id: int, name: str, user: User = reader,
               db: DbSession = database) -> Response:
    """The plan's risk charts: ``sannolikhet`` (each target per year), the fan charts of :data:`FAN_CHARTS` and
    ``tornado`` — :mod:`hushall.reports.risk_charts`' own, drawn from the stored summary."""
    from hushall.reports import risk_charts
    from hushall.study.risk import StoredMonteCarlo

    variant = variant_or_404(db, variant_id)
    job = current_result(db, variant)
    risk = (plan_result(request, job, variant) or {}).get("risk")
    if not isinstance(risk, dict) or not risk.get("targets") or (
            name not in FAN_CHARTS and name not in ("sannolikhet", "tornado")):
        raise HTTPException(404, "Sidan finns inte.")
    if name in FAN_CHARTS and FAN_CHARTS[name] not in (risk.get("lines") or {}):
        raise HTTPException(404, "Sidan finns inte.")
    if name == "tornado" and not (risk.get("drivers") or {}).get("resultat_summa"):
        raise HTTPException(404, "Sidan finns inte.")
    lang = request.state.lang
    assert job is not None

    def make() -> object:
        mc = StoredMonteCarlo.from_risk(risk)
        if name == "sannolikhet":
            return risk_charts.probability_chart(mc)
        if name == "tornado":
            return risk_charts.tornado_chart(mc)
        return charts.configure(risk_charts.fan_chart(mc, FAN_CHARTS[name], height=180), lang)

    return svg_response(request, ("risk", variant.id, job.id, name, lang), make)


@router.get("/planer/{variant_id}/jobb")
def job_fragment(request: Request, variant_id: int, user: User = reader, db: DbSession = database) -> Response:
    variant = variant_or_404(db, variant_id)
    job = latest_job(db, variant)
    headers = {}
    if job is not None and job.status not in ACTIVE_STATES and request.query_params.get("polling") == "1":
        headers["HX-Refresh"] = "true"  # the job has ended: reload to show the result
    done = current_result(db, variant)
    stale = job is not None and job.status == "done" and (done is None or done.id != job.id)
    return page(request, "_job.html", {"variant": variant, "job": job, "active_states": ACTIVE_STATES,
                                       "stale": stale}, headers=headers)


@router.get("/planer/{variant_id}/redigera")
def edit_variant_page(request: Request, variant_id: int, user: User = reader,
                      db: DbSession = database) -> Response:
    variant = variant_or_404(db, variant_id)
    require_edit(user, variant)
    data = model_of(request, variant.data_version)
    return page(request, "variant_form.html", {**form_context(request, variant, data, variant.settings),
                                               "dv": variant.data_version})


@router.post("/planer/{variant_id}")
async def update_variant_route(request: Request, variant_id: int, user: User = reader) -> Response:
    form = await request.form()
    return await run_in_threadpool(_update_variant_form, request, variant_id, user, form)


def _update_variant_form(request: Request, variant_id: int, user: User, form: Any) -> Response:
    prepare_model(request, variant_id)
    app = state(request)
    try:
        with transaction(app.factory) as db:
            variant = variant_or_404(db, variant_id)
            try:
                row_version = int(str(form.get("row_version", "")))
            except ValueError as exc:
                raise PlanError("Formuläret saknar planvariantens version; ladda om sidan.") from exc
            saved = update_variant(request, db, user, variant, row_version, str(form.get("name", "")),
                                   str(form.get("description", "")), settings_from_form(form),
                                   party=str(form["party"]) if "party" in form else None)
            saved_id = saved.id
    except (VariantConflict, PlanError) as exc:
        conflict = isinstance(exc, VariantConflict)
        with app.factory() as db:
            variant = variant_or_404(db, variant_id)
            data = model_of(request, variant.data_version)
            ctx = form_context(request, variant, data, variant.settings)
            ctx.update(error=str(exc), dv=variant.data_version, conflict=conflict)
            return page(request, "variant_form.html", ctx, status_code=409 if conflict else 422)
    return RedirectResponse(f"/planer/{saved_id}", status_code=303)


@router.post("/planer/{variant_id}/besluta")
async def decide_route(request: Request, variant_id: int, user: User = planner) -> Response:
    form = await request.form()
    return await run_in_threadpool(_decide_form, request, variant_id, user, form)


def _decide_form(request: Request, variant_id: int, user: User, form: Any) -> Response:
    try:
        with transaction(state(request).factory) as db:
            variant = variant_or_404(db, variant_id)
            try:
                row_version = int(str(form.get("row_version", "")))
            except ValueError as exc:
                raise PlanError("Formuläret saknar planvariantens version; ladda om sidan.") from exc
            decide_variant(db, user, variant, row_version)
    except NoCurrentResult:
        return RedirectResponse(f"/planer/{variant_id}?beslut=saknar-resultat", status_code=303)
    except (VariantConflict, PlanError):
        return RedirectResponse(f"/planer/{variant_id}?konflikt=1", status_code=303)
    return RedirectResponse(f"/planer/{variant_id}", status_code=303)


@router.post("/planer/{variant_id}/optimera")
def run_route(request: Request, variant_id: int, user: User = reader) -> Response:
    app = state(request)
    with transaction(app.factory) as db:
        variant = variant_or_404(db, variant_id)
        require_edit(user, variant)
        submit_job(db, variant, user)
    if app.dispatcher is not None:
        app.dispatcher.wake()
    return RedirectResponse(f"/planer/{variant_id}", status_code=303)


@router.get("/planer/{variant_id}/plan.xlsx")
def plan_excel(request: Request, variant_id: int, user: User = reader, db: DbSession = database) -> Response:
    variant = variant_or_404(db, variant_id)
    job = current_result(db, variant)

    def make() -> bytes:
        finance, data = plan_finance(request, db, variant, variant.data_version)
        return plan_workbook(variant, plan_result(request, job, variant), data, finance)

    content = frozen_document(request, user, variant.id, "xlsx", make) if variant.status == "beslutad" else make()
    return attachment(content, f"hushall-plan-{variant.id}-v{variant.version_no}.xlsx", XLSX)


@router.get("/planer/{variant_id}/plan.pdf")
def plan_pdf(request: Request, variant_id: int, user: User = reader, db: DbSession = database) -> Response:
    """The plan document (PDF) of :mod:`hushall.reports.document`, rendered once per variant result from its
    plan study (:func:`hushall.web.services.plan_study`: its Monte Carlo analysis recomputed with the stored draws
    and seed, so the document and the plan page show the same probabilities)."""
    variant = variant_or_404(db, variant_id)
    module = pdf_module()
    job = current_result(db, variant)
    label = f"{variant.data_version.number} ({variant.name}, v{variant.version_no})"
    _, frontier_job = frontier_jobs(db, variant)  # the price of each choice, when computed: chapter "Vad kostar valen?"

    def make() -> bytes:
        study, data = plan_study(request, job, variant)
        if study is None:  # no result yet: the projects already decided, without a risk analysis
            study = run_study(data, PlanRequest(source="committed", draws=0))
        if frontier_job is not None:
            study.frontier = frontier_of_job(request, frontier_job)
        return bytes(module.plan_document_pdf(data, study, data_version=label))

    key = ("pdf", variant.id, variant.row_version, job.id if job else None,
           frontier_job.id if frontier_job else None)
    try:
        if variant.status == "beslutad":  # the document of the decision: the same bytes forever
            content = frozen_document(request, user, variant.id, "pdf", make)
        else:
            content = state(request).views.get_or_make(key, make)
    except PlanError as exc:
        raise HTTPException(422, str(exc)) from exc
    return attachment(content, f"hushall-plandokument-{variant.id}-v{variant.version_no}.pdf", "application/pdf")
