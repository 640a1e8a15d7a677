"""CLI: ``hushall prioritera`` on the example — Swedish output, output files — and on bad settings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hushall.cli.main import cli


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path]:
    out = tmp_path_factory.mktemp("prioritering")
    r = CliRunner().invoke(cli, ["prioritera", "--example", "--steg", "3", "--tidsgräns", "1", "--processer", "1",
                                 "--out", str(out)])
    assert r.exit_code == 0, r.stderr
    return r.stdout, r.stderr, out


def test_prints_the_frontier_prices_and_ladder_in_swedish(run: tuple[str, str, Path]) -> None:
    stdout, stderr, _ = run
    assert stdout.startswith("Vad kostar valen? Planens värde mot investeringsramen (fasta priser, prisbasår 2024")
    # three frames, today's (185 Mkr/år in Mål M6) marked; Swedish number formatting (non-breaking spaces, commas)
    assert re.search(r"9[23]\xa0Mkr/år \(50\xa0%\)", stdout)
    assert re.search(r"185\xa0Mkr/år \(100\xa0%\).*← dagens val", stdout)
    assert re.search(r"278\xa0Mkr/år \(150\xa0%\)", stdout)
    assert "Vad varje mål kostar i värde" in stdout and "balanskravet (M5)" in stdout
    assert "Prioritetsstegen" in stdout and "P-12 " in stdout
    assert not re.search(r"\d\.\d", stdout.replace("F–6", "")), "a decimal point where a comma belongs"
    assert "[100 %]" in stderr and "Ram 50 % klar" in stderr  # progress on stderr, never mixed with the tables
    # the optimiser decides the reinvestment: each frame's money beside the projects, the largest year within it
    assert "Största år" in stdout and "Reinvest." in stdout and "U-skuld" in stdout
    assert "ramen gäller dem tillsammans" in stdout
    assert re.search(r"Med en mindre ram[^\n]*täcker reinvesteringarna de första tio åren \d+,\d\xa0% av behovet",
                     stdout)
    assert "Traceback" not in stderr


def test_writes_the_workbook_and_charts(run: tuple[str, str, Path]) -> None:
    _, _, out = run
    wb = openpyxl.load_workbook(out / "prioritering.xlsx", read_only=True)
    assert wb.sheetnames == ["Ramen", "Målens pris", "Prioritetsstege"]
    rows = list(wb["Ramen"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Ram (% av dagens)", "Ram (Mkr/år)")
    assert [r[0] for r in rows[1:]] == [50, 100, 150]
    head = list(rows[0])
    largest = head.index("Alla investeringar största året (Mkr)")
    meets = head.index("Klarar alla mål")
    for row in rows[1:]:  # a plan that meets every target keeps every investment, reinvestment too, in the frame
        assert row[meets] == "nej" or row[largest] <= row[1] + 1.0
    assert any(row[meets] == "ja" for row in rows[1:])
    for column in ("Reinvesteringar (Mkr)", "Reinvesteringar första tio åren, andel av behovet (%)",
                   "Underhållsskuld i genomsnitt per år (Mkr)", "Underhållsskuld som mest (Mkr)"):
        assert all(row[head.index(column)] is not None for row in rows[1:]), column
    assert (out / "prisfront.png").stat().st_size > 10_000 and (out / "prisfront.svg").exists()
    prices = list(wb["Målens pris"].iter_rows(values_only=True))
    assert len(prices) == 1 + 6  # M1–M5 and M7; the frame (M6) is the frontier itself


def test_json_output_round_trips() -> None:
    from hushall.study.frontier import Frontier

    r = CliRunner().invoke(cli, ["prioritera", "--example", "--steg", "2", "--tidsgräns", "1", "--processer", "1",
                                 "--utan-malpris", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    f = Frontier.from_json(doc)
    assert [s.share for s in f.steps] == [0.5, 1.0, 1.5] and f.prices == []
    assert f.frame_kr == 185e6


@pytest.mark.parametrize(("args", "words"), [
    (["--steg", "0"], "--steg måste vara minst 2 (angivet: 0)"),
    (["--från", "1.2"], "--från måste ligga mellan 0 och 1"),
    (["--till", "0,9"], None),  # not a number for click: a usage error (exit 2), not a traceback
    (["--tidsgräns", "0"], "--tidsgräns måste vara större än 0"),
])
def test_bad_settings_get_a_clear_swedish_message(args: list[str], words: str | None) -> None:
    r = CliRunner().invoke(cli, ["prioritera", "--example", *args])
    assert "Traceback" not in r.output + r.stderr
    if words is None:
        assert r.exit_code == 2
        return
    assert r.exit_code == 1
    assert words in r.stderr
    assert "Läste" not in r.stderr  # checked before any work is done
