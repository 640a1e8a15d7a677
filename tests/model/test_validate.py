"""Every validation error gets its own clear message naming sheet, row, column and value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hushall.errors import DataValidationError, Problem
from hushall.model import load
from tests.helpers import Tables, write_csv_dir, write_xlsx


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(DataValidationError) as info:
        load(path)
    return info.value.problems


def only(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def test_tiny_workbook_loads_from_xlsx_and_csv_alike(tmp_path: Path, tables: Tables) -> None:
    a = load(write_xlsx(tmp_path / "k.xlsx", tables))
    b = load(write_csv_dir(tmp_path / "csv", tables))
    assert a.name == "Testkommun" and a.base_year == 2024 and a.horizon_years == 10
    assert list(a.years) == list(range(2025, 2035))
    pd.testing.assert_frame_equal(a.components, b.components)
    pd.testing.assert_frame_equal(a.population, b.population)
    # component values resolved: share × facility value, own value wins; default lifetime for stomme
    comps = a.components.set_index("component_id")
    assert comps.loc["S1-tak", "value_kr"] == pytest.approx(4_000_000)
    assert comps.loc["B1-vvs", "value_kr"] == pytest.approx(3_000_000)
    assert comps.loc["S1-stomme", "lifetime_years"] == 80
    # SÄBO is critical in a power cut by its service; the school is not
    fac = a.facilities.set_index("facility_id")
    assert bool(fac.loc["B1", "critical_in_power_cut"]) and not bool(fac.loc["S1", "critical_in_power_cut"])


def test_semicolon_csv_with_decimal_comma(tmp_path: Path, tables: Tables) -> None:
    tables["Tjänster"][1]["täckningsgrad"] = "0,5"
    data = load(write_csv_dir(tmp_path / "csv", tables, delimiter=";"))
    assert data.services.set_index("service_id").loc["sabo", "coverage"] == 0.5


def test_missing_sheet(tmp_path: Path, tables: Tables) -> None:
    del tables["Anläggningar"]
    probs = problems_of(write_xlsx(tmp_path / "k.xlsx", tables))
    (p,) = only(probs, "E_SHEET_MISSING")
    assert p.sheet == "Anläggningar" and p.file == "k.xlsx"
    assert "saknas" in p.message


def test_missing_column(tmp_path: Path, tables: Tables) -> None:
    for r in tables["Anläggningar"]:
        del r["byggår"]
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_COLUMN_MISSING")
    assert (p.sheet, p.column, p.row) == ("Anläggningar", "byggår", 1)


def test_unknown_column(tmp_path: Path, tables: Tables) -> None:
    tables["Områden"][0]["färg"] = "blå"
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_COLUMN_UNKNOWN")
    assert (p.sheet, p.column) == ("Områden", "färg")


def test_comment_column_is_allowed(tmp_path: Path, tables: Tables) -> None:
    tables["Områden"][0]["kommentar"] = "nytt område"
    assert load(write_xlsx(tmp_path / "k.xlsx", tables)).name == "Testkommun"


def test_wrong_type_names_the_cell(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][1]["byggår"] = "nittonhundra"
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_TYPE")
    assert (p.sheet, p.row, p.column, p.value) == ("Anläggningar", 3, "byggår", "nittonhundra")
    assert "heltal" in p.message
    assert "Anläggningar › rad 3 › kolumn byggår › värde 'nittonhundra'" in str(p)


def test_unknown_district_and_service(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][0]["område_id"] = "X"
    tables["Anläggningar"][1]["tjänst_id"] = "bibliotek"
    probs = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_REFERENCE")
    assert {(p.column, p.value, p.row) for p in probs} == {("område_id", "X", 2), ("tjänst_id", "bibliotek", 3)}
    assert all("Finns inte i fliken" in p.message for p in probs)


def test_duplicate_ids(tmp_path: Path, tables: Tables) -> None:
    tables["Komponenter"][2]["komponent_id"] = "S1-tak"
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_DUPLICATE_ID")
    assert (p.sheet, p.row, p.value) == ("Komponenter", 4, "S1-tak")


def test_negative_area(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][0]["yta_m2"] = -100
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_RANGE")
    assert (p.column, p.value) == ("yta_m2", -100)
    assert "negativt" in p.message


@pytest.mark.parametrize(
    ("sheet", "column", "value", "code"),
    [
        ("Anläggningar", "byggår", 2030, "E_YEAR_RANGE"),  # after the base year
        ("Anläggningar", "byggår", 1500, "E_RANGE"),  # implausible
        ("Komponenter", "senast_förnyad_år", 1950, "E_YEAR_RANGE"),  # before the facility was built
        ("Kommun", "planeringshorisont_år", 60, "E_RANGE"),  # horizon 10–50
    ],
)
def test_years_out_of_range(tmp_path: Path, tables: Tables, sheet: str, column: str, value: int, code: str) -> None:
    tables[sheet][0][column] = value
    probs = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), code)
    assert any(p.sheet == sheet and p.column == column and p.value == value and p.row == 2 for p in probs)


def test_ages_that_do_not_add_up(tmp_path: Path, tables: Tables) -> None:
    tables["Befolkning"].append({"område_id": "C", "ålder_från": 2, "ålder_till": 4, "år": 2025, "antal": 9})
    tables["Befolkning"].append({"område_id": "V", "ålder_från": 9, "ålder_till": 7, "år": 2025, "antal": 9})
    probs = problems_of(write_xlsx(tmp_path / "k.xlsx", tables))
    overlap = only(probs, "E_AGE_OVERLAP")
    band = only(probs, "E_AGE_BAND")
    assert len(band) == 1 and band[0].value == 7
    assert overlap and all(p.sheet == "Befolkning" for p in overlap)


def test_population_must_cover_the_plan(tmp_path: Path, tables: Tables) -> None:
    tables["Befolkning"] = [r for r in tables["Befolkning"] if r["år"] <= 2030]
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_POPULATION_YEARS")
    assert "2031" in p.message


def test_unknown_choice(tmp_path: Path, tables: Tables) -> None:
    tables["Komponenter"][0]["typ"] = "taket"
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_CHOICE")
    assert p.value == "taket" and "tak" in p.message


def test_shares_must_not_exceed_one(tmp_path: Path, tables: Tables) -> None:
    tables["Komponenter"][1]["andel_av_värde"] = 0.95
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_SHARE_SUM")
    assert p.value == "S1"


def test_required_cell_empty(tmp_path: Path, tables: Tables) -> None:
    tables["Områden"][1]["namn"] = None
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_REQUIRED")
    assert (p.row, p.column) == (3, "namn")


def test_every_problem_is_listed_at_once(tmp_path: Path, tables: Tables) -> None:
    tables["Anläggningar"][0]["yta_m2"] = -1
    tables["Anläggningar"][1]["byggår"] = "x"
    tables["Komponenter"][0]["typ"] = "nope"
    tables["Kommun"][0]["basår"] = None
    codes = {p.code for p in problems_of(write_xlsx(tmp_path / "k.xlsx", tables))}
    assert {"E_RANGE", "E_TYPE", "E_CHOICE", "E_REQUIRED"} <= codes


def test_not_an_xlsx_file(tmp_path: Path) -> None:
    f = tmp_path / "kommun.xlsx"
    f.write_text("det här är ingen arbetsbok", encoding="utf-8")
    (p,) = problems_of(f)
    assert p.code == "E_FILE_FORMAT" and p.file == "kommun.xlsx"


def test_corrupt_xlsx(tmp_path: Path) -> None:
    import zipfile

    f = tmp_path / "trasig.xlsx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    (p,) = problems_of(f)
    assert p.code == "E_FILE_UNREADABLE"


@pytest.mark.parametrize("name", ["kommun.ods", "kommun.txt"])
def test_wrong_format(tmp_path: Path, name: str) -> None:
    f = tmp_path / name
    f.write_text("x", encoding="utf-8")
    assert [p.code for p in problems_of(f)] == ["E_FILE_FORMAT"]


def test_missing_path(tmp_path: Path) -> None:
    assert [p.code for p in problems_of(tmp_path / "finns-inte.xlsx")] == ["E_FILE_MISSING"]


def test_too_many_municipality_rows(tmp_path: Path, tables: Tables) -> None:
    tables["Kommun"].append(dict(tables["Kommun"][0]))
    assert only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_SINGLE_ROW")


def test_unknown_sheet(tmp_path: Path, tables: Tables) -> None:
    tables["Budget"] = [{"a": 1}]
    (p,) = only(problems_of(write_xlsx(tmp_path / "k.xlsx", tables)), "E_SHEET_UNKNOWN")
    assert p.sheet == "Budget"


def test_project_rules(tmp_path: Path, tables: Tables) -> None:
    base = {"projekt_id": "P1", "namn": "Nytt tak", "typ": "reinvestering", "område_id": "C",
            "kostnad_kr": 1e6, "byggtid_år": 2}
    tables["Projekt"] = [
        {**base, "kassaprofil": "0,5;0,4"},  # does not sum to one
        {**base, "projekt_id": "P2", "tidigast_start": 2030, "senast_start": 2027},
        {**base, "projekt_id": "P3", "beroende_av": "P4"},
        {**base, "projekt_id": "P4", "beroende_av": "P3", "komponentfördelning": "tak:0,5;golv:0,5"},
    ]
    probs = problems_of(write_xlsx(tmp_path / "k.xlsx", tables))
    assert only(probs, "E_CASH_PROFILE")[0].row == 2
    assert any(p.row == 3 and p.column == "senast_start" for p in only(probs, "E_YEAR_RANGE"))
    assert only(probs, "E_DEPENDENCY_CYCLE")
    assert "golv" in only(probs, "E_CHOICE")[0].message
