"""The comparison with similar municipalities as Swedish text rows, a table and a chart (CLI and web).

Examples
--------
>>> fmt_figure(0.0642, "andel"), fmt_figure(46182.0, "kr/inv"), fmt_figure(22.36, "%")
('6,4\\xa0%', '46\\xa0182', '22,36\\xa0%')
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from hushall.formatting import NBSP, fmt_number, fmt_pct
from hushall.reports.forecast import LINE_LABELS


def fmt_figure(x: float | None, unit: str) -> str:
    """A key figure in Swedish format by its unit."""
    if unit == "andel":
        return fmt_pct(x)
    if unit == "%":
        return "–" if x is None else f"{fmt_number(x, 2)}{NBSP}%"
    return fmt_number(x)


def figure_rows(comparison: Any, kolada: pd.DataFrame | None = None) -> list[dict[str, str]]:
    """One formatted row per key figure: the municipality, SCB 2019, the peers' median, range and rank."""
    rows = []
    for key, r in comparison.figures.iterrows():
        unit = r["enhet"]
        row = {"nyckeltal": r["nyckeltal"], "enhet": "" if unit == "andel" else unit,
               "kommunen": fmt_figure(r["kommunen"], unit), "kommunen_2019": fmt_figure(r["kommunen_2019"], unit),
               "median": fmt_figure(r["median"], unit),
               "spann": f"{fmt_figure(r['min'], unit)} – {fmt_figure(r['max'], unit)}",
               "placering": r["placering"]}
        if kolada is not None and comparison.scb_name in kolada.index and key in kolada.columns:
            row["kolada"] = fmt_figure(kolada.loc[comparison.scb_name, key], unit)
        rows.append(row)
    return rows


def ratio_rows(comparison: Any) -> list[dict[str, str]]:
    """The plan's ratios (first and last plan year, mean), Swedish format."""
    out = []
    for key, r in comparison.plan_ratios.iterrows():
        money = key == "låneskuld_per_invånare"
        values = {str(c): (fmt_number(v) if money else fmt_pct(v)) for c, v in r.items()}
        out.append({"nyckeltal": LINE_LABELS.get(str(key), str(key)), **values})
    return out


def peers_summary(comparison: Any, kolada: pd.DataFrame | None = None, kolada_note: str = "") -> str:
    """Plain-text tables for the terminal."""
    head = (f"{comparison.kommun} (basår {comparison.base_year}) mot de {len(comparison.peers)} kommuner som "
            f"ligger närmast i folkmängd: {', '.join(comparison.peers.index)}.")
    own_col = f"{comparison.scb_name} 2019" if comparison.scb_name else "SCB 2019"
    cols = ["nyckeltal", "kommunen", "kommunen_2019", "median", "spann", "placering"]
    titles = ["Nyckeltal", f"Arbetsboken {comparison.base_year}", own_col, "Median (liknande)", "Spann", "Plats"]
    rows = figure_rows(comparison, kolada)
    if kolada is not None:
        cols.append("kolada")
        titles.append("Kolada")
    widths = [max(len(t), *(len(r.get(c, "")) for r in rows)) for c, t in zip(cols, titles, strict=True)]
    lines = [head, "", "  ".join(t.ljust(w) for t, w in zip(titles, widths, strict=True))]
    lines += ["  ".join(r.get(c, "").ljust(w) for c, w in zip(cols, widths, strict=True)) for r in rows]
    if kolada_note:
        lines += ["", kolada_note]
    lines += ["", "Planens nyckeltal (prognosen för de beslutade projekten):"]
    for r in ratio_rows(comparison):
        lines.append("  " + r.pop("nyckeltal") + ": " + ", ".join(f"{k} {v}" for k, v in r.items()))
    lines += ["", f"Källa: {comparison.source}",
              "Belopp per invånare i arbetsboken gäller basåret, SCB:s tal 2019 (löpande priser)."]
    return "\n".join(lines)


def age_structure_chart(comparison: Any) -> alt.Chart:
    """Age shares of the municipality (workbook) against the peers' median, one bar pair per age group."""
    data = []
    for key, r in comparison.figures.iterrows():
        if str(key).startswith("andel_"):
            data.append({"åldersgrupp": r["nyckeltal"].replace("Andel ", ""), "vem": comparison.kommun,
                         "andel": r["kommunen"]})
            data.append({"åldersgrupp": r["nyckeltal"].replace("Andel ", ""), "vem": "Liknande kommuner (median)",
                         "andel": r["median"]})
    order = [d["åldersgrupp"] for d in data[::2]]
    return alt.Chart(pd.DataFrame(data)).mark_bar().encode(
        x=alt.X("åldersgrupp:N", sort=order, title=None),
        xOffset="vem:N",
        y=alt.Y("andel:Q", axis=alt.Axis(format="%"), title="Andel av invånarna"),
        color=alt.Color("vem:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["åldersgrupp", "vem", alt.Tooltip("andel:Q", format=".1%")],
    ).properties(width=520, height=260, title="Åldersstruktur")


__all__ = ["age_structure_chart", "figure_rows", "fmt_figure", "peers_summary", "ratio_rows"]
