"""CLI: validate and template (click's CliRunner, as calliope's cli tests)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from hushall.cli.main import cli
from tests.helpers import Tables, write_xlsx


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_validate_ok_prints_one_line_summary(tmp_path: Path, tables: Tables) -> None:
    r = run("validate", str(write_xlsx(tmp_path / "k.xlsx", tables)))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("OK: Testkommun")


def test_validate_lists_every_problem_and_exits_1(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][0]["yta_m2"] = -3
    tables["Komponenter"][1]["typ"] = "golv"
    r = run("validate", str(write_xlsx(tmp_path / "k.xlsx", tables)))
    assert r.exit_code == 1
    assert "Traceback" not in r.stderr
    assert "2 problem i indata" in r.stderr
    assert "k.xlsx › Anläggningar › rad 2 › kolumn yta_m2 › värde -3" in r.stderr
    assert "Komponenter › rad 3 › kolumn typ › värde 'golv'" in r.stderr


def test_validate_json(tmp_path: Path, tables: Tables) -> None:
    tables["Områden"][0]["område_id"] = None
    r = run("validate", "--json", str(write_xlsx(tmp_path / "k.xlsx", tables)))
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["valid"] is False
    assert any(p["code"] == "E_REQUIRED" and p["sheet"] == "Områden" and p["row"] == 2 for p in doc["problems"])


def test_validate_unreadable_file(tmp_path: Path) -> None:
    f = tmp_path / "k.xlsx"
    f.write_bytes(b"\x00\x01 not excel")
    r = run("validate", str(f))
    assert r.exit_code == 1
    assert "E_FILE_FORMAT" in r.stderr and "Traceback" not in r.stderr


def test_wrong_usage_exits_2() -> None:
    assert run("validate").exit_code == 2
    assert run("needs").exit_code == 2  # neither PATH nor --example
    assert run("no-such-command").exit_code == 2


def test_empty_template_has_headers_comments_and_dropdowns(tmp_path: Path) -> None:
    f = tmp_path / "mall.xlsx"
    r = run("template", str(f))
    assert r.exit_code == 0, r.stderr
    wb = openpyxl.load_workbook(f)
    assert {"Instruktioner", "Kommun", "Områden", "Befolkning", "Tjänster", "Anläggningar", "Komponenter",
            "Projekt", "Ekonomi", "Antaganden", "Mål"} <= set(wb.sheetnames)
    ws = wb["Anläggningar"]
    headers = [c.value for c in ws[1]]
    assert "återanskaffningsvärde_kr" in headers
    byggar = ws.cell(row=1, column=headers.index("byggår") + 1)
    assert "Enhet: år" in byggar.comment.text
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert any("_Listor" in f for f in formulas)  # kategori and ja/nej dropdowns
    assert ws.max_row == 1  # empty: no data rows


def test_template_requires_xlsx_suffix(tmp_path: Path) -> None:
    assert run("template", str(tmp_path / "mall.csv")).exit_code == 2
