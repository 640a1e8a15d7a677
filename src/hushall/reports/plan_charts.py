"""Chart definitions of the plan document (Altair / Vega-Lite): the financial targets year by year, the plan's
projects over time, investments per year and the maintenance debt with and without the plan.

As in :mod:`hushall.reports.charts`, one definition serves the web page (:func:`~hushall.reports.charts.to_vega_lite`)
and the PDF (:func:`~hushall.reports.charts.save_chart`, vl-convert: no browser, no network). Every chart reads in
black and white: states differ in shape or lightness as well as colour, series in dash pattern.

The inputs are the tables of :mod:`hushall.reports.plan_tables` (Swedish headers, amounts in kr).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from hushall.data.target_types import TARGET_TYPES
from hushall.formatting import fmt_mkr
from hushall.reports.charts import CAPACITY_COLOUR, DEMAND_COLOUR, _configure

#: Met / not met: pale grey with a dot, and dark wine with a white cross (Tol muted "wine" is dark in grey).
MET_COLOUR, NOT_MET_COLOUR = "#E4E4E4", "#882255"
MET_TEXT, NOT_MET_TEXT = "Uppfyllt", "Ej uppfyllt"


def targets_overview_chart(targets: pd.DataFrame, *, width: int = 660, short: bool = False) -> alt.TopLevelMixin:
    """Every financial target in every plan year in one picture: a grid of targets × years, a pale cell with a
    dot where the target is met and a dark cell with a white cross where it is not.

    ``targets`` is :func:`hushall.reports.plan_tables.target_rows`; ``short`` labels the rows with the short form
    of the targets (for a narrow page).
    """
    label = targets["mål_kort" if short and "mål_kort" in targets else "mål"].astype(str)
    df = pd.DataFrame({
        "mål": targets["mål_id"].astype(str) + " " + label,
        "år": targets["år"].astype(int).astype(str),
        "status": np.where(targets["uppfyllt"].to_numpy(dtype=bool), MET_TEXT, NOT_MET_TEXT),
    })
    order = list(dict.fromkeys(df["mål"]))
    n_years = max(df["år"].nunique(), 1)
    cell = max(8, min(22, (width - 10) // n_years))
    y = alt.Y("mål:N", title=None, sort=order, axis=alt.Axis(labelLimit=330, labelFontSize=11, ticks=False,
                                                             domain=False))
    x = alt.X("år:O", title=None, axis=alt.Axis(labelAngle=-90, ticks=False, domain=False, labelFontSize=10))
    status_scale = alt.Scale(domain=[MET_TEXT, NOT_MET_TEXT], range=[MET_COLOUR, NOT_MET_COLOUR])
    cells = alt.Chart(df).mark_rect(stroke="white", strokeWidth=1.5).encode(
        x=x, y=y,
        color=alt.Color("status:N", title=None, scale=status_scale,
                        legend=alt.Legend(orient="top", symbolType="square", symbolSize=160, labelFontSize=11)),
        tooltip=[alt.Tooltip("mål:N", title="Mål"), alt.Tooltip("år:O", title="År"),
                 alt.Tooltip("status:N", title="Status")],
    )
    marks = alt.Chart(df).mark_point(filled=True, strokeWidth=1.6).encode(
        x=x, y=y,
        shape=alt.Shape("status:N", scale=alt.Scale(domain=[MET_TEXT, NOT_MET_TEXT], range=["circle", "cross"]),
                        legend=None),
        color=alt.Color("status:N", scale=alt.Scale(domain=[MET_TEXT, NOT_MET_TEXT], range=["#555555", "white"]),
                        legend=None),
        size=alt.Size("status:N", scale=alt.Scale(domain=[MET_TEXT, NOT_MET_TEXT], range=[14, 60]), legend=None),
    )
    chart = alt.layer(cells, marks).resolve_scale(color="independent").properties(
        width=cell * n_years,
        height=alt.Step(cell + 2),
        title=alt.Title("Finansiella mål år för år",
                        subtitle=["Ljus ruta med punkt: målet uppfylls. Mörk ruta med kryss: målet uppfylls inte."]),
    )
    return _configure(chart)


def _kind(target_type: str) -> tuple[str, float, str]:
    """(axis title, scale to display units, d3 format) of a target's measure (the registry's unit and scale)."""
    kind = TARGET_TYPES.get(target_type)
    if kind is None:
        return "antal", 1.0, ",.0f"
    return AXIS_TITLES[kind.unit], kind.display_scale, ",.1f" if kind.unit == "share" else ",.0f"


#: Axis titles of a target's measure by the registry's unit.
AXIS_TITLES = {"share": "procent", "kr_per_inhabitant": "kr per invånare", "kr": "Mkr", "count": "antal",
               "weight": "vikt"}


def targets_chart(targets: pd.DataFrame, *, panel_width: int = 290, panel_height: int = 120,
                  columns: int = 2) -> alt.TopLevelMixin:
    """Each target's measure per year (solid line, dots) against its bound (dashed), one small panel per target
    with its own unit; years the target is missed are marked with a cross."""
    panels = []
    for tid, g in targets.groupby("mål_id", sort=False):
        ttype = str(g["typ"].iloc[0])
        unit, scale, fmt = _kind(ttype)
        df = pd.DataFrame({
            "år": g["år"].to_numpy(dtype=int),
            "Utfall": g["värde"].to_numpy(dtype=float) * scale,
            "Gräns": g["gräns"].to_numpy(dtype=float) * scale,
            "status": np.where(g["uppfyllt"].to_numpy(dtype=bool), MET_TEXT, NOT_MET_TEXT),
        })
        x = alt.X("år:Q", title=None, axis=alt.Axis(format="d", tickCount=6),
                  scale=alt.Scale(domain=[int(df["år"].min()), int(df["år"].max())], nice=False))
        # a ratio to a small denominator (self-financing when hardly anything is invested) can run to thousands of
        # per cent and flatten the limit into the axis: cut the scale at five times the limit and say so
        limit = float(np.nanmax(np.abs(df["Gräns"]))) if df["Gräns"].notna().any() else 0.0
        top = float(np.nanmax(df["Utfall"])) if df["Utfall"].notna().any() else 0.0
        cut = unit == "procent" and limit > 0 and top > 10 * limit
        y_scale = alt.Scale(domain=[min(0.0, float(np.nanmin(df["Utfall"]))), 5 * limit], clamp=True) if cut \
            else alt.Undefined
        lines = alt.Chart(df).transform_fold(["Utfall", "Gräns"], as_=["serie", "värde"]).mark_line(
            strokeWidth=2, clip=True).encode(
            x=x,
            y=alt.Y("värde:Q", title=unit, axis=alt.Axis(format=fmt, tickCount=4), scale=y_scale),
            color=alt.Color("serie:N", title=None, scale=alt.Scale(domain=["Utfall", "Gräns"],
                                                                  range=[DEMAND_COLOUR, CAPACITY_COLOUR]),
                            legend=alt.Legend(orient="top")),
            strokeDash=alt.StrokeDash("serie:N", title=None, scale=alt.Scale(domain=["Utfall", "Gräns"],
                                                                             range=[[1, 0], [6, 3]]),
                                      legend=alt.Legend(orient="top")),
            tooltip=[alt.Tooltip("år:Q", title="År", format="d"), alt.Tooltip("serie:N", title="Serie"),
                     alt.Tooltip("värde:Q", title=unit, format=fmt)],
        )
        missed = alt.Chart(df[df["status"] == NOT_MET_TEXT]).mark_point(
            shape="cross", filled=True, size=45, color=NOT_MET_COLOUR, clip=True).encode(x=x, y="Utfall:Q")
        title = f"{tid} {g['mål'].iloc[0]}" + (" (skalan kapad)" if cut else "")
        panels.append(alt.layer(lines, missed).properties(
            width=panel_width, height=panel_height, title=alt.Title(title, fontSize=11)))
    rows = [alt.hconcat(*panels[i:i + columns]) for i in range(0, len(panels), columns)]
    chart = alt.vconcat(*rows).properties(
        title=alt.Title("Målen i detalj", subtitle=["Heldragen linje: utfall enligt prognosen. Streckad: gränsen. "
                                                    "Kryss: år då målet inte uppfylls."]))
    return _configure(chart)


#: Characters per line of a project's label in the plan's timeline (two lines at most, broken between words).
LABEL_LINE = 40
#: The timeline's legend: projects bound by the data (must be done, or a fixed start year) and the others.
BOUND, NEW = "Bundet (måste genomföras eller fast startår)", "Ny i planen"


def wrap_label(text: str, width: int = LABEL_LINE) -> str:
    """A label on at most two lines of about ``width`` characters, broken between words (``|`` between the
    lines); a second line too long ends with an ellipsis after a whole word — never cut inside a word.

    Examples
    --------
    >>> wrap_label("P-12 Förnyelse VA-ledningar Centralorten etapp 1 (lagkrav, vattentjänstlagen)", 30)
    'P-12 Förnyelse VA-ledningar|Centralorten etapp 1 (lagkrav,…'
    >>> wrap_label("P-03 Reservkraft")
    'P-03 Reservkraft'
    """
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        elif len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] += "…"
            break
    return "|".join(lines)


def year_ticks(lo: int, hi: int) -> list[int]:
    """Years to label on a time axis from ``lo`` to ``hi``: every year, every other or every fifth, so that the
    labels never run together.

    Examples
    --------
    >>> year_ticks(2025, 2033), year_ticks(2025, 2041)[:3], year_ticks(2025, 2054)[:3]
    ([2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033], [2025, 2027, 2029], [2025, 2030, 2035])
    """
    step = 1 if hi - lo <= 10 else 2 if hi - lo <= 20 else 5
    return list(range(lo, hi + 1, step))


def plan_timeline_chart(plan: pd.DataFrame, *, width: int = 560, price_base_year: int | None = None
                        ) -> alt.TopLevelMixin:
    """The plan's projects over time: one bar per project from its start to its completion year, labelled with
    its cost; projects bound by the data (must be done, or a fixed start year) are dark, the others grey with a
    dark outline. Project labels wrap between words (:func:`wrap_label`); the years are labelled at a spacing
    that keeps them apart (:func:`year_ticks`).

    ``plan`` is :func:`hushall.reports.plan_tables.plan_sheet`.
    """
    df = pd.DataFrame({
        "projekt": [wrap_label(f"{p} {n}") for p, n in zip(plan["projekt_id"].astype(str),
                                                            plan["namn"].astype(str), strict=True)],
        "start": plan["startår"].astype(int),
        "slut": plan["klart_år"].astype(int) + 1,
        "kostnad": [fmt_mkr(x, 0 if abs(x) >= 10e6 else 1) for x in plan["kostnad_kr"]],
        "status": np.where(plan["bundet"] == "ja", BOUND, NEW),
    })
    order = list(df["projekt"])
    prices = f"{price_base_year} års priser" if price_base_year else "prisbasårets priser"
    lo = int(df["start"].min()) if len(df) else 0
    hi = int(df["slut"].max()) if len(df) else 1
    x = alt.X("start:Q", title=None, scale=alt.Scale(domain=[lo, hi + 3], nice=False),
              axis=alt.Axis(format="d", values=year_ticks(lo, hi + 3), grid=True, orient="top", labelFontSize=9,
                            labelOverlap=True, labelFlush=True))
    y = alt.Y("projekt:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=0, labelFontSize=9, labelExpr="split(datum.label, '|')"))
    bars = alt.Chart(df).mark_bar(height=12, stroke="#222222", strokeWidth=0.8).encode(
        x=x, x2="slut:Q", y=y,
        color=alt.Color("status:N", title=None, scale=alt.Scale(domain=[BOUND, NEW],
                                                                range=["#332288", "#BBBBBB"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("projekt:N", title="Projekt"), alt.Tooltip("start:Q", title="Start", format="d"),
                 alt.Tooltip("kostnad:N", title="Kostnad")],
    )
    labels = alt.Chart(df).mark_text(align="left", dx=3, fontSize=9, color="#222222").encode(
        x="slut:Q", y=y, text="kostnad:N")
    chart = alt.layer(bars, labels).properties(
        width=width, height=alt.Step(24),
        title=alt.Title("Planens projekt år för år",
                        subtitle=["Stapeln går från startår till och med året projektet blir klart. "
                                  f"Kostnad i {prices}."]),
    )
    return _configure(chart)


#: The two parts of the investment in the charts and tables (:func:`investment_chart`,
#: :func:`hushall.reports.optimization.investment_by_category`): the projects, and the reinvestment in the
#: existing assets beside them (the renewal of components: the data's policy or the optimiser's decisions).
PROJECTS_SERIES, REINVESTMENT_SERIES = "Planens projekt", "Reinvesteringar utöver projekten"
INVESTMENT_COLOURS = {PROJECTS_SERIES: "#332288", REINVESTMENT_SERIES: "#BAB0AC"}


def investment_chart(years: Sequence[int], investment_kr: ArrayLike, *, reinvestment_kr: ArrayLike | None = None,
                     ceiling_kr: float | None = None, price_base_year: int | None = None,
                     prices: str | None = None, title: str = "Investeringar per år", width: int = 620,
                     height: int = 220) -> alt.TopLevelMixin:
    """Investments per year (bars, Mkr), with the investment ceiling (dashed) when there is one.

    With ``reinvestment_kr`` (the part of ``investment_kr`` outside the projects, the same prices) each bar is
    split into :data:`PROJECTS_SERIES` and :data:`REINVESTMENT_SERIES`, so that the reader sees how much of the
    money keeps the existing assets and how much builds. ``prices`` names the price basis (default: the price
    base year's fixed prices)."""
    years_i = np.asarray(years, dtype=int)
    total = np.asarray(investment_kr, dtype=float)
    prices = prices or (f"{price_base_year} års priser" if price_base_year else "fasta priser")
    x = alt.X("år:O", title=None, axis=alt.Axis(labelAngle=-90))
    y = alt.Y("sum(mkr):Q", title=f"Mkr ({prices})", axis=alt.Axis(format=",.0f"))
    if reinvestment_kr is None:
        df = pd.DataFrame({"år": years_i, "mkr": total / 1e6})
        bars = alt.Chart(df).mark_bar(color=INVESTMENT_COLOURS[PROJECTS_SERIES]).encode(
            x=x, y=y, tooltip=[alt.Tooltip("år:O", title="År"), alt.Tooltip("mkr:Q", title="Mkr", format=",.1f")])
        subtitle = "Investeringar per år: reinvesteringar i befintliga anläggningar och planens projekt."
    else:
        reinvest = np.asarray(reinvestment_kr, dtype=float)
        series = [PROJECTS_SERIES, REINVESTMENT_SERIES]
        df = pd.DataFrame({"år": np.tile(years_i, 2), "serie": np.repeat(series, len(years_i)),
                           "mkr": np.concatenate([total - reinvest, reinvest]) / 1e6,
                           "ordning": np.repeat([1, 0], len(years_i))})
        bars = alt.Chart(df).mark_bar().encode(
            x=x, y=y,
            color=alt.Color("serie:N", title=None, scale=alt.Scale(domain=series,
                                                                    range=[INVESTMENT_COLOURS[s] for s in series]),
                            legend=alt.Legend(orient="top")),
            order=alt.Order("ordning:Q"),
            tooltip=[alt.Tooltip("år:O", title="År"), alt.Tooltip("serie:N", title="Del"),
                     alt.Tooltip("mkr:Q", title="Mkr", format=",.1f")])
        subtitle = (f"Planens projekt och {REINVESTMENT_SERIES.lower()}: förnyelse av de befintliga "
                    "anläggningarnas komponenter.")
    layers: list[alt.Chart] = [bars]
    if ceiling_kr is not None and np.isfinite(ceiling_kr):
        rule = alt.Chart(pd.DataFrame({"tak": [ceiling_kr / 1e6], "serie": ["Investeringstak"]})).mark_rule(
            strokeDash=[6, 3], strokeWidth=2, color=CAPACITY_COLOUR).encode(y="tak:Q")
        layers.append(rule)
        subtitle += f" Streckad linje: investeringstaket {fmt_mkr(ceiling_kr, 0)} per år."
    chart = alt.layer(*layers).properties(width=width, height=height,
                                          title=alt.Title(title, subtitle=[subtitle]))
    return _configure(chart)


def maintenance_debt_plan_chart(years: Sequence[int], without_kr: ArrayLike, with_kr: ArrayLike,
                                *, price_base_year: int, width: int = 620, height: int = 220
                                ) -> alt.TopLevelMixin:
    """Maintenance debt per year without the plan (solid) and with it (dashed), Mkr in fixed prices."""
    series = ["Utan planen", "Med planen"]
    df = pd.DataFrame({
        "år": np.tile(np.asarray(years, dtype=int), 2),
        "serie": np.repeat(series, len(list(years))),
        "mkr": np.concatenate([np.asarray(without_kr, float), np.asarray(with_kr, float)]) / 1e6,
    })
    chart = alt.Chart(df).mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=18, filled=True)).encode(
        x=alt.X("år:Q", title=None, axis=alt.Axis(format="d"), scale=alt.Scale(nice=False,
                                                                                zero=False)),
        y=alt.Y("mkr:Q", title=f"Mkr ({price_base_year} års priser)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("serie:N", title=None, scale=alt.Scale(domain=series, range=[CAPACITY_COLOUR, DEMAND_COLOUR]),
                        legend=alt.Legend(orient="top", symbolStrokeWidth=2.5)),
        strokeDash=alt.StrokeDash("serie:N", title=None, scale=alt.Scale(domain=series, range=[[1, 0], [7, 3]]),
                                  legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("år:Q", title="År", format="d"), alt.Tooltip("serie:N", title="Serie"),
                 alt.Tooltip("mkr:Q", title="Mkr", format=",.1f")],
    ).properties(width=width, height=height, title=alt.Title(
        "Underhållsskuld med och utan planen",
        subtitle=["Återanskaffningsvärdet av komponenter vars livslängd har löpt ut och som inte har förnyats."]))
    return _configure(chart)


__all__ = [
    "INVESTMENT_COLOURS",
    "PROJECTS_SERIES",
    "REINVESTMENT_SERIES",
    "investment_chart",
    "maintenance_debt_plan_chart",
    "plan_timeline_chart",
    "targets_chart",
    "targets_overview_chart",
]
