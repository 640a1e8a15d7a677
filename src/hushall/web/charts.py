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

from hushall.reports.charts import FONT, SWEDISH_LOCALE, TOL_MUTED, to_vega_lite

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
    svg: str = vlc.vegalite_to_svg(to_vega_lite(chart), allowed_base_urls=[])
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


def target_strip(rows: list[dict[str, Any]], *, lang: str = "sv", width: int = 620) -> alt.TopLevelMixin:
    """The financial targets over every year of the plan: one row per target, one cell per year — green with ✓
    when the target holds, red with ✗ when it does not, grey when it does not apply (not by colour alone).

    ``rows``: ``label`` and ``marks`` — (year, value, met) per year — as :func:`hushall.web.routes.pages.target_rows`
    gives them.
    """
    from hushall.web.i18n import translate

    words = {True: translate("uppfyllt", lang), False: translate("ej uppfyllt", lang), None: "–"}
    frame = pd.DataFrame([{"year": int(y), "target": translate(str(r["label"]), lang), "status": words[ok],
                           "mark": "✓" if ok else ("✗" if ok is False else "")}
                          for r in rows for y, _v, ok in r["marks"]])
    order = list(dict.fromkeys(frame["target"].tolist()))
    status = [words[True], words[False], words[None]]
    base = alt.Chart(frame).encode(x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelExpr=(
        "datum.value % 5 == 0 || datum.index == 0 ? datum.label : ''"))),
        y=alt.Y("target:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)))
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("status:N", title=None, sort=status,
                        scale=alt.Scale(domain=status, range=["#117733", "#CC6677", "#DDDDDD"])))
    marks = base.mark_text(fontSize=10, color="white").encode(text="mark:N")
    chart = alt.layer(cells, marks).properties(width=width, height=26 * len(order),
                                               title=translate("Målen år för år", lang))
    return configure(chart, lang)
