"""Workbooks and CSV files: round trip, formats, formula injection, atomic writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from hushall.reports.excel import KR_FORMAT, write_tables_csv, write_tables_xlsx


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "år": [2025, 2026, 2027],
            "namn": ["Centralskolan", "=HYPERLINK(\"http://evil\")", "-1+2"],
            "belopp_kr": [1_234_567.4, 0.0, -5.5],
            "andel": [0.5, np.nan, 1.0],
            "reservkraft": [True, False, True],
        }
    )


def test_xlsx_round_trip(tmp_path: Path) -> None:
    path = write_tables_xlsx(tmp_path / "ut.xlsx", {"Förnyelse per år": table(), "Tom": table().iloc[0:0]})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Förnyelse per år", "Tom"]
    ws = wb["Förnyelse per år"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("år", "namn", "belopp_kr", "andel", "reservkraft")
    assert [r[0] for r in rows[1:]] == [2025, 2026, 2027]
    assert [r[2] for r in rows[1:]] == [1_234_567.4, 0.0, -5.5]
    assert [r[3] for r in rows[1:]] == [0.5, None, 1.0]
    assert [r[4] for r in rows[1:]] == ["ja", "nej", "ja"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"
    assert ws["C2"].number_format == KR_FORMAT
    assert ws["A2"].number_format == "0"
    assert ws.column_dimensions["B"].width >= len("=HYPERLINK(\"http://evil\")")
    assert ws["A1"].font.b


def test_formula_injection_is_escaped(tmp_path: Path) -> None:
    path = write_tables_xlsx(tmp_path / "ut.xlsx", {"Blad": table()})
    ws = openpyxl.load_workbook(path)["Blad"]
    assert ws["B3"].data_type == "s"
    assert ws["B3"].value == "'=HYPERLINK(\"http://evil\")"
    assert ws["B4"].value == "'-1+2"
    assert ws["B2"].value == "Centralskolan"
    csv = write_tables_csv(tmp_path, {"Blad": table()})[0]
    text = csv.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=" not in text and ";=" not in text


def test_number_formats_override(tmp_path: Path) -> None:
    path = write_tables_xlsx(tmp_path / "ut.xlsx", {"Blad": table()}, number_formats={"andel": "0.0%"})
    assert openpyxl.load_workbook(path)["Blad"]["D2"].number_format == "0.0%"


def test_csv_round_trip(tmp_path: Path) -> None:
    (path,) = write_tables_csv(tmp_path, {"Förväntad förnyelse (Weibull)": table()})
    assert path.name == "forvantad_fornyelse_weibull.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert back["belopp_kr"].tolist() == [1_234_567.4, 0.0, -5.5]
    assert back["reservkraft"].tolist() == ["ja", "nej", "ja"]
    assert back["år"].tolist() == [2025, 2026, 2027]


def test_bad_sheet_name_leaves_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "ut.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match="fliknamn"):
        write_tables_xlsx(target, {"a/b": table()})
    assert target.read_bytes() == b"old"


def test_failed_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ut.xlsx"
    target.write_bytes(b"old")

    real_save = openpyxl.Workbook.save

    def broken_save(self: openpyxl.Workbook, filename: str) -> None:
        real_save(self, filename)
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_tables_xlsx(target, {"Blad": table()})
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["ut.xlsx"]  # no temporary file left


def test_too_many_rows_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hushall.reports.excel as excel

    monkeypatch.setattr(excel, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(ValueError, match="CSV"):
        write_tables_xlsx(tmp_path / "ut.xlsx", {"Blad": table()})
