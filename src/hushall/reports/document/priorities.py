"""Chapter *Vad kostar valen?* of the plan document, shown when the study carries a frontier
(:class:`hushall.study.frontier.Frontier`): the plan's value and maintenance debt against the investment frame,
what each target costs in value given up, and the priority ladder. How it is computed (time limits, gaps) is in a
grey paragraph for officials at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hushall.formatting import fmt_mkr, fmt_number, fmt_pct
from hushall.reports.frontier import ladder_sentence, price_basis, target_label
from hushall.reports.frontier_charts import frontier_chart, ladder_chart
from hushall.reports.pdf_layout import PlanPDF

if TYPE_CHECKING:
    from hushall.reports.document.content import PlanDocument
    from hushall.reports.document.layout import Charts

TITLE = "Vad kostar valen?"


def _value(points: float | None, kr_per_point: float) -> str:
    if points is None:
        return "–"
    return fmt_number(points, 1) + (f" (≈ {fmt_mkr(points * kr_per_point, 0)})" if kr_per_point else "")


def priorities_charts(doc: PlanDocument) -> tuple[Any, Any]:
    """The chapter's charts: the plan's value against the frame and the priority ladder (``None`` where the chapter
    does not show it)."""
    f: Any = getattr(doc, "frontier", None)
    if f is None or not f.steps:
        return None, None
    ladder = ladder_chart(f, width=420) if any(r.entry_share is not None for r in f.ladder) else None
    return frontier_chart(f, width=560, height=170), ladder


def priorities_chapter(pdf: PlanPDF, doc: PlanDocument, charts: Charts) -> None:
    """The chapter (nothing when the study has no frontier)."""
    f: Any = getattr(doc, "frontier", None)
    if f is None or not f.steps:
        return
    from hushall.reports.plan_reasons import target_names

    kpp = f.kr_per_point or 0.0
    current = f.current
    pdf.chapter(TITLE)
    pdf.paragraph(
        "Planen är räknad om för andra investeringsramar och utan vart och ett av målen, med samma kriterievikter "
        "överallt, så att värdena går att jämföra. Planens värde är summan av projektens viktade nytta och den "
        "underhållsskuld och de saknade platser planen undviker, i poäng; ≈ Mkr är värdet räknat om med vad en "
        "poäng kostar i snitt bland projekten: en storleksordning, inget belopp i budgeten. "
        f"Investeringsramen är taket för investeringar per år ({price_basis(f)}); dagens ram är "
        f"{fmt_mkr(f.frame_kr, 0)} per år.")
    pdf.section("Planens värde mot investeringsramen", min_space=110)
    frontier, ladder = priorities_charts(doc)
    png, size = charts.png(frontier)
    # with the reinvestment decided, a smaller frame postpones renewal that is caught up by the last year: the
    # debt's average over the plan shows it, the last year's does not (hushall.study.frontier.money_of_plan)
    mean = any(s.maintenance_debt_mean_kr is not None for s in f.steps)
    pdf.figure(png, size_px=size, caption=(
        "Planens värde, underhållsskulden i genomsnitt och reinvesteringarnas andel av behovet de första tio åren "
        "för varje ram; romben är dagens val." if mean else
        "Planens värde och underhållsskulden vid planens slut för varje ram; romben är dagens val."))
    rows = []
    for s in f.steps:
        debt = s.maintenance_debt_mean_kr if mean else s.maintenance_debt_end_kr
        rows.append([f"{fmt_mkr(s.frame_kr, 0)} ({fmt_pct(s.share, 0)})", _value(s.value_points, kpp),
                     str(len(s.schedule)), fmt_number(s.places_built), "–" if debt is None else fmt_mkr(debt, 0),
                     fmt_mkr(s.investment_kr, 0), "ja" if s.meets_targets else "nej"])
    pdf.data_table(["Ram per år", "Planens värde", "Projekt", "Nya platser",
                    "Underhållsskuld i genomsnitt" if mean else "Underhållsskuld vid slutet",
                    "Investering i projekten", "Klarar målen"], rows,
                   widths=[32, 34, 16, 20, 30, 30, 18], align=["L", "R", "R", "R", "R", "R", "C"],
                   bold_rows=[s is current for s in f.steps],
                   caption=f"Tabell: planen vid varje investeringsram; fetstil är dagens val ({price_basis(f)})")
    if f.prices:
        names = target_names(doc.data)
        pdf.section("Vad varje mål kostar", min_space=60)
        pdf.paragraph("Priset på ett mål är det värde planen ger upp för att klara det: planen räknas om vid "
                      "dagens ram utan målet, och skillnaden i värde är målets pris. Noll betyder att målet inte "
                      "hindrar något projekt.")
        rows = []
        for p in f.prices:
            moves = []
            if p.projects_in:
                moves.append("med: " + ", ".join(p.projects_in))
            if p.projects_out:
                moves.append("bort: " + ", ".join(p.projects_out))
            rows.append([target_label(p, names), _value(p.value_given_up_points, kpp), "; ".join(moves) or "–"])
        pdf.data_table(["Mål", "Värde som målet kostar", "Projekt utan målet"], rows, widths=[78, 40, 62],
                       align=["L", "R", "L"], caption="Tabell: målens pris i värde vid dagens investeringsram")
    entering = [r for r in f.ladder if r.entry_share is not None]
    if entering:
        pdf.section("Prioritetsstegen", min_space=100, new_page=True)
        pdf.paragraph("Vid vilken ram kommer varje projekt med i planen? Överst de projekt som är med redan vid "
                      "den minsta ramen; en lucka i en rad betyder att projektet faller bort vid en större ram, "
                      "när mer pengar gör att ett annat projekt ger mer värde.")
        png, size = charts.png(ladder)
        pdf.figure(png, size_px=size, caption="Prioritetsstegen: en ruta vid varje ram där projektet är med.")
        never = [r for r in f.ladder if r.entry_share is None]
        if never:
            pdf.paragraph("Kommer inte med vid någon av ramarna:")
            pdf.bullets([ladder_sentence(f, r) for r in never])
    if f.notes:
        pdf.section("Att tänka på", min_space=30)
        pdf.bullets(list(f.notes))
    gap = f.max_gap
    pdf.paragraph(
        f"För tjänstepersoner: {len(f.steps)} ramar och {len(f.prices)} mål räknades om på "
        f"{fmt_number(f.seconds, 0)} s, med högst {fmt_number(f.time_limit_s, 1, trim=True)} s per omräkning och "
        f"{f.workers} omräkningar samtidigt; varje omräkning startar från grannramens plan."
        + ("" if gap is None else f" Största avståndet till den bevisat bästa planen (gap): {fmt_pct(gap, 1)}."),
        grey=True, size=8.5)


__all__ = ["TITLE", "priorities_chapter"]
