r"""Book value of the existing components: the register's depreciation schedule, anchored in the base year.

Sheet ``Komponenter`` gives each component its replacement value ``V_k`` (price base year kr), its lifetime
``L_k`` and the year ``y_k`` it was last built or renewed. The balance sheet carries the components at their
*historical* cost less depreciation (RKR R4, komponentavskrivning), so each component's book value follows from
the register::

    H_k        = V_k · I_bygg(y_k)                                 historical cost (construction price index,
                                                                   1 in the price base year)
    s_k(y)     = clip(L_k − (y − y_k − 1), 0, 1) / L_k   (y > y_k)  share written off in year y: straight line
                                                                   from the year after y_k, a partial last year
    BV_k(y)    = H_k · clip(L_k − max(0, y − y_k), 0, L_k) / L_k    book value at the end of year y
    AV_k(y)    = H_k · s_k(y) = BV_k(y − 1) − BV_k(y)

so the depreciation of every component ends when it is fully depreciated, and a component completed in the base
year (``y_k`` = basår) depreciates from the first plan year. Components of rented facilities (``ägd_inhyrd`` =
inhyrd) are not the municipality's assets and carry no book value.

**Anchor.** A register rarely holds every asset of the balance sheet (machinery, equipment, land, VA outside the
register), and replacement values deflated by a price index are not the booked costs. The schedule is therefore
scaled by one factor ``a`` so that the register's depreciation of the *base year* equals the depreciation
published in sheet ``Ekonomi``::

    a = −AV_0 / Σ_k AV_k(basår),     AV^bef_t = a · Σ_k AV_k(t),   BV^bef_k(t) = a · BV_k(t)

(``a = 1`` when the sheet or the register's base-year depreciation is missing). Plan year 1 then equals the
published depreciation plus that of components completed in the base year. The anchor never puts more book value
on the register than the balance sheet holds: when ``a · Σ_k BV_k(basår) > MAT_0``, ``a = MAT_0 / Σ_k BV_k(basår)``
(and year 1 falls short of the published depreciation — the register says the assets are older than the
accounts do; :attr:`ExistingBooks.capped`). The part of the published
``materiella_anläggningstillgångar`` that the scaled register does not explain (``MAT_0 − a · Σ_k BV_k(basår)``:
land, which is not depreciated, and assets whose age the register does not show) is kept at its book value.

A project that takes a facility out of use (avveckling, försäljning: :func:`hushall.projects.maintenance.
renewed_components`) removes its components' scaled book value from the balance sheet in its completion year and
their depreciation from the following year (:mod:`hushall.projects.effects`).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> books = existing_books(exempelkommun())
>>> round(float(books.depreciation_kr[:, 0].sum()) / 1e6, 1)   # year 1 ≈ the published 65,9 Mkr
65.7
>>> bool((books.book_value_kr >= 0).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hushall.model import MunicipalityData
from hushall.needs.renewal import component_status, construction_price_index

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def remaining_book_share(years: ArrayLike, built: ArrayLike, lifetime_years: ArrayLike) -> FloatArray:
    """Share of the historical cost still on the books at the end of ``years`` (broadcast), straight line from the
    year after ``built`` over ``lifetime_years``.

    >>> remaining_book_share([2020, 2021, 2022, 2024], 2020, 2.5).tolist()
    [1.0, 0.6, 0.2, 0.0]
    """
    life = np.maximum(np.asarray(lifetime_years, dtype=float), 1e-9)
    age = np.maximum(np.asarray(years, dtype=float) - np.asarray(built, dtype=float), 0.0)
    return np.clip(life - age, 0.0, life) / life


@dataclass(frozen=True)
class ExistingBooks:
    """The scaled book value and depreciation of the register's components (nominal kr).

    Attributes
    ----------
    years
        ``(T,)`` plan years.
    component_ids, facility_ids
        ``(K,)`` per component.
    book_value_kr
        ``(K, T + 1)``: at the end of the base year (column 0) and of each plan year.
    depreciation_kr
        ``(K, T)`` per plan year.
    scale
        The anchor ``a`` (module docstring).
    register_base_depreciation_kr
        The register's own (unscaled) depreciation of the base year; 0 when it has none.
    capped
        Whether the anchor was lowered to keep the register's book value within ``materiella_anläggningstillgångar``.
    """

    years: IntArray
    component_ids: tuple[str, ...]
    facility_ids: NDArray[np.object_]
    book_value_kr: FloatArray
    depreciation_kr: FloatArray
    scale: float
    register_base_depreciation_kr: float
    capped: bool = False

    @property
    def total_depreciation_kr(self) -> FloatArray:
        """``(T,)`` the existing assets' depreciation per plan year."""
        return self.depreciation_kr.sum(axis=0)

    def of(self, positions: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """``(book value (T + 1,), depreciation (T,))`` of the components at ``positions`` (rows of
        :func:`hushall.needs.renewal.component_status`)."""
        pos = np.asarray(positions, dtype=np.int64)
        return self.book_value_kr[pos].sum(axis=0), self.depreciation_kr[pos].sum(axis=0)


def _published(data: MunicipalityData, item: str) -> float:
    """The absolute amount of an item of sheet Ekonomi; NaN when the sheet or the item is missing."""
    fin = data.finance
    if fin is None or not len(fin):
        return float("nan")
    value = fin.loc[fin["item"] == item, "amount_kr"]
    return float("nan") if value.empty or pd.isna(value.iloc[0]) else float(abs(value.iloc[0]))


def existing_books(data: MunicipalityData) -> ExistingBooks:
    """The register's book values and depreciation, scaled to the base year's published depreciation (equations:
    module docstring). Cached on the data object."""
    key = "needs.existing_books"
    cached = data._cache.get(key)
    if isinstance(cached, ExistingBooks):
        return cached
    status = component_status(data)
    years = np.asarray(data.years, dtype=np.int64)
    base = int(data.base_year)
    built = status["last_renewed_year"].to_numpy(dtype=np.int64)
    life = status["lifetime_years"].to_numpy(dtype=float)
    cost = status["value_kr"].to_numpy(dtype=float) * construction_price_index(data, built)
    facilities = data.facilities
    if len(facilities) and "tenure" in facilities:
        tenure = dict(zip(facilities["facility_id"].astype(str), facilities["tenure"].astype(str), strict=True))
        cost = np.where(status["facility_id"].map(tenure).to_numpy() == "inhyrd", 0.0, cost)
    span = np.concatenate([[base - 1, base], years])  # the year before the base year, the base year, the plan
    bv = cost[:, None] * remaining_book_share(span[None, :], built[:, None], life[:, None])
    register_base = float((bv[:, 0] - bv[:, 1]).sum())
    published = _published(data, "avskrivningar")
    scale = published / register_base if register_base > 0 and np.isfinite(published) else 1.0
    balance, register_book = _published(data, "materiella_anläggningstillgångar"), float(bv[:, 1].sum())
    capped = bool(np.isfinite(balance) and scale * register_book > balance)
    if capped:
        scale = balance / register_book
    book = scale * bv[:, 1:]
    books = ExistingBooks(years=years, component_ids=tuple(status["component_id"]),
                          facility_ids=status["facility_id"].to_numpy(dtype=object), book_value_kr=book,
                          depreciation_kr=book[:, :-1] - book[:, 1:], scale=float(scale),
                          register_base_depreciation_kr=register_base, capped=capped)
    data._cache[key] = books
    return books
