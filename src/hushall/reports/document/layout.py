"""What every chapter of the plan document shares: the charts as PNG files, number cells in Mkr, per cent and kr,
frames as tables with fitting columns, and the years the summary tables show."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from hushall.formatting import fmt_number
from hushall.reports.charts import render_chart, save_chart
from hushall.reports.pdf_layout import PlanPDF, png_size

#: PNG scale of the charts in the PDF (2 = about 190 dpi at their printed size).
CHART_SCALE = 2.0
#: Years per block in the statement tables (landscape pages).
YEARS_PER_BLOCK = 10
MARK_MISSED = "✗"
#: Text that shows a number (right-aligned in tables).
NUMBER_TEXT = re.compile(r"^[−\-–]?[\d\u00a0 ,.]+(\u00a0?(%|kr|Mkr|tkr))?$")


class Charts:
    """Renders the document's charts to PNG files in a temporary folder (vl-convert, no browser)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def png(self, chart: Any) -> tuple[Path, tuple[float, float]]:
        self.count += 1
        path = save_chart(chart, self.folder / f"figur-{self.count:02d}.png", scale=CHART_SCALE)
        return path, png_size(path, CHART_SCALE)


def render_ahead(charts: Sequence[Any]) -> None:
    """Render ``charts`` now into the chart cache (:mod:`hushall.reports.charts`: laid out and rasterised at
    :data:`CHART_SCALE`), so that :meth:`Charts.png` later finds them done — e.g. in a thread while the optimiser
    solves (HiGHS runs without the GIL), for the charts that do not depend on the plan."""
    for chart in charts:
        render_chart(chart, (".png",), scale=CHART_SCALE)


def summary_years(years: Sequence[int]) -> list[int]:
    """The years of the summary tables: the first three plan years, every fifth year after, and the last."""
    ys = list(years)
    picked = ys[:3] + [y for i, y in enumerate(ys) if i >= 3 and (i + 1) % 5 == 0]
    if ys and ys[-1] not in picked:
        picked.append(ys[-1])
    return picked


def mkr_cell(x: float) -> str:
    return fmt_number(None if x is None else float(x) / 1e6, 1)


def pct_cell(x: float) -> str:
    return fmt_number(None if x is None else float(x) * 100, 1)


def kr_cell(x: float) -> str:
    return fmt_number(x, 0)


def _header(name: str) -> str:
    """A column name as a table header: words, first letter capital (``mål_som_bryts`` → ``Mål som bryts``)."""
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def frame_table(pdf: PlanPDF, df: pd.DataFrame, *, caption: str | None = None, size: float = 8) -> None:
    """A frame as it is: text left, numbers right (kr columns in Mkr, shares in per cent)."""
    header, align, formatters = [], [], []
    for c in df.columns:
        name = str(c)
        col = df[c]
        if name.endswith("_kr"):
            header.append(_header(name[:-3]) + " (Mkr)")
            align.append("R")
            formatters.append(mkr_cell)
        elif pd.api.types.is_bool_dtype(col):
            header.append(_header(name))
            align.append("C")
            formatters.append(lambda x: "ja" if x else "nej")
        elif pd.api.types.is_numeric_dtype(col):
            header.append(_header(name))
            align.append("R")
            integer = pd.api.types.is_integer_dtype(col)
            formatters.append((lambda x: str(int(x))) if integer else (lambda x: fmt_number(x, 2)))
        else:
            header.append(_header(name))
            texts = [str(v) for v in col if v is not None and str(v) not in ("", "nan")]
            numeric = bool(texts) and all(NUMBER_TEXT.match(t) for t in texts)
            align.append("R" if numeric else "L")
            formatters.append(lambda x: "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x))
    rows = [[fm(v) for fm, v in zip(formatters, row, strict=True)] for row in df.itertuples(index=False, name=None)]
    widths = _column_widths(pdf, header, rows, align, size)
    pdf.data_table(header, rows, widths=widths, align=align, size=size, caption=caption,
                   keep_together=len(rows) <= 12)


def _column_widths(pdf: PlanPDF, header: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[str],
                   size: float) -> list[float]:
    """Column widths (mm) that fit numbers on one line and headers word by word; text columns share what is left
    of the page and wrap."""
    pdf.set_font("DejaVu", "B", size)
    head = [max(min(pdf.get_string_width(str(h)), 38.0),
                max((pdf.get_string_width(w) for w in str(h).split()), default=0.0)) + 4 for h in header]
    pdf.set_font("DejaVu", size=size)
    natural = [max([head[k], *(pdf.get_string_width(r[k]) + 4 for r in rows)]) for k in range(len(header))]
    total = sum(natural)
    if total <= pdf.content_width:
        return natural
    fixed = sum(w for w, a in zip(natural, align, strict=True) if a != "L")
    text = [k for k, a in enumerate(align) if a == "L"]
    room = max(pdf.content_width - fixed, 20.0 * len(text))
    text_total = sum(natural[k] for k in text) or 1.0
    return [max(head[k], natural[k] * room / text_total) if k in text else natural[k] for k in range(len(header))]
