r"""Back-test of the financial model against a municipality's published accounts.

Start from a published base year, run :func:`hushall.finance.run` over the following published years, and compare
soliditet and the result share with what the municipality published. With every driver at the package's defaults
the forecast shows how far a plan drifts from reality in a few years; each *mechanism* then feeds the published
outcome of one part of the economy, so that the table shows which mechanism closes how much of the gap. With all
mechanisms fed the accounting must close (to rounding): that is the test that the statements are consistent.

Input: a CSV in long format — one figure per row, columns ``kommun, year, item, value, unit`` (``source_url`` or any
other column is kept but not read). Units: ``mnkr``/``mkr``, ``tkr``, ``kr``, ``kr per invånare`` (multiplied by
``folkmangd`` of the same year), ``procent``/``%``; ``se item`` takes the unit from the item's suffix (``_mkr``,
``_mnkr``, ``_kr_per_inv``, ``_pct``). Items are the statement lines in ASCII (:data:`ITEMS`); å/ä/ö are accepted.

Mechanisms (:data:`MECHANISMS`) and the fields of :class:`~hushall.finance.inputs.FinanceInputs` they set::

    skatter_bidrag      tax_base_growth, grants_growth := SI_t/SI_{t−1} − 1, GS_t/GS_{t−1} − 1; population flat
    nettokostnader      items_affecting_comparability_kr := J_t;
                        net_cost_change_kr := (VI_0 + VK_0 − J_0) · F_t + J_t − (VI_t + VK_t + J_t)
                        (F = the model's cost factor, so VI + VK equals the published net exactly)
    avskrivningar       existing_depreciation_kr := −AV_t
    finansiella_intakter deposit_rate := 0, dividends_kr := FI_t − FI_0
    rantor              loan_rate_base := −FK_0 / L_0, fixed_rate_years := 1, interest_rate := −FK_t / L_{t−1}
    investeringar       investment_kr := gross investment − sale proceeds (the model would book proceeds as gains;
                        published gains are already in verksamhetens intäkter)
    finansiering        borrowing_path_kr, amortisation_path_kr := the cash flow statement's lines
    pensioner           pension_provision_growth := 0, pension_provision_change_kr := ΔAVS_t,
                        pension_commitment_decline := 1 − ANSV_t / ANSV_{t−1}
    rorelsekapital      working_capital_indexation := (KS*_t / KS_0 − 1) / (K_t − 1),
                        KS*_t = S_t − OA_0 − L_t with S = every liability and provision except pensions

Soliditet depends only on the claims side (``EK / (EK + AVS + OA + L + KS)``): the split of the assets only moves
money between cash and other assets. Where a municipality publishes fewer lines the reconstruction says what it
assumes (:attr:`Published.notes`).

References
----------
LKBR (2018:597) 4–6 kap. (resultaträkning, balansräkning), RKR R13 Kassaflödesanalys; soliditet and resultat i
procent av skatteintäkter och generella statsbidrag as in :mod:`hushall.finance.ratios`.

Examples
--------
>>> rows = [("X", 2020, "skatteintakter", 100.0, "mnkr"), ("X", 2021, "skatteintakter", 105.0, "mnkr")]
>>> frame = pd.DataFrame(rows, columns=["kommun", "year", "item", "value", "unit"])
>>> published_accounts(frame, "X").year(2021)["skatteintakter"]
105000000.0
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hushall.data.schema import COMPONENT_TYPES
from hushall.errors import DataValidationError, Problem
from hushall.finance.inputs import _FROM_ASSUMPTIONS, DRIVER_FIELDS, FinanceInputs
from hushall.finance.model import Statements, run
from hushall.finance.ratios import equity_ratio, result_share
from hushall.formatting import fmt_mkr, fmt_pct
from hushall.model.parameters import default_assumptions

COLUMNS: tuple[str, ...] = ("kommun", "year", "item", "value", "unit")

#: Unit → factor to kr (``None``: per inhabitant; ``nan``: a share in per cent, kept as a share).
UNITS: dict[str, float | None] = {
    "mnkr": 1e6, "mkr": 1e6, "tkr": 1e3, "kr": 1.0, "kr per invanare": None, "kr_per_inv": None,
    "kr/inv": None, "procent": float("nan"), "%": float("nan"), "antal": 1.0, "invanare": 1.0,
}
#: Suffix of an item with unit ``se item`` → unit.
_SUFFIXES: tuple[tuple[str, str], ...] = (("_kr_per_inv", "kr_per_inv"), ("_mnkr", "mnkr"), ("_mkr", "mkr"),
                                          ("_pct", "procent"))

#: Items read (ASCII), with their aliases. Costs are negative, as printed.
ITEMS: dict[str, tuple[str, ...]] = {
    "verksamhetens_intakter": (), "verksamhetens_kostnader": (), "avskrivningar": ("av_och_nedskrivningar",),
    "jamforelsestorande_intakter": (), "jamforelsestorande_kostnader": (), "jamforelsestorande_poster": (),
    "verksamhetens_nettokostnader": (), "skatteintakter": (),
    "generella_statsbidrag": ("generella_statsbidrag_netto", "generella_statsbidrag_utjamning"),
    "finansiella_intakter": (), "finansiella_kostnader": (), "arets_resultat": (),
    "immateriella_anlaggningstillgangar": (), "materiella_anlaggningstillgangar": (),
    "mark_byggnader_tekniska_anlaggningar": (), "maskiner_inventarier": (), "konst": (),
    "finansiella_anlaggningstillgangar": (), "summa_omsattningstillgangar": (),
    "likvida_medel": ("likvida_medel_vid_arets_slut",), "summa_tillgangar": ("tillgangar",),
    "eget_kapital": (), "avsattningar_pensioner": ("avsatt_till_pensioner",),
    "andra_avsattningar": ("ovriga_avsattningar",), "langfristiga_skulder": (), "kortfristiga_skulder": (),
    "skulder_och_avsattningar": (), "laneskuld": (),
    "ansvarsforbindelse_pensioner": ("ansvarsforbindelse_pensioner_fore_1998",),
    "investering_materiella_anlaggningstillgangar": (), "forsaljning_materiella_anlaggningstillgangar": (),
    "nyupptagna_lan": (), "amortering": (), "kassaflode_finansieringsverksamheten": (), "folkmangd": (),
    "soliditet": (),
}
_ALIAS = {alias: item for item, aliases in ITEMS.items() for alias in (item, *aliases)}


def _ascii(text: str) -> str:
    return (str(text).strip().lower().replace("å", "a").replace("ä", "a").replace("ö", "o").replace("-", "_")
            .replace(" ", "_"))


def read_published(path: Path) -> pd.DataFrame:
    """Read a long-format CSV of published accounts (columns :data:`COLUMNS`; ``,`` or ``;`` separated).

    Raises
    ------
    hushall.errors.DataValidationError
        When the file is missing or unreadable, a column is missing, or a row has no year or no number (every such
        row is listed with its line number, column and value).
    """
    name = Path(path).name
    try:
        with open(path, encoding="utf-8-sig") as f:
            head = f.readline()
        frame = pd.read_csv(path, sep=";" if head.count(";") > head.count(",") else ",", dtype=str,
                            encoding="utf-8-sig", keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataValidationError.single("E_BACKTEST_FILE", f"Filen kunde inte läsas som CSV: {exc}", file=name) from None
    frame.columns = [_ascii(c) for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError.single(
            "E_BACKTEST_COLUMNS", f"Kolumnerna {', '.join(missing)} saknas. Filen ska ha kolumnerna "
            f"{', '.join(COLUMNS)} (en siffra per rad).", file=name, row=1, column=missing[0])
    problems: list[Problem] = []
    years = pd.to_numeric(frame["year"].str.strip(), errors="coerce")
    values = pd.to_numeric(frame["value"].str.strip().str.replace("\u00a0", "").str.replace(" ", "")
                           .str.replace("−", "-").str.replace(",", "."), errors="coerce")
    for i in np.flatnonzero(years.isna() | (years % 1 != 0)):
        problems.append(Problem("E_BACKTEST_YEAR", "Året ska vara ett heltal, t.ex. 2017.", file=name, row=int(i) + 2,
                                column="year", value=frame["year"].iat[i]))
    for i in np.flatnonzero(values.isna()):
        problems.append(Problem("E_BACKTEST_VALUE", "Värdet ska vara ett tal (t.ex. -1525,5).", file=name,
                                row=int(i) + 2, column="value", value=frame["value"].iat[i]))
    units = frame["unit"].map(lambda u: _ascii(u).replace("_", " ").replace("kr per inv", "kr per invanare")
                              .replace("invanareanare", "invanare"))
    known = {u.replace("_", " ") for u in UNITS} | {"se item", "kr per invanare"}
    for i in np.flatnonzero(~units.isin(known)):
        problems.append(Problem("E_BACKTEST_UNIT", f"Okänd enhet; använd någon av {', '.join(sorted(known))}.",
                                file=name, row=int(i) + 2, column="unit", value=frame["unit"].iat[i]))
    if problems:
        raise DataValidationError(problems)
    out = pd.DataFrame({"kommun": frame["kommun"].str.strip(), "year": years.astype(int),
                        "item": frame["item"].map(_ascii), "value": values.astype(float), "unit": units})
    out.attrs["file"] = name
    return out


@dataclass(frozen=True)
class Published:
    """One municipality's published figures in kr per year and item (:data:`ITEMS`); ``file``: the CSV's name
    (for messages)."""

    kommun: str
    figures: Mapping[int, Mapping[str, float]]
    file: str | None = None

    def year(self, year: int) -> Mapping[str, float]:
        return self.figures.get(year, {})

    def get(self, year: int, item: str, default: float = np.nan) -> float:
        return float(self.year(year).get(item, default))

    @property
    def years(self) -> list[int]:
        return sorted(self.figures)


def published_accounts(frame: pd.DataFrame, kommun: str) -> Published:
    """The figures of one municipality in kr (units converted, per-inhabitant figures × folkmängd, aliases
    resolved). Statement lines win over the same figure from a key-ratio table (``arets_resultat_mkr``)."""
    file = frame.attrs.get("file")
    rows = frame[frame["kommun"].str.casefold() == kommun.casefold()]
    if rows.empty:
        names = ", ".join(sorted(frame["kommun"].unique()))
        raise DataValidationError.single("E_BACKTEST_KOMMUN", f"Kommunen {kommun!r} finns inte i filen (finns: {names}).",
                                         file=file, column="kommun", value=kommun)
    pop = {int(r.year): float(r.value) for r in rows.itertuples() if _ALIAS.get(r.item) == "folkmangd"}
    figures: dict[int, dict[str, float]] = {}
    secondary: dict[int, dict[str, float]] = {}
    problems: list[Problem] = []
    for pos, r in enumerate(rows.itertuples()):
        item, unit = str(r.item), str(r.unit)
        primary = unit != "se item"
        if not primary:
            unit = "antal"
            for suffix, u in _SUFFIXES:
                if item.endswith(suffix):
                    item, unit = item[: -len(suffix)], u
                    break
        canonical = _ALIAS.get(item)
        if canonical is None:
            continue
        factor = UNITS.get(unit.replace(" ", "_"), UNITS.get(unit))
        value = float(r.value)
        if factor is None:
            if int(r.year) not in pop:
                problems.append(Problem("E_BACKTEST_POPULATION", "Ett belopp per invånare kräver folkmangd samma år.",
                                        file=file, row=int(rows.index[pos]) + 2, column="unit", value=r.unit))
                continue
            value *= pop[int(r.year)]
        elif np.isnan(factor):
            value /= 100.0
        else:
            value *= factor
        target = figures if primary else secondary
        target.setdefault(int(r.year), {})[canonical] = value
    if problems:
        raise DataValidationError(problems)
    for year, items in secondary.items():
        for item, value in items.items():
            figures.setdefault(year, {}).setdefault(item, value)
    return Published(kommun=str(rows["kommun"].iat[0]), figures=figures, file=file)


# -- the base year and the published outcome, in the model's terms ---------------------------------------------------

def _net_operating(p: Published, year: int) -> float:
    """Verksamhetens intäkter + kostnader + jämförelsestörande poster (kr), i.e. the net cost before depreciation."""
    y = p.year(year)
    if "verksamhetens_intakter" in y and "verksamhetens_kostnader" in y:
        return y["verksamhetens_intakter"] + y["verksamhetens_kostnader"] + _one_offs(p, year)
    return y["verksamhetens_nettokostnader"] - y["avskrivningar"]


def _one_offs(p: Published, year: int) -> float:
    y = p.year(year)
    return y.get("jamforelsestorande_poster", y.get("jamforelsestorande_intakter", 0.0)
                 + y.get("jamforelsestorande_kostnader", 0.0))


def equity(p: Published, year: int) -> float:
    y = p.year(year)
    return y["eget_kapital"] if "eget_kapital" in y else y["summa_tillgangar"] - y["skulder_och_avsattningar"]


def _liabilities_ex_pensions(p: Published, year: int) -> float:
    """Every liability and provision except the pension provision (kr)."""
    y = p.year(year)
    if "skulder_och_avsattningar" in y:
        return y["skulder_och_avsattningar"] - y["avsattningar_pensioner"]
    return y["summa_tillgangar"] - y["eget_kapital"] - y["avsattningar_pensioner"]


def _investment(p: Published, year: int) -> float:
    y = p.year(year)
    return -y.get("investering_materiella_anlaggningstillgangar", 0.0) - y.get(
        "forsaljning_materiella_anlaggningstillgangar", 0.0)


def _financing(p: Published, year: int) -> tuple[float, float]:
    """New loans and amortisation (both ≥ 0) of a year from the cash flow statement."""
    y = p.year(year)
    if "nyupptagna_lan" in y or "amortering" in y:
        return y.get("nyupptagna_lan", 0.0), -y.get("amortering", 0.0)
    net = y.get("kassaflode_finansieringsverksamheten", 0.0)
    return max(net, 0.0), max(-net, 0.0)


def opening_from_published(p: Published, base_year: int, loan_rate: float) -> tuple[dict[str, float], list[str]]:
    """The base year as sheet ``Ekonomi``'s items (kr), and the assumptions made where lines are not published.

    Raises
    ------
    hushall.errors.DataValidationError
        When a line that cannot be reconstructed is missing in the base year.
    """
    y = p.year(base_year)
    need = ("skatteintakter", "generella_statsbidrag", "finansiella_intakter", "finansiella_kostnader",
            "avskrivningar", "summa_tillgangar", "avsattningar_pensioner")
    missing = [k for k in need if k not in y]
    if "eget_kapital" not in y and "skulder_och_avsattningar" not in y:
        missing.append("eget_kapital")
    if not ("verksamhetens_intakter" in y and "verksamhetens_kostnader" in y) and "verksamhetens_nettokostnader" not in y:
        missing.append("verksamhetens_nettokostnader")
    if missing:
        raise DataValidationError([Problem("E_BACKTEST_BASE", f"{p.kommun}: basåret {base_year} saknar posten {m}.",
                                           file=p.file, column="item", value=m) for m in missing])
    notes: list[str] = []
    total = y["summa_tillgangar"]
    ek = equity(p, base_year)
    j0 = _one_offs(p, base_year)
    vi = y.get("verksamhetens_intakter", 0.0)
    vk = _net_operating(p, base_year) - vi  # incl. jämförelsestörande poster (a varav line in the model)
    cash = y.get("likvida_medel", 0.0)
    current = y.get("summa_omsattningstillgangar", cash) - cash
    fa = y.get("finansiella_anlaggningstillgangar", 0.0)
    intangible = y.get("immateriella_anlaggningstillgangar", 0.0)
    if "likvida_medel" not in y:
        notes.append("Likvida medel och omsättningstillgångar är inte publicerade: antagna 0 kr (alla tillgångar "
                     "räknas som materiella; påverkar inte soliditeten).")
    mat = total - cash - current - fa - intangible
    other_prov = y.get("andra_avsattningar", 0.0)
    others = _liabilities_ex_pensions(p, base_year)
    if "laneskuld" in y:
        debt = y["laneskuld"]
        notes.append("Långfristiga skulder = låneskulden; övriga långfristiga skulder räknas med de kortfristiga "
                     "(rörelsekapital).")
    elif "langfristiga_skulder" in y:
        debt = y["langfristiga_skulder"]
    else:
        debt = -y["finansiella_kostnader"] / loan_rate
        notes.append(f"Låneskulden är inte publicerad: uppskattad som finansiella kostnader / {fmt_pct(loan_rate)} "
                     f"= {fmt_mkr(debt, 0)} (påverkar bara räntans fördelning, inte nyckeltalen när räntor "
                     "och finansiering matas).")
    short = others - other_prov - debt
    if "kortfristiga_skulder" not in y:
        notes.append("Skulder och avsättningar utom pensioner är publicerade som en summa; den del som inte är "
                     "lån räknas som kortfristiga skulder.")
    opening = {
        "verksamhetens_intäkter": vi, "verksamhetens_kostnader": vk, "jämförelsestörande_poster": j0,
        "avskrivningar": y["avskrivningar"], "skatteintäkter": y["skatteintakter"],
        "generella_statsbidrag": y["generella_statsbidrag"], "finansiella_intäkter": y["finansiella_intakter"],
        "finansiella_kostnader": y["finansiella_kostnader"], "immateriella_anläggningstillgångar": intangible,
        "materiella_anläggningstillgångar": mat, "finansiella_anläggningstillgångar": fa,
        "omsättningstillgångar": current, "likvida_medel": cash, "eget_kapital": ek, "resultatreserv": 0.0,
        "avsättningar_pensioner": y["avsattningar_pensioner"], "övriga_avsättningar": other_prov,
        "långfristiga_skulder": debt, "kortfristiga_skulder": short,
        "ansvarsförbindelse_pensioner": y.get("ansvarsforbindelse_pensioner", 0.0),
    }
    return opening, notes


def _loan_path(p: Published, opening: Mapping[str, float], years: Sequence[int]) -> np.ndarray:
    """Long-term debt at the end of each year after the published borrowing and amortisation."""
    flows = np.array([np.subtract(*_financing(p, y)) for y in years])
    return opening["långfristiga_skulder"] + np.cumsum(flows)


def default_inputs(opening: Mapping[str, float], years: Sequence[int], population: float) -> FinanceInputs:
    """:class:`FinanceInputs` from the base year alone: every driver at the package's default
    (``hushall/data/defaults/parameters.yaml``), population flat, no investment, no reinvestment policy."""
    yrs = np.asarray(years, dtype=np.int64)
    n = yrs.size
    params = default_assumptions()
    drivers = {DRIVER_FIELDS[name]: params[name].series(yrs).astype(float) for name in _FROM_ASSUMPTIONS}
    cons = np.cumprod(1.0 + drivers["construction_growth"]).astype(np.float64)
    prices = np.cumprod(1.0 + drivers["price_growth"]).astype(np.float64)
    zeros = np.zeros(n)
    n_c = len(COMPONENT_TYPES)
    return FinanceInputs(
        years=yrs, opening=dict(opening), population=np.full(n, population), population_base=population,
        demand_index=np.ones(n), construction_index=cons, price_index=prices,
        reserve_use_kr=zeros, investment_kr=zeros, expensed_kr=zeros, operating_cost_change_kr=zeros,
        sale_proceeds_kr=zeros, capitalised_by_component_kr=np.zeros((n_c, n)),
        new_depreciation_by_component_kr=np.zeros((n_c, n)), projects_under_construction=zeros,
        places_change=zeros, component_types=COMPONENT_TYPES, sources={},
        payroll_tax_rate=float(params["särskild_löneskatt"].series(yrs)[0]),
        loan_rate_base=float(drivers["interest_rate"][0]), **drivers)


def cost_factor(inputs: FinanceInputs) -> np.ndarray:
    """The model's factor ``F_t`` on the base year's operating lines (:mod:`hushall.finance.model`)."""
    w = np.asarray(inputs.wage_share, dtype=float)
    k = np.cumprod(1.0 + w * inputs.wage_growth + (1.0 - w) * inputs.price_growth)
    v = np.asarray(inputs.volume_share, dtype=float)
    growth = 0.0 if inputs.cost_volume_growth is None else inputs.cost_volume_growth
    return k * ((1.0 - v) + v * inputs.demand_index) * np.cumprod(1.0 + growth * np.ones(k.size))


def cost_index(inputs: FinanceInputs) -> np.ndarray:
    w = np.asarray(inputs.wage_share, dtype=float)
    return np.cumprod(1.0 + w * inputs.wage_growth + (1.0 - w) * inputs.price_growth)


# -- mechanisms -----------------------------------------------------------------------------------------------------

Feed = Callable[["_Case", FinanceInputs], dict[str, Any]]


@dataclass(frozen=True)
class _Case:
    published: Published
    base_year: int
    years: tuple[int, ...]
    opening: Mapping[str, float]

    def series(self, fn: Callable[[Published, int], float]) -> np.ndarray:
        return np.array([fn(self.published, y) for y in self.years], dtype=float)

    def items(self, item: str, with_base: bool = False) -> np.ndarray:
        years = (self.base_year, *self.years) if with_base else self.years
        return np.array([self.published.get(y, item) for y in years], dtype=float)


def _feed_revenue(c: _Case, x: FinanceInputs) -> dict[str, Any]:
    si, gs = c.items("skatteintakter", True), c.items("generella_statsbidrag", True)
    return {"tax_base_growth": si[1:] / si[:-1] - 1.0, "grants_growth": gs[1:] / gs[:-1] - 1.0,
            "national_population_growth": np.zeros(len(c.years)), "tax_rate_change_pp": np.zeros(len(c.years)),
            "population": np.full(len(c.years), x.population_base)}


def _feed_net_cost(c: _Case, x: FinanceInputs) -> dict[str, Any]:
    o = c.opening
    base = o["verksamhetens_intäkter"] + o["verksamhetens_kostnader"] - o["jämförelsestörande_poster"]
    one_offs = c.series(_one_offs)
    return {"items_affecting_comparability_kr": one_offs,
            "net_cost_change_kr": base * cost_factor(x) + one_offs - c.series(_net_operating)}


def _feed_depreciation(c: _Case, x: FinanceInputs) -> dict[str, Any]:
    return {"existing_depreciation_kr": -c.items("avskrivningar")}


def _feed_financial_income(c: _Case, x: FinanceInputs) -> dict[str, Any]:
    fi = c.items("finansiella_intakter")
    return {"deposit_rate": np.zeros(len(c.years)), "dividends_kr": fi - c.opening["finansiella_intäkter"]}


def _feed_interest(c: _Case, x: FinanceInputs) -> dict[str, Any]:
    debt = np.concatenate([[c.opening["långfristiga_skulder"]], _loan_path(c.published, c.opening, c.years)[:-1]])
    fk = -c.items("finansiella_kostnader")
    rate = np.divide(fk, debt, out=np.zeros_like(fk), where=debt > 0)
    l0 = c.opening["långfristiga_skulder"]
    return {"interest_rate": rate, "fixed_rate_years": np.ones(len(c.years)),
            "loan_rate_base": -c.opening["finansiella_kostnader"] / l0 if l0 > 0 else 0.0}


def _feed_investment(c: _Case, x: FinanceInputs) -> dict[str, Any]:
    return {"investment_kr": c.series(_investment)}


def _feed_financing(c: _Case, x: FinanceInputs) -> dict[str, Any]:
    flows = np.array([_financing(c.published, y) for y in c.years])
    return {"borrowing_path_kr": flows[:, 0], "amortisation_path_kr": flows[:, 1]}


def _feed_pensions(c: _Case, x: FinanceInputs) -> dict[str, Any]:
    prov = c.items("avsattningar_pensioner", True)
    commitment = c.items("ansvarsforbindelse_pensioner", True)
    decline = np.where(commitment[:-1] > 0, 1.0 - commitment[1:] / np.where(commitment[:-1] > 0, commitment[:-1], 1),
                       0.0)
    return {"pension_provision_growth": np.zeros(len(c.years)), "pension_provision_change_kr": np.diff(prov),
            "pension_commitment_decline": np.nan_to_num(decline)}


def _feed_working_capital(c: _Case, x: FinanceInputs) -> dict[str, Any]:
    target = (c.series(_liabilities_ex_pensions) - c.opening["övriga_avsättningar"]
              - _loan_path(c.published, c.opening, c.years))
    k = cost_index(x)
    ks0 = c.opening["kortfristiga_skulder"]
    return {"working_capital_indexation": (target / ks0 - 1.0) / (k - 1.0)}


@dataclass(frozen=True)
class Mechanism:
    """One part of the economy whose published outcome can be fed."""

    key: str
    label: str
    feed: Feed
    needs: tuple[str, ...] = field(default=())


#: The mechanisms in the order they are fed; ``needs``: items that must be published in every compared year.
MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism("skatter_bidrag", "Skatteintäkter och generella statsbidrag", _feed_revenue,
              ("skatteintakter", "generella_statsbidrag")),
    Mechanism("nettokostnader", "Verksamhetens intäkter och kostnader (netto)", _feed_net_cost),
    Mechanism("avskrivningar", "Avskrivningar", _feed_depreciation, ("avskrivningar",)),
    Mechanism("finansiella_intakter", "Finansiella intäkter (utdelning)", _feed_financial_income,
              ("finansiella_intakter",)),
    Mechanism("rantor", "Räntor (finansiella kostnader)", _feed_interest, ("finansiella_kostnader",)),
    Mechanism("investeringar", "Investeringar", _feed_investment),
    Mechanism("finansiering", "Upplåning och amortering", _feed_financing),
    Mechanism("pensioner", "Pensionsavsättning och ansvarsförbindelse", _feed_pensions, ("avsattningar_pensioner",)),
    Mechanism("rorelsekapital", "Rörelsekapital (kortfristiga skulder, övriga avsättningar)", _feed_working_capital,
              ("summa_tillgangar",)),
)
MECHANISM_KEYS: tuple[str, ...] = tuple(m.key for m in MECHANISMS)


# -- the back-test --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """Model against published, per compared year (shares, 0.01 = 1 %)."""

    years: tuple[int, ...]
    fed: tuple[str, ...]
    soliditet_model: np.ndarray
    soliditet_published: np.ndarray
    result_share_model: np.ndarray
    result_share_published: np.ndarray
    statements: Statements

    @property
    def soliditet_mae(self) -> float:
        """Mean absolute error of soliditet (share; 0.01 = 1 percentage point)."""
        return float(np.mean(np.abs(self.soliditet_model - self.soliditet_published)))

    @property
    def result_share_mae(self) -> float:
        return float(np.mean(np.abs(self.result_share_model - self.result_share_published)))


@dataclass(frozen=True)
class Backtest:
    """A back-test set up from one municipality's base year: :meth:`run` feeds any set of mechanisms."""

    case: _Case
    base_inputs: FinanceInputs
    notes: tuple[str, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return self.case.years

    def inputs(self, fed: Iterable[str] = MECHANISM_KEYS) -> FinanceInputs:
        """The base inputs with the published outcome of the mechanisms ``fed`` (keys of :data:`MECHANISMS`)."""
        fed = tuple(fed)
        unknown = [k for k in fed if k not in MECHANISM_KEYS]
        if unknown:
            raise ValueError(f"unknown mechanisms {unknown}; known: {', '.join(MECHANISM_KEYS)}")
        x = self.base_inputs
        for m in MECHANISMS:  # in a fixed order: the cost factor is read after revenue is fed
            if m.key in fed:
                x = x.replace(**m.feed(self.case, x))
        return x

    def run(self, fed: Iterable[str] = MECHANISM_KEYS) -> Comparison:
        fed = tuple(fed)
        st = run(self.inputs(fed))
        p, years = self.case.published, self.case.years
        sol_pub = np.array([equity(p, y) / p.get(y, "summa_tillgangar") for y in years])
        share_pub = np.array([p.get(y, "arets_resultat") / (p.get(y, "skatteintakter") + p.get(y, "generella_statsbidrag"))
                              for y in years])
        return Comparison(
            years=years, fed=fed,
            soliditet_model=equity_ratio(st["eget_kapital"], st["summa_tillgångar"]),
            soliditet_published=sol_pub,
            result_share_model=result_share(st["årets_resultat"], st["skatteintäkter"], st["generella_statsbidrag"]),
            result_share_published=share_pub, statements=st)

    def mechanism_table(self) -> list[tuple[str, Comparison]]:
        """Only the base year; each mechanism alone; all but each one; all fed — with their comparisons."""
        rows = [("Endast basåret (alla drivare enligt standardvärden)", self.run(()))]
        rows += [(f"Bara: {m.label}", self.run((m.key,))) for m in MECHANISMS]
        rows += [(f"Alla utom: {m.label}", self.run(tuple(k for k in MECHANISM_KEYS if k != m.key)))
                 for m in MECHANISMS]
        rows.append(("Alla mekanismer matade", self.run()))
        return rows


def setup_backtest(published: Published, base_year: int, last_year: int | None = None) -> Backtest:
    """Set up the back-test of ``published`` from ``base_year`` over the following years that have a published
    result and soliditet (up to ``last_year``).

    Raises
    ------
    hushall.errors.DataValidationError
        When the base year lacks a line, there is no following year to compare, or a compared year lacks a line a
        mechanism needs.
    """
    p = published
    loan_rate = float(default_assumptions()["ränta"].series([base_year])[0])
    opening, notes = opening_from_published(p, base_year, loan_rate)
    years = tuple(y for y in p.years if y > base_year and (last_year is None or y <= last_year)
                  and "arets_resultat" in p.year(y) and "summa_tillgangar" in p.year(y)
                  and ("eget_kapital" in p.year(y) or "skulder_och_avsattningar" in p.year(y)))
    if not years:
        raise DataValidationError.single(
            "E_BACKTEST_YEARS", f"{p.kommun}: inget år efter basåret {base_year} har både årets resultat och "
            "balansräkning (summa tillgångar och eget kapital) att jämföra med.", file=p.file, column="year",
            value=base_year)
    if list(years) != list(range(base_year + 1, years[-1] + 1)):
        raise DataValidationError.single(
            "E_BACKTEST_GAP", f"{p.kommun}: åren efter basåret måste följa i följd; jämförbara år är "
            f"{', '.join(map(str, years))}.", file=p.file, column="year")
    problems = [Problem("E_BACKTEST_ITEM", f"{p.kommun} {y}: posten {item} saknas (behövs för att mata "
                        f"{m.label.lower()}).", file=p.file, column="item", value=item)
                for m in MECHANISMS for item in (*m.needs, "skatteintakter", "generella_statsbidrag")
                for y in years if item not in p.year(y)]
    problems += [Problem("E_BACKTEST_ITEM", f"{p.kommun} {y}: verksamhetens nettokostnader saknas.", file=p.file,
                         column="item", value="verksamhetens_nettokostnader")
                 for y in years if not ("verksamhetens_intakter" in p.year(y) and "verksamhetens_kostnader" in p.year(y))
                 and "verksamhetens_nettokostnader" not in p.year(y)]
    if problems:
        raise DataValidationError(list(dict.fromkeys(problems)))
    population = p.get(base_year, "folkmangd", 1.0)
    case = _Case(p, base_year, years, opening)
    return Backtest(case, default_inputs(opening, years, population if np.isfinite(population) else 1.0),
                    tuple(notes))
