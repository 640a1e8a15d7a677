"""The validated model of one municipality: typed tables every later stage trusts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from hushall.data.io import read_raw
from hushall.data.schema import TABLES
from hushall.errors import Problem, raise_if_problems
from hushall.formatting import fmt_number
from hushall.model.parameters import Parameter, component_lifetimes, default_assumptions
from hushall.model.plausibility import normalised_weights
from hushall.model.validate import validate_workbook


@dataclass(frozen=True)
class MunicipalityData:
    """A municipality's validated data. Tables use the internal (English) column names of
    :mod:`hushall.data.schema`; amounts are kr in the price base year.

    Build one with :func:`load` or :func:`hushall.examples.exempelkommun`; never by hand from unchecked data.
    """

    name: str
    code: str
    base_year: int
    horizon_years: int
    price_base_year: int
    districts: pd.DataFrame
    population: pd.DataFrame
    services: pd.DataFrame
    facilities: pd.DataFrame
    components: pd.DataFrame
    projects: pd.DataFrame
    finance: pd.DataFrame
    assumptions: dict[str, Parameter]
    targets: pd.DataFrame
    source: str = ""
    #: Investment outcomes per project and year up to the base year (sheet ``Utfall``; empty when not given).
    outcomes: pd.DataFrame = field(default_factory=lambda: _empty("outcomes"))
    #: Warnings found when the data was validated (values that are possible but probably not what was meant).
    warnings: tuple[Problem, ...] = ()
    _cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def years(self) -> np.ndarray:
        """The plan years: the year after the base year through the horizon."""
        return np.arange(self.base_year + 1, self.base_year + self.horizon_years + 1)

    @property
    def first_year(self) -> int:
        return self.base_year + 1

    @property
    def last_year(self) -> int:
        return self.base_year + self.horizon_years

    def population_total(self) -> pd.Series:
        """Inhabitants per year (all districts and ages)."""
        return self.population.groupby("year")["count"].sum()

    def assumption(self, name: str) -> np.ndarray:
        """A driver's value in every plan year."""
        return self.assumptions[name].series(self.years)

    def replace(self, **changes: object) -> MunicipalityData:
        """A copy with some fields changed (used by scenarios; the original is untouched)."""
        return replace(self, _cache={}, **changes)  # type: ignore[arg-type]

    def summary(self) -> str:
        pop = self.population_total()
        first = pop.get(self.base_year, pop.iloc[0])
        inhabitants = fmt_number(first)
        return (
            f"{self.name} ({self.code}): {len(self.districts)} områden, {len(self.facilities)} anläggningar, "
            f"{len(self.components)} komponenter, {len(self.projects)} projekt, "
            f"{inhabitants} invånare {self.base_year if self.base_year in pop.index else pop.index[0]}, "
            f"plan {self.first_year}–{self.last_year}"
        )


def _empty(key: str) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in TABLES[key].columns})


def _resolve_components(components: pd.DataFrame, facilities: pd.DataFrame) -> pd.DataFrame:
    lifetimes = component_lifetimes()
    c = components.copy()
    fac_value = c["facility_id"].map(facilities.set_index("facility_id")["replacement_value_kr"])
    c["value_kr"] = c["value_kr"].where(c["value_kr"].notna(), c["value_share"] * fac_value).astype(float)
    default_life = c["component_type"].map({k: v["lifetime_years"] for k, v in lifetimes.items()})
    c["lifetime_years"] = c["lifetime_years"].where(c["lifetime_years"].notna(), default_life).astype(float)
    c["weibull_shape"] = c["component_type"].map({k: v["weibull_shape"] for k, v in lifetimes.items()})
    fac = facilities.set_index("facility_id")
    c["district_id"] = c["facility_id"].map(fac["district_id"])
    c["category"] = c["facility_id"].map(fac["category"])
    return c


def _normalise_weights(targets: pd.DataFrame) -> pd.DataFrame:
    """The ``kriterievikt`` rows with limits that sum to 1 (warned of in validation when they did not)."""
    rows = targets["target_type"] == "kriterievikt"
    if not rows.any():
        return targets
    weights = normalised_weights({str(i): float(v) for i, v in enumerate(targets.loc[rows, "limit"])})
    out = targets.copy()
    out.loc[rows, "limit"] = list(weights.values())
    return out


def build(frames: dict[str, pd.DataFrame], source: str = "", warnings: tuple[Problem, ...] = ()
          ) -> MunicipalityData:
    """Assemble a :class:`MunicipalityData` from frames that passed validation (criteria weights scaled to sum
    to 1, see :func:`hushall.model.plausibility.normalised_weights`)."""
    muni = frames["municipality"].iloc[0]
    districts = frames["districts"].drop(columns="_row")
    facilities = frames["facilities"].drop(columns="_row").copy()
    dist = districts.set_index("district_id")
    for coord in ("lat", "lon"):
        facilities[coord] = facilities[coord].where(
            facilities[coord].notna(), facilities["district_id"].map(dist[coord])
        ).astype(float)
    services = frames["services"].drop(columns="_row").copy()
    services["critical_in_power_cut"] = services["critical_in_power_cut"].fillna(False).astype(bool)
    crit = facilities["critical_in_power_cut"]
    from_service = facilities["service_id"].map(services.set_index("service_id")["critical_in_power_cut"])
    facilities["critical_in_power_cut"] = crit.where(crit.notna(), from_service).fillna(False).astype(bool)
    facilities["backup_power"] = facilities["backup_power"].fillna(False).astype(bool)
    population = frames["population"].drop(columns="_row").copy()
    for col in ("age_from", "age_to", "year"):
        population[col] = population[col].astype(int)
    assumptions = default_assumptions()
    if "assumptions" in frames:
        a = frames["assumptions"]
        for name, g in a.groupby("parameter"):
            sources = "; ".join(sorted({s for s in g["source"] if s}))
            assumptions[str(name)] = assumptions[str(name)].with_overrides(
                dict(zip(g["from_year"].astype(int), g["value"].astype(float), strict=True)),
                source=sources or "arbetsboken",
            )

    def table(key: str) -> pd.DataFrame:
        return frames[key].drop(columns="_row") if key in frames else _empty(key)

    return MunicipalityData(
        name=str(muni["name"]),
        code=str(muni["code"]),
        base_year=int(muni["base_year"]),
        horizon_years=int(muni["horizon_years"]),
        price_base_year=int(muni["price_base_year"]),
        districts=districts,
        population=population,
        services=services,
        facilities=facilities,
        components=_resolve_components(table("components"), facilities),
        projects=table("projects"),
        finance=table("finance"),
        assumptions=assumptions,
        targets=_normalise_weights(table("targets")),
        outcomes=table("outcomes"),
        source=source,
        warnings=tuple(warnings),
    )


def load(path: str | Path) -> MunicipalityData:
    """Load and validate a municipality from an .xlsx workbook or a folder of CSV files.

    Warnings (values possible but probably not meant) do not stop the loading; they are kept in
    :attr:`MunicipalityData.warnings` for the caller to show.

    Raises
    ------
    hushall.errors.DataValidationError
        With every error found (file, sheet, row, column, value, reason), and the warnings beside them.
    """
    frames, warnings = load_frames(path)
    return build(frames, source=str(path), warnings=warnings)


def load_frames(path: str | Path) -> tuple[dict[str, pd.DataFrame], tuple[Problem, ...]]:
    """The validated tables of a workbook or CSV folder (internal column names, each row's ``_row``) and the
    warnings found: what :func:`load` builds the model from, and what the template writes back
    (:func:`hushall.data.template.write_template`).

    Raises
    ------
    hushall.errors.DataValidationError
        As :func:`load`.
    """
    frames, problems = validate_workbook(read_raw(path))
    raise_if_problems(problems)
    return frames, tuple(p for p in problems if p.is_warning)
