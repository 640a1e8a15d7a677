"""Page *Vad kostar valen?* of a plan variant: the plan's value against the investment frame, what each target
costs and the priority ladder (:mod:`hushall.study.frontier`).

Computing it takes tens of seconds (some twenty re-solves), so it runs as a background job of its own (kind
``frontier``, :func:`hushall.web.jobs.submit_frontier`), not inside the variant's optimisation: a politician
changing a weight on Prioritera wants the plan in seconds, and the frontier is asked for far less often. The page
shows the newest frontier of the variant as it is now (its ``row_version``), or starts one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from hushall.web.db import transaction
from hushall.web.deps import database, identify, planner, reader, state
from hushall.web.jobs import ACTIVE_STATES, submit_frontier
from hushall.web.models import Job, PlanVariant, User
from hushall.web.rendering import page
from hushall.web.routes.common import model_of, svg_response
from hushall.web.services import variant_or_404

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)

CHARTS = ("prisfront", "prioritetsstege")


def frontier_jobs(db: DbSession, variant: PlanVariant) -> tuple[Job | None, Job | None]:
    """The newest frontier job of the variant as it is now, and the newest finished one (its result)."""
    rows = db.scalars(select(Job).where(Job.variant_id == variant.id, Job.kind == "frontier",
                                        Job.variant_row_version == variant.row_version)
                      .order_by(Job.id.desc())).all()
    done = next((j for j in rows if j.status == "done" and j.result), None)
    return (rows[0] if rows else None), done


def frontier_of_job(request: Request, job: Job) -> Any:
    """The frontier a finished job computed (read once per job)."""
    from hushall.study.frontier import Frontier

    return state(request).views.get_or_make(("frontier", job.id), lambda: Frontier.from_json(job.result or {}))


def frontier_view(request: Request, f: Any, names: dict[str, str]) -> dict[str, Any]:
    """What the page shows, formatted (Swedish numbers, amounts in Mkr in fixed prices)."""
    from hushall.formatting import fmt_mkr, fmt_number, fmt_pct
    from hushall.reports.frontier import (
        has_money,
        ladder_sentence,
        money_sentences,
        price_basis,
        target_label,
    )

    kpp = f.kr_per_point or 0.0

    def value(points: float | None) -> str:
        if points is None:
            return "–"
        return fmt_number(points, 1) + (f" (≈ {fmt_mkr(points * kpp, 0)})" if kpp else "")

    steps = [{"frame": f"{fmt_mkr(s.frame_kr, 0)} ({fmt_pct(s.share, 0)})", "value": value(s.value_points),
              "projects": len(s.schedule), "places": fmt_number(s.places_built),
              "debt": "–" if s.maintenance_debt_end_kr is None else fmt_mkr(s.maintenance_debt_end_kr, 0),
              "investment": fmt_mkr(s.investment_kr, 0), "meets": s.meets_targets, "current": s is f.current,
              "largest": "–" if s.largest_year_investment_kr is None else fmt_mkr(s.largest_year_investment_kr, 0),
              "reinvest": "–" if s.reinvestment_share_early is None else fmt_pct(s.reinvestment_share_early, 0),
              "debt_mean": "–" if s.maintenance_debt_mean_kr is None else fmt_mkr(s.maintenance_debt_mean_kr, 0),
              "debt_peak": "–" if s.maintenance_debt_peak_kr is None else fmt_mkr(s.maintenance_debt_peak_kr, 0),
              "gap": "–" if s.gap is None else fmt_pct(s.gap, 1)} for s in f.steps]
    prices = [{"target": target_label(p, names), "value": value(p.value_given_up_points),
               "in": ", ".join(p.projects_in), "out": ", ".join(p.projects_out)} for p in f.prices]
    ladder = [{"project": r.project, "name": r.name, "cost": fmt_mkr(r.cost_kr),
               "entry": "–" if r.entry_frame_kr is None else f"{fmt_mkr(r.entry_frame_kr, 0)} "
                                                             f"({fmt_pct(r.entry_share, 0)})",
               "stays": None if r.entry_share is None else r.stays, "current": r.in_current,
               "sentence": ladder_sentence(f, r)} for r in f.ladder]
    gap = f.max_gap
    return {"steps": steps, "prices": prices, "ladder": ladder, "notes": f.notes, "basis": price_basis(f),
            "frame": fmt_mkr(f.frame_kr, 0), "seconds": fmt_number(f.seconds, 0), "workers": f.workers,
            "time_limit": fmt_number(f.time_limit_s, 1, trim=True), "gap": None if gap is None else fmt_pct(gap, 1),
            "has_ladder": any(r.entry_share is not None for r in f.ladder), "has_money": has_money(f),
            "money": money_sentences(f)}


@router.get("/planer/{variant_id}/prisfront")
def frontier_page(request: Request, variant_id: int, user: User = reader, db: DbSession = database) -> Response:
    from hushall.reports.plan_reasons import target_names

    variant = variant_or_404(db, variant_id)
    job, done = frontier_jobs(db, variant)
    view = None
    if done is not None:
        view = frontier_view(request, frontier_of_job(request, done), target_names(model_of(request, variant.data_version)))
    return page(request, "frontier.html", {"active": "plans", "variant": variant, "job": job, "done": done,
                                           "f": view, "active_states": ACTIVE_STATES})


@router.get("/planer/{variant_id}/prisfront/jobb")
def frontier_job_fragment(request: Request, variant_id: int, user: User = reader,
                          db: DbSession = database) -> Response:
    variant = variant_or_404(db, variant_id)
    job, _ = frontier_jobs(db, variant)
    headers = {}
    if job is not None and job.status not in ACTIVE_STATES and request.query_params.get("polling") == "1":
        headers["HX-Refresh"] = "true"  # the job has ended: reload to show the frontier
    return page(request, "_frontier_job.html", {"variant": variant, "job": job, "active_states": ACTIVE_STATES},
                headers=headers)


@router.post("/planer/{variant_id}/prisfront")
def start_frontier(request: Request, variant_id: int, user: User = planner) -> Response:
    app = state(request)
    with transaction(app.factory) as db:
        variant = variant_or_404(db, variant_id)
        submit_frontier(db, variant, user)
    if app.dispatcher is not None:
        app.dispatcher.wake()
    return RedirectResponse(f"/planer/{variant_id}/prisfront", status_code=303)


@router.get("/planer/{variant_id}/prisfront/{name}.svg")
def frontier_chart_svg(request: Request, variant_id: int, name: str, user: User = reader,
                       db: DbSession = database) -> Response:
    from hushall.reports.frontier_charts import frontier_chart, ladder_chart

    variant = variant_or_404(db, variant_id)
    _, done = frontier_jobs(db, variant)
    if name not in CHARTS or done is None:
        raise HTTPException(404, "Sidan finns inte.")
    f = frontier_of_job(request, done)
    if name == "prioritetsstege" and not any(r.entry_share is not None for r in f.ladder):
        raise HTTPException(404, "Sidan finns inte.")
    return svg_response(request, ("frontier", done.id, name),
                        lambda: frontier_chart(f) if name == "prisfront" else ladder_chart(f))
