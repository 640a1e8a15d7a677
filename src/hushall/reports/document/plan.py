"""Chapter 3 of the plan document, *Planen*: which plan it presents and why (:class:`PlanChoice`, read from a plan
study), the projects per year, what was left out and why, how the plan was made and what more room would give."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from hushall.formatting import finite_or_none, fmt_mkr, fmt_number, fmt_pct, fmt_places
from hushall.model import MunicipalityData
from hushall.optimize.result import OptimizationResult
from hushall.projects import Schedule
from hushall.reports import plan_charts
from hushall.reports.document.layout import Charts, frame_table, mkr_cell
from hushall.reports.document.maps import plan_map
from hushall.reports.pdf_layout import PlanPDF
from hushall.reports.plan_reasons import (
    GAP_LABEL,
    MARGINAL_HEADERS,
    MARGINAL_ROWS,
    NOT_IN_GIVEN_PLAN,
    NOT_KEPT_REASON,
    OPTIMISED_METHOD_PLAIN,
    comparison_sentences,
    constraint_sentences,
    marginal_highlights,
    marginal_rows,
    marginal_sentences,
    marginal_table,
    project_reasons,
    ranking_comparison,
    target_names,
)
from hushall.study.migrate import LABEL as MIGRATED_LABEL
from hushall.study.study import PlanStudy

if TYPE_CHECKING:
    from hushall.reports.document.content import PlanDocument


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


def _number_fact(label: str, value: Any, fmt: Callable[[float], str]) -> list[tuple[str, str]]:
    x = finite_or_none(value)
    return [] if x is None else [(label, fmt(x))]


def _points_fact(label: str, points: Any) -> list[tuple[str, str]]:
    """A value in the optimiser's points. No kr beside it: a point is not a krona, and points times what a point
    costs on average would read as a benefit in money (the value of the plan is not a budget amount)."""
    value = finite_or_none(points)
    return [] if value is None else [(label, fmt_number(value, 2) + " poäng")]


def plan_from_optimization(data: MunicipalityData, result: OptimizationResult) -> PlanChoice:
    """Read the optimiser's result: its plan, status, objective, gap, explanations and the comparison with the
    ranking list, in Swedish sentences (:mod:`hushall.reports.plan_reasons`)."""
    schedule = Schedule(result.schedule_dict)
    names = target_names(data)
    facts: list[tuple[str, str]] = [("Metod", OPTIMISED_METHOD_PLAIN), ("Status", result.message)]
    kpp = finite_or_none(result.kr_per_point)
    pby = int(data.price_base_year)
    facts += _points_fact("Planens nettonytta", result.objective)
    facts += _points_fact("Högsta möjliga nettonytta (bevisad gräns)", result.bound)
    facts += _number_fact(GAP_LABEL, result.gap, lambda x: fmt_pct(x, 2))
    if kpp:
        facts.append(("Vad en poäng kostar i snitt bland projekten",
                      f"{fmt_mkr(kpp, 1)} ({pby} års priser; ett snitt, inget pris på nyttan: poäng är inte kronor)"))
    facts += _number_fact("Tid för optimering och förklaringar", result.timings.get("total_s"),
                          lambda x: f"{fmt_number(x, 1)} s")
    explanations = result.explanations
    decided = getattr(result, "renewal", None) is not None
    chooses = ("projekt, startår och reinvesteringen per anläggningsgrupp och år (förnya, skjuta upp eller "
               "avveckla)" if decided else "projekt och startår")
    sentences: list[str] = [
        f"Optimeringen väljer {chooses} så att planens nettonytta blir så stor som möjligt: kriterierna "
        "i fliken Mål med rådets vikter, plus den underhållsskuld och de saknade platser som projekten undviker. "
        "Varje finansiellt mål och tak ska hålla varje år i prognosen."]
    reasons = project_reasons(data, result, dict(schedule), names)  # the plan page's reasons too
    sentences += constraint_sentences(explanations, names)
    marginal: pd.DataFrame | None = None
    marginal_notes: list[str] = []
    records = [r for r in explanations.get("marginal_value") or [] if isinstance(r, Mapping)]
    if records:
        marginal = marginal_table(records, names)
        marginal_notes = (marginal_highlights(marginal, finite_or_none(result.objective))
                          + marginal_sentences(records, kpp, min(len(marginal), MARGINAL_ROWS)))
    comparison = (ranking_comparison(result, len(schedule), result.ranking, names)
                  if isinstance(result.ranking, Mapping) else None)
    return PlanChoice(schedule=schedule, label="Optimerad plan",
                      method=PLAIN_METHOD_WITH_RENEWAL if decided else PLAIN_METHOD,
                      reasons_in={k: v for k, v in reasons.chosen.items() if v}, reasons_out=reasons.left_out,
                      explanations=sentences, facts=facts, comparison=comparison, postponed=reasons.postponed,
                      marginal=marginal, marginal_notes=marginal_notes,
                      comparison_notes=[] if comparison is None else comparison_sentences(comparison))


#: How an optimised plan was made, as the cover and the plan chapter say it to a board member (the solver's name
#: is in section 3.3, for officials).
PLAIN_METHOD = "Optimering: projekt och startår som ger mest nytta inom de finansiella målen och taken"
#: The same when the optimiser also decided the reinvestment (:mod:`hushall.optimize.renewal_decisions`).
PLAIN_METHOD_WITH_RENEWAL = ("Optimering: projekt, startår och reinvestering som ger mest nytta inom de finansiella "
                             "målen och taken")


def committed_plan(schedule: Mapping[str, int]) -> PlanChoice:
    """The projects already decided (``måste`` or ``fast_startår``; the study's ``committed`` plan)."""
    return PlanChoice(
        schedule=Schedule(schedule),
        label="Bundna projekt",
        method="De projekt som måste genomföras eller redan har ett fast startår (måste = ja eller fast startår "
               "i fliken Projekt).",
        default_reason_out="Inte bundet: projektet har varken måste = ja eller ett fast startår.",
    )


def given_plan(schedule: Mapping[str, int], label: str = "Plan enligt fil") -> PlanChoice:
    """A plan chosen outside Hushåll (e.g. read from a file)."""
    return PlanChoice(schedule=Schedule(schedule), label=label, method=label, default_reason_out=NOT_IN_GIVEN_PLAN)


def kept_plan(schedule: Mapping[str, int]) -> PlanChoice:
    """An optimised plan stored before the study layer (:mod:`hushall.study.migrate`): its projects were chosen
    by the optimiser, whose reasons were not kept."""
    return PlanChoice(schedule=Schedule(schedule), label="Optimerad plan",
                      method="Optimering (en äldre körning: optimerarens förklaringar sparades inte)",
                      default_reason_out=NOT_KEPT_REASON)


def plan_of_study(data: MunicipalityData, study: PlanStudy) -> PlanChoice:
    """The plan of a study as the document describes it: the optimiser's reasons when it was optimised, the
    committed projects, or a plan chosen elsewhere under its label."""
    if study.optimization is not None:
        return plan_from_optimization(data, study.optimization)
    if study.plan.source == "committed":
        return committed_plan(study.schedule)
    if study.plan.label == MIGRATED_LABEL:
        return kept_plan(study.schedule)
    return given_plan(study.schedule, study.plan.label or "Angiven plan")


def timeline_chart(doc: PlanDocument) -> Any:
    """Section 3.1's chart of the plan's projects from start to completion (``None`` for an empty plan)."""
    return (plan_charts.plan_timeline_chart(doc.plan_table, price_base_year=int(doc.data.price_base_year))
            if len(doc.plan_table) else None)


def investment_chart(doc: PlanDocument) -> Any:
    """Section 3.1's chart of the investment per year against the ceiling, the projects' part apart from the
    reinvestment beside them (fixed prices)."""
    ceiling = doc.data.targets[doc.data.targets["target_type"] == "investeringstak_kr"]["limit"]
    st = doc.forecast.statements
    return plan_charts.investment_chart(doc.years, st["investeringar_fasta_priser"],
                                        reinvestment_kr=st["reinvesteringar_fasta_priser"],
                                        ceiling_kr=float(ceiling.min()) if len(ceiling) else None,
                                        price_base_year=doc.data.price_base_year)


def plan_chapter(pdf: PlanPDF, doc: PlanDocument, charts: Charts) -> None:
    plan, pby = doc.plan_table, doc.data.price_base_year
    pdf.chapter("3. Planen")
    method = doc.plan.method
    if method.startswith("Optimering"):
        intro = f"{doc.plan.label}, framtagen med {method[0].lower()}{method[1:]} (hur, se avsnitt 3.3)"
    else:
        intro = doc.plan.label if method == doc.plan.label else f"{doc.plan.label}. {method}"
    pdf.paragraph(intro if intro.endswith(".") else intro + ".")
    for sentence in doc.plan.explanations:
        pdf.paragraph(sentence)
    pdf.section("3.1 Projekt per år")
    if len(plan):
        rows = [[r.projekt_id, r.namn, r.typ, str(r.startår), str(r.klart_år), mkr_cell(r.kostnad_kr),
                 mkr_cell(r.utgift_löpande_priser_kr), fmt_places(r.platser_förändring) if r.platser_förändring else ""]
                for r in plan.itertuples(index=False)]
        rows.append(["", "Summa", "", "", "", mkr_cell(plan["kostnad_kr"].sum()),
                     mkr_cell(plan["utgift_löpande_priser_kr"].sum()), ""])
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
        png, size = charts.png(timeline_chart(doc))
        pdf.figure(png, size_px=size, caption="Planens projekt från start till färdigt.")
        plan_map(pdf, doc, charts)
        if "kapitalkostnad_kr_år" in plan:
            pdf.subheading("Driftkonsekvenser: vad projekten kostar varje år när de är klara")
            cons = [[r.projekt_id, r.namn, str(r.klart_år + 1), mkr_cell(r.kapitalkostnad_kr_år),
                     mkr_cell(r.driftkonsekvens_kr_år), mkr_cell(r.summa_driftkonsekvens_kr_år)]
                    for r in plan.itertuples(index=False)]
            cons.append(["", "Summa", "", mkr_cell(plan["kapitalkostnad_kr_år"].sum()),
                         mkr_cell(plan["driftkonsekvens_kr_år"].sum()),
                         mkr_cell(plan["summa_driftkonsekvens_kr_år"].sum())])
            pdf.data_table(["Id", "Projekt", "Från", "Kapitalkostnad", "Drift", "Summa"], cons,
                           widths=[13, 78, 14, 25, 20, 24], align=["L", "L", "R", "R", "R", "R"],
                           bold_rows=[False] * (len(cons) - 1) + [True], size=8,
                           caption=f"Tabell: driftkonsekvenser per år, Mkr ({pby} års priser). Kapitalkostnad = "
                                   "avskrivningar + ränta på investeringen (låneportföljens ränta); drift = "
                                   "den ändrade driftkostnaden som förvaltningen angett (− = besparing).")
    else:
        pdf.paragraph("Planen innehåller inga projekt.")
    png, size = charts.png(investment_chart(doc))
    pdf.figure(png, size_px=size, caption=f"Investeringar per år i {pby} års priser.")

    pdf.section("3.2 Det som inte kom med, och varför", min_space=60)
    if len(doc.left_out):
        rows = [[r.projekt_id, r.namn, mkr_cell(r.kostnad_kr), f"{r.tidigast_start}–{r.senast_start}", r.skäl]
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
        pdf.data_table(list(MARGINAL_HEADERS), rows, widths=[50, 12, 22, 30, 28, 32],
                       align=["L", "R", "L", "R", "R", "R"], size=8, keep_together=True,
                       caption="Tabell: planens ökade nytta i poäng (inte kronor) om gränsen flyttas ett steg")


def _comparison_table(pdf: PlanPDF, comp: pd.DataFrame) -> None:
    """The plan against the ranking list (:func:`hushall.reports.plan_reasons.ranking_comparison`); any other
    frame as it is."""
    needed = {"plan", "antal_projekt", "värde_poäng", "uppfyller_alla_mål", "mål_som_bryts"}
    if not needed <= set(comp.columns):
        frame_table(pdf, comp, caption="Tabell: planen jämförd med en rangordning av projekten")
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
