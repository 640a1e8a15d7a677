"""Pages 1 Översikt, 3 Behov, 4 Ekonomi, 6 Rapport and their API twins; formatting, charts, static files."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import event
from test_web_plans import create

from hushall.formatting import fmt_mkr, fmt_pct, fmt_tkr


def test_overview_shows_population_ratios_debt_and_places(reader: Any) -> None:
    html = reader.get("/").text
    for text in ("Befolkning per åldersgrupp", "80 år och äldre", "Jämförelse: utan projekt (nollalternativ)",
                 "Underhållsskuld nu", "Platser som saknas inom räckhåll, utan projekt", "Särskilt boende",
                 "Ingen planvariant har ett resultat än"):
        assert text in html
    assert "cell-ok" in html  # targets marked per year
    assert "uppfyllt" in html  # not by colour alone
    assert "\u00a0Mkr" in html  # Swedish amounts


def test_needs_page(reader: Any) -> None:
    html = reader.get("/behov").text
    for text in ("Förnyelsebehov per år", "Underhållsskuld över tid", "Kapacitet och efterfrågan",
                 "Karta", "/karta/version/1", "Samhällsviktiga anläggningar utan reservkraft"):
        assert text in html
    for name in ("population", "renewal", "debt", "capacity"):
        r = reader.get(f"/diagram/1/{name}.svg")
        assert r.status_code == 200 and r.content.lstrip().startswith(b"<svg"), name
        assert b"http://" not in r.content.replace(b"http://www.w3.org", b"")  # nothing fetched from the net


def test_needs_page_tables_are_made_once(reader: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Behov's HTML is cached per data version: its pivot of the renewal need is made only for the first request."""
    calls = []
    real = pd.DataFrame.pivot_table
    monkeypatch.setattr(pd.DataFrame, "pivot_table", lambda self, *a, **kw: calls.append(1) or real(self, *a, **kw))
    first = reader.get("/behov").text
    assert len(calls) == 1
    assert reader.get("/behov").text == first and len(calls) == 1


def test_plans_list_reads_no_job_result(app: Any, planner: Any, reader: Any) -> None:
    """Planer needs each job's status, not its stored result (~176 kB of JSON a plan): ``Job.result`` is deferred."""
    from hushall.web.db import transaction
    from hushall.web.models import Job, PlanVariant

    vid = create(planner, "Med resultat")
    hs = app.state.hushall
    with transaction(hs.factory) as db:
        v = db.get(PlanVariant, vid)
        db.add(Job(kind="optimise", variant_id=vid, variant_row_version=v.row_version, status="done", progress=1.0,
                   result={"marker": "x" * 1000}))
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(hs.engine, "before_cursor_execute", seen)
    try:
        html = reader.get("/planer").text
    finally:
        event.remove(hs.engine, "before_cursor_execute", seen)
    assert "Med resultat" in html and "Klar" in html
    job_selects = [s for s in statements if "FROM jobs" in s]
    assert job_selects and not [s for s in job_selects if "jobs.result" in s], job_selects


def test_economy_page_shows_three_statements_and_ratios(reader: Any) -> None:
    html = reader.get("/ekonomi").text
    for text in ("Resultaträkning", "Balansräkning", "Kassaflödesanalys", "Finansiella nyckeltal",
                 "Årets resultat", "Nyckeltal mot mål"):
        assert text in html


def test_report_page_lists_downloads(reader: Any, planner: Any) -> None:
    planner.post("/planer", {"name": "Rapportplan"})
    html = reader.get("/rapport").text
    assert "Rapportplan" in html and "plan.xlsx" in html


def test_api_mirrors_the_pages(reader: Any) -> None:
    ov = reader.get("/api/v1/overview").json()
    assert ov["municipality"] == "Exempelkommun" and ov["maintenance_debt_kr"] > 0
    assert ov["finance"]["available"] is True
    needs = reader.get("/api/v1/needs").json()
    assert {"renewal", "capacity", "readiness"} <= set(needs)
    econ = reader.get("/api/v1/economy").json()
    assert set(econ["statements"]) == {"Resultaträkning", "Balansräkning", "Kassaflödesanalys"}
    table = reader.get("/api/v1/data/versions/1/tables/facilities?limit=3").json()
    assert len(table["rows"]) == 3 and table["columns"][0] == "anläggning_id"


def test_openapi_and_docs_are_served_locally(reader: Any) -> None:
    schema = reader.get("/api/openapi.json").json()
    assert "/api/v1/variants" in schema["paths"]
    assert all(p.startswith("/api/") for p in schema["paths"])
    docs = reader.get("/api/docs").text
    assert "/api/v1/data/versions" in docs and "cdn" not in docs.lower()


def test_all_assets_are_served_by_the_package(reader: Any) -> None:
    html = reader.get("/").text
    assert "https://" not in html and "http://" not in html
    for asset in ("/static/htmx.min.js", "/static/hushall.css"):
        r = reader.get(asset)
        assert r.status_code == 200 and len(r.content) > 1000
    assert reader.get("/static/htmx.min.js").text.startswith("/*! htmx")


def test_swedish_and_english_number_formats() -> None:
    assert fmt_mkr(-12_345_678, lang="sv") == "\u221212,3\u00a0Mkr"
    assert fmt_tkr(1_234_567, lang="sv") == "1\u00a0235\u00a0tkr"
    assert fmt_pct(0.1234, lang="sv") == "12,3\u00a0%"
    assert fmt_mkr(126_000_000, lang="en") == "126.0\u00a0MSEK"


def test_unknown_pages_and_versions_are_404(reader: Any) -> None:
    assert reader.get("/finns-inte").status_code == 404
    assert reader.get("/data/versioner/99").status_code == 404
    assert reader.get("/planer/99").status_code == 404
    assert reader.get("/api/v1/variants/99").status_code == 404


def test_empty_database_says_how_to_start(browser_for: Any, tmp_path: Any) -> None:
    from fastapi.testclient import TestClient
    from web_helpers import Browser, make_settings, seed

    from hushall.web.app import create_app

    url = f"sqlite:///{tmp_path / 'tom.sqlite'}"
    seed(url, with_example=False)
    with TestClient(create_app(make_settings(url))) as client:
        b = Browser(client)
        b.login("reader")
        assert "Inga data ännu" in b.get("/").text
        assert "Inga data ännu" in b.get("/behov").text


def test_overview_and_economy_state_the_verdict_and_never_flatter(reader: Any) -> None:
    from tests.helpers import flattering_sentences

    from hushall.examples import exempelkommun
    from hushall.finance import forecast
    from hushall.finance.verdict import assess
    from hushall.reports.verdict import verdict_sentence

    data = exempelkommun()
    verdict = assess(data, forecast(data))
    assert verdict.assets is not None and verdict.assets.grows  # the example's baseline: its debt grows
    sentence = verdict_sentence(verdict)
    for url in ("/", "/ekonomi"):
        html = reader.get(url).text
        assert "Håller god ekonomisk hushållning?" in html
        assert html.count('class="verdict"') == 1
        text = re.sub(r"<[^>]+>", " ", html)
        assert sentence.replace("\u00a0", " ") in text.replace("&nbsp;", " ").replace("\u00a0", " ")
        assert not flattering_sentences(text), url


def test_the_overviews_debt_table_is_the_baselines_the_verdict_names(reader: Any) -> None:
    """The baseline (nollalternativet) is the committed projects with today's reinvestment: the debt table beside
    the verdict shows the same maintenance debt as the verdict (before, the table left the committed projects out:
    201,0 Mkr in 2054 under a verdict saying 193,9 Mkr)."""
    from hushall.examples import exempelkommun
    from hushall.finance import forecast
    from hushall.finance.verdict import assess

    data = exempelkommun()
    verdict = assess(data, forecast(data))
    assert verdict.assets is not None
    html = reader.get("/").text
    table = html[html.index("Underhållsskuld över tid"):]
    row = re.search(rf"<th scope=\"row\">{data.years[-1]}</th><td>([^<]+)</td>", table)
    assert row is not None
    assert row.group(1) == fmt_mkr(verdict.assets.debt_last_kr)
    assert fmt_mkr(verdict.assets.debt_last_kr) in html[:html.index("Underhållsskuld över tid")]  # the verdict's
