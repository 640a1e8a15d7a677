"""Stage 3: the needs analysis — renewal need, maintenance debt, places and preparedness.

:func:`analyse_needs` runs the whole stage on a validated municipality and returns a :class:`NeedsResult`, a set of
tidy tables (English column names, amounts in kr) that later stages and the presentation layers read.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> result = analyse_needs(exempelkommun())
>>> result.maintenance_debt_kr >= 0
True
>>> sorted(result.to_json_dict())[:4]
['base_year', 'capacity', 'capacity_totals', 'maintenance_debt_by_year']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hushall.model import MunicipalityData
from hushall.needs.capacity import band_shares, capacity_table, capacity_totals
from hushall.needs.readiness import readiness_table
from hushall.needs.renewal import (
    component_status,
    construction_price_index,
    expected_renewal_density,
    expected_renewal_totals,
    first_due_year,
    maintenance_debt_totals,
    renewal_events,
    renewal_tables,
    renewal_totals,
)


@dataclass(frozen=True)
class NeedsResult:
    """The needs of one municipality over its plan years.

    Amounts are kr in the prices of the price base year (``amount_kr``) and in current prices
    (``amount_nominal_kr``, construction price index).

    Attributes
    ----------
    components
        One row per component: lifetime, condition, effective age, first due year, overdue flag.
    renewal_by_component
        Deterministic renewals, one row per component and year of renewal (``backlog``: catching up debt).
    renewal_by_year
        Deterministic renewal need per year.
    renewal_by_year_category, renewal_by_year_district, renewal_by_year_facility
        The same per year × facility category / district / facility (every combination present).
    renewal_expected_by_year, renewal_expected_by_year_category
        Expected renewal need under Weibull distributed lifetimes.
    maintenance_debt_by_year, maintenance_debt_by_year_category
        Maintenance debt if nothing is renewed, from the base year through the last plan year.
    maintenance_debt_kr
        Maintenance debt now (end of the base year).
    capacity
        Demand, capacity and balance per district × service × year.
    capacity_totals
        The same per service × year for the whole municipality.
    readiness
        Facilities critical in a power cut that lack backup power.
    """

    base_year: int
    price_base_year: int
    years: tuple[int, ...]
    components: pd.DataFrame
    renewal_by_component: pd.DataFrame
    renewal_by_year: pd.DataFrame
    renewal_by_year_category: pd.DataFrame
    renewal_by_year_district: pd.DataFrame
    renewal_by_year_facility: pd.DataFrame
    renewal_expected_by_year: pd.DataFrame
    renewal_expected_by_year_category: pd.DataFrame
    maintenance_debt_by_year: pd.DataFrame
    maintenance_debt_by_year_category: pd.DataFrame
    maintenance_debt_kr: float
    capacity: pd.DataFrame
    capacity_totals: pd.DataFrame
    readiness: pd.DataFrame

    def to_json_dict(self) -> dict[str, Any]:
        """The result as plain Python values (``json.dumps`` works; NaN becomes ``None``).

        Keys: ``base_year, years, renewal, renewal_by_category, renewal_expected, maintenance_debt_kr,
        maintenance_debt_by_year, capacity, capacity_totals, readiness``.
        """
        capacity = self.capacity.rename(columns={"district_id": "district", "service_id": "service"})
        totals = self.capacity_totals.rename(columns={"service_id": "service"})
        return {
            "base_year": int(self.base_year),
            "price_base_year": int(self.price_base_year),
            "years": [int(y) for y in self.years],
            "renewal": records(self.renewal_by_year),
            "renewal_by_category": records(self.renewal_by_year_category),
            "renewal_expected": records(self.renewal_expected_by_year),
            "maintenance_debt_kr": float(self.maintenance_debt_kr),
            "maintenance_debt_by_year": records(self.maintenance_debt_by_year),
            "capacity": records(
                capacity[["year", "district", "service", "demand", "capacity", "surplus", "deficit",
                          "utilisation"]]
            ),
            "capacity_totals": records(totals),
            "readiness": records(self.readiness),
        }


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        return x if math.isfinite(x) else None
    return str(value)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a table as dicts of plain Python values (NaN and NA become ``None``).

    Examples
    --------
    >>> records(pd.DataFrame({"year": [2025], "x": [np.nan], "ok": [np.True_]}))
    [{'year': 2025, 'x': None, 'ok': True}]
    """
    columns = list(df.columns)
    return [
        {c: _plain(v) for c, v in zip(columns, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]


def analyse_needs(data: MunicipalityData) -> NeedsResult:
    """Run the needs analysis of a validated municipality."""
    renewal = renewal_tables(data)
    capacity = capacity_table(data)
    return NeedsResult(
        base_year=int(data.base_year),
        price_base_year=int(data.price_base_year),
        years=tuple(int(y) for y in data.years),
        components=renewal.components,
        renewal_by_component=renewal.by_component,
        renewal_by_year=renewal.by_year,
        renewal_by_year_category=renewal.by_year_category,
        renewal_by_year_district=renewal.by_year_district,
        renewal_by_year_facility=renewal.by_year_facility,
        renewal_expected_by_year=renewal.expected_by_year,
        renewal_expected_by_year_category=renewal.expected_by_year_category,
        maintenance_debt_by_year=renewal.debt_by_year,
        maintenance_debt_by_year_category=renewal.debt_by_year_category,
        maintenance_debt_kr=renewal.debt_kr,
        capacity=capacity,
        capacity_totals=capacity_totals(capacity),
        readiness=readiness_table(data),
    )


__all__ = [
    "NeedsResult",
    "analyse_needs",
    "band_shares",
    "capacity_table",
    "capacity_totals",
    "component_status",
    "construction_price_index",
    "expected_renewal_density",
    "expected_renewal_totals",
    "first_due_year",
    "maintenance_debt_totals",
    "readiness_table",
    "records",
    "renewal_events",
    "renewal_tables",
    "renewal_totals",
]
