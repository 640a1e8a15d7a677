"""CLI: hushall uppfölj on the example, on a hand-made workbook, and without outcomes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hushall.cli.main import cli
from tests.helpers import Tables, write_xlsx


def _outcomes() -> list[dict[str, object]]:
    base = {"projekt_id": "U-1", "namn": "Ny förskola", "beslutad_totalutgift_kr": 20_000_000, "nämnd": "BUN",
            "typ": "nybyggnad", "planerat_klart_år": 2023}
    return [
        {**base, "år": 2023, "budget_kr": 12_000_000, "utfall_kr": 3_000_000, "prognos_totalutgift_kr": 21_000_000,
         "status": "pågående", "prognos_klart_år": 2024},
        {**base, "år": 2024, "budget_kr": 8_000_000, "utfall_kr": 18_500_000, "prognos_totalutgift_kr": 21_500_000,
         "status": "avslutat", "prognos_klart_år": 2024},
    ]


def test_followup_text_in_swedish_with_hand_checked_rates(tmp_path: Path, tables: Tables) -> None:
    tables["Utfall"] = _outcomes()
    r = CliRunner().invoke(cli, ["uppfölj", str(write_xlsx(tmp_path / "k.xlsx", tables))])
    assert r.exit_code == 0, r.stderr
    # 2023: 3 of 12 = 25 %; 2024: 8 + 9 carried over = 17, 18,5 spent = 109 %.
    assert "2023: budget 12,0\u00a0Mkr + ombudgeterat 0,0\u00a0Mkr = 12,0\u00a0Mkr, utfall 3,0\u00a0Mkr: 25\u00a0%" in r.stdout
    assert "2024: budget 8,0\u00a0Mkr + ombudgeterat 9,0\u00a0Mkr = 17,0\u00a0Mkr, utfall 18,5\u00a0Mkr: 109\u00a0%" in r.stdout
    assert "U-1 Ny förskola: planerat klart 2023, klart 2024" in r.stdout
    assert "prognos 21,5\u00a0Mkr (avvikelse −1,5\u00a0Mkr)" in r.stdout


def test_followup_json_and_out(tmp_path: Path) -> None:
    out = tmp_path / "uppf"
    r = CliRunner().invoke(cli, ["uppfölj", "--example", "--json", "--out", str(out)])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["år"] == [2022, 2023, 2024] and "U-2201" in doc["över_kostnad"]
    total_2022 = [x for x in doc["genomförandegrad"] if x["year"] == 2022 and x["committee"] == "Alla nämnder"]
    assert abs(total_2022[0]["execution_rate"] - 23.3 / 47.5) < 1e-9
    for name in ("uppfoljning.xlsx", "planerat_och_byggt.png", "planerat_och_byggt.svg", "genomforandegrad.csv"):
        assert (out / name).stat().st_size > 0


def test_followup_without_outcomes_exits_1(tmp_path: Path, tables: Tables) -> None:
    r = CliRunner().invoke(cli, ["uppfölj", str(write_xlsx(tmp_path / "k.xlsx", tables))])
    assert r.exit_code == 1
    assert "inga utfall" in r.stderr and "Traceback" not in r.stderr + r.stdout


def test_followup_bad_outcome_row_is_a_swedish_error(tmp_path: Path, tables: Tables) -> None:
    rows = _outcomes()
    rows[1]["år"] = 2026
    tables["Utfall"] = rows
    r = CliRunner().invoke(cli, ["uppfölj", str(write_xlsx(tmp_path / "k.xlsx", tables))])
    assert r.exit_code == 1
    assert "Utfall" in r.stderr and "2026" in r.stderr and "basåret" in r.stderr


def test_replan_from_today_with_the_decided_plan(tmp_path: Path) -> None:
    decided = tmp_path / "beslut.csv"
    decided.write_text("projekt_id;startår\nP-12;2025\nP-16;2026\nP-22;2025\n", encoding="utf-8")
    out = tmp_path / "om"
    r = CliRunner().invoke(cli, ["uppfölj", "--example", "--planera-om", "--beslutad-plan", str(decided),
                                 "--time-limit", "10", "--json", "--out", str(out)])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["beslutad_plan"] == "beslutad plan (fil)"
    assert sorted(doc["pågående"]) == ["P-12", "U-2301", "U-2302", "U-2401"]
    assert all(doc["ny_plan"][p] == 2025 for p in doc["pågående"])
    assert not set(doc["avslutade"]) & set(doc["ny_plan"])
    assert doc["prognoskontroll_största_skillnad_kr"] < 1.0
    changes = {c["project_id"]: c for c in doc["ändringar"]}
    assert changes["P-16"]["decided_start"] == 2026 and changes["P-16"]["change"] in {
        "oförändrad", "senare", "tidigare", "utgår"}
    for name in ("omplanering.xlsx", "omplanering.pdf", "andringar.csv", "plan/plan.xlsx"):
        assert (out / name).stat().st_size > 0


def test_delivery_ceiling_without_a_nämnd_is_a_swedish_error(tmp_path: Path, tables: Tables) -> None:
    tables["Mål"] = [{"mål_id": "L1", "typ": "leveranstak_nämnd_kr", "gräns": 20_000_000}]
    r = CliRunner().invoke(cli, ["validate", str(write_xlsx(tmp_path / "k.xlsx", tables))])
    assert r.exit_code == 1
    assert "Mål" in r.stderr and "nämnd" in r.stderr and "Traceback" not in r.stderr + r.stdout
