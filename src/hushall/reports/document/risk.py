"""Chapter 5 of the plan document, *Risk*: the plan in many possible futures — the probability that each target
holds (the study's risk summary), the spread of the key lines, which uncertainty matters most — from the plan
study's Monte Carlo analysis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from hushall.formatting import fmt_number, fmt_pct, fmt_pp
from hushall.reports import plan_tables as pt
from hushall.reports.document.layout import Charts, frame_table
from hushall.reports.pdf_layout import PlanPDF
from hushall.reports.risk_charts import fan_charts, tornado_chart
from hushall.reports.verdict import reinvestment_text
from hushall.scenarios import MonteCarloResult
from hushall.study.study import PlanStudy

if TYPE_CHECKING:
    from hushall.reports.document.content import PlanDocument


@dataclass
class RiskSection:
    """What chapter 5 shows: paragraphs, tables (caption → frame with Swedish headers, shown as they are) and
    charts (caption → Altair chart). Built by :func:`risk_section` from the scenarios stage's results."""

    paragraphs: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: dict[str, Any] = field(default_factory=dict)
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    drivers: list[tuple[str, str, str, str]] = field(default_factory=list)  # label, kind, parameters, source
    correlation_reference: str = ""
    headline: str = ""  # one sentence for the summary


#: Lines of the Monte Carlo result as the document shows them: label, unit, scale to the unit.
RISK_LINES: dict[str, tuple[str, str, float]] = {
    "årets_resultat": ("Årets resultat", "Mkr", 1e-6),
    "resultat_andel_av_skatter_och_bidrag": ("Resultat i % av skatter och bidrag", "%", 100.0),
    "långfristiga_skulder": ("Låneskuld", "Mkr", 1e-6),
    "låneskuld_per_invånare": ("Låneskuld per invånare", "kr", 1.0),
    "soliditet": ("Soliditet", "%", 100.0),
    "underhållsskuld": ("Underhållsskuld, prisbasårets priser", "Mkr", 1e-6),
    "platser_saknas": ("Platser som saknas", "platser", 1.0),
}


def _short_number(x: float) -> str:
    """At most three decimals, no trailing zeros (``0,8``, ``0,006``)."""
    text = fmt_number(x, 3)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _reinvestment(mc: Any) -> str:
    """The reinvestment every future ran under, in words and parentheses (:attr:`MonteCarloResult.
    reinvestment_policy`; nothing when a result restored from before it does not say)."""
    policy = getattr(mc, "reinvestment_policy", "") or ("plan" if getattr(mc, "renewal_decided", False) else "")
    return f" ({reinvestment_text(policy)})" if policy else ""


def risk_from_monte_carlo(mc: MonteCarloResult, summary: Mapping[str, Any], years: Sequence[int],
                          show_years: Sequence[int], price_base_year: int | None = None) -> RiskSection:
    """Chapter 5 from a plan study's Monte Carlo analysis: the probability that each target holds (from the
    study's risk summary, :func:`hushall.study.risk.risk_summary`, as the web shows it), the spread of the key
    lines, which uncertainty matters most, and its drivers. ``price_base_year`` names the maintenance debt's
    prices (else "prisbasårets priser")."""
    fixed = f"{price_base_year} års priser" if price_base_year else "prisbasårets priser"
    section = RiskSection()
    first, last = years[0], years[-1]
    draws = int(summary["draws"])
    section.paragraphs.append(
        f"Planen har prövats mot {fmt_number(draws)} möjliga framtider (Monte Carlo-simulering): ränta, "
        "byggpriser, skatteunderlag, befolkning, projektkostnader och genomförandegrad varierar samtidigt och "
        "delvis tillsammans (avsnitt 6.6). Samma plan, samma regler för lån och samma reinvestering som i "
        f"kapitel 4{_reinvestment(mc)}. Samma framtider räknas fram igen med slumptalsfröet {summary['seed']}.")
    p_all = summary.get("all_years_probability")
    if p_all is not None:
        section.paragraphs.append(
            f"Sannolikheten att alla finansiella mål håller varje år {first}–{last} är {fmt_pct(p_all)} "
            f"(standardfel {fmt_pp(summary.get('all_years_standard_error'))}).")
        section.headline = (f"Med osäkerheten i ränta, skatteunderlag, befolkning och byggkostnader håller alla mål "
                            f"varje år i {fmt_pct(p_all)} av {fmt_number(draws)} möjliga framtider "
                            "(kapitel 5).")
    rows = [{
        "mål": f"{t['source_id']} {pt.target_short_label(str(t['target_type']), float(t['limit'] or 0.0))}",
        "år": f"{t['years'][0]}–{t['years'][-1]}" if t["years"][-1] != t["years"][0] else str(t["years"][0]),
        "första året": fmt_pct(t["probability"][0], 0),
        "sista året": fmt_pct(t["probability"][-1], 0),
        "lägsta": fmt_pct(t["lowest"], 0),
        "år för lägsta": str(t["lowest_year"]),
    } for t in summary.get("targets") or [] if t.get("years")]
    if rows:  # one column per kind of year (a target's last year differs between targets)
        section.tables["Tabell: sannolikheten att målen håller, första och sista året målet gäller och som "
                       "lägst"] = pd.DataFrame(rows)
    pct = mc.percentiles
    qcols = [c for c in pct.columns if isinstance(c, str) and c.startswith("p") and c[1:].isdigit()]
    spread = []
    for line, (label, unit, scale) in RISK_LINES.items():
        label = label.replace("prisbasårets priser", fixed)
        g = pct[pct["line"] == line].set_index("year")
        if not len(g):
            continue
        for q in qcols:
            decimals = 0 if unit in ("kr", "platser") else 1
            spread.append({"nyckeltal": f"{label} ({unit}), {q}",
                           **{str(y): fmt_number(float(g.loc[y, q]) * scale, decimals) if y in g.index else ""
                              for y in show_years}})
    if spread:
        section.tables["Tabell: spridning (10:e, 50:e och 90:e percentilen); belopp i löpande priser, "
                       f"underhållsskulden i {fixed}"] = pd.DataFrame(spread)
    tornado = getattr(mc, "tornado", None)
    if tornado is not None and len(tornado):
        wide = tornado.pivot_table(index="label", columns="outcome", values="variance_share", aggfunc="first")
        cols = [c for c in ("resultat_summa", "mål_uppfyllda_andel") if c in wide.columns]
        if cols:
            wide = wide.sort_values(cols[0], ascending=False)
            names = {"resultat_summa": "andel av variansen i summa resultat",
                     "mål_uppfyllda_andel": "andel av variansen i mål-år som uppfylls"}
            section.tables["Tabell: vilken osäkerhet betyder mest"] = pd.DataFrame(
                {"osäkerhet": list(wide.index), **{names[c]: [fmt_pct(float(v), 0) for v in wide[c]] for c in cols}})
    section.charts = _risk_charts(mc)
    frames = mc.to_frames() if hasattr(mc, "to_frames") else {}
    section.sheets = {f"Risk {name}"[:31]: df for name, df in frames.items() if isinstance(df, pd.DataFrame)}
    spec = getattr(mc, "spec", None)
    section.drivers = [
        (str(d.label), DRIVER_KINDS.get(str(d.kind), str(d.kind)),
         ", ".join(f"{DRIVER_PARAMETERS.get(k, k)} {_short_number(float(v))}" for k, v in d.params.items()),
         " ".join(str(d.reference).split()))
        for d in getattr(spec, "drivers", ())
    ]
    section.correlation_reference = str(getattr(spec, "correlation_reference", "") or "")
    return section


#: The Monte Carlo drivers' kinds (:class:`hushall.scenarios.montecarlo.Driver`) in words.
DRIVER_KINDS: dict[str, str] = {"ar1": "avvikelse som klingar av (AR(1))", "trend": "avvikande trend",
                                "overrun": "kostnadsavvikelse", "execution": "genomförandegrad"}
#: The drivers' parameters in words.
DRIVER_PARAMETERS: dict[str, str] = {
    "mean": "medel", "sd": "standardavvikelse", "sd_common": "gemensam standardavvikelse",
    "sd_project": "standardavvikelse per projekt", "sd_logit": "standardavvikelse (logit)",
    "persistence": "kvarstående andel per år", "lower": "lägst", "upper": "högst", "years": "år",
}


def _risk_charts(mc: Any) -> dict[str, Any]:
    """The fan charts and the tornado of :mod:`hushall.reports.risk_charts` (the same charts as the web)."""
    return {
        "Planen i många möjliga framtider: median, 10:e–90:e percentilen och prognosen utan osäkerhet.": fan_charts(mc),
        "Vilken osäkerhet som flyttar summan av årets resultat mest.": tornado_chart(mc),
    }


def risk_section(study: PlanStudy, years: Sequence[int] = (), show_years: Sequence[int] = (),
                 price_base_year: int | None = None) -> RiskSection:
    """Chapter 5 from the study's Monte Carlo analysis (none: the chapter says the analysis is missing)."""
    if study.montecarlo is None or study.risk is None:
        return RiskSection()
    return risk_from_monte_carlo(study.montecarlo, study.risk, list(years), list(show_years) or list(years),
                                 price_base_year)


def risk_chapter(pdf: PlanPDF, doc: PlanDocument, charts: Charts) -> None:
    risk = doc.risk
    pdf.chapter("5. Risk")
    if not (risk.paragraphs or risk.tables or risk.charts):
        pdf.note("Riskanalys saknas",
                 "Ingen scenario- eller Monte Carlo-analys har gjorts för den här planen. Prognosen i kapitel 4 "
                 "bygger på ett enda antagande per parameter (kapitel 6); hur känsligt resultatet är för ränta, "
                 "skatteunderlag och byggpriser är inte prövat i det här dokumentet.")
        return
    for text in risk.paragraphs:
        pdf.paragraph(text)
    for caption, frame in risk.tables.items():
        frame_table(pdf, frame, caption=caption)
    for caption, chart in risk.charts.items():
        png, size = charts.png(chart)
        pdf.figure(png, size_px=size, caption=caption)
