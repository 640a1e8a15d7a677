"""Charts of the web pages, rendered to SVG on the server with vl-convert (no JavaScript charting library).

The needs charts are :mod:`hushall.reports.charts`' own, so the web and the reports show the same pictures;
the charts that exist only on the web (population by age group, the comparison of plan variants) are defined
here in the same style; the map is :mod:`hushall.reports.map`'s. Every chart is shown as an ``<img>`` with a
text alternative and the figures in a table beside it.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

from hushall.reports.charts import FONT, SWEDISH_LOCALE, TOL_MUTED

ENGLISH_LOCALE: dict[str, Any] = {"number": {"decimal": ".", "thousands": ",", "grouping": [3],
                                             "currency": ["", "\u00a0SEK"]}}


def configure(chart: alt.TopLevelMixin, lang: str = "sv") -> alt.TopLevelMixin:
    return chart.configure(
        locale=ENGLISH_LOCALE if lang == "en" else SWEDISH_LOCALE, font=FONT, background="white",
    ).configure_axis(labelFontSize=12, titleFontSize=13, gridColor="#e6e6e6").configure_legend(
        labelFontSize=12, titleFontSize=13, labelLimit=260, orient="top",
    ).configure_title(fontSize=15, anchor="start", subtitleFontSize=12).configure_view(stroke=None)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render locally; external URLs are refused (no network at run time)."""
    svg: str = vlc.vegalite_to_svg(chart.to_dict(), allowed_base_urls=[])
    return svg


def line_chart(df: pd.DataFrame, *, x: str, y: str, series: str, title: str, y_title: str, lang: str = "sv",
               width: int = 620, height: int = 260, dashed: bool = False) -> alt.TopLevelMixin:
    """One line per ``series`` over ``x`` (years)."""
    order = list(dict.fromkeys(df[series].tolist()))
    colours = list(TOL_MUTED[: max(1, len(order))])
    chart = alt.Chart(df).mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=18)).encode(
        x=alt.X(f"{x}:Q", title=None, axis=alt.Axis(format="d", tickCount=8), scale=alt.Scale(nice=False,
                                                                                              zero=False)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=",.0f")),
        color=alt.Color(f"{series}:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colours)),
        strokeDash=alt.StrokeDash(f"{series}:N", title=None, sort=order,
                                  scale=alt.Scale(domain=order, range=[[1, 0], [6, 3], [2, 2], [8, 2, 2, 2],
                                                                       [1, 0], [6, 3]]))
        if dashed else alt.value([1, 0]),
    ).properties(width=width, height=height, title=title)
    return configure(chart, lang)


def bar_chart(df: pd.DataFrame, *, x: str, y: str, series: str, title: str, y_title: str, lang: str = "sv",
              width: int = 620, height: int = 260) -> alt.TopLevelMixin:
    """Grouped bars: one bar per ``series`` in each ``x`` (years)."""
    order = list(dict.fromkeys(df[series].tolist()))
    chart = alt.Chart(df).mark_bar().encode(
        x=alt.X(f"{x}:O", title=None),
        xOffset=alt.XOffset(f"{series}:N", sort=order),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=",.0f")),
        color=alt.Color(f"{series}:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=list(TOL_MUTED[: max(1, len(order))]))),
    ).properties(width=width, height=height, title=title)
    return configure(chart, lang)

