"""Chapter 6 of the plan document, *Antaganden och källor*: every parameter with its value and source, the targets,
services, lifetimes, the base year's economy and the Monte Carlo model's uncertainties."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from hushall.data.target_types import TARGET_TYPES
from hushall.formatting import fmt_number, fmt_pct
from hushall.reports import plan_tables as pt
from hushall.reports.document.layout import mkr_cell
from hushall.reports.labels import component_label
from hushall.reports.pdf_layout import PlanPDF

if TYPE_CHECKING:
    from hushall.reports.document.content import PlanDocument


def assumptions_chapter(pdf: PlanPDF, doc: PlanDocument) -> None:
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
    rows = [[r.benämning, str(r.från_år), pt.format_assumption_value(r.värde, r.enhet), r.enhet,
             pt.plain_names(r.källa)]
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
        kind = TARGET_TYPES[r.typ].name["sv"] if r.typ in TARGET_TYPES else pt.plain_names(r.typ)
        rows.append([r.mål_id, kind, text, span or "alla år"])
    pdf.data_table(["Id", "Typ", "Mål", "År"], rows, widths=[12, 52, 86, 24], align=["L", "L", "L", "L"], size=8)
    pdf.section("6.3 Tjänster och täckningsgrader")
    s = pt.service_sheet(d)
    rows = [[r.namn, f"{r.ålder_från}–{r.ålder_till}", fmt_pct(r.täckningsgrad, 0),
             fmt_number(r.max_avstånd_km, 0), r.källa] for r in s.itertuples(index=False)]
    pdf.data_table(["Tjänst", "Åldrar", "Täckning", "Max km", "Källa"], rows, widths=[40, 16, 16, 14, 88],
                   align=["L", "C", "R", "R", "L"], size=8)
    pdf.section("6.4 Livslängder per komponenttyp")
    lt = pt.lifetime_sheet()
    rows = [[component_label(r.komponenttyp), fmt_number(r.livslängd_år), fmt_number(r.weibullform, 1)]
            for r in lt.itertuples()]
    pdf.data_table(["Komponenttyp", "Livslängd (år)", "Weibullform"], rows, widths=[40, 28, 28],
                   align=["L", "R", "R"], size=8)
    pdf.paragraph("Källa: " + pt.plain_names(str(lt["källa"].iloc[0])), size=8, height=4, grey=True)
    cond = pt.condition_sheet()
    rows = [[str(r.skick), fmt_pct(r.andel_kvar_av_livslängd, 0)] for r in cond.itertuples()]
    pdf.data_table(["Skick (1–5)", "Andel kvar av livslängden"], rows, widths=[28, 45], align=["C", "R"], size=8)
    pdf.paragraph("Källa: " + pt.plain_names(str(cond["källa"].iloc[0])), size=8, height=4, grey=True)
    pdf.section("6.5 Basårets ekonomi (fliken Ekonomi)")
    b = pt.base_year_sheet(d)
    rows = [[r.post, mkr_cell(r.belopp_kr), pt.plain_names(str(r.källa))] for r in b.itertuples(index=False)]
    pdf.data_table(["Post", "Mkr", "Källa"], rows, widths=[48, 18, 108], align=["L", "R", "L"], size=7.5)
    if doc.risk.drivers:
        pdf.section("6.6 Osäkerheter i Monte Carlo-analysen")
        pdf.data_table(["Osäkerhet", "Modell", "Parametrar", "Källa"], [list(x) for x in doc.risk.drivers],
                       widths=[26, 26, 44, 78], align=["L", "L", "L", "L"], size=7.5)
        if doc.risk.correlation_reference:
            pdf.paragraph("Samvariation: " + doc.risk.correlation_reference, size=8, height=4, grey=True)
