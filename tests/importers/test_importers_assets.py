"""Asset-register import: two export layouts of the same register give the same sheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hushall.data.importers.assets import import_assets, read_layout, shipped_layouts
from hushall.data.importers.tabular import default_lifetimes
from hushall.errors import DataValidationError

FILES = Path(__file__).parent / "files"


@pytest.fixture(scope="module")
def both() -> tuple:
    return (import_assets(FILES / "register_raindance.csv", "raindance", 2024, {"C", "BH"}),
            import_assets(FILES / "register_unit4.xlsx", "unit4", 2024, {"C", "BH"}))


def test_the_two_layouts_give_the_same_facilities_and_components(both: tuple) -> None:
    rd, u4 = both
    for key in ("facilities", "components"):
        pd.testing.assert_frame_equal(rd.tables[key], u4.tables[key])
    assert sorted(shipped_layouts()) == ["raindance", "unit4"]


def test_facilities_and_components_from_the_register(both: tuple) -> None:
    rd, _ = both
    fac = rd.tables["facilities"].set_index("facility_id")
    assert fac.loc["B100", "category"] == "grundskola" and fac.loc["B200", "category"] == "förskola"
    assert fac.loc["B300", "category"] == "säbo"
    assert fac.loc["B100", "replacement_value_kr"] == 60e6 + 5e6 + 3e6  # the placed components' values
    assert fac.loc["B100", "year_built"] == 1966
    comp = rd.tables["components"].set_index("component_id")
    assert comp.loc["B100-1002", "component_type"] == "tak"
    assert comp.loc["B200-2001", "component_type"] == "stomme"  # "Byggnad" by the keyword table
    assert comp.loc["B200-2002", "component_type"] == "fönster"
    # the register's useful life where given, else the type's default with its source
    assert comp.loc["B100-1003", "lifetime_years"] == 25
    assert comp.loc["B200-2002", "lifetime_years"] == default_lifetimes()["fönster"]


def test_book_value_and_remaining_life_are_reported(both: tuple) -> None:
    rep = both[0].reports["_Anläggningsregister"].set_index("komponent_id")
    tak = rep.loc["B100-1002"]
    assert tak["bokfört_värde_kr"] == 5_000_000 - 4_200_000
    assert tak["återstående_livslängd_år"] == 1996 + 35 - 2024
    assert tak["återstående_enligt_bokfört_värde_år"] == pytest.approx(35 * 0.8 / 5)


def test_rows_that_cannot_be_placed_are_listed_with_row_and_reason(both: tuple) -> None:
    for result, offset in zip(both, (0, 2), strict=True):  # the xlsx has two title rows above the headers
        rej = {r["rad"] - offset: r["orsak"] for r in result.reports["_Ej placerade tillgångar"].to_dict("records")}
        assert sorted(rej) == [5, 8, 10, 11, 12, 13]
        assert "Inventarier" in rej[5] and "Mark skrivs inte av" in rej[8]
        assert "Okänd komponenttyp" in rej[10] and "Markiser" in rej[10]  # 'markiser' is not land
        assert "hösten 2001" in rej[11] and "Saknar byggnad" in rej[12] and "'okänt'" in rej[13]
    unknown = both[0].reports["_Okända områden"]
    assert unknown.to_dict("records") == [{"anläggning_id": "B300", "namn": "Lindgården", "område_id": "X9",
                                           "orsak": "Området finns inte i fliken Områden."}]


def test_uplift_to_todays_prices_and_keywords_of_the_layout(tmp_path: Path) -> None:
    text = (FILES.parent.parent.parent / "src/hushall/data/importers/layouts/raindance.yaml").read_text("utf-8")
    (tmp_path / "l.yaml").write_text(text + "uppräkning_per_år: 0.02\nnyckelord:\n  övrigt: [markiser]\n",
                                     encoding="utf-8")
    r = import_assets(FILES / "register_raindance.csv", tmp_path / "l.yaml", 2024)
    comp = r.tables["components"].set_index("component_id")
    assert comp.loc["B100-1002", "value_kr"] == pytest.approx(5e6 * 1.02 ** (2024 - 1996))
    assert comp.loc["B300-3002", "component_type"] == "övrigt"


def test_a_layout_naming_columns_the_export_lacks_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError) as exc:
        import_assets(FILES / "register_raindance.csv", "unit4", 2024)
    assert "register_raindance.csv › rad 3 › kolumn Asset ID" in str(exc.value)
    (tmp_path / "bad.yaml").write_text("kolumner:\n  värde: X\nkonto_till_typ:\n  '11': golv\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_layout(tmp_path / "bad.yaml")
    msg = str(exc.value)
    assert "värde 'värde'" in msg and "anskaffningsvärde_kr måste anges" in msg and "värde 'golv'" in msg
