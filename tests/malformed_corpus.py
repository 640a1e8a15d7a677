"""Generate the corpus of malformed workbooks from the example municipality and the table description.

Every case is derived from :data:`hushall.data.schema.TABLES`, so a new sheet or column is covered as soon as it
is described there. Per sheet: the sheet missing, empty, an unknown column, a formula without a saved value; per
column: the column missing, the first cell empty, a value of the wrong type, a value out of range, 32 000
characters of text, a date where a number belongs; per key: a duplicate id; per amount: 1e20 kr; and an unknown
sheet. Each case says whether it must be rejected (exit 1, the message naming the sheet and, for a cell, the row
and column) or may be accepted (an optional column or sheet left out).

The base is the example municipality (``hushall/examples/exempelkommun``) with its population forecast summed into
three age bands (the same people; 744 rows instead of 25 000, so several hundred cases validate in a minute) and
one scenario row (the example has none). Cases are written as .xlsx (the real reader, with cell types) or, where
text is enough, as a folder of CSV files.

Run ``python -m tests.malformed_corpus OUT`` to write the corpus to a folder (one workbook or folder per case and
``cases.csv`` describing them).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hushall.data.io import read_raw
from hushall.data.schema import TABLES, ColumnSpec, TableSpec
from hushall.examples import example_path

#: Sheet → (header, rows): a workbook as plain values.
Book = dict[str, tuple[list[str], list[list[Any]]]]

AGE_BANDS = ((0, 15), (16, 64), (65, 120))
HUGE_TEXT = "x" * 32_000
SCENARIO_ROW = {"scenario": "Hög ränta", "beskrivning": "Räntan 2 procentenheter högre", "parameter": "ränta",
                "från_år": 2027, "värde": 0.02, "sätt": "lägg_till", "källa": "test"}


@dataclass
class Case:
    """One malformed (or acceptable) workbook."""

    name: str
    kind: str
    book: Book
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    must_fail: bool = True
    fmt: str = "csv"  # "csv" or "xlsx"
    formulas: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (sheet, row, col) → formula

    def write(self, folder: Path) -> Path:
        """Write the case under ``folder``; return the path to validate."""
        if self.fmt == "xlsx":
            return write_book_xlsx(folder / f"{self.name}.xlsx", self.book, self.formulas)
        return write_book_csv(folder / self.name, self.book)


def _number(text: Any) -> float:
    return float(str(text).replace(",", "."))


def base_book() -> Book:
    """The example municipality as plain values, population in three age bands, one scenario row."""
    raw = read_raw(example_path())
    book: Book = {name: (list(t.header), [list(r) for r in t.rows]) for name, t in raw.tables.items()}
    header, rows = book["Befolkning"]
    i = {h: header.index(h) for h in header}
    sums: dict[tuple[Any, int, int, Any], float] = {}
    for r in rows:
        age = int(_number(r[i["ålder_från"]]))
        lo, hi = next(b for b in AGE_BANDS if b[0] <= age <= b[1])
        key = (r[i["område_id"]], lo, hi, r[i["år"]])
        sums[key] = sums.get(key, 0.0) + _number(r[i["antal"]])
    out = []
    for (district, lo, hi, year), n in sums.items():
        row: list[Any] = [None] * len(header)
        row[i["område_id"]], row[i["ålder_från"]], row[i["ålder_till"]] = district, lo, hi
        row[i["år"]], row[i["antal"]] = year, round(n, 3)
        out.append(row)
    book["Befolkning"] = (header, out)
    scen = TABLES["scenarios"]
    book[scen.sheet] = ([c.header for c in scen.columns], [[SCENARIO_ROW.get(c.header) for c in scen.columns]])
    return book


def write_book_csv(folder: Path, book: Book) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, (header, rows) in book.items():
        with open(folder / f"{sheet}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows([["" if v is None else v for v in r] for r in rows])
    return folder


def write_book_xlsx(path: Path, book: Book, formulas: dict[tuple[str, int, int], str] | None = None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for sheet, (header, rows) in book.items():
        ws = wb.create_sheet(sheet)
        ws.append(header)
        for n, r in enumerate(rows, start=2):
            values = list(r)
            for (s, row, col), formula in (formulas or {}).items():
                if s == sheet and row == n:
                    values[col] = formula  # openpyxl writes a string starting with "=" as a formula, no value
            ws.append(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _wrong_value(col: ColumnSpec) -> Any:
    return {"int": "tjugo", "float": "mycket", "bool": "kanske", "enum": "finns_inte"}.get(col.dtype)


def _out_of_range(col: ColumnSpec) -> float | None:
    if col.dtype not in ("int", "float"):
        return None
    if col.min is not None:
        return col.min - 1
    if col.max is not None:
        return col.max + 1
    return None


def generate(book: Book | None = None) -> Iterator[Case]:
    """Every case, derived from the table description."""
    book = base_book() if book is None else book
    yield Case("okand_flik", "unknown_sheet", {**book, "Okänd flik": (["a"], [[1]])}, sheet="Okänd flik")
    for spec in TABLES.values():
        yield from _sheet_cases(book, spec)


def _sheet_cases(book: Book, spec: TableSpec) -> Iterator[Case]:
    sheet = spec.sheet
    header, rows = book[sheet]
    key = spec.key
    rest = {k: v for k, v in book.items() if k != sheet}
    yield Case(f"{key}-saknas", "missing_sheet", rest, sheet=sheet, must_fail=spec.required)
    yield Case(f"{key}-tom", "empty_sheet", {**rest, sheet: (header, [])}, sheet=sheet, must_fail=spec.required)
    yield Case(f"{key}-okand-kolumn", "unknown_column",
               {**rest, sheet: ([*header, "okänd_kolumn"], [[*r, "x"] for r in rows])},
               sheet=sheet, row=1, column="okänd_kolumn")
    if not rows:
        return
    first = 2  # the first data row in the file
    col0 = header.index(spec.columns[0].header)
    yield Case(f"{key}-formel", "formula", book, sheet=sheet, row=first, column=spec.columns[0].header,
               fmt="xlsx", formulas={(sheet, first, col0): "=1+1"})
    for col in spec.columns:
        if col.header not in header:
            continue
        j = header.index(col.header)
        stem = f"{key}-{col.name}"
        yield Case(f"{stem}-kolumn-saknas", "missing_column",
                   {**rest, sheet: ([h for h in header if h != col.header], [r[:j] + r[j + 1:] for r in rows])},
                   sheet=sheet, row=1, column=col.header, must_fail=col.required)

        def cell(value: Any, j: int = j) -> Book:
            new_rows = [list(r) for r in rows]
            new_rows[0][j] = value
            return {**rest, sheet: (header, new_rows)}

        yield Case(f"{stem}-tom-cell", "empty_cell", cell(None), sheet=sheet, row=first, column=col.header,
                   must_fail=col.required)
        wrong = _wrong_value(col)
        if wrong is not None:
            yield Case(f"{stem}-fel-typ", "wrong_type", cell(wrong), sheet=sheet, row=first, column=col.header)
        bad = _out_of_range(col)
        if bad is not None:
            yield Case(f"{stem}-utanfor", "out_of_range", cell(bad), sheet=sheet, row=first, column=col.header)
        if col.dtype in ("str", "enum"):
            yield Case(f"{stem}-lang-text", "huge_text", cell(HUGE_TEXT), sheet=sheet, row=first,
                       column=col.header)
        if col.dtype in ("int", "float"):
            yield Case(f"{stem}-datum", "date_cell", cell(dt.datetime(2026, 1, 1)), sheet=sheet, row=first,
                       column=col.header, fmt="xlsx")
        if col.unit in ("kr", "kr/år"):
            yield Case(f"{stem}-1e20", "huge_amount", cell(1e20), sheet=sheet, row=first, column=col.header)
    if spec.primary_key and len(rows) > 1:
        new_rows = [list(r) for r in rows]
        for k in spec.primary_key:
            j = header.index(spec.names[k])
            new_rows[1][j] = new_rows[0][j]
        yield Case(f"{key}-dubblett", "duplicate_id", {**rest, sheet: (header, new_rows)}, sheet=sheet, row=3,
                   column=spec.names[spec.primary_key[-1]])


def main(argv: list[str]) -> None:
    out = Path(argv[0] if argv else "malformed-corpus")
    out.mkdir(parents=True, exist_ok=True)
    cases = list(generate())
    with open(out / "cases.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["case", "kind", "sheet", "row", "column", "must_fail", "path"])
        for c in cases:
            w.writerow([c.name, c.kind, c.sheet, c.row, c.column, c.must_fail, c.write(out)])
    print(f"{len(cases)} fall skrivna till {out}/")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
