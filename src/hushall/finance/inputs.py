"""Inputs of the financial model: the base year's statements, the drivers and the investment plan, as arrays.

:func:`build_inputs` gathers them from a validated municipality:

* the opening balance and the base-year flows from sheet ``Ekonomi`` (kr; costs negative as in the annual report);
* every driver from sheet ``Antaganden`` (defaults with sources in ``hushall/data/defaults/parameters.yaml``) or from
  ``hushall/data/defaults/finance.yaml`` for the few that are not yet parameters of the workbook, each over the plan
  years;
* inhabitants per year (sheet ``Befolkning``) and the demographic demand index (``Befolkning`` × ``Tjänster``);
* the nominal effects of the investment plan (:class:`hushall.projects.PlanEffects`), priced with the
  construction price index and the price index — per scenario when those are overridden with a scenario axis.

Every driver array has shape ``(T,)`` or ``(S, T)`` (a leading scenario axis); scalars broadcast. ``overrides``
replaces drivers by their Swedish parameter name (``"ränta"``, ``"byggprisindex"``, ``"löneandel"`` …) or by the
field name of :class:`FinanceInputs`, with a scalar, a ``(T,)`` or an ``(S, T)`` array.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> inputs = build_inputs(exempelkommun(), overrides={"ränta": 0.04})
>>> inputs.shape, float(inputs.interest_rate[0])
((30,), 0.04)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hushall.data.defaults import assumption_names
from hushall.data.defaults import load as load_defaults
from hushall.data.schema import COMPONENT_TYPES, FINANCE_ITEMS, OPTIONAL_FINANCE_ITEMS, TABLES
from hushall.errors import DataValidationError, Problem
from hushall.model import MunicipalityData, plausibility
from hushall.needs.book_value import existing_books
from hushall.needs.capacity import band_shares
from hushall.needs.reinvestment import RenewalPlan, reinvestment_path
from hushall.projects import PlanEffects, cumulative_index, empty_plan

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_SHEET = TABLES["finance"].sheet

#: Sheet ``Antaganden`` parameter (or finance default) → field of :class:`FinanceInputs`.
DRIVER_FIELDS: dict[str, str] = {
    "skatteunderlag_tillväxt": "tax_base_growth",
    "skattesats": "tax_rate_change_pp",
    "skattesats_basår": "base_tax_rate_pct",
    "statsbidrag_tillväxt": "grants_growth",
    "befolkning_riket_tillväxt": "national_population_growth",
    "prisindex": "price_growth",
    "löneindex": "wage_growth",
    "löneandel": "wage_share",
    "byggprisindex": "construction_growth",
    "nettokostnad_volymandel": "volume_share",
    "ränta": "interest_rate",
    "ränta_likvida_medel": "deposit_rate",
    "kassa_golv_kr": "cash_floor_kr",
    "amortering_andel": "amortisation_share",
    "pensionsutbetalningar_kr": "pension_payments_kr",
    "pensionsavsättning_förändring_kr": "pension_provision_change_kr",
    "ansvarsförbindelse_minskning": "pension_commitment_decline",
    "resultatreserv_disposition_kr": "reserve_use_kr",
    "kassa_mål_kr": "liquidity_target_kr",
    "räntebindningstid_år": "fixed_rate_years",
    "pensionsavsättning_tillväxt": "pension_provision_growth",
    "utdelning_kr": "dividends_kr",
    "nettokostnad_förändring_kr": "net_cost_change_kr",
    "nettokostnad_ökning_utöver_demografi": "cost_volume_growth",
    "jämförelsestörande_poster_kr": "items_affecting_comparability_kr",
    "rörelsekapital_indexering": "working_capital_indexation",
    "avskrivningar_befintliga_kr": "existing_depreciation_kr",
    "nyupptagna_lån_kr": "borrowing_path_kr",
    "amortering_kr": "amortisation_path_kr",
    "invånare": "population",
    "behovsindex": "demand_index",
}

#: The drivers read from sheet Antaganden: its parameters (named by the defaults, :mod:`hushall.data.defaults`)
#: that are fields of :class:`FinanceInputs`.
_FROM_ASSUMPTIONS: tuple[str, ...] = tuple(n for n in assumption_names() if n in DRIVER_FIELDS)
_PLAN_FIELDS = ("investment_kr", "expensed_kr", "operating_cost_change_kr", "sale_proceeds_kr")
_COMPONENT_FIELDS: tuple[str, ...] = ("capitalised_by_component_kr", "new_depreciation_by_component_kr",
                                      "reinvestment_capitalised_by_component_kr",
                                      "reinvestment_depreciation_by_component_kr")


@dataclass(frozen=True, eq=False)
class FinanceInputs:
    """Everything :func:`hushall.finance.run` needs; arrays ``(T,)`` or ``(S, T)`` unless noted.

    Rates are shares per year (0.03 = 3 %); amounts are kr in current prices; the plan arrays are nominal.

    Attributes
    ----------
    years
        ``(T,)`` plan years.
    opening
        The base year's items of sheet ``Ekonomi`` (kr, costs negative), balanced (see :func:`opening_balance`).
    tax_base_growth, grants_growth, national_population_growth
        Nominal growth of the national tax base and of the general grants incl. equalisation, and national
        population growth (per-capita growth = (1 + g) / (1 + n) − 1).
    tax_rate_change_pp, base_tax_rate_pct
        Change of the municipal tax rate against the base year (percentage points) and the base-year rate (%).
    population, population_base
        Inhabitants per plan year and in the base year.
    demand_index, volume_share
        Demographic demand index (1 in the base year) and the share of the net cost that follows it.
    price_growth, wage_growth, wage_share
        Price and wage index growth and the wage weight of the cost index.
    construction_index, price_index
        Cumulative construction price index and price index, 1 in the price base year (used to price the plan and
        to deflate investments for the ``investeringstak_kr`` target).
    interest_rate, deposit_rate, cash_floor_kr, amortisation_share
        Interest on long-term debt and on cash, the cash floor of the loan policy and the amortisation share.
    pension_payments_kr, pension_provision_change_kr, pension_commitment_decline
        Pension payments shown separately (0 = inside the operating costs), the change of the pension provision and
        the yearly decline of the pension commitments earned before 1998 (ansvarsförbindelse).
    reserve_use_kr
        Use (+) of or allocation (−) to the resultatreserv (KL 11 kap.), default 0.
    investment_kr, expensed_kr, operating_cost_change_kr, sale_proceeds_kr
        The plan: capitalised outlays, expensed outlays (avveckling), operating-cost change (+ cost), sale proceeds.
    written_off_kr, existing_depreciation_stopped_kr, realisation_gains_kr
        Optional, from the plan: book value of the existing components sold or closed (leaves the balance sheet
        in the completion year), their depreciation that no longer falls due, and the realisation gains summed
        per project (``max(0, price − book value)``; ``None``: ``max(0, sale_proceeds_kr − written_off_kr)``
        per year). See :mod:`hushall.projects.effects`.
    existing_depreciation_kr
        Depreciation of the assets existing at the end of the base year (NaN: the base year's rate on the
        remaining book value). :func:`build_inputs` fills it from the register's component schedule
        (:func:`hushall.needs.book_value.existing_books`: book value / remaining life per component, scaled so
        that the register's base-year depreciation equals sheet Ekonomi's) where parameter
        ``avskrivningar_befintliga_kr`` is empty and the register has depreciation in the base year.
    capitalised_by_component_kr, new_depreciation_by_component_kr
        ``(C, T)`` or ``(S, C, T)``: value capitalised at completion and depreciation, per component type.
    projects_under_construction, places_change
        ``(T,)`` from the plan (for targets and reports).
    sources
        Driver name → source (the parameter's reference and the workbook's overrides).
    """

    years: IntArray
    opening: Mapping[str, float]
    tax_base_growth: FloatArray
    tax_rate_change_pp: FloatArray
    base_tax_rate_pct: FloatArray
    grants_growth: FloatArray
    national_population_growth: FloatArray
    population: FloatArray
    population_base: float
    demand_index: FloatArray
    volume_share: FloatArray
    price_growth: FloatArray
    wage_growth: FloatArray
    wage_share: FloatArray
    construction_growth: FloatArray
    construction_index: FloatArray
    price_index: FloatArray
    interest_rate: FloatArray
    deposit_rate: FloatArray
    cash_floor_kr: FloatArray
    amortisation_share: FloatArray
    pension_payments_kr: FloatArray
    pension_provision_change_kr: FloatArray
    pension_commitment_decline: FloatArray
    reserve_use_kr: FloatArray
    investment_kr: FloatArray
    expensed_kr: FloatArray
    operating_cost_change_kr: FloatArray
    sale_proceeds_kr: FloatArray
    capitalised_by_component_kr: FloatArray
    new_depreciation_by_component_kr: FloatArray
    projects_under_construction: FloatArray
    places_change: FloatArray
    component_types: tuple[str, ...] = COMPONENT_TYPES
    sources: Mapping[str, str] | None = None
    # -- optional drivers: None keeps the neutral behaviour named in each comment -------------------------------
    reinvestment_kr: FloatArray | None = None  # none
    reinvestment_capitalised_by_component_kr: FloatArray | None = None  # (C, T) none
    reinvestment_depreciation_by_component_kr: FloatArray | None = None  # (C, T) none
    renewal_need_kr: FloatArray | None = None  # memo (price base year kr), NaN
    maintenance_debt_kr: FloatArray | None = None  # memo (price base year kr), NaN
    liquidity_target_kr: FloatArray | None = None  # no target: excess cash is kept
    fixed_rate_years: FloatArray | None = None  # 1: the portfolio follows the market rate at once
    pension_payout_share: FloatArray | None = None  # 0: only pension_payments_kr
    payroll_tax_rate: float = 0.2426
    loan_rate_base: float | None = None  # the portfolio's average rate in the base year; None: the first year's
    pension_provision_growth: FloatArray | None = None  # 0
    items_affecting_comparability_kr: FloatArray | None = None  # 0
    net_cost_change_kr: FloatArray | None = None  # 0
    cost_volume_growth: FloatArray | None = None  # 0: no volume growth beyond demography
    dividends_kr: FloatArray | None = None  # 0
    working_capital_indexation: FloatArray | None = None  # 1: follows the cost index
    existing_depreciation_kr: FloatArray | None = None  # (T,) NaN: the base year's rate
    borrowing_path_kr: FloatArray | None = None  # NaN: the finance policy
    amortisation_path_kr: FloatArray | None = None  # NaN: the finance policy
    written_off_kr: FloatArray | None = None  # 0: no book value leaves with a sale or closure
    existing_depreciation_stopped_kr: FloatArray | None = None  # 0
    realisation_gains_kr: FloatArray | None = None  # max(0, sale proceeds − written off) per year

    @property
    def n_years(self) -> int:
        return int(self.years.size)

    @property
    def shape(self) -> tuple[int, ...]:
        """``(T,)`` or ``(S, T)``: the broadcast shape of every driver and plan array."""
        shapes = [np.shape(getattr(self, f.name)) for f in fields(self)
                  if f.name in _ARRAY_FIELDS and getattr(self, f.name) is not None]
        shapes += [np.shape(getattr(self, n))[:-2] + np.shape(getattr(self, n))[-1:] for n in _COMPONENT_FIELDS
                   if getattr(self, n) is not None]
        shape = np.broadcast_shapes((self.n_years,), *[s for s in shapes if s])
        return tuple(int(x) for x in shape)

    def replace(self, **changes: Any) -> FinanceInputs:
        """A copy with some fields changed (arrays are converted to float)."""
        conv: dict[str, Any] = {k: (np.asarray(v, dtype=float) if (k in _ARRAY_FIELDS or k in _COMPONENT_FIELDS)
                                    and v is not None else v)
                for k, v in changes.items()}
        return replace(self, **conv)


#: Fields that may be ``(T,)``-only (not broadcast over scenarios by the shape logic when None).
_ARRAY_FIELDS = frozenset(
    f.name for f in fields(FinanceInputs)
    if f.name not in ("years", "opening", "population_base", "component_types", "sources", "payroll_tax_rate", "loan_rate_base",
                      *_COMPONENT_FIELDS)
)


def opening_balance(data: MunicipalityData) -> dict[str, float]:
    """The base year's items of sheet ``Ekonomi`` as a dict, checked and balanced.

    Raises
    ------
    hushall.errors.DataValidationError
        When the sheet is empty or lacks an item, when a cost is entered as positive, or when assets and claims
        differ by more than :data:`hushall.model.plausibility.BALANCE_TOLERANCE_SHARE` of the total assets
        (:func:`hushall.model.plausibility.finance_problems`). A smaller difference (rounding) is put into
        ``kortfristiga_skulder``.
    """
    fin = data.finance
    if fin is None or len(fin) == 0:
        raise DataValidationError.single(
            "E_FINANCE_MISSING", "Fliken Ekonomi saknas eller är tom: den ekonomiska prognosen utgår från basårets "
            "bokslut. Fyll i basårets resultat- och balansräkning (en rad per post).", sheet=_SHEET)
    values = {str(k): float(v) for k, v in zip(fin["item"], fin["amount_kr"], strict=True) if pd.notna(v)}
    for item in OPTIONAL_FINANCE_ITEMS:
        values.setdefault(item, 0.0)
    problems = [Problem("E_FINANCE_ITEM", f"Posten {item} saknas i basårets bokslut.", sheet=_SHEET, column="post",
                        value=item) for item in FINANCE_ITEMS if item not in values]
    # signs, balance and reserve as checked when the data was loaded (a frame built by hand is checked here)
    problems += [p for p in plausibility.finance_problems(values) if not p.is_warning]
    if problems:
        raise DataValidationError(problems)
    _assets, _claims, diff = plausibility.balance_difference(values)
    values["kortfristiga_skulder"] += diff
    return values


def population_by_year(data: MunicipalityData) -> tuple[FloatArray, float]:
    """Inhabitants in each plan year and in the base year (the first plan year's when the base year is absent)."""
    key = "finance.population"
    if key not in data._cache:
        total = data.population_total()
        years = data.years
        series = total.reindex(years).ffill().bfill()
        if series.isna().any():
            raise DataValidationError.single(
                "E_POPULATION_YEARS", "Befolkningsprognosen saknas: den behövs för skatteintäkter och nettokostnader.",
                sheet=TABLES["population"].sheet)
        base = float(total[data.base_year]) if data.base_year in total.index else float(series.iloc[0])
        data._cache[key] = (series.to_numpy(dtype=float), base)
    cached = cast(tuple[FloatArray, float], data._cache[key])
    return cached[0].copy(), cached[1]


def service_cost_weights(service_ids: list[str]) -> FloatArray:
    """Cost per place of each service (``hushall/data/defaults/finance.yaml``), matched on the id by keyword.

    Examples
    --------
    >>> service_cost_weights(["forskola", "grundskola_f6", "sabo", "bibliotek"]).tolist()
    [170000.0, 125000.0, 1000000.0, 150000.0]
    """
    spec = load_defaults("finance")["service_cost_per_place"]
    costs = spec["values"]
    keywords = spec["keywords"]
    order = ("forskola", "gymnasium", "sabo", "grundskola")  # förskola before skola
    out = []
    for sid in service_ids:
        s = sid.lower()
        match = next((k for k in order if any(w in s for w in keywords[k])), "default")
        out.append(float(costs[match]))
    return np.asarray(out, dtype=float)


def demand_index(data: MunicipalityData) -> FloatArray:
    """Demographic demand index over the plan years, 1 in the base year.

    ``D(y) = Σ_s cost_s · coverage_s · pop_s(y) / Σ_s cost_s · coverage_s · pop_s(base)`` where ``pop_s`` is the
    population in service ``s``'s ages (sheet ``Tjänster`` × ``Befolkning``; age bands split uniformly) and
    ``cost_s`` the cost per place (:func:`service_cost_weights`): each service weighs by its share of the
    demographically driven cost, as in SKR's demografiska kalkyl. Without services (or demand) the index is the
    population ratio. The reference year is the base year when the population table has it, else the first plan
    year.

    References
    ----------
    SKR, "Demografisk kalkyl": kostnad per invånare i åldersgruppen × befolkningsförändring per åldersgrupp.
    """
    key = "finance.demand_index"
    if key in data._cache:
        return np.array(data._cache[key], dtype=float)
    pop_years, pop_base = population_by_year(data)
    services = data.services
    pop = data.population
    years = data.years
    ref_year = data.base_year if (pop["year"] == data.base_year).any() else int(years[0])
    index = pop_years / pop_base
    if len(services) and len(pop):
        weights = service_cost_weights([str(s) for s in services["service_id"]]) * services["coverage"].to_numpy(float)
        shares = band_shares(pop["age_from"].to_numpy(float), pop["age_to"].to_numpy(float),
                             services["age_from"].to_numpy(float), services["age_to"].to_numpy(float))
        weighted = (shares @ weights) * pop["count"].to_numpy(float)
        by_year = pd.Series(weighted).groupby(pop["year"].to_numpy()).sum()
        ref = float(by_year.get(ref_year, 0.0))
        if ref > 0:
            index = by_year.reindex(years).ffill().bfill().to_numpy(dtype=float) / ref
    data._cache[key] = index
    return np.array(index, dtype=float)


def _driver_sources(data: MunicipalityData) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in _FROM_ASSUMPTIONS:
        p = data.assumptions[name]
        extra = "; ".join(f"{y}: {s}" for y, s in sorted(p.overrides.items()) if s)
        out[name] = p.reference + (f" Arbetsboken: {extra}" if extra else "")
    out["invånare"] = "Fliken Befolkning (summa över områden och åldrar)."
    out["behovsindex"] = ("Befolkning × Tjänster: befolkningen i varje verksamhets åldrar × täckningsgrad, vägd med "
                          "kostnad per plats (SKR:s demografiska kalkyl; hushall/data/defaults/finance.yaml).")
    return out


def _as_driver(name: str, value: ArrayLike, n_years: int) -> FloatArray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim > 2 or (arr.ndim >= 1 and arr.shape[-1] not in (1, n_years)):
        raise ValueError(f"override {name!r}: expected a scalar, ({n_years},) or (S, {n_years}) array, "
                         f"got shape {arr.shape}")
    return np.full(n_years, float(arr)) if arr.ndim == 0 else arr * np.ones(n_years)


def loan_rate_base(data: MunicipalityData, opening: Mapping[str, float]) -> float | None:
    """The loan portfolio's average rate in the base year: parameter ``ränta_låneportfölj_basår`` for the base
    year, else the base year's financial costs over its long-term debt (an upper bound: it includes the interest
    on the pension provision), else ``None`` (no debt: the first plan year's market rate)."""
    given = float(data.assumptions["ränta_låneportfölj_basår"].series([data.base_year])[0])
    if np.isfinite(given):
        return given
    debt = opening["långfristiga_skulder"]
    return -opening["finansiella_kostnader"] / debt if debt > 0 else None


def existing_depreciation_default(data: MunicipalityData, given: ArrayLike) -> FloatArray:
    """Parameter ``avskrivningar_befintliga_kr`` with its empty years (NaN) filled from the register's component
    schedule (:func:`hushall.needs.book_value.existing_books`: per component historical cost over its lifetime,
    ending when fully depreciated, scaled so that the register's base-year depreciation equals the ``avskrivningar``
    of sheet Ekonomi; year 1 includes components completed in the base year). Without a register that depreciates
    in the base year the years stay empty: the model's geometric run-off at the base year's rate."""
    path = np.array(given, dtype=float)
    if not np.isnan(path).any():
        return path
    books = existing_books(data)
    if books.register_base_depreciation_kr <= 0:
        return path
    return np.where(np.isnan(path), books.total_depreciation_kr, path)


def reinvestment_inputs(data: MunicipalityData, construction_index: ArrayLike,
                        policy: str | RenewalPlan | None = None) -> dict[str, Any]:
    """The reinvestment policy's money (:mod:`hushall.needs.reinvestment`) as fields of :class:`FinanceInputs`:
    reinvestment, capitalised and depreciated per component type (nominal, priced with ``construction_index``),
    the renewal need and the maintenance debt (price base year kr, memo)."""
    path = reinvestment_path(data, policy)
    spend, cap, dep = path.nominal(construction_index)
    return {"reinvestment_kr": spend, "reinvestment_capitalised_by_component_kr": cap,
            "reinvestment_depreciation_by_component_kr": dep, "renewal_need_kr": path.need_real_kr,
            "maintenance_debt_kr": path.debt_real_kr}


def build_inputs(
    data: MunicipalityData,
    plan_effects: PlanEffects | None = None,
    overrides: Mapping[str, ArrayLike] | None = None,
    reinvestment_policy: str | RenewalPlan | None = None,
) -> FinanceInputs:
    """Gather the model's inputs from a validated municipality and a plan.

    Parameters
    ----------
    data
        The municipality (sheet ``Ekonomi`` must be filled in).
    plan_effects
        The investment plan (:func:`hushall.projects.plan_effects`); ``None`` = no projects.
    overrides
        Driver name (Swedish parameter name or :class:`FinanceInputs` field) → scalar, ``(T,)`` or ``(S, T)``.
        Overriding ``byggprisindex`` or ``prisindex`` also reprices the plan.
    reinvestment_policy
        ``"ram"``, ``"behov"`` or ``"ingen"`` (:data:`hushall.needs.reinvestment.POLICIES`); ``None`` = as sheet
        Antaganden says (``reinvestering_efter_behov``, ``reinvestering_ram_kr``).

    Raises
    ------
    hushall.errors.DataValidationError
        When sheet ``Ekonomi`` is empty, incomplete or does not balance (:func:`opening_balance`).
    """
    opening = opening_balance(data)
    years = data.years
    n = years.size
    pop, pop_base = population_by_year(data)
    drivers: dict[str, FloatArray] = {DRIVER_FIELDS[name]: data.assumption(name) for name in _FROM_ASSUMPTIONS}
    drivers["existing_depreciation_kr"] = existing_depreciation_default(data, drivers["existing_depreciation_kr"])
    drivers["population"] = pop
    drivers["demand_index"] = demand_index(data)
    drivers["reserve_use_kr"] = np.zeros(n)
    drivers["pension_payout_share"] = (data.assumption("ansvarsförbindelse_minskning")
                                       + data.assumption("ansvarsförbindelse_uppräkning"))
    sources = _driver_sources(data)
    direct: dict[str, FloatArray] = {}
    for key, value in (overrides or {}).items():
        field_name = DRIVER_FIELDS.get(key, key)
        if field_name in drivers:
            drivers[field_name] = _as_driver(key, value, n)
        elif field_name in _ARRAY_FIELDS or field_name in _COMPONENT_FIELDS:
            direct[field_name] = np.asarray(value, dtype=float)
        else:
            known = sorted(set(DRIVER_FIELDS) | _ARRAY_FIELDS)
            raise ValueError(f"unknown override {key!r}; known: {', '.join(known)}")
        sources[key] = "Åsidosatt från Python (build_inputs overrides)."
    cons_base = cumulative_index(data.assumptions["byggprisindex"], [data.base_year], data.price_base_year)[0]
    price_base = cumulative_index(data.assumptions["prisindex"], [data.base_year], data.price_base_year)[0]
    construction_index = cons_base * np.cumprod(1.0 + drivers["construction_growth"] * np.ones(n), axis=-1)
    price_index = price_base * np.cumprod(1.0 + drivers["price_growth"] * np.ones(n), axis=-1)
    plan = plan_effects if plan_effects is not None else empty_plan(
        years, construction_index, price_index, COMPONENT_TYPES)
    if plan.years.size != n or not np.array_equal(plan.years, years):
        raise ValueError("the plan's years differ from the municipality's plan years")
    nominal = plan.nominal(construction_index, price_index)
    fields_: dict[str, Any] = dict(
        years=years,
        opening=opening,
        population_base=pop_base,
        construction_index=construction_index,
        price_index=price_index,
        investment_kr=nominal.investment_kr,
        expensed_kr=nominal.expensed_kr,
        operating_cost_change_kr=nominal.operating_cost_kr,
        sale_proceeds_kr=nominal.sale_proceeds_kr,
        capitalised_by_component_kr=nominal.capitalised_by_component_kr,
        new_depreciation_by_component_kr=nominal.depreciation_by_component_kr,
        projects_under_construction=nominal.projects_under_construction,
        places_change=nominal.places,
        component_types=plan.component_types,
        sources=sources,
        **drivers,
    )
    fields_["written_off_kr"] = nominal.written_off_kr
    fields_["existing_depreciation_stopped_kr"] = nominal.existing_depreciation_stopped_kr
    fields_["realisation_gains_kr"] = nominal.realisation_gains_kr
    fields_["payroll_tax_rate"] = float(data.assumption("särskild_löneskatt")[0])
    fields_["loan_rate_base"] = loan_rate_base(data, opening)
    fields_.update(reinvestment_inputs(data, construction_index, reinvestment_policy))
    fields_.update(direct)
    return FinanceInputs(**fields_)
