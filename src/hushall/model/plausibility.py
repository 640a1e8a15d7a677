"""Checks of values that pass the column rules but are impossible or implausible for a Swedish municipality.

The column rules of :mod:`hushall.data.schema` check each cell's type and range. The checks here look at what the
values mean: an impossible value is an error (it would make a later stage fail or mislead), an implausible one is a
warning that names the likely intent (a soliditet target of 30 for 30 %, an investment ceiling of 120 for 120 Mkr).
Warnings are shown by ``hushall validate`` and by every command that loads the data; they do not stop the work.

* amounts (columns in kr, Ekonomi, amounts in Antaganden): more than :data:`MAX_AMOUNT_KR` is an error (more than
  all Swedish municipalities spend in a year), more than :data:`LARGE_AMOUNT_KR` a warning;
* kommunkod: one of the 290 codes of SCB (:mod:`hushall.data.municipality_codes`), or 0000–0099 for a made-up
  municipality; three digits are read as a code whose leading zero Excel dropped;
* targets (sheet Mål): shares above their possible maximum, amounts that look like Mkr or tkr, criteria weights
  that do not sum to 1 (a warning: the weights are used in proportion, see :func:`normalised_weights`);
* assumptions (sheet Antaganden): a share given in per cent (3 for 3 %);
* the base year's statements (sheet Ekonomi): the balance sheet must balance (assets = equity, provisions and
  liabilities, within :data:`BALANCE_TOLERANCE_SHARE`), costs are negative and assets positive; a sign that is
  unusual but possible (positive net financial costs, as some annual reports print them) is a warning.

References
----------
SCB, "Kommuner i Sverige – kommunkoder". Lag (2018:597) om kommunal bokföring och redovisning (LKBR) 4 kap.
(balansräkningens uppställning) and 5 kap. (resultaträkningen).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from hushall.data.municipality_codes import is_made_up, municipality_codes
from hushall.data.schema import OPTIONAL_FINANCE_ITEMS, TABLES
from hushall.data.target_types import TARGET_TYPES
from hushall.errors import Problem
from hushall.formatting import fmt_number

if TYPE_CHECKING:
    from hushall.model.validate import Collector

#: Largest amount accepted in one cell: 1 000 billion kr, more than the whole municipal sector's yearly costs.
MAX_AMOUNT_KR = 1e12
#: Amounts above this (100 billion kr, more than the yearly costs of Sweden's largest municipality) are warned of.
LARGE_AMOUNT_KR = 1e11
#: Largest count in one cell, by unit (more inhabitants than Sweden has; more places, metres or m² than any
#: municipality could own).
MAX_COUNT = {"personer": 11e6, "platser": 1e6, "m²": 1e8, "m": 1e8}

#: Largest difference between the base year's assets and claims (share of total assets) that is taken as rounding
#: in the transcription (put into kortfristiga skulder by the financial model); a larger one is an error.
BALANCE_TOLERANCE_SHARE = 5e-4
ASSET_ITEMS = ("immateriella_anläggningstillgångar", "materiella_anläggningstillgångar",
               "finansiella_anläggningstillgångar", "omsättningstillgångar", "likvida_medel")
CLAIM_ITEMS = ("eget_kapital", "avsättningar_pensioner", "övriga_avsättningar", "långfristiga_skulder",
               "kortfristiga_skulder")
#: Items that cannot be negative, and costs that cannot be positive (costs are entered negative, as in the
#: annual report).
NON_NEGATIVE_ITEMS = (*ASSET_ITEMS, "verksamhetens_intäkter", "skatteintäkter", "resultatreserv",
                      "avsättningar_pensioner", "långfristiga_skulder", "kortfristiga_skulder",
                      "ansvarsförbindelse_pensioner")
NON_POSITIVE_ITEMS = ("verksamhetens_kostnader", "avskrivningar")
#: Unusual but possible signs: item → (sign that is unusual, what it means).
UNUSUAL_SIGNS = {
    "finansiella_kostnader": (1, "positiva finansiella kostnader, alltså en nettointäkt"),
    "finansiella_intäkter": (-1, "negativa finansiella intäkter, alltså en kostnad"),
    "eget_kapital": (-1, "negativt eget kapital"),
}



def _fmt(x: float, decimals: int = 0) -> str:
    """Swedish number: thousands separated by no-break spaces, decimal comma, no trailing zeros.

    >>> _fmt(3000.0), _fmt(0.3, 2), _fmt(2.0 / 3.7, 2), _fmt(60.0, 2)
    ('3\xa0000', '0,3', '0,54', '60')
    """
    return fmt_number(x, decimals, trim=True)


def _percent(x: float) -> str:
    return _fmt(x, 2) + " %"


def balance_difference(values: Mapping[str, float]) -> tuple[float, float, float]:
    """Total assets, total equity and liabilities, and their difference (kr) of the base year's balance sheet.

    Examples
    --------
    >>> v = dict.fromkeys(ASSET_ITEMS + CLAIM_ITEMS, 0.0)
    >>> v.update(likvida_medel=100.0, eget_kapital=60.0, långfristiga_skulder=30.0)
    >>> balance_difference(v)
    (100.0, 90.0, 10.0)
    """
    assets = sum(float(values.get(k, 0.0)) for k in ASSET_ITEMS)  # optional lines (immateriella …) may be absent
    claims = sum(float(values.get(k, 0.0)) for k in CLAIM_ITEMS)
    return assets, claims, assets - claims


def balance_is_off(assets: float, difference: float) -> bool:
    """Whether the difference is more than rounding (:data:`BALANCE_TOLERANCE_SHARE` of the assets, and 1 kr)."""
    return abs(difference) > BALANCE_TOLERANCE_SHARE * abs(assets) + 1.0


def finance_problems(values: Mapping[str, float], rows: Mapping[str, int] | None = None,
                     file: str | None = None) -> list[Problem]:
    """Errors and warnings of the base year's statements (sheet Ekonomi): signs, balance, the resultatreserv.

    ``values``: item → kr (items missing are reported elsewhere and skipped here); ``rows``: item → the row it
    is on.

    Examples
    --------
    >>> from hushall.examples import exempelkommun
    >>> fin = exempelkommun().finance
    >>> finance_problems(dict(zip(fin["item"], fin["amount_kr"])))
    []
    """
    rows = rows or {}
    sheet = TABLES["finance"].sheet
    out: list[Problem] = []

    def add(code: str, message: str, item: str | None = None, severity: str = "error") -> None:
        out.append(Problem(code, message, file=file, sheet=sheet, row=rows.get(item) if item else None,
                           column="belopp_kr", value=None if item is None else values[item], severity=severity))

    for item in NON_POSITIVE_ITEMS:
        if values.get(item, 0.0) > 0:
            add("E_FINANCE_SIGN", f"Posten {item} är en kostnad och anges negativ, som i årsredovisningen.", item)
    for item in NON_NEGATIVE_ITEMS:
        if values.get(item, 0.0) < 0:
            add("E_FINANCE_SIGN", f"Posten {item} kan inte vara negativ.", item)
    for item, (sign, meaning) in UNUSUAL_SIGNS.items():
        if values.get(item, 0.0) * sign > 0:
            add("W_FINANCE_SIGN", f"Posten {item} anger {meaning}. Det förekommer, men kontrollera tecknet: "
                "kostnader anges negativa och intäkter positiva. Beloppet används som det står.", item,
                severity="warning")
    if all(k in values for k in ASSET_ITEMS + CLAIM_ITEMS if k not in OPTIONAL_FINANCE_ITEMS):
        assets, claims, diff = balance_difference(values)
        if balance_is_off(assets, diff):
            more = "tillgångarna är större" if diff > 0 else "eget kapital och skulder är större"
            add("E_FINANCE_BALANCE",
                f"Balansräkningen går inte ihop: tillgångarna är {_fmt(assets)} kr men eget kapital, avsättningar "
                f"och skulder {_fmt(claims)} kr; skillnaden är {_fmt(abs(diff))} kr ({more}). Omsättnings"
                "tillgångar ska anges utan likvida medel, och avsättningar andra än pensioner räknas till "
                "kortfristiga skulder.")
    if "resultatreserv" in values and "eget_kapital" in values \
            and values["resultatreserv"] > max(values["eget_kapital"], 0.0):
        add("E_FINANCE_RESERVE", "Resultatreserven är en del av eget kapital och kan inte vara större än det.",
            "resultatreserv")
    return out


def normalised_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Criteria weights scaled to sum to 1 (the optimiser adds weighted points to penalties in kr, so only
    weights that sum to 1 keep the balance between them that the defaults were set for).

    >>> normalised_weights({"lagkrav": 3.0, "skick": 1.0})
    {'lagkrav': 0.75, 'skick': 0.25}
    """
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()} if total > 0 else dict(weights)


def check_plausibility(frames: dict[str, pd.DataFrame], out: Collector) -> None:
    """Add the errors and warnings of this module's checks to ``out`` (``frames`` as validated so far)."""
    _check_code(frames, out)
    _check_amounts(frames, out)
    _check_targets(frames, out)
    _check_assumptions(frames, out)
    fin = frames.get("finance")
    if fin is not None and len(fin):
        first = fin.drop_duplicates("item")
        first = first[first["item"].notna() & first["amount_kr"].notna()]
        values = dict(zip(first["item"].astype(str), first["amount_kr"].astype(float), strict=True))
        rows = dict(zip(first["item"].astype(str), first["_row"].astype(int), strict=True))
        out.problems += finance_problems(values, rows, out.file)


def _check_code(frames: dict[str, pd.DataFrame], out: Collector) -> None:
    muni = frames.get("municipality")
    if muni is None or not len(muni) or not muni["code"].iloc[0]:
        return
    code = str(muni["code"].iloc[0])
    codes = municipality_codes()
    sheet = TABLES["municipality"].sheet
    row = int(muni["_row"].iloc[0])
    if code.isdigit() and len(code) == 3 and "0" + code in codes:
        out.warn("W_MUNICIPALITY_CODE", f"Kommunkoden har tre siffror och läses som 0{code} ({codes['0' + code]}): "
                 "Excel tar bort den inledande nollan i tal. Skriv koden som text för att slippa varningen.",
                 sheet=sheet, row=row, column="kommunkod", value=code)
        muni.loc[muni.index[0], "code"] = "0" + code
    elif not (code.isdigit() and len(code) == 4):
        out.add("E_MUNICIPALITY_CODE", "Kommunkoden ska vara fyra siffror enligt SCB, t.ex. 0884 för Vimmerby.",
                sheet=sheet, row=row, column="kommunkod", value=code)
    elif code not in codes and not is_made_up(code):
        out.add("E_MUNICIPALITY_CODE", "Kommunkoden finns inte bland Sveriges 290 kommuner (SCB:s kommunkoder). "
                "Ange kommunens kod, t.ex. 0884 för Vimmerby; en påhittad kommun (övning, test) får en kod "
                "0000–0099.", sheet=sheet, row=row, column="kommunkod", value=code)


def _check_amounts(frames: dict[str, pd.DataFrame], out: Collector) -> None:
    for key, df in frames.items():
        spec = TABLES[key]
        for col in spec.columns:
            if col.dtype != "float" or df.empty:
                continue
            values = pd.to_numeric(df[col.name], errors="coerce")
            if col.unit in ("kr", "kr/år"):
                _amount_rows(values, df["_row"], spec.sheet, col.header, out)
            elif col.unit in MAX_COUNT:
                limit = MAX_COUNT[col.unit]
                for x, row in zip(values, df["_row"], strict=True):
                    if pd.notna(x) and abs(x) > limit:
                        out.add("E_RANGE", f"Orimligt stort tal: mer än {_fmt(limit)} {col.unit} i en cell. "
                                "Kontrollera nollorna och enheten.", sheet=spec.sheet, row=int(row),
                                column=col.header, value=float(x))


def _amount_rows(values: pd.Series, rows: pd.Series, sheet: str, header: str, out: Collector) -> None:
    for x, row in zip(values, rows, strict=True):
        if pd.isna(x):
            continue
        if abs(x) > MAX_AMOUNT_KR:
            out.add("E_AMOUNT", "Beloppet är större än 1 000 miljarder kr, mer än alla Sveriges kommuners kostnader "
                    "under ett år. Belopp anges i kr; kontrollera nollorna.", sheet=sheet, row=int(row),
                    column=header, value=float(x))
        elif abs(x) > LARGE_AMOUNT_KR:
            out.warn("W_AMOUNT", "Beloppet är större än 100 miljarder kr, mer än den största kommunens kostnader "
                     "under ett år. Belopp anges i kr (inte öre); kontrollera nollorna.", sheet=sheet,
                     row=int(row), column=header, value=float(x))


def _check_targets(frames: dict[str, pd.DataFrame], out: Collector) -> None:
    t = frames.get("targets")
    if t is None or not len(t):
        return
    sheet = TABLES["targets"].sheet
    col = "gräns"
    weights: dict[str, float] = {}
    for r in t.to_dict("records"):
        kind, x, row = str(r["target_type"]), r["limit"], int(r["_row"])
        if x is None or (isinstance(x, float) and math.isnan(x)):
            continue
        where: dict[str, Any] = {"sheet": sheet, "row": row, "column": col, "value": float(x)}
        tt = TARGET_TYPES.get(kind)
        if tt is None:
            continue  # an unknown type is refused by the schema's validation
        if tt.limit_max is not None and abs(x) > tt.limit_max:
            share = fmt_number(x / 100, 2)
            hint = (f" Menade du {_percent(x)}? Skriv {share} (andelar skrivs som decimaltal)."
                    if abs(x) <= 100 else "")
            out.add("E_TARGET_RANGE", f"Målet {kind} är en andel och kan inte vara över 1 (100 %); {_fmt(x, 2)} "
                    f"betyder {_percent(100 * x)}.{hint}", **where)
        elif tt.plausible_max is not None and abs(x) > tt.plausible_max:
            hint = f" – menade du {_percent(x)}? Skriv då {_fmt(x / 100, 4)}" if abs(x) <= 100 else ""
            out.warn("W_TARGET_RANGE", f"Målet {kind} = {_fmt(x, 2)} betyder {_percent(100 * x)}{hint}. Andelar "
                     "skrivs som decimaltal.", **where)
        elif tt.smallest_plausible is not None:
            smallest, factor, unit = tt.smallest_plausible
            if x < 0:
                out.add("E_TARGET_RANGE", f"Målet {kind} är ett belopp i kr och kan inte vara negativt.", **where)
            elif 0 < x < smallest:
                out.warn("W_TARGET_RANGE", f"Målet {kind} anges i kr; {_fmt(x, 2)} kr är mycket lite – menade du "
                         f"{_fmt(x, 2)} {unit} ({_fmt(x * factor)} kr)?", **where)
            elif x > MAX_AMOUNT_KR:
                out.add("E_AMOUNT", "Beloppet är större än 1 000 miljarder kr. Kontrollera nollorna.", **where)
        elif tt.unit == "count" and tt.minimum is not None and x < tt.minimum:
            out.add("E_TARGET_RANGE", f"Högst antal projekt samtidigt måste vara minst {_fmt(tt.minimum)}.", **where)
        elif tt.unit == "weight":
            if x < 0:
                out.add("E_TARGET_RANGE", "En kriterievikt kan inte vara negativ.", **where)
            elif r["criterion"]:
                weights[str(r["criterion"])] = weights.get(str(r["criterion"]), 0.0) + float(x)
    total = sum(weights.values())
    if weights and total <= 0:
        out.add("E_TARGET_RANGE", "Kriterievikterna är alla 0: optimeringen har inget att välja efter.",
                sheet=sheet, column=col)
    elif weights and abs(total - 1) > 1e-6:
        scaled = ", ".join(f"{k} {_fmt(v, 2)}" for k, v in normalised_weights(weights).items())
        out.warn("W_WEIGHT_SUM", f"Kriterievikterna summerar till {_fmt(total, 2)}, inte 1. De används i proportion, "
                 f"omräknade så att de summerar till 1: {scaled}.", sheet=sheet, column=col, value=total)


def _check_assumptions(frames: dict[str, pd.DataFrame], out: Collector) -> None:
    a = frames.get("assumptions")
    if a is None or not len(a):
        return
    from hushall.model.parameters import default_assumptions

    units = {k: p.unit for k, p in default_assumptions().items()}
    sheet = TABLES["assumptions"].sheet
    for r in a.to_dict("records"):
        x, row, name = r["value"], int(r["_row"]), str(r["parameter"])
        if x is None or (isinstance(x, float) and math.isnan(x)):
            continue
        unit = units.get(name, "")
        where: dict[str, Any] = {"sheet": sheet, "row": row, "column": "värde", "value": float(x)}
        if unit.startswith("andel") and abs(x) > 1:
            hint = f" – menade du {_percent(x)}? Skriv då {_fmt(x / 100, 4)}" if abs(x) <= 100 else ""
            out.warn("W_ASSUMPTION_PERCENT", f"{name} = {_fmt(x, 2)} betyder {_percent(100 * x)} per år{hint}. "
                     "Andelar skrivs som decimaltal.", **where)
        elif unit.startswith("procent ") and 0 < abs(x) < 1 and name == "skattesats_basår":
            out.warn("W_ASSUMPTION_PERCENT", f"Skattesatsen anges i procent: {_fmt(x, 4)} betyder {_fmt(x, 4)} % – "
                     f"menade du {_fmt(100 * x, 2)} %?", **where)
        elif unit.startswith("kr") and abs(x) > MAX_AMOUNT_KR:
            out.add("E_AMOUNT", "Beloppet är större än 1 000 miljarder kr. Kontrollera nollorna.", **where)
