"""Reading a municipality's workbook (.xlsx) or folder of CSV files into raw tables.

Raw tables keep every cell as the user wrote it (strings, numbers, ``None``) together with the row number the
user sees, so that :mod:`hushall.data.validate` can name the exact cell of every problem. Formulas are never
executed: openpyxl returns the value Excel cached when the file was saved.
"""

from __future__ import annotations

import csv
import io
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


def _trim(header: list[Any], rows: list[tuple[int, list[Any]]]) -> RawTable | None:
    # Drop trailing empty header cells and wholly empty rows; keep the user's row numbers.
    hdr = [("" if h is None else str(h).strip()) for h in header]
    while hdr and hdr[-1] == "":
        hdr.pop()
    kept_rows: list[list[Any]] = []
    numbers: list[int] = []
    for number, row in rows:
        cells = [_clean(c) for c in row[: len(hdr)]]
        cells += [None] * (len(hdr) - len(cells))
        if any(c is not None for c in cells):
            kept_rows.append(cells)
            numbers.append(number)
    return RawTable(sheet="", header=hdr, rows=kept_rows, row_numbers=numbers)


def read_xlsx(path: Path) -> RawWorkbook:
    """Read every sheet of an .xlsx file (header in row 1)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    label = path.name
    if not zipfile.is_zipfile(path):
        raise DataValidationError.single(
            "E_FILE_FORMAT",
            "Filen är inte en Excel-arbetsbok (.xlsx). Spara den som 'Excel-arbetsbok (*.xlsx)' och försök igen.",
            file=label,
        )
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataValidationError.single(
            "E_FILE_UNREADABLE", f"Arbetsboken kunde inte läsas ({type(exc).__name__}). Är den skadad?", file=label
        ) from exc
    book = RawWorkbook(path=path)
    try:
        for ws in wb.worksheets:
            it = ws.iter_rows(values_only=True)
            try:
                header = list(next(it))
            except StopIteration:
                header = []
            rows = [(i, list(r)) for i, r in enumerate(it, start=2)]
            t = _trim(header, rows)
            if t is not None:
                t.sheet = ws.title.strip()
                book.tables[t.sheet] = t
    finally:
        wb.close()
    return book


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
