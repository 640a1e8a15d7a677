"""The plan page and the plan document as a member of the municipal executive board reads them (issue 13), with the
REAL optimiser on Exempelkommun through the worker: the plan's cost on top with its price basis, no solver terms
before the officials' section, the left-out projects and their reasons in view, and — in the page and in the PDF
(``pdftotext``) alike — no internal identifiers, no decimal points in numbers and no file paths. The PDF's reasons
for left-out projects are the page's, and its cover names the plan as it was made."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.helpers import pdf_text
from web_helpers import Browser, make_settings, wait_for

from hushall.web.app import create_app
from hushall.web.config import SolverLimits
from hushall.web.models import Job

FAST = SolverLimits(time_limit_s=5.0, mip_gap=0.01, explain_s=3.0)
#: Solver terms a board member should not meet before the officials' section.
SOLVER_TERMS = re.compile(r"MILP|HiGHS|\bgap\b|LP-relax|poäng|\bfrö\b|skuggpris", re.IGNORECASE)
#: An internal identifier: lower-case words joined by underscores (``resultat_andel``, ``investeringstak_kr``).
IDENTIFIER = re.compile(r"\b[a-zåäö][a-zåäö0-9]*(?:_[a-zåäö0-9]+)+\b")
#: A number written with a decimal point (``12.0 Mkr``); a version number (``0.1.0``) and a section number at the
#: start of a line or after "avsnitt" (``3.2``) are not amounts.
DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
#: A file path (``/work/…/exempelkommun``, ``hushall/data/defaults/finance.yaml``).
PATH = re.compile(r"(?:^|[\s(])(?:[A-Za-z]:)?[/\\]?(?:[\w.-]+[/\\]){2,}[\w.-]*")


def reader_text_problems(text: str) -> list[str]:
    """What must never reach a reader: internal identifiers, numbers with a decimal point, file paths."""
    text = re.sub(r"\b\d+\.\d+\.\d+\b", " ", text)  # version numbers
    text = re.sub(r"(?m)^\s*\d+\.\d+(?=\s)|\bavsnitt\s+\d+\.\d+", " ", text)  # section numbers
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\bASEK \d+\.\d+", " ", text)  # a publication's name (Trafikverket's ASEK 7.0)
    problems = [f"identifier {m}" for m in sorted(set(IDENTIFIER.findall(text)))]
    problems += [f"decimal point {m}" for m in sorted(set(DECIMAL_POINT.findall(text)))]
    problems += [f"path {m.strip()}" for m in sorted(set(PATH.findall(text)))]
    return problems


def visible_text(page: str) -> str:
    """What a person reads on a page: the text without scripts, styles and markup, one line per block."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<(br|/p|/li|/tr|/h\d|/td|/th|/summary)\b[^>]*>", "\n", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_reader_text_problems_finds_what_it_should() -> None:
    bad = "M1 resultat_andel · 12.0 Mkr · Datakälla /work/wt/src/hushall/examples/exempelkommun"
    assert reader_text_problems(bad) == ["identifier resultat_andel", "decimal point 12.0",
                                         "path /work/wt/src/hushall/examples/exempelkommun"]
    assert reader_text_problems("Hushåll 0.1.0\n3.2 Det som inte kom med\n(avsnitt 3.3) · 12,0 Mkr") == []


@pytest.fixture(scope="module")
def plain_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One optimised variant of Exempelkommun through the worker: its plan page, its PDF as text, its stored
    result and its study."""
    from web_helpers import seed

    from hushall.study.study import PlanStudy
    from hushall.web.models import PlanVariant
    from hushall.web.planning import apply_variant, plan_view
    from hushall.web.store import build_version

    path = tmp_path_factory.mktemp("plain") / "hushall.sqlite"
    seed(f"sqlite:///{path}")
    app = create_app(make_settings(f"sqlite:///{path}", run_jobs=True, job_workers=1, solver=FAST, mc_draws=200,
                                   robust_level=0.0))
    factory = app.state.hushall.factory
    with TestClient(app) as client:
        b = Browser(client)
        assert b.login("planner").status_code == 303
        form = {"name": "Enligt målen", "description": "", "target__resultat_andel": "1",
                "target__självfinansieringsgrad": "60", "target__låneskuld_per_invånare": "75000",
                "target__soliditet": "30", "target__investeringstak_kr": "185", "target__max_parallella_projekt": "6",
                "weight__lagkrav": "0,3", "weight__kapacitet": "0,25", "weight__skick": "0,2",
                "weight__energi": "0,1", "weight__beredskap": "0,1", "weight__politik": "0,05"}
        r = b.post("/planer", form)
        assert r.status_code == 303, r.text
        vid = int(r.headers["location"].rsplit("/", 1)[1])
        assert b.post(f"/planer/{vid}/optimera").status_code == 303

        def done() -> bool:
            with factory() as db:
                job = db.query(Job).filter(Job.variant_id == vid).one_or_none()
            assert job is None or job.status not in ("failed", "interrupted"), job.error
            return job is not None and job.status == "done"

        wait_for(done, timeout=120, every=0.1)
        page = b.get(f"/planer/{vid}").text
        pdf = b.get(f"/planer/{vid}/plan.pdf")
        assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
        with factory() as db:
            variant = db.get(PlanVariant, vid)
            assert variant is not None
            job = db.query(Job).filter(Job.variant_id == vid).one()
            data = apply_variant(build_version(variant.data_version), variant.settings)
            view = plan_view(PlanStudy.from_json(job.result), data)
    target = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    target.write_bytes(pdf.content)
    return {"page": page, "pdf": target, "view": view}


@pytest.mark.slow
def test_plan_page_speaks_to_the_board(plain_pages: dict[str, Any]) -> None:
    page, view = plain_pages["page"], plain_pages["view"]
    result = page.split('<h2>Resultat</h2>', 1)[1].split('id="risk"', 1)[0]
    board, officials = result.split('<details class="officials">', 1)
    board_text = re.sub(r"\s+", " ", visible_text(board))
    # the plan's cost on top, with its price basis
    head = board_text[:400]
    assert re.search(r"Planen kostar [\d\s]+,\d\sMkr i fasta priser \(prisbasår 2024\) · "
                     r"[\d\s]+,\d\sMkr i löpande priser", head), head
    # every amount row of the figures says its price basis
    for label in ("Investeringar per år, löpande priser", "Årets resultat, löpande priser",
                  "Låneskuld, löpande priser", "Underhållsskuld, fasta priser"):
        assert label in board_text, label
    # no solver terms before the officials' section, where they are
    assert not SOLVER_TERMS.findall(board_text), SOLVER_TERMS.findall(board_text)
    assert "MILP med HiGHS" in officials and "poäng" in officials
    # the left-out projects and their reasons are in view, not folded away
    assert view["not_chosen"], "the example's plan leaves projects out"
    left_out = board.split('id="ej-med"', 1)[1]
    assert "<details" not in board.split('id="ej-med"', 1)[0][-200:] and "<details" not in left_out
    for r in view["not_chosen"]:
        assert r["project_id"] in left_out and html.escape(r["explanation"], quote=False)[:60] in left_out
    # more room is said as the plan's benefit, never as kronor of benefit
    assert "Mkr mer nytta" not in page
    # nothing internal, no decimal points, no paths anywhere on the page
    assert reader_text_problems(visible_text(page)) == []


@pytest.mark.slow
def test_plan_document_says_the_same_in_plain_words(plain_pages: dict[str, Any]) -> None:
    text = pdf_text(plain_pages["pdf"])
    cover = text.split("\f", 1)[0]
    assert re.search(r"Plan\s+Optimerad plan", cover) and "Angiven plan" not in text
    assert re.search(r"Datakälla\s+dataversion 1", cover)
    flat = re.sub(r"\s+", " ", pdf_text(plain_pages["pdf"], "-raw")).replace("\u00a0", " ")
    # must-do projects are bound, not "decided"
    assert "redan beslutade" not in flat and re.search(r"varav \d+ (bundna|bundet) \(måste genomföras", flat)
    # section 3.2: the page's reasons, project by project (not one placeholder for all)
    assert "Ingår inte i den angivna planen" not in flat
    for r in plain_pages["view"]["not_chosen"]:
        assert re.sub(r"\s+", " ", r["explanation"]).replace("\u00a0", " ")[:80] in flat, r["project_id"]
    assert "Mkr mer nytta" not in flat
    assert reader_text_problems(text) == []
