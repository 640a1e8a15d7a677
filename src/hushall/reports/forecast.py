"""Presentation of the long-term financial plan: terminal summary, Excel workbook and charts.

Every number comes from :func:`hushall.finance.forecast`; this module only labels, formats and draws.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from hushall.data.target_types import TARGET_TYPES
from hushall.finance import Forecast
from hushall.finance.verdict import Verdict, assess, cumulative_share_of_need, other_debt_change
from hushall.formatting import fmt_kr, fmt_mkr, fmt_number, fmt_pct
from hushall.model import MunicipalityData
from hushall.reports import plan_charts
from hushall.reports.charts import _configure, save_chart_files
from hushall.reports.excel import write_tables
from hushall.reports.plan_reasons import target_names
from hushall.reports.plan_tables import STATEMENT_LABELS
from hushall.reports.verdict import verdict_block

#: Swedish labels of statement lines and ratios (the line names are already Swedish snake_case).
LINE_LABELS: dict[str, str] = {
    "resultat_andel_av_skatter_och_bidrag": "Resultat i % av skatteintäkter och generella statsbidrag",
    "självfinansieringsgrad": "Självfinansieringsgrad av investeringar",
    "soliditet": "Soliditet",
    "soliditet_inkl_pensionsförpliktelser": "Soliditet inkl. pensionsförpliktelser",
    "nettokostnadsandel": "Nettokostnadsandel",
    "nettoinvesteringar_andel_av_skatter_och_bidrag": "Nettoinvesteringar i % av skatter och bidrag",
    "låneskuld_per_invånare": "Låneskuld per invånare (kr)",
    "kassalikviditet": "Kassalikviditet",
    **STATEMENT_LABELS,
}

#: The target types' names in the text report (the registry's).
TARGET_LABELS: dict[str, str] = {k: t.name["sv"] for k, t in TARGET_TYPES.items()}


def line_label(line: str) -> str:
    """Readable Swedish label of a statement line (``årets_resultat`` → ``Årets resultat``).

    >>> line_label("verksamhetens_nettokostnader")
    'Verksamhetens nettokostnader'
    >>> line_label("varav_avskrivningar_nya")
    '  varav avskrivningar nya'
    """
    if line in LINE_LABELS:
        return LINE_LABELS[line]
    text = line.replace("_", " ")
    if text.startswith("varav "):
        return "  " + text
    return text[:1].upper() + text[1:]


def _statement_sheet(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out.index = [line_label(str(i)) for i in out.index]
    out.index.name = "Post (kr)"
    out.columns = [str(c) for c in out.columns]
    return out.reset_index()


def project_investment_kr(fc: Forecast) -> np.ndarray:
    """The projects' investment per year (current prices): the kassaflödesanalys's investment in fixed assets
    less the reinvestment (``investering = projekt + reinvestering``, :mod:`hushall.finance.model`)."""
    st = fc.statements
    return (-np.asarray(st["investering_materiella_anläggningstillgångar"], dtype=float)
            - np.asarray(st["reinvesteringar"], dtype=float))


#: The pension payouts the statements show apart (``varav_pensionsutbetalningar``): those earned before 1998 (the
#: ansvarsförbindelse) and parameter ``pensionsutbetalningar_kr``; the other pension costs are in the operating
#: costs, so the line is not all the pensions paid.
PENSION_PAYOUTS_LABEL = "Pensionsutbetalningar, särredovisade"
#: What that line holds, in a sentence (the plan document).
PENSION_PAYOUTS_TEXT = ("Pensionsutbetalningarna är de som särredovisas i resultaträkningen, inklusive "
                        "löneskatt: pensioner intjänade före 1998 (ansvarsförbindelsen) och det kommunen anger som "
                        "pensionsutbetalningar i fliken Antaganden; övriga pensionskostnader ingår i verksamhetens "
                        "kostnader.")
#: The line that makes the debt roll forward: förra årets skuld + behov − reinvesteringar + denna = årets skuld.
OTHER_DEBT_CHANGE = "Övrig förändring av underhållsskulden"
#: What the asset table's debt lines mean, in a sentence (the plan document and the sheet's note).
DEBT_ROLL_FORWARD_TEXT = (
    "Underhållsskulden rullas fram: förra årets skuld plus årets förnyelsebehov minus årets reinvesteringar plus "
    "övrig förändring ger årets skuld. Övrig förändring är förnyelse som görs före det år "
    "behovet faller (den sänker inte skulden) eller efter det (behovet räknar med att en komponent faller till "
    "förnyelse igen en livslängd efter behovsåret, planen en livslängd efter förnyelsen), och skuld som planens "
    "projekt tar över när de avvecklar eller bygger om en anläggning. Det första årets förnyelsebehov innehåller "
    "underhållsskulden vid basårets slut.")


def asset_lines(fc: Forecast, price_base_year: int) -> list[tuple[str, str, np.ndarray]]:
    """The projects' investment beside the reinvestment, the renewal need (the plan's own), what else moves the
    maintenance debt (:func:`hushall.finance.verdict.other_debt_change`, so that the debt rolls forward from the
    lines above it), the maintenance debt and the pension payouts per year, each labelled with its price basis:
    ``(label, unit, values)`` with unit ``"kr"`` (amounts in kr) or ``"andel"`` (a share).

    Pension payouts are negative as in the resultaträkning (a cost) and include the löneskatt.
    """
    st = fc.statements
    fixed = f"{price_base_year} års priser"
    return [
        ("Projektens investeringar (löpande priser)", "kr", project_investment_kr(fc)),
        ("Reinvesteringar (löpande priser)", "kr", np.asarray(st["reinvesteringar"], dtype=float)),
        (f"Reinvesteringar ({fixed})", "kr", np.asarray(st["reinvesteringar_fasta_priser"], dtype=float)),
        (f"Förnyelsebehov ({fixed})", "kr", np.asarray(st["förnyelsebehov_fasta_priser"], dtype=float)),
        (f"{OTHER_DEBT_CHANGE} ({fixed})", "kr", other_debt_change(st)),
        (f"Underhållsskuld vid årets slut ({fixed})", "kr",
         np.asarray(st["underhållsskuld_fasta_priser"], dtype=float)),
        ("Reinvesteringar i % av förnyelsebehovet, ackumulerat", "andel",
         cumulative_share_of_need(st)),
        (f"{PENSION_PAYOUTS_LABEL} (löpande priser)", "kr",
         np.asarray(st["varav_pensionsutbetalningar"], dtype=float)),
        ("  varav löneskatt (löpande priser)", "kr", -np.asarray(st["varav_löneskatt_pensioner"], dtype=float)),
    ]


def asset_sheet(fc: Forecast, price_base_year: int) -> pd.DataFrame:
    """:func:`asset_lines` as a sheet: one row per line (kr, or a share), one column per year."""
    rows = asset_lines(fc, price_base_year)
    table = pd.DataFrame([values for _label, _unit, values in rows], columns=[str(y) for y in fc.years])
    table.insert(0, "Post", [label + (" (kr)" if unit == "kr" else "") for label, unit, _ in rows])
    return table


def forecast_sheets(fc: Forecast, price_base_year: int) -> dict[str, pd.DataFrame]:
    """The forecast as sheets people can keep working in (kr, one column per year)."""
    ratios = fc.ratios.copy()
    ratios.index = [line_label(str(i)) for i in ratios.index]
    ratios.index.name = "Nyckeltal"
    ratios.columns = [str(c) for c in ratios.columns]
    targets = fc.targets.rename(
        columns={"target_id": "Mål", "target_type": "Typ", "year": "År", "value": "Utfall", "limit": "Gräns",
                 "met": "Uppfyllt", "margin_kr": "Marginal (kr)"}
    ).copy()
    targets["Typ"] = [TARGET_LABELS.get(t, t) for t in targets["Typ"]]
    targets["Uppfyllt"] = ["ja" if m else "nej" for m in targets["Uppfyllt"]]
    drivers = fc.drivers.copy()
    drivers.columns = [str(c) for c in drivers.columns]
    sources = pd.DataFrame({"Antagande": list(fc.sources), "Källa": list(fc.sources.values())})
    return {
        "Resultaträkning": _statement_sheet(fc.income_statement),
        "Balansräkning": _statement_sheet(fc.balance_sheet),
        "Kassaflödesanalys": _statement_sheet(fc.cash_flow),
        "Reinvestering och pensioner": asset_sheet(fc, price_base_year),
        "Nyckeltal": ratios.reset_index(),
        "Mål": targets,
        "Antaganden": drivers.reset_index(),
        "Källor": sources,
    }


def _target_rows(fc: Forecast, target_type: str) -> pd.DataFrame:
    t = fc.targets
    return t[t["target_type"] == target_type]


def result_chart(fc: Forecast, *, width: int = 640, height: int = 260) -> alt.TopLevelMixin:
    """Årets resultat in Mkr per year against the result target (converted to kr by the model's margin)."""
    res = fc.income_statement.loc["årets_resultat"]
    df = pd.DataFrame({"år": [str(y) for y in fc.years], "mkr": res.to_numpy(dtype=float) / 1e6,
                       "serie": "Årets resultat"})
    layers = [
        alt.Chart(df).mark_bar(color="#332288").encode(
            x=alt.X("år:O", title="År", axis=alt.Axis(labelAngle=-90)),
            y=alt.Y("mkr:Q", title="Mkr"),
            tooltip=[alt.Tooltip("år:O", title="År"), alt.Tooltip("mkr:Q", title="Mkr", format=",.1f")],
        )
    ]
    target = _target_rows(fc, "resultat_andel")
    if len(target):
        # limit in kr = value_kr − margin_kr, where value_kr is the result itself for a per-year target
        per_year = target.groupby("year")["margin_kr"].min()
        limit_mkr = [(float(res[y]) - float(per_year[y])) / 1e6 if y in per_year.index else None
                     for y in fc.years]
        tdf = pd.DataFrame({"år": [str(y) for y in fc.years], "mkr": limit_mkr, "serie": "Resultatmål"})
        layers.append(alt.Chart(tdf).mark_line(color="#CC6677", strokeDash=[6, 3], strokeWidth=2.5).encode(
            x="år:O", y="mkr:Q", tooltip=[alt.Tooltip("mkr:Q", title="Mål, Mkr", format=",.1f")]))
    return _configure(alt.layer(*layers).properties(
        width=width, height=height,
        title=alt.Title("Årets resultat mot resultatmålet",
                        subtitle="Staplar: årets resultat. Streckad linje: målets nivå i kr (löpande priser).")))


def debt_chart(fc: Forecast, *, width: int = 640, height: int = 260) -> alt.TopLevelMixin:
    debt = fc.balance_sheet.loc["långfristiga_skulder"].to_numpy(dtype=float) / 1e6
    per_inh = fc.ratios.loc["låneskuld_per_invånare"].to_numpy(dtype=float) / 1e3
    df = pd.DataFrame({"år": [str(y) for y in fc.years], "skuld": debt, "per_inv": per_inh})
    base = alt.Chart(df).encode(x=alt.X("år:O", title="År", axis=alt.Axis(labelAngle=-90)))
    bars = base.mark_bar(color="#88CCEE").encode(y=alt.Y("skuld:Q", title="Låneskuld, Mkr"))
    line = base.mark_line(color="#332288", strokeWidth=2.5, point=True).encode(
        y=alt.Y("per_inv:Q", title="Tkr per invånare"))
    layers = [bars, line]
    cap = _target_rows(fc, "låneskuld_per_invånare")
    if len(cap):
        lim = cap.groupby("year")["limit"].min()
        cdf = pd.DataFrame({"år": [str(y) for y in lim.index], "tak": lim.to_numpy(dtype=float) / 1e3})
        layers.append(alt.Chart(cdf).mark_line(color="#CC6677", strokeDash=[6, 3], strokeWidth=2).encode(
            x="år:O", y=alt.Y("tak:Q", title="Tkr per invånare")))
    chart = alt.layer(bars, alt.layer(*layers[1:])).resolve_scale(y="independent")
    return _configure(chart.properties(
        width=width, height=height,
        title=alt.Title("Låneskuld", subtitle="Staplar: låneskuld (Mkr). Linje: tkr per invånare; streckad: "
                        "målets tak.")))


def soliditet_chart(fc: Forecast, *, width: int = 640, height: int = 240) -> alt.TopLevelMixin:
    rows = []
    for line, label in (("soliditet", "Soliditet"),
                        ("soliditet_inkl_pensionsförpliktelser", "Soliditet inkl. pensionsförpliktelser")):
        for y, v in zip(fc.years, fc.ratios.loc[line].to_numpy(dtype=float), strict=True):
            rows.append({"år": str(y), "procent": 100 * v, "serie": label})
    df = pd.DataFrame(rows)
    chart = alt.Chart(df).mark_line(strokeWidth=2.5, point=True).encode(
        x=alt.X("år:O", title="År", axis=alt.Axis(labelAngle=-90)),
        y=alt.Y("procent:Q", title="Procent"),
        color=alt.Color("serie:N", title=None, scale=alt.Scale(range=["#332288", "#999933"]),
                        legend=alt.Legend(orient="top")),
        strokeDash=alt.StrokeDash("serie:N", legend=None),
    )
    return _configure(chart.properties(width=width, height=height, title="Soliditet"))


def investment_chart(fc: Forecast, *, width: int = 640, height: int = 240) -> alt.TopLevelMixin:
    """The investment per year (current prices), the projects' part apart from the reinvestment beside them."""
    return plan_charts.investment_chart(
        fc.years, -fc.cash_flow.loc["investering_materiella_anläggningstillgångar"].to_numpy(dtype=float),
        reinvestment_kr=np.asarray(fc.statements["reinvesteringar"], dtype=float), prices="löpande priser",
        title="Investeringsvolym per år", width=width, height=height)


def target_grid_lines(fc: Forecast, col: int = 44) -> list[str]:
    """Every target as one terminal line of ✓ (met), ✗ (not met) or · (not evaluated) per year, under a header
    of two-digit years."""
    lines = ["".ljust(col) + "".join(str(y)[-2:].rjust(3) for y in fc.years)]
    for (tid, ttype), g in fc.targets.groupby(["target_id", "target_type"], sort=False):
        met = dict(zip(g["year"], g["met"], strict=True))
        marks = "".join(("✓" if met[y] else "✗").rjust(3) if y in met else "·".rjust(3) for y in fc.years)
        lines.append(f"{tid} {TARGET_LABELS.get(str(ttype), str(ttype))}"[:col - 1].ljust(col) + marks)
    return lines


def extremes_between(fc: Forecast) -> list[str]:
    """What the first and last years of the forecast hide, in words: the lowest årets resultat when it lies
    between them and below both (a loss in the second year is a budget matter), and the largest låneskuld when it
    lies above both. Empty when the ends show it all. Amounts in current prices."""
    years = list(fc.years)
    out = []
    res = fc.income_statement.loc["årets_resultat"].to_numpy(dtype=float)
    share = fc.ratios.loc["resultat_andel_av_skatter_och_bidrag"].to_numpy(dtype=float)
    low = int(np.argmin(res))
    if 0 < low < len(years) - 1 and res[low] < min(res[0], res[-1]) and res[low] < 0:
        out.append(f"Årets resultat är som lägst {fmt_mkr(float(res[low]))} år {years[low]} "
                   f"({fmt_pct(float(share[low]))} av skatter och generella statsbidrag; löpande priser).")
    debt = fc.balance_sheet.loc["långfristiga_skulder"].to_numpy(dtype=float)
    high = int(np.argmax(debt))
    if 0 < high < len(years) - 1 and debt[high] > max(debt[0], debt[-1]) * 1.05:
        per_inh = fc.ratios.loc["låneskuld_per_invånare"].to_numpy(dtype=float)
        out.append(f"Låneskulden är som störst {fmt_mkr(float(debt[high]))} år {years[high]} "
                   f"({fmt_kr(float(per_inh[high]))} per invånare; löpande priser).")
    return out


def forecast_summary(fc: Forecast, data: MunicipalityData, *, every: int = 5, verdict: Verdict | None = None) -> str:
    """Terminal summary: key lines in Mkr for every ``every``-th year, reinvestment and maintenance debt, ratios,
    targets as ✓/✗ per year, and the verdict (:func:`hushall.finance.verdict.assess` unless ``verdict`` is given,
    e.g. with its risk part)."""
    years = [y for i, y in enumerate(fc.years) if i % every == 0 or y == fc.years[-1]]
    col = 58
    head = "".ljust(col) + "".join(f"{y:>10}" for y in years)
    lines = [f"Långtidsprognos för {data.name} {fc.years[0]}–{fc.years[-1]} (Mkr, löpande priser)", "", head]
    for table, names in (
        (fc.income_statement, ["verksamhetens_nettokostnader", "skatteintäkter", "generella_statsbidrag",
                               "finansiella_kostnader", "årets_resultat", "balanskravsresultat"]),
        (fc.balance_sheet, ["materiella_anläggningstillgångar", "likvida_medel", "eget_kapital",
                            "långfristiga_skulder", "summa_tillgångar"]),
        (fc.cash_flow, ["investering_materiella_anläggningstillgångar", "nyupptagna_lån"]),
    ):
        for name in names:
            row = table.loc[name]
            lines.append(line_label(name)[:col - 1].ljust(col)
                         + "".join(f"{fmt_number(float(row[y]) / 1e6, 1):>10}" for y in years))
    lines += ["", "Reinvestering, underhållsskuld och pensioner (Mkr; prisbas i raden)"]
    for label, unit, values in asset_lines(fc, data.price_base_year):
        by_year = dict(zip(fc.years, values, strict=True))
        cells = [fmt_pct(float(by_year[y])) if unit == "andel" else fmt_number(float(by_year[y]) / 1e6, 1)
                 for y in years]
        lines.append(label[:col - 1].ljust(col) + "".join(f"{c:>10}" for c in cells))
    lines += ["", "Nyckeltal"]
    for name in ("resultat_andel_av_skatter_och_bidrag", "självfinansieringsgrad", "soliditet",
                 "soliditet_inkl_pensionsförpliktelser", "nettokostnadsandel", "låneskuld_per_invånare"):
        row = fc.ratios.loc[name]
        cells = [fmt_kr(float(row[y])) if name == "låneskuld_per_invånare" else fmt_pct(float(row[y]))
                 for y in years]
        lines.append(line_label(name)[:col - 1].ljust(col) + "".join(f"{c:>10}" for c in cells))
    if len(fc.targets):
        lines += ["", "Finansiella mål år för år (✓ uppfyllt, ✗ inte uppfyllt, · gäller inte)"]
        lines += target_grid_lines(fc, col)
        worst = fc.targets[~fc.targets["met"].astype(bool)]
        if len(worst):
            w = worst.sort_values("margin_kr").iloc[0]
            lines.append(f"Största avvikelse: {w['target_id']} år {int(w['year'])}, "
                         f"{fmt_mkr(float(w['margin_kr']))}")
    between = extremes_between(fc)
    if between:
        lines += ["", "Mellan åren i tabellen:", *(f"  {t}" for t in between)]
    lines += ["", *verdict_block(verdict or assess(data, fc), target_names(data))]
    return "\n".join(lines)


def write_forecast_outputs(fc: Forecast, data: MunicipalityData, out_dir: str | Path) -> list[Path]:
    """Write prognos.xlsx, one CSV per sheet and the charts (PNG and SVG) into ``out_dir``."""
    out = Path(out_dir)
    files = write_tables(out, "prognos.xlsx", forecast_sheets(fc, data.price_base_year))
    charts = {"resultat": result_chart(fc), "laneskuld": debt_chart(fc), "soliditet": soliditet_chart(fc),
              "investeringar": investment_chart(fc)}
    for name, chart in charts.items():
        files += save_chart_files(chart, out / name)
    return files
