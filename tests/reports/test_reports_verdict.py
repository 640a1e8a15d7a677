"""The verdict in Swedish: never a bare "ja", and never god ekonomisk hushållning while the maintenance debt grows
or the probability is low without saying so in the same sentence — in the sentence itself, the terminal summaries
and the plan document (PDF text)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from click.testing import CliRunner

from hushall.cli.main import cli
from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.finance.verdict import AssetOutcome, TargetOutcome, Verdict, assess, with_risk
from hushall.model import MunicipalityData
from hushall.reports.document import prepare_document, write_plan_document
from hushall.reports.forecast import forecast_summary
from hushall.reports.verdict import verdict_sentence
from tests.helpers import flattering_sentences

pypdf = pytest.importorskip("pypdf")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.mark.parametrize(("holds", "grows", "prob"), list(itertools.product((True, False), (True, False),
                                                                             (None, 0.004, 0.9))))
def test_sentence_has_three_parts_and_names_what_fails(holds: bool, grows: bool, prob: float | None) -> None:
    target = TargetOutcome("M1", "resultat_andel", (2025, 2026), () if holds else (2026,), 1.0)
    assets = AssetOutcome(2024, 2026, 2024, "ram", 100e6, 300e6 if grows else 90e6, 300e6 if grows else 100e6,
                          2026, 50e6, 100e6)
    v = Verdict(2025, 2026, (target,), assets)
    if prob is not None:
        v = with_risk(v, prob, 5000)
    s = norm(verdict_sentence(v))
    assert s.count(".") == 1 and s.endswith(".")  # one sentence
    assert "finansiella mål" in s and "underhållsskulden" in s and ("framtider" in s)  # all three parts
    assert ("underhållsskulden växer från 100,0 Mkr (2024) till 300,0 Mkr (2026)" in s) is grows
    assert "50,0 % av förnyelsebehovet" in s
    if prob is None:
        assert "inte prövad" in s
    else:
        assert ("bara i 0,4 % av 5 000 möjliga framtider" in s) is (prob < 0.5)
    assert s.startswith("Ja, god ekonomisk hushållning") is v.sound
    if not v.sound:
        assert not s.startswith("Ja:") and not s.startswith("Ja, god")
    if grows:
        assert not flattering_sentences(s)
    if prob is not None and prob < 0.5:
        assert not flattering_sentences(s, must_say="bara i")


@pytest.fixture(scope="module")
def targets_hold_debt_grows() -> MunicipalityData:
    """Exempelkommun with only the targets its committed plan meets: the targets all hold while the maintenance
    debt grows under its reinvestment frame — the plan the old summary called god ekonomisk hushållning."""
    data = exempelkommun()
    fc = forecast(data)
    met = fc.targets.groupby("target_id")["met"].all()
    kept = data.targets[data.targets["target_id"].astype(str).isin(met[met].index.astype(str))
                        | (data.targets["target_type"] == "kriterievikt")]
    out = data.replace(targets=kept.reset_index(drop=True))
    v = assess(out, forecast(out))
    assert v.targets_hold and v.targets and v.assets is not None and v.assets.grows  # the case under test
    return out


def test_terminal_forecast_says_the_debt_grows_and_shows_the_new_lines(
        targets_hold_debt_grows: MunicipalityData) -> None:
    data = targets_hold_debt_grows
    fc = forecast(data)
    text = forecast_summary(fc, data)
    assert "Håller god ekonomisk hushållning?" in text
    assert "Delvis" in norm(text) and "underhållsskulden växer från" in norm(text)
    assert not flattering_sentences(text)
    low = forecast_summary(fc, data, verdict=with_risk(assess(data, fc), 0.004, 5000))
    assert "bara i 0,4 % av 5 000 möjliga framtider" in norm(low)
    assert not flattering_sentences(low) and not flattering_sentences(low, must_say="bara i")
    for label in ("Reinvesteringar (löpande priser)", "Reinvesteringar (2024 års priser)",
                  "Förnyelsebehov (2024 års priser)", "Underhållsskuld vid årets slut (2024 års priser)",
                  "Reinvesteringar i % av förnyelsebehovet, ackumulerat",
                  "Pensionsutbetalningar, särredovisade (löpande priser)",
                  "Övrig förändring av underhållsskulden (2024 års priser)"):
        assert label in text, label


def test_cli_forecast_of_the_example_never_flatters() -> None:
    r = CliRunner().invoke(cli, ["forecast", "--example"])
    assert r.exit_code == 0, r.stderr
    text = r.stdout
    v = assess(exempelkommun(), forecast(exempelkommun()))
    assert norm(verdict_sentence(v)) in norm(text)
    assert v.assets is not None and v.assets.grows and "underhållsskulden växer från" in norm(text)
    assert not flattering_sentences(text)


def test_pdf_summary_never_calls_a_growing_debt_sound(targets_hold_debt_grows: MunicipalityData,
                                                      tmp_path: Any) -> None:
    doc = prepare_document(targets_hold_debt_grows, risk=None, date=dt.date(2025, 3, 14))
    pdf, xlsx = write_plan_document(doc, tmp_path)
    pages = [p.extract_text() or "" for p in pypdf.PdfReader(str(pdf)).pages]
    summary = next(norm(p) for p in pages[2:] if "1. Sammanfattning" in p)
    assert "Håller god ekonomisk hushållning?" in summary
    assert norm(verdict_sentence(doc.verdict)) in summary  # the whole sentence, on the summary page
    assert "underhållsskulden växer från" in summary and "Ja:" not in summary
    assert "Underhållsskuld, 2024 års priser" in summary
    for text in pages:
        assert not flattering_sentences(text)
    chapter = next(norm(p) for p in pages[2:] if "4.4 Reinvestering, underhållsskuld och pensioner" in p)
    assert "Förnyelsebehov (2024 års priser) (Mkr)" in chapter
    import openpyxl

    assert "Reinvestering och pensioner" in openpyxl.load_workbook(xlsx, read_only=True).sheetnames


def test_a_debt_held_at_the_end_but_above_on_the_way_and_a_share_below_need_are_explained() -> None:
    """A plan whose debt ends at the base year's level but stands above it on the way says for how many years;
    a share below the plan's need without a growing debt says why; what the plan takes over is named."""
    from hushall.reports.verdict import LESS_THAN_NEED, verdict_details

    target = TargetOutcome("M1", "resultat_andel", (2025, 2026, 2027), (), 1.0)
    above = AssetOutcome(2024, 2027, 2024, "plan", 100e6, 0.0, 250e6, 2026, 80e6, 100e6, 130e6, (2025, 2026))
    v = Verdict(2025, 2027, (target,), above)
    text = norm(verdict_sentence(v))
    assert "underhållsskulden växer inte till planens slut" in text
    assert "ligger över 2024 års nivå 2 av 3 år, som mest 250,0 Mkr (2026)" in text
    details = norm(" ".join(verdict_details(v)))
    assert "mot planens förnyelsebehov på 100,0 Mkr" in details
    assert "Utan planen är förnyelsebehovet 130,0 Mkr: 30,0 Mkr behöver inte förnyas" in details
    assert "optimeringens reinvesteringsbeslut" in details and norm(LESS_THAN_NEED) in details
    # a growing debt is its own explanation; a debt never above the base year has no "on the way"
    grows = AssetOutcome(2024, 2027, 2024, "ram", 100e6, 200e6, 200e6, 2027, 80e6, 100e6, 100e6, (2027,))
    held = AssetOutcome(2024, 2027, 2024, "ram", 100e6, 90e6, 100e6, 2024, 100e6, 100e6, 100e6, ())
    assert norm(LESS_THAN_NEED) not in norm(" ".join(verdict_details(Verdict(2025, 2027, (target,), grows))))
    held_text = norm(" ".join([verdict_sentence(Verdict(2025, 2027, (target,), held)),
                               *verdict_details(Verdict(2025, 2027, (target,), held))]))
    assert "till planens slut" not in held_text and "Utan planen" not in held_text
    assert norm(LESS_THAN_NEED) not in held_text
