"""CLI: forecast with and without a plan file."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hushall.cli.main import cli
from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.projects import Schedule


def test_forecast_json_has_the_promised_keys_and_matches_python() -> None:
    r = CliRunner().invoke(cli, ["forecast", "--example", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert {"years", "income_statement", "balance_sheet", "cash_flow", "ratios", "targets"} <= set(doc)
    assert {"target", "year", "value", "limit", "met"} <= set(doc["targets"][0])
    fc = forecast(exempelkommun(), Schedule(doc["schedule"]))
    assert doc["income_statement"]["årets_resultat"][0] == pytest.approx(
        float(fc.income_statement.loc["årets_resultat"].iloc[0]), abs=0.5)


def test_forecast_with_plan_file_and_out(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("projekt_id;startår\nP-01;2028\n", encoding="utf-8")
    out = tmp_path / "prognos"
    r = CliRunner().invoke(cli, ["forecast", "--example", "--plan", str(plan), "--out", str(out)])
    assert r.exit_code == 0, r.stderr
    assert "Årets resultat" in r.stdout and "✓" in r.stdout
    wb = openpyxl.load_workbook(out / "prognos.xlsx")
    assert {"Resultaträkning", "Balansräkning", "Kassaflödesanalys", "Nyckeltal", "Mål"} <= set(wb.sheetnames)
    fc = forecast(exempelkommun(), Schedule({"P-01": 2028}))
    ws = wb["Resultaträkning"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Årets resultat")
    assert row[1] == pytest.approx(float(fc.income_statement.loc["årets_resultat", 2025]), abs=0.5)
    for chart in ("resultat.png", "laneskuld.svg", "soliditet.png", "investeringar.svg"):
        assert (out / chart).stat().st_size > 0


def test_forecast_bad_plan_lists_every_problem(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("projekt_id,startår\nP-404,2030\nP-01,1990\nP-01,2030\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["forecast", "--example", "--plan", str(plan)])
    assert r.exit_code == 1
    assert "rad 2 › kolumn projekt_id › värde 'P-404'" in r.stderr
    assert "rad 3 › kolumn startår › värde 1990" in r.stderr
    assert "Traceback" not in r.stderr


def test_the_reinvestment_policy_is_chosen_on_the_command_line() -> None:
    """--reinvestering overrides sheet Antaganden: as needed renews everything that falls due (and invests more
    than the frame), nothing renews nothing (said to be a what-if), and each equals the forecast's own policy."""
    spent, debt = {}, {}
    for policy in ("ram", "behov", "ingen"):
        r = CliRunner().invoke(cli, ["forecast", "--example", "--json", "--reinvestering", policy])
        assert r.exit_code == 0, r.stderr
        doc = json.loads(r.stdout)
        spent[policy] = -sum(doc["cash_flow"]["investering_materiella_anläggningstillgångar"])
        fc = forecast(exempelkommun(), Schedule(doc["schedule"]), reinvestment_policy=policy)
        assert spent[policy] == pytest.approx(
            -float(fc.cash_flow.loc["investering_materiella_anläggningstillgångar"].sum()), abs=1.0)
        debt[policy] = float(fc.statements["underhållsskuld_fasta_priser"][-1])
        if policy == "ingen":
            assert "Räkneexempel" in r.stderr
    assert debt["behov"] == pytest.approx(0.0, abs=1.0)
    assert debt["behov"] < debt["ram"] < debt["ingen"]
    assert spent["ingen"] < spent["ram"] < spent["behov"]
    bad = CliRunner().invoke(cli, ["forecast", "--example", "--reinvestering", "lite"])
    assert bad.exit_code != 0 and "lite" in bad.output
