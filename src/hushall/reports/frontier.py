"""The price of each choice for a reader: the frontier, the target prices and the priority ladder as tables
(Swedish headings, amounts in Mkr in the price base year's prices), as terminal text and as output files.

The figures are :class:`hushall.study.frontier.Frontier`'s; nothing is computed here but units and words.

Examples
--------
>>> from hushall.study.frontier import Frontier, FrontierStep
>>> s = FrontierStep(1.0, 185e6, {"P-01": 2026}, 20.0, 18.0, 60.0, 3.0, 150e6, 204e6, True, 0.004, 1.0)
>>> f = Frontier(185e6, 1e6, {}, [s], [], [], price_base_year=2024)
>>> float(frontier_table(f).iloc[0]["Ram (Mkr/år)"])
185.0
>>> frontier_lines(f)[0]
'Vad kostar valen? Planens värde mot investeringsramen (fasta priser, prisbasår 2024; samma kriterievikter i alla rader)'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from hushall.formatting import fmt_mkr, fmt_number, fmt_pct
from hushall.study.frontier import Frontier, TargetPrice

MKR = 1e6


def price_basis(f: Frontier) -> str:
    """The amounts' price basis in words."""
    return "fasta priser" + ("" if f.price_base_year is None else f", prisbasår {f.price_base_year}")


def target_label(price: TargetPrice, names: Mapping[str, str] | None = None) -> str:
    """A target in words (:func:`hushall.reports.plan_reasons.target_name`), or the name given in ``names``."""
    from hushall.reports.plan_reasons import target_name

    if names and price.target_id in names:
        return names[price.target_id]
    if price.limit is None:
        return price.target_id
    try:
        return target_name(price.target_id, price.target_type, price.limit, price.period_years)
    except KeyError:
        return price.target_id


def frontier_table(f: Frontier) -> pd.DataFrame:
    """One row per frame: the frame, the plan's value, places, maintenance debt and investment."""
    kpp = f.kr_per_point or 0.0
    return pd.DataFrame({
        "Ram (% av dagens)": [round(100 * s.share, 1) for s in f.steps],
        "Ram (Mkr/år)": [round(s.frame_kr / MKR, 1) for s in f.steps],
        "Planens värde (poäng)": [None if s.value_points is None else round(s.value_points, 2) for s in f.steps],
        "Värde (≈ Mkr)": [None if s.value_points is None or not kpp else round(s.value_points * kpp / MKR, 1)
                          for s in f.steps],
        "Antal projekt": [len(s.schedule) for s in f.steps],
        "Nya platser": [round(s.places_built) for s in f.steps],
        "Platser som saknas sista året": [None if s.places_short_end is None else round(s.places_short_end)
                                          for s in f.steps],
        "Underhållsskuld vid planens slut (Mkr)": [None if s.maintenance_debt_end_kr is None
                                                   else round(s.maintenance_debt_end_kr / MKR, 1) for s in f.steps],
        "Investering i planens projekt (Mkr)": [round(s.investment_kr / MKR, 1) for s in f.steps],
        "Reinvesteringar (Mkr)": [_mkr(s.reinvestment_kr) for s in f.steps],
        "Reinvesteringar första tio åren, andel av behovet (%)": [
            None if s.reinvestment_share_early is None else round(100 * s.reinvestment_share_early, 1)
            for s in f.steps],
        "Alla investeringar största året (Mkr)": [_mkr(s.largest_year_investment_kr) for s in f.steps],
        "Underhållsskuld i genomsnitt per år (Mkr)": [_mkr(s.maintenance_debt_mean_kr) for s in f.steps],
        "Underhållsskuld som mest (Mkr)": [_mkr(s.maintenance_debt_peak_kr) for s in f.steps],
        "Klarar alla mål": ["ja" if s.meets_targets else "nej" for s in f.steps],
        "Gap (%)": [None if s.gap is None else round(100 * s.gap, 2) for s in f.steps],
        "Dagens val": ["ja" if s is f.current else "" for s in f.steps],
    })


def _mkr(x: float | None) -> float | None:
    return None if x is None else round(x / MKR, 1)


def has_money(f: Frontier) -> bool:
    """The steps carry the reinvestment and the maintenance debt's path (a frontier of a municipality's data)."""
    return any(s.maintenance_debt_mean_kr is not None for s in f.steps)


def money_sentences(f: Frontier) -> list[str]:
    """What a smaller frame does to the reinvestment and the maintenance debt, in plain Swedish: the smallest
    frame of the grid against today's (nothing without the money columns).

    >>> from hushall.study.frontier import FrontierStep
    >>> def step(share, renew, debt):
    ...     return FrontierStep(share, share * 185e6, {}, 20.0, 18.0, 60.0, 3.0, 0.0, 900e6, True, 0.0, 1.0,
    ...                         1300e6, renew, share * 185e6, 2 * debt, debt)
    >>> f = Frontier(185e6, 1e6, {}, [step(0.5, 0.2, 120e6), step(1.0, 0.45, 50e6)], [], [])
    >>> print(money_sentences(f)[0].replace("\xa0", " "))
    Med en mindre ram skjuts renoveringar upp: vid 92,5 Mkr/år (50 %) täcker reinvesteringarna de första tio åren 20,0 % av behovet mot 45,0 % vid dagens ram, och underhållsskulden är i genomsnitt 120 Mkr per år mot 50 Mkr.
    """
    if not has_money(f):
        return []
    low, today = f.steps[0], f.current
    if low is today or low.reinvestment_share_early is None or today.reinvestment_share_early is None:
        return []
    text = (f"vid {fmt_mkr(low.frame_kr)}/år ({fmt_pct(low.share, 0)}) täcker reinvesteringarna de första tio "
            f"åren {fmt_pct(low.reinvestment_share_early)} av behovet mot {fmt_pct(today.reinvestment_share_early)} "
            f"vid dagens ram, och underhållsskulden är i genomsnitt {fmt_mkr(low.maintenance_debt_mean_kr, 0)} per "
            f"år mot {fmt_mkr(today.maintenance_debt_mean_kr, 0)}.")
    postponed = (low.reinvestment_share_early < today.reinvestment_share_early
                 and (low.maintenance_debt_mean_kr or 0.0) > (today.maintenance_debt_mean_kr or 0.0))
    return [("Med en mindre ram skjuts renoveringar upp: " if postponed else "Med en mindre ram: ") + text]


def price_table(f: Frontier, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per target: the value given up by keeping it and the projects that would come in or go out."""
    kpp = f.kr_per_point or 0.0
    return pd.DataFrame({
        "Mål": [target_label(p, names) for p in f.prices],
        "Värde som målet kostar (poäng)": [None if p.value_given_up_points is None
                                           else round(p.value_given_up_points, 2) for p in f.prices],
        "≈ Mkr": [None if p.value_given_up_points is None or not kpp
                  else round(p.value_given_up_points * kpp / MKR, 1) for p in f.prices],
        "Kommer med utan målet": [", ".join(p.projects_in) for p in f.prices],
        "Faller bort utan målet": [", ".join(p.projects_out) for p in f.prices],
        "Gap (%)": [None if p.gap is None else round(100 * p.gap, 2) for p in f.prices],
    }, columns=["Mål", "Värde som målet kostar (poäng)", "≈ Mkr", "Kommer med utan målet",
                "Faller bort utan målet", "Gap (%)"])


def ladder_table(f: Frontier) -> pd.DataFrame:
    """One row per project: the lowest frame at which it is in the plan and whether it stays."""
    return pd.DataFrame({
        "Projekt": [r.project for r in f.ladder],
        "Namn": [r.name for r in f.ladder],
        "Kostnad (Mkr)": [round(r.cost_kr / MKR, 1) for r in f.ladder],
        "Kommer med vid ram (Mkr/år)": [None if r.entry_frame_kr is None else round(r.entry_frame_kr / MKR, 1)
                                        for r in f.ladder],
        "Kommer med vid (% av dagens ram)": [None if r.entry_share is None else round(100 * r.entry_share, 1)
                                             for r in f.ladder],
        "Stannar kvar vid större ram": ["" if r.entry_share is None else ("ja" if r.stays else "nej")
                                        for r in f.ladder],
        "I dagens plan": ["ja" if r.in_current else "nej" for r in f.ladder],
    }, columns=["Projekt", "Namn", "Kostnad (Mkr)", "Kommer med vid ram (Mkr/år)",
                "Kommer med vid (% av dagens ram)", "Stannar kvar vid större ram", "I dagens plan"])


def ladder_sentence(f: Frontier, rung: Any) -> str:
    """One rung in words."""
    if rung.entry_share is None:
        return f"{rung.project} {rung.name}: kommer inte med ens vid {fmt_pct(f.steps[-1].share, 0)} av dagens ram."
    text = (f"{rung.project} {rung.name}: med från {fmt_mkr(rung.entry_frame_kr)}/år "
            f"({fmt_pct(rung.entry_share, 0)} av dagens ram)")
    return text + ("." if rung.stays else ", men faller bort vid någon större ram.")


def frontier_lines(f: Frontier, names: Mapping[str, str] | None = None) -> list[str]:
    """The frontier, the target prices and the ladder as terminal lines, in Swedish with Swedish numbers."""
    kpp = f.kr_per_point or 0.0

    def value(points: float | None) -> str:
        if points is None:
            return "–"
        return fmt_number(points, 1) + (f" (≈ {fmt_mkr(points * kpp, 0)})" if kpp else "")

    lines = [f"Vad kostar valen? Planens värde mot investeringsramen ({price_basis(f)}; samma kriterievikter i alla "
             "rader)", ""]
    money = has_money(f)

    def mkr(x: float | None) -> str:
        return "–" if x is None else fmt_mkr(x, 0)

    if money:
        head = (f"  {'Ram':>18}  {'Värde, poäng':>22}  {'Projekt':>7}  {'Nya platser':>11}  {'Största år':>10}  "
                f"{'Reinvest.':>9}  {'U-skuld':>9}  {'U-skuld':>9}  {'Gap':>7}")
        lines += [head, f"  {'':>18}  {'':>22}  {'':>7}  {'':>11}  {'alla inv.':>10}  {'10 år':>9}  {'snitt':>9}  "
                        f"{'som mest':>9}"]
    else:
        lines.append(f"  {'Ram':>18}  {'Värde, poäng':>22}  {'Projekt':>7}  {'Nya platser':>11}  "
                     f"{'Underhållsskuld':>15}  {'Investering':>12}  {'Gap':>7}")
    for s in f.steps:
        frame = f"{fmt_mkr(s.frame_kr, 0)}/år ({fmt_pct(s.share, 0)})"
        mark = "  ← dagens val" if s is f.current else ""
        if not s.meets_targets:
            mark += "  (bryter mål)"
        gap_text = fmt_pct(s.gap, 1) if s.gap is not None else "–"
        start = f"  {frame:>18}  {value(s.value_points):>22}  {len(s.schedule):>7}  {fmt_number(s.places_built):>11}"
        if money:
            share = "–" if s.reinvestment_share_early is None else fmt_pct(s.reinvestment_share_early, 0)
            lines.append(f"{start}  {mkr(s.largest_year_investment_kr):>10}  {share:>9}  "
                         f"{mkr(s.maintenance_debt_mean_kr):>9}  {mkr(s.maintenance_debt_peak_kr):>9}  {gap_text:>7}{mark}")
        else:
            lines.append(f"{start}  {mkr(s.maintenance_debt_end_kr):>15}  {fmt_mkr(s.investment_kr, 0):>12}  "
                         f"{gap_text:>7}{mark}")
    if money:
        lines += ["", "Största år: alla investeringar, projekt och reinvesteringar, det år de är störst (ramen gäller "
                      "dem tillsammans). Reinvest. 10 år: reinvesteringarna de första tio åren som andel av behovet "
                      "av renovering och utbyte. U-skuld: underhållsskulden, det som borde ha renoverats men skjutits "
                      "upp, i genomsnitt vid årets slut och som mest.", *money_sentences(f)]
    if f.prices:
        lines += ["", "Vad varje mål kostar i värde (omräknat utan målet, vid dagens ram):"]
        for p in f.prices:
            given = value(p.value_given_up_points)
            moves = []
            if p.projects_in:
                moves.append("kommer med: " + ", ".join(p.projects_in))
            if p.projects_out:
                moves.append("faller bort: " + ", ".join(p.projects_out))
            lines.append(f"  {target_label(p, names)}: {given}" + (f"; {'; '.join(moves)}" if moves else
                                                                      "; ingen skillnad i planen"))
    if f.ladder:
        lines += ["", "Prioritetsstegen: vid vilken ram varje projekt kommer med i planen:"]
        lines += [f"  {ladder_sentence(f, r)}" for r in f.ladder]
    if f.notes:
        lines += ["", *[f"Obs: {n}" for n in f.notes]]
    gap = f.max_gap
    lines += ["", f"Räknat på {fmt_number(f.seconds, 1)} s med {f.workers} "
                  f"{'process' if f.workers == 1 else 'processer'} samtidigt, högst "
                  f"{fmt_number(f.time_limit_s, 1, trim=True)} s per omräkning"
              + ("" if gap is None else f"; största gap {fmt_pct(gap, 1)}") + "."]
    return lines


def frontier_sheets(f: Frontier, names: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The workbook's sheets."""
    return {"Ramen": frontier_table(f), "Målens pris": price_table(f, names), "Prioritetsstege": ladder_table(f)}


def write_frontier_outputs(f: Frontier, out_dir: str | Path, names: Mapping[str, str] | None = None) -> list[Path]:
    """Write prioritering.xlsx, one CSV per sheet and the charts (PNG and SVG) into ``out_dir``."""
    from hushall.reports.charts import save_chart_files
    from hushall.reports.excel import write_tables
    from hushall.reports.frontier_charts import frontier_chart, ladder_chart

    out = Path(out_dir)
    files = write_tables(out, "prioritering.xlsx", frontier_sheets(f, names))
    files += save_chart_files(frontier_chart(f), out / "prisfront")
    if any(r.entry_share is not None for r in f.ladder):
        files += save_chart_files(ladder_chart(f), out / "prioritetsstege")
    return files


__all__ = ["frontier_lines", "frontier_sheets", "frontier_table", "has_money", "ladder_sentence", "ladder_table",
           "money_sentences", "price_basis", "price_table", "target_label", "write_frontier_outputs"]
