"""The Excel template, generated from the one description of the tables (:mod:`hushall.data.schema`).

``write_template(path)`` writes an empty, annotated workbook: one sheet per table with Swedish headers, a comment
on every header (description, unit, example), dropdowns for enumerations and ja/nej columns, and an
*Instruktioner* sheet. ``write_template(path, frames)`` writes the same workbook filled with data (the example
municipality), which loads back to the same model.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from hushall.data.schema import TABLES, ColumnSpec, TableSpec

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


def _instructions(ws: Any) -> None:
    from openpyxl.styles import Alignment, Font

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
    rows += [(f"{t.sheet}{'' if t.required else ' (frivillig)'}", t.description) for t in TABLES.values()]
    for r in rows:
        ws.append(list(r))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A6"].font = Font(bold=True)
    ws["B6"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 110
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _add_sheet(wb: Any, spec: TableSpec, frame: pd.DataFrame | None, lists: dict[str, str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(spec.sheet)
    ws.append([c.header for c in spec.columns])
    n_rows = 0 if frame is None else len(frame)
    last_row = max(1000, n_rows + 200)
    for j, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL if col.required else OPTIONAL_FILL)
        text = col.description
        if col.unit:
            text += f"\nEnhet: {col.unit}"
        text += "\nObligatorisk" if col.required else "\nFrivillig"
        if col.default not in (None, ""):
            text += f" (standard: {col.default})"
        if col.example not in (None, ""):
            text += f"\nExempel: {col.example}"
        cell.comment = Comment(text, "Hushåll", width=320, height=140)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(12, min(40, len(col.header) + 4))
        source = {"enum": lists.get(f"{spec.key}.{col.name}"), "bool": lists["__bool__"]}.get(col.dtype)
        if source:
            dv = DataValidation(type="list", formula1=source, allow_blank=not col.required, showDropDown=False)
            dv.error = "Välj ett värde ur listan."
            dv.errorTitle = col.header
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last_row}")
    if frame is not None:
        for record in frame.itertuples(index=False):
            values = record._asdict()
            ws.append([_cell_value(values.get(c.name), c) for c in spec.columns])
        if n_rows:
            for j, col in enumerate(spec.columns, start=1):
                fmt = _number_format(col)
                if fmt:
                    for i in range(n_rows):
                        ws.cell(row=i + 2, column=j).number_format = fmt
    ws.freeze_panes = "A2"


def write_template(path: str | Path, frames: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the annotated template, empty or filled with ``frames`` (internal column names).

    The file is written to a temporary name and renamed, so a failure never leaves half a workbook.

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
    import openpyxl

    path = Path(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Instruktioner"
    _instructions(ws)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists: dict[str, str] = {}
    col_idx = 1
    from openpyxl.utils import get_column_letter, quote_sheetname

    def add_list(key: str, values: tuple[str, ...]) -> None:
        nonlocal col_idx
        letter = get_column_letter(col_idx)
        lists_ws.cell(row=1, column=col_idx, value=key)
        for i, v in enumerate(values, start=2):
            lists_ws.cell(row=i, column=col_idx, value=v)
        lists[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        col_idx += 1

    add_list("__bool__", ("ja", "nej"))
    for spec in TABLES.values():
        for col in spec.columns:
            if col.dtype == "enum":
                add_list(f"{spec.key}.{col.name}", col.choices)
    lists_ws.sheet_state = "hidden"
    for spec in TABLES.values():
        frame = None if frames is None else frames.get(spec.key)
        _add_sheet(wb, spec, frame, lists)
    wb.move_sheet(lists_ws, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(path, wb.save)
    return path


def save_atomic(path: Path, save: Callable[[str], object]) -> None:
    """Call ``save(tmp)`` on a temporary file beside ``path``, then rename it over ``path``.

    A failure while saving never leaves half a file, and the old file stays as it was.
    """
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
