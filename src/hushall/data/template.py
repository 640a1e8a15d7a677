"""The Excel template, generated from the one description of the tables (:mod:`hushall.data.schema`).

``write_template(path)`` writes an empty, annotated workbook: one sheet per table with Swedish headers, a comment
on every header (description, unit, example), dropdowns for enumerations and ja/nej columns, and an
*Instruktioner* sheet. ``write_template(path, frames)`` writes the same workbook filled with data (the example
municipality), which loads back to the same model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from hushall.data.schema import TABLES, ColumnSpec, TableSpec
from hushall.files import atomic_path

HEADER_FILL = "1F4E79"
OPTIONAL_FILL = "5B7FA6"
LISTS_SHEET = "_Listor"


def _cell_value(value: Any, col: ColumnSpec) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if col.dtype == "bool":
        return "ja" if bool(value) else "nej"
    if col.dtype == "int":
        return int(value)
    if col.dtype == "float":
        x = float(value)
        return int(x) if x.is_integer() and abs(x) < 1e15 else x
    s = str(value)
    if s == "":
        return None
    if s[0] in "=+-@":  # never let a text cell become a formula
        s = "'" + s
    return s


def _number_format(col: ColumnSpec) -> str | None:
    if col.unit in ("kr", "kr/år"):
        return "#,##0"
    if col.dtype == "int":
        return "0"
    if col.unit == "andel":
        return "0.00"
    return None


def _instruction_rows() -> list[tuple[str, str]]:
    """The *Instruktioner* sheet's rows: title, how to fill in, how to check, then one row per sheet."""
    rows = [
        ("Hushåll – indata för kommunens anläggningsplanering", ""),
        ("", ""),
        ("Så fyller du i", "Varje flik är en tabell. Rubrikerna på rad 1 får inte ändras; håll muspekaren över en "
         "rubrik för att se vad den betyder, enheten och ett exempel. Listor (t.ex. kategori, ja/nej) har "
         "rullgardinsmenyer. Belopp anges i kronor i prisbasårets priser."),
        ("Kontrollera", "Kör 'hushall validate ARBETSBOK.xlsx' – alla fel listas med flik, rad, kolumn och värde."),
        ("", ""),
        ("Flik", "Innehåll"),
    ]
    return rows + [(f"{t.sheet}{'' if t.required else ' (frivillig)'}", t.description) for t in TABLES.values()]


def _instructions(wb: Any) -> None:
    ws = wb.add_worksheet("Instruktioner")
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 110)
    title = wb.add_format({"bold": True, "font_size": 14})
    wrapped = wb.add_format({"text_wrap": True, "valign": "top"})
    heading = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for i, row in enumerate(_instruction_rows()):
        fmt = title if i == 0 else heading if i == 5 else wrapped if i >= 2 else None
        for j, text in enumerate(row):
            if text:
                ws.write_string(i, j, text, fmt)
            elif fmt is not None and fmt is not title:
                ws.write_blank(i, j, None, fmt)


def _comment(col: ColumnSpec) -> str:
    """The comment on a column's header: what it means, its unit, whether it is required, an example."""
    text = col.description
    if col.unit:
        text += f"\nEnhet: {col.unit}"
    text += "\nObligatorisk" if col.required else "\nFrivillig"
    if col.default not in (None, ""):
        text += f" (standard: {col.default})"
    if col.example not in (None, ""):
        text += f"\nExempel: {col.example}"
    return text


def _width(col: ColumnSpec) -> int:
    """A column's width (characters): its header's, within 12 … 40."""
    return max(12, min(40, len(col.header) + 4))


def _dropdown(spec: TableSpec, col: ColumnSpec, lists: dict[str, str]) -> str | None:
    """Where a column's dropdown takes its values from (a range of the lists sheet), or ``None``."""
    return {"enum": lists.get(f"{spec.key}.{col.name}"), "bool": lists["__bool__"]}.get(col.dtype)


#: Rows a dropdown reaches: at least this many, and this many more than the rows of data.
DROPDOWN_ROWS = 1000
DROPDOWN_MARGIN = 200
#: The dropdowns' message for a value not in the list.
NOT_IN_LIST = "Välj ett värde ur listan."


def _dropdown_last_row(n_rows: int) -> int:
    """The last worksheet row (from 1) a column's dropdown reaches in a sheet of ``n_rows`` rows of data."""
    return max(DROPDOWN_ROWS, n_rows + DROPDOWN_MARGIN)


def _rows(spec: TableSpec, frame: pd.DataFrame) -> Iterator[list[Any]]:
    """The table's rows as the cells hold them (:func:`_cell_value`), in the sheet's column order."""
    columns = [frame[c.name].tolist() if c.name in frame.columns else [None] * len(frame) for c in spec.columns]
    for values in zip(*columns, strict=True):
        yield [_cell_value(v, c) for v, c in zip(values, spec.columns, strict=True)]


def add_sheet_openpyxl(wb: Any, spec: TableSpec, frame: pd.DataFrame | None, lists: dict[str, str]) -> None:
    """The sheet of :func:`_add_sheet` in a workbook openpyxl has open (a table replaced in a user's workbook,
    :func:`hushall.data.update.replace_tables`): the same headers, comments, widths, dropdowns and formats."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(spec.sheet)
    ws.append([c.header for c in spec.columns])
    n_rows = 0 if frame is None else len(frame)
    for j, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL if col.required else OPTIONAL_FILL)
        cell.comment = Comment(_comment(col), "Hushåll", width=320, height=140)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = _width(col)
        source = _dropdown(spec, col, lists)
        if source:
            dv = DataValidation(type="list", formula1=source, allow_blank=not col.required, showDropDown=False)
            dv.error = NOT_IN_LIST
            dv.errorTitle = col.header
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{_dropdown_last_row(n_rows)}")
    if frame is not None:
        formats = [_number_format(col) for col in spec.columns]
        for i, row in enumerate(_rows(spec, frame), start=2):
            ws.append(row)
            for j, fmt in enumerate(formats, start=1):
                if fmt:
                    ws.cell(row=i, column=j).number_format = fmt
    ws.freeze_panes = "A2"


def _add_sheet(wb: Any, spec: TableSpec, frame: pd.DataFrame | None, lists: dict[str, str],
               formats: dict[str | None, Any]) -> None:
    """One table's sheet in a new workbook (XlsxWriter's ``wb``): headers with their fill and comment, widths,
    dropdowns, the header row frozen, and the rows of ``frame`` with their number formats."""
    ws = wb.add_worksheet(spec.sheet)
    n_rows = 0 if frame is None else len(frame)
    for j, col in enumerate(spec.columns):
        ws.write_string(0, j, col.header, formats["required" if col.required else "optional"])
        ws.write_comment(0, j, _comment(col), {"author": "Hushåll", "width": 320, "height": 140})
        ws.set_column(j, j, _width(col))
        source = _dropdown(spec, col, lists)
        if source:
            ws.data_validation(1, j, _dropdown_last_row(n_rows) - 1, j, {  # rows from 0 here
                "validate": "list", "source": "=" + source, "ignore_blank": not col.required,
                "error_type": "stop", "error_title": col.header, "error_message": NOT_IN_LIST})
    ws.freeze_panes(1, 0)
    if frame is None:
        return
    number_formats = [formats[_number_format(col)] for col in spec.columns]
    for i, row in enumerate(_rows(spec, frame), start=1):
        for j, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, str):
                ws.write_string(i, j, cell)  # never a formula, a number or a link: the text as it is
            else:
                ws.write_number(i, j, cell, number_formats[j])


def write_template(path: str | Path, frames: dict[str, pd.DataFrame] | None = None, *, overwrite: bool = True
                   ) -> Path:
    """Write the annotated template, empty or filled with ``frames`` (internal column names).

    The file is written to a temporary name and renamed, so a failure never leaves half a workbook.
    ``overwrite=False`` refuses (:class:`hushall.errors.OutputExistsError`) when the file exists. Written with
    XlsxWriter, which writes a new workbook about twice as fast as openpyxl (the example's 129 000 cells: 0.9 s
    against 2.1 s, docs/performance.md); workbooks that exist are read and changed with openpyxl. XlsxWriter
    writes a number to 16 significant digits (openpyxl to 17): an amount below 100 billion kr to 0.00001 kr;
    the example's decimals are all written exactly.

    Examples
    --------
    >>> import tempfile, openpyxl, pathlib
    >>> p = write_template(pathlib.Path(tempfile.mkdtemp()) / "mall.xlsx")
    >>> wb = openpyxl.load_workbook(p)
    >>> wb.sheetnames[:3]
    ['Instruktioner', 'Kommun', 'Områden']
    >>> [c.value for c in wb["Områden"][1]]
    ['område_id', 'namn', 'latitud', 'longitud']
    """
    import xlsxwriter
    from openpyxl.utils import get_column_letter, quote_sheetname

    path = Path(path)
    # the lists the dropdowns take their values from, one column each, on a hidden sheet after the tables
    columns: list[tuple[str, tuple[str, ...]]] = [("__bool__", ("ja", "nej"))]
    columns += [(f"{spec.key}.{col.name}", col.choices) for spec in TABLES.values() for col in spec.columns
                if col.dtype == "enum"]
    lists = {key: f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
             for key, values, letter in ((k, v, get_column_letter(j)) for j, (k, v) in enumerate(columns, start=1))}
    with atomic_path(path, overwrite=overwrite) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        formats: dict[str | None, Any] = {None: None}
        # every number format a column has (:func:`_number_format`), one XlsxWriter format each
        used = {_number_format(col) for spec in TABLES.values() for col in spec.columns} - {None}
        formats.update({fmt: wb.add_format({"num_format": fmt}) for fmt in sorted(map(str, used))})
        formats.update({kind: wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": f"#{fill}",
                                             "pattern": 1})
                        for kind, fill in (("required", HEADER_FILL), ("optional", OPTIONAL_FILL))})
        _instructions(wb)
        for spec in TABLES.values():
            _add_sheet(wb, spec, None if frames is None else frames.get(spec.key), lists, formats)
        lists_ws = wb.add_worksheet(LISTS_SHEET)
        for j, (key, values) in enumerate(columns):
            lists_ws.write_string(0, j, key)
            for i, value in enumerate(values, start=1):
                lists_ws.write_string(i, j, value)
        lists_ws.hide()
        wb.close()
    return path


def save_atomic(path: Path, save: Callable[[str], object]) -> None:
    """Call ``save(tmp)`` on a temporary file beside ``path``, then rename it over ``path``
    (:func:`hushall.files.atomic_path`): a failure never leaves half a file, and the old file stays as it was."""
    with atomic_path(path) as tmp:
        save(str(tmp))
