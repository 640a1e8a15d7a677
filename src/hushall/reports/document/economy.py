"""Chapter 4 of the plan document, *Ekonomi*: resultaträkning, balansräkning, kassaflödesanalys, reinvestment and
pensions, key ratios and the targets per year."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from hushall.reports import plan_charts
from hushall.reports import plan_tables as pt
from hushall.reports.document.layout import MARK_MISSED, YEARS_PER_BLOCK, Charts, kr_cell, mkr_cell, pct_cell
from hushall.reports.forecast import DEBT_ROLL_FORWARD_TEXT, PENSION_PAYOUTS_TEXT, asset_lines
from hushall.reports.pdf_layout import PlanPDF

if TYPE_CHECKING:
    from hushall.reports.document.content import PlanDocument


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
                         *(mkr_cell(float(table.loc[line, y])) for y in block)])
            bold.append(str(line) in pt.SUM_LINES)
        pdf.data_table(["Mkr", *map(str, block)], rows, widths=[label_w] + [col_w] * len(block),
                       align=["L"] + ["R"] * len(block), bold_rows=bold, size=8, keep_together=True,
                       caption=f"{title.split(' ', 1)[-1]} {block[0]}–{block[-1]}, Mkr" if len(blocks) > 1 else None)


def targets_chart(doc: PlanDocument) -> Any:
    """Section 4.5's chart: the financial targets year by year (``None`` without targets)."""
    return plan_charts.targets_chart(doc.targets) if len(doc.targets) else None


def economy_chapter(pdf: PlanPDF, doc: PlanDocument, charts: Charts) -> None:
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
    with_plan, _ = doc.reinvestment_texts()
    pdf.paragraph(f"Projektens investeringar och bredvid dem reinvesteringarna ({with_plan}), planens "
                  "förnyelsebehov (det som planens projekt avvecklar, ersätter eller bygger om räknas inte från det "
                  "år projektet är klart) och underhållsskulden vid årets slut, i Mkr; prisbasen står på varje rad "
                  f"(löpande priser eller {doc.data.price_base_year} års priser). {DEBT_ROLL_FORWARD_TEXT} "
                  f"{PENSION_PAYOUTS_TEXT}", size=9)
    lines = asset_lines(f, doc.data.price_base_year)
    for block in blocks:
        col_w = (pdf.content_width - label_w) / YEARS_PER_BLOCK
        idx = [years.index(y) for y in block]
        rows = [[label + (" (%)" if unit == "andel" else " (Mkr)"),
                 *((pct_cell if unit == "andel" else mkr_cell)(float(values[i])) for i in idx)]
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
                rows.append([pt.ratio_label(str(line)) + " (kr)", *(kr_cell(values[y]) for y in block)])
            else:
                rows.append([pt.ratio_label(str(line)) + " (%)", *(pct_cell(values[y]) for y in block)])
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
        png, size = charts.png(targets_chart(doc))
        pdf.add_page(orientation="P")
        pdf.figure(png, size_px=size, caption="De finansiella målen år för år.")
