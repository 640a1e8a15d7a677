"""The plan document the council decides on: a PDF in Swedish and a workbook with every table behind it.

:func:`build_plan_document` runs the stages for one plan — :func:`hushall.needs.analyse_needs`,
:func:`hushall.finance.forecast` and, when given, the optimiser's and the scenarios' results — and lays the
numbers out in six chapters:

1. *Sammanfattning*: one page for politicians — what the assets need, what the plan does about it, what it
   costs, and whether god ekonomisk hushållning holds (the targets year by year in one picture);
2. *Behov*: renewal per category, maintenance debt with and without the plan, places against demand per district;
3. *Planen*: the projects per year (table and chart) and what was left out and why;
4. *Ekonomi*: resultaträkning, balansräkning, kassaflödesanalys and key ratios per year, against the targets;
5. *Risk*: the scenarios and the Monte Carlo results when there are any;
6. *Antaganden och källor*: every parameter with its value and source, the data version, the date and the
   version of Hushåll;
7. *Uppföljning av investeringarna*, when the data has outcomes (sheet ``Utfall``): :mod:`hushall.reports.followup`.

Presentation only: numbers come from the stages and are formatted with :mod:`hushall.reports.formatting`; the
charts are the definitions of :mod:`hushall.reports.charts` and :mod:`hushall.reports.plan_charts`, rendered with
vl-convert (no browser, no network), so the web app shows the same pictures.

Examples
--------
>>> import tempfile
>>> from hushall.examples import exempelkommun
>>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
...     pdf, xlsx = build_plan_document(exempelkommun(), out_dir=tmp)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hushall import __version__
from hushall.files import atomic_path
from hushall.finance import Forecast
from hushall.finance.verdict import Verdict
from hushall.model import MunicipalityData
from hushall.needs import NeedsResult
from hushall.needs.reinvestment import POLICIES
from hushall.optimize.result import OptimizationResult
from hushall.projects import Schedule
from hushall.reports import plan_charts
from hushall.reports import plan_tables as pt
from hushall.reports.charts import capacity_chart, renewal_chart, save_chart
from hushall.reports.excel import DECIMAL_FORMAT, KR_FORMAT, PERCENT_FORMAT, write_tables_xlsx
from hushall.reports.followup import followup_chapter
from hushall.reports.forecast import asset_lines, asset_sheet
from hushall.reports.formatting import finite_or_none, fmt_kr, fmt_mkr, fmt_number, fmt_pct, fmt_places
from hushall.reports.labels import category_label, ordered_categories
from hushall.reports.needs import NUMBER_FORMATS as NEEDS_NUMBER_FORMATS
from hushall.reports.needs import (
    SHEET_CAPACITY,
    SHEET_CAPACITY_TOTAL,
    SHEET_DEBT,
    SHEET_RENEWAL,
    needs_sheets,
)
from hushall.reports.pdf_layout import PlanPDF, png_size, render_toc
from hushall.reports.plan_reasons import (
    MARGINAL_ROWS,
    OPTIMISED_METHOD,
    comparison_sentences,
    constraint_sentences,
    marginal_highlights,
    marginal_rows,
    marginal_sentences,
    marginal_table,
    project_reason,
    ranking_comparison,
    target_names,
    year_ranges,
)
from hushall.reports.risk_charts import fan_charts, tornado_chart
from hushall.reports.verdict import VERDICT_TITLE, verdict_lines
from hushall.scenarios import MonteCarloResult
from hushall.study import DEFAULT_DRAWS, PlanRequest, PlanStudy, run_study

#: PNG scale of the charts in the PDF (2 = about 190 dpi at their printed size).
CHART_SCALE = 2.0
#: Years per block in the statement tables (landscape pages).
YEARS_PER_BLOCK = 10

MARK_MISSED = "✗"
#: Text that shows a number (right-aligned in tables).
_NUMBER_TEXT = re.compile(r"^[−\-–]?[\d\u00a0 ,.]+(\u00a0?(%|kr|Mkr|tkr))?$")


# --- what the document is built from -------------------------------------------------------------------------


@dataclass
class PlanChoice:
    """Which plan the document presents and where it comes from.

    ``reasons_in`` / ``reasons_out`` are per-project explanations (why chosen or why it starts when it does, why
    left out), ``postponed`` those of ``reasons_in`` for projects that start later than they could,
    ``explanations`` sentences about the plan as a whole, ``facts`` label → value lines about the optimisation
    (status, objective, gap …), ``comparison`` an optional table comparing the plan with a simple ranking (and
    ``comparison_notes`` how to read it), ``marginal`` what one more Mkr of room in a binding target is worth
    (and ``marginal_notes`` how to read it).
    """

    schedule: Schedule
    label: str
    method: str
    reasons_in: dict[str, str] = field(default_factory=dict)
    reasons_out: dict[str, str] = field(default_factory=dict)
    default_reason_out: str = "Ingår inte i planen."
    explanations: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    comparison: pd.DataFrame | None = None
    postponed: dict[str, str] = field(default_factory=dict)
    marginal: pd.DataFrame | None = None
    marginal_notes: list[str] = field(default_factory=list)
    comparison_notes: list[str] = field(default_factory=list)


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


def _number_fact(label: str, value: Any, fmt: Callable[[float], str]) -> list[tuple[str, str]]:
    x = finite_or_none(value)
    return [] if x is None else [(label, fmt(x))]


def _points_fact(label: str, points: Any, kr_per_point: float | None) -> list[tuple[str, str]]:
    """A value in the optimiser's points, with its kr equivalent when the exchange rate is known."""
    value = finite_or_none(points)
    if value is None:
        return []
    text = fmt_number(value, 2) + " poäng"
    if kr_per_point:
        text += f" (≈ {fmt_mkr(value * kr_per_point, 0)})"
    return [(label, text)]


def plan_from_optimization(data: MunicipalityData, result: OptimizationResult) -> PlanChoice:
    """Read the optimiser's result: its plan, status, objective, gap, explanations and the comparison with the
    ranking list, in Swedish sentences (:mod:`hushall.reports.plan_reasons`)."""
    schedule = Schedule(result.schedule_dict)
    names = target_names(data)
    facts: list[tuple[str, str]] = [("Metod", OPTIMISED_METHOD), ("Status", result.message)]
    kpp = finite_or_none(result.kr_per_point)
    facts += _points_fact("Planens nettonytta", result.objective, kpp)
    facts += _points_fact("Högsta möjliga nettonytta (bevisad gräns)", result.bound, kpp)
    facts += _number_fact("Optimalitetsgap (högst så mycket bättre kan en plan vara)", result.gap,
                          lambda x: fmt_pct(x, 2))
    if kpp:
        facts.append(("En poäng motsvarar", f"{fmt_mkr(kpp, 1)} (vad en poäng kostar i snitt bland projekten)"))
    facts += _number_fact("Tid för optimering och förklaringar", result.timings.get("total_s"),
                          lambda x: f"{fmt_number(x, 1)} s")
    explanations = result.explanations
    sentences: list[str] = [
        "Optimeringen väljer projekt och startår så att planens nettonytta blir så stor som möjligt: kriterierna "
        "i fliken Mål med rådets vikter, plus den underhållsskuld och de saknade platser som projekten undviker. "
        "Varje finansiellt mål och tak ska hålla varje år i prognosen."]
    reasons_in: dict[str, str] = {}
    reasons_out: dict[str, str] = {}
    postponed: dict[str, str] = {}
    for rec in explanations.get("projects") or []:
        pid = str(rec.get("project", ""))
        text = project_reason(rec, names)
        if not pid or not text:
            continue
        if pid in schedule:
            reasons_in.setdefault(pid, text)
            if str(rec.get("status", "")) == "senarelagt":
                postponed.setdefault(pid, text)
        else:
            reasons_out.setdefault(pid, text)
    sentences += constraint_sentences(explanations, names)
    marginal: pd.DataFrame | None = None
    marginal_notes: list[str] = []
    records = [r for r in explanations.get("marginal_value") or [] if isinstance(r, Mapping)]
    if records:
        marginal = marginal_table(records, names)
        marginal_notes = (marginal_highlights(marginal)
                          + marginal_sentences(records, kpp, min(len(marginal), MARGINAL_ROWS)))
    comparison = (ranking_comparison(result, len(schedule), result.ranking, names)
                  if isinstance(result.ranking, Mapping) else None)
    return PlanChoice(schedule=schedule, label="Optimerad plan", method=OPTIMISED_METHOD, reasons_in=reasons_in,
                      reasons_out=reasons_out, default_reason_out=(
                          "Valdes inte. Optimeraren gav ingen förklaring för just det här projektet (den förklarar "
                          "de projekt som ger mest poäng först)."),
                      explanations=sentences, facts=facts, comparison=comparison, postponed=postponed,
                      marginal=marginal, marginal_notes=marginal_notes,
                      comparison_notes=[] if comparison is None else comparison_sentences(comparison))


def committed_plan(schedule: Mapping[str, int]) -> PlanChoice:
    """The projects already decided (``måste`` or ``fast_startår``; the study's ``committed`` plan)."""
    return PlanChoice(
        schedule=Schedule(schedule),
        label="Beslutade projekt",
        method="De projekt som redan är beslutade (måste = ja eller fast startår i fliken Projekt).",
        default_reason_out="Inte beslutat: projektet har varken måste = ja eller ett fast startår.",
    )


def given_plan(schedule: Mapping[str, int], label: str = "Plan enligt fil") -> PlanChoice:
    """A plan chosen outside Hushåll (e.g. read from a file)."""
    return PlanChoice(schedule=Schedule(schedule), label=label, method=label,
                      default_reason_out="Ingår inte i den angivna planen.")


def plan_of_study(data: MunicipalityData, study: PlanStudy) -> PlanChoice:
    """The plan of a study as the document describes it: the optimiser's reasons when it was optimised, the
    committed projects, or a plan chosen elsewhere under its label."""
    if study.optimization is not None:
        return plan_from_optimization(data, study.optimization)
    if study.plan.source == "committed":
        return committed_plan(study.schedule)
    return given_plan(study.schedule, study.plan.label or "Angiven plan")


#: Lines of the Monte Carlo result as the document shows them: label, unit, scale to the unit.
RISK_LINES: dict[str, tuple[str, str, float]] = {
    "årets_resultat": ("Årets resultat", "Mkr", 1e-6),
    "resultat_andel_av_skatter_och_bidrag": ("Resultat i % av skatter och bidrag", "%", 100.0),
    "långfristiga_skulder": ("Låneskuld", "Mkr", 1e-6),
    "låneskuld_per_invånare": ("Låneskuld per invånare", "kr", 1.0),
    "soliditet": ("Soliditet", "%", 100.0),
    "underhållsskuld": ("Underhållsskuld", "Mkr", 1e-6),
    "platser_saknas": ("Platser som saknas", "platser", 1.0),
}

AUTO = "auto"


def _short_number(x: float) -> str:
    """At most three decimals, no trailing zeros (``0,8``, ``0,006``)."""
    text = fmt_number(x, 3)
    return text.rstrip("0").rstrip(",") if "," in text else text


def risk_from_monte_carlo(mc: MonteCarloResult, summary: Mapping[str, Any], years: Sequence[int],
                          show_years: Sequence[int]) -> RiskSection:
    """Chapter 5 from a plan study's Monte Carlo analysis: the probability that each target holds (from the
    study's risk summary, :func:`hushall.study.risk.risk_summary`, as the web shows it), the spread of the key
    lines, which uncertainty matters most, and its drivers."""
    section = RiskSection()
    first, last = years[0], years[-1]
    draws = int(summary["draws"])
    section.paragraphs.append(
        f"Planen har prövats mot {fmt_number(draws)} möjliga framtider (Monte Carlo, frö {summary['seed']}): ränta, "
        "byggpriser, skatteunderlag, befolkning, projektkostnader och genomförandegrad varierar samtidigt och "
        "delvis tillsammans (avsnitt 6.6). Samma plan och samma regler för lån som i kapitel 4.")
    p_all = summary.get("all_years_probability")
    if p_all is not None:
        section.paragraphs.append(
            f"Sannolikheten att alla finansiella mål håller varje år {first}–{last} är {fmt_pct(p_all)} "
            f"(± {fmt_pct(summary.get('all_years_standard_error'))} standardfel).")
        section.headline = (f"Med osäkerheten i ränta, skatteunderlag, befolkning och byggkostnader håller alla mål "
                            f"varje år i {fmt_pct(p_all)} av {fmt_number(draws)} möjliga framtider "
                            "(kapitel 5).")
    rows = [{
        "mål": f"{t['source_id']} {pt.target_short_label(str(t['target_type']), float(t['limit'] or 0.0))}",
        "från år": str(t["years"][0]),
        "sannolikhet första året": fmt_pct(t["probability"][0], 0),
        f"sannolikhet {t['years'][-1]}": fmt_pct(t["probability"][-1], 0),
        "lägsta sannolikhet": fmt_pct(t["lowest"], 0),
        "år för lägsta": str(t["lowest_year"]),
    } for t in summary.get("targets") or [] if t.get("years")]
    if rows:
        section.tables["Tabell: sannolikheten att målen håller"] = pd.DataFrame(rows)
    pct = mc.percentiles
    qcols = [c for c in pct.columns if isinstance(c, str) and c.startswith("p") and c[1:].isdigit()]
    spread = []
    for line, (label, unit, scale) in RISK_LINES.items():
        g = pct[pct["line"] == line].set_index("year")
        if not len(g):
            continue
        for q in qcols:
            decimals = 0 if unit in ("kr", "platser") else 1
            spread.append({"nyckeltal": f"{label} ({unit}), {q}",
                           **{str(y): fmt_number(float(g.loc[y, q]) * scale, decimals) if y in g.index else ""
                              for y in show_years}})
    if spread:
        section.tables["Tabell: spridning (10:e, 50:e och 90:e percentilen)"] = pd.DataFrame(spread)
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
        (str(d.label), str(d.kind), ", ".join(f"{k} {_short_number(float(v))}" for k, v in d.params.items()),
         " ".join(str(d.reference).split()))
        for d in getattr(spec, "drivers", ())
    ]
    section.correlation_reference = str(getattr(spec, "correlation_reference", "") or "")
    return section


def _risk_charts(mc: Any) -> dict[str, Any]:
    """The fan charts and the tornado of :mod:`hushall.reports.risk_charts` (the same charts as the web)."""
    return {
        "Planen i många möjliga framtider: median, 10:e–90:e percentilen och prognosen utan osäkerhet.": fan_charts(mc),
        "Vilken osäkerhet som flyttar summan av årets resultat mest.": tornado_chart(mc),
    }


def risk_section(study: PlanStudy, years: Sequence[int] = (), show_years: Sequence[int] = ()) -> RiskSection:
    """Chapter 5 from the study's Monte Carlo analysis (none: the chapter says the analysis is missing)."""
    if study.montecarlo is None or study.risk is None:
        return RiskSection()
    return risk_from_monte_carlo(study.montecarlo, study.risk, list(years), list(show_years) or list(years))


def data_fingerprint(data: MunicipalityData) -> str:
    """A short fingerprint of the data (SHA-256 of every table and parameter): the data version when no
    version number is given. Same data, same fingerprint."""
    h = hashlib.sha256()
    for name in ("districts", "population", "services", "facilities", "components", "projects", "finance",
                 "targets"):
        df: pd.DataFrame = getattr(data, name)
        h.update(name.encode())
        h.update(",".join(map(str, df.columns)).encode())
        if len(df):
            h.update(pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy().tobytes())
    for name, p in sorted(data.assumptions.items()):
        h.update(f"{name}={sorted(p.values.items())}".encode())
    h.update(f"{data.name}|{data.code}|{data.base_year}|{data.horizon_years}|{data.price_base_year}".encode())
    return h.hexdigest()[:12]


# --- the content ---------------------------------------------------------------------------------------------


@dataclass
class PlanDocument:
    """Everything the PDF and the workbook show, computed once."""

    data: MunicipalityData
    needs: NeedsResult
    forecast: Forecast
    plan: PlanChoice
    risk: RiskSection
    title: str
    date: dt.date
    data_version: str
    investments: pd.DataFrame
    plan_table: pd.DataFrame
    left_out: pd.DataFrame
    targets: pd.DataFrame
    target_summary: pd.DataFrame
    assumptions: pd.DataFrame
    debt_without_kr: np.ndarray
    debt_with_kr: np.ndarray
    verdict: Verdict

    @property
    def years(self) -> list[int]:
        return list(self.forecast.years)

    def sheets(self) -> dict[str, pd.DataFrame]:
        """Every table behind the document, one sheet each, in document order."""
        d, f = self.data, self.forecast
        needs = needs_sheets(self.needs, d)
        debt = pd.DataFrame({"år": self.years, "utan_planen_kr": self.debt_without_kr,
                             "med_planen_kr": self.debt_with_kr})
        sheets: dict[str, pd.DataFrame] = {
            "Om dokumentet": pd.DataFrame(self.meta(), columns=["uppgift", "värde"]),
            "Nyckeltal i sammanfattning": self.key_figures_sheet(),
            "Måluppfyllelse": self.target_summary,
            "Förnyelse per kategori": self.renewal_by_category(),
            "Förnyelse per år": needs[SHEET_RENEWAL],
            "Underhållsskuld": debt,
            "Underhållsskuld per kategori": needs[SHEET_DEBT],
            "Platser per område": needs[SHEET_CAPACITY],
            "Platser i hela kommunen": needs[SHEET_CAPACITY_TOTAL],
            "Underskott platser": self.capacity_shortfalls(),
            "Planens projekt": self.plan_table,
            "Utgifter per år och projekt": pt.investment_year_sheet(self.investments, d, self.years),
            "Ej med i planen": self.left_out,
            "Resultaträkning": pt.statement_sheet(f.income_statement),
            "Balansräkning": pt.statement_sheet(f.balance_sheet),
            "Kassaflödesanalys": pt.statement_sheet(f.cash_flow),
            "Reinvestering och pensioner": asset_sheet(f, d.price_base_year),
            "Nyckeltal": pt.ratio_sheet(f),
            "Mål per år": self.targets,
            "Drivare per år": pt.statement_sheet(f.drivers).rename(columns={"post": "drivare"}),
            "Antaganden": self.assumptions,
            "Finansiella mål (Mål)": pt.target_definition_sheet(d),
            "Tjänster": pt.service_sheet(d),
            "Livslängder": pt.lifetime_sheet(),
            "Skick och livslängd": pt.condition_sheet(),
            "Basårets ekonomi": pt.base_year_sheet(d),
        }
        if self.plan.comparison is not None and len(self.plan.comparison):
            sheets["Jämförelse med rangordning"] = self.plan.comparison
        if self.plan.marginal is not None and len(self.plan.marginal):
            sheets["Värdet av mer utrymme"] = self.plan.marginal
        for name, df in self.risk.sheets.items():
            sheets.setdefault(name[:31], df)
        return sheets

    def meta(self) -> list[tuple[str, str]]:
        d = self.data
        return [
            ("Dokument", self.title),
            ("Kommun", f"{d.name} ({d.code})"),
            ("Plan", self.plan.label),
            ("Hur planen togs fram", self.plan.method),
            ("Planperiod", f"{self.years[0]}–{self.years[-1]}"),
            ("Basår", str(d.base_year)),
            ("Prisbasår", str(d.price_base_year)),
            ("Dataversion", self.data_version),
            ("Datakälla", d.source or "–"),
            ("Datum", self.date.isoformat()),
            ("Hushåll-version", __version__),
        ]

    # --- derived tables (selection and sums of the stages' numbers) ---------------------------------------

    def summary_years(self) -> list[int]:
        return _summary_years(self.years)

    def key_figures(self) -> list[tuple[str, str, Callable[[float], str], np.ndarray]]:
        """(label, unit, formatter, values per plan year) of the summary's key figures."""
        f = self.forecast
        mkr = _mkr_cell
        rows: list[tuple[str, str, Callable[[float], str], np.ndarray]] = [
            ("Investeringar", "Mkr", mkr,
             -f.cash_flow.loc["investering_materiella_anläggningstillgångar"].to_numpy(dtype=float)),
            ("Årets resultat", "Mkr", mkr, f.income_statement.loc["årets_resultat"].to_numpy(dtype=float)),
            ("Resultat i % av skatter och bidrag", "%", _pct_cell,
             f.ratios.loc["resultat_andel_av_skatter_och_bidrag"].to_numpy(dtype=float)),
            ("Låneskuld", "Mkr", mkr, f.balance_sheet.loc["långfristiga_skulder"].to_numpy(dtype=float)),
            ("Låneskuld per invånare", "kr", _kr_cell, f.ratios.loc["låneskuld_per_invånare"].to_numpy(dtype=float)),
            ("Soliditet", "%", _pct_cell, f.ratios.loc["soliditet"].to_numpy(dtype=float)),
        ]
        pby = self.data.price_base_year
        rows.insert(1, ("  varav reinvesteringar", "Mkr", mkr, np.asarray(f.statements["reinvesteringar"], float)))
        rows.append((f"Underhållsskuld, {pby} års priser", "Mkr", mkr,
                     np.asarray(f.statements["underhållsskuld_fasta_priser"], dtype=float)))
        return rows

    def key_figures_sheet(self) -> pd.DataFrame:
        out = pd.DataFrame({"år": self.years})
        for label, unit, _, values in self.key_figures():
            header = (f"{label.strip().lower()}_kr" if unit in ("Mkr", "kr")
                      else label.lower().replace(" i % av", "_andel_av"))
            out[header] = values
        return out

    def renewal_by_category(self) -> pd.DataFrame:
        n = self.needs
        by_cat = n.renewal_by_year_category.groupby("category", observed=True)["amount_kr"].sum()
        debt_now = n.maintenance_debt_by_year_category
        debt_now = debt_now[debt_now["year"] == n.base_year].groupby("category", observed=True)["amount_kr"].sum()
        expected = n.renewal_expected_by_year_category.groupby("category", observed=True)["amount_kr"].sum()
        cats = ordered_categories(set(by_cat.index) | set(debt_now.index))
        rows: list[dict[str, Any]] = [{
            "kategori": category_label(c),
            "underhållsskuld_nu_kr": float(debt_now.get(c, 0.0)),
            "förnyelsebehov_planperioden_kr": float(by_cat.get(c, 0.0)),
            "per_år_kr": float(by_cat.get(c, 0.0)) / len(n.years),
            "förväntat_weibull_kr": float(expected.get(c, 0.0)),
        } for c in cats]
        total = {
            "kategori": "Summa",
            **{k: float(sum(float(r[k]) for r in rows)) for k in (
                "underhållsskuld_nu_kr", "förnyelsebehov_planperioden_kr", "per_år_kr", "förväntat_weibull_kr")},
        }
        return pd.DataFrame([*rows, total])

    def capacity_shortfalls(self) -> pd.DataFrame:
        """Per district (and the whole municipality) and service with a deficit: the largest deficit, its year
        and the first year short of places (districts: only where they have places today)."""
        d, n = self.data, self.needs
        districts = dict(zip(d.districts["district_id"].astype(str), d.districts["name"].astype(str), strict=True))
        services = dict(zip(d.services["service_id"].astype(str), d.services["name"].astype(str), strict=True))
        rows = []
        frames = [("Hela kommunen", n.capacity_totals.assign(district_id="*"))]
        frames += [(districts.get(str(k), str(k)), g) for k, g in n.capacity.groupby("district_id", sort=False)]
        for district, frame in frames:
            for service, g in frame.groupby("service_id", sort=False):
                g = g.sort_values("year")
                if district != "Hela kommunen" and float(g["capacity"].max()) <= 0:
                    continue
                short = g[g["deficit"] > 0.5]
                if not len(short):
                    continue
                worst = short.loc[short["deficit"].idxmax()]
                rows.append({
                    "område": district,
                    "tjänst": services.get(str(service), str(service)),
                    "kapacitet_platser": float(g["capacity"].iloc[0]),
                    "största_underskott_platser": float(worst["deficit"]),
                    "år_största_underskott": int(worst["year"]),
                    "första_år_med_underskott": int(short["year"].iloc[0]),
                    "efterfrågan_sista_året": float(g["demand"].iloc[-1]),
                })
        return pd.DataFrame(rows, columns=["område", "tjänst", "kapacitet_platser", "största_underskott_platser",
                                           "år_största_underskott", "första_år_med_underskott",
                                           "efterfrågan_sista_året"])


def _summary_years(years: Sequence[int]) -> list[int]:
    """The years of the summary tables: the first three plan years, every fifth year after, and the last."""
    ys = list(years)
    picked = ys[:3] + [y for i, y in enumerate(ys) if i >= 3 and (i + 1) % 5 == 0]
    if ys and ys[-1] not in picked:
        picked.append(ys[-1])
    return picked


def _mkr_cell(x: float) -> str:
    return fmt_number(None if x is None else float(x) / 1e6, 1)


def _pct_cell(x: float) -> str:
    return fmt_number(None if x is None else float(x) * 100, 1)


def _kr_cell(x: float) -> str:
    return fmt_number(x, 0)


def study_request(schedule: Mapping[str, int] | None = None, optimization: OptimizationResult | None = None,
                  risk: Any = AUTO) -> PlanRequest:
    """The study the document's shorthand asks for: ``schedule`` (a plan chosen elsewhere), else the optimiser's
    result ``optimization``, else the committed projects; ``risk="auto"`` the Monte Carlo analysis with the
    study's default draws, ``None`` none, a Monte Carlo result of that plan as it is."""
    if isinstance(risk, str) and risk == AUTO:
        draws = DEFAULT_DRAWS
    else:
        draws = 0 if risk is None else int(risk.n_draws)
    if schedule is not None:
        return PlanRequest(source="schedule", schedule=dict(schedule), draws=draws)
    return PlanRequest(source="optimised" if optimization is not None else "committed", draws=draws)


def prepare_document(
    data: MunicipalityData,
    schedule: Mapping[str, int] | None = None,
    optimization: OptimizationResult | None = None,
    risk: Any = AUTO,
    *,
    data_version: str | None = None,
    date: dt.date | None = None,
) -> PlanDocument:
    """Run the study for the plan (:func:`hushall.study.run_study`, see :func:`study_request`) and collect what the
    document shows (no files written)."""
    montecarlo = None if risk is None or isinstance(risk, str) else risk
    study = run_study(data, study_request(schedule, optimization, risk), optimization=optimization,
                      montecarlo=montecarlo)
    return document_of_study(data, study, data_version=data_version, date=date)


def document_of_study(data: MunicipalityData, study: PlanStudy, *, data_version: str | None = None,
                      date: dt.date | None = None) -> PlanDocument:
    """What the document shows of a plan study (no files written; nothing computed but selections and sums).

    Raises
    ------
    hushall.errors.HushallError
        When the study has no forecast (the data's own error, e.g. sheet Ekonomi empty).
    """
    fc = study.require_forecast()
    plan = plan_of_study(data, study)
    investments = study.investments
    targets = pt.target_rows(fc, data)
    years = list(fc.years)
    return PlanDocument(
        data=data,
        needs=study.needs,
        forecast=fc,
        plan=plan,
        risk=risk_section(study, years, _summary_years(years)),
        title=f"Investerings- och underhållsplan {years[0]}–{years[-1]}",
        date=date or dt.date.today(),
        data_version=data_version or data_fingerprint(data),
        investments=investments,
        plan_table=pt.plan_sheet(data, plan.schedule, investments, plan.reasons_in, study.consequences),
        left_out=pt.left_out_sheet(data, plan.schedule, plan.reasons_out, plan.default_reason_out),
        targets=targets,
        target_summary=pt.target_summary(targets),
        assumptions=pt.assumption_sheet(data, fc),
        # one maintenance debt: the forecast's (reinvestment policy + the plan's projects), against the policy alone
        debt_without_kr=np.asarray(study.debt_without_kr, dtype=float),
        debt_with_kr=np.asarray(fc.statements["underhållsskuld_fasta_priser"], dtype=float),
        verdict=study.verdict,
    )


# --- the workbook --------------------------------------------------------------------------------------------

#: Number formats of the plan workbook beyond the defaults (``*_kr`` whole kronor, ``år`` plain).
GENERAL = "General"


def workbook_number_formats(doc: PlanDocument) -> dict[str, str]:
    """Column header → Excel format code for the sheets of :meth:`PlanDocument.sheets`."""
    formats = dict(NEEDS_NUMBER_FORMATS)
    formats.update({str(y): KR_FORMAT for y in doc.years})  # statements: kr per year
    for line in doc.forecast.ratios.index:
        formats[str(line)] = PERCENT_FORMAT
    formats.update({
        "värde": GENERAL, "gräns": GENERAL, "första_år_ej_uppfyllt": "0", "resultat_andel_av_skatter_och_bidrag":
        PERCENT_FORMAT, "soliditet": PERCENT_FORMAT, "livslängd_år": "0.0", "weibullform": "0.0",
        "andel_kvar_av_livslängd": PERCENT_FORMAT, "invånare": "#,##0", "behovsindex": "0.0000",
        "platser_förändring": "#,##0", "från_år": "0", "till_år": "0", "period_år": "0",
        "kapacitet_platser": "#,##0", "största_underskott_platser": DECIMAL_FORMAT,
    })
    for name in doc.forecast.drivers.index:
        if str(name) not in formats:
            formats[str(name)] = KR_FORMAT if str(name).endswith("_kr") else "0.0000"
    return formats


def write_plan_workbook(doc: PlanDocument, path: str | Path) -> Path:
    """Write every table behind the document to ``path`` (.xlsx): one sheet each, frozen headers, kr as whole
    kronor, shares as per cent."""
    sheets = {name: _blank_empty_columns(df) for name, df in doc.sheets().items()}
    sheets["Drivare per år"] = _drivers_by_year(doc.forecast)
    return write_tables_xlsx(path, sheets, number_formats=workbook_number_formats(doc))


def _blank_empty_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Columns without any value as empty text: :func:`write_tables_xlsx` sizes columns by their longest value."""
    empty = [c for c in df.columns if len(df) and df[c].isna().all()]
    return df.assign(**{str(c): "" for c in empty}) if empty else df


def _drivers_by_year(f: Forecast) -> pd.DataFrame:
    out = pd.DataFrame({"år": list(f.years)})
    for name in f.drivers.index:
        out[str(name)] = f.drivers.loc[name].to_numpy(dtype=float)
    return out


# --- the PDF -------------------------------------------------------------------------------------------------


class _Charts:
    """Renders the document's charts to PNG files in a temporary folder (vl-convert, no browser)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def png(self, chart: Any) -> tuple[Path, tuple[float, float]]:
        self.count += 1
        path = save_chart(chart, self.folder / f"figur-{self.count:02d}.png", scale=CHART_SCALE)
        return path, png_size(path, CHART_SCALE)


def _summary_text(doc: PlanDocument) -> dict[str, list[str]]:
    """The four paragraphs of the one-page summary (numbers from the stages, formatted)."""
    n, f = doc.needs, doc.forecast
    years = doc.years
    first, last = years[0], years[-1]
    pby = n.price_base_year
    overdue = int(n.components["overdue"].sum())
    renewal_total = float(n.renewal_by_year["amount_kr"].sum())
    by_cat = n.renewal_by_year_category.groupby("category", observed=True)["amount_kr"].sum().sort_values(
        ascending=False)
    top = [f"{category_label(str(c)).lower()} {fmt_mkr(float(v))}" for c, v in by_cat.items() if v > 0][:3]
    need = [
        f"Underhållsskulden är {fmt_mkr(n.maintenance_debt_kr)} ({n.base_year}): återanskaffningsvärdet av de "
        f"komponenter vars livslängd redan har löpt ut ({overdue} av {len(n.components)} komponenter).",
        f"Under {first}–{last} behöver komponenter för {fmt_mkr(renewal_total)} förnyas, i snitt "
        f"{fmt_mkr(renewal_total / len(years))} per år ({pby} års priser)"
        + (f"; mest inom {', '.join(top)}." if top else "."),
    ]
    shortfalls = doc.capacity_shortfalls()
    municipal = shortfalls[shortfalls["område"] == "Hela kommunen"]
    for r in municipal.itertuples(index=False):
        need.append(f"{r.tjänst}: det saknas som mest {fmt_places(r.största_underskott_platser)} platser i "
                    f"kommunen ({r.år_största_underskott}) med dagens anläggningar.")
    districts_short = shortfalls[shortfalls["område"] != "Hela kommunen"]
    if len(districts_short):
        need.append(f"Platsbrist finns i {districts_short['område'].nunique()} områden (avsnitt 2.3).")

    plan = doc.plan_table
    cost = float(plan["kostnad_kr"].sum()) if len(plan) else 0.0
    nominal = float(plan["utgift_löpande_priser_kr"].sum()) if len(plan) else 0.0
    decided = int((plan["beslutat"] == "ja").sum()) if len(plan) else 0
    does = [
        f"{doc.plan.label}: {len(plan)} projekt för sammanlagt {fmt_mkr(cost)} i {pby} års priser "
        f"({fmt_mkr(nominal)} i löpande priser), varav {decided} redan beslutade.",
    ]
    places = plan.groupby("tjänst")["platser_förändring"].sum() if len(plan) else pd.Series(dtype=float)
    places = places[(places != 0) & (places.index != "")]
    if len(places):
        does.append("Platser när projekten är klara: " + ", ".join(
            f"{s} {'+' if v > 0 else '−'}{fmt_places(abs(v))}" for s, v in places.items()) + ".")
    assets = doc.verdict.assets
    if assets is not None:
        does.append(f"Reinvesteringar: {fmt_mkr(assets.reinvestment_kr)} {first}–{last} "
                    f"({pby} års priser, {POLICIES.get(assets.policy, assets.policy)}); underhållsskulden år {last} "
                    f"blir {fmt_mkr(assets.debt_last_kr)}, mot {fmt_mkr(float(doc.debt_without_kr[-1]))} utan "
                    "planens projekt.")
    else:
        does.append(f"Utan planens projekt växer underhållsskulden till {fmt_mkr(float(doc.debt_without_kr[-1]))} "
                    f"år {last}.")
    if len(doc.left_out):
        does.append(f"{len(doc.left_out)} projekt kom inte med (avsnitt 3.2).")
    comp = doc.plan.comparison
    if comp is not None and len(comp) > 1 and {"plan", "skillnad_mot_optimerad"} <= set(comp.columns):
        others = [(str(r["plan"]).lower(), float(r["skillnad_mot_optimerad"]), bool(r["uppfyller_alla_mål"]))
                  for r in comp.iloc[1:].to_dict("records")
                  if r["skillnad_mot_optimerad"] is not None and not pd.isna(r["skillnad_mot_optimerad"])]
        if others:
            phrases = {"rangordning efter nytta per krona": "projekten i ordning efter nytta per krona (så som många "
                                                            "kommuner prioriterar i dag)",
                       "rangordning så långt alla mål håller": "samma ordning bara så långt alla mål håller"}
            does.append("Jämförelse: " + "; ".join(
                f"{phrases.get(name, name)} ger {fmt_pct(abs(diff), 1)} {'mindre' if diff < 0 else 'mer'} nytta"
                f"{'' if meets else ' och bryter mål'}" for name, diff, meets in others)
                + " än den optimerade planen (avsnitt 3.3).")

    inv = -f.cash_flow.loc["investering_materiella_anläggningstillgångar"].to_numpy(dtype=float)
    res = f.income_statement.loc["årets_resultat"]
    share = f.ratios.loc["resultat_andel_av_skatter_och_bidrag"]
    debt = f.balance_sheet.loc["långfristiga_skulder"]
    per_inh = f.ratios.loc["låneskuld_per_invånare"]
    horizon10 = min(10, len(years))
    costs = [
        f"Investeringarna är i snitt {fmt_mkr(float(inv[:horizon10].mean()))} per år {first}–"
        f"{years[horizon10 - 1]} (löpande priser).",
        f"Årets resultat {first}: {fmt_mkr(float(res.iloc[0]))} ({fmt_pct(float(share.iloc[0]))} av skatter och "
        f"generella statsbidrag); {last}: {fmt_mkr(float(res.iloc[-1]))} ({fmt_pct(float(share.iloc[-1]))}).",
        f"Låneskulden går från {fmt_mkr(float(debt.iloc[0]))} år {first} till {fmt_mkr(float(debt.iloc[-1]))} år "
        f"{last} ({fmt_kr(float(per_inh.iloc[-1]))} per invånare).",
    ]

    verdict = verdict_lines(doc.verdict, target_names(doc.data), with_reinvestment=False)  # said under "does"
    if doc.verdict.risk is None and doc.risk.headline:
        verdict.append(doc.risk.headline)
    return {"need": need, "does": does, "costs": costs, "verdict": verdict}


def _title_page(pdf: PlanPDF, doc: PlanDocument) -> None:
    d = doc.data
    pdf.add_page()
    pdf.set_y(60)
    pdf.set_font("DejaVu", "B", 26)
    pdf.multi_cell(0, 12, doc.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", size=18)
    pdf.multi_cell(0, 9, d.name, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.set_draw_color(120)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 60, pdf.get_y())
    pdf.ln(8)
    pdf.set_font("DejaVu", size=11)
    for label, value in doc.meta()[2:]:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(42, 6, label)
        pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(0, 6, value, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-50)
    pdf.set_font("DejaVu", size=9)
    pdf.set_text_color(90)
    pdf.multi_cell(0, 4.5, "Framtaget med Hushåll. Alla belopp i kronor i löpande priser om inget annat anges; Mkr = "
                   "miljoner kronor. Tabellerna finns också i arbetsboken som hör till dokumentet.",
                   align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)


def _summary_page(pdf: PlanPDF, doc: PlanDocument, charts: _Charts) -> None:
    text = _summary_text(doc)
    pdf.chapter("1. Sammanfattning", new_page=False)  # the table of contents' page break made the page
    blocks = (("Vad tillgångarna behöver", text["need"]), ("Vad planen gör", text["does"]),
              ("Vad det kostar", text["costs"]), (VERDICT_TITLE, text["verdict"]))
    for title, lines in blocks:
        pdf.set_font("DejaVu", "B", 10.5)
        pdf.cell(0, 5.5, title, new_x="LMARGIN", new_y="NEXT")
        pdf.bullets(lines, size=9, height=4.3)
    years = doc.summary_years()
    idx = [doc.years.index(y) for y in years]
    header = ["Nyckeltal", *map(str, years)]
    rows = []
    for label, unit, fmt, values in doc.key_figures():
        rows.append([f"{label} ({unit})", *(fmt(values[i]) for i in idx)])
    label_w = 52.0
    col_w = (pdf.content_width - label_w) / len(years)
    pdf.data_table(header, rows, widths=[label_w] + [col_w] * len(years), align=["L"] + ["R"] * len(years),
                   size=8, zebra=True)
    if len(doc.targets):
        png, size = charts.png(plan_charts.targets_overview_chart(doc.targets, width=470, short=True))
        pdf.figure(png, size_px=size, max_height=pdf.space_left - 2, new_page_if_needed=False)


def _needs_chapter(pdf: PlanPDF, doc: PlanDocument, charts: _Charts) -> None:
    n, d = doc.needs, doc.data
    pdf.chapter("2. Behov")
    pdf.paragraph(
        f"Behoven bygger på anläggningarnas komponenter (livslängd, senaste förnyelse och skick) och på "
        f"befolkningsprognosen per område. Belopp i {n.price_base_year} års priser.")
    pdf.section("2.1 Förnyelse per kategori")
    cat = doc.renewal_by_category()
    rows = [[r.kategori, _mkr_cell(r.underhållsskuld_nu_kr), _mkr_cell(r.förnyelsebehov_planperioden_kr),
             _mkr_cell(r.per_år_kr), _mkr_cell(r.förväntat_weibull_kr)] for r in cat.itertuples(index=False)]
    pdf.data_table(
        ["Kategori", f"Underhållsskuld {n.base_year}", f"Förnyelse {doc.years[0]}–{doc.years[-1]}", "Per år",
         "Förväntat (Weibull)"],
        rows, widths=[50, 31, 35, 27, 31], align=["L", "R", "R", "R", "R"],
        bold_rows=[r.kategori == "Summa" for r in cat.itertuples(index=False)],
        caption=f"Tabell: förnyelsebehov per kategori, Mkr ({n.price_base_year} års priser)")
    png, size = charts.png(renewal_chart(n))
    pdf.figure(png, size_px=size, caption="Förnyelsebehov per år och kategori. Underhållsskulden ligger i första "
                                          "planåret.")

    pdf.section("2.2 Underhållsskuld med och utan planen", min_space=90)
    png, size = charts.png(plan_charts.maintenance_debt_plan_chart(
        doc.years, doc.debt_without_kr, doc.debt_with_kr, price_base_year=n.price_base_year))
    pdf.figure(png, size_px=size, caption="Underhållsskuld per år med och utan planens projekt, med "
                                          "reinvesteringspolicyn i båda.")
    years = doc.summary_years()
    idx = [doc.years.index(y) for y in years]
    rows = [["Utan planens projekt", *(_mkr_cell(doc.debt_without_kr[i]) for i in idx)],
            ["Med planen", *(_mkr_cell(doc.debt_with_kr[i]) for i in idx)]]
    label_w = 40.0
    col_w = (pdf.content_width - label_w) / len(years)
    pdf.data_table(["Mkr", *map(str, years)], rows, widths=[label_w] + [col_w] * len(years),
                   align=["L"] + ["R"] * len(years), caption="Tabell: underhållsskuld, Mkr")

    pdf.section("2.3 Platser mot efterfrågan per område", new_page=True)
    pdf.paragraph("Efterfrågan är befolkningen i tjänstens åldrar gånger täckningsgraden; kapaciteten är platserna "
                  "i dagens anläggningar (utan planens projekt).")
    short = doc.capacity_shortfalls()
    if len(short):
        rows = [[r.område, r.tjänst, fmt_places(r.kapacitet_platser), fmt_places(r.största_underskott_platser),
                 str(r.år_största_underskott), str(r.första_år_med_underskott)] for r in short.itertuples(index=False)]
        pdf.data_table(["Område", "Tjänst", "Platser i dag", "Största underskott", "År", "Första år"], rows,
                       widths=[34, 52, 22, 26, 16, 20], align=["L", "L", "R", "R", "R", "R"],
                       caption="Tabell: områden och tjänster med för få platser")
    else:
        pdf.paragraph("Inget område har för få platser under planperioden med dagens anläggningar.")
    png, size = charts.png(capacity_chart(n, d))
    pdf.figure(png, size_px=size, caption="Efterfrågan (heldragen) och kapacitet (streckad) per område och tjänst.")


def _plan_chapter(pdf: PlanPDF, doc: PlanDocument, charts: _Charts) -> None:
    plan, pby = doc.plan_table, doc.data.price_base_year
    pdf.chapter("3. Planen")
    method = doc.plan.method
    if method.startswith("Optimering"):
        intro = f"{doc.plan.label}, framtagen med {method[0].lower()}{method[1:]}"
    else:
        intro = doc.plan.label if method == doc.plan.label else f"{doc.plan.label}. {method}"
    pdf.paragraph(intro if intro.endswith(".") else intro + ".")
    for sentence in doc.plan.explanations:
        pdf.paragraph(sentence)
    pdf.section("3.1 Projekt per år")
    if len(plan):
        rows = [[r.projekt_id, r.namn, r.typ, str(r.startår), str(r.klart_år), _mkr_cell(r.kostnad_kr),
                 _mkr_cell(r.utgift_löpande_priser_kr), fmt_places(r.platser_förändring) if r.platser_förändring else ""]
                for r in plan.itertuples(index=False)]
        rows.append(["", "Summa", "", "", "", _mkr_cell(plan["kostnad_kr"].sum()),
                     _mkr_cell(plan["utgift_löpande_priser_kr"].sum()), ""])
        pdf.data_table(["Id", "Projekt", "Typ", "Start", "Klart", f"Kostnad ({pby})", "Löpande", "Platser"], rows,
                       widths=[13, 64, 22, 12, 12, 19, 17, 15], align=["L", "L", "L", "R", "R", "R", "R", "R"],
                       bold_rows=[False] * (len(rows) - 1) + [True], size=8,
                       caption="Tabell: planens projekt i startordning, Mkr")
        names = dict(zip(plan["projekt_id"], plan["namn"], strict=True))
        chosen = [(pid, text) for pid, text in doc.plan.reasons_in.items()
                  if pid in names and pid not in doc.plan.postponed]
        if chosen:
            pdf.subheading("Varför projekten är med")
            pdf.bullets([f"{pid} {names[pid]}: {text}" for pid, text in chosen], size=9, height=4.5)
        later = [(pid, text) for pid, text in doc.plan.postponed.items() if pid in names]
        if later:
            pdf.subheading("Projekt som startar senare än de kunde, och varför")
            pdf.bullets([f"{pid} {names[pid]}: {text}" for pid, text in later], size=9, height=4.5)
        png, size = charts.png(plan_charts.plan_timeline_chart(plan))
        pdf.figure(png, size_px=size, caption="Planens projekt från start till färdigt.")
        if "kapitalkostnad_kr_år" in plan:
            pdf.subheading("Driftkonsekvenser: vad projekten kostar varje år när de är klara")
            cons = [[r.projekt_id, r.namn, str(r.klart_år + 1), _mkr_cell(r.kapitalkostnad_kr_år),
                     _mkr_cell(r.driftkonsekvens_kr_år), _mkr_cell(r.summa_driftkonsekvens_kr_år)]
                    for r in plan.itertuples(index=False)]
            cons.append(["", "Summa", "", _mkr_cell(plan["kapitalkostnad_kr_år"].sum()),
                         _mkr_cell(plan["driftkonsekvens_kr_år"].sum()),
                         _mkr_cell(plan["summa_driftkonsekvens_kr_år"].sum())])
            pdf.data_table(["Id", "Projekt", "Från", "Kapitalkostnad", "Drift", "Summa"], cons,
                           widths=[13, 78, 14, 25, 20, 24], align=["L", "L", "R", "R", "R", "R"],
                           bold_rows=[False] * (len(cons) - 1) + [True], size=8,
                           caption=f"Tabell: driftkonsekvenser per år, Mkr ({pby} års priser). Kapitalkostnad = "
                                   "avskrivningar + ränta på investeringen (låneportföljens ränta); drift = "
                                   "den ändrade driftkostnaden som förvaltningen angett (− = besparing).")
    else:
        pdf.paragraph("Planen innehåller inga projekt.")
    ceiling = doc.data.targets[doc.data.targets["target_type"] == "investeringstak_kr"]["limit"]
    png, size = charts.png(plan_charts.investment_chart(
        doc.years, doc.forecast.statements["investeringar_fasta_priser"],
        ceiling_kr=float(ceiling.min()) if len(ceiling) else None, price_base_year=pby))
    pdf.figure(png, size_px=size, caption=f"Investeringar per år i {pby} års priser.")

    pdf.section("3.2 Det som inte kom med, och varför", min_space=60)
    if len(doc.left_out):
        rows = [[r.projekt_id, r.namn, _mkr_cell(r.kostnad_kr), f"{r.tidigast_start}–{r.senast_start}", r.skäl]
                for r in doc.left_out.itertuples(index=False)]
        pdf.data_table(["Id", "Projekt", "Kostnad", "Möjlig start", "Skäl"], rows,
                       widths=[13, 45, 15, 20, 81], align=["L", "L", "R", "C", "L"], size=8,
                       caption=f"Tabell: projekt som inte ingår i planen, Mkr ({pby} års priser)")
    else:
        pdf.paragraph("Alla kandidatprojekt ingår i planen.")
    number = 3
    if doc.plan.facts or (doc.plan.comparison is not None and len(doc.plan.comparison)):
        pdf.section(f"3.{number} Hur planen togs fram", min_space=50)
        number += 1
        if doc.plan.facts:
            pdf.data_table(["Uppgift", "Värde"], [list(x) for x in doc.plan.facts], widths=[70, 104],
                           align=["L", "L"], size=9, keep_together=True)
        comp = doc.plan.comparison
        if comp is not None and len(comp):
            pdf.ensure_space(45)
            for text in doc.plan.comparison_notes:
                pdf.paragraph(text, size=9, height=4.5)
            _comparison_table(pdf, comp)
    if doc.plan.marginal is not None and len(doc.plan.marginal):
        pdf.section(f"3.{number} Vad mer utrymme i målen skulle ge", min_space=70)
        for text in doc.plan.marginal_notes:
            pdf.paragraph(text, size=9, height=4.5)
        rows = marginal_rows(doc.plan.marginal)
        pdf.data_table(["Mål eller tak", "År", "Mer utrymme", "Skuggpris (LP)", "Omräknat"], rows,
                       widths=[62, 14, 26, 34, 38], align=["L", "R", "L", "R", "R"], size=8, keep_together=True,
                       caption="Tabell: planens ökade nytta, Mkr, om gränsen flyttas ett steg")


def _comparison_table(pdf: PlanPDF, comp: pd.DataFrame) -> None:
    """The plan against the ranking list (:func:`hushall.reports.plan_reasons.ranking_comparison`); any other
    frame as it is."""
    needed = {"plan", "antal_projekt", "värde_poäng", "uppfyller_alla_mål", "mål_som_bryts"}
    if not needed <= set(comp.columns):
        _frame_table(pdf, comp, caption="Tabell: planen jämförd med en rangordning av projekten")
        return
    rows = []
    for r in comp.to_dict("records"):
        diff = r.get("skillnad_mot_optimerad")
        value = r.get("värde_poäng")
        rows.append([
            str(r["plan"]),
            "" if r["antal_projekt"] is None or pd.isna(r["antal_projekt"]) else str(int(r["antal_projekt"])),
            "–" if value is None or pd.isna(value) else fmt_number(float(value), 2),
            "" if diff is None or pd.isna(diff) or r["plan"] == "Optimerad plan" else fmt_pct(float(diff), 1),
            "ja" if bool(r["uppfyller_alla_mål"]) else "nej",
            str(r["mål_som_bryts"]),
        ])
    pdf.data_table(["Plan", "Projekt", "Nettonytta (poäng)", "Mot optimerad", "Alla mål hålls", "Mål som bryts"],
                   rows, widths=[42, 15, 22, 20, 18, 57], align=["L", "R", "R", "R", "C", "L"], size=8,
                   keep_together=True, caption="Tabell: planen jämförd med en rangordning av projekten")


def _header(name: str) -> str:
    """A column name as a table header: words, first letter capital (``mål_som_bryts`` → ``Mål som bryts``)."""
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _frame_table(pdf: PlanPDF, df: pd.DataFrame, *, caption: str | None = None, size: float = 8) -> None:
    """A frame as it is: text left, numbers right (kr columns in Mkr, shares in per cent)."""
    header, align, formatters = [], [], []
    for c in df.columns:
        name = str(c)
        col = df[c]
        if name.endswith("_kr"):
            header.append(_header(name[:-3]) + " (Mkr)")
            align.append("R")
            formatters.append(_mkr_cell)
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
            numeric = bool(texts) and all(_NUMBER_TEXT.match(t) for t in texts)
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


def _statement(pdf: PlanPDF, table: pd.DataFrame, years: Sequence[int], title: str, *, first: bool) -> None:
    blocks = [list(years[i:i + YEARS_PER_BLOCK]) for i in range(0, len(years), YEARS_PER_BLOCK)]
    pdf.section(title, new_page=not first, landscape=True)
    label_w = 76.0
    for block in blocks:
        col_w = (pdf.content_width - label_w) / YEARS_PER_BLOCK
        rows, bold = [], []
        for line in table.index:
            label = pt.statement_label(str(line))
            rows.append([("    " + label) if label.startswith("varav") else label,
                         *(_mkr_cell(float(table.loc[line, y])) for y in block)])
            bold.append(str(line) in pt.SUM_LINES)
        pdf.data_table(["Mkr", *map(str, block)], rows, widths=[label_w] + [col_w] * len(block),
                       align=["L"] + ["R"] * len(block), bold_rows=bold, size=8, keep_together=True,
                       caption=f"{title.split(' ', 1)[-1]} {block[0]}–{block[-1]}, Mkr" if len(blocks) > 1 else None)


def _economy_chapter(pdf: PlanPDF, doc: PlanDocument, charts: _Charts) -> None:
    f = doc.forecast
    years = doc.years
    pdf.chapter("4. Ekonomi", landscape=True)
    pdf.paragraph("Långtidsprognosen för planen: resultaträkning, balansräkning och kassaflödesanalys per år i "
                  "miljoner kronor (löpande priser), nyckeltal och de finansiella målen för god ekonomisk "
                  "hushållning (kommunallagen 11 kap. 1 §). Underlaget finns i arbetsboken i hela kronor.")
    _statement(pdf, f.income_statement, years, "4.1 Resultaträkning", first=True)
    _statement(pdf, f.balance_sheet, years, "4.2 Balansräkning", first=False)
    _statement(pdf, f.cash_flow, years, "4.3 Kassaflödesanalys", first=False)

    blocks = [list(years[i:i + YEARS_PER_BLOCK]) for i in range(0, len(years), YEARS_PER_BLOCK)]
    label_w = 76.0
    pdf.section("4.4 Reinvestering, underhållsskuld och pensioner", new_page=True, landscape=True)
    pdf.paragraph(f"Reinvesteringarna enligt reinvesteringspolicyn, förnyelsebehovet och underhållsskulden vid "
                  f"årets slut, i Mkr; prisbasen står på varje rad (löpande priser eller {doc.data.price_base_year} "
                  "års priser). Pensionsutbetalningarna är kostnader i resultaträkningen, inklusive löneskatt.",
                  size=9)
    lines = asset_lines(f, doc.data.price_base_year)
    for block in blocks:
        col_w = (pdf.content_width - label_w) / YEARS_PER_BLOCK
        idx = [years.index(y) for y in block]
        rows = [[label + (" (%)" if unit == "andel" else " (Mkr)"),
                 *((_pct_cell if unit == "andel" else _mkr_cell)(float(values[i])) for i in idx)]
                for label, unit, values in lines]
        pdf.data_table(["Post", *map(str, block)], rows, widths=[label_w] + [col_w] * len(block),
                       align=["L"] + ["R"] * len(block), size=7.5, keep_together=True,
                       caption=f"Reinvestering, underhållsskuld och pensioner {block[0]}–{block[-1]}")

    pdf.section("4.5 Nyckeltal och mål", new_page=True, landscape=True)
    for block in blocks:
        col_w = (pdf.content_width - label_w) / YEARS_PER_BLOCK
        rows = []
        for line in f.ratios.index:
            values = f.ratios.loc[line]
            if line in pt.KR_RATIOS:
                rows.append([pt.ratio_label(str(line)) + " (kr)", *(_kr_cell(values[y]) for y in block)])
            else:
                rows.append([pt.ratio_label(str(line)) + " (%)", *(_pct_cell(values[y]) for y in block)])
        pdf.data_table(["Nyckeltal", *map(str, block)], rows, widths=[label_w] + [col_w] * len(block),
                       align=["L"] + ["R"] * len(block), size=8, caption=f"Nyckeltal {block[0]}–{block[-1]}",
                       keep_together=True)
    if len(doc.targets):
        pdf.ensure_space(60)
        pdf.paragraph(f"Målen per år: utfallet och {MARK_MISSED} där målet inte uppfylls. Mål över flera år prövas "
                      "på de senaste årens summor (rullande).", size=9)
        for block in blocks:
            col_w = (pdf.content_width - label_w) / YEARS_PER_BLOCK
            rows = []
            for (tid, label, ttype), g in doc.targets.groupby(["mål_id", "mål", "typ"], sort=False):
                by_year = g.set_index("år")
                cells = []
                for y in block:
                    if y not in by_year.index:
                        cells.append("")
                        continue
                    r = by_year.loc[y]
                    text = pt.format_target_value(str(ttype), float(r["värde"])).replace("\u00a0Mkr", "")
                    cells.append(text if bool(r["uppfyllt"]) else f"{text} {MARK_MISSED}")
                rows.append([f"{tid} {label}", *cells])
            pdf.data_table(["Mål", *map(str, block)], rows, widths=[label_w] + [col_w] * len(block),
                           align=["L"] + ["R"] * len(block), size=7.5, keep_together=True,
                           caption=f"Finansiella mål {block[0]}–{block[-1]} (balanskrav och investeringar i Mkr)")
        png, size = charts.png(plan_charts.targets_chart(doc.targets))
        pdf.add_page(orientation="P")
        pdf.figure(png, size_px=size, caption="De finansiella målen år för år.")


def _risk_chapter(pdf: PlanPDF, doc: PlanDocument, charts: _Charts) -> None:
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
        _frame_table(pdf, frame, caption=caption)
    for caption, chart in risk.charts.items():
        png, size = charts.png(chart)
        pdf.figure(png, size_px=size, caption=caption)


def _assumptions_chapter(pdf: PlanPDF, doc: PlanDocument) -> None:
    d = doc.data
    pdf.chapter("6. Antaganden och källor")
    pdf.paragraph("Varje parameter med sitt värde och sin källa. Värden i arbetsboken (fliken Antaganden) går före "
                  "Hushålls standardvärden. Dokumentet kan återskapas från samma data och samma version av Hushåll.")
    pdf.data_table(["Uppgift", "Värde"], [list(x) for x in doc.meta()], widths=[45, 129], align=["L", "L"], size=9,
                   caption="Dokumentets underlag")
    pdf.section("6.1 Antaganden i prognosen")
    pdf.paragraph("Parametrarna står här med namn i ord; arbetsbokens flik Antaganden har samma tabell med "
                  "parametrarnas tekniska namn, som gäller när ett värde ändras i arbetsboken.", size=8, height=4,
                  grey=True)
    rows = [[r.benämning, str(r.från_år), pt.format_assumption_value(r.värde, r.enhet), r.enhet, r.källa]
            for r in doc.assumptions.itertuples(index=False)]
    pdf.data_table(["Parameter", "Från år", "Värde", "Enhet", "Källa"], rows, widths=[34, 13, 22, 30, 75],
                   align=["L", "R", "R", "L", "L"], size=7.5)
    pdf.section("6.2 Finansiella mål och tak (fliken Mål)")
    tdef = pt.target_definition_sheet(d)
    rows = []
    for r in tdef.itertuples(index=False):
        if r.typ == "kriterievikt":
            text = f"vikt {fmt_pct(r.gräns, 0)} för kriteriet {r.kriterium}"
        else:
            text = pt.target_label(r.typ, r.gräns, r.period_år)
        span = ""
        if not pd.isna(r.från_år) or not pd.isna(r.till_år):
            span = f"{'' if pd.isna(r.från_år) else r.från_år}–{'' if pd.isna(r.till_år) else r.till_år}"
        rows.append([r.mål_id, r.typ, text, span or "alla år"])
    pdf.data_table(["Id", "Typ", "Mål", "År"], rows, widths=[12, 42, 96, 24], align=["L", "L", "L", "L"], size=8)
    pdf.section("6.3 Tjänster och täckningsgrader")
    s = pt.service_sheet(d)
    rows = [[r.namn, f"{r.ålder_från}–{r.ålder_till}", fmt_pct(r.täckningsgrad, 0),
             fmt_number(r.max_avstånd_km, 0), r.källa] for r in s.itertuples(index=False)]
    pdf.data_table(["Tjänst", "Åldrar", "Täckning", "Max km", "Källa"], rows, widths=[40, 16, 16, 14, 88],
                   align=["L", "C", "R", "R", "L"], size=8)
    pdf.section("6.4 Livslängder per komponenttyp")
    lt = pt.lifetime_sheet()
    rows = [[r.komponenttyp, fmt_number(r.livslängd_år), fmt_number(r.weibullform, 1)] for r in lt.itertuples()]
    pdf.data_table(["Komponenttyp", "Livslängd (år)", "Weibullform"], rows, widths=[40, 28, 28],
                   align=["L", "R", "R"], size=8)
    pdf.paragraph("Källa: " + str(lt["källa"].iloc[0]), size=8, height=4, grey=True)
    cond = pt.condition_sheet()
    rows = [[str(r.skick), fmt_pct(r.andel_kvar_av_livslängd, 0)] for r in cond.itertuples()]
    pdf.data_table(["Skick (1–5)", "Andel kvar av livslängden"], rows, widths=[28, 45], align=["C", "R"], size=8)
    pdf.paragraph("Källa: " + str(cond["källa"].iloc[0]), size=8, height=4, grey=True)
    pdf.section("6.5 Basårets ekonomi (fliken Ekonomi)")
    b = pt.base_year_sheet(d)
    rows = [[r.post, _mkr_cell(r.belopp_kr), r.källa] for r in b.itertuples(index=False)]
    pdf.data_table(["Post", "Mkr", "Källa"], rows, widths=[48, 18, 108], align=["L", "R", "L"], size=7.5)
    if doc.risk.drivers:
        pdf.section("6.6 Osäkerheter i Monte Carlo-analysen")
        pdf.data_table(["Osäkerhet", "Modell", "Parametrar", "Källa"], [list(x) for x in doc.risk.drivers],
                       widths=[26, 17, 40, 91], align=["L", "L", "L", "L"], size=7.5)
        if doc.risk.correlation_reference:
            pdf.paragraph("Samvariation: " + doc.risk.correlation_reference, size=8, height=4, grey=True)


def render_plan_pdf(doc: PlanDocument, path: str | Path) -> Path:
    """Lay the document out and write the PDF to ``path`` (atomically)."""
    target = Path(path)
    footer = f"{doc.data.name} · {doc.plan.label} · {doc.date.isoformat()} · data {doc.data_version}"
    pdf = PlanPDF(running_title=f"{doc.title} · {doc.data.name}", footer_note=footer)
    pdf.set_title(f"{doc.title}, {doc.data.name}")
    pdf.set_author(doc.data.name)
    pdf.set_subject(doc.plan.label)
    pdf.set_creation_date(dt.datetime.combine(doc.date, dt.time(12, 0), tzinfo=dt.UTC))
    with tempfile.TemporaryDirectory(prefix="hushall-figurer-") as tmp:
        charts = _Charts(Path(tmp))
        _title_page(pdf, doc)
        pdf.add_page()
        pdf.insert_toc_placeholder(render_toc, pages=1)
        _summary_page(pdf, doc, charts)
        _needs_chapter(pdf, doc, charts)
        _plan_chapter(pdf, doc, charts)
        _economy_chapter(pdf, doc, charts)
        _risk_chapter(pdf, doc, charts)
        _assumptions_chapter(pdf, doc)
        followup_chapter(pdf, doc.data, charts, number=7)
        with atomic_path(target) as tmp_pdf:
            pdf.output(str(tmp_pdf))
    return target


def build_plan_document(data: MunicipalityData, study: PlanStudy | None = None, out_dir: str | Path = ".", *,
                        data_version: str | None = None, date: dt.date | None = None, stem: str = "plandokument"
                        ) -> tuple[Path, Path]:
    """Write the plan document (``<stem>.pdf``) and the workbook behind it (``<stem>.xlsx``) to ``out_dir``.

    Parameters
    ----------
    data
        The validated municipality.
    study
        The plan study to show (:func:`hushall.study.run_study`); ``None``: the committed projects with the
        Monte Carlo analysis of the study's defaults.
    out_dir
        Folder for the two files (created when missing).
    data_version
        Shown in the document; default a fingerprint of the data (:func:`data_fingerprint`).
    date
        The document's date (default today).

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The PDF and the workbook.
    """
    if study is None:
        study = run_study(data, PlanRequest(source="committed"))
    doc = document_of_study(data, study, data_version=data_version, date=date)
    return write_plan_document(doc, out_dir, stem=stem)


def write_plan_document(doc: PlanDocument, out_dir: str | Path, *, stem: str = "plandokument") -> tuple[Path, Path]:
    """Write a prepared document (:func:`document_of_study`) as ``<stem>.pdf`` and ``<stem>.xlsx``."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = write_plan_workbook(doc, folder / f"{stem}.xlsx")
    pdf = render_plan_pdf(doc, folder / f"{stem}.pdf")
    return pdf, xlsx


def plan_document_pdf(data: MunicipalityData, study: PlanStudy, **kwargs: Any) -> bytes:
    """The plan document of a study as PDF bytes (for a download in the web app)."""
    with tempfile.TemporaryDirectory(prefix="hushall-pdf-") as tmp:
        doc = document_of_study(data, study, **kwargs)
        return render_plan_pdf(doc, Path(tmp) / "plandokument.pdf").read_bytes()


def plan_document_xlsx(data: MunicipalityData, study: PlanStudy, **kwargs: Any) -> bytes:
    """The workbook behind the plan document of a study as bytes (for a download in the web app)."""
    with tempfile.TemporaryDirectory(prefix="hushall-xlsx-") as tmp:
        doc = document_of_study(data, study, **kwargs)
        return write_plan_workbook(doc, Path(tmp) / "plandokument.xlsx").read_bytes()


__all__ = [
    "PlanChoice",
    "PlanDocument",
    "RiskSection",
    "build_plan_document",
    "committed_plan",
    "data_fingerprint",
    "document_of_study",
    "given_plan",
    "plan_document_pdf",
    "plan_document_xlsx",
    "plan_from_optimization",
    "plan_of_study",
    "prepare_document",
    "render_plan_pdf",
    "risk_section",
    "study_request",
    "write_plan_document",
    "write_plan_workbook",
    "year_ranges",
]
