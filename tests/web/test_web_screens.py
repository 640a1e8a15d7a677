"""Every page of the web app, as a läsare and as a planerare sees it, in a real headless browser (Playwright driving
Debian's Chromium at /usr/bin/chromium; without it the test is SKIPPED, never passed).

The pages are not listed by hand: they are every GET route of the application (``app.routes``) that answers with
a page — not the JSON API, not the downloads and chart images (``.svg``, ``.xlsx``, ``.pdf``), which the pages
themselves load and which must render. A route with a path parameter this test does not know fails the test, so a
page added later cannot be missed. The data: the example workbook uploaded over the API and read by the server's
worker, and two plan variants optimised by the real optimiser (short limits), one of them then decided.

On every page the text a person reads (``<main>``) must hold no error text: no "Internal Server Error" or
"Traceback", no "None" or "nan", no number with a decimal point before a unit ("12.0 Mkr": Swedish writes
12,0 Mkr), no snake_case identifier. A page the role may not see must refuse with a clean Swedish 403 page.
A full-page screenshot of each is saved under ``HUSHALL_SCREENS_DIR`` (default: the test's temporary folder),
named ``<role>-<page>.png``, to be looked at.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import PASSWORDS, make_settings, seed

CHROMIUM = os.environ.get("HUSHALL_E2E_CHROMIUM", "/usr/bin/chromium")

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: What a page must never show a person: the pattern and what it means.
LEAKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Internal Server Error|Traceback \(most recent call last\)"), "a server error"),
    (re.compile(r"\bNone\b"), "Python's None"),
    (re.compile(r"\b(?:nan|NaN|inf)\b"), "a missing number (nan/inf)"),
    (re.compile(r"\b\d+\.\d+\s?(?:Mkr|Mdkr|tkr|kr|%|MSEK|år|platser)\b"), "a decimal point instead of a comma"),
    (re.compile(r"\b[a-zåäö][a-zåäö0-9]*(?:_[a-zåäö0-9]+)+\b"), "an internal snake_case id"),
    (re.compile(r"\bM\d{1,2}\b"), "an internal target id (M1 …)"),
)
#: Pages for developers, where field names are the content (the API's documentation).
DEVELOPER_PAGES = ("/api/docs",)
#: Findings allowed on one page, with the reason: (route path, the finding's meaning, the text found, why).
#: The data pages show the workbook's own column names, as the official typed them in Excel. The others are known
#: defects being fixed on other branches (issue 13): remove the line when its page is fixed, and this test holds
#: the page to it from then on.
ALLOWED: tuple[tuple[str, str, str, str], ...] = (
    ("/data/versioner/{number}", "an internal snake_case id", "", "the workbook's own column names"),
    ("/planer/{variant_id}", "an internal target id (M1 …)", "", "known: the risk table names targets M1–M7 "
     "(issue 13, plain language)"),
    ("/uppfoljning", "an internal snake_case id", "leveranstak_nämnd_kr", "known: a command-line hint with a "
     "workbook key on a page for politicians (templates/followup.html)"),
)
#: Downloads and images: loaded by the pages, not pages themselves.
NOT_PAGES = (".svg", ".xlsx", ".pdf", ".png", ".json")
#: Fragments a page polls for with a key only that page knows (the Prioritera page's plan in the making): seen
#: through the page that shows them, not on their own.
FRAGMENTS = ("/prioritera/plan/{key}",)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def page_routes(app: Any) -> list[str]:
    """The path of every GET route that answers with a page, in the application's own order (FastAPI keeps an
    included router's routes behind a wrapper with ``original_router``: walk into it)."""

    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, set[str]]]:
        for route in routes:
            if hasattr(route, "original_router"):
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
            else:
                yield prefix + str(getattr(route, "path", "")), set(getattr(route, "methods", None) or ())

    paths = []
    for path, methods in walk(list(app.routes), ""):
        if "GET" not in methods or path.endswith(NOT_PAGES) or path in FRAGMENTS or path.startswith(("/static", "/openapi", "/docs",
                                                                                  "/redoc")):
            continue
        if path.startswith("/api/") and path not in DEVELOPER_PAGES:
            continue
        paths.append(path)
    return list(dict.fromkeys(paths))


def leaks(text: str, path: str = "") -> list[str]:
    """What a person should not read in ``text`` on the page ``path`` (a route path; :data:`ALLOWED` applies):
    each finding with a few characters of context."""
    found = []
    for pattern, meaning in LEAKS:
        for match in pattern.finditer(text):
            if any(path.split(" ")[0] == page and meaning == kind and what in match.group(0)
                   for page, kind, what, _why in ALLOWED):
                continue
            context = text[max(0, match.start() - 40):match.end() + 40].replace("\n", " ")
            found.append(f"{meaning}: {match.group(0)!r} in …{context}…")
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A live server (uvicorn on a loopback port, its job worker pool) with the example uploaded and two plans."""
    import httpx2
    import uvicorn

    from hushall.data.template import write_template
    from hushall.web.app import create_app
    from hushall.web.config import SolverLimits
    from hushall.web.store import example_upload

    base_dir = tmp_path_factory.mktemp("screens")
    url = f"sqlite:///{base_dir / 'hushall.sqlite'}"
    seed(url, with_example=False)
    workbook = write_template(base_dir / "exempelkommun.xlsx", example_upload().frames)
    fast = SolverLimits(time_limit_s=5.0, mip_gap=0.01, explain_s=2.0)
    app = create_app(make_settings(url, run_jobs=True, job_workers=2, solver=fast))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx2.Client(base_url=base, timeout=60) as api:
            token = api.post("/api/v1/session", json={"username": "planner", "password": PASSWORDS["planner"]})
            api.headers["Authorization"] = f"Bearer {token.json()['token']}"
            with Path(workbook).open("rb") as fh:
                upload = api.post("/api/v1/data/versions", files={"files": ("exempelkommun.xlsx", fh)},
                                  data={"comment": "Exempelkommun"}).json()
            while (status := api.get(upload["status_url"]).json())["status"] not in ("done", "failed"):
                time.sleep(0.2)
            assert status["status"] == "done", status
            variants, jobs = [], []
            # the ceilings count all investment: today's reinvestment frame (65 Mkr) and the projects
            for name, ceiling in (("Snål plan", 125e6), ("Enligt målen", 185e6)):
                variant = api.post("/api/v1/variants", json={
                    "name": name, "settings": {"targets": {"investeringstak_kr": ceiling}}}).json()
                variants.append(variant)
                jobs.append(api.post(f"/api/v1/variants/{variant['id']}/jobs").json()["id"])
            for job_id in jobs:
                deadline = time.monotonic() + 180
                while (job := api.get(f"/api/v1/jobs/{job_id}").json())["status"] in ("queued", "running"):
                    assert time.monotonic() < deadline, job
                    time.sleep(0.3)
                assert job["status"] == "done", job
            decided = api.get(f"/api/v1/variants/{variants[1]['id']}").json()
            api.post(f"/api/v1/variants/{decided['id']}/decide",
                     json={"row_version": decided["row_version"]}).raise_for_status()
        ids = [v["id"] for v in variants]
        yield {"base": base, "app": app, "upload": upload["id"], "version": status["version"], "ids": ids}
    finally:
        server.should_exit = True
        thread.join(10)


def urls_of(site: dict[str, Any]) -> list[tuple[str, str]]:
    """Every page as (name, URL): each route with its parameters filled in, plus the variations a reader sees
    (the economy of a plan, the decided plan beside the draft)."""
    a, b = site["ids"]
    params = {"variant_id": str(a), "number": str(site["version"]), "upload_id": str(site["upload"])}
    required = {"/planer/jamfor": f"?v={a}&v={b}", "/data/jamfor": f"?fran={site['version']}&till={site['version']}"}
    out = []
    for path in page_routes(site["app"]):
        names = re.findall(r"{(\w+)(?::\w+)?}", path)
        unknown = [n for n in names if n not in params]
        assert not unknown, f"the page {path} has parameters this test does not know yet: {unknown} (add them)"
        url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: params[m.group(1)], path) + required.get(path, "")
        out.append((path, url))
    out += [("/ekonomi?variant", f"/ekonomi?variant={a}"), ("/planer/{variant_id} beslutad", f"/planer/{b}")]
    return out


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9åäö]+", "-", path.lower()).strip("-") or "oversikt"


@pytest.fixture(scope="module")
def browser(site: dict[str, Any]) -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


def log_in(page: Any, role: str) -> None:
    page.get_by_label("Användarnamn").fill(role)
    page.get_by_label("Lösenord").fill(PASSWORDS[role])
    page.keyboard.press("Enter")
    page.wait_for_selector("nav.main-nav")


@pytest.mark.parametrize("role", ["reader", "planner"])
def test_every_page_renders_for_a_board_member_and_a_planner(role: str, site: dict[str, Any], browser: Any,
                                                             tmp_path: Path) -> None:
    shots = Path(os.environ.get("HUSHALL_SCREENS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=site["base"], locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto("/logga-in")
    log_in(page, role)
    label = {"reader": "lasare", "planner": "planerare"}[role]
    problems: dict[str, list[str]] = {}
    visited = 0
    for path, url in urls_of(site):
        response = page.goto(url)
        assert response is not None, url
        page.wait_for_load_state("networkidle")
        status = response.status
        text = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
        found = []
        if path == "/logga-in":
            found += [] if status == 200 else [f"status {status}"]
        elif status == 403:
            # a page this role may not see: a clean refusal in Swedish, not an error
            if not any(w in text for w in ("Behörighet", "behörighet", "får inte", "Du kan bara")):
                found.append(f"403 without a Swedish explanation: {text[:200]!r}")
        elif status != 200:
            found.append(f"status {status}: {text[:200]!r}")
        # every chart on the page renders (they load lazily: make them load now)
        page.evaluate("""() => Promise.all([...document.images].map(img => {
            img.loading = 'eager';
            return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
        }))""")
        broken = page.evaluate("() => [...document.images].filter(i => !i.naturalWidth).map(i => i.src)")
        found += [f"image did not render: {src}" for src in broken]
        if path not in DEVELOPER_PAGES:
            found += leaks(text, path)
        if found:
            problems[url] = found
        page.screenshot(path=str(shots / f"{label}-{slug(path)}.png"), full_page=True)
        visited += 1
        if path == "/logga-in" and page.get_by_label("Användarnamn").count():
            log_in(page, role)  # the login form again: log in for the pages after it
    context.close()
    assert visited >= 20, f"only {visited} pages found: the route listing has gone wrong"
    report = "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in problems.items())
    assert not problems, f"pages a {role} would read wrongly:\n{report}"
