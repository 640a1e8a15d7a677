"""Investment-plan import: the usual layout to sheet Projekt, with a cash profile from the yearly amounts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hushall.data.importers.investment_plan import import_investment_plan
from hushall.data.importers.workbook import read_sheet
from hushall.errors import DataValidationError
from hushall.model.validate import parse_shares

FILES = Path(__file__).parent / "files"


@pytest.fixture
def plan(example_xlsx: Path) -> object:
    districts = read_sheet(example_xlsx, "districts")
    assert districts is not None
    return import_investment_plan(FILES / "investeringsplan.xlsx", 2024, None,
                                  read_sheet(example_xlsx, "facilities"), set(districts["district_id"]))


def test_projects_with_cost_and_cash_profile_from_the_years(plan: object) -> None:
    proj = plan.tables["projects"].set_index("name")  # type: ignore[attr-defined]
    forskola = proj.loc["Ny förskola i Björkhult"]
    assert forskola["cost_kr"] == 42_000_000  # tkr from the title row
    assert forskola["earliest_start"] == 2025 and forskola["duration_years"] == 3
    shares = parse_shares(forskola["cash_profile"])
    assert shares is not None and sum(shares) == pytest.approx(1, abs=1e-9)
    assert [round(s * forskola["cost_kr"]) for s in shares] == [2_000_000, 25_000_000, 15_000_000]
    assert forskola["project_type"] == "nybyggnad"
    hall = proj.loc["Ny idrottshall Ekeberga"]
    assert hall["duration_years"] == 3 and hall["cost_kr"] == 60_000_000
    one_year = proj.loc["Byte av yttertak Västerskolan F–6"]
    assert one_year["cash_profile"] == "" and one_year["earliest_start"] == 2027


def test_facilities_and_districts_from_the_workbook(plan: object) -> None:
    proj = plan.tables["projects"].set_index("name")  # type: ignore[attr-defined]
    assert proj.loc["Byte av yttertak Västerskolan F–6", "facility_id"] == "F-C-02"  # by id
    assert proj.loc["Reservkraft Lindgården", "facility_id"] == "F-C-08"  # by name
    assert proj.loc["Ombyggnad Centralskolan F–6", "facility_id"] == "F-C-01"  # name found in the project name
    assert proj.loc["Ombyggnad Centralskolan F–6", "district_id"] == "C"
    unknown = plan.reports["_Okända anläggningar, områden"]  # type: ignore[attr-defined]
    assert set(zip(unknown["projekt"], unknown["slag"], strict=True)) == {
        ("Ny förskola i Björkhult", "område"), ("Ny idrottshall Ekeberga", "anläggning"),
        ("Ny idrottshall Ekeberga", "område"), ("Gatubelysning LED", "område")}


def test_rows_not_read_and_checks_are_listed(plan: object) -> None:
    rej = plan.reports["_Ej inlästa projekt"]  # type: ignore[attr-defined]
    assert rej["rad"].tolist() == [10, 11]
    assert "negativt belopp" in rej["orsak"].iloc[0] and "Summarad" in rej["orsak"].iloc[1]
    listing = plan.reports["_Investeringsplan"].set_index("projekt")  # type: ignore[attr-defined]
    assert listing.loc["Ny förskola i Björkhult", "nämnd"] == "BUN"
    assert "avviker" in listing.loc["Ny idrottshall Ekeberga", "import"]  # total 68 000 includes 2030
    assert listing.loc["Ny förskola i Björkhult", "anmärkning"] == "Beslut KF 2024-11-20"


def test_unit_must_be_known_and_layout_found(tmp_path: Path) -> None:
    pd.DataFrame({"Projekt": ["A"], "2025": [100]}).to_csv(tmp_path / "p.csv", sep=";", index=False)
    with pytest.raises(DataValidationError, match="--enhet"):
        import_investment_plan(tmp_path / "p.csv")
    r = import_investment_plan(tmp_path / "p.csv", unit="mnkr")
    assert r.tables["projects"]["cost_kr"].tolist() == [100_000_000]
    pd.DataFrame({"Namn": ["A"], "Belopp": [1]}).to_csv(tmp_path / "q.csv", sep=";", index=False)
    with pytest.raises(DataValidationError, match="rubrikrad"):
        import_investment_plan(tmp_path / "q.csv", unit="kr")
