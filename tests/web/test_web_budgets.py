"""Alternative budgets of the party groups, decided variants frozen with their results and documents, and the
migration that brought both (0003)."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from test_web_plans import create, row_version, variant_form
from tests.helpers import pdf_text
from web_helpers import Browser, run_queued_plans, upload_files

from hushall.web.db import make_engine, session_factory
from hushall.web.models import DataTable, DataVersion, PlanVariant


def optimise(browser: Browser, vid: int) -> None:
    """Queue an optimisation of ``vid`` and run it (the stand-in planner) as a worker would."""
    assert browser.post(f"/planer/{vid}/optimera").status_code == 303
    assert run_queued_plans(browser.client.app) >= 1


def decide(browser: Browser, vid: int) -> str:
    r = browser.post(f"/planer/{vid}/besluta", {"row_version": str(row_version(browser, vid))})
    assert r.status_code == 303
    return str(r.headers["location"])


def pdf_words(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    return pdf_text(path, "-layout")


def planned_ids(browser: Browser, vid: int) -> set[str]:
    result = browser.get(f"/api/v1/variants/{vid}").json().get("result") or {}
    schedule = result.get("schedule") or []
    return {str(p["project_id"]) for p in schedule}


# --- a decided variant is frozen with its results -------------------------------------------------------------------


def test_edited_then_decided_variant_is_refused_without_results_then_frozen_with_them(
        planner: Browser, reader: Browser, tmp_path: Path) -> None:
    """The defect of issue 13: edited after its optimisation and then marked decided, a variant showed
    'Klar – 20 projekt i planen' but no results, and its PDF held only the 2 must-do projects."""
    vid = create(planner, must_do=["P-01", "P-03"])
    optimise(planner, vid)
    first_plan = planned_ids(planner, vid)
    assert len(first_plan) > 2
    # edit: the result is now for old settings
    r = planner.post(f"/planer/{vid}", variant_form("Plan A ändrad", must_do=["P-01", "P-03"],
                                                     row_version=str(row_version(planner, vid))))
    assert r.status_code == 303
    page = planner.get(f"/planer/{vid}").text
    assert "gäller inställningar som har ändrats" in page
    # deciding without a current result is refused and says what to do
    location = decide(planner, vid)
    assert location.endswith("beslut=saknar-resultat")
    assert planner.get(f"/api/v1/variants/{vid}").json()["status"] == "utkast"
    assert "Kör optimeringen, vänta tills den är klar och besluta sedan." in planner.get(location).text
    # with a current result it is decided, and the page and the documents show that result
    optimise(planner, vid)
    decide(planner, vid)
    state = planner.get(f"/api/v1/variants/{vid}").json()
    assert state["status"] == "beslutad"
    plan = planned_ids(planner, vid)
    page = planner.get(f"/planer/{vid}").text
    assert "Beslutad och låst" in page and "Valda projekt" in page
    pdf = planner.get(f"/planer/{vid}/plan.pdf")
    assert pdf.status_code == 200
    words = pdf_words(pdf.content, tmp_path)
    # the document's plan chapter lists every planned project, not only the two that must be done
    assert "Angiven plan" not in words.split("\n", 40)[0]
    in_document = set(re.findall(r"\bP-\d\d\b", words))
    assert plan <= in_document
    xlsx = planner.get(f"/planer/{vid}/plan.xlsx").content
    import openpyxl

    sheet_ids = {str(c.value) for ws in openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets
                 for row in ws.iter_rows() for c in row if isinstance(c.value, str) and re.fullmatch(r"P-\d\d", c.value)}
    assert plan <= sheet_ids
    # a later data upload and a later optimisation of the same variant change nothing in what was decided
    from test_web_robustness import TJANSTER_CHANGED

    outcome = upload_files(planner, [("Tjänster.csv", TJANSTER_CHANGED.encode())], base_version=1)
    assert outcome.status == "done" and outcome.version == 2
    optimise(planner, vid)
    assert planner.get(f"/planer/{vid}/plan.pdf").content == pdf.content
    assert reader.get(f"/planer/{vid}/plan.xlsx").content == xlsx
    with session_factory(make_engine(str(planner.client.app.state.hushall.settings.database_url)))() as db:
        frozen = db.get(PlanVariant, vid)
        assert frozen is not None and frozen.frozen_sha256 == {
            "pdf": hashlib.sha256(pdf.content).hexdigest(), "xlsx": hashlib.sha256(xlsx).hexdigest()}
        assert frozen.decided_job_id is not None
    # editing a decided variant makes a new draft; the decided one keeps its result
    r = planner.post(f"/planer/{vid}", variant_form("Ny version", row_version=str(state["row_version"])))
    new_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert new_id != vid and planner.get(f"/api/v1/variants/{new_id}").json()["status"] == "utkast"
    assert planned_ids(planner, vid) and "Valda projekt" in planner.get(f"/planer/{vid}").text


# --- alternative budgets ----------------------------------------------------------------------------------------------


def snapshot(url: str) -> dict[str, Any]:
    """The officials' data versions and variants, byte for byte (every column of every row)."""
    engine = make_engine(url)
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in ("data_versions", "data_tables", "plan_variants"):
            out[table] = [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
    engine.dispose()
    return out


def test_a_party_variant_leaves_the_officials_data_and_variants_untouched(planner: Browser, reader: Browser,
                                                                         sqlite_url: str) -> None:
    official = create(planner, "Tjänstepersonernas förslag", must_do=["P-01"])
    optimise(planner, official)
    before = snapshot(sqlite_url)
    # the politician starts from the officials' variant and makes the group's own proposal
    form = reader.get(f"/planer/ny?fran={official}")
    assert form.status_code == 200 and "Utgår från" in form.text and 'name="party"' in form.text
    r = reader.post("/planer", variant_form("Gröna förslaget", party="Gröna gruppen", must_do=["P-01", "P-05"],
                                            weight__politik="0,4", weight__lagkrav="0,1"))
    assert r.status_code == 303, r.text
    mine = int(r.headers["location"].rsplit("/", 1)[1])
    edited = reader.post(f"/planer/{mine}", variant_form("Gröna förslaget 2", party="Gröna gruppen",
                                                         must_do=["P-05"], row_version=str(row_version(reader, mine))))
    assert edited.status_code == 303
    optimise(reader, mine)
    after = snapshot(sqlite_url)
    assert after["data_versions"] == before["data_versions"] and after["data_tables"] == before["data_tables"]
    assert [r for r in after["plan_variants"] if r[0] != mine] == before["plan_variants"]
    v = reader.get(f"/api/v1/variants/{mine}").json()
    assert v["name"] == "Gröna förslaget 2" and v["settings"]["must_do"] == ["P-05"]
    page = reader.get(f"/planer/{mine}").text
    assert "Partigruppens förslag" in page and "Gröna gruppen" in page and "Valda projekt" in page
    assert "Gröna gruppen" in reader.get("/planer").text


def test_a_politician_may_not_change_others_variants_decide_or_change_data(planner: Browser, reader: Browser,
                                                                           browser_for: Any) -> None:
    official = create(planner, "Tjänstepersonernas förslag")
    rv = str(row_version(planner, official))
    assert reader.post(f"/planer/{official}", variant_form("Kapat", row_version=rv)).status_code == 403
    assert reader.get(f"/planer/{official}/redigera").status_code == 403
    assert reader.post(f"/planer/{official}/optimera").status_code == 403
    assert reader.post(f"/planer/{official}/besluta", {"row_version": rv}).status_code == 403
    assert reader.post("/data/ladda-upp", {"comment": "x"}).status_code == 403
    # a proposal needs the group's name
    r = reader.post("/planer", variant_form("Utan grupp"))
    assert r.status_code == 422 and "partigrupp" in r.text
    mine = create(reader, "Mitt", party="Röda gruppen")
    assert reader.post(f"/planer/{mine}/besluta", {"row_version": str(row_version(reader, mine))}).status_code == 403
    # another politician may read it but not change it
    other = browser_for(None)
    from hushall.web.security import add_user

    with other.client.app.state.hushall.factory() as db, db.begin():
        add_user(db, "lisa", "lisas-lösen-123", "läsare")
    assert other.login("lisa", "lisas-lösen-123").status_code == 303
    assert other.get(f"/planer/{mine}").status_code == 200
    assert other.post(f"/planer/{mine}", variant_form("Kapat", party="Blå",
                                                      row_version=str(row_version(reader, mine)))).status_code == 403
    assert reader.get(f"/api/v1/variants/{mine}").json()["name"] == "Mitt"
    assert planner.get(f"/api/v1/variants/{official}").json()["name"] == "Tjänstepersonernas förslag"


@pytest.mark.parametrize("hostile", [
    "<script>alert('x')</script>",
    "=HYPERLINK(\"http://example.invalid\",\"klicka\")",
    "Grupp\x00\x1b[31m med\u202e kontrolltecken\n\tpå flera rader",
    "x" * 5000,
    "'; DROP TABLE plan_variants; --",
])
def test_hostile_party_names_are_stored_safely_and_shown_as_text(reader: Browser, hostile: str) -> None:
    mine = create(reader, "Förslag", party=hostile)
    v = reader.get(f"/api/v1/variants/{mine}").json()
    assert v["party"] and len(v["party"]) <= 120
    assert all(ch.isprintable() for ch in v["party"])
    for url in (f"/planer/{mine}", "/planer"):
        page = reader.get(url)
        assert page.status_code == 200
        assert "<script>alert" not in page.text
    # the workbook writes the name as text, never as a formula
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(reader.get(f"/planer/{mine}/plan.xlsx").content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    assert reader.get("/api/v1/variants").status_code == 200


def test_two_planners_and_a_politician_edit_different_variants_at_once(browser_for: Any) -> None:
    anna, bertil, politiker = browser_for("planner"), browser_for("admin"), browser_for("reader")
    ids = [create(anna, "Annas"), create(bertil, "Bertils"), create(politiker, "Politikerns", party="Gula gruppen")]
    people = [anna, bertil, politiker]
    barrier = threading.Barrier(3)
    results: list[Any] = [None] * 3

    def work(k: int) -> None:
        browser, vid = people[k], ids[k]
        seen = str(row_version(browser, vid))
        barrier.wait()
        results[k] = browser.post(f"/planer/{vid}", variant_form(f"Ändrad {k}", party="Gula gruppen" if k == 2 else "",
                                                                 row_version=seen)).status_code

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == [303, 303, 303]
    for k, vid in enumerate(ids):
        v = anna.get(f"/api/v1/variants/{vid}").json()
        assert v["name"] == f"Ändrad {k}" and v["row_version"] == 2


def test_migration_0003_upgrades_a_0002_database_with_data_in_it(tmp_path: Path) -> None:
    from alembic import command

    from hushall.web.db import alembic_config, current_revision, migrate

    url = f"sqlite:///{tmp_path / 'gammal.sqlite'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0002")
    assert current_revision(engine) == "0002"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO data_versions (number, comment, filename, file_kind, file_sha256, "
                          "municipality, base_year, summary, created_at) VALUES (1, '', 'x.xlsx', 'xlsx', 'ab', "
                          "'Exempelkommun', 2024, 's', '2026-01-01')"))
        conn.execute(text("INSERT INTO plan_variants (family_id, version_no, name, description, data_version_id, "
                          "settings, status, row_version, created_at, updated_at) VALUES (1, 1, 'Gammal', '', 1, "
                          "'{}', 'beslutad', 2, '2026-01-01', '2026-01-01')"))
    migrate(engine)
    assert current_revision(engine) == "0003"
    with session_factory(engine)() as db:
        old = db.scalar(select(PlanVariant))
        assert old is not None and old.name == "Gammal" and old.party == "" and old.decided_job_id is None
        assert old.frozen_pdf is None and db.scalar(select(DataVersion)).municipality == "Exempelkommun"
        assert db.scalar(select(DataTable)) is None
    engine.dispose()


# --- comparison side by side --------------------------------------------------------------------------------------


def row_cells(html: str, label: str) -> list[str]:
    """The cells of the comparison row headed ``label``, as text."""
    match = re.search(r'<tr><th scope="row">' + re.escape(label) + r"</th>(.*?)</tr>", html, re.S)
    assert match, label
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def with_risk(app: Any, vid: int, probability: float) -> None:
    """Give the variant's stored result a risk summary (the stand-in planner makes none)."""
    from hushall.web.models import Job

    risk = {"draws": 2000, "seed": 1, "years": [2025, 2054], "all_years_probability": probability,
            "targets": [{"target_id": "M1", "label": "Årets resultat", "name": "Årets resultat", "lowest": 0.4,
                         "lowest_year": 2030, "probability": [0.6], "years": [2054]}]}
    with app.state.hushall.factory() as db, db.begin():
        job = db.scalar(select(Job).where(Job.variant_id == vid).order_by(Job.id.desc()))
        assert job is not None and job.result is not None
        job.result = {**job.result, "risk": risk}


def test_comparison_values_every_plan_under_the_same_weights_and_lists_the_differences(
        planner: Browser, reader: Browser) -> None:
    from hushall.formatting import fmt_number
    from hushall.study.compare import value_under
    from hushall.web.planning import apply_variant, default_settings
    from hushall.web.store import build_version

    official = create(planner, "Tjänstepersonerna", weight__lagkrav="0,6", weight__politik="0")
    party = create(reader, "Gröna", party="Gröna gruppen", weight__lagkrav="0", weight__politik="0,6",
                   weight__energi="0,4", must_do=["P-05"])
    optimise(planner, official)
    optimise(reader, party)
    app = planner.client.app
    with_risk(app, official, 0.0005)
    a, b = planned_ids(planner, official), planned_ids(planner, party)
    assert a != b  # different weights, different plans: the comparison has something to show

    with app.state.hushall.factory() as db:
        data = build_version(db.get(DataVersion, 1))
        variants = {vid: db.get(PlanVariant, vid) for vid in (official, party)}
        settings = {vid: dict(v.settings) for vid, v in variants.items()}
    schedules = {vid: {p["project_id"]: p["start_year"] for p in
                       reader.get(f"/api/v1/variants/{vid}").json()["result"]["schedule"]} for vid in settings}

    def expected(vid: int, weights: dict[str, float]) -> str:
        return fmt_number(value_under(apply_variant(data, {**settings[vid], "weights": weights}), schedules[vid]), 1)

    page = reader.get(f"/planer/jamfor?v={official}&v={party}").text
    # default: the officials' weights (the data's) for both plans
    officials = default_settings(data)["weights"]
    values = row_cells(page, "Värde med samma vikter")
    assert values == [f"{expected(official, officials)} poäng", f"{expected(party, officials)} poäng"]
    # under the party's weights the values change, and are again computed the same way for both
    page_b = reader.get(f"/planer/jamfor?v={official}&v={party}&vikter={party}").text
    party_weights = {k: float(v) for k, v in settings[party]["weights"].items()}
    values_b = row_cells(page_b, "Värde med samma vikter")
    assert values_b == [f"{expected(official, party_weights)} poäng", f"{expected(party, party_weights)} poäng"]
    assert values_b != values
    # the projects that differ: in A not B, in B not A, different start year
    for p in sorted(a - b):
        assert re.search(re.escape(p) + r"[^<]*</th><td>start \d{4}</td><td>ingår inte</td>", page), p
    for p in sorted(b - a):
        assert re.search(re.escape(p) + r"[^<]*</th><td>ingår inte</td><td>start \d{4}</td>", page), p
    assert "P-05" in b
    # the money with its price basis, and the verdict per variant
    assert re.search(r"Investeringar 2025–2054, fasta priser \(prisbasår \d{4}\)", page)
    money = row_cells(page, f"Investeringar 2025–2054, fasta priser (prisbasår {data.price_base_year})")
    assert all(m.endswith("Mkr") for m in money) and money[0] != money[1]
    verdicts = row_cells(page, "Håller god ekonomisk hushållning?")
    assert len(verdicts) == 2 and all(verdicts)
    # the risk: the same figure as on the plan page, from the stored study
    risk = row_cells(page, "Sannolikhet att alla mål håller varje år")
    assert risk[0].startswith("0,05\u00a0%") and risk[1] == "Ingen riskanalys"
    assert "I 0,05\u00a0% av 2\u00a0000 möjliga framtider" in reader.get(f"/planer/{official}").text


# --- Översikt shows the plan ------------------------------------------------------------------------------------------


def test_overview_shows_the_plan_its_verdict_and_the_baseline_only_as_comparison(planner: Browser,
                                                                                 reader: Browser) -> None:
    from hushall.web.store import build_version
    from hushall.web.views import places_short_within_reach

    first = create(planner, "Arbetsplan")
    optimise(planner, first)
    with_risk(planner.client.app, first, 0.0005)
    second = create(planner, "Utan resultat")  # newer, but without a result: not the plan shown
    html = reader.get("/").text
    assert "Planen som arbetas med" in html and ">Arbetsplan</a>" in html and "Utan resultat" not in html
    # the three-part verdict of the plan, before the baseline, which is labelled as the comparison
    assert html.index("Håller god ekonomisk hushållning?") < html.index("Jämförelse: utan projekt (nollalternativ)")
    assert html.count('class="verdict"') == 2  # the plan's, and the baseline's in the comparison
    assert "Underhållsskulden" in html or "underhållsskuld" in html.lower()
    assert "0,05\u00a0%" in html  # the risk, as on the plan page
    # 30 years without a horizontal scroll: the selected years in the table, every year in the chart
    table = html[html.index('class="ratios targets-selected"'):]
    table = table[:table.index("</table>")]
    assert re.findall(r'<th scope="col">(\d{4})</th>', table) == ["2025", "2026", "2027", "2030", "2035", "2040",
                                                                  "2054"]
    assert f"/diagram/oversikt/{first}/mal.svg" in html
    svg = reader.get(f"/diagram/oversikt/{first}/mal.svg")
    assert svg.status_code == 200 and svg.text.count("<path") + svg.text.count("<rect") >= 30
    # one definition of the places short: the baseline's on Översikt is the optimiser's evaluation without projects
    with planner.client.app.state.hushall.factory() as db:
        data = build_version(db.get(DataVersion, 1))
    short = places_short_within_reach(data)
    first_year = float(short[short["year"] == 2025]["short"].sum())
    from hushall.formatting import fmt_number

    assert 10 < first_year < 100  # not the 494 of the districts' own deficits summed
    assert f"Platser som saknas inom räckhåll 2025, utan projekt</span>\n    <span class=\"value\">" \
           f"{fmt_number(first_year)}</span>" in html
    # once a variant is decided, that is the plan Översikt shows
    optimise(planner, second)
    decide(planner, second)
    html = reader.get("/").text
    assert "Beslutad plan" in html and ">Utan resultat</a>" in html
