"""Page *Vad kostar valen?* of a plan variant: started as a background job of its own (kind ``frontier``), run by
the worker exactly as a worker process would (the real optimiser, with fewer frames and a short time limit), then
shown in Swedish with its charts; it is not mistaken for the variant's optimisation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from test_web_budgets import pdf_words
from test_web_plans import create
from web_helpers import Browser

from hushall.web.models import Job
from hushall.web.worker import run_job


@pytest.fixture
def quick_frontier(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real computation on three frames, one process and 1 s per solve (the page test is about the page)."""
    import hushall.study.frontier as frontier

    real = frontier.compute_frontier

    def quick(source: Any, **kw: Any) -> Any:
        return real(source, **{**kw, "steps": 3, "time_limit_s": 1.0, "workers": 1})

    monkeypatch.setattr(frontier, "compute_frontier", quick)


def test_frontier_page_runs_as_a_job_and_shows_the_price_of_each_choice(
        app: Any, planner: Browser, reader: Browser, sqlite_url: str, quick_frontier: None, tmp_path: Path) -> None:
    vid = create(planner, "Ramen i dag", **{"target__investeringstak_kr": "185"})
    assert "Vad kostar valen?" not in pdf_words(reader.get(f"/planer/{vid}/plan.pdf").content, tmp_path)
    page = reader.get(f"/planer/{vid}/prisfront")
    assert page.status_code == 200
    assert "har inte räknats" in page.text and "Räkna ut priset" not in page.text  # a reader cannot start it
    assert reader.post(f"/planer/{vid}/prisfront").status_code == 403

    r = planner.post(f"/planer/{vid}/prisfront")
    assert r.status_code == 303 and r.headers["location"] == f"/planer/{vid}/prisfront"
    again = planner.post(f"/planer/{vid}/prisfront")  # asked twice: one job
    assert again.status_code == 303
    factory = app.state.hushall.factory
    with factory() as db:
        jobs = db.scalars(select(Job).where(Job.variant_id == vid)).all()
        assert [(j.kind, j.status) for j in jobs] == [("frontier", "queued")]
        job_id = jobs[0].id
    running = planner.get(f"/planer/{vid}/prisfront")
    assert f'hx-get="/planer/{vid}/prisfront/jobb?polling=1"' in running.text
    # the plan page does not take the frontier job for its optimisation
    assert "Ingen optimering har körts" in planner.get(f"/planer/{vid}").text

    assert run_job(sqlite_url, job_id) == "done"
    fragment = planner.get(f"/planer/{vid}/prisfront/jobb?polling=1")
    assert fragment.headers.get("HX-Refresh") == "true"
    html = planner.get(f"/planer/{vid}/prisfront").text
    assert "Planens värde mot investeringsramen" in html
    # today's frame is the variant's ceiling (185 Mkr/år), in Swedish formatting, marked as today's choice
    assert re.search(r"185\xa0Mkr \(100\xa0%\) <strong>· dagens val</strong>", html)
    assert re.search(r"278\xa0Mkr \(150\xa0%\)", html)
    assert "balanskravet (M5)" in html and "Prioritetsstegen" in html
    assert not re.search(r"\b(None|nan|target|feasible)\b", html)
    chart = planner.get(f"/planer/{vid}/prisfront/prisfront.svg")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert "Vad kostar valen?" in chart.text
    assert planner.get(f"/planer/{vid}/prisfront/okand.svg").status_code == 404
    # the plan document now carries the chapter, with the frame marked as the variant's choice
    words = pdf_words(reader.get(f"/planer/{vid}/plan.pdf").content, tmp_path)
    assert "Vad kostar valen?" in words and "Prioritetsstegen" in words
    # still no optimisation result on the plan page, and the link to this page is there once the plan is
    assert "Ingen optimering har körts" in planner.get(f"/planer/{vid}").text


def test_unknown_variant_is_404(reader: Browser) -> None:
    assert reader.get("/planer/99999/prisfront").status_code == 404
