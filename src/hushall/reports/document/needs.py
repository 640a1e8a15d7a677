"""Chapter 2 of the plan document, *Behov*: renewal per category, the maintenance debt with and without the plan,
places against demand per district."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hushall.formatting import fmt_places
from hushall.reports import plan_charts
from hushall.reports.charts import capacity_chart, renewal_chart
from hushall.reports.document.layout import Charts, mkr_cell
from hushall.reports.document.maps import needs_map
from hushall.reports.pdf_layout import PlanPDF

if TYPE_CHECKING:
    from hushall.model import MunicipalityData
    from hushall.needs import NeedsResult
    from hushall.reports.document.content import PlanDocument


def needs_charts(needs: NeedsResult, data: MunicipalityData) -> tuple[Any, Any]:
    """The chapter's two charts that depend only on the data (not on the plan): renewal per year and category,
    places against demand per district; :func:`hushall.reports.document.render_plan_independent_charts` renders
    them ahead."""
    return renewal_chart(needs), capacity_chart(needs, data)


def debt_chart(doc: PlanDocument) -> Any:
    """Section 2.2's chart: the maintenance debt with and without the plan."""
    return plan_charts.maintenance_debt_plan_chart(doc.years, doc.debt_without_kr, doc.debt_with_kr,
                                                   price_base_year=doc.needs.price_base_year)


def needs_chapter(pdf: PlanPDF, doc: PlanDocument, charts: Charts) -> None:
    n, d = doc.needs, doc.data
    renewal, capacity = needs_charts(n, d)
    pdf.chapter("2. Behov")
    pdf.paragraph(
        f"Behoven bygger på anläggningarnas komponenter (livslängd, senaste förnyelse och skick) och på "
        f"befolkningsprognosen per område. Belopp i {n.price_base_year} års priser.")
    pdf.section("2.1 Förnyelse per kategori")
    cat = doc.renewal_by_category()
    rows = [[r.kategori, mkr_cell(r.underhållsskuld_nu_kr), mkr_cell(r.förnyelsebehov_planperioden_kr),
             mkr_cell(r.per_år_kr), mkr_cell(r.förväntat_weibull_kr)] for r in cat.itertuples(index=False)]
    pdf.data_table(
        ["Kategori", f"Underhållsskuld {n.base_year}", f"Förnyelse {doc.years[0]}–{doc.years[-1]}", "Per år",
         "Förväntat (Weibull)"],
        rows, widths=[50, 31, 35, 27, 31], align=["L", "R", "R", "R", "R"],
        bold_rows=[r.kategori == "Summa" for r in cat.itertuples(index=False)],
        caption=f"Tabell: förnyelsebehov per kategori, Mkr ({n.price_base_year} års priser)")
    png, size = charts.png(renewal)
    pdf.figure(png, size_px=size, caption="Förnyelsebehov per år och kategori. Underhållsskulden ligger i första "
                                          "planåret.")

    pdf.section("2.2 Underhållsskuld med och utan planen", min_space=90)
    png, size = charts.png(debt_chart(doc))
    with_plan, without = doc.reinvestment_texts()
    same = with_plan == without
    pdf.figure(png, size_px=size, caption="Underhållsskuld per år med och utan planens projekt, "
               + (f"med {with_plan} i båda." if same else f"med planen: {with_plan}; utan planens projekt: "
                                                             f"{without}."))
    years = doc.summary_years()
    idx = [doc.years.index(y) for y in years]
    rows = [["Utan planens projekt", *(mkr_cell(doc.debt_without_kr[i]) for i in idx)],
            ["Med planen", *(mkr_cell(doc.debt_with_kr[i]) for i in idx)]]
    label_w = 40.0
    col_w = (pdf.content_width - label_w) / len(years)
    pdf.data_table(["Mkr", *map(str, years)], rows, widths=[label_w] + [col_w] * len(years),
                   align=["L"] + ["R"] * len(years),
                   caption=f"Tabell: underhållsskuld, Mkr ({n.price_base_year} års priser)")

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
    png, size = charts.png(capacity)
    pdf.figure(png, size_px=size, caption="Efterfrågan (heldragen) och kapacitet (streckad) per område och tjänst.")
    needs_map(pdf, doc, charts)
