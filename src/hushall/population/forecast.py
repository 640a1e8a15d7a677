"""From SCB's population and a housing programme to the workbook's sheet *Befolkning* (build, run, write apart).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> import numpy as np
>>> data = exempelkommun()
>>> start = np.zeros((2, 101)); start[:, :90] = 80.0
>>> fc = forecast_from_population(data, start, 2019, kommun="Test")
>>> int(fc.frame["year"].min()), int(fc.frame["year"].max()), sorted(fc.frame["district_id"].unique())[:2]
(2024, 2054, ['BH', 'C'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hushall.errors import DataValidationError
from hushall.population.bought import OPEN_AGE
from hushall.population.cohort import Projection, project
from hushall.population.inputs import (
    district_shares,
    read_housing_programme,
    read_scb_population,
    split_to_districts,
)
from hushall.population.rates import MAX_AGE, FloatArray, Rates, default_rates


@dataclass
class PopulationForecast:
    """A forecast ready for the workbook: the projection, its rows of *Befolkning* and where it came from."""

    projection: Projection
    frame: pd.DataFrame               # district_id, age_from, age_to, year, count
    kommun: str
    start_year: int
    sources: dict[str, str] = field(default_factory=dict)
    approximations: tuple[str, ...] = ()

    def components(self) -> pd.DataFrame:
        """Per year: population, births, deaths, out-movers, in-movers and in-movers to new dwellings."""
        p = self.projection
        return pd.DataFrame({
            "år": p.years[1:],
            "folkmängd": p.total()[1:],
            "födda": p.births.sum(axis=(1, 2)),
            "döda": p.deaths.sum(axis=(1, 2, 3)) + p.infant_deaths.sum(axis=(1, 2)),
            "utflyttade": p.out_migrants.sum(axis=(1, 2, 3)),
            "inflyttade": p.in_migrants.sum(axis=(1, 2, 3)),
            "inflyttade_nybyggt": p.housing_in_movers.sum(axis=(1, 2, 3)),
        })

    def to_json_dict(self) -> dict[str, Any]:
        comp = self.components()
        return {
            "kommun": self.kommun, "startår": self.start_year,
            "år": [int(y) for y in comp["år"]],
            "folkmängd": [round(float(x), 1) for x in comp["folkmängd"]],
            "komponenter": {c: [round(float(x), 1) for x in comp[c]] for c in comp.columns if c != "år"},
            "källor": self.sources, "approximationer": list(self.approximations),
        }


def population_frame(projection: Projection, from_year: int) -> pd.DataFrame:
    """Rows of *Befolkning* (single ages 0–99 and 100–120) for the years ``from_year`` onwards."""
    keep = [i for i, y in enumerate(projection.years) if y >= from_year]
    pop = projection.population[keep].sum(axis=2)  # sexes summed: (years, D, 101)
    n_y, n_d, n_a = pop.shape
    years = np.repeat(np.array(projection.years)[keep], n_d * n_a)
    districts = np.tile(np.repeat(np.array(projection.districts, dtype=object), n_a), n_y)
    ages = np.tile(np.arange(n_a), n_y * n_d)
    return pd.DataFrame({
        "district_id": districts,
        "age_from": ages,
        "age_to": np.where(ages == MAX_AGE, OPEN_AGE, ages),
        "year": years,
        "count": np.round(pop.ravel(), 2),
    })


def forecast_from_population(data: Any, start: FloatArray, start_year: int, *, kommun: str,
                             rates: Rates | None = None, housing: dict[tuple[str, int, str], float] | None = None,
                             out_rate: float | None = None, in_movers: float | None = None) -> PopulationForecast:
    """Split ``start`` (sex, age) to ``data``'s districts and project it to the end of the plan."""
    rates = rates or default_rates()
    districts = tuple(str(d) for d in data.districts["district_id"])
    if start_year > data.base_year:
        raise DataValidationError.single(
            "E_START_YEAR", f"Startbefolkningen ({start_year}) är senare än arbetsbokens basår "
            f"({data.base_year}). Använd befolkningen för basåret eller ett tidigare år.")
    shares = district_shares(data.population, districts)
    proj = project(split_to_districts(start, shares), start_year, data.last_year, rates, districts=districts,
                   housing=housing, out_rate=out_rate, in_movers=in_movers)
    return PopulationForecast(projection=proj, frame=population_frame(proj, data.base_year), kommun=kommun,
                              start_year=start_year, sources=dict(rates.sources),
                              approximations=rates.approximations)


def forecast_from_scb(data: Any, scb_path: Path, kommun: str, *, housing_path: Path | None = None,
                      rates: Rates | None = None, out_rate: float | None = None,
                      in_movers: float | None = None) -> PopulationForecast:
    """Cohort-component forecast from SCB's population of ``kommun`` (file at ``scb_path``) for ``data``."""
    start, year = read_scb_population(scb_path, kommun)
    housing = None
    if housing_path is not None:
        names = dict(zip(data.districts["district_id"].astype(str), data.districts["name"].astype(str),
                         strict=True))
        housing = read_housing_programme(housing_path, tuple(names), names)
    return forecast_from_population(data, start, year, kommun=kommun, rates=rates, housing=housing,
                                    out_rate=out_rate, in_movers=in_movers)


__all__ = ["PopulationForecast", "forecast_from_population", "forecast_from_scb", "population_frame"]
