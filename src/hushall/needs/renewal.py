r"""Renewal need of the components: when each must be replaced, what it costs, and the maintenance debt.

Two forecasts are made over the plan years (``base_year + 1 … base_year + horizon``):

* the **deterministic schedule**: every component is renewed when its technical lifetime has run out, and every
  ``lifetime`` years after that;
* the **expected renewal need** when lifetimes are Weibull distributed around the technical lifetime, which
  spreads the same renewals over the years around their due dates.

Time convention
---------------
A year ``Y`` is the interval ``[Y, Y + 1)``. A renewal (or a condition inspection) made in year ``Y`` is taken to
happen mid-year, at ``Y + ½``, so a life that started at ``R + ½`` and lasts ``L`` years ends in year
``floor(R + ½ + L)``: fractional years are rounded half up. In particular

* without a condition grade, the first renewal is due in ``last_renewed_year + round(L)``;
* with a condition grade ``g`` (inspected in the base year), the remaining life is ``L × f[g]`` with ``f`` from
  ``condition_remaining_life`` in ``hushall/data/defaults/parameters.yaml`` (IIMM 2015), and the first renewal is due in
  ``base_year + round(L × f[g])``; grade 5 (``f = 0``) is due in the base year, i.e. overdue.

Components due in or before the base year are **overdue**: together they are the maintenance debt
(*underhållsskuld*), valued at their replacement value. The deterministic schedule renews them in the first plan
year and every ``round(L)`` years after that (lifetimes are rounded half up to whole years, at least one).

The expected forecast (:func:`expected_renewal_density`) gives every component an *effective age* at the end of
the base year, ``L − (end of life − (base_year + 1))`` — its real age, or with a condition grade the age that
leaves the graded remaining life — and draws its first renewal from the Weibull lifetime conditional on having
survived that long. Overdue components are therefore not all renewed in the first plan year there: their
expected renewals come soon, spread by the residual-life distribution. In the limit of a very steep Weibull
(shape → ∞) the expectation reproduces the deterministic schedule.

Only the component's own condition grade is used; the facility's overall grade (``Anläggningar.skick``) is a
summary and would wrongly age long-lived parts such as the frame.

All amounts are kr in the prices of the price base year (*real*). Nominal amounts multiply them by the
cumulative construction price index from the price base year (parameter ``byggprisindex``, by default SCB
Byggnadsprisindex).

The array functions (:func:`first_due_year`, :func:`renewal_events`, :func:`renewal_totals`,
:func:`expected_renewal_density`, :func:`expected_renewal_totals`, :func:`maintenance_debt_totals`) are pure and
vectorised; :func:`renewal_tables` applies them to a :class:`~hushall.model.MunicipalityData`.

References
----------
.. [IIMM] IPWEA/NAMS (2015), *International Infrastructure Management Manual*, section 2.4 (condition grades 1–5
   and remaining useful life).
.. [Cox] D. R. Cox (1962), *Renewal Theory*, Methuen, ch. 4 (the renewal equation, delayed renewal processes,
   the elementary renewal theorem).
.. [BPI] SCB, *Byggnadsprisindex (BPI)*, default ``byggprisindex`` in ``hushall/data/defaults/parameters.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import gamma

from hushall.data.schema import FACILITY_CATEGORIES
from hushall.model import MunicipalityData
from hushall.model.parameters import condition_remaining_life

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def round_half_up(x: ArrayLike) -> IntArray:
    """Round to whole numbers, halves upwards (``numpy.round`` rounds halves to even).

    Examples
    --------
    >>> round_half_up([0.5, 1.5, 2.5, 2.49, -0.5]).tolist()
    [1, 2, 3, 2, 0]
    """
    return np.floor(np.asarray(x, dtype=float) + 0.5).astype(np.int64)


def whole_lifetimes(lifetime_years: ArrayLike) -> IntArray:
    """Lifetimes of the deterministic schedule: rounded half up to whole years, at least one year.

    Examples
    --------
    >>> whole_lifetimes([35, 37.5, 0.2]).tolist()
    [35, 38, 1]
    """
    return np.maximum(round_half_up(lifetime_years), 1)


def remaining_life_fractions(condition: ArrayLike) -> FloatArray:
    """Fraction of the technical lifetime left at each condition grade 1–5; NaN where no grade is given.

    The fractions are ``condition_remaining_life`` of ``hushall/data/defaults/parameters.yaml`` [IIMM]_.

    Examples
    --------
    >>> remaining_life_fractions([1, 3, 5, np.nan]).tolist()
    [0.9, 0.45, 0.0, nan]
    """
    table = condition_remaining_life()
    lookup = np.full(max(table) + 1, np.nan)
    for grade, fraction in table.items():
        lookup[grade] = fraction
    grades = np.asarray(condition, dtype=float)
    out = np.full(grades.shape, np.nan)
    known = np.isfinite(grades)
    out[known] = lookup[np.clip(grades[known].astype(np.int64), 0, len(lookup) - 1)]
    return out


def end_of_life(
    last_renewed_year: ArrayLike,
    lifetime_years: ArrayLike,
    base_year: int,
    remaining_fraction: ArrayLike | None = None,
) -> FloatArray:
    """The instant (in fractional years) each component's current life ends.

    Lives start mid-year: ``last_renewed_year + ½ + L``; with a condition grade, the remaining life
    ``L × fraction`` counts from the middle of the base year [IIMM]_. Where ``remaining_fraction`` is NaN the age
    is used.

    Examples
    --------
    >>> end_of_life([2000, 2000], [30, 30], 2024, [np.nan, 0.45]).tolist()
    [2030.5, 2038.0]
    """
    last = np.asarray(last_renewed_year, dtype=float)
    life = np.asarray(lifetime_years, dtype=float)
    out = last + 0.5 + life
    if remaining_fraction is not None:
        frac = np.asarray(remaining_fraction, dtype=float)
        graded = np.isfinite(frac)
        out = np.where(graded, base_year + 0.5 + life * np.where(graded, frac, 0.0), out)
    return out


def first_due_year(
    last_renewed_year: ArrayLike,
    lifetime_years: ArrayLike,
    base_year: int,
    remaining_fraction: ArrayLike | None = None,
) -> IntArray:
    """Year each component's current life runs out (≤ ``base_year`` means overdue).

    ``last_renewed_year + round(L)``, or ``base_year + round(L × fraction)`` where a condition grade gives the
    remaining-life fraction [IIMM]_; halves round up.

    Examples
    --------
    >>> first_due_year([2000, 2000, 1980], [30, 30, 35], 2024, [np.nan, 0.45, np.nan]).tolist()
    [2030, 2038, 2015]
    >>> first_due_year([2020], [35], 2024, [0.0]).tolist()  # grade 5: overdue
    [2024]
    """
    return np.floor(end_of_life(last_renewed_year, lifetime_years, base_year, remaining_fraction)).astype(np.int64)


def renewal_events(
    value_kr: ArrayLike,
    lifetime_years: ArrayLike,
    first_due: ArrayLike,
    years: ArrayLike,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Deterministic renewals in the plan years as sparse triplets ``(component, year index, amount)``.

    A component due before the first plan year (overdue) is renewed in the first plan year; after a renewal the
    next one follows ``round(L)`` years later (:func:`whole_lifetimes`). ``years`` must be consecutive.

    The loop runs over the renewal cycle ``k`` (at most ``len(years)`` times, far fewer for real lifetimes), each
    step vectorised over the components still inside the horizon.

    Parameters
    ----------
    value_kr
        Replacement value of each component (the amount of one renewal).
    lifetime_years
        Technical lifetime of each component.
    first_due
        Year the current life runs out (:func:`first_due_year`).
    years
        The plan years, consecutive and increasing.

    Returns
    -------
    component, year_index, amount
        One entry per renewal, ordered by cycle then component.

    Examples
    --------
    >>> c, t, a = renewal_events([100.0, 50.0], [3, 10], [2023, 2026], np.arange(2025, 2031))
    >>> c.tolist(), (2025 + t).tolist(), a.tolist()
    ([0, 1, 0], [2025, 2026, 2028], [100.0, 50.0, 100.0])
    """
    value = np.asarray(value_kr, dtype=float)
    life = whole_lifetimes(lifetime_years)
    yrs = np.asarray(years, dtype=np.int64)
    if yrs.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    first, last = int(yrs[0]), int(yrs[-1])
    due_all = np.maximum(np.asarray(first_due, dtype=np.int64), first)
    comps = np.flatnonzero(due_all <= last)
    due = due_all[comps]
    out_c: list[IntArray] = []
    out_t: list[IntArray] = []
    while comps.size:
        out_c.append(comps)
        out_t.append(due - first)
        due = due + life[comps]
        inside = due <= last
        comps, due = comps[inside], due[inside]
    if not out_c:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    component = np.concatenate(out_c)
    year_index = np.concatenate(out_t)
    return component, year_index, value[component]


def _group_codes(groups: ArrayLike | None, n: int, n_groups: int | None) -> tuple[IntArray, int]:
    if groups is None:
        return np.zeros(n, dtype=np.int64), 1
    codes = np.asarray(groups, dtype=np.int64)
    return codes, int(n_groups if n_groups is not None else (codes.max() + 1 if codes.size else 0))


def renewal_totals(
    value_kr: ArrayLike,
    lifetime_years: ArrayLike,
    first_due: ArrayLike,
    years: ArrayLike,
    groups: ArrayLike | None = None,
    n_groups: int | None = None,
) -> FloatArray:
    """Deterministic renewal amounts summed per group and plan year, shape ``(n_groups, len(years))``.

    Same schedule as :func:`renewal_events`, accumulated with :func:`numpy.bincount` without materialising the
    events. ``groups`` holds each component's group code ``0 … n_groups − 1`` (all in one group when omitted).

    Examples
    --------
    >>> renewal_totals([100.0, 50.0], [3, 10], [2023, 2026], np.arange(2025, 2031)).tolist()
    [[100.0, 50.0, 0.0, 100.0, 0.0, 0.0]]
    >>> renewal_totals([100.0, 50.0], [3, 10], [2023, 2026], np.arange(2025, 2028), [1, 0], 2).tolist()
    [[0.0, 50.0, 0.0], [100.0, 0.0, 0.0]]
    """
    value = np.asarray(value_kr, dtype=float)
    life = whole_lifetimes(lifetime_years)
    yrs = np.asarray(years, dtype=np.int64)
    codes, g = _group_codes(groups, value.size, n_groups)
    n_years = yrs.size
    total = np.zeros(g * n_years)
    if n_years == 0 or value.size == 0:
        return total.reshape(g, n_years)
    first, last = int(yrs[0]), int(yrs[-1])
    due_all = np.maximum(np.asarray(first_due, dtype=np.int64), first)
    comps = np.flatnonzero(due_all <= last)
    due = due_all[comps]
    while comps.size:
        total += np.bincount(codes[comps] * n_years + (due - first), weights=value[comps], minlength=total.size)
        due = due + life[comps]
        inside = due <= last
        comps, due = comps[inside], due[inside]
    return total.reshape(g, n_years)


def maintenance_debt_totals(
    value_kr: ArrayLike,
    first_due: ArrayLike,
    years: ArrayLike,
    groups: ArrayLike | None = None,
    n_groups: int | None = None,
) -> FloatArray:
    """Maintenance debt in each year if nothing is renewed: value of the components due in or before the year.

    Returns shape ``(n_groups, len(years))``; non-decreasing along the years by construction.

    Examples
    --------
    >>> maintenance_debt_totals([100.0, 50.0, 7.0], [2020, 2026, 2040], [2024, 2025, 2026, 2027]).tolist()
    [[100.0, 100.0, 150.0, 150.0]]
    """
    value = np.asarray(value_kr, dtype=float)
    yrs = np.asarray(years, dtype=np.int64)
    codes, g = _group_codes(groups, value.size, n_groups)
    n_years = yrs.size
    if n_years == 0:
        return np.zeros((g, 0))
    due = np.asarray(first_due, dtype=np.int64)
    # Position of each due year among the years (0 when due before the first year); beyond the last: dropped.
    pos = np.clip(due - int(yrs[0]), 0, None)
    inside = pos < n_years
    flat = np.bincount(codes[inside] * n_years + pos[inside], weights=value[inside], minlength=g * n_years)
    return np.cumsum(flat.reshape(g, n_years), axis=1)


# --- Expected renewal need under Weibull lifetimes -------------------------------------------------------------


def weibull_scale(mean_years: ArrayLike, shape: ArrayLike) -> FloatArray:
    """Scale ``λ`` of the Weibull distribution with the given mean and shape: ``λ = mean / Γ(1 + 1/β)``.

    Examples
    --------
    >>> round(float(weibull_scale(30.0, 1.0)), 6)  # shape 1 is the exponential distribution
    30.0
    """
    return np.asarray(mean_years, dtype=float) / gamma(1.0 + 1.0 / np.asarray(shape, dtype=float))


def expected_renewal_density(
    lifetime_years: ArrayLike,
    shape: ArrayLike,
    effective_age: ArrayLike,
    n_years: int,
) -> FloatArray:
    r"""Expected number of renewals in each plan year of one component, for Weibull distributed lifetimes.

    Lifetimes ``X`` are Weibull with mean ``lifetime_years`` and shape ``β``: survival
    ``S(x) = exp(−(x/λ)^β)``, ``λ = L / Γ(1 + 1/β)``. At the end of the base year the component has reached
    ``effective_age`` ``a``. Plan year ``t = 1 … n`` is the interval ``[t − 1, t)`` from then.

    * The first renewal ``T`` follows the residual life given survival to age ``a``:
      :math:`f_1(t) = \frac{S(a + t - 1) - S(a + t)}{S(a)}`.
    * Renewals are taken to happen mid-year, so a renewal in year ``s`` is followed by the next in year
      ``s + j`` with probability :math:`p_j = P(j - ½ \le X < j + ½)` (``j ≥ 0``).
    * The renewal density then solves the discrete (delayed) renewal equation [Cox]_

      .. math:: m(t) = f_1(t) + \sum_{s=1}^{t} m(s)\, p_{t-s}

      (the ``s = t`` term, renewals failing within their own year, is moved to the left-hand side).

    By the elementary renewal theorem ``m(t) → 1/L`` as ``t`` grows [Cox]_; mid-year discretisation keeps the
    mean of the discrete lifetime at ``L`` (up to ``O(1/L²)``).

    Parameters
    ----------
    lifetime_years, shape, effective_age
        Arrays of equal length ``G`` (one row per distinct component kind).
    n_years
        Number of plan years.

    Returns
    -------
    numpy.ndarray
        Shape ``(G, n_years)``: expected renewals per year.

    Examples
    --------
    >>> m = expected_renewal_density([10.0], [3.0], [0.5], 400)
    >>> round(float(m[0, 200:].mean()), 3)  # elementary renewal theorem: 1 / 10
    0.1
    >>> bool(abs(expected_renewal_density([10.0], [3.0], [9.5], 1)[0, 0] - 0.1925) < 1e-4)
    True
    """
    life = np.atleast_1d(np.asarray(lifetime_years, dtype=float))
    beta = np.atleast_1d(np.asarray(shape, dtype=float))
    age = np.maximum(np.atleast_1d(np.asarray(effective_age, dtype=float)), 0.0)
    life, beta, age = np.broadcast_arrays(life, beta, age)
    scale = weibull_scale(life, beta)
    first = _first_renewal_probabilities(scale, beta, age, n_years)
    p, keep = _lifetime_kernel(scale, beta, n_years)
    return _solve_renewal_equation(first, p, keep)


def _first_renewal_probabilities(scale: FloatArray, beta: FloatArray, age: FloatArray, n_years: int,
                                 work: FloatArray | None = None, out: FloatArray | None = None) -> FloatArray:
    r"""First renewal in each plan year given survival to ``age``, :math:`f_1(t) = (S(a + t - 1) - S(a + t)) / S(a)`.

    Shape ``(len(age), n_years)``. The conditional survival is taken in log space,
    :math:`S(a + t) / S(a) = \exp(H(a) - H(a + t))` with the cumulative hazard :math:`H(x) = (x / λ)^β`, because
    :math:`S(a)` underflows for old parts. ``work`` (``(len(age), n_years + 1)``) and ``out`` are optional
    buffers: reusing them across chunks spares the allocation of large temporaries.
    """
    x = np.add(age[:, None], np.arange(n_years + 1, dtype=float)[None, :], out=work)
    x /= scale[:, None]
    np.power(x, beta[:, None], out=x)  # H(a + t)
    np.subtract(x[:, :1], x, out=x)
    np.exp(x, out=x)  # S(a + t) / S(a)
    return np.subtract(x[:, :-1], x[:, 1:], out=out)


def _lifetime_kernel(scale: FloatArray, beta: FloatArray, n_years: int) -> tuple[FloatArray, FloatArray]:
    """Discrete lifetime of a new component, ``p_j = F(j + ½) − F(j − ½)``, ``p_0 = F(½)``, and ``1 / (1 − p_0)``.

    One row per ``(scale, beta)``; shape ``(len(scale), n_years)`` and ``(len(scale),)``.
    """
    edges = np.concatenate([[0.0], np.arange(n_years, dtype=float) + 0.5])[None, :]
    cdf = -np.expm1(-((edges / scale[:, None]) ** beta[:, None]))
    p = np.diff(cdf, axis=1)
    p[:, 0] = cdf[:, 1]
    return p, 1.0 / (1.0 - p[:, 0])


def _solve_renewal_equation(first: FloatArray, p: FloatArray, keep: FloatArray) -> FloatArray:
    r"""Solve :math:`m(t) = f_1(t) + \sum_{s \le t} m(s) p_{t-s}` row by row, ``(rows, n_years)`` [Cox]_.

    ``first`` may be any non-negative combination of first-renewal probabilities of components sharing the row's
    lifetime kernel ``p`` (the equation is linear in ``f_1``): the solution is then the same combination of
    their renewal densities.
    """
    n_years = first.shape[1]
    m = np.zeros(first.shape)
    for k in range(n_years):
        later = np.einsum("gs,gs->g", m[:, :k], p[:, k:0:-1]) if k else 0.0
        m[:, k] = (first[:, k] + later) * keep
    return m


_CHUNK_ROWS = 2048


def expected_renewal_totals(
    value_kr: ArrayLike,
    lifetime_years: ArrayLike,
    shape: ArrayLike,
    effective_age: ArrayLike,
    n_years: int,
    groups: ArrayLike | None = None,
    n_groups: int | None = None,
) -> FloatArray:
    r"""Expected renewal amounts per group and plan year under Weibull lifetimes, shape ``(n_groups, n_years)``.

    The same numbers as weighting each component's :func:`expected_renewal_density` by its value and summing per
    group, computed without solving the renewal equation per component. The equation is linear in the
    first-renewal probabilities, so for the components ``i`` of group ``g`` that share a lifetime kernel
    ``k = (lifetime, shape)``

    .. math:: M_{gk}(t) = \sum_i v_i\, m_i(t) \quad\text{solves}\quad
              M_{gk}(t) = F_{gk}(t) + \sum_{s=1}^{t} M_{gk}(s)\, p^{k}_{t-s},
              \qquad F_{gk}(t) = \sum_i v_i\, f_{1,i}(t).

    The first-renewal probabilities are computed once per distinct ``(kernel, effective age, group)`` in chunks of
    a few thousand rows (bounded memory) and summed per ``(group, kernel)``; the recursion then runs once per
    ``(group, kernel)`` pair. The cost grows with the number of components times the years, not with the square
    of the years.

    Examples
    --------
    >>> tot = expected_renewal_totals([100.0, 100.0], [10.0, 10.0], [3.0, 3.0], [0.5, 0.5], 400)
    >>> round(float(tot[0, 200:].mean()), 1)  # two parts of 100 kr, each renewed every 10 years in the long run
    20.0
    """
    value = np.asarray(value_kr, dtype=float).ravel()
    codes, g = _group_codes(groups, value.size, n_groups)
    if value.size == 0 or n_years == 0:
        return np.zeros((g, n_years))
    life, beta, age = (np.asarray(x, dtype=float).ravel() for x in (lifetime_years, shape, effective_age))
    age = np.maximum(age, 0.0)
    # Hash-based factorisation (linear time): the lifetime kernels, then the (group, kernel) rows of the
    # recursion, then the distinct (row, age) — far fewer than the components when ages repeat.
    kernel = _factorize_columns(life, beta)
    row, row_keys = pd.factorize(codes * (int(kernel.max()) + 1) + kernel)
    # Merge equal ages unless a sample of them is mostly distinct (a register with dates): then hashing a million
    # distinct ages would cost more than it saves. Either way the sums are the same.
    sample = age[:: max(1, age.size // 4096)]
    if 2 * np.unique(sample).size > sample.size and age.size > 4096:
        member, weight = np.arange(value.size), value
    else:
        age_code = _factorize_columns(age)
        unique, _ = pd.factorize(row * (int(age_code.max()) + 1) + age_code)
        n_unique = int(unique.max()) + 1
        weight = np.bincount(unique, weights=value, minlength=n_unique)
        member = np.empty(n_unique, dtype=np.int64)
        member[unique] = np.arange(value.size)
    # Unique rows ordered by their (group, kernel) row, so each chunk sums contiguous runs.
    order = np.argsort(row[member])
    member, weight = member[order], weight[order]
    row_of = row[member]
    n_kernels = int(kernel.max()) + 1
    kernel_member = np.empty(n_kernels, dtype=np.int64)
    kernel_member[kernel] = np.arange(value.size)
    kernel_scale = weibull_scale(life[kernel_member], beta[kernel_member])
    scale, shape_of, age_of = kernel_scale[kernel[member]], beta[member], age[member]

    first_sum = np.zeros((len(row_keys), n_years))
    chunk = min(_CHUNK_ROWS, member.size)
    work, buffer = np.empty((chunk, n_years + 1)), np.empty((chunk, n_years))
    for lo in range(0, member.size, chunk):
        hi = min(lo + chunk, member.size)
        first = _first_renewal_probabilities(scale[lo:hi], shape_of[lo:hi], age_of[lo:hi], n_years,
                                             work=work[: hi - lo], out=buffer[: hi - lo])
        first *= weight[lo:hi, None]
        rows = row_of[lo:hi]
        starts = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
        first_sum[rows[starts]] += np.add.reduceat(first, starts, axis=0)

    # One recursion per (group, kernel) row, with that kernel's lifetime distribution.
    row_group, row_kernel = np.divmod(np.asarray(row_keys), n_kernels)
    p, keep = _lifetime_kernel(kernel_scale, beta[kernel_member], n_years)
    renewals = _solve_renewal_equation(first_sum, p[row_kernel], keep[row_kernel])
    total = np.zeros((g, n_years))
    np.add.at(total, row_group, renewals)
    return total


def _factorize_columns(*columns: FloatArray) -> IntArray:
    """Codes ``0 … k − 1`` of the distinct combinations of equal-length columns (hashing, no sort)."""
    key, _ = pd.factorize(columns[0], use_na_sentinel=False)
    for column in columns[1:]:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        # Re-factorising after each column keeps the combined key below the number of rows.
        key, _ = pd.factorize(key * len(uniques) + codes)
    return key.astype(np.int64)


# --- Applied to a municipality ----------------------------------------------------------------------------------


def construction_price_index(data: MunicipalityData, years: ArrayLike) -> FloatArray:
    """Cumulative construction price index, 1 in the price base year [BPI]_.

    ``index(y) = Π_{price_base_year < y' ≤ y} (1 + byggprisindex(y'))``; before the price base year the index
    deflates correspondingly.
    """
    yrs = np.asarray(years, dtype=np.int64)
    if yrs.size == 0:
        return np.zeros(0)
    p0 = data.price_base_year
    lo, hi = min(int(yrs.min()), p0), max(int(yrs.max()), p0)
    span = np.arange(lo, hi + 1)
    growth = data.assumptions["byggprisindex"].series(span)
    log_level = np.concatenate([[0.0], np.cumsum(np.log1p(growth[1:]))])  # level relative to ``lo``
    log_level -= log_level[p0 - lo]
    return np.exp(log_level[yrs - lo])


@dataclass(frozen=True)
class RenewalTables:
    """The renewal tables of a municipality (real kr in the price base year; ``*_nominal_kr`` in current prices)."""

    components: pd.DataFrame
    by_component: pd.DataFrame
    by_year: pd.DataFrame
    by_year_category: pd.DataFrame
    by_year_district: pd.DataFrame
    by_year_facility: pd.DataFrame
    expected_by_year: pd.DataFrame
    expected_by_year_category: pd.DataFrame
    debt_by_year: pd.DataFrame
    debt_by_year_category: pd.DataFrame
    debt_kr: float


def component_status(data: MunicipalityData) -> pd.DataFrame:
    """Each component's lifetime, condition, effective age and due year at the end of the base year.

    Columns: ``component_id, facility_id, district_id, category, component_type, value_kr, lifetime_years,
    lifetime_whole_years, weibull_shape, last_renewed_year, condition, remaining_life_fraction, end_of_life,
    effective_age_years, first_due_year, overdue``. ``effective_age_years`` is ``L − (end_of_life −
    (base_year + 1))``: the age that leaves the same remaining life (used by the Weibull forecast).
    """
    c = data.components
    base = data.base_year
    lifetime = c["lifetime_years"].to_numpy(dtype=float)
    last = pd.to_numeric(c["last_renewed_year"]).to_numpy(dtype=float, na_value=np.nan)
    condition = pd.to_numeric(c["condition"]).to_numpy(dtype=float, na_value=np.nan)
    fraction = remaining_life_fractions(condition)
    eol = end_of_life(last, lifetime, base, fraction)
    due = np.floor(eol).astype(np.int64)
    return pd.DataFrame(
        {
            "component_id": c["component_id"].astype(str).to_numpy(),
            "facility_id": c["facility_id"].astype(str).to_numpy(),
            "district_id": c["district_id"].astype(str).to_numpy(),
            "category": c["category"].astype(str).to_numpy(),
            "component_type": c["component_type"].astype(str).to_numpy(),
            "value_kr": c["value_kr"].to_numpy(dtype=float),
            "lifetime_years": lifetime,
            "lifetime_whole_years": whole_lifetimes(lifetime),
            "weibull_shape": c["weibull_shape"].to_numpy(dtype=float),
            "last_renewed_year": last.astype(np.int64),
            "condition": pd.array(condition, dtype="Float64").astype("Int64"),
            "remaining_life_fraction": fraction,
            "end_of_life": eol,
            "effective_age_years": np.maximum(lifetime + base + 1 - eol, 0.0),
            "first_due_year": due,
            "overdue": due <= base,
        }
    )


def _ordered_categories(values: pd.Series) -> list[str]:
    present = {str(v) for v in values.unique()}
    known = [c for c in FACILITY_CATEGORIES if c in present]
    return known + sorted(present - set(known))


def _long(matrix: FloatArray, labels: Sequence[str], label_name: str, years: IntArray,
          index: FloatArray) -> pd.DataFrame:
    g, n = matrix.shape
    return pd.DataFrame(
        {
            "year": np.tile(years, g),
            label_name: np.repeat(np.asarray(labels, dtype=object), n),
            "amount_kr": matrix.ravel(),
            "amount_nominal_kr": (matrix * index[None, :]).ravel(),
        }
    )


def _total(matrix: FloatArray, years: IntArray, index: FloatArray) -> pd.DataFrame:
    amount = matrix.sum(axis=0)
    return pd.DataFrame({"year": years, "amount_kr": amount, "amount_nominal_kr": amount * index})


def renewal_tables(data: MunicipalityData) -> RenewalTables:
    """All renewal and maintenance-debt tables of a municipality (see :class:`RenewalTables`)."""
    status = component_status(data)
    years = np.asarray(data.years, dtype=np.int64)
    index = construction_price_index(data, years)
    value = status["value_kr"].to_numpy()
    life = status["lifetime_years"].to_numpy()
    due = status["first_due_year"].to_numpy()

    comp, year_idx, amount = renewal_events(value, life, due, years)
    # By year, then in the order of the components table.
    order = np.lexsort((comp, year_idx))
    comp, year_idx, amount = comp[order], year_idx[order], amount[order]
    pick = status.iloc[comp]
    by_component = pd.DataFrame(
        {
            "component_id": pick["component_id"].to_numpy(),
            "facility_id": pick["facility_id"].to_numpy(),
            "district_id": pick["district_id"].to_numpy(),
            "category": pick["category"].to_numpy(),
            "component_type": pick["component_type"].to_numpy(),
            "year": years[year_idx],
            "amount_kr": amount,
            "amount_nominal_kr": amount * index[year_idx],
            "backlog": pick["overdue"].to_numpy() & (year_idx == 0),
        }
    )

    def codes(column: str, labels: list[str]) -> IntArray:
        return pd.Index(labels).get_indexer(status[column]).astype(np.int64)

    categories = _ordered_categories(status["category"])
    districts = [str(d) for d in data.districts["district_id"]]
    facilities = [str(f) for f in data.facilities["facility_id"]]
    cat_codes = codes("category", categories)
    dist_codes = codes("district_id", districts)
    fac_codes = codes("facility_id", facilities)

    by_cat = renewal_totals(value, life, due, years, cat_codes, len(categories))
    by_dist = renewal_totals(value, life, due, years, dist_codes, len(districts))
    by_fac = renewal_totals(value, life, due, years, fac_codes, len(facilities))
    expected = expected_renewal_totals(
        value, life, status["weibull_shape"].to_numpy(), status["effective_age_years"].to_numpy(), years.size,
        cat_codes, len(categories),
    )
    debt_years = np.concatenate([[data.base_year], years])
    debt_index = construction_price_index(data, debt_years)
    debt = maintenance_debt_totals(value, due, debt_years, cat_codes, len(categories))
    return RenewalTables(
        components=status,
        by_component=by_component,
        by_year=_total(by_cat, years, index),
        by_year_category=_long(by_cat, categories, "category", years, index),
        by_year_district=_long(by_dist, districts, "district_id", years, index),
        by_year_facility=_long(by_fac, facilities, "facility_id", years, index),
        expected_by_year=_total(expected, years, index),
        expected_by_year_category=_long(expected, categories, "category", years, index),
        debt_by_year=_total(debt, debt_years, debt_index),
        debt_by_year_category=_long(debt, categories, "category", debt_years, debt_index),
        debt_kr=float(value[status["overdue"].to_numpy()].sum()),
    )
