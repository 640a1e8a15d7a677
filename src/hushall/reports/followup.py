"""The follow-up in Swedish: terminal text, tables, the chart of planned against built, and the files of ``--out``.

The figures are those of :mod:`hushall.followup`; this module only formats them (RKR R14 terms).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from hushall.followup import ALL_COMMITTEES, FollowUp, MeasuredRates
from hushall.formatting import finite_or_none, fmt_mkr, fmt_number, fmt_pct
from hushall.reports.charts import SEGMENT_OUTLINE, _configure, save_chart
from hushall.reports.excel import write_tables

STATUS_LABELS = {"ej_påbörjat": "ej påbörjat", "pågående": "pågående", "avslutat": "avslutat"}
#: Bars of the chart: original budget, budget including carry-overs, outcome (Tol muted, distinct in grey).
SERIES = (("budget_kr", "Ursprunglig budget", "#DDCC77"), ("revised_budget_kr", "Budget inkl. ombudgetering",
                                                              "#88CCEE"), ("outcome_kr", "Utfall", "#332288"))


def _pct(x: Any) -> str:
    return fmt_pct(finite_or_none(x), 0)


def execution_table(follow: FollowUp) -> pd.DataFrame:
    """Budget, outcome and execution rate per year and nämnd (Swedish headers, amounts in kr)."""
    ex = follow.execution.reset_index()
    return pd.DataFrame({
        "år": ex["year"].astype(int), "nämnd": ex["committee"],
        "ursprunglig budget (kr)": ex["budget_kr"], "ombudgeterat (kr)": ex["carried_over_kr"],
        "budget inkl. ombudgetering (kr)": ex["revised_budget_kr"], "utfall (kr)": ex["outcome_kr"],
        "genomförandegrad": ex["execution_rate"], "mot ursprunglig budget": ex["execution_rate_original"],
    })


def project_year_table(follow: FollowUp) -> pd.DataFrame:
    """Per project and year: the R14 figures (Swedish headers, kr)."""
    py = follow.project_years
    return pd.DataFrame({
        "projekt": py["project_id"], "namn": py["name"], "nämnd": py["committee"], "år": py["year"].astype(int),
        "ursprunglig budget (kr)": py["budget_kr"], "ombudgeterat (kr)": py["carried_over_kr"],
        "budget inkl. ombudgetering (kr)": py["revised_budget_kr"], "utfall (kr)": py["outcome_kr"],
        "ej förbrukat (kr)": py["unspent_kr"], "ackumulerad utgift (kr)": py["accumulated_kr"],
        "beslutad totalutgift (kr)": py["decided_total_kr"], "prognos totalutgift (kr)": py["forecast_total_kr"],
        "avvikelse (kr)": py["deviation_kr"], "status": py["status"].map(STATUS_LABELS),
    })


def project_table(follow: FollowUp) -> pd.DataFrame:
    """Per project at its last reported year: decided total, forecast, deviation, late and over cost."""
    p = follow.projects
    return pd.DataFrame({
        "projekt": p.index, "namn": p["name"], "nämnd": p["committee"], "typ": p["project_type"],
        "status": p["status"].map(STATUS_LABELS), "beslutad totalutgift (kr)": p["decided_total_kr"],
        "prognos totalutgift (kr)": p["forecast_total_kr"], "avvikelse (kr)": p["deviation_kr"],
        "kostnadsavvikelse mot första beslut": p["overrun_share"],
        "planerat klart": p["planned_completion_year"], "klart/prognos": p["completion_year"],
        "försenat (år)": p["delay_years"], "ombudgeteras till planens första år (kr)": p["carry_into_plan_kr"],
        "kvar att utföra (kr)": p["remaining_kr"],
    }).reset_index(drop=True)


def rates_table(rates: MeasuredRates) -> pd.DataFrame:
    """Measured execution rate and cost overrun with their spread, by nämnd and by project type."""
    c = rates.by_committee.reset_index()
    t = rates.by_type.reset_index()
    rows = [{"grupp": "nämnd", "namn": r["committee"], "genomförandegrad": r["execution_rate"],
             "spridning (sd mellan år)": r["execution_sd"], "år": int(r["years"]),
             "kostnadsavvikelse": None, "spridning kostnadsavvikelse": None, "avslutade projekt": None}
            for _, r in c.iterrows()]
    rows += [{"grupp": "projekttyp", "namn": r["project_type"], "genomförandegrad": r["execution_rate"],
              "spridning (sd mellan år)": r["execution_sd"], "år": int(r["years"]),
              "kostnadsavvikelse": r["overrun_mean"], "spridning kostnadsavvikelse": r["overrun_sd"],
              "avslutade projekt": int(r["finished"])} for _, r in t.iterrows()]
    rows.append({"grupp": "alla", "namn": ALL_COMMITTEES, "genomförandegrad": rates.execution_mean,
                 "spridning (sd mellan år)": rates.execution_sd, "år": rates.n_years,
                 "kostnadsavvikelse": rates.overrun_mean, "spridning kostnadsavvikelse": rates.overrun_sd_log,
                 "avslutade projekt": rates.n_finished})
    return pd.DataFrame(rows)


def followup_sheets(follow: FollowUp, rates: MeasuredRates) -> dict[str, pd.DataFrame]:
    return {"Genomförandegrad": execution_table(follow), "Projekt per år": project_year_table(follow),
            "Projekt": project_table(follow), "Uppmätt": rates_table(rates)}


def planned_vs_built_chart(follow: FollowUp, *, width: int = 560, height: int = 300) -> alt.TopLevelMixin:
    """Grouped bars per year: original budget, budget including carry-overs and outcome, all nämnder (Mkr)."""
    totals = follow.totals()
    rows = [{"år": str(int(year)), "serie": label, "ordning": i, "mkr": float(totals.loc[year, col]) / 1e6,
             "grad": _pct(totals.loc[year, "execution_rate"])}
            for year in totals.index for i, (col, label, _) in enumerate(SERIES)]
    frame = pd.DataFrame(rows)
    labels = [label for _, label, _ in SERIES]
    chart = alt.Chart(frame).mark_bar(stroke=SEGMENT_OUTLINE, strokeWidth=0.6).encode(
        x=alt.X("år:O", title="År", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("serie:N", sort=labels),
        y=alt.Y("mkr:Q", title="Mkr", axis=alt.Axis(format=",.0f")),
        color=alt.Color("serie:N", title=None, sort=labels,
                        scale=alt.Scale(domain=labels, range=[colour for _, _, colour in SERIES]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("år:O", title="År"), alt.Tooltip("serie:N", title="Serie"),
                 alt.Tooltip("mkr:Q", title="Mkr", format=",.1f"),
                 alt.Tooltip("grad:N", title="Genomförandegrad")],
    ).properties(width=width, height=height, title=alt.Title(
        "Planerat och byggt", subtitle="Investeringar i de uppföljda projekten, alla nämnder"))
    return _configure(chart)


def followup_summary(follow: FollowUp, rates: MeasuredRates, kommun: str) -> str:
    """The follow-up as terminal text (Swedish)."""
    years = follow.years
    lines = [f"Uppföljning av investeringarna, {kommun} {years[0]}–{years[-1]} (RKR R14)", ""]
    lines.append("Genomförandegrad (utfall mot budget inklusive ombudgetering):")
    for year, r in follow.totals().iterrows():
        lines.append(f"  {int(year)}: budget {fmt_mkr(r['budget_kr'])} + ombudgeterat {fmt_mkr(r['carried_over_kr'])}"
                     f" = {fmt_mkr(r['revised_budget_kr'])}, utfall {fmt_mkr(r['outcome_kr'])}: "
                     f"{_pct(r['execution_rate'])}")
    lines += ["", "Per nämnd (alla år):"]
    for name, r in rates.by_committee.iterrows():
        spread = ("" if pd.isna(r["execution_sd"])
                  else f", standardavvikelse {fmt_number(100 * r['execution_sd'])} procentenheter mellan åren")
        lines.append(f"  {name}: {_pct(r['execution_rate'])} ({int(r['years'])} år{spread})")
    late, over = follow.late, follow.over_cost
    lines += ["", f"Försenade projekt ({len(late)}):"]
    lines += [f"  {pid} {r['name']}: planerat klart {int(r['planned_completion_year'])}, "
              f"{'klart' if r['status'] == 'avslutat' else 'prognos'} {int(r['completion_year'])}"
              for pid, r in late.iterrows()] or ["  inga"]
    lines += ["", f"Över beslutad totalutgift ({len(over)}):"]
    lines += [f"  {pid} {r['name']}: beslutat {fmt_mkr(r['decided_total_kr'])}, prognos "
              f"{fmt_mkr(r['forecast_total_kr'])} (avvikelse {fmt_mkr(r['deviation_kr'])})"
              for pid, r in over.iterrows()] or ["  inga"]
    overrun = ("kan inte mätas (inget avslutat projekt)" if rates.overrun_mean is None
               else f"{_pct(rates.overrun_mean)} i snitt för {rates.n_finished} avslutade projekt")
    lines += ["", f"Ombudgeteras till {follow.base_year + 1}: {fmt_mkr(follow.carried_into_plan_kr)}.",
              f"Uppmätt genomförandegrad {_pct(rates.execution_mean)} och kostnadsavvikelse {overrun} ersätter "
              "antagandena i riskanalysen (Monte Carlo)."]
    return "\n".join(lines)


def to_json_dict(follow: FollowUp, rates: MeasuredRates) -> dict[str, Any]:
    """The follow-up as JSON-ready records (internal names, kr and shares)."""
    def records(df: pd.DataFrame) -> list[dict[str, Any]]:
        clean = df.astype(object).where(df.notna(), None)
        return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                for r in clean.to_dict(orient="records")]

    return {
        "basår": follow.base_year, "år": list(follow.years),
        "genomförandegrad": records(follow.execution.reset_index()),
        "projekt_per_år": records(follow.project_years),
        "projekt": records(follow.projects.reset_index()),
        "försenade": list(follow.late.index), "över_kostnad": list(follow.over_cost.index),
        "ombudgeteras_kr": follow.carried_into_plan_kr,
        "uppmätt": {"genomförandegrad": rates.execution_mean, "spridning": rates.execution_sd,
                    "spridning_logit": rates.execution_sd_logit, "år": rates.n_years,
                    "kostnadsavvikelse": rates.overrun_mean, "spridning_kostnadsavvikelse_log": rates.overrun_sd_log,
                    "avslutade_projekt": rates.n_finished, "källa": rates.source},
    }


def write_followup_outputs(follow: FollowUp, rates: MeasuredRates, out_dir: str | Path) -> list[Path]:
    """Write ``uppfoljning.xlsx``, one CSV per sheet and the chart (PNG, SVG) to ``out_dir``."""
    folder = Path(out_dir)
    written = write_tables(folder, "uppfoljning.xlsx", followup_sheets(follow, rates))
    chart = planned_vs_built_chart(follow)
    written += [save_chart(chart, folder / f"planerat_och_byggt{suffix}") for suffix in (".png", ".svg")]
    return written


def followup_chapter(pdf: Any, data: Any, charts: Any, number: int, replan: Any = None) -> None:
    """Chapter *Uppföljning av investeringarna* of the plan document (only when the data has outcomes), with the
    section on the re-plan from today when ``replan`` (:class:`hushall.optimize.replan.Replan`) is given.

    ``pdf`` is the document's :class:`~hushall.reports.pdf_layout.PlanPDF`, ``charts`` its chart renderer (a
    ``png(chart)`` method giving the file and its size).
    """
    from hushall.followup import follow_up, measured_rates

    follow = follow_up(data)
    if follow.empty:
        return
    rates = measured_rates(follow)
    years = follow.years
    pdf.chapter(f"{number}. Uppföljning av investeringarna")
    pdf.paragraph(
        f"Vad som byggdes mot vad som planerades {years[0]}–{years[-1]} (fliken Utfall), med begreppen i RKR R14 "
        "Drift- och investeringsredovisning. Genomförandegraden är årets utfall i förhållande till årets budget "
        "inklusive ombudgetering, det vill säga outnyttjad budget som flyttats från föregående år.")
    rows = [[str(int(y)), fmt_mkr(r["budget_kr"]), fmt_mkr(r["carried_over_kr"]), fmt_mkr(r["revised_budget_kr"]),
             fmt_mkr(r["outcome_kr"]), _pct(r["execution_rate"])] for y, r in follow.totals().iterrows()]
    pdf.data_table(["År", "Budget", "Ombudgeterat", "Budget inkl. omb.", "Utfall", "Genomförandegrad"], rows,
                   widths=[16, 30, 30, 34, 30, 34], align=["L", "R", "R", "R", "R", "R"], size=8.5,
                   caption="Budget och utfall, alla nämnder")
    png, size = charts.png(planned_vs_built_chart(follow))
    pdf.figure(png, size_px=size, caption="Ursprunglig budget, budget inklusive ombudgetering och utfall per år")
    pdf.section(f"{number}.1 Genomförandegrad per nämnd")
    rows = [[str(name), _pct(r["execution_rate"]),
             "–" if pd.isna(r["execution_sd"]) else fmt_number(100 * r["execution_sd"]), str(int(r["years"]))]
            for name, r in rates.by_committee.iterrows()]
    pdf.data_table(["Nämnd", "Genomförandegrad", "Spridning (procentenheter)", "År"], rows, widths=[70, 34, 44, 16],
                   align=["L", "R", "R", "R"], size=8.5)
    pdf.section(f"{number}.2 Försenade och fördyrade projekt")
    named = follow.projects[follow.projects["late"] | follow.projects["over_cost"]]
    rows = [[str(pid), str(r["name"]), STATUS_LABELS.get(r["status"], r["status"]), fmt_mkr(r["decided_total_kr"]),
             fmt_mkr(r["forecast_total_kr"]), fmt_mkr(r["deviation_kr"]),
             "–" if pd.isna(r["planned_completion_year"]) else str(int(r["planned_completion_year"])),
             str(int(r["completion_year"]))] for pid, r in named.iterrows()]
    pdf.data_table(["Projekt", "Namn", "Status", "Beslutat", "Prognos", "Avvikelse", "Plan klart", "Klart/progn."],
                   rows, widths=[15, 47, 16, 19, 19, 19, 17, 22], align=["L", "L", "L", "R", "R", "R", "R", "R"],
                   size=7.5, caption="Avvikelse = beslutad totalutgift − prognos (negativ = fördyring)")
    overrun = ("kunde inte mätas (inget avslutat projekt)" if rates.overrun_mean is None
               else f"{_pct(rates.overrun_mean)} i genomsnitt för {rates.n_finished} avslutade projekt")
    pdf.paragraph(
        f"{fmt_mkr(follow.carried_into_plan_kr)} av budgeten för pågående projekt är inte förbrukad vid basåret och "
        f"behöver ombudgeteras till {follow.base_year + 1}. Uppmätt genomförandegrad {_pct(rates.execution_mean)} "
        f"och kostnadsavvikelse {overrun} ersätter antagandena i riskanalysens Monte Carlo-beräkning (kapitel 5).")
    if replan is not None:
        replan_section(pdf, replan, f"{number}.3")


def followup_rows(follow: FollowUp, rates: MeasuredRates, delivery: pd.DataFrame | None = None) -> dict[str, Any]:
    """The follow-up as formatted rows (Swedish number formatting) for the web page; ``delivery``: the learned
    delivery capacity per nämnd (:func:`hushall.followup.learning.learned_delivery_ceilings`)."""
    years = [{"år": int(y), "budget": fmt_mkr(r["budget_kr"]), "ombudgeterat": fmt_mkr(r["carried_over_kr"]),
              "reviderad": fmt_mkr(r["revised_budget_kr"]), "utfall": fmt_mkr(r["outcome_kr"]),
              "grad": _pct(r["execution_rate"])} for y, r in follow.totals().iterrows()]
    committees = [{"år": int(y), "nämnd": str(n), "reviderad": fmt_mkr(r["revised_budget_kr"]),
                   "utfall": fmt_mkr(r["outcome_kr"]), "grad": _pct(r["execution_rate"])}
                  for (y, n), r in follow.execution.iterrows() if n != ALL_COMMITTEES]
    measured = [{"grupp": r["grupp"], "namn": r["namn"], "grad": _pct(r["genomförandegrad"]),
                 "spridning": "–" if pd.isna(r["spridning (sd mellan år)"])
                 else fmt_number(100 * r["spridning (sd mellan år)"]),
                 "avvikelse": "–" if r["kostnadsavvikelse"] is None or pd.isna(r["kostnadsavvikelse"])
                 else _pct(r["kostnadsavvikelse"])} for _, r in rates_table(rates).iterrows()]
    projects = [{"id": str(pid), "namn": str(r["name"]), "nämnd": str(r["committee"]),
                 "status": STATUS_LABELS.get(r["status"], r["status"]), "beslutat": fmt_mkr(r["decided_total_kr"]),
                 "prognos": fmt_mkr(r["forecast_total_kr"]), "avvikelse": fmt_mkr(r["deviation_kr"]),
                 "planerat": "–" if pd.isna(r["planned_completion_year"]) else int(r["planned_completion_year"]),
                 "klart": int(r["completion_year"]), "försenat": bool(r["late"]), "dyrare": bool(r["over_cost"])}
                for pid, r in follow.projects.iterrows()]
    capacity = [] if delivery is None else [
        {"nämnd": str(name), "tak": fmt_mkr(r["limit_kr"]), "år": int(r["year"]), "antal": int(r["years"])}
        for name, r in delivery.iterrows()]
    return {"years": years, "committees": committees, "measured": measured, "projects": projects,
            "capacity": capacity,
            "carried": fmt_mkr(follow.carried_into_plan_kr), "next_year": follow.base_year + 1,
            "execution": _pct(rates.execution_mean), "period": f"{follow.years[0]}–{follow.years[-1]}"}


# --- re-plan from today ----------------------------------------------------------------------------------------

CHANGE_ORDER = {"klart": 0, "pågår": 1, "utgår": 2, "senare": 3, "tidigare": 4, "ny i planen": 5, "oförändrad": 6}


def replan_table(replan: Any) -> pd.DataFrame:
    """What moved between the decided plan and the re-plan, and why (Swedish headers)."""
    c = replan.changes
    table = pd.DataFrame({
        "projekt": c["project_id"], "namn": c["name"], "beslutat startår": c["decided_start"],
        "nytt startår": c["new_start"], "ändring": c["change"], "skäl": c["reason"],
    })
    order = c["change"].map(CHANGE_ORDER).fillna(9)
    return table.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def replan_sheets(replan: Any) -> dict[str, pd.DataFrame]:
    r = replan.replanning
    finished = r.finished.reset_index()
    committed = r.committed.reset_index()
    return {
        "Ändringar": replan_table(replan),
        "Avslutade (sjunkna)": pd.DataFrame({
            "projekt": finished.get("project_id", []), "namn": finished.get("name", []),
            "nämnd": finished.get("committee", []), "startade": finished.get("actual_start", []),
            "klart": finished.get("completion_year", []), "utgift (kr)": finished.get("spent_kr", [])}),
        "Pågående (bundna)": pd.DataFrame({
            "projekt": committed.get("project_id", []), "namn": committed.get("name", []),
            "nämnd": committed.get("committee", []), "utgivet (kr)": committed.get("spent_kr", []),
            "kvar (kr)": committed.get("remaining_kr", []), "start": committed.get("start_year", []),
            "byggtid (år)": committed.get("duration_years", []),
            "över beslutad totalutgift (kr)": committed.get("over_decided_kr", [])}),
    }


def _counts(replan: Any) -> str:
    counts = replan.changes["change"].value_counts()
    parts = [f"{int(counts[k])} {k}" for k in ("utgår", "senare", "tidigare", "ny i planen", "oförändrad")
             if k in counts]
    return ", ".join(parts) or "inga ändringar"


def replan_summary(replan: Any) -> str:
    """The re-plan as terminal text (Swedish): sunk, committed, what moved and why."""
    r = replan.replanning
    first = r.data.first_year
    lines = [f"Omplanering från {first} för {r.original.name} (beslutad plan: {replan.decided_source})", "",
             f"Avslutat ({len(r.finished)} projekt, {fmt_mkr(r.sunk_kr)}): utgifterna ligger i bokslutet till och "
             f"med {r.original.base_year} och belastar inte planen.",
             f"Pågående ({len(r.committed)} projekt): {fmt_mkr(r.committed_kr)} kvar, bundet från {first}.",
             f"Övriga projekt: {_counts(replan)}.", "", "Ändringar mot den beslutade planen:"]
    table = replan_table(replan)
    for _, row in table[table["ändring"] != "oförändrad"].iterrows():
        lines.append(f"  {row['projekt']} {row['namn']}: {row['skäl']}")
    lines += ["", f"Optimeringen: {replan.result.message}"]
    if replan.result.violations:
        from hushall.reports.optimization import violation_lines

        lines += ["Mål och tak som den nya planen bryter:"] + [f"  {x}" for x in violation_lines(replan.result.violations)]
    return "\n".join(lines)


def replan_section(pdf: Any, replan: Any, number: str) -> None:
    """Section *Omplanering från i dag* of the follow-up chapter: sunk, committed, what moved and why."""
    r = replan.replanning
    first = r.data.first_year
    pdf.section(f"{number} Omplanering från i dag", min_space=60)
    pdf.paragraph(
        f"Det som är avslutat är sjunket: {len(r.finished)} projekt för {fmt_mkr(r.sunk_kr)} ligger i bokslutet till "
        f"och med {r.original.base_year} och belastar inte planen. Det som pågår är bundet: {len(r.committed)} "
        f"projekt med {fmt_mkr(r.committed_kr)} kvar enligt prognosen slutförs från {first}. Optimeringen planerar "
        f"resten från {first} med de pengar som faktiskt finns kvar (basårets bokslut). Jämfört med den beslutade "
        f"planen ({replan.decided_source}): {_counts(replan)}.")
    table = replan_table(replan)

    def year(x: Any) -> str:
        return "–" if pd.isna(x) else str(int(x))

    rows = [[str(t["projekt"]), str(t["namn"]), year(t["beslutat startår"]), year(t["nytt startår"]),
             str(t["ändring"]), str(t["skäl"])] for _, t in table[table["ändring"] != "oförändrad"].iterrows()]
    pdf.data_table(["Projekt", "Namn", "Beslutat", "Nytt", "Ändring", "Skäl"], rows,
                   widths=[14, 38, 15, 12, 17, 78], align=["L", "L", "R", "R", "L", "L"], size=7,
                   caption="Projekt som klarats av, pågår eller flyttats sedan den beslutade planen")


def render_replan_pdf(replan: Any, path: str | Path) -> Path:
    """A short document: the follow-up chapter with the re-plan (written atomically)."""
    import tempfile

    from hushall.files import atomic_path
    from hushall.reports.document.layout import Charts
    from hushall.reports.pdf_layout import PlanPDF

    data = replan.replanning.original
    pdf = PlanPDF(running_title=f"Uppföljning och omplanering · {data.name}", footer_note=data.name)
    pdf.set_title(f"Uppföljning och omplanering, {data.name}")
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="hushall-figurer-") as tmp:
        followup_chapter(pdf, data, Charts(Path(tmp)), number=1, replan=replan)
        with atomic_path(target) as tmp_pdf:
            pdf.output(str(tmp_pdf))
    return target


def write_replan_outputs(replan: Any, out_dir: str | Path) -> list[Path]:
    """Write ``omplanering.xlsx``, one CSV per sheet and ``omplanering.pdf`` to ``out_dir``."""
    folder = Path(out_dir)
    written = write_tables(folder, "omplanering.xlsx", replan_sheets(replan))
    written.append(render_replan_pdf(replan, folder / "omplanering.pdf"))
    return written
