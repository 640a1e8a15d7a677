"""Build the bundled example municipality *Exempelkommun* (``src/hushall/examples/exempelkommun/*.csv``).

Exempelkommun is fictional: a small, shrinking and ageing municipality with a central town and seven villages.
Its population, service levels and economy are calibrated on public figures for Vimmerby kommun; every figure
and its source is listed in ``src/hushall/examples/exempelkommun/SOURCES.md``.

The script is deterministic (a fixed random seed for the spread of renewal years, no network) and reads two
inputs that are *not* shipped with the project: SCB's 2019 population of every municipality by single age and
sex, from which only Vimmerby's age vector (both sexes summed) is used, and SCB's 2019 income statements per
inhabitant, from which Vimmerby's tax revenue and general grants are used. Run it from the repository root::

    python tools/build_exempelkommun.py [--scb PATH] [--scb-income PATH] [--out DIR]

Population
    A cohort-component projection (Preston, Heuveline & Guillot 2001, ch. 6) in one-year age classes 0..100+:
    Gompertz–Makeham mortality, a normal-shaped fertility schedule scaled to a total fertility rate of 1.6, and
    an age profile of net migration (young adults leave, families and returners arrive) whose level is solved
    so that the total shrinks by about 0.3 % a year 2024–2054. Vimmerby 2019 is aged to 2024 with the same
    model and scaled to 15 400 inhabitants, then split over the districts (villages older) and projected
    district by district with internal moves from the villages to the central town.
Facilities
    Capacities are sized from the projected 2024/2030 demand so that village schools stand 40–60 % empty,
    the central preschools are over-full and SÄBO falls ~20 % short of the demand in 2030.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hushall.data.schema import FINANCE_ITEMS, TABLES  # noqa: E402

SCB_AGE_FILE = Path("/work/shared/data/scb_2019/vagdur_SCBHandlerPlotter_SCB_alderkon.csv")
SCB_INCOME_FILE = Path("/work/shared/data/scb_2019/vagdur_SCBHandlerPlotter_SCB_resultatrakning.csv")
OUT_DIR = ROOT / "src" / "hushall" / "examples" / "exempelkommun"

BASE_YEAR = 2024
HORIZON = 30
LAST_YEAR = BASE_YEAR + HORIZON
MAX_AGE = 100  # open class 100+
AGES = np.arange(MAX_AGE + 1)
SEED = 20240101

POP_BASE_TARGET = 15_400.0
ANNUAL_CHANGE_TARGET = -0.003
TFR = 1.6
FEMALE_SHARE_15_49 = 0.48  # rural municipalities have a male surplus among young adults
MORTALITY_DECLINE = 0.01  # per year, all ages
MIGRATION_TREND = 0.02  # per year, of the in-migration level

# ----------------------------------------------------------------------------------------------------------
# Parameters mirrored from src/hushall/data/defaults/parameters.yaml (the script uses the standard library, numpy and
# pandas only, so the YAML is not parsed here; tests/test_example_data.py checks the shares sum to one).
# ----------------------------------------------------------------------------------------------------------
LIFETIMES = {
    "stomme": 80,
    "tak": 35,
    "fasad": 45,
    "fönster": 40,
    "vvs": 40,
    "el": 35,
    "ventilation": 30,
    "ytskikt": 15,
    "mark": 30,
    "va_ledning": 80,
    "gata": 30,
}
VALUE_SHARES = {
    "stomme": 0.45,
    "tak": 0.06,
    "fasad": 0.08,
    "fönster": 0.05,
    "vvs": 0.09,
    "el": 0.08,
    "ventilation": 0.07,
    "ytskikt": 0.07,
    "mark": 0.05,
}
SERVICES = {
    "forskola": {
        "name": "Förskola",
        "age_from": 1,
        "age_to": 5,
        "coverage": 0.86,
        "max_distance_km": 10,
        "critical_in_power_cut": False,
        "source": "Skolverket, Barn och personal i förskolan 2023 (PM): 86 % av alla barn 1–5 år inskrivna.",
    },
    "grundskola_f6": {
        "name": "Grundskola F–6",
        "age_from": 6,
        "age_to": 12,
        "coverage": 1.0,
        "max_distance_km": 15,
        "critical_in_power_cut": False,
        "source": "Skollagen (2010:800) 7 kap. 10 § skolplikt; förskoleklass obligatorisk sedan 2018.",
    },
    "grundskola_79": {
        "name": "Grundskola 7–9",
        "age_from": 13,
        "age_to": 15,
        "coverage": 1.0,
        "max_distance_km": 30,
        "critical_in_power_cut": False,
        "source": "Skollagen (2010:800) 7 kap. 10 § skolplikt.",
    },
    "sabo": {
        "name": "Särskilt boende för äldre (SÄBO)",
        "age_from": 80,
        "age_to": 120,
        "coverage": 0.12,
        "max_distance_km": 40,
        "critical_in_power_cut": True,
        "source": (
            "Socialstyrelsen, Statistik om socialtjänstinsatser till äldre 2023: ca 80 000 i särskilt boende, "
            "varav drygt 85 % 80 år och äldre, mot ca 590 000 invånare 80+ (SCB) ≈ 12 %."
        ),
    },
}

# ----------------------------------------------------------------------------------------------------------
# Districts: id, name, bearing (degrees from north), distance from the town centre (km), share of population,
# and whether the district has its own F–6 school.
# ----------------------------------------------------------------------------------------------------------
CENTRE_LAT, CENTRE_LON = 57.666, 15.855
DISTRICTS: list[tuple[str, str, float, float, float]] = [
    ("C", "Centralorten", 0.0, 0.0, 0.55),
    ("BH", "Björkhult", 0.0, 18.0, 0.080),
    ("EB", "Ekeberga", 45.0, 24.0, 0.065),
    ("LA", "Lindås", 90.0, 14.0, 0.070),
    ("MB", "Mossebo", 180.0, 20.0, 0.075),
    ("RV", "Rönnvik", 200.0, 28.0, 0.055),
    ("HS", "Hultsjö", 270.0, 11.0, 0.055),
    ("GB", "Granbacka", 315.0, 9.0, 0.050),
]
DISTRICT_IDS = [d[0] for d in DISTRICTS]
VILLAGES = DISTRICT_IDS[1:]
#: Districts whose pupils go to the central town's F–6 schools and preschools (no school of their own).
TOWN_CATCHMENT = ("C", "HS", "GB")


def district_coords(bearing_deg: float, distance_km: float) -> tuple[float, float]:
    """Latitude and longitude of a point ``distance_km`` from the town centre (flat-earth approximation)."""
    b = math.radians(bearing_deg)
    dlat = distance_km * math.cos(b) / 111.2
    dlon = distance_km * math.sin(b) / (111.2 * math.cos(math.radians(CENTRE_LAT)))
    return round(CENTRE_LAT + dlat, 4), round(CENTRE_LON + dlon, 4)


# ==========================================================================================================
# Population
# ==========================================================================================================
def read_vimmerby_2019(path: Path) -> np.ndarray:
    """Vimmerby's population 31 Dec 2019 by single age 0..100+ (both sexes)."""
    df = pd.read_csv(path, dtype={"region": str, "ålder": str, "kön": str})
    v = df[df["region"].str.strip() == "Vimmerby"].copy()
    age = v["ålder"].str.replace("+", "", regex=False).str.replace("år", "", regex=False).str.strip()
    v["age"] = np.minimum(age.astype(int), MAX_AGE)
    by_age = v.groupby("age")["X2019"].sum().reindex(AGES, fill_value=0)
    return by_age.to_numpy(dtype=float)


def mortality_rates(year: int = 2021) -> np.ndarray:
    """One-year probability of dying between exact age a and a+1 (Gompertz–Makeham, both sexes).

    mu(x) = c + A exp(b x) with b = 0.12 and mu(80) = 0.040, c = 0.0002, and q(0) = 0.0022, which reproduces
    the Swedish period life table of 2019–2023 (SCB) to a few tenths of a year of life expectancy at birth and
    at 65. Mortality then falls by ``MORTALITY_DECLINE`` a year from 2021, the mid-year of that period, as SCB's
    national projection assumes continued gains in life expectancy; see SOURCES.md.
    """
    b, mu80, c = 0.12, 0.040, 0.0002
    a = mu80 / math.exp(b * 80)
    mu = (c + a * np.exp(b * (AGES + 0.5))) * (1.0 - MORTALITY_DECLINE) ** (year - 2021)
    q = 1.0 - np.exp(-mu)
    q[0] = 0.0022
    return np.minimum(q, 0.6)


def life_expectancy(q: np.ndarray, from_age: int = 0) -> float:
    """Period life expectancy at ``from_age`` for a life table with one-year q (open class at MAX_AGE)."""
    lx = np.concatenate([[1.0], np.cumprod(1.0 - q[from_age:])])
    person_years = 0.5 * (lx[:-1] + lx[1:])
    # Open class: remaining years 1/mu at the last rate.
    person_years[-1] = lx[-2] / -math.log(1.0 - q[-1])
    return float(person_years.sum())


def fertility_rates() -> np.ndarray:
    """Age-specific fertility per woman, normal shape (mean 31, sd 5.5) over 15–49, summing to ``TFR``."""
    f = np.where((AGES >= 15) & (AGES <= 49), np.exp(-0.5 * ((AGES - 31.0) / 5.5) ** 2), 0.0)
    return TFR * f / f.sum()


def bump(centre: float, width: float) -> np.ndarray:
    return np.exp(-0.5 * ((AGES - centre) / width) ** 2)


def migration_profile(level: float, year: int) -> np.ndarray:
    """Net migration rate per inhabitant and year by age: young adults leave, families and returners arrive.

    The out-migration of 18–24-year-olds to study and work elsewhere is fixed; ``level`` scales the
    in-migration of families (25–45 with their children) and returners (55–70). In-migration is assumed to
    grow by ``MIGRATION_TREND`` a year after the base year (to at most +40 %) as retiring large cohorts open
    jobs (replacement demand), so the population declines steadily instead of flat first and fast later.
    """
    fade = min(1.4, 1.0 + MIGRATION_TREND * max(0, year - BASE_YEAR))
    out = -0.075 * bump(20.5, 2.3)
    inflow = level * fade * (bump(31.0, 6.0) + 0.55 * bump(5.0, 4.0) + 0.30 * bump(62.0, 5.0))
    return out + inflow


def step(pop: np.ndarray, year: int, level: float, f: np.ndarray) -> np.ndarray:
    """Advance a single-age population from 31 Dec ``year - 1`` to 31 Dec ``year``."""
    q = mortality_rates(year)
    mig = migration_profile(level, year)
    survivors = pop * (1.0 - q)
    movers = pop * mig
    new = np.zeros_like(pop)
    new[1:] = survivors[:-1] + movers[:-1]
    new[MAX_AGE] += survivors[MAX_AGE] + movers[MAX_AGE]
    births = float((FEMALE_SHARE_15_49 * f * pop).sum())
    new[0] = births * (1.0 - q[0] / 2.0) * (1.0 + mig[0] / 2.0)
    return np.maximum(new, 0.0)


def project_total(pop0: np.ndarray, start_year: int, years: int, level: float, f: np.ndarray) -> np.ndarray:
    """Population (year, age) from 31 Dec ``start_year`` for ``years`` more years."""
    out = [pop0]
    for i in range(1, years + 1):
        out.append(step(out[-1], start_year + i, level, f))
    return np.array(out)


def base_population(vimmerby_2019: np.ndarray, level: float, f: np.ndarray) -> np.ndarray:
    """Vimmerby 2019 aged to 2024 with the same model, scaled to ``POP_BASE_TARGET``."""
    p = project_total(vimmerby_2019, 2019, BASE_YEAR - 2019, level, f)[-1]
    return p * POP_BASE_TARGET / p.sum()


def solve_migration_level(vimmerby_2019: np.ndarray, f: np.ndarray) -> float:
    """Bisection for the in-migration level that gives ``ANNUAL_CHANGE_TARGET`` a year over the horizon."""
    target = POP_BASE_TARGET * (1.0 + ANNUAL_CHANGE_TARGET) ** HORIZON
    lo, hi = 0.0, 0.2
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        p0 = base_population(vimmerby_2019, mid, f)
        total = project_total(p0, BASE_YEAR, HORIZON, mid, f)[-1].sum()
        if total < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def district_tilt(district: str) -> np.ndarray:
    """Relative propensity to live in a district by age: villages are older, the town younger."""
    if district == "C":
        return 1.0 + 0.25 * bump(25.0, 5.0)
    old = 1.0 / (1.0 + np.exp(-(AGES - 58.0) / 6.0))
    tilt = 1.0 + 0.45 * old - 0.40 * bump(25.0, 5.0)
    # The oldest villagers have partly moved to town already (services, SÄBO).
    return tilt - 0.25 * (1.0 / (1.0 + np.exp(-(AGES - 88.0) / 3.0)))


def split_by_district(total: np.ndarray) -> dict[str, np.ndarray]:
    """Split a single-age population over districts so that each district gets its target share of the total."""
    target = np.array([d[4] for d in DISTRICTS])
    tilts = np.array([district_tilt(d) for d in DISTRICT_IDS])
    w = target.copy()
    for _ in range(200):  # fixed-point: adjust weights until the overall shares match
        raw = w[:, None] * tilts
        shares = raw / raw.sum(axis=0, keepdims=True)
        got = (shares * total).sum(axis=1) / total.sum()
        w *= target / got
    raw = w[:, None] * tilts
    shares = raw / raw.sum(axis=0, keepdims=True)
    return {d: shares[i] * total for i, d in enumerate(DISTRICT_IDS)}


def internal_moves(village_pop: np.ndarray) -> np.ndarray:
    """Villagers moving to the central town per year by age: young adults and the very old."""
    rate = 0.025 * bump(20.0, 2.5) + 0.02 / (1.0 + np.exp(-(AGES - 84.0) / 3.0))
    return village_pop * rate


def project_districts(base: dict[str, np.ndarray], level: float, f: np.ndarray) -> dict[str, np.ndarray]:
    """District-by-district cohort-component projection; returns arrays (year, age) per district."""
    paths = {d: [p.copy()] for d, p in base.items()}
    for t in range(1, HORIZON + 1):
        moved_to_town = np.zeros(MAX_AGE + 1)
        nxt: dict[str, np.ndarray] = {}
        for d in DISTRICT_IDS:
            cur = paths[d][-1]
            if d != "C":
                moves = internal_moves(cur)
                cur = cur - moves
                moved_to_town += moves
            nxt[d] = cur
        nxt["C"] = nxt["C"] + moved_to_town
        for d in DISTRICT_IDS:
            paths[d].append(step(nxt[d], BASE_YEAR + t, level, f))
    return {d: np.array(p) for d, p in paths.items()}


def population_table(paths: Mapping[str, np.ndarray]) -> list[dict[str, Any]]:
    rows = []
    for d in DISTRICT_IDS:
        arr = paths[d]
        for t in range(HORIZON + 1):
            for a in AGES:
                rows.append(
                    {
                        "district_id": d,
                        "age_from": int(a),
                        "age_to": 120 if a == MAX_AGE else int(a),
                        "year": BASE_YEAR + t,
                        "count": round(float(arr[t, a]), 1),
                    }
                )
    return rows


def age_sum(pop: pd.DataFrame, lo: int, hi: int, year: int, districts: Iterable[str] | None = None) -> float:
    sel = (pop["age_from"] >= lo) & (pop["age_from"] <= hi) & (pop["year"] == year)
    if districts is not None:
        sel &= pop["district_id"].isin(list(districts))
    return float(pop.loc[sel, "count"].sum())


# ==========================================================================================================
# Facilities and components
# ==========================================================================================================
#: Replacement value per m² BTA in 2024 prices and operating cost per m² and year by kind of building.
RATES = {
    "grundskola": (31_000, 950),
    "förskola": (33_000, 1_100),
    "säbo": (40_000, 1_150),
    "idrott": (27_000, 1_000),
    "simhall": (45_000, 2_000),
    "kultur": (30_000, 900),
    "förvaltning": (28_000, 850),
    "övrigt": (18_000, 800),
}


def round_to(x: float, step_: float) -> float:
    return float(step_ * round(x / step_))


#: Buildings with places: id, name, district, category, service, year built, m² BTA per place, east/north
#: offset from the district centre (km) and flags (``reservkraft``, ``kritisk``, ``inhyrd``). The number of
#: places is set from the demand (``UTILISATION``, ``SABO_SPLIT``).
PLACE_BUILDINGS: list[tuple[str, str, str, str, str, int, float, tuple[float, float], str]] = [
    ("F-C-01", "Centralskolan F–6", "C", "grundskola", "grundskola_f6", 1966, 10.5, (0.3, 0.4), ""),
    ("F-C-02", "Västerskolan F–6", "C", "grundskola", "grundskola_f6", 1974, 10.0, (-1.4, 0.2), ""),
    ("F-BH-01", "Björkhults skola", "BH", "grundskola", "grundskola_f6", 1962, 11.5, (0.2, 0.1), ""),
    ("F-EB-01", "Ekeberga skola", "EB", "grundskola", "grundskola_f6", 1958, 11.5, (0.2, 0.1), ""),
    ("F-LA-01", "Lindås skola", "LA", "grundskola", "grundskola_f6", 1971, 11.5, (0.2, 0.1), ""),
    ("F-MB-01", "Mossebo skola", "MB", "grundskola", "grundskola_f6", 1965, 11.5, (0.2, 0.1), ""),
    ("F-RV-01", "Rönnviks skola", "RV", "grundskola", "grundskola_f6", 1968, 11.5, (0.2, 0.1), ""),
    ("F-C-03", "Högstadieskolan 7–9", "C", "grundskola", "grundskola_79", 1972, 11.5, (0.6, -0.3), ""),
    ("F-C-04", "Förskolan Solrosen", "C", "förskola", "forskola", 1978, 11.0, (0.9, 0.8), ""),
    ("F-C-05", "Förskolan Ekorren", "C", "förskola", "forskola", 1985, 11.0, (-0.8, -0.6), ""),
    ("F-C-06", "Förskolan Tallbacken", "C", "förskola", "forskola", 2016, 11.0, (-1.6, 1.1), ""),
    ("F-BH-02", "Björkhults förskola", "BH", "förskola", "forskola", 1982, 12.0, (-0.2, 0.2), ""),
    ("F-EB-02", "Ekeberga förskola", "EB", "förskola", "forskola", 1976, 12.0, (-0.2, 0.2), ""),
    ("F-LA-02", "Lindås förskola", "LA", "förskola", "forskola", 1975, 12.0, (-0.2, 0.2), ""),
    ("F-MB-02", "Mossebo förskola", "MB", "förskola", "forskola", 1989, 12.0, (-0.2, 0.2), ""),
    ("F-RV-02", "Rönnviks förskola", "RV", "förskola", "forskola", 1979, 12.0, (-0.2, 0.2), ""),
    (
        "F-C-07",
        "Solgårdens särskilda boende",
        "C",
        "säbo",
        "sabo",
        1974,
        70.0,
        (0.5, 1.2),
        "reservkraft kritisk",
    ),
    ("F-C-08", "Lindgårdens särskilda boende", "C", "säbo", "sabo", 1968, 68.0, (-0.4, 0.9), "kritisk"),
    ("F-C-09", "Ekbackens särskilda boende", "C", "säbo", "sabo", 1992, 72.0, (1.3, -0.9), "kritisk inhyrd"),
    ("F-BH-03", "Björkgårdens särskilda boende", "BH", "säbo", "sabo", 1979, 70.0, (0.3, -0.2), "kritisk"),
]

#: How full each building is in the base year (share of its places used), which sets its capacity. Town F–6
#: schools and preschools serve the districts without their own (``TOWN_CATCHMENT``) and share that demand.
UTILISATION: dict[str, tuple[float, float]] = {  # id: (utilisation, share of the catchment's demand)
    "F-C-01": (0.97, 0.52),
    "F-C-02": (0.93, 0.48),
    "F-BH-01": (0.58, 1.0),
    "F-EB-01": (0.45, 1.0),
    "F-LA-01": (0.55, 1.0),
    "F-MB-01": (0.50, 1.0),
    "F-RV-01": (0.42, 1.0),
    "F-C-03": (0.92, 1.0),
    "F-C-04": (1.06, 0.36),
    "F-C-05": (1.06, 0.30),
    "F-C-06": (1.06, 0.34),
    "F-BH-02": (0.80, 1.0),
    "F-EB-02": (0.75, 1.0),
    "F-LA-02": (0.85, 1.0),
    "F-MB-02": (0.80, 1.0),
    "F-RV-02": (0.75, 1.0),
}
#: SÄBO are sized on the 2030 demand: this share of it in total, split over the four homes.
SABO_COVERAGE_2030 = 0.80
SABO_SPLIT = {"F-C-07": 0.34, "F-C-08": 0.26, "F-C-09": 0.25, "F-BH-03": 0.15}

#: Buildings without places: id, name, district, category, rate key, area m², year built, offset, flags.
OTHER_BUILDINGS: list[tuple[str, str, str, str, str, float, int, tuple[float, float], str]] = [
    ("F-C-10", "Sporthallen Centrum", "C", "idrott", "idrott", 2_800.0, 1975, (0.7, -0.5), ""),
    ("F-C-11", "Simhallen", "C", "idrott", "simhall", 2_200.0, 1970, (0.8, -0.6), ""),
    ("F-BH-04", "Björkhults gymnastiksal", "BH", "idrott", "idrott", 620.0, 1962, (0.2, 0.15), ""),
    ("F-C-12", "Stadsbiblioteket", "C", "kultur", "kultur", 1_650.0, 1979, (0.1, 0.05), ""),
    (
        "F-C-13",
        "Kommunhuset",
        "C",
        "förvaltning",
        "förvaltning",
        5_200.0,
        1968,
        (0.0, 0.1),
        "reservkraft kritisk",
    ),
    ("F-C-14", "Servicedepån", "C", "övrigt", "övrigt", 1_800.0, 1981, (2.1, -1.5), ""),
]


def build_facilities(pop: pd.DataFrame) -> list[dict[str, Any]]:
    """Buildings with capacities sized from the projected demand (VA and streets are added later)."""
    coords = {d[0]: district_coords(d[2], d[3]) for d in DISTRICTS}

    def demand(service: str, districts: Iterable[str], year: int = BASE_YEAR) -> float:
        s = SERVICES[service]
        return age_sum(pop, int(s["age_from"]), int(s["age_to"]), year, districts) * float(s["coverage"])

    def catchment(district: str, service: str) -> tuple[str, ...]:
        if service == "grundskola_79":
            return tuple(DISTRICT_IDS)
        return TOWN_CATCHMENT if district == "C" else (district,)

    sabo_total = round(demand("sabo", DISTRICT_IDS, 2030) * SABO_COVERAGE_2030)
    sabo_places = {k: float(round(sabo_total * v)) for k, v in SABO_SPLIT.items()}
    sabo_places["F-BH-03"] = float(sabo_total - sum(v for k, v in sabo_places.items() if k != "F-BH-03"))

    def row(
        fid: str,
        name: str,
        district: str,
        category: str,
        service: str,
        places: float,
        area: float,
        built: int,
        rate: str,
        offset: tuple[float, float],
        flags: str,
    ) -> dict[str, Any]:
        rv_rate, op_rate = RATES[rate]
        lat0, lon0 = coords[district]
        east, north = offset
        return {
            "facility_id": fid,
            "name": name,
            "district_id": district,
            "category": category,
            "service_id": service,
            "capacity_places": places,
            "area_m2": area,
            "year_built": built,
            "replacement_value_kr": round_to(area * rv_rate, 100_000),
            "backup_power": "reservkraft" in flags,
            "critical_in_power_cut": True if "kritisk" in flags else None,  # empty = as the service
            "tenure": "inhyrd" if "inhyrd" in flags else "ägd",
            "operating_cost_kr": round_to(area * op_rate, 10_000),
            "lat": round(lat0 + north / 111.2, 4),
            "lon": round(lon0 + east / (111.2 * math.cos(math.radians(lat0))), 4),
        }

    rows = []
    for fid, name, district, category, service, built, m2_per_place, offset, flags in PLACE_BUILDINGS:
        if service == "sabo":
            places = sabo_places[fid]
        else:
            utilisation, share = UTILISATION[fid]
            step_ = 10 if service == "grundskola_79" else 5
            places = round_to(demand(service, catchment(district, service)) * share / utilisation, step_)
        area = round_to(places * m2_per_place, 10)
        rows.append(row(fid, name, district, category, service, places, area, built, category, offset, flags))
    for fid, name, district, category, rate, area, built, offset, flags in OTHER_BUILDINGS:
        rows.append(row(fid, name, district, category, "", 0.0, area, built, rate, offset, flags))
    return rows


#: VA networks: facility id, name, head district, districts served, number of segments, kr per metre.
VA_NETWORKS = [
    ("F-C-20", "VA-nät Centralorten", "C", ("C",), 16, 9_000),
    ("F-BH-20", "VA-nät Norr och Väst (Björkhult, Granbacka, Hultsjö)", "BH", ("BH", "GB", "HS"), 8, 6_500),
    ("F-LA-20", "VA-nät Öst (Lindås, Ekeberga)", "LA", ("LA", "EB"), 7, 6_500),
    ("F-MB-20", "VA-nät Syd (Mossebo, Rönnvik)", "MB", ("MB", "RV"), 5, 6_500),
]
STREET_NETWORK = ("F-C-30", "Gatunät Centralorten", "C", 16, 2_800)


def _renewal_history(rng: np.random.Generator, built: int, lifetime: int, care: float) -> tuple[int, bool]:
    """Last renewal year before the base year, and whether the component is now overdue.

    A component not yet due keeps its construction year. Of the others, a share ``1 - care`` is overdue by
    1–15 years (the maintenance debt); the rest were renewed so that their next renewal falls between 2025
    and 2055, most of it before 2040 (triangular, mode 2030): the renovation hump of the 1960s–70s stock.
    """
    if built + lifetime >= BASE_YEAR:
        return built, False
    if rng.random() > care:
        return max(built, BASE_YEAR - lifetime - int(rng.integers(1, 16))), True
    next_due = round(rng.triangular(BASE_YEAR + 1, 2030, 2055))
    return int(min(BASE_YEAR - 1, max(built + 1, next_due - lifetime))), False


def _condition(rng: np.random.Generator, last: int, lifetime: float, overdue: bool) -> int | None:
    if overdue:
        return 5 if BASE_YEAR - (last + lifetime) > 10 else 4
    if rng.random() < 0.6:
        return None  # not inspected
    used = (BASE_YEAR - last) / lifetime
    return int(min(4, max(1, 1 + round(used * 3.2 + rng.normal(0.0, 0.4)))))


#: Maintenance quality by facility (probability that a due component was renewed in time).
CARE = {
    "F-C-01": 0.75,
    "F-C-02": 0.8,
    "F-BH-01": 0.65,
    "F-EB-01": 0.6,
    "F-LA-01": 0.75,
    "F-MB-01": 0.65,
    "F-RV-01": 0.6,
    "F-C-03": 0.7,
    "F-C-07": 0.85,
    "F-C-08": 0.6,
    "F-C-09": 0.95,
    "F-BH-03": 0.8,
    "F-C-11": 0.55,
    "F-C-13": 0.8,
    "F-BH-04": 0.5,
}
DEFAULT_CARE = 0.85
#: Cheap, routinely renewed parts are renewed more reliably (care ** exponent).
CARE_EXPONENT = {"ytskikt": 0.4, "mark": 0.7}


def build_components(
    facilities: list[dict[str, Any]], rng: np.random.Generator
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Building components from the default value shares, and segments of the linear assets."""
    components: list[dict[str, Any]] = []
    for fac in facilities:
        care = CARE.get(fac["facility_id"], DEFAULT_CARE)
        for ctype, share in VALUE_SHARES.items():
            life = LIFETIMES[ctype]
            if ctype == "stomme":
                last, overdue = fac["year_built"], False
            else:
                last, overdue = _renewal_history(
                    rng, fac["year_built"], life, care ** CARE_EXPONENT.get(ctype, 1.0)
                )
            components.append(
                {
                    "component_id": f"{fac['facility_id']}-{ctype}",
                    "facility_id": fac["facility_id"],
                    "component_type": ctype,
                    "value_share": share,
                    "value_kr": None,
                    "lifetime_years": None,
                    "last_renewed_year": int(last),
                    "condition": _condition(rng, last, life, overdue),
                    "length_m": None,
                }
            )
        conds = [c for c in components if c["facility_id"] == fac["facility_id"]]
        fac["condition"] = _facility_condition(conds)

    linear: list[dict[str, Any]] = []
    for fid, name, head, _served, n, kr_per_m in VA_NETWORKS:
        # Most pipes were laid in the 1960s–70s expansion; some renewed since 1990.
        years = np.sort(
            rng.choice(np.arange(1950, 2021), size=n, replace=False, p=_era_weights(np.arange(1950, 2021)))
        )
        segs = []
        for i, y in enumerate(years, start=1):
            length = round_to(float(rng.uniform(1_500, 6_500)), 50)
            cond = None
            life: float | None = None
            if y < 1975:
                life = 70.0  # cast iron and concrete of the expansion years age faster (Svenskt Vatten)
                if rng.random() < 0.5:
                    cond = 4 if y >= 1960 else 5
            segs.append(
                {
                    "component_id": f"{fid}-L{i:02d}",
                    "facility_id": fid,
                    "component_type": "va_ledning",
                    "value_share": None,
                    "value_kr": round_to(length * kr_per_m, 10_000),
                    "lifetime_years": life,
                    "last_renewed_year": int(y),
                    "condition": cond,
                    "length_m": length,
                }
            )
        linear += segs
        facilities.append(_linear_facility(fid, name, head, "va", segs, 40.0))
    fid, name, head, n, kr_per_m = STREET_NETWORK
    years = np.sort(rng.integers(1978, 2021, size=n))
    segs = []
    for i, y in enumerate(years, start=1):
        length = round_to(float(rng.uniform(2_000, 8_000)), 50)
        cond = None
        if y + LIFETIMES["gata"] < BASE_YEAR:
            cond = 4
        segs.append(
            {
                "component_id": f"{fid}-G{i:02d}",
                "facility_id": fid,
                "component_type": "gata",
                "value_share": None,
                "value_kr": round_to(length * kr_per_m, 10_000),
                "lifetime_years": None,
                "last_renewed_year": int(y),
                "condition": cond,
                "length_m": length,
            }
        )
    linear += segs
    facilities.append(_linear_facility(fid, name, head, "gata", segs, 120.0))
    return components, linear


def _era_weights(years: np.ndarray) -> np.ndarray:
    w = np.where(years < 1960, 0.8, np.where(years < 1980, 2.2, np.where(years < 1995, 1.0, 0.6)))
    return w / w.sum()


def _facility_condition(components: list[dict[str, Any]]) -> int:
    score, weight = 0.0, 0.0
    for c in components:
        life = LIFETIMES[c["component_type"]]
        used = min(1.2, (BASE_YEAR - c["last_renewed_year"]) / life)
        cond = c["condition"] if c["condition"] is not None else 1 + 3.5 * used
        score += c["value_share"] * cond
        weight += c["value_share"]
    return int(min(5, max(1, round(score / weight))))


def _linear_facility(
    fid: str, name: str, district: str, category: str, segs: list[dict[str, Any]], op_kr_per_m: float
) -> dict[str, Any]:
    length = sum(s["length_m"] for s in segs)
    lat, lon = district_coords(*next((d[2], d[3]) for d in DISTRICTS if d[0] == district))
    return {
        "facility_id": fid,
        "name": name,
        "district_id": district,
        "category": category,
        "service_id": "",
        "capacity_places": None,
        "area_m2": None,
        "year_built": int(min(s["last_renewed_year"] for s in segs)),
        "replacement_value_kr": float(sum(s["value_kr"] for s in segs)),
        "condition": 3,
        "backup_power": False,
        "critical_in_power_cut": category == "va",
        "tenure": "ägd",
        "operating_cost_kr": round_to(length * op_kr_per_m, 10_000),
        "lat": lat,
        "lon": lon,
    }


# ==========================================================================================================
# Projects
# ==========================================================================================================
def build_projects(fac: Mapping[str, dict[str, Any]], linear: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def rv(fid: str) -> float:
        return float(fac[fid]["replacement_value_kr"])

    def p(
        pid: str, name: str, ptype: str, district: str, cost: float, years: int, **kw: Any
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "project_id": pid,
            "name": name,
            "project_type": ptype,
            "district_id": district,
            "cost_kr": round_to(cost, 100_000),
            "duration_years": years,
        }
        row.update(kw)
        return row

    def scores(
        lag: float, kap: float, skick: float, energi: float, bered: float, pol: float
    ) -> dict[str, float]:
        return {
            "score_lagkrav": lag,
            "score_kapacitet": kap,
            "score_skick": skick,
            "score_energi": energi,
            "score_beredskap": bered,
            "score_politik": pol,
        }

    va_c = [s for s in linear if s["facility_id"] == "F-C-20"]
    worst = sorted(va_c, key=lambda s: (s["last_renewed_year"], s["component_id"]))[:3]
    worst_cost = sum(s["value_kr"] for s in worst)
    va_n = sorted(
        (s for s in linear if s["facility_id"] == "F-BH-20"),
        key=lambda s: (s["last_renewed_year"], s["component_id"]),
    )[:2]
    streets = sorted(
        (s for s in linear if s["facility_id"] == "F-C-30"),
        key=lambda s: (s["last_renewed_year"], s["component_id"]),
    )[:4]
    sabo_area = 60 * 75.0

    rows = [
        p(
            "P-01",
            "Nytt SÄBO i centralorten, 60 platser",
            "nybyggnad",
            "C",
            60 * 3_400_000,
            3,
            service_id="sabo",
            cash_profile="0.2;0.5;0.3",
            earliest_start=2026,
            latest_start=2031,
            places_change=60,
            area_m2=sabo_area,
            operating_cost_change_kr=round_to(sabo_area * 1_150, 10_000),
            **scores(2, 5, 0, 3, 3, 5),
        ),
        p(
            "P-02",
            "Ombyggnad Lindgården till modern standard",
            "ombyggnad",
            "C",
            0.55 * rv("F-C-08"),
            2,
            facility_id="F-C-08",
            service_id="sabo",
            cash_profile="0.5;0.5",
            earliest_start=2027,
            latest_start=2036,
            places_change=-6,
            area_m2=fac["F-C-08"]["area_m2"],
            operating_cost_change_kr=-round_to(0.15 * fac["F-C-08"]["operating_cost_kr"], 10_000),
            **scores(3, 1, 5, 4, 2, 3),
        ),
        p(
            "P-03",
            "Reservkraft Lindgårdens särskilda boende",
            "reinvestering",
            "C",
            2_100_000,
            1,
            facility_id="F-C-08",
            earliest_start=2025,
            latest_start=2030,
            **scores(2, 0, 1, 0, 5, 3),
        ),
        p(
            "P-04",
            "Ombyggnad Centralskolan F–6",
            "ombyggnad",
            "C",
            0.45 * rv("F-C-01"),
            2,
            facility_id="F-C-01",
            service_id="grundskola_f6",
            cash_profile="0.4;0.6",
            earliest_start=2026,
            latest_start=2034,
            area_m2=fac["F-C-01"]["area_m2"],
            operating_cost_change_kr=-round_to(0.12 * fac["F-C-01"]["operating_cost_kr"], 10_000),
            **scores(2, 2, 4, 4, 1, 4),
        ),
        p(
            "P-05",
            "Ombyggnad Högstadieskolan 7–9",
            "ombyggnad",
            "C",
            0.50 * rv("F-C-03"),
            3,
            facility_id="F-C-03",
            service_id="grundskola_79",
            cash_profile="0.25;0.45;0.3",
            earliest_start=2027,
            latest_start=2036,
            area_m2=fac["F-C-03"]["area_m2"],
            operating_cost_change_kr=-round_to(0.12 * fac["F-C-03"]["operating_cost_kr"], 10_000),
            **scores(2, 1, 4, 4, 2, 4),
        ),
        p(
            "P-06",
            "Tillbyggnad Förskolan Solrosen, 2 avdelningar",
            "tillbyggnad",
            "C",
            40 * 12.0 * 38_000,
            1,
            facility_id="F-C-04",
            service_id="forskola",
            earliest_start=2025,
            latest_start=2029,
            places_change=40,
            area_m2=480.0,
            operating_cost_change_kr=round_to(480 * 1_100, 10_000),
            exclusive_group="G-FORSKOLA-C",
            **scores(1, 4, 1, 2, 0, 4),
        ),
        p(
            "P-07",
            "Ny förskola i centralorten, 6 avdelningar",
            "nybyggnad",
            "C",
            100 * 11.0 * 37_000,
            2,
            service_id="forskola",
            cash_profile="0.4;0.6",
            earliest_start=2026,
            latest_start=2032,
            places_change=100,
            area_m2=1_100.0,
            operating_cost_change_kr=round_to(1_100 * 1_000, 10_000),
            exclusive_group="G-FORSKOLA-C",
            **scores(1, 5, 0, 4, 1, 3),
        ),
        p(
            "P-08",
            "Ombyggnad Lindås skola",
            "ombyggnad",
            "LA",
            0.50 * rv("F-LA-01"),
            2,
            facility_id="F-LA-01",
            service_id="grundskola_f6",
            cash_profile="0.5;0.5",
            earliest_start=2026,
            latest_start=2035,
            area_m2=fac["F-LA-01"]["area_m2"],
            operating_cost_change_kr=-round_to(0.10 * fac["F-LA-01"]["operating_cost_kr"], 10_000),
            exclusive_group="G-LINDAS",
            **scores(1, 0, 4, 3, 1, 4),
        ),
        p(
            "P-09",
            "Ny F–6-skola Östra centralorten, 200 platser",
            "nybyggnad",
            "C",
            200 * 10.5 * 36_000,
            2,
            service_id="grundskola_f6",
            cash_profile="0.4;0.6",
            earliest_start=2027,
            latest_start=2034,
            places_change=200,
            area_m2=2_100.0,
            operating_cost_change_kr=round_to(2_100 * 900, 10_000),
            **scores(1, 3, 0, 5, 2, 2),
        ),
        p(
            "P-10",
            "Avveckling Lindås skola (eleverna till Östra centralorten)",
            "avveckling",
            "LA",
            2_000_000,
            1,
            facility_id="F-LA-01",
            service_id="grundskola_f6",
            earliest_start=2029,
            latest_start=2040,
            places_change=-fac["F-LA-01"]["capacity_places"],
            area_m2=fac["F-LA-01"]["area_m2"],
            operating_cost_change_kr=-round_to(fac["F-LA-01"]["operating_cost_kr"] + 3_000_000, 10_000),
            depends_on="P-09",
            exclusive_group="G-LINDAS",
            **scores(0, 0, 3, 3, 0, 1),
        ),
        p(
            "P-11",
            "Sammanslagning: Rönnviks skola avvecklas, eleverna till Mossebo skola",
            "avveckling",
            "RV",
            1_500_000,
            1,
            facility_id="F-RV-01",
            service_id="grundskola_f6",
            earliest_start=2026,
            latest_start=2035,
            places_change=-fac["F-RV-01"]["capacity_places"],
            area_m2=fac["F-RV-01"]["area_m2"],
            operating_cost_change_kr=-round_to(fac["F-RV-01"]["operating_cost_kr"] + 2_800_000, 10_000),
            **scores(0, 0, 3, 2, 0, 1),
        ),
        p(
            "P-12",
            "Förnyelse VA-ledningar Centralorten etapp 1 (lagkrav, vattentjänstlagen)",
            "reinvestering",
            "C",
            worst_cost,
            3,
            facility_id="F-C-20",
            cash_profile="0.3;0.4;0.3",
            earliest_start=2025,
            latest_start=2025,
            fixed_start=2025,
            must_do=True,
            renews_components=";".join(s["component_id"] for s in worst),
            **scores(5, 0, 5, 1, 4, 3),
        ),
        p(
            "P-13",
            "Förnyelse VA-ledningar Norr",
            "reinvestering",
            "BH",
            sum(s["value_kr"] for s in va_n),
            2,
            facility_id="F-BH-20",
            cash_profile="0.5;0.5",
            earliest_start=2026,
            latest_start=2040,
            renews_components=";".join(s["component_id"] for s in va_n),
            **scores(3, 0, 4, 1, 3, 2),
        ),
        p(
            "P-14",
            "Gatuförnyelse Centrum (beläggning och bärlager)",
            "reinvestering",
            "C",
            sum(s["value_kr"] for s in streets),
            2,
            facility_id="F-C-30",
            earliest_start=2025,
            latest_start=2032,
            renews_components=";".join(s["component_id"] for s in streets),
            **scores(1, 0, 4, 0, 1, 3),
        ),
        p(
            "P-15",
            "Energieffektivisering och ventilation Kommunhuset",
            "reinvestering",
            "C",
            (VALUE_SHARES["ventilation"] + VALUE_SHARES["el"]) * rv("F-C-13") * 1.15,
            1,
            facility_id="F-C-13",
            earliest_start=2025,
            latest_start=2035,
            renews_components="F-C-13-ventilation;F-C-13-el",
            operating_cost_change_kr=-round_to(0.15 * fac["F-C-13"]["operating_cost_kr"], 10_000),
            **scores(1, 0, 3, 5, 2, 2),
        ),
        p(
            "P-16",
            "Renovering Simhallen (bassäng, ventilation, ytskikt)",
            "ombyggnad",
            "C",
            0.45 * rv("F-C-11"),
            2,
            facility_id="F-C-11",
            cash_profile="0.4;0.6",
            earliest_start=2026,
            latest_start=2038,
            area_m2=fac["F-C-11"]["area_m2"],
            operating_cost_change_kr=-round_to(0.10 * fac["F-C-11"]["operating_cost_kr"], 10_000),
            **scores(1, 0, 5, 4, 0, 4),
        ),
        p(
            "P-17",
            "Ny idrottshall i centralorten",
            "nybyggnad",
            "C",
            2_400 * 30_000,
            2,
            cash_profile="0.5;0.5",
            earliest_start=2028,
            latest_start=2045,
            area_m2=2_400.0,
            operating_cost_change_kr=round_to(2_400 * 1_000, 10_000),
            **scores(0, 2, 0, 2, 1, 5),
        ),
        p(
            "P-18",
            "Tak och fasad Björkhults skola",
            "reinvestering",
            "BH",
            (VALUE_SHARES["tak"] + VALUE_SHARES["fasad"]) * rv("F-BH-01") * 1.1,
            1,
            facility_id="F-BH-01",
            earliest_start=2025,
            latest_start=2032,
            renews_components="F-BH-01-tak;F-BH-01-fasad",
            **scores(1, 0, 4, 3, 0, 2),
        ),
        p(
            "P-19",
            "Tillbyggnad Björkgården, 12 platser",
            "tillbyggnad",
            "BH",
            12 * 75 * 42_000,
            1,
            facility_id="F-BH-03",
            service_id="sabo",
            earliest_start=2026,
            latest_start=2034,
            places_change=12,
            area_m2=900.0,
            operating_cost_change_kr=round_to(900 * 1_150, 10_000),
            **scores(1, 4, 0, 2, 2, 4),
        ),
        p(
            "P-20",
            "Försäljning Björkhults gymnastiksal",
            "försäljning",
            "BH",
            300_000,
            1,
            facility_id="F-BH-04",
            earliest_start=2026,
            latest_start=2040,
            area_m2=fac["F-BH-04"]["area_m2"],
            operating_cost_change_kr=-fac["F-BH-04"]["operating_cost_kr"],
            # a small gym in a village: a few hundred kr per m² (fictional; rural commercial premises sell at
            # roughly 1 000–3 000 kr/m², a gym that needs conversion for less) — below the gym's book value
            # (≈ 4,3 Mkr in 2027), so the sale is a realisation loss (SOURCES.md)
            sale_proceeds_kr=round_to(fac["F-BH-04"]["area_m2"] * 1_500, 100_000),
            **scores(0, 0, 2, 1, 0, 1),
        ),
        p(
            "P-21",
            "Konvertering: Ekeberga förskola flyttar in i skolans tomma lokaler",
            "konvertering",
            "EB",
            0.15 * rv("F-EB-01"),
            1,
            facility_id="F-EB-01",
            service_id="forskola",
            earliest_start=2027,
            latest_start=2036,
            places_change=0,
            area_m2=fac["F-EB-02"]["area_m2"],
            operating_cost_change_kr=-fac["F-EB-02"]["operating_cost_kr"],
            **scores(0, 1, 3, 3, 0, 3),
        ),
        p(
            "P-22",
            "Brandskydd och tillgänglighet Stadsbiblioteket",
            "reinvestering",
            "C",
            6_500_000,
            1,
            facility_id="F-C-12",
            earliest_start=2025,
            latest_start=2030,
            **scores(4, 0, 2, 1, 0, 2),
        ),
    ]
    for r in rows:  # the nämnd of the activity, as in Utfall (SOURCES.md, section 7)
        r["committee"] = PROJECT_COMMITTEES[r["project_id"]]
    return rows


BUN, SOC, TN, KFN, KS = ("Barn- och utbildningsnämnden", "Socialnämnden", "Tekniska nämnden",
                         "Kultur- och fritidsnämnden", "Kommunstyrelsen")
#: Nämnd per project: the nämnd whose activity the project serves.
PROJECT_COMMITTEES = {
    "P-01": SOC, "P-02": SOC, "P-03": SOC, "P-04": BUN, "P-05": BUN, "P-06": BUN, "P-07": BUN, "P-08": BUN,
    "P-09": BUN, "P-10": BUN, "P-11": BUN, "P-12": TN, "P-13": TN, "P-14": TN, "P-15": KS, "P-16": KFN,
    "P-17": KFN, "P-18": BUN, "P-19": SOC, "P-20": BUN, "P-21": BUN, "P-22": KFN,
}


# ==========================================================================================================
# Economy, assumptions, targets
# ==========================================================================================================
def read_vimmerby_income_2019(path: Path) -> tuple[float, float]:
    """Vimmerby's 2019 tax revenue and general grants incl. equalisation, kr per inhabitant (SCB)."""
    df = pd.read_csv(path, dtype={"region": str, "resultaträkningsposter": str})
    v = df[df["region"].str.strip() == "Vimmerby"].set_index("resultaträkningsposter")["X2019"]
    return float(v["skatteintäkter"]), float(v["generella statsbidrag och utjämning"])


def build_finance(
    annual_depreciation_kr: float, tax_per_inh_2019: float, grants_per_inh_2019: float
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Base-year (2024) statements of the municipality, in kr; the balance sheet balances exactly."""
    inhabitants = POP_BASE_TARGET
    growth = 1.04 ** (BASE_YEAR - 2019)
    tax = round_to(tax_per_inh_2019 * growth * inhabitants, 100_000)
    grants = round_to(grants_per_inh_2019 * growth * inhabitants, 100_000)
    revenue_base = tax + grants
    result = round_to(0.010 * revenue_base, 100_000)
    depreciation = -round_to(annual_depreciation_kr, 100_000)
    fin_income = 6_200_000.0
    long_debt = round_to(50_000 * inhabitants, 1_000_000)
    fin_cost = -round_to(0.025 * long_debt + 1_400_000, 100_000)  # interest + pension interest
    op_income = round_to(0.22 * revenue_base, 100_000)
    op_cost = result - op_income - depreciation - tax - grants - fin_income - fin_cost

    pensions = 58_000_000.0
    short_debt = 214_000_000.0
    solidity = 0.40
    total = round_to((pensions + long_debt + short_debt) / (1 - solidity), 1_000_000)
    equity = total - pensions - long_debt - short_debt
    fin_assets = 112_000_000.0
    current_assets = 128_000_000.0
    cash = 64_000_000.0
    fixed_assets = total - fin_assets - current_assets - cash

    src_is = "Exempelkommun (fiktiv), kalibrerad på Vimmerby: se SOURCES.md"
    values = {
        "verksamhetens_intäkter": (
            op_income,
            "22 % av skatter och bidrag (antagande); " + src_is,
        ),
        "verksamhetens_kostnader": (
            op_cost,
            "Restpost: ger årets resultat ≈ 1 % av skatter och generella statsbidrag",
        ),
        "avskrivningar": (
            depreciation,
            "Återanskaffningsvärde/livslängd summerat över komponenterna i Komponenter; ankaret för "
            "komponenternas avskrivningsplan (avskrivningar_befintliga_kr tom: registrets plan skalas så att "
            "basåret blir detta belopp)",
        ),
        "skatteintäkter": (tax, "SCB 2019 Vimmerby 46 182 kr/inv × 1,04^5 × 15 400 inv"),
        "generella_statsbidrag": (grants, "SCB 2019 Vimmerby 15 541 kr/inv × 1,04^5 × 15 400 inv"),
        "finansiella_intäkter": (
            fin_income,
            "Utdelning och ränta från kommunens bolag och likvida medel (antagande)",
        ),
        "finansiella_kostnader": (fin_cost, "2,5 % på låneskulden + ränta på pensionsavsättning (antagande)"),
        "materiella_anläggningstillgångar": (
            fixed_assets,
            "Bokfört värde; restpost så att balansräkningen går ihop",
        ),
        "finansiella_anläggningstillgångar": (
            fin_assets,
            "Aktier i kommunala bolag, andelar i Kommuninvest (antagande)",
        ),
        "omsättningstillgångar": (current_assets, "Kortfristiga fordringar och förråd (antagande)"),
        "likvida_medel": (cash, "Antagande"),
        "eget_kapital": (equity, "Soliditet 40 % exkl. pensionsförpliktelser före 1998"),
        "resultatreserv": (25_000_000.0, "Del av eget kapital (RUR), antagande"),
        "avsättningar_pensioner": (
            pensions,
            "Blandmodellen: avsättning för förmåner intjänade från 1998 (antagande)",
        ),
        "långfristiga_skulder": (
            long_debt,
            "Låneskuld 50 000 kr/inv (Kommuninvest: typiskt 40–60 tkr/inv för små kommuner)",
        ),
        "kortfristiga_skulder": (short_debt, "Leverantörsskulder, semesterlöneskuld m.m. (antagande)"),
        "ansvarsförbindelse_pensioner": (
            420_000_000.0,
            "Pensionsförpliktelser före 1998 inom linjen (antagande)",
        ),
    }
    assert set(values) == set(FINANCE_ITEMS)
    rows = [{"item": k, "amount_kr": float(values[k][0]), "source": values[k][1]} for k in FINANCE_ITEMS]
    return rows, {k: float(v[0]) for k, v in values.items()}


ASSUMPTIONS = [
    (
        "ränta",
        2025,
        0.03,
        "Kommuninvest, Kommunsektorns låneskuld 2024: genomsnittlig upplåningskostnad ca 2,8 %, avrundat",
    ),
    ("ränta", 2030, 0.035, "Antagande: högre långsiktig ränta när lån med låg ränta omsätts"),
    ("byggprisindex", 2025, 0.03, "SCB Byggnadsprisindex (BPI), genomsnitt 2000–2023 ca 3 % per år"),
    (
        "skatteunderlag_tillväxt",
        2025,
        0.038,
        "SKR Skatteunderlagsprognos 2024 (riket); den egna befolkningens minskning räknas av i modellen",
    ),
    ("skattesats", 2027, 0.45, "Fiktivt budgetbeslut: skatten höjs med 45 öre från 2027 (procentenheter mot basåret)"),
    (
        "skattesats",
        2044,
        1.0,
        "Antagande i den långsiktiga prognosen (fiktivt): när de äldre blir fler behöver skatten höjas med "
        "ytterligare 55 öre 2044 för att balanskravet och självfinansieringen ska hålla (procentenheter mot "
        "basåret)",
    ),
    ("skattesats_basår", 2025, 22.36, "Vimmerby kommuns skattesats 2019 (SCB), kalibreringens förebild"),
    ("statsbidrag_tillväxt", 2025, 0.02, "SKR: generella statsbidrag inkl. utjämning ca 2 % per år"),
    ("kassa_golv_kr", 2025, 30_000_000, "Finanspolicy (fiktiv): minst 30 Mkr i likvida medel"),
    (
        "skatteunderlag_tillväxt",
        2029,
        0.035,
        "Antagande efter prognosåren: SKR:s långsiktiga bedömning, skatteunderlaget växer ca 3,5 % per år i ett "
        "konjunkturläge i balans (avrundat)",
    ),
    (
        "kassa_mål_kr",
        2025,
        60_000_000,
        "Finanspolicy (fiktiv): likvida medel över 60 Mkr används till att amortera låneskulden",
    ),
    (
        "reinvestering_ram_kr",
        2025,
        65_000_000,
        "Dagens reinvesteringsram (fiktiv): snittet av de senaste årens reinvesteringar i befintliga lokaler, "
        "ledningar och gator, i nivå med avskrivningarna (65,9 Mkr basåret); tillsammans med nya projekt blir "
        "investeringarna ca 8–12 % av skatter och bidrag, som i små kommuner (SCB Räkenskapssammandraget)",
    ),
]

TARGETS: list[dict[str, Any]] = [
    # The council's result target applies from 2027, after a budget in balance 2025–2026 (fictional decision).
    # The targets of god ekonomisk hushållning hold for the ten-year plan (fictional council decision); the
    # long-term years after it are forecast and judged by the verdict, not bound by the target.
    {"target_id": "M1", "target_type": "resultat_andel", "limit": 0.01, "period_years": 1, "from_year": 2027,
     "to_year": 2034},
    {"target_id": "M2", "target_type": "självfinansieringsgrad", "limit": 0.6, "period_years": 5},
    {"target_id": "M3", "target_type": "låneskuld_per_invånare", "limit": 75_000, "period_years": 1},
    {"target_id": "M4", "target_type": "soliditet", "limit": 0.30, "period_years": 1},
    {"target_id": "M5", "target_type": "balanskrav", "limit": 0, "period_years": 1},
    # Genomförandekapacitet for all investment: today's reinvestment frame (65 Mkr) plus about 120 Mkr of projects.
    {"target_id": "M6", "target_type": "investeringstak_kr", "limit": 185_000_000, "period_years": 1},
    {"target_id": "M7", "target_type": "max_parallella_projekt", "limit": 6, "period_years": 1},
    *(
        {"target_id": f"V{i}", "target_type": "kriterievikt", "limit": w, "period_years": 1, "criterion": k}
        for i, (k, w) in enumerate(
            [
                ("lagkrav", 0.30),
                ("kapacitet", 0.25),
                ("skick", 0.20),
                ("energi", 0.10),
                ("beredskap", 0.10),
                ("politik", 0.05),
            ],
            start=1,
        )
    ),
]


# ==========================================================================================================
# Writing
# ==========================================================================================================
BUN, TN, SN, KS, KFN = ("Barn- och utbildningsnämnden", "Tekniska nämnden", "Socialnämnden", "Kommunstyrelsen",
                         "Kultur- och fritidsnämnden")
#: Invented investment outcomes 2022–2024 (sheet Utfall), in Mkr: (project, name, type, committee, planned
#: completion, [(year, budget, outcome, decided total, forecast total, status, forecast completion, carried over)]).
#: Calibrated to what audits of small municipalities find: about half to two thirds of the budget (including
#: carry-overs) spent in the year, new buildings over their decided total, small reinvestments slightly under.
#: Carried over = None: the previous year's unspent budget (the default rule); U-2302 shows a council that
#: carried over less than was unspent.
OUTCOMES: list[tuple[str, str, str, str, int, list[tuple[Any, ...]]]] = [
    ("U-2201", "Ny förskola Solängen, 4 avdelningar", "nybyggnad", BUN, 2023, [
        (2022, 15.0, 6.1, 38.0, 38.0, "pågående", 2023, None),
        (2023, 23.0, 17.5, 38.0, 41.5, "pågående", 2024, None),
        (2024, 0.0, 19.6, 38.0, 43.2, "avslutat", 2024, None)]),
    ("U-2202", "Ombyggnad kök Mossebo skola", "ombyggnad", BUN, 2022, [
        (2022, 12.0, 4.1, 12.0, 12.7, "pågående", 2023, None),
        (2023, 0.0, 9.9, 12.0, 14.0, "avslutat", 2023, None)]),
    ("U-2203", "Tak och ventilation Centralskolan", "reinvestering", BUN, 2022, [
        (2022, 6.0, 5.7, 6.0, 5.7, "avslutat", 2022, None)]),
    ("U-2204", "Gatubelysning LED, etapp 2", "reinvestering", TN, 2023, [
        (2022, 4.0, 3.6, 8.0, 8.0, "pågående", 2023, None),
        (2023, 4.0, 4.3, 8.0, 7.9, "avslutat", 2023, None)]),
    ("U-2205", "Konstgräsplan Centralorten", "nybyggnad", KFN, 2022, [
        (2022, 7.0, 0.4, 7.0, 7.0, "pågående", 2023, None),
        (2023, 0.0, 7.9, 7.0, 8.3, "avslutat", 2023, None)]),
    ("U-2206", "Badrum Ekebacka boende", "ombyggnad", SN, 2022, [
        (2022, 3.5, 3.4, 3.5, 3.4, "avslutat", 2022, None)]),
    ("U-2301", "Ny UV-rening vattenverket Centralorten", "reinvestering", TN, 2024, [
        (2023, 10.0, 3.2, 24.0, 24.0, "pågående", 2024, None),
        (2024, 14.0, 6.1, 24.0, 26.5, "pågående", 2025, None)]),
    ("U-2302", "Tillbyggnad kök Björkgården", "tillbyggnad", SN, 2023, [
        (2023, 9.5, 1.1, 9.5, 9.5, "pågående", 2024, None),
        (2024, 0.0, 6.8, 9.5, 10.9, "pågående", 2025, 6.0)]),
    ("U-2401", "Tillgänglighet och reception Kommunhuset", "ombyggnad", KS, 2024, [
        (2024, 5.2, 0.6, 5.2, 5.2, "pågående", 2025, None)]),
    # The first stage of P-12 (sheet Projekt): design in 2024; the construction cost from 2025 is in Projekt.
    ("P-12", "", "", TN, 2027, [
        (2024, 4.0, 1.2, 76.0, 76.0, "pågående", 2027, None)]),
]


def outcome_rows() -> list[dict[str, Any]]:
    """Sheet Utfall from :data:`OUTCOMES` (kr)."""
    rows = []
    for pid, name, ptype, committee, planned, years in OUTCOMES:
        for year, budget, outcome, decided, forecast, status, done, carried in years:
            rows.append({
                "project_id": pid, "name": name, "year": year, "budget_kr": round(budget * 1e6),
                "carried_over_kr": None if carried is None else round(carried * 1e6),
                "outcome_kr": round(outcome * 1e6), "decided_total_kr": round(decided * 1e6),
                "forecast_total_kr": round(forecast * 1e6), "status": status, "planned_completion_year": planned,
                "forecast_completion_year": done, "committee": committee, "project_type": ptype,
            })
    return rows


def fmt(v: Any) -> str:
    """One CSV cell: empty for missing, ja/nej for booleans, decimal point, integers without '.0'."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool | np.bool_):
        return "ja" if v else "nej"
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        x = float(v)
        if x.is_integer():
            return str(int(x))
        return repr(round(x, 6))
    return str(v)


def write_table(out: Path, key: str, rows: list[dict[str, Any]]) -> None:
    spec = TABLES[key]
    names = [c.name for c in spec.columns]
    unknown = {k for r in rows for k in r} - set(names)
    if unknown:
        raise KeyError(f"{key}: unknown columns {sorted(unknown)}")
    with (out / f"{spec.sheet}.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([c.header for c in spec.columns])
        for r in rows:
            w.writerow([fmt(r.get(n)) for n in names])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--scb", type=Path, default=SCB_AGE_FILE, help="SCB 2019 population by age and sex")
    ap.add_argument("--scb-income", type=Path, default=SCB_INCOME_FILE, help="SCB 2019 income statement")
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)

    vimmerby = read_vimmerby_2019(args.scb)
    f = fertility_rates()
    level = solve_migration_level(vimmerby, f)
    base = base_population(vimmerby, level, f)
    paths = project_districts(split_by_district(base), level, f)
    pop_rows = population_table(paths)
    pop = pd.DataFrame(pop_rows)

    facilities = build_facilities(pop)
    components, linear = build_components(facilities, rng)
    fac = {r["facility_id"]: r for r in facilities}

    dep = 0.0
    for c in components:
        dep += (
            c["value_share"] * fac[c["facility_id"]]["replacement_value_kr"] / LIFETIMES[c["component_type"]]
        )
    for c in linear:
        dep += c["value_kr"] / (c["lifetime_years"] or LIFETIMES[c["component_type"]])
    finance_rows, fin = build_finance(dep, *read_vimmerby_income_2019(args.scb_income))
    projects = build_projects(fac, linear)

    write_table(
        out,
        "municipality",
        [
            {
                "name": "Exempelkommun",
                "code": "0099",
                "base_year": BASE_YEAR,
                "horizon_years": HORIZON,
                "price_base_year": BASE_YEAR,
            }
        ],
    )
    write_table(
        out,
        "districts",
        [
            {"district_id": d, "name": n, "lat": district_coords(b, km)[0], "lon": district_coords(b, km)[1]}
            for d, n, b, km, _ in DISTRICTS
        ],
    )
    write_table(out, "population", pop_rows)
    write_table(out, "services", [dict(service_id=k, **v) for k, v in SERVICES.items()])
    write_table(out, "facilities", facilities)
    write_table(out, "components", components + linear)
    write_table(out, "projects", projects)
    write_table(out, "finance", finance_rows)
    write_table(
        out,
        "assumptions",
        [{"parameter": p, "from_year": y, "value": v, "source": s} for p, y, v, s in ASSUMPTIONS],
    )
    write_table(out, "targets", TARGETS)
    write_table(out, "outcomes", outcome_rows())

    _report(vimmerby, level, pop, facilities, components, linear, fin, dep)


def _report(
    vimmerby: np.ndarray,
    level: float,
    pop: pd.DataFrame,
    facilities: list[dict[str, Any]],
    components: list[dict[str, Any]],
    linear: list[dict[str, Any]],
    fin: dict[str, float],
    dep: float,
) -> None:
    """Print the calibration figures that SOURCES.md quotes."""
    fac = {r["facility_id"]: r for r in facilities}
    tot = pop.groupby("year")["count"].sum()
    print(f"Vimmerby 2019: {vimmerby.sum():.0f} inh., 80+ {vimmerby[80:].sum():.0f}")
    for y in (2021, BASE_YEAR, LAST_YEAR):
        q = mortality_rates(y)
        print(f"{y}: e0 = {life_expectancy(q):.1f}, e65 = {life_expectancy(q, 65):.1f}")
    print(
        f"migration level {level:.5f}, net migration 2025 {(migration_profile(level, 2025)).round(4)[[5, 20, 31, 62]]}"
    )
    for y in (2024, 2030, 2035, 2040, 2054):
        print(
            f"{y}: total {tot[y]:.0f}, 80+ {age_sum(pop, 80, 120, y):.0f}, 85+ {age_sum(pop, 85, 120, y):.0f},"
            f" 1-5 {age_sum(pop, 1, 5, y):.0f}, 6-12 {age_sum(pop, 6, 12, y):.0f}, 13-15 {age_sum(pop, 13, 15, y):.0f}"
        )
    share = pop[pop.year == BASE_YEAR].groupby("district_id")["count"].sum() / tot[BASE_YEAR]
    print("district shares 2024:", share.round(3).to_dict())
    buildings = [r for r in facilities if r["category"] not in ("va", "gata")]
    rv_b = sum(r["replacement_value_kr"] for r in buildings)
    rv_l = sum(r["replacement_value_kr"] for r in facilities if r["category"] in ("va", "gata"))
    print(
        f"facilities {len(facilities)}, buildings {len(buildings)}: RV buildings {rv_b / 1e6:.0f} Mkr, "
        f"linear {rv_l / 1e6:.0f} Mkr, area {sum(r['area_m2'] for r in buildings):.0f} m²; "
        f"depreciation-equivalent {dep / 1e6:.1f} Mkr/yr"
    )
    due: dict[int, float] = {}
    debt = 0.0
    for c in components + linear:
        value = (
            c["value_kr"]
            if c["value_kr"] is not None
            else c["value_share"] * fac[c["facility_id"]]["replacement_value_kr"]
        )
        life = c["lifetime_years"] or LIFETIMES[c["component_type"]]
        y = int(c["last_renewed_year"] + life)
        if y <= BASE_YEAR:
            debt += value
        else:
            due[y] = due.get(y, 0.0) + value
    print(f"overdue (age) 2024: {debt / 1e6:.0f} Mkr")
    for a, b in ((2025, 2032), (2033, 2040), (2041, 2047), (2048, 2054)):
        print(f"  due {a}-{b}: {sum(v for y, v in due.items() if a <= y <= b) / 1e6:.0f} Mkr")
    for r in facilities:
        if r.get("service_id"):
            print(
                f"  {r['facility_id']:8s} {r['name'][:34]:34s} cap {r['capacity_places']:5.0f} "
                f"area {r['area_m2']:6.0f} RV {r['replacement_value_kr'] / 1e6:6.1f} Mkr cond {r['condition']}"
            )
    assets = sum(
        fin[k]
        for k in (
            "materiella_anläggningstillgångar",
            "finansiella_anläggningstillgångar",
            "omsättningstillgångar",
            "likvida_medel",
        )
    )
    print(
        f"balance sheet total {assets / 1e6:.1f} Mkr, equity {fin['eget_kapital'] / 1e6:.1f} Mkr "
        f"(soliditet {fin['eget_kapital'] / assets:.3f}); result "
        f"{sum(fin[k] for k in FINANCE_ITEMS[:7]) / 1e6:.1f} Mkr"
    )
    print({k: round(v / 1e6, 1) for k, v in fin.items()})


if __name__ == "__main__":
    main()
