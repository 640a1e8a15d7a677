"""The title page and chapter 1 of the plan document, *Sammanfattning*: one page for politicians — what the assets
need, what the plan does about it, what it costs, and whether god ekonomisk hushållning holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from hushall.finance.targets import TOLERANCE_KR
from hushall.formatting import fmt_kr, fmt_mkr, fmt_number, fmt_pct, fmt_places
from hushall.reports import plan_charts
from hushall.reports.document.layout import Charts
from hushall.reports.forecast import extremes_between
from hushall.reports.labels import category_label
from hushall.reports.pdf_layout import PlanPDF
from hushall.reports.plan_reasons import (
    target_names,
)
from hushall.reports.verdict import VERDICT_TITLE, need_text, verdict_lines

if TYPE_CHECKING:
    from hushall.reports.document.content import PlanDocument


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
    bound = int((plan["bundet"] == "ja").sum()) if len(plan) else 0
    does = [
        f"{doc.plan.label}: {len(plan)} projekt för sammanlagt {fmt_mkr(cost)} i {pby} års priser "
        f"({fmt_mkr(nominal)} i löpande priser), varav {bound} {'bundet' if bound == 1 else 'bundna'} (måste genomföras eller har ett fast "
        "startår).",
    ]
    places = plan.groupby("tjänst")["platser_förändring"].sum() if len(plan) else pd.Series(dtype=float)
    places = places[(places != 0) & (places.index != "")]
    if len(places):
        does.append("Platser när projekten är klara: " + ", ".join(
            f"{s} {'+' if v > 0 else '−'}{fmt_places(abs(v))}" for s, v in places.items()) + ".")
    assets = doc.verdict.assets
    if assets is not None:
        with_plan, without = doc.reinvestment_texts(short=True)
        taken = assets.need_taken_over_kr
        taken_text = f"; {fmt_mkr(taken)} av behovet tas över av planens projekt" if taken > TOLERANCE_KR else ""
        does.append(f"Reinvesteringar, {with_plan}: {fmt_mkr(assets.reinvestment_kr)} {first}–{last} mot "
                    f"{need_text(assets)} ({pby} års priser{taken_text}). Underhållsskulden {last}: "
                    f"{fmt_mkr(assets.debt_last_kr)}, mot {fmt_mkr(float(doc.debt_without_kr[-1]))} utan planens "
                    f"projekt ({without}).")
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
        *extremes_between(f),
    ]

    verdict = verdict_lines(doc.verdict, target_names(doc.data), with_reinvestment=False)  # said under "does"
    if doc.verdict.risk is None and doc.risk.headline:
        verdict.append(doc.risk.headline)
    return {"need": need, "does": does, "costs": costs, "verdict": verdict}


PRIORITIES_TITLE = "Politikens prioriteringar"
#: The summary's targets chart is drawn only with at least this height (mm) left on the page: lower, its seven
#: rows of thirty years cannot be read.
SUMMARY_CHART_MIN_MM = 45.0


def _period(from_year: int | None, to_year: int | None) -> str:
    """A target row's years in words (nothing when it holds every year)."""
    if from_year is not None and to_year is not None:
        return f" {from_year}–{to_year}"
    if from_year is not None:
        return f" från {from_year}"
    return "" if to_year is None else f" till och med {to_year}"


def priority_lines(doc: PlanDocument) -> list[str]:
    """The money of the politicians' priorities in words: the investment frame, the tax and the debt target, as
    the study used them (:meth:`PlanDocument.priorities`)."""
    p = doc.priorities()
    pby = doc.data.price_base_year
    frame = "; ".join(f"högst {fmt_mkr(limit)} per år{_period(a, b)}" for limit, a, b in p.frame)
    debt = "; ".join(f"högst {fmt_kr(limit)} per invånare{_period(a, b)}" for limit, a, b in p.debt_target)
    first = doc.years[0]
    tax = f"{fmt_number(p.base_tax_rate_pct, 2)}\u00a0% år {first}"
    if p.tax_steps_pp:
        tax += "; " + ", ".join(f"{'+' if pp > 0 else ''}{fmt_number(pp * 100, 0)}\u00a0öre från {y}"
                                for y, pp in p.tax_steps_pp) + " (ändring mot året innan)"
    else:
        tax += ", oförändrad under planperioden"
    return [
        f"Investeringsram: {frame} i fasta priser ({pby} års priser)." if frame
        else "Investeringsram: ingen (inget investeringstak i fliken Mål).",
        f"Kommunalskatt: {tax}.",
        f"Mål för låneskulden: {debt}." if debt else "Mål för låneskulden: inget (fliken Mål).",
    ]


def priorities_block(pdf: PlanPDF, doc: PlanDocument) -> None:
    """Block *Politikens prioriteringar*: the criteria weights as small bars (left) and the money (right) — the
    settings of page Prioritera, as the plan was made under them."""
    weights = doc.priorities().weights
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.cell(0, 5.5, PRIORITIES_TITLE, new_x="LMARGIN", new_y="NEXT")
    top, row_h = pdf.get_y(), 3.9
    label_w, bar_w, value_w = 40.0, 26.0, 20.0
    total = sum(w for _, w in weights) or 1.0
    biggest = max((w for _, w in weights), default=0.0) or 1.0
    pdf.set_font("DejaVu", size=8)
    for i, (label, weight) in enumerate(weights):
        y = top + i * row_h
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w, row_h, label)
        pdf.set_fill_color(70, 110, 160)
        if weight > 0:
            pdf.rect(pdf.l_margin + label_w, y + 0.8, bar_w * weight / biggest, row_h - 1.6, style="F")
        pdf.set_xy(pdf.l_margin + label_w + bar_w + 1, y)
        pdf.cell(value_w, row_h, f"{fmt_number(weight, 2, trim=True)} ({fmt_pct(weight / total, 0)})")
    left_w = label_w + bar_w + value_w + 4
    pdf.set_xy(pdf.l_margin + left_w, top)
    pdf.set_font("DejaVu", size=8.5)
    for line in priority_lines(doc):
        pdf.set_x(pdf.l_margin + left_w)
        pdf.multi_cell(pdf.content_width - left_w, 3.9, line, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + len(weights) * row_h) + 1.5)
    pdf.set_x(pdf.l_margin)


def title_page(pdf: PlanPDF, doc: PlanDocument) -> None:
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


def summary_chart(doc: PlanDocument) -> Any:
    """The summary page's chart: the financial targets at a glance (``None`` without targets)."""
    if not len(doc.targets):
        return None
    return plan_charts.targets_overview_chart(doc.targets, width=470, short=True)


def summary_page(pdf: PlanPDF, doc: PlanDocument, charts: Charts) -> None:
    text = _summary_text(doc)
    pdf.chapter("1. Sammanfattning", new_page=False)  # the table of contents' page break made the page
    blocks = (("Vad tillgångarna behöver", text["need"]), ("Vad planen gör", text["does"]),
              ("Vad det kostar", text["costs"]), (VERDICT_TITLE, text["verdict"]))
    for title, lines in blocks:
        pdf.set_font("DejaVu", "B", 10.5)
        pdf.cell(0, 5.5, title, new_x="LMARGIN", new_y="NEXT")
        pdf.bullets(lines, size=9, height=4.3)
    priorities_block(pdf, doc)
    years = doc.summary_years()
    idx = [doc.years.index(y) for y in years]
    header = ["Nyckeltal (löpande priser om inget annat anges)", *map(str, years)]
    rows = []
    for label, unit, fmt, values in doc.key_figures():
        rows.append([f"{label} ({unit})", *(fmt(values[i]) for i in idx)])
    label_w = 52.0
    col_w = (pdf.content_width - label_w) / len(years)
    pdf.data_table(header, rows, widths=[label_w] + [col_w] * len(years), align=["L"] + ["R"] * len(years),
                   size=8, zebra=True)
    chart = summary_chart(doc)
    if chart is not None:
        png, size = charts.png(chart)
        if pdf.space_left - 2 >= SUMMARY_CHART_MIN_MM:
            pdf.figure(png, size_px=size, max_height=pdf.space_left - 2, new_page_if_needed=False)
        else:  # squeezed below that it cannot be read: say where it is instead
            pdf.paragraph("De finansiella målen år för år: avsnitt 4.5.", size=9)
