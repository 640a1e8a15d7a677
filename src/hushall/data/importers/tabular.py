"""Reading one table from a user's export (CSV or xlsx) with the row numbers the user sees, and the cell
conversions the imports share (Swedish numbers, dates, keyword tables).

Examples
--------
>>> parse_number("1 234 567,50"), parse_number("1.234,5"), parse_number("-12.5"), parse_number("12 tkr")
(1234567.5, 1234.5, -12.5, None)
>>> parse_year("2019-06-30"), parse_year("20190630"), parse_year(1998)
(2019, 2019, 1998)
>>> match_keyword("Yttertak, takbyte 2012", {"tak": ["tak", "yttertak"], "el": ["el"]})
'tak'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from hushall.data.defaults import load as load_defaults
from hushall.data.io import _sniff_delimiter, _trim
from hushall.errors import DataValidationError
from hushall.formatting import NBSP, fmt_number


@dataclass
class Table:
    """Header and rows of one export, each row with the number the user sees in the file."""

    file: str
    header: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]

    def column(self, header: str) -> int | None:
        wanted = header.strip().lower()
        return next((i for i, h in enumerate(self.header) if h.strip().lower() == wanted), None)


def read_rows(path: str | Path, sheet: str | None = None) -> tuple[str, list[list[Any]]]:
    """Every row of a CSV (``;`` or ``,``; UTF-8 or Windows-1252) or of one sheet of an xlsx file, as written."""
    p = Path(path)
    if not p.is_file():
        raise DataValidationError.single("E_FILE_MISSING", "Filen finns inte.", file=str(p))
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise DataValidationError.single("E_FILE_UNREADABLE", f"Filen kunde inte läsas som Excel-arbetsbok "
                                             f"({type(exc).__name__}).", file=p.name) from exc
        try:
            if sheet and sheet not in wb.sheetnames:
                raise DataValidationError.single("E_SHEET_MISSING", f"Fliken finns inte. Flikar: "
                                                 f"{', '.join(wb.sheetnames)}.", file=p.name, sheet=sheet)
            ws = wb[sheet] if sheet else wb.worksheets[0]
            return p.name, [list(r) for r in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    if suffix in (".csv", ".txt"):
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        head = "\n".join(text.splitlines()[:20]).replace("\n", " ")
        return p.name, [list(r) for r in csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(head))]
    raise DataValidationError.single("E_FILE_FORMAT", "Okänt filformat: ange en CSV-fil eller en Excel-"
                                     "arbetsbok (.xlsx).", file=p.name)


def read_table(path: str | Path, header_row: int = 1, sheet: str | None = None) -> Table:
    """One table of an export, with its headers on row ``header_row`` (rows above it are titles)."""
    label, all_rows = read_rows(path, sheet)
    return table_from_rows(label, all_rows, header_row)


def table_from_rows(label: str, all_rows: list[list[Any]], header_row: int) -> Table:
    if len(all_rows) < header_row:
        raise DataValidationError.single("E_FILE_EMPTY", f"Filen har ingen rubrikrad på rad {header_row}.",
                                         file=label)
    first = header_row + 1
    raw_table = _trim(all_rows[header_row - 1], list(enumerate(all_rows[header_row:], start=first)))
    assert raw_table is not None
    return Table(label, raw_table.header, raw_table.rows, raw_table.row_numbers)


_NUMBER = re.compile(r"^[+-−]?\d+([.,]\d+)?$")


def parse_number(value: Any) -> float | None:
    """A number as an export writes it (``1 234,5``, ``1234.5``, ``-12``); ``None`` when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    s = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("−", "-")
    if "," in s and "." in s:  # the later one is the decimal separator: 1.234,50 or 1,234.50
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif s.count(",") > 1 or s.count(".") > 1:  # thousands only: 1,234,567 or 1.234.567
        s = s.replace(",", "").replace(".", "")
    else:
        s = s.replace(",", ".")
    return float(s) if _NUMBER.match(s) else None


def parse_year(value: Any) -> int | None:
    """The year of a date cell (``2019-06-30``, ``20190630``, ``30.06.2019``, an Excel date) or a year."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        v = int(value)
        return v if 1800 <= v <= 2200 else None
    s = str(value or "").strip()
    for pattern in (r"^(\d{4})-\d{1,2}-\d{1,2}", r"^(\d{4})\d{4}$", r"^\d{1,2}[./]\d{1,2}[./](\d{4})$",
                    r"^(\d{4})$", r"^(\d{4})-\d{2}$"):
        m = re.match(pattern, s)
        if m and 1800 <= int(m.group(1)) <= 2200:
            return int(m.group(1))
    return None


def keyword_match(text: str, table: dict[str, list[str]], whole_word: bool = False) -> tuple[str, int] | None:
    """(key, length of the keyword) of the longest keyword that starts a word of ``text`` (or is a whole word)."""
    low = " " + str(text).lower() + " "
    best: tuple[str, int] | None = None
    tail = r"(?![0-9a-zåäöé])" if whole_word else ""
    for key, words in table.items():
        for w in words:
            if re.search(r"(?<![0-9a-zåäöé])" + re.escape(w.lower()) + tail, low) and (best is None
                                                                                      or len(w) > best[1]):
                best = (key, len(w))
    return best


def match_keyword(text: str, table: dict[str, list[str]]) -> str | None:
    """The key whose keyword starts a word of ``text``; the longest keyword wins."""
    best = keyword_match(text, table)
    return None if best is None else best[0]


def sv_number(x: float, decimals: int = 0) -> str:
    """Swedish number formatting for messages: ``sv_number(-1234567.5, 1)`` → ``'−1 234 567,5'``.

    >>> sv_number(-1234567.5, 1), sv_number(141.6, 1), sv_number(250)
    ('−1 234 567,5', '141,6', '250')
    """
    return fmt_number(x, decimals).replace(NBSP, " ")


@cache
def keywords() -> dict[str, Any]:
    """The shipped keyword tables (``hushall/data/importers/keywords.yaml``)."""
    text = resources.files("hushall.data.importers").joinpath("keywords.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def default_lifetimes() -> dict[str, float]:
    """Technical lifetime per component type (``component_lifetimes`` in data/defaults/parameters.yaml)."""
    values = load_defaults("parameters")["component_lifetimes"]["values"]
    return {k: float(v["lifetime_years"]) for k, v in values.items()}
