"""Presentation of scenarios and risk: fan charts, probability of each target, tornado, scenario comparison — and
the text summary and tables of ``hushall scenarios``.

Every number comes from :mod:`hushall.scenarios`; this module only labels, formats and draws (Altair, rendered by
:func:`hushall.reports.charts.save_chart`, with the colours and Swedish number format of
:mod:`hushall.reports.charts`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from hushall.data.target_types import TARGET_TYPES
from hushall.formatting import fmt_kr, fmt_mkr, fmt_number, fmt_pct, fmt_pp
from hushall.reports.charts import TOL_MUTED, _configure, save_chart
from hushall.reports.excel import write_tables_csv, write_tables_xlsx
from hushall.reports.verdict import reinvestment_text
from hushall.scenarios.montecarlo import FRAME_HEADERS

#: How each simulated line is shown: Swedish title, unit label, divisor (kr → Mkr) and number format.
LINE_DISPLAY: dict[str, tuple[str, str, float, str]] = {
    "årets_resultat": ("Årets resultat", "Mkr", 1e6, ",.0f"),
    "resultat_andel_av_skatter_och_bidrag": ("Resultat i % av skatter och bidrag", "%", 0.01, ",.1f"),
    "långfristiga_skulder": ("Låneskuld", "Mkr", 1e6, ",.0f"),
    "låneskuld_per_invånare": ("Låneskuld per invånare", "kr", 1.0, ",.0f"),
    "soliditet": ("Soliditet", "%", 0.01, ",.0f"),
    "underhållsskuld": ("Underhållsskuld (prisbasårets priser)", "Mkr", 1e6, ",.0f"),
    "platser_saknas": ("Platser som saknas", "platser", 1.0, ",.0f"),
}

#: Lines of the fan-chart grid, in order.
FAN_LINES: tuple[str, ...] = ("årets_resultat", "långfristiga_skulder", "låneskuld_per_invånare", "soliditet",
                              "underhållsskuld")

BAND_COLOUR, MEDIAN_COLOUR, BASELINE_COLOUR = "#88CCEE", "#332288", "#CC6677"


def _years_axis(years: Any) -> alt.X:
    lo, hi = int(min(years)), int(max(years))
    return alt.X("år:Q", title=None, scale=alt.Scale(domain=[lo, hi], nice=False),
                 axis=alt.Axis(format="d", tickCount=6, labelFlush=True))


def fan_chart(mc: Any, line: str, *, width: int = 560, height: int = 220, title: bool = True) -> Any:
    """P10–P90 band, median and the forecast without uncertainty for one line of a Monte Carlo result."""
    name, unit, div, fmt = LINE_DISPLAY[line]
    p = mc.line(line).reset_index()
    base = mc.baseline[mc.baseline["line"] == line]
    lo_name, hi_name = _outer_quantiles(mc)
    data = pd.DataFrame({"år": p["year"].astype(int), "låg": p[lo_name] / div, "median": p["p50"] / div,
                         "hög": p[hi_name] / div,
                         "utan_osäkerhet": base.set_index("year")["value"].reindex(p["year"]).to_numpy() / div})
    x = _years_axis(data["år"])
    y_title = f"{name} ({unit})"
    band = alt.Chart(data).mark_area(color=BAND_COLOUR, opacity=0.55).encode(
        x=x, y=alt.Y("låg:Q", title=y_title, axis=alt.Axis(format=fmt)), y2="hög:Q",
        tooltip=[alt.Tooltip("år:Q", title="År", format="d"),
                 alt.Tooltip("låg:Q", title=f"{lo_name.upper()} ({unit})", format=fmt.replace(",.0f", ",.1f")),
                 alt.Tooltip("median:Q", title=f"P50 ({unit})", format=fmt.replace(",.0f", ",.1f")),
                 alt.Tooltip("hög:Q", title=f"{hi_name.upper()} ({unit})", format=fmt.replace(",.0f", ",.1f"))])
    lines = alt.Chart(data).transform_fold(["median", "utan_osäkerhet"], as_=["serie", "värde"]).mark_line(
        strokeWidth=2).encode(
        x=x, y=alt.Y("värde:Q"),
        color=alt.Color("serie:N", title=None, legend=alt.Legend(orient="top", symbolStrokeWidth=2,
                                                                  labelExpr="datum.label == 'median' ? "
                                                                            "'Median (P50)' : 'Utan osäkerhet'"),
                        scale=alt.Scale(domain=["median", "utan_osäkerhet"], range=[MEDIAN_COLOUR, BASELINE_COLOUR])),
        strokeDash=alt.StrokeDash("serie:N", legend=None, scale=alt.Scale(domain=["median", "utan_osäkerhet"],
                                                                          range=[[1, 0], [6, 3]])))
    chart = alt.layer(band, lines).properties(width=width, height=height)
    if title:
        chart = chart.properties(title=alt.Title(
            name, subtitle=f"Band: {lo_name.upper()}–{hi_name.upper()} av {fmt_number(mc.n_draws)} möjliga framtider "
                           f"(frö {mc.seed})."))
    return chart


def _outer_quantiles(mc: Any) -> tuple[str, str]:
    qs = sorted(mc.quantiles)
    from hushall.scenarios.montecarlo import quantile_name

    return quantile_name(qs[0]), quantile_name(qs[-1])


def fan_charts(mc: Any, lines: tuple[str, ...] = FAN_LINES) -> alt.TopLevelMixin:
    """Fan charts of the main lines, one under the other (each with its own scale)."""
    charts = [fan_chart(mc, line, height=180) for line in lines if line in set(mc.percentiles["line"])]
    return _configure(alt.vconcat(*charts).properties(title=alt.Title(
        "Planen i många möjliga framtider",
        subtitle="Ljust band: 80 % av utfallen. Mörk linje: median. Streckad: prognosen utan osäkerhet.")))


def probability_chart(mc: Any, level: float | None = None, *, width: int = 600, height: int = 260
                      ) -> alt.TopLevelMixin:
    """Probability per year that each target holds (one line per target), with ±2 standard errors and the
    council's chosen level."""
    p = mc.probabilities
    data = pd.DataFrame({"år": p["year"].astype(int), "mål": p["target_id"].astype(str) + " " + p["target_type"],
                         "sannolikhet": p["probability"] * 100,
                         "låg": np.clip(p["probability"] - 2 * p["standard_error"], 0, 1) * 100,
                         "hög": np.clip(p["probability"] + 2 * p["standard_error"], 0, 1) * 100})
    x = _years_axis(data["år"])
    colour = alt.Color("mål:N", title="Mål", scale=alt.Scale(range=list(TOL_MUTED)))
    bands = alt.Chart(data).mark_area(opacity=0.2).encode(x=x, y="låg:Q", y2="hög:Q", color=colour)
    lines = alt.Chart(data).mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=15)).encode(
        x=x, y=alt.Y("sannolikhet:Q", title="Sannolikhet att målet håller (%)", scale=alt.Scale(domain=[0, 100])),
        color=colour,
        tooltip=[alt.Tooltip("mål:N", title="Mål"), alt.Tooltip("år:Q", title="År", format="d"),
                 alt.Tooltip("sannolikhet:Q", title="Sannolikhet (%)", format=",.1f")])
    layers: list[alt.Chart] = [bands, lines]
    subtitle = f"{fmt_number(mc.n_draws)} möjliga framtider; skuggat: ±2 standardfel."
    if level is not None:
        rule = alt.Chart(pd.DataFrame({"nivå": [level * 100]})).mark_rule(color="black", strokeDash=[4, 3]).encode(
            y="nivå:Q")
        layers.append(rule)
        subtitle += f" Streckad linje: vald nivå {fmt_pct(level, 0)}."
    chart = alt.layer(*layers).properties(width=width, height=height, title=alt.Title(
        "Sannolikhet att målen håller, år för år", subtitle=subtitle))
    return _configure(chart)


#: The two ends of a driver's range in the tornado chart (its lowest and highest tenth of draws).
LOWEST, HIGHEST = "Lägsta tiondelen", "Högsta tiondelen"


def tornado_chart(mc: Any, outcome: str = "resultat_summa", *, width: int = 520) -> alt.TopLevelMixin:
    """Which driver moves the outcome most: the mean outcome when the driver is in its lowest and highest tenth,
    as bars from the overall mean; the variance share in the label, and the drivers in its order, largest on top
    — the order of the table beside it and of the terminal (a driver that moves with another, as construction
    prices with the price level, can have a wide bar of its own and a small share)."""
    from hushall.scenarios.montecarlo import OUTCOMES

    t = mc.tornado[mc.tornado["outcome"] == outcome].copy()
    mean = float(mc.outcomes.set_index("outcome").loc[outcome, "mean"])
    kr = outcome.endswith(("_summa", "_slut")) and not outcome.startswith("soliditet")
    div = 1e6 if kr else 0.01
    unit = "Mkr" if kr else "procentenheter"
    title = OUTCOMES[outcome].lower()
    if kr:  # the outcomes are named in kr; the chart shows Mkr
        title = title.replace("(kr", "(Mkr")
    t["ordning"] = t["variance_share"].rank(ascending=False, method="first")
    rows = []
    for r in t.itertuples():
        label = f"{r.label} ({fmt_pct(r.variance_share, 0)} av variansen)"
        for end, value in ((LOWEST, r.low), (HIGHEST, r.high)):
            rows.append({"drivare": label, "ände": end, "från": 0.0, "till": (value - mean) / div,
                         "ordning": r.ordning})
    data = pd.DataFrame(rows)
    order = data.sort_values("ordning")["drivare"].drop_duplicates().tolist()
    chart = alt.Chart(data).mark_bar(height=14).encode(
        y=alt.Y("drivare:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("från:Q", title=f"Avvikelse från medelvärdet ({unit})"), x2="till:Q",
        color=alt.Color("ände:N", title="Drivarens värde", scale=alt.Scale(
            domain=[LOWEST, HIGHEST], range=["#CC6677", "#117733"]),
            legend=alt.Legend(orient="top", titleLimit=0, labelLimit=0)),
        tooltip=[alt.Tooltip("drivare:N", title="Drivare"), alt.Tooltip("ände:N", title="Drivarens värde"),
                 alt.Tooltip("till:Q", title=unit, format=",.1f")],
    ).properties(width=width, height=alt.Step(22), title=alt.Title(
        f"Vad påverkar mest: {title}",
        subtitle=[f"Medelvärde {fmt_mkr(mean) if kr else fmt_pct(mean, 1)}; stapel: drivarens egen effekt när den "
                  "ligger i sin lägsta respektive högsta tiondel, övriga osäkerheter på sitt medelvärde.",
                  "Ordnade efter andel av variansen; en osäkerhet som följer en annan kan ha lång stapel men liten "
                  "andel."]))
    return _configure(chart)


def scenario_chart(comparison: Any, line: str = "årets_resultat", *, width: int = 600, height: int = 260
                   ) -> alt.TopLevelMixin:
    """One line per scenario, year by year."""
    names = {o.scenario.key: o.scenario.name for o in comparison.outcomes}
    y = comparison.yearly()
    y = y[y["line"] == line]
    name, unit, div, fmt = LINE_DISPLAY.get(line, (line, "", 1.0, ",.0f"))
    data = pd.DataFrame({"år": y["year"].astype(int), "scenario": [names[s] for s in y["scenario"]],
                         "värde": y["value"] / div})
    order = [names[o.scenario.key] for o in comparison.outcomes]
    chart = alt.Chart(data).mark_line(strokeWidth=2).encode(
        x=_years_axis(data["år"]), y=alt.Y("värde:Q", title=f"{name} ({unit})", axis=alt.Axis(format=fmt)),
        color=alt.Color("scenario:N", sort=order, title="Scenario", scale=alt.Scale(range=list(TOL_MUTED))),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("år:Q", title="År", format="d"),
                 alt.Tooltip("värde:Q", title=unit, format=fmt)],
    ).properties(width=width, height=height, title=alt.Title(f"{name} per scenario",
                                                             subtitle="Samma plan i varje scenario."
                                                             if not comparison.reoptimised else
                                                             "Planen optimerad om i varje scenario."))
    return _configure(chart)


# --- Text ------------------------------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths,
                                                                                         strict=True)))]
    out += ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
            for r in rows]
    return out


def _share_met(share: float) -> str:
    """Share of target-years met: whole per cent, but never rounded up to 100 % when a target-year fails.

    Examples
    --------
    >>> _share_met(1.0), _share_met(0.995), _share_met(0.5)
    ('100\xa0%', '99,5\xa0%', '50\xa0%')
    """
    if share >= 1.0 or round(share * 100) < 100:
        return fmt_pct(share, 0)
    return fmt_pct(min(share, 0.999), 1)


def comparison_text(comparison: Any) -> str:
    """The scenarios side by side as a terminal table."""
    s = comparison.summary()
    header = ["Scenario", "Mål uppfyllda", "Resultat Σ", "Lägsta resultat", "Låneskuld sista år", "Soliditet",
              "Underhållsskuld", "Saknade platser"]
    rows = [[str(r["namn"]), _share_met(r["mål_uppfyllda_andel"]), fmt_mkr(r["resultat_summa_kr"]),
             fmt_mkr(r["resultat_lägsta_kr"]), fmt_mkr(r["låneskuld_slut_kr"]), fmt_pct(r["soliditet_slut"], 0),
             fmt_mkr(r["underhållsskuld_slut_kr"]), fmt_number(r["platser_saknas_max"])]
            for _, r in s.iterrows()]
    lines = [f"Scenarier {comparison.years[0]}–{comparison.years[-1]} "
             f"({'planen optimerad om per scenario' if comparison.reoptimised else 'samma plan'}):", ""]
    lines += _table(header, rows)
    lines += ["", "Resultat och låneskuld i löpande priser, underhållsskulden i prisbasårets priser; låneskuld, "
                  "soliditet och underhållsskuld planens sista år."]
    if any(getattr(o, "renewal_decided", False) for o in comparison.outcomes):
        lines += [f"Reinvestering: {reinvestment_text('plan')}, samma i varje scenario utom de som själva sätter "
                  "reinvesteringen (de räknas med sin policy)."]
    broken = [f"  {r['namn']}: {r['mål_som_bryts']} (första gången {int(r['första_år_mål_bryts'])})"
              for _, r in s.iterrows() if r["mål_som_bryts"]]
    if broken:
        lines += ["", "Mål som bryts något år:", *broken]
    remedies = remedy_lines(comparison)
    if remedies:
        lines += ["", "Vad som skulle krävas för att klara balanskravet (en skattehöjning från det året och framåt):",
                  *remedies]
    if comparison.reoptimised:
        lines += ["", *reoptimised_plans_text(comparison)]
    return "\n".join(lines)


def remedy_lines(comparison: Any) -> list[str]:
    """Per scenario whose plan breaks the balanskrav: the tax change that would keep it
    (:class:`hushall.scenarios.remedy.TaxRemedy`), in öre and what it brings in the first year."""
    from hushall.scenarios.remedy import MAX_REMEDY_ORE

    lines = []
    for o in comparison.outcomes:
        r = o.remedy
        if r is None:
            continue
        if r.ore is None:
            lines.append(f"  {o.scenario.name}: mer än {fmt_number(MAX_REMEDY_ORE)} öre högre skatt från {r.from_year} "
                         "räcker inte – det krävs lägre kostnader.")
            continue
        lines.append(f"  {o.scenario.name}: skatten {fmt_number(r.ore)} öre högre från {r.from_year} "
                     f"(ger {fmt_mkr(r.kr_first_year)} {r.from_year}, löpande priser – eller lika mycket lägre "
                     "nettokostnader)")
    return lines


#: The planner's status of a re-optimised plan in words (:class:`hushall.scenarios.robust.PlanChoice`).
PLANNER_STATUS: dict[str, str] = {
    "optimal": "optimal",
    "feasible": "uppfyller målen; tidsgränsen nåddes före bevisat optimum",
    "targets_infeasible": "ingen plan uppfyller alla mål; minsta möjliga avvikelse",
    "no_solution": "ingen plan inom tidsgränsen",
    "heuristik": "girig heuristik",
}


def reoptimised_plans_text(comparison: Any) -> list[str]:
    """Per scenario: the re-optimised plan's size, the planner's status and how it differs from the baseline's
    plan (projects added, dropped, moved)."""
    outcomes = list(comparison.outcomes)
    if not outcomes:
        return []
    base = dict(outcomes[0].schedule.items())
    lines = [f"Planen optimerad om i varje scenario (jämfört med planen i {outcomes[0].scenario.name}):"]
    for o in outcomes:
        plan = dict(o.schedule.items())
        status = PLANNER_STATUS.get(o.planner_status, o.planner_status)
        value = "" if o.planner_value is None else f", värde {fmt_number(o.planner_value, 2)} poäng"
        lines.append(f"  {o.scenario.name}: {len(plan)} projekt{value} ({status})")
        if o is outcomes[0]:
            continue
        added = sorted(p for p in plan if p not in base)
        dropped = sorted(p for p in base if p not in plan)
        moved = sorted(f"{p} {base[p]}→{plan[p]}" for p in plan if p in base and plan[p] != base[p])
        parts = ([f"tillkommer {', '.join(added)}"] if added else []) + (
            [f"utgår {', '.join(dropped)}"] if dropped else []) + ([f"flyttas {', '.join(moved)}"] if moved else [])
        lines.append("    " + ("; ".join(parts) if parts else "samma plan"))
    return lines


def _target_words(target_type: str) -> str:
    """A target type as a council says it (``resultatmålet``), else its name, else the code."""
    t = TARGET_TYPES.get(target_type)
    return (t.words.get("sv") or t.name.get("sv") or target_type) if t is not None else target_type


def _probability(p: float) -> str:
    """A probability in whole per cent; "–" in a year the target does not apply."""
    return fmt_pct(p, 0) if np.isfinite(p) else "–"


def _reinvestment_line(mc: Any) -> list[str]:
    """Which reinvestment every future ran under (:attr:`hushall.scenarios.MonteCarloResult.reinvestment_policy`)."""
    policy = getattr(mc, "reinvestment_policy", "") or ("plan" if getattr(mc, "renewal_decided", False) else "")
    return [f"Reinvestering i varje framtid: {reinvestment_text(policy)}."] if policy else []


def montecarlo_text(mc: Any, *, every: int = 5) -> str:
    """Probabilities, percentiles and the tornado of a Monte Carlo result as text."""
    lines = [f"Monte Carlo: {fmt_number(mc.n_draws)} möjliga framtider, frö {mc.seed}, "
             f"{fmt_number(mc.elapsed_s, 1)} s; största standardfel för en sannolikhet "
             f"{fmt_pp(mc.max_standard_error(), 1)}.",
             f"Sannolikhet att alla mål håller varje år: {fmt_pct(mc.all_years_probability, 1)} "
             f"(standardfel {fmt_pp(mc.all_years_standard_error, 1)}).", *_reinvestment_line(mc), ""]
    p = mc.probabilities
    years = sorted(p["year"].unique())
    shown = years[::every] + ([years[-1]] if years and years[-1] not in years[::every] else [])
    header = ["Mål", *[str(y) for y in shown], "lägst"]
    rows = []
    for tid, g in p.groupby("target_id", sort=False):
        by = g.set_index("year")["probability"]
        rows.append([f"{tid} {_target_words(str(g['target_type'].iloc[0]))}",
                     *[_probability(by.get(y, np.nan)) for y in shown], _probability(float(by.min()))])
    lines += ["Sannolikhet att målet håller:", *_table(header, rows), ""]
    lo_name, hi_name = _outer_quantiles(mc)
    base = mc.baseline.set_index(["line", "year"])["value"]
    for line in ("årets_resultat", "låneskuld_per_invånare", "soliditet", "underhållsskuld"):
        name, unit, _div, _fmt = LINE_DISPLAY[line]

        def show(v: float, unit: str = unit) -> str:
            return fmt_pct(v, 0) if unit == "%" else (fmt_mkr(v) if unit == "Mkr" else fmt_kr(v))

        q = mc.line(line)
        rows = [[str(y), show(q.at[y, lo_name]), show(q.at[y, "p50"]), show(q.at[y, hi_name]),
                 show(base.get((line, y), np.nan))] for y in shown if y in q.index]
        basis = " (löpande priser)" if unit in ("Mkr", "kr") and "priser" not in name else ""
        lines += [f"{name}{basis}:", *_table(["År", lo_name.upper(), "P50", hi_name.upper(), "Utan osäkerhet"],
                                             rows), ""]
    t = mc.tornado[mc.tornado["outcome"] == "resultat_summa"].sort_values("variance_share", ascending=False)
    lines += [f"Vad påverkar summan av årets resultat {mc.years[0]}–{mc.years[-1]} (löpande priser) mest (andel av "
              "variansen; tiondelarna visar drivarens egen effekt, övriga osäkerheter på sitt medelvärde):"]
    lines += [f"  {r.label}: {fmt_pct(r.variance_share, 0)} (lägsta tiondel {fmt_mkr(r.low)}, högsta "
              f"{fmt_mkr(r.high)})" for r in t.itertuples()]
    return "\n".join(lines)


def robust_text(result: Any) -> str:
    from hushall.scenarios.robust import STATUS_TEXT

    years = f" under planens första {result.last_year - result.base_mc.years[0] + 1} år" if result.last_year else ""
    lines = [f"Robust plan: målen ska hålla med minst {fmt_pct(result.level, 0)} sannolikhet varje år{years}.",
             STATUS_TEXT.get(result.status, result.status),
             f"Basplan: {len(result.base.schedule)} projekt, lägsta sannolikhet {fmt_pct(result.base_probability, 0)}."
             f" Robust plan: {len(result.robust.schedule)} projekt, lägsta sannolikhet "
             f"{fmt_pct(result.robust_probability, 0)}."]
    if result.value_cost is not None:
        cost = f"Kostnad för robustheten: {fmt_number(result.value_cost, 1)} poäng"
        if result.value_cost_kr is not None:
            cost += f" (≈ {fmt_mkr(result.value_cost_kr)})"
        base = result.base.value
        if base:
            cost += f", {fmt_pct(result.value_cost / base, 0)} av basplanens värde"
        lines.append(cost + ".")
    margins = {k: v for k, v in result.margins.items() if v}
    if margins:
        lines.append("Säkerhetsmarginaler: " + ", ".join(f"{k} {fmt_number(v, 4)}" for k, v in margins.items()))
    changes = result.schedule_changes()
    for r in changes.itertuples():
        lines.append(f"  {r.project_id}: {r.change} ({r.base_start or '–'} → {r.robust_start or '–'})")
    return "\n".join(lines)


# --- Files ------------------------------------------------------------------------------------------------------


def _text_filled(df: pd.DataFrame) -> pd.DataFrame:
    """Missing cells of text columns as empty text (a missing text cell has no width in the workbook)."""
    out = df.copy()
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].astype(object).where(out[c].notna(), "")
    return out


def write_risk_outputs(out_dir: str | Path, comparison: Any = None, montecarlo: Any = None, robust: Any = None,
                       *, level: float | None = None) -> list[Path]:
    """Write ``scenarier.xlsx``, one CSV per table and the charts (SVG) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sheets: dict[str, pd.DataFrame] = {}
    charts: dict[str, alt.TopLevelMixin] = {}
    if comparison is not None:
        sheets.update({f"scen_{k}"[:31]: v for k, v in comparison.to_frames().items()})
        for line in ("årets_resultat", "långfristiga_skulder", "soliditet", "underhållsskuld"):
            charts[f"scenarier_{line}"] = scenario_chart(comparison, line)
    if montecarlo is not None:
        sheets.update({f"mc_{k}"[:31]: v for k, v in montecarlo.to_frames().items()})
        charts["solfjader"] = fan_charts(montecarlo)
        charts["sannolikhet"] = probability_chart(montecarlo, level)
        charts["tornado"] = tornado_chart(montecarlo)
    if robust is not None:
        sheets["robust_iterationer"] = robust.iterations.rename(columns=FRAME_HEADERS)
        sheets["robust_ändringar"] = robust.schedule_changes().rename(columns=FRAME_HEADERS)
        sheets["robust_sannolikheter"] = robust.robust_mc.probabilities.rename(columns=FRAME_HEADERS)
    files: list[Path] = []
    sheets = {name: _text_filled(df) for name, df in sheets.items()}
    if sheets:
        files.append(write_tables_xlsx(out / "scenarier.xlsx", sheets))
        files += write_tables_csv(out, sheets)
    for name, chart in charts.items():
        files.append(save_chart(chart, out / f"{name.replace('å', 'a').replace('ä', 'a').replace('ö', 'o')}.svg"))
    return files


__all__ = [
    "FAN_LINES",
    "LINE_DISPLAY",
    "PLANNER_STATUS",
    "comparison_text",
    "fan_chart",
    "fan_charts",
    "montecarlo_text",
    "probability_chart",
    "reoptimised_plans_text",
    "robust_text",
    "scenario_chart",
    "tornado_chart",
    "write_risk_outputs",
]
