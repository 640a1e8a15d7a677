"""Demand for places and capacity per district, service and year.

Demand for a service is the population in the service's age band times its coverage (the share of the age group
that uses a place; sheet ``Tjänster``). Population rows may be age bands: a band that straddles the service's age
band is split uniformly over its single ages, so only the overlapping ages count. Capacity is the sum of
``capacity_places`` of the district's facilities with that service; it is constant over the years here (projects
change it in later stages).

Examples
--------
>>> band_shares([0, 3], [4, 3], [1], [5]).tolist()  # 0–4 år: 4 of 5 ages in 1–5; 3 år: inside
[[0.8], [1.0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hushall.model import MunicipalityData

FloatArray = NDArray[np.float64]


def band_shares(
    age_from: ArrayLike, age_to: ArrayLike, band_from: ArrayLike, band_to: ArrayLike
) -> FloatArray:
    """Share of each population row (ages ``age_from … age_to``) inside each service band, shape ``(rows, bands)``.

    The count of a row is taken as spread uniformly over its single ages.

    Examples
    --------
    >>> band_shares([6, 10, 0], [9, 19, 0], [6], [12]).tolist()
    [[1.0], [0.3], [0.0]]
    """
    lo = np.asarray(age_from, dtype=float)[:, None]
    hi = np.asarray(age_to, dtype=float)[:, None]
    b_lo = np.asarray(band_from, dtype=float)[None, :]
    b_hi = np.asarray(band_to, dtype=float)[None, :]
    overlap = np.clip(np.minimum(hi, b_hi) - np.maximum(lo, b_lo) + 1.0, 0.0, None)
    return overlap / (hi - lo + 1.0)


def capacity_table(data: MunicipalityData, years: ArrayLike | None = None) -> pd.DataFrame:
    """Demand, capacity and balance per district × service × year (plan years by default).

    Columns: ``district_id, service_id, year, population_in_band, coverage, demand, capacity, surplus, deficit,
    utilisation`` with ``surplus = capacity − demand``, ``deficit = max(0, demand − capacity)`` and
    ``utilisation = demand / capacity`` (NaN where the capacity is 0). Every combination is present.
    """
    yrs = np.asarray(data.years if years is None else years, dtype=np.int64)
    districts = [str(d) for d in data.districts["district_id"]]
    services = data.services
    service_ids = [str(s) for s in services["service_id"]]
    n_d, n_s, n_y = len(districts), len(service_ids), yrs.size

    pop = data.population
    pop = pop[pop["year"].isin(yrs) & pop["district_id"].isin(districts)]
    d_code = pd.Categorical(pop["district_id"], categories=districts).codes.astype(np.int64)
    y_code = np.searchsorted(yrs, pop["year"].to_numpy(dtype=np.int64))
    cell = d_code * n_y + y_code
    shares = band_shares(
        pop["age_from"].to_numpy(dtype=float),
        pop["age_to"].to_numpy(dtype=float),
        services["age_from"].to_numpy(dtype=float),
        services["age_to"].to_numpy(dtype=float),
    )
    in_band = shares * pop["count"].to_numpy(dtype=float)[:, None]
    # (district, year) × service; the loop runs over the handful of services.
    population = np.stack(
        [np.bincount(cell, weights=in_band[:, s], minlength=n_d * n_y) for s in range(n_s)], axis=-1
    ).reshape(n_d, n_y, n_s).transpose(0, 2, 1)
    coverage = services["coverage"].to_numpy(dtype=float)
    demand = population * coverage[None, :, None]

    fac = data.facilities
    fac = fac[fac["service_id"].astype(str).isin(service_ids) & fac["district_id"].isin(districts)]
    f_d = pd.Categorical(fac["district_id"], categories=districts).codes.astype(np.int64)
    f_s = pd.Categorical(fac["service_id"].astype(str), categories=service_ids).codes.astype(np.int64)
    places = np.bincount(
        f_d * n_s + f_s, weights=fac["capacity_places"].fillna(0.0).to_numpy(dtype=float), minlength=n_d * n_s
    ).reshape(n_d, n_s)
    capacity = np.broadcast_to(places[:, :, None], demand.shape)

    out = pd.DataFrame(
        {
            "district_id": np.repeat(np.asarray(districts, dtype=object), n_s * n_y),
            "service_id": np.tile(np.repeat(np.asarray(service_ids, dtype=object), n_y), n_d),
            "year": np.tile(yrs, n_d * n_s),
            "population_in_band": population.ravel(),
            "coverage": np.broadcast_to(coverage[None, :, None], demand.shape).ravel(),
            "demand": demand.ravel(),
            "capacity": capacity.ravel(),
        }
    )
    return _balance(out)


def _balance(df: pd.DataFrame) -> pd.DataFrame:
    df["surplus"] = df["capacity"] - df["demand"]
    df["deficit"] = np.maximum(df["demand"] - df["capacity"], 0.0)
    cap = df["capacity"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["utilisation"] = np.where(cap > 0, df["demand"].to_numpy(dtype=float) / cap, np.nan)
    return df


def capacity_totals(capacity: pd.DataFrame) -> pd.DataFrame:
    """Municipality totals per service × year of a :func:`capacity_table`.

    ``deficit`` nets places across districts (``max(0, Σ demand − Σ capacity)``); ``deficit_districts`` is the
    sum of the districts' own deficits, the places missing when children and elderly cannot move between
    districts.
    """
    totals = (
        capacity.groupby(["service_id", "year"], sort=False, observed=True)
        .agg(
            population_in_band=("population_in_band", "sum"),
            demand=("demand", "sum"),
            capacity=("capacity", "sum"),
            deficit_districts=("deficit", "sum"),
        )
        .reset_index()
    )
    totals = _balance(totals)
    columns = ["service_id", "year", "population_in_band", "demand", "capacity", "surplus", "deficit",
               "deficit_districts", "utilisation"]
    return totals[columns]
