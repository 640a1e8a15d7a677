"""CLI: hushall import sie | anlaggningar | investeringsplan (click's CliRunner)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from hushall.cli.main import cli
from hushall.examples import exempelkommun
from hushall.model import load
from tests.importers.conftest import example_xlsx  # noqa: F401  (fixture)
from tests.importers.sie_writer import write_sie
from tests.importers.test_importers_sie import example_ekonomi

FILES = Path(__file__).parents[1] / "importers" / "files"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_sie_into_the_example_keeps_it_valid_and_identical(tmp_path: Path, example_xlsx: Path) -> None:  # noqa: F811
    base = example_ekonomi()
    sie = tmp_path / "bokslut.se"
    sie.write_bytes(write_sie({2024: base}, 2024))
    before = load(example_xlsx)
    r = run("import", "sie", sie, "--into", example_xlsx, "--json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["base_year"] == 2024 and doc["sheets"]["Ekonomi"]["updated"] == 15
    assert "Ekonomi: 0 nya rader, 15 uppdaterade, 2 befintliga rader orörda." in r.stderr
    after = load(example_xlsx)  # still a valid workbook
    b = before.finance.set_index("item")["amount_kr"]
    a = after.finance.set_index("item")["amount_kr"]
    assert (a == b).all() and a["skatteintäkter"] == float(base["skatteintäkter"])
    assert after.finance.set_index("item").loc["skatteintäkter", "source"].startswith("SIE bokslut.se, 2024")


def test_sie_out_writes_a_new_workbook_and_refuses_to_overwrite(tmp_path: Path) -> None:
    sie = tmp_path / "k.se"
    sie.write_bytes(write_sie({2024: example_ekonomi()}, 2024, company="Småby kommun"))
    out = tmp_path / "ny.xlsx"
    assert run("import", "sie", sie, "--out", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb["Kommun"]["A2"].value == "Småby kommun" and wb["Kommun"]["C2"].value == 2024
    assert "_Ekonomi per år" in wb.sheetnames and "Anläggningar" in wb.sheetnames
    r = run("import", "sie", sie, "--out", out)
    assert r.exit_code == 1 and "finns redan" in r.stderr and "Traceback" not in r.stderr


def test_malformed_sie_exits_1_with_line_numbers(tmp_path: Path) -> None:
    sie = tmp_path / "trasig.se"
    sie.write_bytes(b"#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#UB 0 1930 12,50\n")
    r = run("import", "sie", sie, "--out", tmp_path / "x.xlsx")
    assert r.exit_code == 1
    assert "trasig.se › rad 4: #UB: '12,50' är inget belopp" in r.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    sie = tmp_path / "k.se"
    sie.write_bytes(write_sie({2024: example_ekonomi()}, 2024))
    r = run("import", "sie", sie)
    assert r.exit_code == 2 and "--into" in r.stderr
    r = run("import", "sie", sie, "--into", tmp_path / "a.xlsx", "--out", tmp_path / "b.xlsx")
    assert r.exit_code == 2 and "inte båda" in r.stderr


def test_assets_and_plan_into_the_example(example_xlsx: Path) -> None:  # noqa: F811
    r = run("import", "anlaggningar", FILES / "register_raindance.csv", "--into", example_xlsx)
    assert r.exit_code == 0, r.stderr
    assert "6 rader kunde inte placeras" in r.stderr and "rad 13 (4002)" in r.stderr
    assert "basår 2024" in r.stderr  # taken from the workbook's Kommun sheet
    r = run("import", "investeringsplan", FILES / "investeringsplan.xlsx", "--into", example_xlsx, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["projects"] == 6
    wb = openpyxl.load_workbook(example_xlsx)
    names = [c.value for c in wb["Anläggningar"]["A"]]
    assert "B100" in names and "F-C-01" in names  # added beside the example's own facilities
    assert Decimal(str(wb["Projekt"].max_row)) == 1 + len(exempelkommun().projects) + 6


def test_sie_of_another_year_than_the_workbook_is_pointed_out(tmp_path: Path, example_xlsx: Path) -> None:  # noqa: F811
    sie = tmp_path / "k.se"
    sie.write_bytes(write_sie({2023: example_ekonomi()}, 2023))
    r = run("import", "sie", sie, "--into", example_xlsx)
    assert r.exit_code == 0 and "arbetsbokens basår är 2024 men SIE-filens räkenskapsår är 2023" in r.stderr
