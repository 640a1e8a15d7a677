"""Values that pass the column rules but would fail later or mislead: errors for the impossible, warnings naming
the likely intent for the implausible; duplicate ids, formulas, long text and message wording (issue 11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from hushall.errors import DataValidationError, Problem
from hushall.model import load
from tests.finance.finance_fixtures import load_tables, small_tables
from tests.helpers import Tables, write_csv_dir, write_xlsx


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(DataValidationError) as info:
        load(path)
    return info.value.problems


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


# --- duplicate ids ---------------------------------------------------------------------------------------------


def test_duplicate_facility_id_is_a_data_error_naming_both_rows(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][1]["anläggning_id"] = "S1"
    (p,) = [p for p in problems_of(write_xlsx(tmp_path / "k.xlsx", tables)) if p.code == "E_DUPLICATE_ID"]
    assert (p.sheet, p.row, p.column, p.value) == ("Anläggningar", 3, "anläggning_id", "S1")
    assert "rad 2" in p.message


@pytest.mark.parametrize(("sheet", "column"), [("Komponenter", "komponent_id"), ("Områden", "område_id"),
                                               ("Tjänster", "tjänst_id")])
def test_duplicate_ids_in_every_keyed_sheet(tmp_path: Path, tables: Tables, sheet: str, column: str) -> None:
    tables[sheet][1][column] = tables[sheet][0][column]
    problems = problems_of(write_csv_dir(tmp_path / "k", tables))
    assert any(p.code == "E_DUPLICATE_ID" and p.sheet == sheet and p.column == column for p in problems)


def test_duplicate_project_id(tmp_path: Path) -> None:
    t = small_tables()
    t["Projekt"][1]["projekt_id"] = "NY"
    with pytest.raises(DataValidationError) as err:
        load_tables(tmp_path, t)
    assert any(p.code == "E_DUPLICATE_ID" and p.column == "projekt_id" for p in err.value.problems)


# --- formulas, dates, columns without a header, long text --------------------------------------------------------


def test_formula_without_saved_value_says_so_and_what_to_do(tmp_path: Path, tables: Tables) -> None:
    path = write_xlsx(tmp_path / "k.xlsx", tables)
    wb = openpyxl.load_workbook(path)
    ws = wb["Anläggningar"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("byggår") + 1, value="=1900+70")
    ws.cell(row=3, column=header.index("namn") + 1, value='=HYPERLINK("http://x","Boendet")')
    wb.save(path)
    found = {(p.row, p.column): p for p in problems_of(path) if p.code == "E_FORMULA"}
    assert set(found) == {(2, "byggår"), (3, "namn")}
    text = str(found[(2, "byggår")])
    assert "formel utan sparat värde" in text and "spara" in text and "klistra in" in text
    assert "Värde saknas" not in text and "'=1900+70'" in text


def test_dates_are_shown_as_written(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][0]["byggår"] = dt.datetime(2026, 1, 1)
    (p,) = [p for p in problems_of(write_xlsx(tmp_path / "k.xlsx", tables)) if p.column == "byggår"]
    assert "värde 2026-01-01:" in str(p) and "datetime" not in str(p)


def test_column_without_header_is_named_once_by_its_letter(tmp_path: Path, tables: Tables) -> None:
    path = write_xlsx(tmp_path / "k.xlsx", tables)
    wb = openpyxl.load_workbook(path)
    ws = wb["Områden"]
    ws.cell(row=2, column=ws.max_column + 2, value="glömd")  # beside the table, one empty column between
    wb.save(path)
    (p,) = [p for p in problems_of(path) if p.code == "E_COLUMN_UNNAMED"]
    assert p.column == "F (utan rubrik)"
    assert "kolumn kolumn" not in str(p)


def test_32000_character_name_is_refused_and_quoted_short(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][0]["namn"] = "x" * 32_000
    (p,) = [p for p in problems_of(write_xlsx(tmp_path / "k.xlsx", tables)) if p.code == "E_TEXT_LENGTH"]
    assert (p.sheet, p.row, p.column) == ("Anläggningar", 2, "namn")
    assert "högst 200 tecken" in p.message
    assert len(str(p)) < 400 and "32\u00a0000 tecken" in str(p)


# --- kommunkod ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "outcome"), [("999", "E_MUNICIPALITY_CODE"), ("1234", "E_MUNICIPALITY_CODE"),
                                               ("08845", "E_MUNICIPALITY_CODE"), ("884", "W_MUNICIPALITY_CODE"),
                                               ("0884", None), ("0001", None)])
def test_municipality_code_is_one_of_the_290(tmp_path: Path, tables: Tables, code: str, outcome: str | None) -> None:
    tables["Kommun"][0]["kommunkod"] = code
    path = write_csv_dir(tmp_path / "k", tables)
    if outcome is not None and outcome.startswith("E_"):
        (p,) = [p for p in problems_of(path) if p.code == outcome]
        assert (p.sheet, p.row, p.column, p.value) == ("Kommun", 2, "kommunkod", code)
        return
    data = load(path)
    assert {w.code for w in data.warnings} == ({outcome} if outcome else set())
    assert data.code == code.zfill(4)


# --- amounts and counts -------------------------------------------------------------------------------------------


def test_amount_of_1e20_kr_is_an_error(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][0]["återanskaffningsvärde_kr"] = 1e20
    (p,) = [p for p in problems_of(write_xlsx(tmp_path / "k.xlsx", tables)) if p.code == "E_AMOUNT"]
    assert (p.sheet, p.row, p.column) == ("Anläggningar", 2, "återanskaffningsvärde_kr")
    assert "1e+20" not in str(p)


def test_very_large_amount_is_a_warning(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][0]["återanskaffningsvärde_kr"] = 2e11
    data = load(write_csv_dir(tmp_path / "k", tables))
    assert [w.code for w in data.warnings] == ["W_AMOUNT"]


# --- targets and weights ---------------------------------------------------------------------------------------


def _targets(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    t = small_tables()
    t["Mål"] = rows
    from tests.finance.finance_fixtures import write_csv_dir as write_dir

    return write_dir(tmp_path / "k", t)


def test_soliditet_target_of_30_names_the_likely_intent(tmp_path: Path) -> None:
    path = _targets(tmp_path, [{"mål_id": "M4", "typ": "soliditet", "gräns": 30},
                               {"mål_id": "V1", "typ": "kriterievikt", "gräns": 1, "kriterium": "lagkrav"}])
    (p,) = [p for p in problems_of(path) if p.code == "E_TARGET_RANGE"]
    assert (p.sheet, p.row, p.column) == ("Mål", 2, "gräns")
    assert "Menade du 30 %?" in p.message and "0,30" in p.message


def test_implausible_targets_are_warnings_naming_the_intent(tmp_path: Path) -> None:
    path = _targets(tmp_path, [{"mål_id": "M2", "typ": "självfinansieringsgrad", "gräns": 60},
                               {"mål_id": "M6", "typ": "investeringstak_kr", "gräns": 120},
                               {"mål_id": "V1", "typ": "kriterievikt", "gräns": 1, "kriterium": "lagkrav"}])
    messages = {w.row: w.message for w in load(path).warnings}
    assert "menade du 60 %?" in messages[2]
    assert "menade du 120 Mkr (120\u00a0000\u00a0000 kr)?" in messages[3]


def test_weights_not_summing_to_one_are_warned_of_and_normalised(tmp_path: Path) -> None:
    path = _targets(tmp_path, [{"mål_id": "V1", "typ": "kriterievikt", "gräns": 2.0, "kriterium": "lagkrav"},
                               {"mål_id": "V2", "typ": "kriterievikt", "gräns": 1.7, "kriterium": "skick"}])
    data = load(path)
    (w,) = data.warnings
    assert w.code == "W_WEIGHT_SUM" and "summerar till 3,7," in w.message
    weights = data.targets.loc[data.targets["target_type"] == "kriterievikt", "limit"]
    assert weights.sum() == pytest.approx(1.0) and weights.iloc[0] == pytest.approx(2.0 / 3.7)


def test_interest_given_in_percent_is_a_warning(tmp_path: Path) -> None:
    t = small_tables()
    t["Antaganden"] = [{"parameter": "ränta", "från_år": 2025, "värde": 3}]
    from tests.finance.finance_fixtures import write_csv_dir as write_dir

    (w,) = [w for w in load(write_dir(tmp_path / "k", t)).warnings if w.code != "W_WEIGHT_SUM"]
    assert (w.code, w.sheet, w.row, w.column) == ("W_ASSUMPTION_PERCENT", "Antaganden", 2, "värde")
    assert "menade du 3 %?" in w.message


# --- the base year's statements (Ekonomi) ----------------------------------------------------------------------


def _finance(tmp_path: Path, item: str, amount: float) -> Path:
    t = small_tables()
    for row in t["Ekonomi"]:
        if row["post"] == item:
            row["belopp_kr"] = amount
    from tests.finance.finance_fixtures import write_csv_dir as write_dir

    return write_dir(tmp_path / "k", t)


def test_unbalanced_ekonomi_is_a_validate_error_stating_the_difference(tmp_path: Path) -> None:
    path = _finance(tmp_path, "likvida_medel", 50e6 + 300e6)
    (p,) = [p for p in problems_of(path) if p.code == "E_FINANCE_BALANCE"]
    assert p.sheet == "Ekonomi"
    assert "skillnaden är 300\u00a0000\u00a0000 kr" in p.message
    assert "eget kapital, avsättningar och skulder" in p.message  # not garbled by a replace on the whole text
    assert "  " not in p.message


def test_positive_net_financial_costs_are_a_warning_and_the_forecast_runs(tmp_path: Path) -> None:
    from hushall.finance import forecast

    data = load(_finance(tmp_path, "finansiella_kostnader", 12e6))
    (w,) = [w for w in data.warnings if w.code != "W_WEIGHT_SUM"]  # the fixture's one weight is 0,5
    assert (w.code, w.sheet, w.column) == ("W_FINANCE_SIGN", "Ekonomi", "belopp_kr")
    assert w.row is not None and "finansiella_kostnader" in w.message
    assert len(forecast(data).years) == 10


def test_negative_tax_revenue_is_an_error(tmp_path: Path) -> None:
    problems = problems_of(_finance(tmp_path, "skatteintäkter", -700e6))
    assert any(p.code == "E_FINANCE_SIGN" and "skatteintäkter" in p.message for p in problems)
