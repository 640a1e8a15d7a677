"""Reading .xlsx input (issue 14): python-calamine's fast path gives exactly the raw tables openpyxl gives, and a
workbook with formula or error cells goes through openpyxl (which tells them apart from empty cells)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from hushall.data import io
from hushall.data.template import write_template
from hushall.examples import exempelkommun_frames


def _tables(book: io.RawWorkbook) -> dict[str, tuple[object, ...]]:
    return {k: (t.header, t.rows, t.row_numbers, t.formulas) for k, t in book.tables.items()}


def test_calamine_reads_the_same_values_as_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "blandat.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = " Kommun "
    ws.append(["a", None, "c", "  ", None])
    ws.append([dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4), dt.time(3, 4), True, 5.0])
    ws.append([0.1 + 0.2, -3, 1e20, 123456789012345.0, "  x "])
    ws["H7"] = "bredvid"  # a value beside the headers, rows below empty ones
    wb.create_sheet("Tom")
    wb.create_sheet("Förskjuten")["C3"] = 4
    wb.save(path)
    assert not io._has_formulas(path)
    fast, reference = io.read_xlsx(path), io._read_xlsx_openpyxl(path)
    assert _tables(fast) == _tables(reference)
    assert fast.tables["Kommun"].rows[0][:2] == [dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4)]
    assert fast.tables["Kommun"].rows[0][4] == 5 and isinstance(fast.tables["Kommun"].rows[0][4], int)


def test_the_example_workbook_reads_the_same_both_ways(tmp_path: Path) -> None:
    path = write_template(tmp_path / "exempelkommun.xlsx", exempelkommun_frames())
    assert not io._has_formulas(path)
    fast = io.read_xlsx(path)
    assert _tables(fast) == _tables(io._read_xlsx_openpyxl(path))
    assert len(fast.tables["Befolkning"].rows) == len(exempelkommun_frames()["population"])


def test_formula_and_error_cells_are_read_by_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "formler.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Områden"
    ws.append(["område_id", "namn"])
    ws.append(["C", "=A2"])
    ws["A3"] = "#N/A"
    ws["A3"].data_type = "e"
    wb.save(path)
    assert io._has_formulas(path)
    table = io.read_xlsx(path).tables["Områden"]
    assert table.formulas == {(2, 1): "=A2"}  # no saved value: named as a formula, not as an empty cell
    assert table.rows[1][0] == "#N/A"


def test_the_example_workbook_loads_back_to_the_example_and_its_texts_stay_texts(tmp_path: Path) -> None:
    """The template written by XlsxWriter (:func:`write_template`) holds every table of the example exactly as
    the CSV folder has it (XlsxWriter writes 16 significant digits, which each of the example's 25 966 decimals
    survives); a text that looks like a formula, a number or a link is written as the text it is."""
    import pandas as pd

    from hushall.model.municipality import load_frames

    frames = exempelkommun_frames()
    hostile = ["=HYPERLINK(\"http://x\")", "https://example.org", "1 234", "+46 70"]
    frames["districts"].loc[: len(hostile) - 1, "name"] = hostile
    path = write_template(tmp_path / "exempelkommun.xlsx", frames)
    back, _ = load_frames(path)
    for key, frame in frames.items():
        if key == "districts":
            frame = frame.assign(name=["'" + t if t[0] in "=+-@" else t for t in frame["name"]])
        pd.testing.assert_frame_equal(back[key].drop(columns="_row", errors="ignore").reset_index(drop=True),
                                      frame.drop(columns="_row", errors="ignore").reset_index(drop=True),
                                      check_dtype=False, check_exact=True, obj=key)
    ws = openpyxl.load_workbook(path)["Områden"]
    names = [ws.cell(row=i, column=2) for i in range(2, 2 + len(hostile))]
    assert all(c.data_type == "s" and c.hyperlink is None for c in names)
    assert [c.value for c in names] == ["'=HYPERLINK(\"http://x\")", "https://example.org", "1 234", "'+46 70"]
