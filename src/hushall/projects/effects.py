"""Effects of investment projects on the plan years, per project and candidate start year.

Conventions (the financial model and the optimiser rely on them):

* A project started in year ``s`` with ``d`` construction years pays ``cost × profile[k] × I_bygg(s + k)`` in year
  ``s + k`` (``k = 0 … d − 1``), where ``I_bygg`` is the cumulative construction price index (``byggprisindex``),
  1 in the price base year. Amounts outside the plan years are cut off.
* It is **completed** at the end of year ``c = s + d − 1``: until then its outlays are work in progress
  (pågående arbete), at the end of ``c`` the capitalised value ``V = Σ outlays`` is split over components.
* **Depreciation** is straight line per component from the year after completion, a full year in year ``c + 1``
  (no half-year rule): component ``k`` with lifetime ``L_k`` depreciates ``V · w_k / L_k`` per year for ``⌊L_k⌋``
  years and the remainder in the last year, so that exactly ``V · w_k`` is written off (RKR R4: depreciation starts
  when the asset is ready for use; completion is taken as the end of the last construction year).
* The **operating-cost change** (``driftkonsekvens_kr_år``, price base year kr) and the **places change** apply from
  the year after completion, the operating cost in current prices (× cumulative ``prisindex``).
* **Avveckling / försäljning**: the outlay (``kostnad_kr``: demolition, winding up) is an expense of the years it is
  paid (nominal by ``byggprisindex``); sale proceeds (price base year kr × ``prisindex``) are received in the
  completion year ``c``. The book value ``W`` of the existing components the project takes out of use
  (:attr:`ProjectCatalog.removed_book_value_kr`, :mod:`hushall.needs.book_value`) at the end of ``c`` leaves the
  balance sheet in ``c`` and their depreciation stops from ``c + 1`` (``existing_depreciation_stopped_kr``). The
  realisation result is ``price − W``: a gain ``max(0, price − W)`` per project (``realisation_gain_kr``, left out
  of the balanskravsresultat), else a loss; a closure without a price writes ``W`` off in full (utrangering,
  RKR R4). ``W`` is historical cost less depreciation, so it is not repriced by any index.

Unit effects are arrays of shape ``(P, S, T)``: project × candidate start (``start_years[p, s]``, valid where
``valid[p, s]``) × plan year, so that the totals of any plan are linear combinations
``Σ_p Σ_s x[p, s] · effect[p, s, :]`` (:meth:`UnitEffects.combine`). They are computed lazily, one quantity at a
time and in chunks of projects, so 5 000 projects × 20 starts × 30 years take 24 MB per quantity (float64).

:class:`PlanEffects` holds one chosen plan in **real** terms plus two small matrices per component
(capitalisation and depreciation, ``(C, T, T)``) so that its nominal effects are linear in the price indices:
:meth:`PlanEffects.nominal` takes indices with a leading scenario axis and returns nominal effects per scenario
(used by the Monte Carlo model when ``byggprisindex`` or ``prisindex`` vary).

Examples
--------
>>> import numpy as np, pandas as pd
>>> frame = pd.DataFrame({"project_id": ["A"], "project_type": ["nybyggnad"], "cost_kr": [1000.0],
...                       "duration_years": [2], "cash_profile": ["0,4;0,6"], "component_split": ["stomme:1"]})
>>> cat = ProjectCatalog.from_frame(frame, first_year=2025, last_year=2028)
>>> years = np.arange(2025, 2029)
>>> plan = plan_effects(cat, Schedule({"A": 2025}), years, construction_index=np.ones(4), price_index=np.ones(4))
>>> nom = plan.nominal()
>>> nom.investment_kr.tolist(), nom.depreciation_kr.round(2).tolist()
([400.0, 600.0, 0.0, 0.0], [0.0, 0.0, 12.5, 12.5])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hushall.model import MunicipalityData, Parameter
from hushall.projects.catalog import ProjectCatalog, Schedule

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Quantities of :class:`UnitEffects` (all kr in current prices except ``places``).
UNIT_QUANTITIES: tuple[str, ...] = (
    "investment_kr",
    "expensed_kr",
    "depreciation_kr",
    "operating_cost_kr",
    "places",
    "sale_proceeds_kr",
    "written_off_kr",
    "existing_depreciation_stopped_kr",
    "realisation_gain_kr",
)

_CHUNK_CELLS = 2_000_000  # (projects × starts × years) cells computed at once


def cumulative_index(parameter: Parameter, years: ArrayLike, base_year: int) -> FloatArray:
    """Cumulative index of a yearly growth parameter, 1 in ``base_year``.

    ``index(y) = Π_{base_year < y' ≤ y} (1 + g(y'))``; before the base year it deflates correspondingly.

    Examples
    --------
    >>> p = Parameter("byggprisindex", {2000: 0.1})
    >>> cumulative_index(p, [2023, 2024, 2026], 2024).round(4).tolist()
    [0.9091, 1.0, 1.21]
    """
    yrs = np.asarray(years, dtype=np.int64)
    if yrs.size == 0:
        return np.zeros(0)
    lo, hi = min(int(yrs.min()), base_year), max(int(yrs.max()), base_year)
    span = np.arange(lo + 1, hi + 1)
    level = np.concatenate([[1.0], np.cumprod(1.0 + parameter.series(span))])  # level relative to ``lo``
    return level[yrs - lo] / level[base_year - lo]


def plan_indices(data: MunicipalityData) -> tuple[FloatArray, FloatArray]:
    """Cumulative construction price index and price index over the plan years, 1 in the price base year."""
    cons = cumulative_index(data.assumptions["byggprisindex"], data.years, data.price_base_year)
    price = cumulative_index(data.assumptions["prisindex"], data.years, data.price_base_year)
    return cons, price


def depreciation_kernel(lifetimes_years: ArrayLike, n_years: int) -> FloatArray:
    """Share of a component's value written off ``j`` years after completion, shape ``(C, n_years + 1)``.

    ``kernel[k, j] = clip(L_k − (j − 1), 0, 1) / L_k`` for ``j ≥ 1`` and 0 for ``j = 0`` (the completion year):
    straight line with a partial last year for a non-integer lifetime, summing to exactly 1.

    Examples
    --------
    >>> depreciation_kernel([2.5], 4).tolist()
    [[0.0, 0.4, 0.4, 0.2, 0.0]]
    """
    life = np.asarray(lifetimes_years, dtype=float)[:, None]
    j = np.arange(n_years + 1, dtype=float)[None, :]
    k = np.clip(life - (j - 1.0), 0.0, 1.0) / life
    k[:, 0] = 0.0
    return k


@dataclass(frozen=True)
class NominalPlanEffects:
    """A plan's yearly effects in current prices; arrays ``(..., T)`` (``(..., C, T)`` per component) where
    ``...`` is the scenario axis of the indices, if any."""

    years: IntArray
    component_types: tuple[str, ...]
    investment_kr: FloatArray
    expensed_kr: FloatArray
    capitalised_by_component_kr: FloatArray
    depreciation_by_component_kr: FloatArray
    operating_cost_kr: FloatArray
    sale_proceeds_kr: FloatArray
    places: FloatArray
    projects_under_construction: FloatArray
    written_off_kr: FloatArray
    existing_depreciation_stopped_kr: FloatArray
    realisation_gains_kr: FloatArray

    @property
    def depreciation_kr(self) -> FloatArray:
        return self.depreciation_by_component_kr.sum(axis=-2)

    @property
    def capitalised_kr(self) -> FloatArray:
        return self.capitalised_by_component_kr.sum(axis=-2)


@dataclass(frozen=True, eq=False)
class PlanEffects:
    """The effects of one chosen plan, in real terms (price base year) with the structure needed to price them.

    Attributes
    ----------
    outflow_real_kr, expensed_real_kr
        ``(T,)`` capitalised and expensed outlays per year in price base year kr.
    capitalisation
        ``(C, T, T)``: ``[k, τ, y]`` = real outlay of year ``τ`` capitalised on component ``k`` at the end of year
        ``y`` (projects completed after the last plan year never appear).
    depreciation
        ``(C, T, T)``: ``[k, τ, t]`` = depreciation in year ``t`` on component ``k`` per unit of construction price
        index in year ``τ``; nominal depreciation is ``Σ_τ I_bygg(τ) · depreciation[k, τ, t]``.
    operating_cost_real_kr, sale_proceeds_real_kr
        ``(T,)`` in price base year kr (priced with ``prisindex``).
    places, projects_under_construction
        ``(T,)`` change in places (cumulative from completion) and projects under construction per year.
    construction_index, price_index
        ``(T,)`` the baseline cumulative indices (from sheet Antaganden).
    disposal_year_index, disposal_price_real_kr, disposal_book_value_kr
        ``(N,)`` per project that takes existing components out of use within the plan: the year index of its
        completion, its sale price (price base year kr, 0 for a closure) and the book value that leaves the
        balance sheet (nominal).
    existing_depreciation_stopped_kr
        ``(T,)`` the depreciation of those components that no longer falls due (nominal).
    """

    years: IntArray
    component_types: tuple[str, ...]
    project_ids: tuple[str, ...]
    outflow_real_kr: FloatArray
    expensed_real_kr: FloatArray
    capitalisation: FloatArray
    depreciation: FloatArray
    operating_cost_real_kr: FloatArray
    sale_proceeds_real_kr: FloatArray
    places: FloatArray
    projects_under_construction: FloatArray
    construction_index: FloatArray
    price_index: FloatArray
    disposal_year_index: IntArray | None = None
    disposal_price_real_kr: FloatArray | None = None
    disposal_book_value_kr: FloatArray | None = None
    existing_depreciation_stopped_kr: FloatArray | None = None

    def nominal(self, construction_index: ArrayLike | None = None, price_index: ArrayLike | None = None
                ) -> NominalPlanEffects:
        """The plan in current prices under the given cumulative indices (``(T,)`` or ``(S, T)``; default: the
        baseline indices)."""
        ci = self.construction_index if construction_index is None else np.asarray(construction_index, float)
        pi = self.price_index if price_index is None else np.asarray(price_index, float)
        cap = np.tensordot(ci, self.capitalisation, axes=([-1], [1]))
        dep = np.tensordot(ci, self.depreciation, axes=([-1], [1]))
        n_t = self.years.size
        written_off = np.zeros(n_t)
        gains = np.zeros((*pi.shape[:-1], n_t))
        stopped = np.zeros(n_t) if self.existing_depreciation_stopped_kr is None else \
            self.existing_depreciation_stopped_kr.copy()
        if self.disposal_year_index is not None:
            assert self.disposal_price_real_kr is not None and self.disposal_book_value_kr is not None
            for t, price, book in zip(self.disposal_year_index.tolist(), self.disposal_price_real_kr.tolist(),
                                      self.disposal_book_value_kr.tolist(), strict=True):
                written_off[t] += book
                gains[..., t] += np.maximum(0.0, price * pi[..., t] - book)
        return NominalPlanEffects(
            years=self.years,
            component_types=self.component_types,
            investment_kr=self.outflow_real_kr * ci,
            expensed_kr=self.expensed_real_kr * ci,
            capitalised_by_component_kr=cap,
            depreciation_by_component_kr=dep,
            operating_cost_kr=self.operating_cost_real_kr * pi,
            sale_proceeds_kr=self.sale_proceeds_real_kr * pi,
            places=self.places.copy(),
            projects_under_construction=self.projects_under_construction.copy(),
            written_off_kr=written_off,
            existing_depreciation_stopped_kr=stopped,
            realisation_gains_kr=gains,
        )

    def totals(self) -> dict[str, FloatArray]:
        """Yearly totals in current prices at the baseline indices (the same names as :data:`UNIT_QUANTITIES`)."""
        nom = self.nominal()
        return {
            "investment_kr": nom.investment_kr,
            "expensed_kr": nom.expensed_kr,
            "depreciation_kr": nom.depreciation_kr,
            "operating_cost_kr": nom.operating_cost_kr,
            "places": nom.places,
            "sale_proceeds_kr": nom.sale_proceeds_kr,
            "written_off_kr": nom.written_off_kr,
            "existing_depreciation_stopped_kr": nom.existing_depreciation_stopped_kr,
            "realisation_gain_kr": nom.realisation_gains_kr,
        }


def empty_plan(years: ArrayLike, construction_index: ArrayLike, price_index: ArrayLike,
               component_types: tuple[str, ...]) -> PlanEffects:
    """A plan without projects."""
    yrs = np.asarray(years, dtype=np.int64)
    t, c = yrs.size, len(component_types)
    z = np.zeros(t)
    return PlanEffects(yrs, component_types, (), z, z.copy(), np.zeros((c, t, t)), np.zeros((c, t, t)), z.copy(),
                       z.copy(), z.copy(), z.copy(), np.asarray(construction_index, float),
                       np.asarray(price_index, float))


def plan_effects(
    catalog: ProjectCatalog,
    schedule: Mapping[str, int],
    years: ArrayLike,
    construction_index: ArrayLike,
    price_index: ArrayLike,
    *,
    check_window: bool = True,
) -> PlanEffects:
    """The effects of a chosen plan (``schedule``: project id → start year) over ``years``.

    Raises
    ------
    hushall.errors.PlanError
        For an unknown project or a start year outside the plan or the project's window.
    """
    yrs = np.asarray(years, dtype=np.int64)
    sched = schedule if isinstance(schedule, Schedule) else Schedule(schedule)
    idx, starts = sched.positions(catalog, check_window=check_window)
    ci = np.asarray(construction_index, dtype=float)
    pi = np.asarray(price_index, dtype=float)
    if idx.size == 0:
        return empty_plan(yrs, ci, pi, catalog.component_types)
    t_n = yrs.size
    rel = yrs[None, :] - starts[:, None]  # (n, T)
    dur = catalog.duration_years[idx][:, None]
    building = (rel >= 0) & (rel < dur)
    d_max = catalog.cash_profile.shape[1]
    prof = np.concatenate([catalog.cash_profile[idx], np.zeros((idx.size, 1))], axis=1)
    share = np.take_along_axis(prof, np.where(building, rel, d_max), axis=1)
    outlay = catalog.cost_kr[idx][:, None] * share  # (n, T) real
    cap = catalog.capitalised[idx]
    completion = starts + catalog.duration_years[idx] - 1
    since = yrs[None, :] - completion[:, None]  # years since completion
    in_service = since >= 1
    onehot = (since == 0) & cap[:, None]  # capitalised at the end of the completion year
    weights = catalog.component_split[idx]  # (n, C)
    outlay_cap = outlay * cap[:, None]
    # capitalisation[k, τ, y] = Σ_p outlay[p, τ] w[p, k] [completion_p = y]
    capitalisation = np.einsum("pt,pk,py->kty", outlay_cap, weights, onehot.astype(float), optimize=True)
    kernel = depreciation_kernel(catalog.lifetimes_years, t_n)
    lag = np.arange(t_n)[None, :] - np.arange(t_n)[:, None]  # [y, t] = t − y
    kmat = kernel[:, np.clip(lag, 0, t_n)]  # (C, T, T), zero for t ≤ y
    depreciation = np.matmul(capitalisation, kmat)
    disposal: dict[str, Any] = {}
    if catalog.removed_book_value_kr is not None and catalog.removed_depreciation_kr is not None:
        inside = (completion >= yrs[0]) & (completion <= yrs[-1])
        removes = inside & (catalog.removed_book_value_kr[idx].any(axis=1) | (catalog.sale_proceeds_kr[idx] != 0))
        c_i = completion[removes] - yrs[0]
        disposal = {
            "disposal_year_index": c_i.astype(np.int64),
            "disposal_price_real_kr": catalog.sale_proceeds_kr[idx][removes],
            "disposal_book_value_kr": catalog.removed_book_value_kr[idx[removes], c_i + 1],
            "existing_depreciation_stopped_kr": (catalog.removed_depreciation_kr[idx] * in_service).sum(axis=0),
        }
    return PlanEffects(
        years=yrs,
        component_types=catalog.component_types,
        project_ids=tuple(catalog.project_ids[i] for i in idx),
        outflow_real_kr=outlay_cap.sum(axis=0),
        expensed_real_kr=(outlay * ~cap[:, None]).sum(axis=0),
        capitalisation=capitalisation,
        depreciation=depreciation,
        operating_cost_real_kr=np.where(in_service, catalog.operating_cost_change_kr[idx][:, None], 0.0).sum(axis=0),
        sale_proceeds_real_kr=np.where(since == 0, catalog.sale_proceeds_kr[idx][:, None], 0.0).sum(axis=0),
        places=np.where(in_service, catalog.places_change[idx][:, None], 0.0).sum(axis=0),
        projects_under_construction=building.sum(axis=0).astype(float),
        construction_index=ci,
        price_index=pi,
        **disposal,
    )


class UnitEffects:
    """Per-project, per-start-year effects over the plan years, arrays ``(P, S, T)`` computed on first use.

    ``start_years[p, s] = earliest_start[p] + s``; ``valid[p, s]`` marks starts inside the project's window (the
    effects of invalid starts are zero). Quantities: :data:`UNIT_QUANTITIES`, in current prices at the given
    indices. Any plan's totals are ``combine(x)`` for a 0/1 (or, relaxed, continuous) ``x`` of shape ``(P, S)``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"project_id": ["A", "B"], "project_type": ["nybyggnad", "avveckling"],
    ...     "cost_kr": [100.0, 10.0], "duration_years": [1, 1], "operating_cost_change_kr": [5.0, -20.0],
    ...     "places_change": [10.0, -4.0], "earliest_start": [2025, 2026], "latest_start": [2026, 2026]})
    >>> cat = ProjectCatalog.from_frame(frame, first_year=2025, last_year=2027)
    >>> u = UnitEffects(cat, [2025, 2026, 2027], np.ones(3), np.ones(3))
    >>> u.start_years.tolist(), u.valid.tolist()
    ([[2025, 2026], [2026, 2027]], [[True, True], [True, False]])
    >>> u.operating_cost_kr[1, 0].tolist(), u.expensed_kr[1, 0].tolist()
    ([0.0, 0.0, -20.0], [0.0, 10.0, 0.0])
    """

    def __init__(self, catalog: ProjectCatalog, years: ArrayLike, construction_index: ArrayLike,
                 price_index: ArrayLike) -> None:
        self.catalog = catalog
        self.years = np.asarray(years, dtype=np.int64)
        self.construction_index = np.asarray(construction_index, dtype=float)
        self.price_index = np.asarray(price_index, dtype=float)
        n_starts = int(max(1, catalog.window_length.max(initial=1)))
        self.start_years = catalog.earliest_start[:, None] + np.arange(n_starts, dtype=np.int64)[None, :]
        self.valid = self.start_years <= catalog.latest_start[:, None]
        self._arrays: dict[str, FloatArray] = {}

    @classmethod
    def from_data(cls, data: MunicipalityData) -> UnitEffects:
        cons, price = plan_indices(data)
        return cls(ProjectCatalog.from_data(data), data.years, cons, price)

    @property
    def shape(self) -> tuple[int, int, int]:
        return (len(self.catalog), self.start_years.shape[1], self.years.size)

    def array(self, name: str) -> FloatArray:
        """One quantity as a ``(P, S, T)`` array (computed once, then kept)."""
        if name not in UNIT_QUANTITIES:
            raise KeyError(f"unknown quantity {name!r}; choose one of {UNIT_QUANTITIES}")
        if name not in self._arrays:
            self._arrays[name] = self._compute(name)
        return self._arrays[name]

    investment_kr = property(lambda self: self.array("investment_kr"))
    expensed_kr = property(lambda self: self.array("expensed_kr"))
    depreciation_kr = property(lambda self: self.array("depreciation_kr"))
    operating_cost_kr = property(lambda self: self.array("operating_cost_kr"))
    places = property(lambda self: self.array("places"))
    sale_proceeds_kr = property(lambda self: self.array("sale_proceeds_kr"))
    written_off_kr = property(lambda self: self.array("written_off_kr"))
    existing_depreciation_stopped_kr = property(lambda self: self.array("existing_depreciation_stopped_kr"))
    realisation_gain_kr = property(lambda self: self.array("realisation_gain_kr"))

    def release(self) -> None:
        """Drop the computed arrays (memory)."""
        self._arrays.clear()

    def _compute(self, name: str) -> FloatArray:
        p_n, s_n, t_n = self.shape
        out = np.zeros((p_n, s_n, t_n))
        chunk = max(1, _CHUNK_CELLS // max(1, s_n * t_n))
        cat = self.catalog
        kernel = depreciation_kernel(cat.lifetimes_years, t_n) if name == "depreciation_kr" else None
        for a in range(0, p_n, chunk):
            b = min(p_n, a + chunk)
            out[a:b] = self._chunk(name, a, b, kernel)
        return out

    def _chunk(self, name: str, a: int, b: int, kernel: FloatArray | None) -> FloatArray:
        cat = self.catalog
        t_n = self.years.size
        starts = self.start_years[a:b]
        valid = self.valid[a:b][:, :, None]
        rel = self.years[None, None, :] - starts[:, :, None]  # (n, S, T)
        dur = cat.duration_years[a:b][:, None, None]
        since = rel - dur + 1  # years since completion
        if name in ("operating_cost_kr", "places"):
            on = (since >= 1) & valid
            value = cat.operating_cost_change_kr if name == "operating_cost_kr" else cat.places_change
            res = np.where(on, value[a:b][:, None, None], 0.0)
            return res * self.price_index if name == "operating_cost_kr" else res
        if name == "sale_proceeds_kr":
            on = (since == 0) & valid
            return np.where(on, cat.sale_proceeds_kr[a:b][:, None, None], 0.0) * self.price_index
        if name in ("written_off_kr", "existing_depreciation_stopped_kr", "realisation_gain_kr"):
            if cat.removed_book_value_kr is None or cat.removed_depreciation_kr is None:
                return np.zeros(since.shape)
            if name == "existing_depreciation_stopped_kr":
                return np.where((since >= 1) & valid, cat.removed_depreciation_kr[a:b][:, None, :], 0.0)
            book = np.where((since == 0) & valid, cat.removed_book_value_kr[a:b][:, None, 1:], 0.0)
            if name == "written_off_kr":
                return book
            price = np.where((since == 0) & valid, cat.sale_proceeds_kr[a:b][:, None, None], 0.0) * self.price_index
            return np.maximum(0.0, price - book)
        building = (rel >= 0) & (rel < dur) & valid
        d_max = cat.cash_profile.shape[1]
        prof = np.concatenate([cat.cash_profile[a:b], np.zeros((b - a, 1))], axis=1)
        rows = np.arange(b - a)[:, None, None]
        outlay = cat.cost_kr[a:b][:, None, None] * prof[rows, np.where(building, rel, d_max)]
        outlay = outlay * self.construction_index
        cap = cat.capitalised[a:b][:, None, None]
        if name == "expensed_kr":
            return outlay * ~cap
        investment = outlay * cap
        if name == "investment_kr":
            return investment
        assert kernel is not None
        value_kr = investment.sum(axis=2)  # (n, S) capitalised value
        kappa = cat.component_split[a:b] @ kernel  # (n, T + 1): depreciation share j years after completion
        share = kappa[rows, np.clip(since, 0, t_n)]
        return value_kr[:, :, None] * share

    def combine(self, weights: ArrayLike, quantities: tuple[str, ...] = UNIT_QUANTITIES) -> dict[str, FloatArray]:
        """Totals per year of the plan ``Σ_p Σ_s weights[p, s] · effect[p, s, :]``."""
        w = np.asarray(weights, dtype=float) * self.valid
        return {q: np.einsum("ps,pst->t", w, self.array(q)) for q in quantities}

    def weights(self, schedule: Mapping[str, int]) -> FloatArray:
        """The 0/1 ``(P, S)`` matrix of a schedule."""
        sched = schedule if isinstance(schedule, Schedule) else Schedule(schedule)
        idx, starts = sched.positions(self.catalog)
        w = np.zeros(self.start_years.shape)
        w[idx, starts - self.catalog.earliest_start[idx]] = 1.0
        return w

    def aggregate(self, schedule: Mapping[str, int]) -> PlanEffects:
        """The chosen plan's effects (the same totals as ``combine(weights(schedule))``)."""
        return plan_effects(self.catalog, schedule, self.years, self.construction_index, self.price_index)

    def nbytes(self) -> int:
        """Memory held by the computed arrays."""
        return sum(a.nbytes for a in self._arrays.values())


def data_plan_effects(data: MunicipalityData, schedule: Mapping[str, int] | None = None,
                      **catalog_options: Any) -> PlanEffects:
    """The plan effects of a municipality's schedule (default: :meth:`Schedule.committed`)."""
    cat = ProjectCatalog.from_data(data, **catalog_options)
    cons, price = plan_indices(data)
    sched = Schedule.committed(cat) if schedule is None else schedule
    return plan_effects(cat, sched, data.years, cons, price)
