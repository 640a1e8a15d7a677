"""SCB start population, housing programme, bought forecasts and the ``hushall befolkning`` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from hushall.cli.main import cli
from hushall.errors import DataValidationError
from hushall.population.bought import read_bought_forecast
from hushall.population.inputs import district_shares, read_housing_programme, read_scb_population

DISTRICTS = ("C", "BH")
NAMES = {"C": "Centralorten", "BH": "Björkhult"}


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_scb_population_of_vimmerby_matches_the_published_total(shared_data: Path) -> None:
    pop, year = read_scb_population(shared_data / "scb_2019", "vimmerby")
    assert year == 2019
    assert pop.sum() == 15647          # SCB: Vimmerby 31 december 2019
    assert pop[:, 0].sum() == 152      # 0-åringar (SOURCES.md of Exempelkommun)


def test_unknown_municipality_names_the_closest(shared_data: Path) -> None:
    with pytest.raises(DataValidationError, match="Menade du Vimmerby"):
        read_scb_population(shared_data / "scb_2019", "Vimerby")


def test_district_shares_follow_the_workbook_by_age_band() -> None:
    table = pd.DataFrame({"district_id": ["C", "C", "BH", "BH", "C"], "age_from": [0, 20, 0, 20, 0],
                          "age_to": [19, 120, 19, 120, 120], "year": [2024, 2024, 2024, 2024, 2030],
                          "count": [300.0, 100.0, 100.0, 300.0, 1.0]})
    shares = district_shares(table, DISTRICTS)
    np.testing.assert_allclose(shares.sum(axis=0), 1.0)
    assert shares[:, 5].tolist() == [0.75, 0.25] and shares[:, 50].tolist() == [0.25, 0.75]


def test_housing_programme_by_id_or_name_and_row_numbered_errors(tmp_path: Path) -> None:
    good = tmp_path / "program.csv"
    good.write_text("område;år;bostadstyp;antal bostäder\nC;2026;småhus;10\nBjörkhult;2027;Lägenhet;24\n",
                    encoding="utf-8")
    assert read_housing_programme(good, DISTRICTS, NAMES) == {("C", 2026, "småhus"): 10.0,
                                                             ("BH", 2027, "flerbostadshus"): 24.0}
    bad = tmp_path / "fel.csv"
    bad.write_text("område_id,år,bostadstyp,antal_bostäder\nC,2026,småhus,10\nXX,2027,småhus,4\n"
                   "C,2028,slott,1\nC,2029,småhus,-2\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_housing_programme(bad, DISTRICTS, NAMES)
    rows = sorted((p.row, p.column) for p in exc.value.problems)
    assert rows == [(3, "område_id"), (4, "bostadstyp"), (5, "antal_bostäder")]


def _statisticon_layout(path: Path) -> Path:
    """The usual bought layout: title rows, then område | ålder | kön | one column per year."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Befolkningsprognos 2025–2027, Exempelkommun"])
    ws.append(["Källa: Statisticon"])
    ws.append([])
    ws.append(["Område", "Ålder", "Kön", 2025, 2026, 2027])
    for area in ("Centralorten", "BH"):
        for age in ("0", "1-5 år", "6–15", "16-94", "95+"):
            for sex in ("kvinnor", "män"):
                ws.append([area, age, sex, 10, 11, 12])
        ws.append([area, "Totalt", "totalt", 100, 110, 120])
    ws.append(["Totalt", "Totalt", "totalt", 200, 220, 240])
    wb.save(path)
    return path


def test_bought_forecast_in_the_usual_layout(tmp_path: Path) -> None:
    result = read_bought_forecast(_statisticon_layout(tmp_path / "prognos.xlsx"), DISTRICTS, NAMES)
    f = result.frame
    assert sorted(f["district_id"].unique()) == ["BH", "C"]
    assert sorted(f["year"].unique()) == [2025, 2026, 2027]
    row = f[(f["district_id"] == "C") & (f["age_from"] == 1) & (f["year"] == 2026)].iloc[0]
    assert (row["age_to"], row["count"]) == (5, 22.0)       # the two sexes summed
    assert f[(f["age_from"] == 95)]["age_to"].unique().tolist() == [120]
    assert len(result.skipped) == 3                        # two area totals and the municipal total


def test_bought_forecast_errors_name_the_row(tmp_path: Path) -> None:
    p = tmp_path / "prognos.csv"
    p.write_text("område;ålder;2025\nC;0;5\nOkänt;1;4\nC;tre;4\nC;2;-1\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_bought_forecast(p, DISTRICTS, NAMES)
    assert sorted((q.row, q.code) for q in exc.value.problems) == [(3, "E_REFERENCE"), (4, "E_AGE"),
                                                                  (5, "E_RANGE")]


@pytest.fixture
def example_xlsx(tmp_path: Path) -> Path:
    r = run("template", "--example", str(tmp_path / "k.xlsx"))
    assert r.exit_code == 0, r.stderr
    return tmp_path / "k.xlsx"


@pytest.mark.slow  # three full workbook reads and one write of 25 000 rows: 13–45 s on the shared machine
def test_cli_into_replaces_only_befolkning(example_xlsx: Path, shared_data: Path, tmp_path: Path) -> None:
    before = openpyxl.load_workbook(example_xlsx, read_only=True)
    others = {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in before.worksheets
              if ws.title != "Befolkning"}
    sheetnames = before.sheetnames
    before.close()
    program = tmp_path / "program.csv"
    program.write_text("område_id,år,bostadstyp,antal_bostäder\nC,2026,småhus,40\n", encoding="utf-8")
    r = run("befolkning", str(example_xlsx), "--scb", str(shared_data / "scb_2019"), "--kommun", "Vimmerby",
            "--bostäder", str(program), "--into", str(example_xlsx), "--json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["startår"] == 2019 and doc["år"][0] == 2020 and doc["år"][-1] == 2054
    assert doc["komponenter"]["inflyttade_nybyggt"][doc["år"].index(2026)] == pytest.approx(40 * 2.6)
    after = openpyxl.load_workbook(example_xlsx, read_only=True)
    assert after.sheetnames == sheetnames
    for title, rows in others.items():
        assert [tuple(r) for r in after[title].iter_rows(values_only=True)] == rows, title
    after.close()
    r = run("validate", str(example_xlsx))
    assert r.exit_code == 0, r.stderr
    total_2024 = f"{doc['folkmängd'][doc['år'].index(2024)]:,.0f}".replace(",", "\u00a0")
    assert f"{total_2024} invånare 2024" in r.stderr  # the workbook now holds the forecast


def test_cli_bad_input_exits_1_and_leaves_the_workbook(example_xlsx: Path, shared_data: Path) -> None:
    stamp = example_xlsx.read_bytes()
    r = run("befolkning", str(example_xlsx), "--scb", str(shared_data / "scb_2019"), "--kommun", "Atlantis",
            "--into", str(example_xlsx))
    assert r.exit_code == 1 and "Traceback" not in r.stderr and "Kommunen finns inte" in r.stderr
    assert example_xlsx.read_bytes() == stamp
    r = run("befolkning", str(example_xlsx))
    assert r.exit_code == 2


def test_cli_bought_forecast_out_csv(example_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "befolkning.csv"
    r = run("befolkning", str(example_xlsx), "--prognos", str(_statisticon_layout(tmp_path / "p.xlsx")),
            "--out", str(out))
    assert r.exit_code == 0, r.stderr
    assert "saknar" in r.stderr  # the bought forecast covers 2025–2027 only: said, not hidden
    table = pd.read_csv(out)
    assert list(table.columns) == ["område_id", "ålder_från", "ålder_till", "år", "antal"]
    assert table["antal"].sum() == pytest.approx(2 * 2 * 5 * (10 + 11 + 12))
