r"""The tables behind the plan document, with Swedish headers: the same frames fill the PDF and the workbook.

Presentation only: every number comes from a stage (:mod:`hushall.needs`, :mod:`hushall.projects`,
:mod:`hushall.finance`, the optimiser, the scenarios); here it is selected, renamed and labelled. Amounts stay in
kr (``*_kr`` headers, whole kronor in Excel); the PDF shows them in Mkr (:mod:`hushall.formatting`).

Examples
--------
>>> statement_label("varav_avskrivningar_nya")
'varav avskrivningar nya'
>>> statement_label("justering_realisationsvinster")  # a loss is adjusted too: the PDF, workbooks and terminal
'Justering för realisationsvinster och -förluster'
>>> target_label("soliditet", 0.3, 1)
'Soliditet minst 30,0\xa0%'
>>> target_label("självfinansieringsgrad", 0.6, 5)
'Självfinansieringsgrad minst 60,0\xa0% (rullande 5 år)'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hushall.data.defaults import load as load_defaults
from hushall.data.target_types import TARGET_TYPES
from hushall.finance import Forecast
from hushall.formatting import fmt_kr, fmt_number, fmt_pct
from hushall.model import MunicipalityData
from hushall.model.parameters import condition_remaining_life
from hushall.projects import ProjectCatalog, Schedule
from hushall.reports.labels import name_in_words
from hushall.study.study import project_investments

#: Statement lines shown in bold (sums and results).
SUM_LINES: frozenset[str] = frozenset({
    "verksamhetens_nettokostnader",
    "verksamhetens_resultat",
    "resultat_efter_finansiella_poster",
    "årets_resultat",
    "balanskravsresultat",
    "summa_anläggningstillgångar",
    "summa_omsättningstillgångar",
    "summa_tillgångar",
    "eget_kapital",
    "summa_eget_kapital_avsättningar_och_skulder",
    "kassaflöde_löpande_verksamhet",
    "kassaflöde_investeringsverksamhet",
    "kassaflöde_finansieringsverksamhet",
    "årets_kassaflöde",
    "likvida_medel_vid_årets_slut",
})

#: Display names of the key ratios (:data:`hushall.finance.RATIO_LINES`).
RATIO_LABELS: dict[str, str] = {
    "resultat_andel_av_skatter_och_bidrag": "Resultat i % av skatter och generella statsbidrag",
    "självfinansieringsgrad": "Självfinansieringsgrad av investeringar",
    "soliditet": "Soliditet",
    "soliditet_inkl_pensionsförpliktelser": "Soliditet inkl. pensionsförpliktelser",
    "nettokostnadsandel": "Nettokostnadsandel",
    "nettoinvesteringar_andel_av_skatter_och_bidrag": "Nettoinvesteringar i % av skatter och bidrag",
    "låneskuld_per_invånare": "Låneskuld per invånare",
    "kassalikviditet": "Kassalikviditet",
}

#: Ratios measured in kr (the others are shares).
KR_RATIOS: frozenset[str] = frozenset({"låneskuld_per_invånare"})

#: Project types in Swedish prose.
PROJECT_TYPE_LABELS: dict[str, str] = {
    "nybyggnad": "Nybyggnad",
    "tillbyggnad": "Tillbyggnad",
    "ombyggnad": "Ombyggnad",
    "reinvestering": "Reinvestering",
    "avveckling": "Avveckling",
    "försäljning": "Försäljning",
    "konvertering": "Konvertering",
}


#: Statement lines whose display name is not their internal name with spaces (the one place it is written: the
#: PDF, the workbooks and the terminal take it from here).
STATEMENT_LABELS: dict[str, str] = {
    "justering_realisationsvinster": "Justering för realisationsvinster och -förluster",
}


def statement_label(line: str) -> str:
    """A statement line's display name: :data:`STATEMENT_LABELS`, else the internal name with spaces, capitalised
    unless it is a ``varav``."""
    if line in STATEMENT_LABELS:
        return STATEMENT_LABELS[line]
    text = line.replace("_", " ")
    return text if text.startswith("varav") else text[:1].upper() + text[1:]


def ratio_label(line: str) -> str:
    return RATIO_LABELS.get(line, statement_label(line))


def target_label(target_type: str, limit: float, period: Any = 1) -> str:
    """A target in words, with its bound formatted as in the document (the registry's
    :meth:`~hushall.data.target_types.TargetType.describe`)."""
    kind = TARGET_TYPES.get(target_type)
    return kind.describe(limit, period) if kind else f"{target_type} {fmt_number(limit, 2)}"


def target_short_label(target_type: str, limit: float, period: Any = 1) -> str:
    """A target in a few words, for chart labels.

    Examples
    --------
    >>> target_short_label("låneskuld_per_invånare", 75000)
    'Låneskuld ≤ 75\xa0000\xa0kr/inv.'
    """
    kind = TARGET_TYPES.get(target_type)
    return kind.short_label(limit, period) if kind else target_type


def format_target_value(target_type: str, value: float) -> str:
    """A target's measure as the document shows it (``–`` when it cannot be computed, e.g. a ratio to zero)."""
    kind = TARGET_TYPES.get(target_type)
    if not math.isfinite(float(value)):
        return "–"
    return kind.limit_text(value) if kind else fmt_number(value)


# --- names ------------------------------------------------------------------------------------------------


def _names(df: pd.DataFrame, key: str, value: str = "name") -> dict[str, str]:
    if not len(df):
        return {}
    return dict(zip(df[key].astype(str), df[value].astype(str), strict=True))


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


# --- economy ----------------------------------------------------------------------------------------------


def statement_sheet(table: pd.DataFrame) -> pd.DataFrame:
    """A statement (post × year, kr) as a sheet: ``post`` in words, then one column per year (headers ``"2025"``)."""
    out = pd.DataFrame({"post": [statement_label(str(i)) for i in table.index]})
    for year in table.columns:
        out[str(int(year))] = table[year].to_numpy(dtype=float)
    return out


def ratio_sheet(forecast: Forecast) -> pd.DataFrame:
    """Key ratios, one row per year (shares as shares, ``låneskuld_per_invånare_kr`` in kr)."""
    out = pd.DataFrame({"år": np.asarray(forecast.years, dtype=int)})
    for line in forecast.ratios.index:
        header = f"{line}_kr" if line in KR_RATIOS else str(line)
        out[header] = forecast.ratios.loc[line].to_numpy(dtype=float)
    return out


def target_rows(forecast: Forecast, data: MunicipalityData) -> pd.DataFrame:
    """The evaluated targets with their definition: one row per target and year."""
    t = forecast.targets
    if "scenario" in t.columns:  # pragma: no cover - forecast() has no scenario axis
        t = t[t["scenario"] == t["scenario"].iloc[0]]
    defs = data.targets.set_index("target_id") if len(data.targets) else pd.DataFrame()
    periods = {str(k): v for k, v in defs["period_years"].items()} if "period_years" in defs else {}
    keys = list(zip(t["target_id"], t["target_type"], _definition_limits(t, defs), strict=True))
    labels = [target_label(str(ty), float(lim), periods.get(str(tid), 1)) for tid, ty, lim in keys]
    short = [target_short_label(str(ty), float(lim), periods.get(str(tid), 1)) for tid, ty, lim in keys]
    return pd.DataFrame({
        "mål_id": t["target_id"].astype(str).to_numpy(),
        "mål": labels,
        "mål_kort": short,
        "typ": t["target_type"].astype(str).to_numpy(),
        "år": t["year"].to_numpy(dtype=int),
        "värde": t["value"].to_numpy(dtype=float),
        "gräns": t["limit"].to_numpy(dtype=float),
        "uppfyllt": t["met"].to_numpy(dtype=bool),
        "marginal_kr": t["margin_kr"].to_numpy(dtype=float),
    })


def _definition_limits(t: pd.DataFrame, defs: pd.DataFrame) -> list[float]:
    """The bound as written in sheet Mål (the evaluated ``limit`` of balanskrav is a yearly requirement)."""
    if "limit" not in defs:
        return [float(x) for x in t["limit"]]
    by_id = {str(k): float(v) for k, v in defs["limit"].items()}
    return [by_id.get(str(i), float(x)) for i, x in zip(t["target_id"], t["limit"], strict=True)]


def target_summary(targets: pd.DataFrame) -> pd.DataFrame:
    """Per target: years evaluated, years met, the first year missed (``None`` when never)."""
    rows = []
    for (tid, label, ttype), g in targets.groupby(["mål_id", "mål", "typ"], sort=False):  # one row per target
        missed = g.loc[~g["uppfyllt"], "år"]
        rows.append({
            "mål_id": tid, "mål": label, "typ": ttype, "antal_år": len(g), "år_uppfyllt": int(g["uppfyllt"].sum()),
            "första_år_ej_uppfyllt": int(missed.iloc[0]) if len(missed) else None,
        })
    out = pd.DataFrame(rows, columns=["mål_id", "mål", "typ", "antal_år", "år_uppfyllt", "första_år_ej_uppfyllt"])
    out["första_år_ej_uppfyllt"] = out["första_år_ej_uppfyllt"].astype("Int64")
    return out


# --- the plan ---------------------------------------------------------------------------------------------


def plan_sheet(data: MunicipalityData, schedule: Schedule, investments: pd.DataFrame,
               explanations: Mapping[str, str] | None = None,
               consequences: pd.DataFrame | None = None) -> pd.DataFrame:
    """The projects of the plan in start-year order: what, where, when, cost and effects; with
    ``consequences`` (:func:`hushall.projects.consequences.operating_consequences`) the yearly capital cost and
    the total operating consequence too."""
    capital = {} if consequences is None else dict(zip(consequences["projekt_id"],
                                                       consequences["kapitalkostnad_kr_år"], strict=True))
    cat = ProjectCatalog.from_data(data)
    proj = data.projects.set_index(data.projects["project_id"].astype(str))
    districts = _names(data.districts, "district_id")
    services = _names(data.services, "service_id")
    nominal = investments.groupby("project_id")["amount_kr"].sum() if len(investments) else pd.Series(dtype=float)
    rows = []
    for pid, start in sorted(schedule.items(), key=lambda kv: (kv[1], kv[0])):
        i = cat.index(pid)
        r = proj.loc[pid]
        district = "" if _missing(r.get("district_id")) else districts.get(str(r["district_id"]), str(r["district_id"]))
        service = "" if _missing(r.get("service_id")) else services.get(str(r["service_id"]), str(r["service_id"]))
        rows.append({
            "projekt_id": pid,
            "namn": str(r["name"]),
            "typ": PROJECT_TYPE_LABELS.get(cat.project_types[i], cat.project_types[i]),
            "område": district,
            "tjänst": service,
            "startår": int(start),
            "klart_år": int(start + cat.duration_years[i] - 1),
            "kostnad_kr": float(cat.cost_kr[i]),
            "utgift_löpande_priser_kr": float(nominal.get(pid, 0.0)),
            "platser_förändring": float(cat.places_change[i]),
            "driftkonsekvens_kr_år": float(cat.operating_cost_change_kr[i]),
            "kapitalkostnad_kr_år": float(capital.get(pid, np.nan)),
            "summa_driftkonsekvens_kr_år": float(capital.get(pid, np.nan)) + float(cat.operating_cost_change_kr[i]),
            "bundet": "ja" if bool(cat.must_do[i] or cat.fixed[i]) else "nej",
            "motivering": (explanations or {}).get(pid, ""),
        })
    columns = ["projekt_id", "namn", "typ", "område", "tjänst", "startår", "klart_år", "kostnad_kr",
               "utgift_löpande_priser_kr", "platser_förändring", "driftkonsekvens_kr_år", "kapitalkostnad_kr_år",
               "summa_driftkonsekvens_kr_år", "bundet", "motivering"]
    frame = pd.DataFrame(rows, columns=columns)
    if consequences is None:
        frame = frame.drop(columns=["kapitalkostnad_kr_år", "summa_driftkonsekvens_kr_år"])
    return frame


def left_out_sheet(data: MunicipalityData, schedule: Schedule, reasons: Mapping[str, str],
                   default_reason: str) -> pd.DataFrame:
    """The candidate projects not in the plan, with the reason (from the optimiser when it gave one)."""
    cat = ProjectCatalog.from_data(data)
    names = _names(data.projects, "project_id")
    rows = [
        {
            "projekt_id": pid,
            "namn": names.get(pid, pid),
            "typ": PROJECT_TYPE_LABELS.get(cat.project_types[i], cat.project_types[i]),
            "kostnad_kr": float(cat.cost_kr[i]),
            "tidigast_start": int(cat.earliest_start[i]),
            "senast_start": int(cat.latest_start[i]),
            "skäl": reasons.get(pid) or default_reason,
        }
        for i, pid in enumerate(cat.project_ids) if pid not in schedule
    ]
    return pd.DataFrame(rows, columns=["projekt_id", "namn", "typ", "kostnad_kr", "tidigast_start", "senast_start",
                                       "skäl"])


def investment_year_sheet(investments: pd.DataFrame, data: MunicipalityData, years: Sequence[int]) -> pd.DataFrame:
    """Outlay per year and project (current prices), one column per project plus the total."""
    names = _names(data.projects, "project_id")
    out = pd.DataFrame({"år": np.asarray(years, dtype=int)})
    if len(investments):
        wide = investments.pivot_table(index="year", columns="project_id", values="amount_kr", aggfunc="sum",
                                       sort=False).reindex(out["år"]).fillna(0.0)
        for pid in wide.columns:
            out[f"{pid} {names.get(str(pid), '')}"[:60].rstrip() + " kr"] = wide[pid].to_numpy(dtype=float)
        out["summa_kr"] = wide.sum(axis=1).to_numpy(dtype=float)
    else:
        out["summa_kr"] = 0.0
    return out


# --- assumptions and sources ------------------------------------------------------------------------------


def _periods(values: Mapping[int, float], first_year: int) -> list[tuple[int, int]]:
    """(from year, key) of each value in force during the plan: the value at the first plan year, then every later
    key."""
    keys = sorted(values)
    before = [k for k in keys if k <= first_year]
    out = [(first_year, before[-1] if before else keys[0])]
    return out + [(k, k) for k in keys if k > first_year]


#: Parameters (sheet Antaganden, the financial model's drivers) in words; the unit has its own column.
ASSUMPTION_LABELS: dict[str, str] = {
    "skatteunderlag_tillväxt": "Skatteunderlagets tillväxt",
    "skattesats": "Skattesats, ändring",
    "skattesats_basår": "Skattesats basåret",
    "statsbidrag_tillväxt": "Generella statsbidragens tillväxt",
    "prisindex": "Prisindex",
    "löneindex": "Löneindex",
    "byggprisindex": "Byggprisindex",
    "ränta": "Låneränta",
    "ränta_likvida_medel": "Ränta på likvida medel",
    "kassa_golv_kr": "Lägsta kassa (golv)",
    "amortering_andel": "Amortering",
    "pensionsutbetalningar_kr": "Pensionsutbetalningar",
    "pensionsavsättning_förändring_kr": "Pensionsavsättning, förändring",
    "nettokostnad_volymandel": "Nettokostnad som följer demografin",
    "diskonteringsränta": "Diskonteringsränta",
    "straff_ouppfylld_plats_kr": "Kostnad för en saknad plats",
    "straff_underhållsskuld_andel": "Kostnad för underhållsskuld",
    "befolkning_riket_tillväxt": "Rikets befolkningstillväxt",
    "löneandel": "Lönernas andel av kostnaderna",
    "ansvarsförbindelse_minskning": "Ansvarsförbindelsens minskning",
    "invånare": "Invånare",
    "behovsindex": "Behovsindex",
}


def assumption_label(name: str) -> str:
    """A parameter in words (its name with spaces and without a unit suffix where there is no label).

    Examples
    --------
    >>> assumption_label("pensionsavsättning_förändring_kr"), assumption_label("okänd_parameter_kr")
    ('Pensionsavsättning, förändring', 'Okänd parameter')
    """
    return ASSUMPTION_LABELS.get(name) or name_in_words(name.removesuffix("_kr"))


_IDENTIFIER = re.compile(r"\b[a-zåäö][a-zåäö0-9]*(?:_[a-zåäö0-9]+)+\b")
_PATH = re.compile(r"\b(?:[\w.-]+/)+([\w.-]+\.\w+)\b")


def plain_names(text: str) -> str:
    """A source or note as a reader sees it: a technical name (``amortering_andel``, ``investeringstak_kr``) in
    words — a target type by its name in :mod:`hushall.data.target_types`, any other name by
    :func:`assumption_label` — and a file path by the file's name alone.

    Examples
    --------
    >>> plain_names("Hushåll standard (hushall/data/defaults/finance.yaml), se kassa_mål_kr.")
    'Hushåll standard (finance.yaml), se kassa mål.'
    >>> plain_names("M6 investeringstak_kr")
    'M6 investeringstak per år'
    """
    def word(m: re.Match[str]) -> str:
        name = m.group(0)
        if name in TARGET_TYPES:
            label = TARGET_TYPES[name].name["sv"]
        else:
            label = assumption_label(name)
        return label[:1].lower() + label[1:]

    return _IDENTIFIER.sub(word, _PATH.sub(r"\1", text))


def assumption_sheet(data: MunicipalityData, forecast: Forecast) -> pd.DataFrame:
    """Every parameter of the forecast and the optimiser with its value per period, unit and source.

    The parameters of sheet Antaganden (the package default where the workbook is silent, with the default's
    source), then the drivers computed from the data (first plan year; every year is in the workbook's sheet Drivare).
    """
    rows: list[dict[str, Any]] = []
    first = int(data.first_year)
    for name, p in data.assumptions.items():
        for year, key in _periods(p.values, first):
            own = p.overrides.get(key)
            source = f"Arbetsboken: {own}" if own else " ".join(p.reference.split())
            rows.append({"grupp": "Antaganden", "parameter": name, "från_år": year, "värde": float(p.values[key]),
                         "enhet": p.unit, "källa": source})
    for name, unit in (("invånare", "invånare"), ("behovsindex", "index")):
        if name in forecast.sources and name in forecast.drivers.index:
            series = forecast.drivers.loc[name]
            rows.append({"grupp": "Beräknat från data", "parameter": name, "från_år": int(series.index[0]),
                         "värde": float(series.iloc[0]), "enhet": unit,
                         "källa": forecast.sources[name] + " Värdet gäller första planåret; alla år i arbetsboken."})
    table = pd.DataFrame(rows, columns=["grupp", "parameter", "från_år", "värde", "enhet", "källa"])
    table.insert(2, "benämning", [assumption_label(str(n)) for n in table["parameter"]])
    return table


def format_assumption_value(value: float, unit: str) -> str:
    """A parameter value as the document shows it: shares as per cent, kr with separators.

    Examples
    --------
    >>> format_assumption_value(0.035, "andel per år"), format_assumption_value(2e7, "kr")
    ('3,5\\xa0%', '20\\xa0000\\xa0000\\xa0kr')
    """
    u = unit.lower()
    if u.startswith("andel"):
        return fmt_pct(value, 2 if abs(value * 100 - round(value * 100, 1)) > 1e-9 else 1)
    if u.startswith("kr"):
        return fmt_kr(value)
    decimals = 0 if float(value).is_integer() else (2 if abs(value) < 10 else 1)
    return fmt_number(value, decimals)


def lifetime_sheet() -> pd.DataFrame:
    """Default technical lifetime and Weibull shape per component type, with the source."""
    spec = load_defaults("parameters")["component_lifetimes"]
    ref = " ".join(str(spec["metadata"]["reference"]).split())
    return pd.DataFrame([
        {"komponenttyp": k, "livslängd_år": float(v["lifetime_years"]), "weibullform": float(v["weibull_shape"]),
         "källa": ref}
        for k, v in spec["values"].items()
    ])


def condition_sheet() -> pd.DataFrame:
    """Remaining share of the lifetime per condition grade, with the source."""
    spec = load_defaults("parameters")["condition_remaining_life"]
    ref = " ".join(str(spec["metadata"]["reference"]).split())
    return pd.DataFrame([{"skick": int(k), "andel_kvar_av_livslängd": float(v), "källa": ref}
                         for k, v in condition_remaining_life().items()])


def service_sheet(data: MunicipalityData) -> pd.DataFrame:
    """The services (age band, coverage, distance) with their sources."""
    s = data.services
    return pd.DataFrame({
        "tjänst_id": s["service_id"].astype(str).to_numpy(),
        "namn": s["name"].astype(str).to_numpy(),
        "ålder_från": s["age_from"].to_numpy(dtype=int),
        "ålder_till": s["age_to"].to_numpy(dtype=int),
        "täckningsgrad": s["coverage"].to_numpy(dtype=float),
        "max_avstånd_km": pd.to_numeric(s["max_distance_km"], errors="coerce").to_numpy(dtype=float),
        "källa": ["" if _missing(x) else str(x) for x in s["source"]] if "source" in s else "",
    })


def base_year_sheet(data: MunicipalityData) -> pd.DataFrame:
    """The base year's statements (sheet Ekonomi) with their sources."""
    f = data.finance
    return pd.DataFrame({
        "post": [statement_label(str(x)) for x in f["item"]],
        "belopp_kr": f["amount_kr"].to_numpy(dtype=float),
        "källa": ["" if _missing(x) else str(x) for x in f["source"]],
    })


def target_definition_sheet(data: MunicipalityData) -> pd.DataFrame:
    """Sheet Mål as decided: targets, ceilings and criteria weights."""
    t = data.targets

    def opt_int(x: Any) -> int | None:
        return None if _missing(x) else int(x)

    out = pd.DataFrame({
        "mål_id": t["target_id"].astype(str).to_numpy(),
        "typ": t["target_type"].astype(str).to_numpy(),
        "gräns": t["limit"].to_numpy(dtype=float),
        "period_år": [opt_int(x) for x in t["period_years"]],
        "från_år": [opt_int(x) for x in t["from_year"]],
        "till_år": [opt_int(x) for x in t["to_year"]],
        "kriterium": ["" if _missing(x) else str(x) for x in t["criterion"]],
    })
    for c in ("period_år", "från_år", "till_år"):
        out[c] = out[c].astype("Int64")
    return out


__all__ = [
    "ASSUMPTION_LABELS",
    "RATIO_LABELS",
    "SUM_LINES",
    "assumption_label",
    "assumption_sheet",
    "base_year_sheet",
    "condition_sheet",
    "format_assumption_value",
    "format_target_value",
    "investment_year_sheet",
    "left_out_sheet",
    "lifetime_sheet",
    "plan_sheet",
    "project_investments",
    "ratio_label",
    "ratio_sheet",
    "service_sheet",
    "statement_label",
    "statement_sheet",
    "target_definition_sheet",
    "target_label",
    "target_rows",
    "target_short_label",
    "target_summary",
]
