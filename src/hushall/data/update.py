"""Update the sheets a command owns in a user's workbook (or CSV folder) and leave every other sheet as it was.

Used by commands that fill one table from another source (``hushall befolkning --into kommun.xlsx``). The new
workbook is written to a temporary file beside the old one and renamed over it, so a failure never leaves half a
workbook; other sheets (their values, comments, dropdowns and formats) are kept as openpyxl reads them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hushall.data.schema import TABLES
from hushall.data.template import LISTS_SHEET, add_sheet_openpyxl, save_atomic
from hushall.errors import DataValidationError


def _dropdown_ranges(wb: object) -> dict[str, str]:
    """The template's dropdown sources (``_Listor``) by key, so a rewritten sheet keeps its dropdowns."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    lists: dict[str, str] = {"__bool__": ""}  # "" = no dropdown
    if LISTS_SHEET not in wb.sheetnames:  # type: ignore[attr-defined]
        return lists
    ws = wb[LISTS_SHEET]  # type: ignore[index]
    for j, cell in enumerate(ws[1], start=1):
        if cell.value is None:
            continue
        n = sum(1 for r in ws.iter_rows(min_row=2, min_col=j, max_col=j, values_only=True) if r[0] is not None)
        letter = get_column_letter(j)
        lists[str(cell.value)] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${n + 1}"
    return lists


def replace_tables(path: str | Path, frames: dict[str, pd.DataFrame]) -> Path:
    """Replace the tables ``frames`` (keyed by table key, internal column names) in the workbook at ``path``.

    ``path`` is an .xlsx workbook or a folder of CSV files. Sheets not named in ``frames`` are untouched.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl, pandas as pd
    >>> from hushall.data.template import write_template
    >>> p = write_template(pathlib.Path(tempfile.mkdtemp()) / "k.xlsx")
    >>> pop = pd.DataFrame({"district_id": ["C"], "age_from": [0], "age_to": [120], "year": [2025],
    ...                     "count": [10.0]})
    >>> _ = replace_tables(p, {"population": pop})
    >>> [c.value for c in openpyxl.load_workbook(p)["Befolkning"][2]]
    ['C', 0, 120, 2025, 10]
    """
    path = Path(path)
    unknown = [k for k in frames if k not in TABLES]
    if unknown:
        raise ValueError(f"unknown table keys: {unknown}")
    if path.is_dir():
        for key, frame in frames.items():
            _write_csv_atomic(path / f"{TABLES[key].sheet}.csv", key, frame)
        return path
    if not path.exists():
        raise DataValidationError.single("E_FILE_MISSING", "Arbetsboken finns inte.", file=str(path))
    if path.suffix.lower() != ".xlsx":
        raise DataValidationError.single("E_FILE_FORMAT", "Ange en Excel-arbetsbok (.xlsx) eller en mapp med "
                                         "CSV-filer.", file=path.name)
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataValidationError.single("E_FILE_UNREADABLE", f"Arbetsboken kunde inte läsas "
                                         f"({type(exc).__name__}). Är den skadad?", file=path.name) from exc
    lists = _dropdown_ranges(wb)
    for key, frame in frames.items():
        spec = TABLES[key]
        index = wb.sheetnames.index(spec.sheet) if spec.sheet in wb.sheetnames else len(wb.sheetnames)
        if spec.sheet in wb.sheetnames:
            del wb[spec.sheet]
        add_sheet_openpyxl(wb, spec, frame, lists)  # appended last …
        wb.move_sheet(spec.sheet, offset=index - (len(wb.sheetnames) - 1))  # … and moved back to its place
    save_atomic(path, wb.save)
    return path


def _write_csv_atomic(target: Path, key: str, frame: pd.DataFrame) -> None:
    spec = TABLES[key]
    out = frame.reindex(columns=[c.name for c in spec.columns])
    out.columns = [c.header for c in spec.columns]
    save_atomic(target, lambda tmp: out.to_csv(tmp, index=False, encoding="utf-8"))


__all__ = ["replace_tables"]
