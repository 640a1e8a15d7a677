"""The summary's block *Politikens prioriteringar*: the settings of page Prioritera (weights, investment frame, tax
change, debt target) as the plan was made under them, read back from the study's data and forecast."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from hushall.data.schema import CRITERION_LABELS
from hushall.formatting import fmt_kr, fmt_mkr, fmt_number, fmt_pct
from hushall.model import MunicipalityData
from hushall.reports.document import prepare_document, write_plan_document
from hushall.reports.document.summary import PRIORITIES_TITLE
from hushall.study.settings import apply_settings, clean_settings
from tests.helpers import pdf_text

SETTINGS = {"weights": {"lagkrav": "0,1", "kapacitet": "0,6", "skick": "0,1", "energi": "0,1", "beredskap": "0,1",
                        "politik": "0"},
            "targets": {"investeringstak_kr": 1.5e8, "låneskuld_per_invånare": 60000},
            "tax_change_ore": "20", "tax_from_year": 2030}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module")
def chosen(example: MunicipalityData, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = apply_settings(example, clean_settings(SETTINGS, example))
    doc = prepare_document(data, schedule={}, risk=None, date=dt.date(2026, 1, 2))
    pdf, _ = write_plan_document(doc, tmp_path_factory.mktemp("prioriteringar"))

    def page3(*mode: str) -> str:
        return norm(pdf_text(pdf, *mode, "-f", "3", "-l", "3"))

    # -layout keeps a weight's label, bar and value on one line; the plain mode keeps the right column's lines
    return {"doc": doc, "summary": page3(), "rows": page3("-layout")}


def test_the_block_shows_the_chosen_weights_in_words(chosen: dict[str, Any]) -> None:
    summary = chosen["rows"]
    assert PRIORITIES_TITLE in summary
    block = summary.split(PRIORITIES_TITLE, 1)[1]
    for criterion, raw in SETTINGS["weights"].items():
        weight = float(raw.replace(",", "."))
        assert norm(f"{CRITERION_LABELS[criterion]} {fmt_number(weight, 2, trim=True)} ({fmt_pct(weight, 0)})") \
            in block, criterion
    assert "kapacitet" not in block  # the criteria's ids are never shown


def test_the_block_shows_the_frame_tax_and_debt_target_as_used(chosen: dict[str, Any],
                                                                example: MunicipalityData) -> None:
    summary, doc = chosen["summary"], chosen["doc"]
    block = summary.split(PRIORITIES_TITLE, 1)[1]
    pby = example.price_base_year
    assert norm(f"Investeringsram: högst {fmt_mkr(1.5e8)} per år i fasta priser ({pby} års priser)") in block
    assert norm(f"Mål för låneskulden: högst {fmt_kr(60000)} per invånare") in block
    # the data's own tax path (a step in 2027) and the chosen 20 öre from 2030, as the forecast used them
    steps = dict(doc.priorities().tax_steps_pp)
    assert steps[2030] == pytest.approx(0.20)
    assert norm("+20 öre från 2030") in block
    original = dict(prepare_document(example, schedule={}, risk=None).priorities().tax_steps_pp)
    assert 2030 not in original and steps[2027] == pytest.approx(original[2027])


def test_the_officials_settings_read_from_sheet_mal(example: MunicipalityData) -> None:
    doc = prepare_document(example, schedule={}, risk=None)
    p = doc.priorities()
    t = example.targets
    frame = float(t.loc[t["target_type"] == "investeringstak_kr", "limit"].iloc[0])
    assert [limit for limit, _, _ in p.frame] == [frame]
    weights = t[t["target_type"] == "kriterievikt"].set_index("criterion")["limit"]
    assert dict(p.weights) == {CRITERION_LABELS[c]: pytest.approx(float(w)) for c, w in weights.items()}
