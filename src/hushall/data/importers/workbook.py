"""Writing what an import found into a workbook the user can inspect and edit.

Two ways, never a half-written file (every save goes to a temporary file in the target's folder and is renamed
over the target only when complete):

* ``--out NEW.xlsx``: a new workbook, the annotated template (:func:`hushall.data.template.write_template`)
  with the imported sheets filled in; an existing file is overwritten only with ``force``.
* ``--into kommun.xlsx``: the user's workbook, where only the sheets the import owns change. Their rows are
  merged by the sheet's key (``post`` in Ekonomi, ``anläggning_id`` …): a row with the same key gets the imported
  values in the columns the import fills, other columns keep what the user wrote (a hand-entered capacity
  survives a new asset import); new keys are appended; rows the import does not know are kept and counted. Every
  other sheet — values, formats, comments, dropdowns — is left as it was (openpyxl reads and writes it back).

An import's own report (accounts that mapped to nothing, rows that could not be placed, years of history) goes to
sheets whose names start with ``_``, which ``hushall validate`` does not read.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from hushall.data.schema import TABLES, TableSpec
from hushall.data.template import _cell_value, _number_format, save_atomic, write_template
from hushall.errors import DataValidationError


@dataclass
class ImportResult:
    """What one import produced: rows for the sheets it owns, report sheets and lines for the terminal."""

    kind: str  # "sie", "anläggningar", "investeringsplan"
    tables: dict[str, pd.DataFrame]  # table key → rows with internal column names
    reports: dict[str, pd.DataFrame] = field(default_factory=dict)  # "_Sheet" → frame with Swedish headers
    messages: list[str] = field(default_factory=list)
    municipality: dict[str, Any] | None = None  # Kommun row for a new workbook (--out)
    summary: dict[str, Any] = field(default_factory=dict)  # machine-readable (--json)


@dataclass
class MergeCount:
    updated: int = 0
    added: int = 0
    kept: int = 0


def _blank(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v == ""


def listed(title: str, lines: list[str], limit: int = 20) -> list[str]:
    """A heading and at most ``limit`` indented lines for the terminal (the sheet has them all)."""
    more = [f"  … och {len(lines) - limit} till"] if len(lines) > limit else []
    return [title, *(f"  {line}" for line in lines[:limit]), *more] if lines else []


def _write_report(wb: Any, name: str, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font

    if name in wb.sheetnames:
        del wb[name]
    ws = wb.create_sheet(name)
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for record in frame.itertuples(index=False):
        ws.append([None if _blank(v) else (v.item() if hasattr(v, "item") else v) for v in record])
    for j, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in frame.iloc[:200, j - 1]]) + 2
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = min(60, max(10, width))
    ws.freeze_panes = "A2"


def _new_sheet(wb: Any, spec: TableSpec) -> Any:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    ws = wb.create_sheet(spec.sheet)
    ws.append([c.header for c in spec.columns])
    for cell, col in zip(ws[1], spec.columns, strict=True):
        cell.font = Font(bold=True)
        cell.comment = Comment(col.description + (f"\nEnhet: {col.unit}" if col.unit else ""), "Hushåll")
    return ws


def _key(spec: TableSpec, values: list[Any]) -> tuple[str, ...]:
    """A row's key as compared: trimmed text; enumerations (Ekonomi's post) without regard to case."""
    return tuple(str(v).strip().lower() if spec.column(k).dtype == "enum" else str(v).strip()
                 for k, v in zip(spec.primary_key, values, strict=True))


def merge_sheet(wb: Any, spec: TableSpec, frame: pd.DataFrame) -> MergeCount:
    """Merge ``frame`` (internal names) into the workbook's sheet for ``spec`` by its key (see module docs)."""
    from openpyxl.styles import Font

    ws = wb[spec.sheet] if spec.sheet in wb.sheetnames else None
    if ws is None:
        ws = next((wb[n] for n in wb.sheetnames if n.strip().lower() == spec.sheet.lower()), None)
    if ws is None:
        ws = _new_sheet(wb, spec)
    header = {str(c.value).strip().lower(): c.column for c in ws[1] if c.value is not None}
    supplied = [c for c in spec.columns if c.name in frame.columns and not frame[c.name].map(_blank).all()]
    for col in supplied:
        if col.header.lower() not in header:
            j = ws.max_column + 1 if any(c.value is not None for c in ws[1]) else 1
            ws.cell(row=1, column=j, value=col.header).font = Font(bold=True)
            header[col.header.lower()] = j
    found_keys = [header.get(spec.names[k].lower()) for k in spec.primary_key]
    key_cols = [k for k in found_keys if k is not None]
    existing: dict[tuple[str, ...], int] = {}
    last = 1
    for r in range(2, ws.max_row + 1):
        values = [ws.cell(row=r, column=c).value for c in range(1, ws.max_column + 1)]
        if all(_blank(v) for v in values):
            continue
        last = r
        if len(key_cols) == len(found_keys):
            key = _key(spec, [ws.cell(row=r, column=k).value for k in key_cols])
            existing.setdefault(key, r)
    count = MergeCount()
    touched: set[int] = set()
    for record in frame.to_dict("records"):
        key = _key(spec, [record[k] for k in spec.primary_key])
        row = existing.get(key)
        if row is None:
            last += 1
            row = last
            existing[key] = row
            count.added += 1
        elif row not in touched:
            count.updated += 1
        touched.add(row)
        for col in supplied:
            value = record.get(col.name)
            if _blank(value) and col.name not in spec.primary_key:
                continue
            cell = ws.cell(row=row, column=header[col.header.lower()], value=_cell_value(value, col))
            fmt = _number_format(col)
            if fmt:
                cell.number_format = fmt
    count.kept = len(set(existing.values()) - touched)
    return count


def write_import(result: ImportResult, *, into: Path | None = None, out: Path | None = None,
                 force: bool = False) -> tuple[Path, dict[str, MergeCount]]:
    """Write ``result`` into ``into`` (merge) or a new workbook ``out``; return the path and what changed."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if (into is None) == (out is None):
        raise DataValidationError.single(
            "E_IMPORT_TARGET", "Ange var importen ska skrivas: --into kommun.xlsx (uppdatera en arbetsbok) eller "
            "--out ny.xlsx (skapa en ny).")
    counts: dict[str, MergeCount] = {}
    if out is not None:
        out = Path(out)
        if out.suffix.lower() != ".xlsx":
            raise DataValidationError.single("E_FILE_FORMAT", "Importen skrivs som Excel-arbetsbok (.xlsx).",
                                             file=out.name)
        if out.exists() and not force:
            raise DataValidationError.single(
                "E_FILE_EXISTS", "Filen finns redan och skrivs inte över. Använd --into för att uppdatera den, "
                "eller --force för att ersätta den.", file=str(out))
        out.parent.mkdir(parents=True, exist_ok=True)
        frames = dict(result.tables)
        if result.municipality is not None and "municipality" not in frames:
            frames["municipality"] = pd.DataFrame([result.municipality])
        fd, tmp = tempfile.mkstemp(suffix=".xlsx", prefix=".hushall-", dir=out.parent)
        os.close(fd)
        try:
            write_template(tmp, frames)
            wb = openpyxl.load_workbook(tmp)
            for name, frame in result.reports.items():
                _write_report(wb, name, frame)
            save_atomic(out, wb.save)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        counts = {TABLES[k].sheet: MergeCount(added=len(f)) for k, f in result.tables.items()}
        return out, counts
    assert into is not None
    into = Path(into)
    if not into.is_file():
        raise DataValidationError.single("E_FILE_MISSING", "Arbetsboken att uppdatera finns inte. Skapa en ny "
                                         "med --out i stället.", file=str(into))
    if into.suffix.lower() != ".xlsx":
        raise DataValidationError.single("E_FILE_FORMAT", "--into kräver en Excel-arbetsbok (.xlsx).",
                                         file=into.name)
    try:
        wb = openpyxl.load_workbook(into)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise DataValidationError.single("E_FILE_UNREADABLE", f"Arbetsboken kunde inte läsas "
                                         f"({type(exc).__name__}). Är den skadad?", file=into.name) from exc
    for key, frame in result.tables.items():
        spec = TABLES[key]
        counts[spec.sheet] = merge_sheet(wb, spec, frame)
    for name, frame in result.reports.items():
        _write_report(wb, name, frame)
    save_atomic(into, wb.save)
    return into, counts


def read_sheet(path: str | Path, key: str) -> pd.DataFrame | None:
    """One sheet of the user's workbook as written (internal column names, raw cells); ``None`` if absent.

    The imports use it to check facilities and districts against the workbook they go into, without validating
    (or reading) the rest of it.
    """
    import openpyxl

    spec = TABLES[key]
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = next((wb[n] for n in wb.sheetnames if n.strip().lower() == spec.sheet.lower()), None)
        if ws is None:
            return None
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        return pd.DataFrame(columns=[c.name for c in spec.columns])
    by_header = {h.lower(): n for h, n in spec.headers.items()}
    names = [by_header.get(str(h or "").strip().lower()) for h in rows[0]]
    records = [{n: ("" if v is None else str(v).strip()) for n, v in zip(names, r, strict=False) if n}
               for r in rows[1:] if any(v is not None for v in r)]
    return pd.DataFrame(records, columns=[c.name for c in spec.columns])
