"""End to end in a real headless browser: Playwright driving Debian's Chromium (/usr/bin/chromium, never a
downloaded browser) against a real server on a loopback port.

Log in with the keyboard, upload the example workbook, run the real optimiser (a worker process, a few seconds
per variant; ``HUSHALL_E2E_FAKE_PLANNER=1`` uses the stand-in planner instead), compare two variants and download
the reports; a screenshot of every page is saved under ``tests/web/artefacts/`` (git ignores it). Without a
browser the tests are SKIPPED, never passed.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import PASSWORDS, chromium_page, fake_planner, make_settings, seed

CHROMIUM = os.environ.get("HUSHALL_E2E_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("HUSHALL_E2E_ARTEFACTS", Path(__file__).resolve().parent / "artefacts"))

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def example_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hushall.data.io import read_raw
    from hushall.data.template import write_template
    from hushall.examples import example_path
    from hushall.model.validate import validate_workbook

    frames, _ = validate_workbook(read_raw(example_path()))
    return Path(write_template(tmp_path_factory.mktemp("wb") / "exempelkommun.xlsx", frames))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from hushall.web.app import create_app
    from hushall.web.config import SolverLimits

    path = tmp_path_factory.mktemp("e2e") / "hushall.sqlite"
    url = f"sqlite:///{path}"
    seed(url, with_example=False)
    fast = SolverLimits(time_limit_s=5.0, mip_gap=0.01, explain_s=2.0)
    app = create_app(make_settings(url, run_jobs=True, job_workers=2, solver=fast))
    if os.environ.get("HUSHALL_E2E_FAKE_PLANNER"):
        fake_planner(app)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    with chromium_page(server, CHROMIUM) as pg:
        yield pg


def shot(page: Any, name: str) -> None:
    """A full-page screenshot once every image (the charts load lazily) has loaded; every chart must render."""
    page.evaluate("""() => Promise.all([...document.images].map(img => {
        img.loading = 'eager';
        return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
    }))""")
    broken = page.evaluate("() => [...document.images].filter(i => !i.naturalWidth).map(i => i.src)")
    assert not broken, f"images that did not render on {name}: {broken}"
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def test_full_flow_in_a_real_browser(page: Any, example_workbook: Path, tmp_path: Path) -> None:
    # log in with the keyboard only
    page.goto("/")
    assert "/logga-in" in page.url
    shot(page, "0-logga-in")
    page.keyboard.type("planner")  # the user name field has focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORDS["planner"])
    page.keyboard.press("Enter")
    page.wait_for_selector("nav.main-nav")
    assert "Inga data ännu" in page.content()

    # 2 Data: upload the example workbook
    page.get_by_role("link", name="2 Data").click()
    page.get_by_label("Fil (.xlsx eller .csv)").set_input_files(str(example_workbook))
    page.get_by_label("Kommentar").fill("Exempelkommun")
    page.get_by_role("button", name="Ladda upp och kontrollera").click()
    page.wait_for_selector("text=Sparad som version 1", timeout=60_000)
    shot(page, "2b-dataversion")
    page.get_by_role("link", name="Befolkning").click()  # htmx swaps the table
    page.wait_for_selector("caption:has-text('Befolkning')")
    page.get_by_role("link", name="2 Data").click()
    shot(page, "2-data")

    # 1 Översikt, 3 Behov, 4 Ekonomi
    page.get_by_role("link", name="1 Översikt").click()
    page.wait_for_selector("h1:has-text('Översikt')")
    page.wait_for_load_state("networkidle")
    shot(page, "1-oversikt")
    page.get_by_role("link", name="3 Behov").click()
    page.wait_for_load_state("networkidle")
    shot(page, "3-behov")
    page.get_by_role("link", name="4 Ekonomi").click()
    page.wait_for_load_state("networkidle")
    shot(page, "4-ekonomi")

    # 5 Planer: two variants, each optimised in a worker process
    ids = []
    # the ceiling counts all investment: today's reinvestment frame (65 Mkr) and the projects
    for name, ceiling in (("Snål plan", "125"), ("Enligt målen", "185")):
        page.get_by_role("link", name="5 Planer").click()
        page.get_by_role("link", name="Ny planvariant").click()
        page.get_by_label("Namn", exact=True).fill(name)
        page.get_by_label("Investeringstak per år (Mkr)").fill(ceiling)
        page.get_by_role("button", name="Skapa planvariant").click()
        page.wait_for_selector(f"h1:has-text('{name}')")
        ids.append(page.url.rsplit("/", 1)[1])
        page.get_by_role("button", name="Kör optimeringen").click()
        page.wait_for_selector("text=Valda projekt", timeout=90_000)  # the poll reloads the page when done
    page.wait_for_load_state("networkidle")
    shot(page, "5-plan")
    result = page.locator("main").inner_text()
    for leak in ("None", "nan", "targets_infeasible", "feasible"):
        assert leak not in result.split(), leak
    if not os.environ.get("HUSHALL_E2E_FAKE_PLANNER"):
        assert "Planen i siffror" in result and "begränsar planen" in result
        assert page.locator("table.figures td", has_text="Mkr").count() > 10

    page.get_by_role("link", name="5 Planer").click()
    for i in ids:
        page.locator(f"#cmp-{i}").check()
    page.get_by_role("button", name="Jämför").click()
    page.wait_for_selector("h1:has-text('Jämför planvarianter')")
    page.wait_for_load_state("networkidle")
    assert "Snål plan" in page.content() and "Enligt målen" in page.content()
    compare = page.locator("table.compare")
    for row in ("Investeringar", "Årets resultat", "Låneskuld", "Underhållsskuld", "Platser som saknas inom räckhåll"):
        cells = compare.locator("tr", has_text=row).first.locator("td")
        assert cells.count() == 2 and all(cells.nth(k).inner_text().strip() for k in range(2)), row
    shot(page, "5b-jamfor")

    # 6 Jämför and 7 Uppföljning: similar municipalities, and what was built against what was planned
    page.get_by_role("link", name="6 Jämför").click()
    page.wait_for_load_state("networkidle")
    shot(page, "6a-jamfor-kommuner")
    page.get_by_role("link", name="7 Uppföljning").click()
    page.wait_for_load_state("networkidle")
    for heading in ("Genomförandegrad per år och nämnd", "Leveranskapacitet per nämnd"):
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    shot(page, "7-uppfoljning")

    # 8 Rapport: download the reports
    page.get_by_role("link", name="8 Rapport").click()
    shot(page, "8-rapport")
    links = page.get_by_role("link", name="Ladda ner .xlsx")
    assert links.count() == 2
    for k in range(2):
        with page.expect_download() as info:
            links.nth(k).click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        assert target.stat().st_size > 1000 and target.suffix == ".xlsx"
    pdf_links = page.get_by_role("link", name="Ladda ner .pdf")
    assert pdf_links.count() == 2
    with page.expect_download() as info:
        pdf_links.first.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.read_bytes()[:4] == b"%PDF"

    # English is selectable
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    page.wait_for_selector("text=Report")


def test_an_open_page_says_when_it_has_lost_contact_with_the_server(page: Any, server: str) -> None:
    """A tab showing a running job whose polls cannot reach the server (it is down) says so in Swedish, keeps
    trying, and takes the notice away when the server answers again."""
    import re

    page.context.add_cookies([{"name": "hushall_lang", "value": "sv", "url": server}])
    page.goto("/planer")
    if "/logga-in" in page.url:
        page.get_by_label("Användarnamn").fill("planner")
        page.get_by_label("Lösenord").fill(PASSWORDS["planner"])
        page.keyboard.press("Enter")
        page.goto("/planer")
    polls = re.compile(r"/jobb\?polling=1")
    page.route(polls, lambda route: route.abort("connectionrefused"))
    page.get_by_role("link", name="Ny planvariant").click()
    page.get_by_label("Namn", exact=True).fill("Kontakt")
    page.get_by_role("button", name="Skapa planvariant").click()
    page.get_by_role("button", name="Kör optimeringen").click()
    notice = page.locator("#connection-lost")
    assert notice.is_hidden()
    notice.wait_for(state="visible", timeout=15_000)
    assert "Kontakten med servern är bruten" in notice.inner_text()
    assert page.locator("#job-status").is_visible()  # what the page last knew stays on it
    page.screenshot(path=str(ARTEFACTS / "5c-kontakt-bruten.png"), full_page=True)
    page.unroute(polls)
    notice.wait_for(state="hidden", timeout=30_000)  # the next poll answers (or the page reloads when done)
