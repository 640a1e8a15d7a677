"""Reading a municipality's workbook (.xlsx) or folder of CSV files into raw tables.

Raw tables keep every cell as the user wrote it (strings, numbers, ``None``) together with the row number the
user sees, so that :mod:`hushall.data.validate` can name the exact cell of every problem. Formulas are never
executed: openpyxl returns the value Excel cached when the file was saved. A formula cell without a cached value
(a workbook written by a program, never opened and saved in Excel) is recorded in :attr:`RawTable.formulas`, so
that validation can say so instead of reporting an empty cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hushall.data.schema import TABLES
from hushall.errors import DataValidationError, Problem


@dataclass
class RawTable:
    """One sheet as read: header cells, data rows and each row's number in the file."""

    sheet: str
    header: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    #: (row number, column index from 0) → formula text, for formula cells without a saved value.
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class RawWorkbook:
    """All sheets found in a workbook or CSV folder."""

    path: Path
    tables: dict[str, RawTable] = field(default_factory=dict)  # keyed by sheet name

    @property
    def file_label(self) -> str:
        return self.path.name


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v if v != "" else None
    return v


def _last_filled(row: list[Any]) -> int:
    """1 + the index of the row's last cell holding a value (0 for an empty row)."""
    for i in range(len(row) - 1, -1, -1):
        if _clean(row[i]) is not None:
            return i + 1
    return 0


def _trim(header: list[Any], rows: list[tuple[int, list[Any]]], keep: frozenset[int] = frozenset()
          ) -> RawTable | None:
    # Drop trailing empty header cells and wholly empty rows (not those with a formula cell, numbers in ``keep``);
    # keep the user's row numbers.
    hdr = [("" if h is None else str(h).strip()) for h in header]
    # the table is as wide as its last header or its last cell with a value: a value beside the headers is not
    # dropped in silence (validation names its column)
    width = max([_last_filled(hdr)] + [_last_filled(row) for _, row in rows])
    hdr = (hdr + [""] * width)[:width]
    kept_rows: list[list[Any]] = []
    numbers: list[int] = []
    for number, row in rows:
        cells = [_clean(c) for c in row[: len(hdr)]]
        cells += [None] * (len(hdr) - len(cells))
        if number in keep or any(c is not None for c in cells):
            kept_rows.append(cells)
            numbers.append(number)
    return RawTable(sheet="", header=hdr, rows=kept_rows, row_numbers=numbers)


def read_xlsx(path: Path) -> RawWorkbook:
    """Read every sheet of an .xlsx file (header in row 1).

    The values are read with python-calamine (a Rust reader, ~10× faster than openpyxl on the 25,000 population
    rows of the example); a workbook with formula or error cells is read with openpyxl instead
    (:func:`_read_xlsx_openpyxl`), which tells a formula without a saved value and an error value such as
    ``#N/A`` apart from an empty cell. Both give the same values (:func:`_as_openpyxl_value`).
    """
    label = path.name
    if not zipfile.is_zipfile(path):
        raise DataValidationError.single(
            "E_FILE_FORMAT",
            "Filen är inte en Excel-arbetsbok (.xlsx). Spara den som 'Excel-arbetsbok (*.xlsx)' och försök igen.",
            file=label,
        )
    try:
        special = _has_formulas(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(label, exc) from exc
    if special:
        return _read_xlsx_openpyxl(path)
    import python_calamine

    book = RawWorkbook(path=path)
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = [(m.name, wb.get_sheet_by_name(m.name).to_python(skip_empty_area=False))
                  for m in wb.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    except (python_calamine.CalamineError, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _unreadable(label, exc) from exc
    for title, cells in sheets:
        header = [_as_openpyxl_value(v) for v in cells[0]] if cells else []
        rows = [(i, [_as_openpyxl_value(v) for v in r]) for i, r in enumerate(cells[1:], start=2)]
        t = _trim(header, rows)
        if t is not None:
            t.sheet = title.strip()
            book.tables[t.sheet] = t
    return book


def _as_openpyxl_value(v: Any) -> Any:
    """A python-calamine cell value as openpyxl gives it: an empty cell ``None``, a whole number (stored without
    decimals by Excel) ``int``, a date ``datetime``."""
    if isinstance(v, float):
        return int(v) if v.is_integer() and abs(v) < 1e15 else v
    if v == "":
        return None
    if type(v) is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


def _unreadable(label: str, exc: BaseException) -> DataValidationError:
    return DataValidationError.single(
        "E_FILE_UNREADABLE", f"Arbetsboken kunde inte läsas ({type(exc).__name__}). Är den skadad?", file=label
    )


def _read_xlsx_openpyxl(path: Path) -> RawWorkbook:
    """:func:`read_xlsx` through openpyxl, for a workbook with formula or error cells: a formula cell without a
    saved value is recorded in :attr:`RawTable.formulas`, an error value kept as its text (``#N/A``)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    label = path.name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _unreadable(label, exc) from exc
    book = RawWorkbook(path=path)
    formulas = _unsaved_formulas(path)
    try:
        for ws in wb.worksheets:
            it = ws.iter_rows(values_only=True)
            try:
                header = list(next(it))
            except StopIteration:
                header = []
            rows = [(i, list(r)) for i, r in enumerate(it, start=2)]
            sheet_formulas = {(r, c): f for (title, r, c), f in formulas.items()
                              if title == ws.title and r >= 2 and _value_at(rows, r, c) is None}
            t = _trim(header, rows, frozenset(r for r, _ in sheet_formulas))
            if t is not None:
                t.sheet = ws.title.strip()
                t.formulas = {k: f for k, f in sheet_formulas.items() if k[1] < len(t.header)}
                book.tables[t.sheet] = t
    finally:
        wb.close()
    return book


#: A formula element (``<f>``) or an error cell (``t="e"``) in a worksheet's XML.
_FORMULA_TAG = re.compile(rb'<(?:\w+:)?f[\s>/]|\st="e"')


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the .xlsx holds a formula element or an error cell (a cheap scan of the XML)."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            tail = b""
            with zf.open(name) as f:
                while chunk := f.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-8:]
    return False


def _unsaved_formulas(path: Path) -> dict[tuple[str, int, int], str]:
    """(sheet title, row, column index) → formula text of every formula cell (a second read, formulas kept)."""
    import openpyxl

    out: dict[tuple[str, int, int], str] = {}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for ws in wb.worksheets:
            for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for j, v in enumerate(row):
                    text = v if isinstance(v, str) else getattr(v, "text", None)  # ArrayFormula: .text
                    if isinstance(text, str) and text.startswith("="):
                        out[(ws.title, i, j)] = text
    finally:
        wb.close()
    return out


def _value_at(rows: list[tuple[int, list[Any]]], number: int, column: int) -> Any:
    index = number - 2  # rows hold row 2 onwards, in order
    if 0 <= index < len(rows) and column < len(rows[index][1]):
        return rows[index][1][column]
    return None


def _sniff_delimiter(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    return ";" if first.count(";") > first.count(",") else ","


def read_csv_folder(path: Path) -> RawWorkbook:
    """Read ``<Sheet>.csv`` (or ``<table key>.csv``) files from a folder; ``;`` or ``,`` separated, UTF-8."""
    book = RawWorkbook(path=path)
    by_key = {t.key: t.sheet for t in TABLES.values()}
    for f in sorted(path.glob("*.csv")):
        sheet = by_key.get(f.stem, f.stem)
        try:
            text = f.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = f.read_text(encoding="cp1252")
            except UnicodeDecodeError as exc:
                raise DataValidationError.single(
                    "E_FILE_ENCODING", "CSV-filen är varken UTF-8 eller Windows-1252.", file=f.name
                ) from exc
        reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(text))
        all_rows = list(reader)
        header = all_rows[0] if all_rows else []
        t = _trim(list(header), [(i, list(r)) for i, r in enumerate(all_rows[1:], start=2)])
        if t is not None:
            t.sheet = sheet
            book.tables[sheet] = t
    return book


def read_raw(path: str | Path) -> RawWorkbook:
    """Read an .xlsx workbook or a folder of CSV files.

    Raises
    ------
    DataValidationError
        When the path does not exist or is neither an .xlsx file nor a folder.
    """
    p = Path(path)
    if not p.exists():
        raise DataValidationError.single("E_FILE_MISSING", "Filen eller mappen finns inte.", file=str(p))
    if p.is_dir():
        if not any(p.glob("*.csv")):
            raise DataValidationError.single(
                "E_FILE_MISSING", "Mappen innehåller inga CSV-filer (t.ex. Kommun.csv, Anläggningar.csv).",
                file=str(p),
            )
        return read_csv_folder(p)
    if p.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_xlsx(p)
    raise DataValidationError.single(
        "E_FILE_FORMAT",
        "Okänt filformat: ange en Excel-arbetsbok (.xlsx) eller en mapp med CSV-filer.",
        file=p.name,
    )


__all__ = ["Problem", "RawTable", "RawWorkbook", "read_raw"]
