"""Writing tables to Excel workbooks and CSV files that officials can open directly.

* Header row frozen, autofilter on, column widths fitted to the contents.
* Amounts in kr (columns whose header ends in ``_kr``) show whole kronor with thousands separators: the stored
  format code is ``#,##0``, which Excel and LibreOffice display in the reader's locale — ``1 234 567`` in
  Swedish (format codes are always stored in the en-US form; a literal ``# ##0`` would print a fixed space).
* Formula injection: text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get an apostrophe
  prefix, so neither Excel nor a spreadsheet opening the CSV runs them as formulas (OWASP, *CSV Injection*).
* Files are written to a temporary file in the target folder and renamed, so a reader never sees a half-written
  file and an earlier version survives a failed write.

CSV files use ``;`` and decimal comma, UTF-8 with BOM: what Swedish Excel expects, and what
:func:`hushall.data.io.read_csv_folder` reads.

Examples
--------
>>> safe_text("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> safe_text("Centralskolan")
'Centralskolan'
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hushall.files import atomic_path, check_target

#: Rows of an Excel worksheet, the header included.
EXCEL_MAX_ROWS = 1_048_576
#: Characters that make a spreadsheet cell a formula (OWASP, CSV Injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

KR_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
PERCENT_FORMAT = "0.0%"
YEAR_FORMAT = "0"
#: The plan's value in points (weighted criteria): a value of more room is a few thousandths of a point.
POINTS_FORMAT = "#,##0.000"
#: Columns of shares (0.734 shown 73,4 %) by their header.
SHARE_HEADERS = frozenset({"sannolikhet", "lägsta_sannolikhet", "standardfel", "andel_av_variansen",
                           "skillnad_mot_optimerad"})


def safe_text(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would otherwise read as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def slugify(name: str) -> str:
    """An ASCII file name stem for a sheet name.

    Examples
    --------
    >>> slugify("Förväntad förnyelse (Weibull)")
    'forvantad_fornyelse_weibull'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_") or "tabell"


def default_number_format(header: str, dtype: Any) -> str | None:
    """Format code for a column by its header and dtype (``None``: leave Excel's General format).

    Examples
    --------
    >>> default_number_format("belopp_kr", np.dtype(float)), default_number_format("år", np.dtype(int))
    ('#,##0', '0')
    >>> default_number_format("sannolikhet", np.dtype(float)), default_number_format("värde_poäng", np.dtype(float))
    ('0.0%', '#,##0.000')
    """
    if header.endswith(("_kr", " kr", "(kr)")):
        return KR_FORMAT
    if header in SHARE_HEADERS:
        return PERCENT_FORMAT
    if header.endswith("_poäng"):
        return POINTS_FORMAT
    if header in ("år", "year") or header.endswith("_år"):
        return YEAR_FORMAT
    if pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_float_dtype(dtype):
        return DECIMAL_FORMAT
    return None


def _cell_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "ja" if value else "nej"
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        return x if math.isfinite(x) else None
    return safe_text(str(value))


def _styled(ws: Any, value: Any, fmt: str | None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if fmt is None or not isinstance(value, (int, float)):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = fmt
    return cell


def _width(header: str, column: pd.Series, fmt: str | None) -> float:
    sample = column.iloc[:2000]
    if fmt in (KR_FORMAT, DECIMAL_FORMAT) and len(sample):
        largest = pd.to_numeric(sample, errors="coerce").abs().max()
        digits = len(f"{largest:,.1f}") if pd.notna(largest) else 1
        longest = digits + 1
    else:
        lengths = sample.astype(str).str.len()
        longest = int(lengths.max()) if len(sample) and lengths.notna().any() else 0
    return float(min(max(len(header), longest) + 2, 60))


def write_tables_xlsx(
    path: str | Path,
    sheets: Mapping[str, pd.DataFrame],
    *,
    number_formats: Mapping[str, str] | None = None,
) -> Path:
    """Write tables to an ``.xlsx`` workbook, one sheet each, headers as given (Swedish by convention).

    Parameters
    ----------
    path
        Target file; replaced atomically.
    sheets
        Sheet name (at most 31 characters) → table. Sheets are written in this order.
    number_formats
        Column header → Excel format code, overriding :func:`default_number_format`.

    Raises
    ------
    ValueError
        When a sheet name is not allowed by Excel or a table has more rows than a worksheet holds.
    """
    check_target(path)  # before the write-only workbook exists: it cannot be dropped half-built
    target = Path(path)
    wb = _workbook(sheets, number_formats)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def tables_xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *,
                      number_formats: Mapping[str, str] | None = None) -> bytes:
    """The workbook of :func:`write_tables_xlsx` as bytes (a download of the web application).

    Examples
    --------
    >>> import io, openpyxl
    >>> data = tables_xlsx_bytes({"Plan": pd.DataFrame({"uppgift": ["=1+1"], "kostnad_kr": [1.5e6]})})
    >>> ws = openpyxl.load_workbook(io.BytesIO(data))["Plan"]
    >>> ws["A2"].value, ws["B2"].value, ws["B2"].number_format
    ("'=1+1", 1500000, '#,##0')
    """
    buffer = io.BytesIO()
    _workbook(sheets, number_formats).save(buffer)
    return buffer.getvalue()


def _workbook(sheets: Mapping[str, pd.DataFrame], number_formats: Mapping[str, str] | None) -> Any:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    formats = dict(number_formats or {})
    for name, df in sheets.items():
        if len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
            raise ValueError(f"Ogiltigt fliknamn för Excel: {name!r} (högst 31 tecken, inte []:*?/\\).")
        if len(df) + 1 > EXCEL_MAX_ROWS:
            raise ValueError(
                f"Tabellen {name!r} har {len(df)} rader; ett Excel-blad rymmer högst {EXCEL_MAX_ROWS - 1}. "
                "Skriv den som CSV i stället."
            )
    wb = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8E8E8")
    header_border = Border(bottom=Side(style="thin", color="808080"))
    for name, df in sheets.items():
        ws = wb.create_sheet(title=name)
        headers = [str(c) for c in df.columns]
        column_formats = [
            formats.get(h, default_number_format(h, df[c].dtype)) for h, c in zip(headers, df.columns, strict=True)
        ]
        for i, (h, c) in enumerate(zip(headers, df.columns, strict=True), start=1):
            ws.column_dimensions[get_column_letter(i)].width = _width(h, df[c], column_formats[i - 1])
        ws.freeze_panes = "A2"
        if headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(df), 1) + 1}"

        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=safe_text(h))
            cell.font, cell.fill, cell.border = header_font, header_fill, header_border
            cell.alignment = Alignment(vertical="top")
            header_cells.append(cell)
        ws.append(header_cells)
        for row in df.itertuples(index=False, name=None):
            ws.append([_styled(ws, _cell_value(v), f) for v, f in zip(row, column_formats, strict=True)])
    return wb


def write_tables_csv(
    directory: str | Path,
    sheets: Mapping[str, pd.DataFrame],
    *,
    file_names: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write each table to ``<directory>/<file name>.csv`` (``;``, decimal comma, UTF-8 with BOM).

    File names default to :func:`slugify` of the sheet name; booleans are written ``ja``/``nej`` and formula-like
    text is escaped as in :func:`write_tables_xlsx`.
    """
    folder = Path(directory)
    written = []
    for name, df in sheets.items():
        stem = (file_names or {}).get(name, slugify(name))
        target = folder / f"{stem}.csv"
        out = df.copy()
        for c in out.columns:
            column = out[c]
            if pd.api.types.is_bool_dtype(column.dtype):
                out[c] = np.where(column.to_numpy(dtype=bool), "ja", "nej")
            elif not pd.api.types.is_numeric_dtype(column.dtype):
                out[c] = [_cell_value(v) for v in column]
        out.columns = [safe_text(str(c)) for c in out.columns]
        with atomic_path(target) as tmp:
            out.to_csv(tmp, sep=";", decimal=",", float_format="%.15g", index=False, encoding="utf-8-sig")
        written.append(target)
    return written


def write_tables(directory: str | Path, workbook: str, sheets: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write the tables as one workbook ``<directory>/<workbook>`` and one CSV per sheet (the outputs of every
    command's ``--out``): :func:`write_tables_xlsx` then :func:`write_tables_csv`."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_tables_xlsx(folder / workbook, sheets), *write_tables_csv(folder, sheets)]

