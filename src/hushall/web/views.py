"""What the pages show, computed from the domain stages and cached per data version and plan variant.

Nothing here is domain logic: the figures come from :mod:`hushall.needs`, :mod:`hushall.finance` and the plan
results of :mod:`hushall.optimize`; this module selects, groups and labels them for presentation. Data versions
and decided results never change, so each view is computed once per version and kept in a small cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hushall.data.target_types import TARGET_TYPES
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.needs import NeedsResult, analyse_needs, band_shares

AGE_GROUPS: tuple[tuple[int, int, str], ...] = (
    (0, 5, "0–5 år"),
    (6, 15, "6–15 år"),
    (16, 19, "16–19 år"),
    (20, 64, "20–64 år"),
    (65, 79, "65–79 år"),
    (80, 120, "80 år och äldre"),
)

def population_by_age_group(data: MunicipalityData) -> pd.DataFrame:
    """Inhabitants per year and age group (columns ``year, group, count``), base year through the horizon."""
    pop = data.population
    shares = band_shares(pop["age_from"].to_numpy(float), pop["age_to"].to_numpy(float),
                         [g[0] for g in AGE_GROUPS], [g[1] for g in AGE_GROUPS])
    counts = shares * pop["count"].to_numpy(float)[:, None]
    per_year = pd.DataFrame(counts, columns=[g[2] for g in AGE_GROUPS]).groupby(pop["year"].to_numpy()).sum()
    per_year = per_year[(per_year.index >= data.base_year) & (per_year.index <= data.last_year)]
    long = per_year.reset_index(names="year").melt(id_vars="year", var_name="group", value_name="count")
    return long


def places_balance(needs: NeedsResult, data: MunicipalityData, years: list[int]) -> list[dict[str, Any]]:
    """Places short (sum of the districts' deficits) and empty (their surpluses) per service and year."""
    cap = needs.capacity[needs.capacity["year"].isin(years)]
    cap = cap.assign(empty=np.maximum(cap["surplus"].to_numpy(float), 0.0))
    grouped = cap.groupby(["service_id", "year"], sort=False)[["demand", "capacity", "deficit", "empty"]].sum()
    names = dict(zip(data.services["service_id"].astype(str), data.services["name"].astype(str), strict=True))
    rows = []
    for service in data.services["service_id"].astype(str):
        cells = []
        for year in years:
            g = grouped.loc[(service, year)] if (service, year) in grouped.index else None
            cells.append({"year": year, "short": float(g["deficit"]) if g is not None else 0.0,
                          "empty": float(g["empty"]) if g is not None else 0.0,
                          "demand": float(g["demand"]) if g is not None else 0.0,
                          "capacity": float(g["capacity"]) if g is not None else 0.0})
        rows.append({"service_id": service, "name": names.get(service, service), "cells": cells})
    return rows


def places_short_within_reach(data: MunicipalityData, schedule: dict[str, int] | None = None) -> pd.DataFrame:
    """Places short per service and year (columns ``service_id, year, short``): the demand no facility within
    the service's reach (its own district or ``max_distance_km``) can take, by the optimiser's evaluation of
    the plan (:func:`hushall.optimize.evaluate_plan`; no projects by default) — the one definition of *platser
    som saknas* the pages show, the same the plan's figures use (:class:`hushall.study.PlanFigures`).

    A district's own deficit (its demand less its own capacity, :attr:`hushall.needs.NeedsResult.capacity`) counts
    children who have a free place in the next district as missing; summed over the districts it says far more
    places are missing than are."""
    from hushall.study.compare import evaluation_of

    places = evaluation_of(data, schedule or {}).places
    if places is None or not len(places):
        return pd.DataFrame({"service_id": pd.Series(dtype=str), "year": pd.Series(dtype=int),
                             "short": pd.Series(dtype=float)})
    out = places.groupby(["service", "year"], as_index=False)["unmet"].sum()
    return out.rename(columns={"service": "service_id", "unmet": "short"})


def selected_years(years: list[int]) -> list[int]:
    """The years a table shows of a long plan: the first three, every fifth from the fifth, and the last.

    Examples
    --------
    >>> selected_years(list(range(2025, 2055)))
    [2025, 2026, 2027, 2030, 2035, 2040, 2054]
    """
    if not years:
        return []
    first, last = years[0], years[-1]
    picks = {first, first + 1, first + 2, first + 5, first + 10, first + 15, last}
    return [y for y in years if y in picks]


def milestone_years(data: MunicipalityData) -> list[int]:
    """First plan year, +5, +10, +20 and the last year (those inside the horizon)."""
    first, last = data.first_year, data.last_year
    years = [first, first + 5, first + 10, first + 20, last]
    return sorted({y for y in years if first <= y <= last})


@dataclass
class FinanceView:
    """The financial plan of a data version and a schedule, as the pages show it (amounts kr)."""

    available: bool
    message: str = ""
    years: list[int] | None = None
    statements: dict[str, list[tuple[str, list[float | None]]]] | None = None
    ratios: list[dict[str, Any]] | None = None
    ratio_table: list[tuple[str, str, list[float | None]]] | None = None
    series: dict[str, list[float | None]] | None = None
    verdict: list[str] | None = None  # whether the plan is sound: the sentence, then its details


#: How the pages format a target's values, by the registry's unit.
UNIT_KIND = {"share": "share", "kr_per_inhabitant": "kr", "kr": "mkr", "count": "count"}
#: Display of each target type: label, unit kind, whether the limit is a lower bound (from the registry).
TARGET_DISPLAY: dict[str, tuple[str, str, bool]] = {
    k: (t.name["sv"], UNIT_KIND[t.unit], t.lower_bound) for k, t in TARGET_TYPES.items() if t.evaluated}
RATIO_KIND = {"låneskuld_per_invånare": "kr", "kassalikviditet": "share"}


def post_label(post: str) -> str:
    """``varav_pågående_projekt`` → ``varav pågående projekt``; ``årets_resultat`` → ``Årets resultat``.

    Examples
    --------
    >>> post_label("årets_resultat"), post_label("varav_nya_anläggningar")
    ('Årets resultat', '\u2003varav nya anläggningar')
    """
    text = post.replace("_", " ")
    return "\u2003" + text if text.startswith("varav ") else text[:1].upper() + text[1:]


def stored_renewal_plan(data: MunicipalityData, stored: Any) -> Any:
    """The optimiser's renewal of a stored plan study (:func:`hushall.study.study.renewal_policy`), or ``None``
    when the optimiser did not decide the reinvestment (or the result is not a study)."""
    optimization = stored.get("optimization") if isinstance(stored, dict) and "study_version" in stored else None
    if not isinstance(optimization, dict) or optimization.get("renewal") is None:
        return None
    from hushall.optimize.result import OptimizationResult
    from hushall.study.study import renewal_policy

    return renewal_policy(data, OptimizationResult.from_json_dict(optimization))


def finance_view(data: MunicipalityData, schedule: Any = None, risk: Any = None,
                 reinvestment_policy: Any = None) -> FinanceView:
    """Statements and ratios per year from :func:`hushall.finance.forecast`, targets marked, and the verdict
    (:mod:`hushall.finance.verdict`; its risk part from a stored Monte Carlo summary ``risk`` with
    ``all_years_probability`` and ``draws``, when the plan has one). ``reinvestment_policy``: the optimiser's
    renewal (:func:`stored_renewal_plan`) when it decided the reinvestment; ``None`` = the data's policy."""
    if len(data.finance) == 0:
        return FinanceView(False, "Fliken Ekonomi är tom: fyll i basårets bokslut för att se den ekonomiska planen.")
    from hushall.finance.verdict import assess, with_risk
    from hushall.reports.plan_reasons import target_names
    from hushall.reports.verdict import verdict_lines

    fc = forecast(data, schedule=schedule, reinvestment_policy=reinvestment_policy)
    view = describe_forecast(fc)
    verdict = assess(data, fc)
    if reinvestment_policy is not None:
        from hushall.study.study import renewal_decided

        verdict = renewal_decided(verdict)
    if isinstance(risk, dict):
        verdict = with_risk(verdict, risk.get("all_years_probability"), risk.get("draws"),
                            risk.get("all_years_standard_error"))
    view.verdict = verdict_lines(verdict, target_names(data, with_ids=False))
    return view


def _values(row: Any) -> list[float | None]:
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(row, dtype=float)]


def describe_forecast(forecast: Any) -> FinanceView:
    """Read a :class:`hushall.finance.Forecast` into what the pages show."""
    years = [int(y) for y in forecast.years]
    statements = {
        title: [(post_label(str(post)), _values(row)) for post, row in zip(table.index, table.to_numpy(), strict=True)]
        for title, table in (("Resultaträkning", forecast.income_statement), ("Balansräkning", forecast.balance_sheet),
                             ("Kassaflödesanalys", forecast.cash_flow))
    }
    marked = []
    targets = forecast.targets
    for target_id, rows in targets.groupby("target_id", sort=False):
        kind_key = str(rows["target_type"].iloc[0])
        label, kind, lower = TARGET_DISPLAY.get(kind_key, (kind_key, "share", True))
        by_year = rows.set_index("year")
        values = [float(by_year.loc[y, "value"]) if y in by_year.index else None for y in years]
        met = [bool(by_year.loc[y, "met"]) if y in by_year.index else None for y in years]
        limits = rows["limit"].dropna()
        limit = None if kind_key == "balanskrav" or limits.empty else float(limits.iloc[0])
        marked.append({"key": kind_key, "target_id": str(target_id), "label": label, "kind": kind, "lower": lower,
                       "limit": limit, "values": [None if v is None or not np.isfinite(v) else v for v in values],
                       "met": met})
    ratio_table = [(post_label(str(k)), RATIO_KIND.get(str(k), "share"), _values(row))
                   for k, row in zip(forecast.ratios.index, forecast.ratios.to_numpy(), strict=True)]
    income, balance, cash = forecast.income_statement, forecast.balance_sheet, forecast.cash_flow
    series = {
        "result_kr": _values(income.loc["årets_resultat"]),
        "debt_kr": _values(balance.loc["långfristiga_skulder"]),
        "investments_kr": _values(-cash.loc["investering_materiella_anläggningstillgångar"]),
        # investments and reinvestments in the price base year's prices (fasta priser)
        "investments_fixed_kr": _values(forecast.statements["investeringar_fasta_priser"]),
        # the maintenance debt at each year's end, price base year's prices (the verdict's)
        "maintenance_debt_fixed_kr": _values(forecast.statements["underhållsskuld_fasta_priser"]),
    }
    return FinanceView(True, "", years, statements, marked, ratio_table, series)


@dataclass
class VersionView:
    """Everything the overview and needs pages show for one data version."""

    data: MunicipalityData
    needs: NeedsResult
    population: pd.DataFrame
    years: list[int]
    places: list[dict[str, Any]]
    baseline: FinanceView


def version_view(data: MunicipalityData) -> VersionView:
    needs = analyse_needs(data)
    years = milestone_years(data)
    try:
        baseline = finance_view(data)
    except Exception as exc:  # the page must still show the needs when the financial model fails
        baseline = FinanceView(False, f"Ekonomimodellen kunde inte räknas: {exc}")
    return VersionView(data=data, needs=needs, population=population_by_age_group(data), years=years,
                       places=places_balance(needs, data, years), baseline=baseline)


def pivot_population(pop: pd.DataFrame, years: list[int]) -> list[dict[str, Any]]:
    wide = pop.pivot_table(index="group", columns="year", values="count", sort=False)
    return [{"group": g, "values": [float(wide.loc[g, y]) if y in wide.columns else None for y in years]}
            for g in [a[2] for a in AGE_GROUPS]]
