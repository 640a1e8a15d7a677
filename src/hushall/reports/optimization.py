"""Presentation of the optimised plan: terminal summary, Excel workbook, CSV files and charts.

Every number comes from :func:`hushall.optimize.optimize` and from :func:`hushall.finance.forecast` of the plan it
chose (the two agree to the krona; :func:`plan_check` shows it); this module selects, labels and draws. The
per-project reasons in Swedish come from :func:`hushall.reports.document.plan_from_optimization`, so the terminal,
the workbook and the plan document say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from hushall.data.schema import CRITERION_LABELS
from hushall.finance import Forecast, forecast
from hushall.finance.verdict import Verdict, assess
from hushall.formatting import finite_or_none, fmt_amount, fmt_kr, fmt_mkr, fmt_number, fmt_pct
from hushall.model import MunicipalityData
from hushall.optimize.result import OptimizationResult
from hushall.projects import ProjectCatalog, Schedule
from hushall.reports.charts import _configure, save_chart_files
from hushall.reports.document import PlanChoice, plan_from_optimization
from hushall.reports.excel import write_tables
from hushall.reports.forecast import (
    debt_chart,
    extremes_between,
    project_investment_kr,
    result_chart,
    soliditet_chart,
    target_grid_lines,
)
from hushall.reports.plan_charts import INVESTMENT_COLOURS, REINVESTMENT_SERIES, targets_chart
from hushall.reports.plan_reasons import (
    MARGINAL_VALUE_COLUMNS,
    NEGLIGIBLE_POINTS,
    cost_mkr,
    interval_kind,
    marginal_rows,
    marginal_table,
    target_names,
    year_ranges,
)
from hushall.reports.plan_tables import (
    PROJECT_TYPE_LABELS,
    left_out_sheet,
    plan_sheet,
    project_investments,
    target_rows,
)
from hushall.reports.verdict import verdict_block
from hushall.study.study import PlanStudy, renewal_decided

#: Lines of the optimiser's finance table and the statement line of the forecast that must equal them.
CHECKED_LINES: dict[str, tuple[str, str]] = {
    "result": ("årets_resultat", "Årets resultat"),
    "debt": ("långfristiga_skulder", "Långfristiga skulder"),
    "cash": ("likvida_medel", "Likvida medel"),
    "equity": ("eget_kapital", "Eget kapital"),
    "fixed_assets": ("materiella_anläggningstillgångar", "Materiella anläggningstillgångar"),
}

#: The optimiser's project statuses in prose.
STATUS_LABELS: dict[str, str] = {"utelämnat": "ej vald", "senarelagt": "senarelagd"}

#: What the summaries say when the optimiser decided the reinvestment (``OptimizationResult.renewal``).
RENEWAL_DECIDED_TEXT = ("Reinvesteringen är ett beslut i optimeringen: förnya, skjuta upp eller avveckla per "
                        "anläggningsgrupp och år, bredvid projekten.")



@dataclass
class OptimizedPlan:
    """An optimiser result together with the forecast of its plan and the reasons in Swedish."""

    result: Any
    data: MunicipalityData
    forecast: Forecast
    choice: PlanChoice

    @property
    def schedule(self) -> Schedule:
        return self.choice.schedule

    @cached_property
    def verdict(self) -> Verdict:
        """The targets and assets parts of the verdict on the plan (add the risk with
        :func:`hushall.finance.verdict.with_monte_carlo`); it names the optimiser's renewal as the reinvestment
        when the optimiser decided it (:func:`hushall.study.study.renewal_decided`)."""
        verdict = assess(self.data, self.forecast)
        return verdict if getattr(self.result, "renewal", None) is None else renewal_decided(verdict)

    @cached_property
    def investments(self) -> pd.DataFrame:
        """Yearly outlay of each project in the plan (:func:`hushall.reports.plan_tables.project_investments`),
        computed once for the workbook, the CSV files and the charts."""
        return project_investments(self.data, self.schedule)


def describe_optimization(data: MunicipalityData, result: OptimizationResult) -> OptimizedPlan:
    """Forecast the optimised plan and collect its reasons."""
    choice = plan_from_optimization(data, result)
    # with renewal decisions the forecast replays the optimiser's renewal per pool and year
    fc = forecast(data, dict(choice.schedule), reinvestment_policy=result.renewal_plan(data))
    return OptimizedPlan(result=result, data=data, forecast=fc, choice=choice)


def describe_study(data: MunicipalityData, study: PlanStudy) -> OptimizedPlan:
    """The optimised plan of a study (:func:`hushall.study.run_study`) with its forecast and its reasons."""
    return OptimizedPlan(result=study.optimization, data=data, forecast=study.require_forecast(),
                         choice=plan_from_optimization(data, study.optimization))


def plan_check(plan: OptimizedPlan) -> pd.DataFrame:
    """The optimiser's own financial figures against the forecast of its plan, per line: the largest
    difference over the years in kr (0 means they agree to the krona)."""
    fin = getattr(plan.result, "finance", None)
    rows = []
    if isinstance(fin, pd.DataFrame) and len(fin):
        for var, (line, label) in CHECKED_LINES.items():
            if var not in fin.columns:
                continue
            diff = np.abs(fin[var].to_numpy(dtype=float) - plan.forecast.statements[line])
            rows.append({"rad": label, "största_skillnad_kr": float(np.max(diff)) if diff.size else 0.0})
    return pd.DataFrame(rows, columns=["rad", "största_skillnad_kr"])


# --- tables --------------------------------------------------------------------------------------------------


def facts_sheet(plan: OptimizedPlan) -> pd.DataFrame:
    """Status, value, bound, gap and the comparison with the ranking list as label/value rows."""
    facts = list(plan.choice.facts)
    return pd.DataFrame(facts, columns=["uppgift", "värde"])


def investment_by_category(plan: OptimizedPlan) -> pd.DataFrame:
    """Investment per year and project type (current prices), long format: ``år, kategori, belopp_kr``, with the
    reinvestment outside the projects (:data:`~hushall.reports.plan_charts.REINVESTMENT_SERIES`) as a category
    of its own, so that each year sums to the forecast's investment in fixed assets. Only the capitalised
    outlay counts (``investment_kr``): a closure's or a sale's costs are operating costs in the forecast."""
    inv = plan.investments
    cat = ProjectCatalog.from_data(plan.data)
    types = {pid: PROJECT_TYPE_LABELS.get(cat.project_types[i], cat.project_types[i])
             for i, pid in enumerate(cat.project_ids)}
    fc = plan.forecast
    reinvest = pd.DataFrame({"år": np.asarray(fc.years, dtype=int), "kategori": REINVESTMENT_SERIES,
                             "belopp_kr": np.asarray(fc.statements["reinvesteringar"], dtype=float)})
    if not len(inv):
        return reinvest
    inv = inv.assign(kategori=inv["project_id"].map(types))
    out = inv.groupby(["year", "kategori"], sort=True)["investment_kr"].sum().reset_index()
    out = out.rename(columns={"year": "år", "investment_kr": "belopp_kr"}).astype({"år": int})
    out = out[out["belopp_kr"] != 0.0]  # a closure's or a sale's years: no investment, no row
    return pd.concat([out, reinvest], ignore_index=True).sort_values(["år", "kategori"], ignore_index=True)


def binding_sheet(plan: OptimizedPlan) -> pd.DataFrame:
    """Targets and ceilings with no room left in the plan, one row per target: the years they bind."""
    targets = getattr(plan.result, "targets", None)
    if not isinstance(targets, pd.DataFrame) or not len(targets) or "binding" not in targets:
        return pd.DataFrame(columns=["mål_id", "mål", "bindande_år", "antal_år"])
    b = targets[targets["binding"].astype(bool)]
    names = target_names(plan.data)
    rows = [{"mål_id": str(tid), "mål": names.get(str(tid), str(g["label"].iloc[0])),
             "bindande_år": year_ranges(g["year"]),
             "antal_år": len(g)} for tid, g in b.groupby("target_id", sort=True)]
    return pd.DataFrame(rows, columns=["mål_id", "mål", "bindande_år", "antal_år"])


def marginal_sheet(plan: OptimizedPlan) -> pd.DataFrame:
    """What one more Mkr (or one more project in parallel) of room in a binding target is worth, in points:
    :func:`hushall.reports.plan_reasons.marginal_table` (LP estimate and, where re-solved, the interval the value
    lies in)."""
    records = (getattr(plan.result, "explanations", None) or {}).get("marginal_value") or []
    return marginal_table(records, target_names(plan.data))


def project_reason_sheet(plan: OptimizedPlan) -> pd.DataFrame:
    """Projects left out or postponed, with what forcing them in (earlier) would cost — the interval the true
    cost lies in, :func:`hushall.optimize.explain.cost_interval` — and what adding them would break."""
    records = (getattr(plan.result, "explanations", None) or {}).get("projects") or []
    rows = []
    for r in records:
        breaks = r.get("breaks_if_added") or []
        low = finite_or_none(r.get("cost_of_forcing_low_kr"))
        high = None if low is None else finite_or_none(r.get("cost_of_forcing_high_kr"))
        kind = interval_kind(low, high, cost_mkr)
        rows.append({
            "projekt_id": str(r.get("project", "")), "namn": str(r.get("name", "")),
            "status": STATUS_LABELS.get(str(r.get("status", "")), str(r.get("status", ""))),
            "tidigast_start": r.get("earliest_start"), "vald_start": r.get("chosen_start"),
            "tvingad_start": r.get("forced_start"),
            "kostnad_att_tvinga_in_lägst_kr": low, "kostnad_att_tvinga_in_högst_kr": high,
            "omräkning": "" if kind == "ej omräknat" else kind,
            "bryter_mål_om_tillagt_oförändrat": "; ".join(
                f"{b.get('target')} {b.get('year')} ({fmt_mkr(finite_or_none(b.get('violation')))})"
                if b.get("unit") == "kr" else f"{b.get('target')} {b.get('year')}" for b in breaks),
        })
    return pd.DataFrame(rows, columns=["projekt_id", "namn", "status", "tidigast_start", "vald_start",
                                       "tvingad_start", "kostnad_att_tvinga_in_lägst_kr",
                                       "kostnad_att_tvinga_in_högst_kr", "omräkning",
                                       "bryter_mål_om_tillagt_oförändrat"])


def criteria_sheet(plan: OptimizedPlan) -> pd.DataFrame:
    """The council's weights and the value the plan reaches per criterion."""
    weights: Mapping[str, float] = getattr(plan.result, "weights", {}) or {}
    values: Mapping[str, float] = getattr(plan.result, "value_by_criterion", {}) or {}
    rows = [{"kriterium": CRITERION_LABELS.get(c, c), "vikt": float(w), "värde_poäng": float(values.get(c, 0.0))}
            for c, w in weights.items()]
    return pd.DataFrame(rows, columns=["kriterium", "vikt", "värde_poäng"])


def optimization_sheets(plan: OptimizedPlan) -> dict[str, pd.DataFrame]:
    """Every table of the optimised plan, sheet name → frame (Swedish headers, amounts in kr)."""
    data = plan.data
    inv = plan.investments
    sheets: dict[str, pd.DataFrame] = {
        "Sammanfattning": facts_sheet(plan),
        "Plan": plan_sheet(data, plan.schedule, inv, plan.choice.reasons_in),
        "Ej valda": left_out_sheet(data, plan.schedule, plan.choice.reasons_out, plan.choice.default_reason_out),
        "Investeringar per kategori": investment_by_category(plan).pivot_table(
            index="år", columns="kategori", values="belopp_kr", aggfunc="sum", fill_value=0.0).reset_index()
        if len(inv) else pd.DataFrame({"år": np.asarray(data.years, dtype=int)}),
        "Mål per år": target_rows(plan.forecast, data),
        "Bindande mål": binding_sheet(plan),
        "Värdet av mer utrymme": marginal_sheet(plan),
        "Senarelagda och ej valda": project_reason_sheet(plan),
        "Kriterier": criteria_sheet(plan),
        "Kontroll mot prognosen": plan_check(plan),
    }
    if plan.choice.comparison is not None:
        sheets["Jämförelse rangordning"] = plan.choice.comparison
    return sheets


# --- charts --------------------------------------------------------------------------------------------------


#: One colour per project type, in :data:`~hushall.reports.plan_tables.PROJECT_TYPE_LABELS`' order (Vega's
#: "tableau10", its grey left for the reinvestment outside the projects), the same in every plan.
PROJECT_TYPE_COLOURS = ("#4C78A8", "#F58518", "#E45756", "#72B7B2", "#54A24B", "#EECA3B", "#B279A2")


def investment_category_chart(plan: OptimizedPlan, *, width: int = 640, height: int = 260) -> alt.TopLevelMixin:
    """Investment per year, stacked by project type with the reinvestment outside the projects on top (Mkr,
    current prices): the bars are the forecast's whole investment."""
    df = investment_by_category(plan)
    df = df.assign(mkr=df["belopp_kr"] / 1e6, år=df["år"].astype(str))
    present = set(df["kategori"])
    order = [v for v in PROJECT_TYPE_LABELS.values() if v in present] + [REINVESTMENT_SERIES]
    colours = {**dict(zip(PROJECT_TYPE_LABELS.values(), PROJECT_TYPE_COLOURS, strict=True)),
               REINVESTMENT_SERIES: INVESTMENT_COLOURS[REINVESTMENT_SERIES]}
    chart = alt.Chart(df.assign(ordning=df["kategori"].map({k: i for i, k in enumerate(order)}))).mark_bar(
        stroke="#222222", strokeWidth=0.4).encode(
        x=alt.X("år:O", title="År", axis=alt.Axis(labelAngle=-90)),
        y=alt.Y("sum(mkr):Q", title="Mkr (löpande priser)"),
        color=alt.Color("kategori:N", title="Investering", sort=order,
                        scale=alt.Scale(domain=order, range=[colours[k] for k in order])),
        order=alt.Order("ordning:Q"),
        tooltip=[alt.Tooltip("år:O", title="År"), alt.Tooltip("kategori:N", title="Typ"),
                 alt.Tooltip("mkr:Q", title="Mkr", format=",.1f")],
    )
    return _configure(chart.properties(width=width, height=height,
                                       title=alt.Title("Investeringar per år, optimerad plan", subtitle=[
                                           "Projekten per typ och reinvesteringarna i befintliga anläggningar "
                                           "utöver dem."])))


def optimization_charts(plan: OptimizedPlan) -> dict[str, alt.TopLevelMixin]:
    """File stem → chart: investment by category; result, debt, soliditet and every target against its bound."""
    charts: dict[str, alt.TopLevelMixin] = {
        "investeringar_per_kategori": investment_category_chart(plan),
        "resultat": result_chart(plan.forecast),
        "laneskuld": debt_chart(plan.forecast),
        "soliditet": soliditet_chart(plan.forecast),
    }
    targets = target_rows(plan.forecast, plan.data)
    if len(targets):
        charts["mal"] = targets_chart(targets)
    return charts


def write_optimization_outputs(plan: OptimizedPlan, out_dir: str | Path) -> list[Path]:
    """Write plan.xlsx, one CSV per sheet and the charts (PNG and SVG) into ``out_dir``."""
    out = Path(out_dir)
    files = write_tables(out, "plan.xlsx", optimization_sheets(plan))
    for name, chart in optimization_charts(plan).items():
        files += save_chart_files(chart, out / name)
    return files


# --- terminal ------------------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 100, indent: str = "    ") -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent]


def violation_lines(violations: list[dict[str, Any]]) -> list[str]:
    """One line per target: the years it is broken and the largest violation (kr or projects)."""
    by_target: dict[str, list[dict[str, Any]]] = {}
    for v in violations:
        by_target.setdefault(str(v.get("target", "")), []).append(v)
    lines = []
    for tid, vs in by_target.items():
        worst = max(float(v.get("violation", 0.0)) for v in vs)
        unit = vs[0].get("unit")
        amount = fmt_amount(worst) if unit == "kr" else f"{fmt_number(worst)} {unit}"
        lines.append(f"{tid} {vs[0].get('label', '')}: {year_ranges([int(v['year']) for v in vs])}, "
                     f"som mest {amount}")
    return lines


def investment_split_lines(fc: Forecast) -> list[str]:
    """The plan's investment per year split into the projects' and the reinvestment beside it (current prices,
    the summary years of the plan document), as terminal lines."""
    from hushall.reports.document.layout import summary_years

    projects, renewal = project_investment_kr(fc), np.asarray(fc.statements["reinvesteringar"], dtype=float)
    years = list(fc.years)
    rows = [(str(y), fmt_mkr(projects[i]), fmt_mkr(renewal[i]), fmt_mkr(projects[i] + renewal[i]))
            for y in summary_years(years) for i in [years.index(y)]]
    header = ("År", "Projekt", "Reinvesteringar", "Summa")
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(header)]
    out = ["Investeringar per år (löpande priser): projekten och reinvesteringen bredvid dem:"]
    out += ["  " + "  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(r, widths,
                                                                                              strict=True)))
            for r in [header, *rows]]
    return out


def optimization_summary(plan: OptimizedPlan, *, max_projects: int = 8, verdict: Verdict | None = None) -> str:
    """Terminal summary: status and gap, the plan year by year, what was left out and why, binding targets,
    the value of more room, the targets per year, the comparison with the benefit/cost ranking and the verdict
    (``plan.verdict`` unless ``verdict`` is given, e.g. with its risk part)."""
    r, data, fc, choice = plan.result, plan.data, plan.forecast, plan.choice
    names = dict(zip(data.projects["project_id"].astype(str), data.projects["name"].astype(str), strict=True))
    cost = dict(zip(data.projects["project_id"].astype(str), data.projects["cost_kr"].astype(float), strict=True))
    lines = [f"Optimerad investeringsplan för {data.name} {fc.years[0]}–{fc.years[-1]}", ""]
    lines += [f"{label}: {value}" for label, value in choice.facts]
    if getattr(r, "renewal", None) is not None:
        lines.append(RENEWAL_DECIDED_TEXT)
    lines += ["", f"Planen år för år (startår, kostnad i {data.price_base_year} års priser):"]
    by_year: dict[int, list[str]] = {}
    for pid, start in sorted(choice.schedule.items(), key=lambda kv: (kv[1], kv[0])):
        by_year.setdefault(int(start), []).append(pid)
    for year, pids in sorted(by_year.items()):
        total = sum(cost.get(p, 0.0) for p in pids)
        lines.append(f"  {year}  {fmt_mkr(total):>10}")
        lines += [f"        {p} {names.get(p, '')} ({fmt_mkr(cost.get(p))})" for p in pids]
    lines += ["", *investment_split_lines(fc)]
    left = [pid for pid in names if pid not in choice.schedule]
    if left:
        lines += ["", f"Ej valda ({len(left)}):"]
        for pid in left[:max_projects]:
            reason = choice.reasons_out.get(pid) or choice.default_reason_out
            lines.append(f"  {pid} {names[pid]} ({fmt_mkr(cost.get(pid))})")
            lines += _wrap(reason)
        if len(left) > max_projects:
            lines.append(f"  … och {len(left) - max_projects} till (se plan.xlsx).")
    postponed = list(choice.postponed.items())
    if postponed:
        lines += ["", "Senarelagda:"]
        for pid, text in postponed[:max_projects]:
            lines.append(f"  {pid} {names.get(pid, '')}")
            lines += _wrap(text)
    binding = binding_sheet(plan)
    if len(binding):
        lines += ["", "Mål och tak som begränsar planen (bindande år):"]
        lines += [f"  {b.mål}: {b.bindande_år}" for b in binding.itertuples(index=False)]
    infeasible = (getattr(r, "explanations", None) or {}).get("infeasibility") or {}
    if infeasible and not infeasible.get("feasible", True):
        lines += ["", "Målen kan inte nås samtidigt. Minsta möjliga avvikelse, mål för mål (planen ovan åstadkommer "
                      "den):"]
        for v in violation_lines(infeasible.get("violations") or []):
            lines.append(f"  {v}")
    marginal = marginal_sheet(plan)
    if not infeasible.get("feasible", True):  # shadow prices then price the violation penalty: meaningless
        marginal = marginal.iloc[0:0]
    worth = marginal[marginal[list(MARGINAL_VALUE_COLUMNS)].astype(float).fillna(0.0).max(axis=1)
                     >= NEGLIGIBLE_POINTS]
    if len(worth):
        lines += ["", "Vad 1 Mkr mer utrymme i ett bindande mål eller tak vore värt (poäng av planens nytta, inte "
                      "kronor; exakt med samma projekt och startår, där bara reinvesteringar och finansiering "
                      "ändras; LP-skattning; och omräknat där optimeraren räknade om planen):"]
        for cells in marginal_rows(worth, rows=max_projects):
            target, when, step, held, estimate, again = cells
            lines.append(f"  {target} {when}, {step}: samma projekt {held}, LP-skattning {estimate}, "
                         f"omräknat {again}")
        skipped = (getattr(plan.result, "explanations", None) or {}).get("resolve_skipped")
        if skipped:
            lines.append(f"  ({skipped[0].upper()}{skipped[1:]}.)")
    if len(worth) < len(marginal):
        lines.append(f"  ({len(marginal) - len(worth)} bindande mål-år till är värda mindre än "
                     f"{fmt_number(NEGLIGIBLE_POINTS, 3)} poäng per steg.)")
    if len(fc.targets):
        lines += ["", "Målen med planen (✓ uppfyllt, ✗ inte uppfyllt, · gäller inte)"]
        lines += target_grid_lines(fc)
    lines += [f"  {t}" for t in extremes_between(fc)]  # a loss or a debt peak between the first and last year
    if choice.comparison is not None and len(choice.comparison):
        lines += ["", "Jämförelse med rangordning efter nytta per krona (så som de flesta kommuner gör i dag):"]
        for row in choice.comparison.itertuples(index=False):
            value = finite_or_none(getattr(row, "värde_poäng", None))
            lines.append(f"  {row.plan}: {row.antal_projekt} projekt, värde "
                         f"{'–' if value is None else fmt_number(value, 2)} poäng, bryter: {row.mål_som_bryts}")
        within = (getattr(r, "ranking", None) or {}).get("within_targets") or {}
        gain = finite_or_none(within.get("value_gain"))
        if gain is not None and within.get("meets_targets"):
            lines.append(f"  Den optimerade planen ger {fmt_pct(gain)} mer värde än rangordningen finansierad bara så "
                         "långt alla mål håller.")
    lines += ["", *verdict_block(verdict or plan.verdict, target_names(data))]
    check = plan_check(plan)
    if len(check):
        worst = float(check["största_skillnad_kr"].max())
        lines += ["", f"Kontroll: prognosen av planen och optimeringen skiljer högst {fmt_kr(worst)} "
                      f"({'stämmer på kronan' if worst < 1.0 else 'AVVIKER'})."]
    return "\n".join(lines)


__all__ = [
    "OptimizedPlan",
    "describe_optimization",
    "investment_by_category",
    "optimization_charts",
    "optimization_sheets",
    "optimization_summary",
    "plan_check",
    "write_optimization_outputs",
]

