"""Writing imports: --into changes only the sheets an import owns; --out never overwrites without force."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from hushall.data.importers.workbook import ImportResult, write_import
from hushall.errors import DataValidationError


def snapshot(path: Path, skip: set[str]) -> dict[str, Any]:
    """Every cell's value, font, fill, number format and comment, and the dropdowns, of the other sheets."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        if ws.title in skip or ws.title.startswith("_S") or ws.title.startswith("_E"):
            continue
        cells = [(c.coordinate, c.value, c.font.b, c.fill.fgColor.rgb, c.number_format,
                  c.comment.text if c.comment else None) for row in ws.iter_rows() for c in row]
        dvs = sorted((dv.sqref.__str__(), dv.formula1) for dv in ws.data_validations.dataValidation)
        out[ws.title] = (cells, dvs, ws.freeze_panes, ws.sheet_state)
    return out


def finance_result(amount: float = 900_000_000.0) -> ImportResult:
    frame = pd.DataFrame([{"item": "skatteintäkter", "amount_kr": amount, "source": "SIE test"},
                          {"item": "avskrivningar", "amount_kr": -70_000_000.0, "source": "SIE test"}])
    return ImportResult("sie", {"finance": frame}, {"_SIE konton utan post": pd.DataFrame({"konto": ["9100"]})})


def test_into_changes_only_the_owned_sheet_and_keeps_other_rows(example_xlsx: Path) -> None:
    # a user's own formatting and comment on another sheet must survive
    wb = openpyxl.load_workbook(example_xlsx)
    wb["Anläggningar"]["B2"].font = openpyxl.styles.Font(italic=True, color="FF0000")
    wb["Anläggningar"]["B2"].comment = openpyxl.comments.Comment("Kolla namnet", "Ekonomichefen")
    wb.save(example_xlsx)
    before = snapshot(example_xlsx, {"Ekonomi"})
    ekonomi_before = {r[0].value: r for r in openpyxl.load_workbook(example_xlsx)["Ekonomi"].iter_rows(min_row=2)}
    _, counts = write_import(finance_result(), into=example_xlsx)
    assert snapshot(example_xlsx, {"Ekonomi"}) == before
    wb = openpyxl.load_workbook(example_xlsx)
    rows = {r[0].value: [c.value for c in r] for r in wb["Ekonomi"].iter_rows(min_row=2) if r[0].value}
    assert rows["skatteintäkter"][1:] == [900_000_000, "SIE test"]
    assert rows["avskrivningar"][1] == -70_000_000
    # lines the import does not bring keep the user's value and source
    assert rows["ansvarsförbindelse_pensioner"][1] == ekonomi_before["ansvarsförbindelse_pensioner"][1].value
    assert len(rows) == len(ekonomi_before)
    assert (counts["Ekonomi"].updated, counts["Ekonomi"].added, counts["Ekonomi"].kept) == (2, 0, 15)
    assert wb["_SIE konton utan post"]["A2"].value == "9100"
    assert wb["Anläggningar"]["B2"].comment.text == "Kolla namnet"


def test_into_twice_is_idempotent_and_reports_replace_not_pile_up(example_xlsx: Path) -> None:
    write_import(finance_result(1.0), into=example_xlsx)
    write_import(finance_result(2.0), into=example_xlsx)
    wb = openpyxl.load_workbook(example_xlsx)
    values = [r[1].value for r in wb["Ekonomi"].iter_rows(min_row=2) if r[0].value == "skatteintäkter"]
    assert values == [2]
    assert wb.sheetnames.count("_SIE konton utan post") == 1


def test_out_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "ny.xlsx"
    target.write_bytes(b"the user's file")
    with pytest.raises(DataValidationError, match="finns redan"):
        write_import(finance_result(), out=target)
    assert target.read_bytes() == b"the user's file"
    write_import(finance_result(), out=target, force=True)
    assert openpyxl.load_workbook(target)["Ekonomi"]["A2"].value == "skatteintäkter"


def test_a_failed_save_leaves_the_workbook_and_no_temporary_file(example_xlsx: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    original = example_xlsx.read_bytes()

    def broken_save(self: Any, filename: str) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OSError):
        write_import(finance_result(), into=example_xlsx)
    assert example_xlsx.read_bytes() == original
    assert sorted(p.name for p in example_xlsx.parent.iterdir()) == ["kommun.xlsx"]


def test_target_must_be_given_once(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="--into"):
        write_import(finance_result())
    with pytest.raises(DataValidationError, match="finns inte"):
        write_import(finance_result(), into=tmp_path / "saknas.xlsx")


def test_lines_match_whatever_case_the_user_wrote(example_xlsx: Path) -> None:
    wb = openpyxl.load_workbook(example_xlsx)
    for row in wb["Ekonomi"].iter_rows(min_row=2):
        if row[0].value == "skatteintäkter":
            row[0].value = "Skatteintäkter"
    wb.save(example_xlsx)
    _, counts = write_import(finance_result(), into=example_xlsx)
    assert counts["Ekonomi"].added == 0 and counts["Ekonomi"].updated == 2
