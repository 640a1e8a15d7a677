"""Plain-text summaries for the terminal, in Swedish.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> from hushall.needs import analyse_needs
>>> k = exempelkommun()
>>> print(needs_summary(analyse_needs(k), k).splitlines()[0])
Behovsanalys för Exempelkommun, plan 2025–2054 (belopp i 2024 års priser)
"""

from __future__ import annotations

from hushall.formatting import fmt_mkr, fmt_pct, fmt_places
from hushall.model import MunicipalityData
from hushall.needs import NeedsResult
from hushall.reports.labels import category_label


def _join(items: list[str], limit: int = 6) -> str:
    shown = items[:limit]
    rest = len(items) - len(shown)
    return ", ".join(shown) + (f" och {rest} till" if rest > 0 else "")


def needs_summary(result: NeedsResult, data: MunicipalityData) -> str:
    """A short report of the needs analysis: renewal need, maintenance debt, places and backup power."""
    years = list(result.years)
    first, last = years[0], years[-1]
    n_years = len(years)
    lines = [
        f"Behovsanalys för {data.name}, plan {first}–{last} (belopp i {result.price_base_year} års priser)",
        "",
        "Förnyelse av komponenter",
    ]
    overdue = int(result.components["overdue"].sum())
    lines.append(
        f"  Underhållsskuld nu ({result.base_year}): {fmt_mkr(result.maintenance_debt_kr)} "
        f"({overdue} av {len(result.components)} komponenter har passerat sin livslängd)"
    )
    renewal = result.renewal_by_year
    total = float(renewal["amount_kr"].sum())
    lines.append(
        f"  Förnyelsebehov {first}–{last}: {fmt_mkr(total)}, i snitt {fmt_mkr(total / n_years)} per år"
    )
    first_year = float(renewal["amount_kr"].iloc[0]) if len(renewal) else 0.0
    lines.append(f"    varav {first}: {fmt_mkr(first_year)} (underhållsskulden tas igen första planåret)")
    if len(renewal) and total > 0:
        peak = renewal.loc[renewal["amount_kr"].idxmax()]
        lines.append(f"    största år: {int(peak['year'])} med {fmt_mkr(float(peak['amount_kr']))}")
    expected = float(result.renewal_expected_by_year["amount_kr"].sum())
    lines.append(
        f"  Förväntat med spridda livslängder (Weibull): {fmt_mkr(expected)}, "
        f"i snitt {fmt_mkr(expected / n_years)} per år"
    )
    nominal = float(renewal["amount_nominal_kr"].sum())
    lines.append(f"  I löpande priser (byggprisindex): {fmt_mkr(nominal)}")
    by_category = (
        result.renewal_by_year_category.groupby("category")["amount_kr"].sum().sort_values(ascending=False)
    )
    by_category = by_category[by_category > 0]
    if len(by_category):
        lines.append(
            "  Störst behov: "
            + _join([f"{category_label(str(c))} {fmt_mkr(float(v))}" for c, v in by_category.items()], 4)
        )
    debt = result.maintenance_debt_by_year
    if len(debt):
        lines.append(
            f"  Om inget förnyas växer underhållsskulden till {fmt_mkr(float(debt['amount_kr'].iloc[-1]))} "
            f"år {int(debt['year'].iloc[-1])}"
        )

    lines += ["", "Platser (efterfrågan mot kapacitet i dagens anläggningar)"]
    names = dict(zip(data.services["service_id"].astype(str), data.services["name"].astype(str), strict=True))
    district_names = dict(zip(data.districts["district_id"].astype(str), data.districts["name"].astype(str),
                              strict=True))
    totals = result.capacity_totals
    for service, g in totals.groupby("service_id", sort=False):
        g = g.sort_values("year")
        start, end = g.iloc[0], g.iloc[-1]
        line = (
            f"  {names.get(str(service), str(service))}: {int(start['year'])} efterfrågan "
            f"{fmt_places(start['demand'])} av {fmt_places(start['capacity'])} platser"
            f" ({fmt_pct(start['utilisation'], 0)}), {int(end['year'])} {fmt_places(end['demand'])}"
            f" ({fmt_pct(end['utilisation'], 0)})"
        )
        lines.append(line)
        worst = g.loc[g["deficit"].idxmax()]
        if float(worst["deficit"]) > 0.5:
            lines.append(f"    underskott i kommunen som mest {fmt_places(worst['deficit'])} platser "
                         f"({int(worst['year'])})")
        district = result.capacity[(result.capacity["service_id"] == service) & (result.capacity["capacity"] > 0)]
        short = district[district["deficit"] > 0.5]
        if len(short):
            worst_by_district = short.groupby("district_id")["deficit"].max().sort_values(ascending=False)
            lines.append(
                "    underskott i områden med platser: "
                + _join([f"{district_names.get(str(d), str(d))} {fmt_places(v)}"
                         for d, v in worst_by_district.items()])
            )

    lines += ["", "Beredskap"]
    readiness = result.readiness
    if len(readiness):
        noun = "anläggning" if len(readiness) == 1 else "anläggningar"
        lines.append(
            f"  {len(readiness)} {noun} måste fungera vid elavbrott men saknar reservkraft: "
            + _join([str(n) for n in readiness["name"]])
        )
    else:
        lines.append("  Alla anläggningar som måste fungera vid elavbrott har reservkraft.")
    return "\n".join(lines)


__all__ = ["needs_summary"]

