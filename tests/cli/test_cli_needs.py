"""CLI: needs and demo on the example and on the tiny hand-made municipality."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hushall.cli.main import cli
from tests.helpers import Tables, write_xlsx


def test_needs_json_on_stdout_only(tmp_path: Path, tables: Tables) -> None:
    r = CliRunner().invoke(cli, ["needs", str(write_xlsx(tmp_path / "k.xlsx", tables)), "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)  # stdout is exactly one JSON document
    assert {"renewal", "maintenance_debt_kr", "capacity"} <= set(doc)
    assert {"year", "amount_kr"} <= set(doc["renewal"][0])
    assert {"year", "district", "service", "demand", "capacity"} <= set(doc["capacity"][0])
    # Hand check: SÄBO in district V, 2025: 85-year-olds = 40 + 1 = 41, coverage 0.5 → 20.5 places; 10 built.
    sabo = [c for c in doc["capacity"] if c["service"] == "sabo" and c["district"] == "V" and c["year"] == 2025]
    assert sabo[0]["demand"] == 20.5
    assert sabo[0]["capacity"] == 10
    # The roof (S1-tak, renewed 1990, 30 years, 4 Mkr) is due in 2020 → overdue → maintenance debt;
    # the VVS in condition 4 (40 years × 0.2 = 8 years left) is not. The frame (1970 + 80) is not yet due.
    assert doc["maintenance_debt_kr"] == 4_000_000
    assert "Läste Testkommun" in r.stderr


def test_needs_out_writes_tables_and_charts(tmp_path: Path) -> None:
    out = tmp_path / "behov"
    r = CliRunner().invoke(cli, ["needs", "--example", "--out", str(out)])
    assert r.exit_code == 0, r.stderr
    assert "Underhållsskuld" in r.stdout
    for name in ("behov.xlsx", "fornyelse.png", "fornyelse.svg", "underhallsskuld.png", "kapacitet.svg"):
        assert (out / name).stat().st_size > 0


def test_needs_invalid_input_exits_1(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][0]["område_id"] = "Z"
    r = CliRunner().invoke(cli, ["needs", str(write_xlsx(tmp_path / "k.xlsx", tables))])
    assert r.exit_code == 1
    assert "E_REFERENCE" in r.stderr and "Traceback" not in r.stderr


def test_path_and_example_together_is_wrong_usage(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["needs", "x.xlsx", "--example"]).exit_code == 2


def test_demo_writes_everything(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    r = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert r.exit_code == 0, r.stderr
    assert (out / "exempelkommun.xlsx").exists()
    assert (out / "behov" / "behov.xlsx").exists()
    assert (out / "prognos" / "prognos.xlsx").exists()
    assert (out / "optimering" / "plan.xlsx").exists()
    assert (out / "plandokument" / "plandokument.pdf").stat().st_size > 10_000
    assert any((out / "risk").iterdir())
    # the follow-up of the example's outcomes 2022–2024
    assert (out / "uppfoljning" / "planerat_och_byggt.png").exists()
    assert "Genomförandegrad (utfall mot budget inklusive ombudgetering)" in r.stderr
    # the optimised plan is compared with the ranking list, and a short Monte Carlo is run
    assert "Jämförelse med rangordning efter nytta per krona" in r.stderr
    assert "Monte Carlo" in r.stderr and "Sannolikhet" in r.stderr
    assert str(out.resolve()) in r.stderr
