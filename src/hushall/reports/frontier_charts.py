"""Charts of the price of each choice (Altair, in the style of :mod:`hushall.reports.charts`): the efficiency
frontier (the plan's value and the maintenance debt at the end against the investment frame, today's choice
marked) and the priority ladder (the frame at which each project enters the plan).

Examples
--------
>>> from hushall.study.frontier import Frontier, FrontierStep
>>> steps = [FrontierStep(s, s * 185e6, {}, 20 * s, 18 * s, 0.0, None, 150e6 / s, 0.0, True, 0.0, 0.0)
...          for s in (0.5, 1.0, 1.5)]
>>> spec = frontier_chart(Frontier(185e6, 1e6, {}, steps, [], [])).to_dict()
>>> len(spec["vconcat"])
3
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from hushall.formatting import fmt_mkr, fmt_number, fmt_pct
from hushall.reports.charts import CAPACITY_COLOUR, DEMAND_COLOUR, _configure
from hushall.study.frontier import Frontier

MKR = 1e6
#: Today's choice: one colour in both panels and in the ladder.
CURRENT_COLOUR = "#CC6677"
#: The reinvestment's share of the need (Paul Tol's muted palette, as the other panels).
REINVEST_COLOUR = "#117733"


def short_label(text: str, width: int = 56) -> str:
    """``text`` cut at a word boundary to at most ``width`` characters, with "…" when cut (never mid-word).

    >>> short_label("P-21 Konvertering: Ekeberga förskola flyttar in i skolans tomma lokaler", 40)
    'P-21 Konvertering: Ekeberga förskola…'
    """
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(" ,:;–-(")
    return cut + "…"


def _steps_frame(f: Frontier) -> pd.DataFrame:
    kpp = f.kr_per_point or 0.0
    return pd.DataFrame({
        "ram": [s.frame_kr / MKR for s in f.steps],
        "andel": [fmt_pct(s.share, 0) for s in f.steps],
        "värde": [s.value_points for s in f.steps],
        "värde_mkr": [None if s.value_points is None or not kpp else s.value_points * kpp / MKR for s in f.steps],
        "skuld": [None if s.maintenance_debt_end_kr is None else s.maintenance_debt_end_kr / MKR for s in f.steps],
        "skuld_snitt": [None if s.maintenance_debt_mean_kr is None else s.maintenance_debt_mean_kr / MKR
                        for s in f.steps],
        "reinvest": [None if s.reinvestment_share_early is None else 100 * s.reinvestment_share_early
                     for s in f.steps],
        "platser": [s.places_built for s in f.steps],
        "projekt": [len(s.schedule) for s in f.steps],
        "mål": ["klarar alla mål" if s.meets_targets else "bryter mål" for s in f.steps],
        "dagens": [s is f.current for s in f.steps],
    })


def _panel(data: pd.DataFrame, field: str, title: str, colour: str, width: int, height: int) -> alt.LayerChart:
    x = alt.X("ram:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(format=",.0f"))
    tooltip = [alt.Tooltip("ram:Q", title="Ram (Mkr/år)", format=",.0f"), alt.Tooltip("andel:N", title="Av dagens"),
               alt.Tooltip("värde:Q", title="Värde (poäng)", format=",.1f"),
               alt.Tooltip("skuld:Q", title="Underhållsskuld vid slutet (Mkr)", format=",.0f"),
               alt.Tooltip("skuld_snitt:Q", title="Underhållsskuld i genomsnitt (Mkr)", format=",.0f"),
               alt.Tooltip("reinvest:Q", title="Reinvesteringar första tio åren (% av behovet)", format=",.1f"),
               alt.Tooltip("platser:Q", title="Nya platser", format=",.0f"),
               alt.Tooltip("projekt:Q", title="Projekt"), alt.Tooltip("mål:N", title="Mål")]
    base = alt.Chart(data[data[field].notna()])
    line = base.mark_line(color=colour, strokeWidth=2).encode(x=x, y=alt.Y(f"{field}:Q", title=title,
                                                                          axis=alt.Axis(format=",.1~f")))
    points = base.mark_point(color=colour, size=50, filled=True).encode(
        x=x, y=f"{field}:Q", shape=alt.Shape("mål:N", title=None, scale=alt.Scale(
            domain=["klarar alla mål", "bryter mål"], range=["circle", "cross"]),
            legend=alt.Legend(orient="top-left")), tooltip=tooltip)
    current = base.transform_filter(alt.datum.dagens).mark_point(
        color=CURRENT_COLOUR, size=260, strokeWidth=2.5, shape="diamond").encode(x=x, y=f"{field}:Q")
    label = base.transform_filter(alt.datum.dagens).mark_text(
        color=CURRENT_COLOUR, dy=-16, fontWeight="bold", fontSize=11).encode(
        x=x, y=f"{field}:Q", text=alt.value("Dagens val"))
    return alt.LayerChart(layer=[line, points, current, label]).properties(width=width, height=height)


def frontier_chart(f: Frontier, *, width: int = 600, height: int = 190) -> alt.TopLevelMixin:
    """The plan's value (points) and the maintenance debt (Mkr) against the investment frame (Mkr per year,
    fixed prices); today's frame marked. When the steps carry the money (a municipality's frontier), the debt is
    its average over the plan's years — a smaller frame postpones renewal, which a debt caught up by the last year
    would hide — and a third panel shows the reinvestment of the first ten years as a share of the need."""
    data = _steps_frame(f)
    basis = "fasta priser" + ("" if f.price_base_year is None else f", {f.price_base_year} års priser")
    current = f.current
    subtitle = [f"Investeringsramen från {fmt_pct(f.steps[0].share, 0)} till {fmt_pct(f.steps[-1].share, 0)} av "
                f"dagens {fmt_mkr(f.frame_kr, 0)}/år ({basis}); planen räknad om vid varje ram med samma "
                "kriterievikter.",
                f"Dagens val: värde {fmt_number(current.value_points, 1)} poäng"
                + (f", underhållsskuld i genomsnitt {fmt_mkr(current.maintenance_debt_mean_kr, 0)} per år"
                   if current.maintenance_debt_mean_kr is not None else
                   "" if current.maintenance_debt_end_kr is None else
                   f", underhållsskuld {fmt_mkr(current.maintenance_debt_end_kr, 0)} vid planens slut") + "."]
    top = _panel(data, "värde", "Planens värde (poäng)", DEMAND_COLOUR, width, height)
    panels = [top]
    if data["skuld_snitt"].notna().any():
        panels.append(_panel(data, "skuld_snitt", "Underhållsskuld i genomsnitt (Mkr)", CAPACITY_COLOUR, width,
                             height))
    elif data["skuld"].notna().any():
        panels.append(_panel(data, "skuld", "Underhållsskuld vid slutet (Mkr)", CAPACITY_COLOUR, width, height))
    if data["reinvest"].notna().any():
        panels.append(_panel(data, "reinvest", "Reinvesteringar 10 år (% av behovet)", REINVEST_COLOUR, width,
                             height))
    axis_title = alt.Chart(pd.DataFrame({"t": [f"Investeringsram (Mkr per år, {basis})"]})).mark_text(
        fontSize=12, color="#333333").encode(text="t:N").properties(width=width, height=14)
    chart = alt.vconcat(*panels, axis_title, spacing=10).properties(
        title=alt.Title("Vad kostar valen? Planens värde mot investeringsramen", subtitle=subtitle))
    return _configure(chart.resolve_scale(shape="shared"))


def ladder_chart(f: Frontier, *, width: int = 520) -> alt.TopLevelMixin:
    """The priority ladder: one row per project that is in the plan at some frame of the grid (in the ladder's
    order), a square at every frame where it is in the plan; today's frame as a dashed line. A row with a gap
    shows a project that leaves the plan at a larger frame."""
    rungs = [r for r in f.ladder if r.entry_share is not None]
    label = {r.project: short_label(f"{r.project} {r.name}") for r in rungs}
    rows = [{"projekt": label[r.project], "ram": s.frame_kr / MKR, "andel": fmt_pct(s.share, 0),
             "kostnad": r.cost_kr / MKR, "start": s.schedule[r.project],
             "mål": "klarar alla mål" if s.meets_targets else "bryter mål"}
            for r in rungs for s in f.steps if r.project in s.schedule]
    data = pd.DataFrame(rows, columns=["projekt", "ram", "andel", "kostnad", "start", "mål"])
    lo, hi = f.steps[0].frame_kr / MKR, f.steps[-1].frame_kr / MKR
    pad = 0.04 * (hi - lo)
    x = alt.X("ram:Q", title="Investeringsram (Mkr per år)", scale=alt.Scale(domain=[lo - pad, hi + pad]),
              axis=alt.Axis(format=",.0f", values=[s.frame_kr / MKR for s in f.steps]))
    y = alt.Y("projekt:N", sort=[label[r.project] for r in rungs], title=None, axis=alt.Axis(labelLimit=360))
    squares = alt.Chart(data).mark_square(size=120, color=DEMAND_COLOUR).encode(
        x=x, y=y, opacity=alt.Opacity("mål:N", title=None, legend=alt.Legend(orient="bottom"),
                                      scale=alt.Scale(domain=["klarar alla mål", "bryter mål"], range=[1.0, 0.35])),
        tooltip=[alt.Tooltip("projekt:N", title="Projekt"), alt.Tooltip("ram:Q", title="Ram (Mkr/år)", format=",.0f"),
                 alt.Tooltip("andel:N", title="Av dagens ram"),
                 alt.Tooltip("kostnad:Q", title="Kostnad (Mkr)", format=",.1f"),
                 alt.Tooltip("start:Q", title="Startår", format="d")])
    today = alt.Chart(pd.DataFrame({"ram": [f.frame_kr / MKR]})).mark_rule(
        color=CURRENT_COLOUR, strokeDash=[5, 3], strokeWidth=2).encode(x="ram:Q")
    never = [r.project for r in f.ladder if r.entry_share is None]
    subtitle = ["En ruta vid varje ram där projektet finns i planen; överst de som kommer med vid lägst ram.",
                f"Streckad linje: dagens ram {fmt_mkr(f.frame_kr, 0)}/år (fasta priser). Ljus ruta: planen bryter "
                "något mål vid den ramen."]
    if never:
        subtitle.append("Kommer inte med vid någon ram: " + ", ".join(never) + ".")
    chart = alt.layer(today, squares).properties(
        width=width, height=max(20 * len(rungs), 60),
        title=alt.Title("Prioritetsstegen: vid vilken ram kommer projektet med?", subtitle=subtitle))
    return _configure(chart)


__all__ = ["frontier_chart", "ladder_chart", "short_label"]
