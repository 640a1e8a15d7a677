r"""The cohort-component projection per district, sex and single age (0–100+).

One step takes the population on 31 December of year :math:`t` to 31 December of :math:`t+1`, district by
district (index :math:`d`), sex :math:`s` and age :math:`a` (age on 31 December; 100 = 100+):

.. math::

    D_{d,s,a} &= q_{s,a}\,P^t_{d,s,a}                                  &\text{(deaths)}\\
    B_{d} &= \sum_{a=15}^{49} f_a\,P^t_{d,\mathrm{k},a-1}, \quad
    B_{d,s} = B_d\,\sigma_s                                           &\text{(births, } \sigma = \text{sex shares)}\\
    S_{d,s,0} &= B_{d,s}(1-q^{b}_s), \quad S_{d,s,a+1} = P^t_{d,s,a}-D_{d,s,a}, \quad
    S_{d,s,100} \mathrel{+}= P^t_{d,s,100}-D_{d,s,100}                  &\text{(survivors)}\\
    O_{d,s,a} &= r_{s,a}\,S_{d,s,a}                                    &\text{(out-movers, } r\le 1)\\
    I_{d,s,a} &= M\,w_d\,\pi_{s,a}                                     &\text{(in-movers)}\\
    H_{d,s,a} &= \sum_k N^{t+1}_{d,k}\,n_k\,\pi^k_{s,a}                 &\text{(in-movers to new dwellings)}\\
    P^{t+1}_{d,s,a} &= S_{d,s,a} - O_{d,s,a} + I_{d,s,a} + H_{d,s,a}

with :math:`q` the death probabilities, :math:`q^b` the probability of dying in the year of birth, :math:`f` the
fertility by the age the mother attains during the year, :math:`r` the out-migration rates, :math:`M` the
in-movers per year split over districts by their share :math:`w_d` of the start population and over age and sex
by :math:`\pi`, :math:`N_{d,k}` the dwellings of type :math:`k` completed in district :math:`d` (the housing
programme, *bostadsbyggnadsprogram*) and :math:`n_k` the persons who move in per new dwelling (the
"byggbaserad" method). Hence, per district, sex and age, population + births − deaths ± migration = next year's
population, exactly; with :math:`M = N = r = 0` the total changes by births − deaths.

References
----------
Preston, S. H., Heuveline, P. & Guillot, M. (2001). *Demography*, Blackwell, ch. 6 (the cohort-component method).
Smith, S. K., Tayman, J. & Swanson, D. A. (2013). *A Practitioner's Guide to State and Local Population
Projections*, Springer, ch. 6 (housing-unit method).

Examples
--------
>>> import numpy as np
>>> from hushall.population.rates import default_rates
>>> start = np.zeros((1, 2, 101)); start[0, :, 20:70] = 100.0
>>> p = project(start, 2019, 2021, default_rates(), districts=("C",), out_rate=0.0, in_movers=0.0)
>>> totals = p.population.sum(axis=(1, 2, 3))
>>> bool(np.isclose(totals[1] - totals[0], p.births[0].sum() - p.deaths[0].sum() - p.infant_deaths[0].sum()))
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hushall.errors import DataValidationError
from hushall.population.rates import MAX_AGE, N_AGES, FloatArray, Rates


@dataclass(frozen=True)
class Projection:
    """A projection and its components; arrays are indexed (year step, district, sex, age)."""

    years: tuple[int, ...]          # start year … end year (31 December of each)
    districts: tuple[str, ...]
    population: FloatArray          # (T+1, D, 2, 101)
    births: FloatArray              # (T, D, 2)   born during year t+1
    infant_deaths: FloatArray       # (T, D, 2)   born and died during year t+1
    deaths: FloatArray              # (T, D, 2, 101) deaths during t+1 by age on 31 Dec of t
    out_migrants: FloatArray        # (T, D, 2, 101) by age on 31 Dec of t+1
    in_migrants: FloatArray         # (T, D, 2, 101)
    housing_in_movers: FloatArray   # (T, D, 2, 101)

    def total(self) -> FloatArray:
        """Total population per year (all districts)."""
        return self.population.sum(axis=(1, 2, 3))


def housing_array(programme: Mapping[tuple[str, int, str], float] | None, districts: Sequence[str],
                  years: Sequence[int], rates: Rates) -> FloatArray:
    """Persons moving into new dwellings, shape (T, D, 2, 101), from ``{(district, year, type): dwellings}``."""
    out = np.zeros((len(years), len(districts), 2, N_AGES))
    if not programme:
        return out
    d_index = {d: i for i, d in enumerate(districts)}
    y_index = {y: i for i, y in enumerate(years)}
    for (district, year, kind), dwellings in programme.items():
        if kind not in rates.housing_persons:
            known = ", ".join(sorted(rates.housing_persons))
            raise DataValidationError.single("E_HOUSING_TYPE", f"Okänd bostadstyp; använd någon av: {known}.",
                                             column="bostadstyp", value=kind)
        if district not in d_index or year not in y_index:
            continue  # outside the forecast: reported by the reader
        out[y_index[year], d_index[district]] += (dwellings * rates.housing_persons[kind]
                                                  * rates.housing_profile[kind])
    return out


def project(start: FloatArray, start_year: int, end_year: int, rates: Rates, *, districts: Sequence[str],
            housing: Mapping[tuple[str, int, str], float] | None = None, out_rate: float | None = None,
            in_movers: float | None = None) -> Projection:
    """Project ``start`` (district, sex, age on 31 Dec of ``start_year``) to ``end_year``.

    ``out_rate`` and ``in_movers`` override the rates' crude out-migration rate and the in-movers per year
    (default: as many as move out in the first year when ``rates.in_balance``, else none).
    """
    start = np.asarray(start, dtype=float)
    n_d = len(districts)
    if start.shape != (n_d, 2, N_AGES):
        raise ValueError(f"start population must have shape ({n_d}, 2, {N_AGES}), got {start.shape}")
    years = tuple(range(start_year, end_year + 1))
    steps = len(years) - 1
    r_out = rates.out_rates(start) if out_rate is None else (
        rates.out_rates(start) * (out_rate / rates.out_rate) if rates.out_rate > 0 else np.zeros((2, N_AGES)))
    r_out = np.minimum(r_out, 1.0)
    profile = rates.in_profile(start)
    weights = start.sum(axis=(1, 2))
    weights = weights / weights.sum() if weights.sum() > 0 else np.full(n_d, 1.0 / max(n_d, 1))
    housing_in = housing_array(housing, districts, years[1:], rates)

    pop = np.zeros((steps + 1, n_d, 2, N_AGES))
    pop[0] = start
    births = np.zeros((steps, n_d, 2))
    infant = np.zeros((steps, n_d, 2))
    deaths = np.zeros((steps, n_d, 2, N_AGES))
    out_m = np.zeros_like(deaths)
    in_m = np.zeros_like(deaths)
    sex_share = np.array([1.0 - rates.boys_share, rates.boys_share])
    fert = rates.fertility[1:]  # mothers attaining a during the year were a − 1 on 31 December before
    m_per_year = in_movers
    for t in range(steps):
        p = pop[t]
        deaths[t] = rates.death[None, :, :] * p
        born = (fert[None, :] * p[:, 0, :MAX_AGE]).sum(axis=1)
        births[t] = born[:, None] * sex_share[None, :]
        infant[t] = births[t] * rates.death_at_birth[None, :]
        surv = np.zeros((n_d, 2, N_AGES))
        surv[:, :, 0] = births[t] - infant[t]
        alive = p - deaths[t]
        surv[:, :, 1:] = alive[:, :, :MAX_AGE]
        surv[:, :, MAX_AGE] += alive[:, :, MAX_AGE]
        out_m[t] = r_out[None, :, :] * surv
        if m_per_year is None:
            m_per_year = float(out_m[0].sum()) if rates.in_balance else 0.0
        in_m[t] = m_per_year * weights[:, None, None] * profile[None, :, :]
        pop[t + 1] = surv - out_m[t] + in_m[t] + housing_in[t]
    return Projection(years=years, districts=tuple(districts), population=pop, births=births,
                      infant_deaths=infant, deaths=deaths, out_migrants=out_m, in_migrants=in_m,
                      housing_in_movers=housing_in)


__all__ = ["Projection", "housing_array", "project"]
