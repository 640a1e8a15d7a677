"""Page Prioritera in a real headless browser (Debian's /usr/bin/chromium; SKIPPED without it, never passed):
a reader changes a weight and the investment frame, the quick plan comes, then the finished one; the projects and
figures change, every change has a reason, and the downloaded settings give the same plan with
``hushall optimize --installningar``. Screenshots go to ``HUSHALL_E2E_ARTEFACTS`` (default tests/web/artefacts/).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from web_helpers import PASSWORDS, LiveServer, chromium_page, make_settings, seed

CHROMIUM = os.environ.get("HUSHALL_E2E_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("HUSHALL_E2E_ARTEFACTS", Path(__file__).resolve().parent / "artefacts"))

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = [pytest.mark.e2e]

#: The finished plan ends at this gap on the page and on the command line alike (the example reaches it in
#: seconds; the time limit is never what stops it, so both find the same plan). 1 %: with the optimiser deciding
#: the reinvestment, a plan at 6 % is far enough from the best one's renewal that whether a smaller frame
#: postpones renewal would be the solver's accident.
GAP, TIME_LIMIT = 0.01, 120.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from hushall.web.app import create_app
    from hushall.web.config import SolverLimits

    url = f"sqlite:///{tmp_path_factory.mktemp('prio') / 'hushall.sqlite'}"
    seed(url, with_example=True)
    app = create_app(make_settings(url, solver=SolverLimits(time_limit_s=TIME_LIMIT, mip_gap=GAP, explain_s=0.0)))
    with LiveServer(app) as live:
        yield f"http://127.0.0.1:{live.port}"
    app.state.prioritizer.shutdown()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    with chromium_page(server, CHROMIUM, timeout_ms=30_000) as pg:
        yield pg


def shown(page: Any) -> dict[str, Any]:
    """The plan on the page: its key, kind, projects (id → start year) and figures."""
    return page.evaluate("""() => ({
        key: document.getElementById('prio-previous').value,
        kind: document.querySelector('[data-plan-kind]').dataset.planKind,
        projects: Object.fromEntries([...document.querySelectorAll('#prio-projects tbody tr')]
            .map(r => [r.dataset.project, Number(r.dataset.start)])),
        figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')]
            .map(e => [e.dataset.figure, e.textContent.trim()])),
        years: Object.fromEntries([...document.querySelectorAll('#prio-years tbody tr')]
            .map(r => [r.dataset.year, [Number(r.dataset.totalKr), Number(r.dataset.frameKr)]])),
        money: [...document.querySelectorAll('#prio-money li')].map(e => e.textContent.trim()),
    })""")


def number(figure: str) -> float:
    """A figure as the page shows it (``1\xa0234,5\xa0Mkr``, ``63,5\xa0%``) as a number."""
    return float(figure.split("\xa0Mkr")[0].split("\xa0%")[0].replace("\xa0", "").replace(",", "."))


def wait_finished(page: Any, key: str) -> None:
    page.wait_for_selector(f'#prio-result:has(#prio-previous[value="{key}"]) [data-plan-kind="full"]',
                           timeout=180_000)


def test_prioritise_in_the_browser_agrees_with_the_cli(page: Any, tmp_path: Path) -> None:
    page.goto("/logga-in")
    page.get_by_label("Användarnamn").fill("reader")
    page.get_by_label("Lösenord").fill(PASSWORDS["reader"])
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_selector("nav.main-nav")
    page.get_by_role("link", name="Prioritera").click()
    page.wait_for_selector("#prio-previous", state="attached", timeout=60_000)
    first = shown(page)
    wait_finished(page, first["key"])
    before = shown(page)
    assert before["projects"] and before["kind"] == "full"

    # a reader changes a weight and the frame; the quick plan comes first, then the finished one
    page.get_by_label("Kapacitetsbehov").fill("0,9")
    page.get_by_label("Skick och underhållsskuld").fill("0")
    t0 = time.perf_counter()
    page.get_by_label(re.compile("^Investeringsram")).fill("110")
    page.get_by_label(re.compile("^Investeringsram")).press("Tab")  # the change event
    page.wait_for_function("key => document.getElementById('prio-previous').value !== key", arg=before["key"],
                           timeout=60_000)
    quick_s = time.perf_counter() - t0
    quick = shown(page)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "prioritera-snabb.png"), full_page=True)
    wait_finished(page, quick["key"])
    full_s = time.perf_counter() - t0
    after = shown(page)
    page.screenshot(path=str(ARTEFACTS / "prioritera.png"), full_page=True)
    print(f"\nPrioritera: change → quick plan {quick_s:.1f} s ({quick['kind']}), → finished plan {full_s:.1f} s")

    assert after["projects"] != before["projects"]
    assert after["figures"]["value"] != before["figures"]["value"]
    # what the smaller frame changes: every investment, projects and reinvestment, within 110 Mkr every year;
    # the renewal of the first ten years a smaller share of the need and the maintenance debt higher
    assert len(after["years"]) == 30
    assert all(frame == 110e6 and total <= 110e6 + 1e6 for total, frame in after["years"].values())
    assert max(total for total, _frame in before["years"].values()) > 110e6 + 1e6
    assert number(after["figures"]["reinvestment"]) < number(before["figures"]["reinvestment"])
    assert number(after["figures"]["debt"]) > number(before["figures"]["debt"])
    # said first exactly when the plan meets the frame by postponing renewal (the first ten years' amount falls)
    (early,) = [m for m in after["money"] if m.startswith("Reinvesteringarna 2025–2034")]
    assert (after["money"][0] == "Den lägre ramen klaras genom att renoveringar skjuts upp: underhållsskulden "
            "växer.") == (" minskar från " in early)
    reasons = page.locator("#prio-changes tbody tr td:nth-child(3)").all_inner_texts()
    assert reasons and all(r.endswith(".") for r in reasons)
    changed = {p for p in set(after["projects"]) | set(before["projects"])
               if after["projects"].get(p) != before["projects"].get(p)}
    listed = set(page.locator("#prio-changes tbody tr").evaluate_all("rows => rows.map(r => r.dataset.project)"))
    assert listed == changed

    # the downloaded settings give the same plan on the command line
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner inställningarna").click()
    settings_file = tmp_path / "installningar.json"
    info.value.save_as(settings_file)
    saved = json.loads(settings_file.read_text(encoding="utf-8"))
    assert saved["weights"]["kapacitet"] == 0.9 and saved["targets"]["investeringstak_kr"] == 110e6

    from hushall.cli.main import cli

    r = CliRunner().invoke(cli, ["optimize", "--example", "--installningar", str(settings_file), "--gap", str(GAP),
                                 "--time-limit", str(TIME_LIMIT), "--explain-time", "0", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    cli_plan = {row["project"]: int(row["start_year"]) for row in doc["schedule"]}
    assert cli_plan == after["projects"]
    from hushall.formatting import fmt_number

    assert fmt_number(doc["objective"], 1) == after["figures"]["value"]
