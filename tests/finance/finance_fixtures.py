"""Helpers of the finance tests: a small municipality with a base-year Ekonomi sheet, and a factory of
:class:`FinanceInputs` built directly (no workbook) for hand-checked and property tests."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from hushall.data.schema import COMPONENT_TYPES
from hushall.finance import FinanceInputs
from hushall.model import MunicipalityData, load

MKR = 1_000_000.0
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

#: A balanced base year (Mkr): assets 1 250 = 600 + 50 + 400 + 200.
OPENING_MKR: dict[str, float] = {
    "verksamhetens_intäkter": 100.0,
    "verksamhetens_kostnader": -1000.0,
    "avskrivningar": -50.0,
    "skatteintäkter": 700.0,
    "generella_statsbidrag": 300.0,
    "finansiella_intäkter": 5.0,
    "finansiella_kostnader": -10.0,
    "materiella_anläggningstillgångar": 1000.0,
    "finansiella_anläggningstillgångar": 100.0,
    "omsättningstillgångar": 100.0,
    "likvida_medel": 50.0,
    "eget_kapital": 600.0,
    "resultatreserv": 20.0,
    "avsättningar_pensioner": 50.0,
    "långfristiga_skulder": 400.0,
    "kortfristiga_skulder": 200.0,
    "ansvarsförbindelse_pensioner": 300.0,
}


def make_inputs(n_years: int = 2, first_year: int = 2025, opening_mkr: dict[str, float] | None = None,
                **fields: Any) -> FinanceInputs:
    """FinanceInputs with neutral drivers (no growth, no volume, no plan); ``fields`` override any field."""
    n_c = len(COMPONENT_TYPES)
    zeros = np.zeros(n_years)
    base: dict[str, Any] = {
        "years": np.arange(first_year, first_year + n_years),
        "opening": {k: v * MKR for k, v in (opening_mkr or OPENING_MKR).items()},
        "tax_base_growth": zeros, "tax_rate_change_pp": zeros, "base_tax_rate_pct": np.full(n_years, 20.0),
        "grants_growth": zeros, "national_population_growth": zeros, "population": np.full(n_years, 1000.0),
        "population_base": 1000.0, "demand_index": np.ones(n_years), "volume_share": zeros, "price_growth": zeros,
        "wage_growth": zeros, "wage_share": np.full(n_years, 0.65), "construction_growth": zeros,
        "construction_index": np.ones(n_years), "price_index": np.ones(n_years), "interest_rate": np.full(n_years, 0.05),
        "deposit_rate": np.full(n_years, 0.02), "cash_floor_kr": np.full(n_years, 40 * MKR),
        "amortisation_share": np.full(n_years, 0.1), "pension_payments_kr": zeros,
        "pension_provision_change_kr": np.full(n_years, 2 * MKR), "pension_commitment_decline": np.full(n_years, 0.1),
        "reserve_use_kr": zeros, "investment_kr": zeros, "expensed_kr": zeros, "operating_cost_change_kr": zeros,
        "sale_proceeds_kr": zeros, "capitalised_by_component_kr": np.zeros((n_c, n_years)),
        "new_depreciation_by_component_kr": np.zeros((n_c, n_years)), "projects_under_construction": zeros,
        "places_change": zeros, "component_types": COMPONENT_TYPES, "sources": {},
    }
    base.update(fields)
    return FinanceInputs(**base)


def small_tables(with_finance: bool = True) -> dict[str, list[dict[str, Any]]]:
    """A one-district municipality, base year 2024, plan 2025–2034, with Ekonomi, Antaganden, Mål and Projekt."""
    population = []
    for year in range(2024, 2035):
        k = year - 2024
        # children shrink by 10/yr, elderly grow by 5/yr, the rest constant
        for lo, hi, n in ((0, 5, 600 - 10 * k), (6, 15, 1200.0), (16, 79, 7000.0), (80, 120, 500 + 5 * k)):
            population.append({"område_id": "C", "ålder_från": lo, "ålder_till": hi, "år": year, "antal": n})
    tables: dict[str, list[dict[str, Any]]] = {
        "Kommun": [{"namn": "Småkommun", "kommunkod": "0002", "basår": 2024, "planeringshorisont_år": 10,
                    "prisbasår": 2024}],
        "Områden": [{"område_id": "C", "namn": "Centrum", "latitud": 57.66, "longitud": 15.85}],
        "Befolkning": population,
        "Tjänster": [
            {"tjänst_id": "forskola", "namn": "Förskola", "ålder_från": 1, "ålder_till": 5, "täckningsgrad": 0.9},
            {"tjänst_id": "sabo", "namn": "SÄBO", "ålder_från": 80, "ålder_till": 120, "täckningsgrad": 0.1},
        ],
        "Anläggningar": [
            {"anläggning_id": "F1", "namn": "Förskolan", "område_id": "C", "kategori": "förskola",
             "tjänst_id": "forskola", "kapacitet_platser": 300, "byggår": 1975,
             "återanskaffningsvärde_kr": 50_000_000},
            {"anläggning_id": "VA", "namn": "Ledningsnät", "område_id": "C", "kategori": "va", "byggår": 1960,
             "återanskaffningsvärde_kr": 200_000_000},
        ],
        "Komponenter": [
            {"komponent_id": "F1-tak", "anläggning_id": "F1", "typ": "tak", "andel_av_värde": 0.1,
             "senast_förnyad_år": 1995},
            {"komponent_id": "F1-vvs", "anläggning_id": "F1", "typ": "vvs", "värde_kr": 6_000_000,
             "senast_förnyad_år": 1975},
            {"komponent_id": "VA-L1", "anläggning_id": "VA", "typ": "va_ledning", "andel_av_värde": 1.0,
             "senast_förnyad_år": 1960},
        ],
        "Projekt": [
            {"projekt_id": "NY", "namn": "Ny förskola", "typ": "nybyggnad", "område_id": "C", "tjänst_id": "forskola",
             "kostnad_kr": 60_000_000, "byggtid_år": 2, "kassaprofil": "0,4;0,6", "tidigast_start": 2026,
             "senast_start": 2030, "platser_förändring": 80, "driftkonsekvens_kr_år": 1_500_000},
            {"projekt_id": "RENOV", "namn": "Förnya VVS", "typ": "reinvestering", "anläggning_id": "F1",
             "område_id": "C", "kostnad_kr": 8_000_000, "byggtid_år": 1, "förnyar_komponenter": "F1-vvs;tak",
             "måste": "ja", "fast_startår": 2025},
            {"projekt_id": "VA1", "namn": "VA-förnyelse", "typ": "reinvestering", "anläggning_id": "VA",
             "område_id": "C", "kostnad_kr": 30_000_000, "byggtid_år": 3},
            {"projekt_id": "AVV", "namn": "Avveckla gamla förskolan", "typ": "avveckling", "anläggning_id": "F1",
             "område_id": "C", "tjänst_id": "forskola", "kostnad_kr": 1_000_000, "byggtid_år": 1,
             "tidigast_start": 2028, "platser_förändring": -60, "driftkonsekvens_kr_år": -2_000_000},
        ],
        "Antaganden": [
            {"parameter": "ränta", "från_år": 2025, "värde": 0.03, "källa": "test"},
            {"parameter": "ränta", "från_år": 2030, "värde": 0.04, "källa": "test"},
        ],
        "Mål": [
            {"mål_id": "M1", "typ": "resultat_andel", "gräns": 0.01, "period_år": 1},
            {"mål_id": "M2", "typ": "självfinansieringsgrad", "gräns": 0.5, "period_år": 3},
            {"mål_id": "M3", "typ": "låneskuld_per_invånare", "gräns": 60000},
            {"mål_id": "M4", "typ": "soliditet", "gräns": 0.3, "från_år": 2027, "till_år": 2030},
            {"mål_id": "M5", "typ": "balanskrav", "gräns": 0},
            {"mål_id": "V1", "typ": "kriterievikt", "gräns": 0.5, "kriterium": "lagkrav"},
        ],
    }
    if with_finance:
        # kr; assets 1 700 Mkr = 700 + 60 + 700 + 240
        amounts = {
            "verksamhetens_intäkter": 200e6, "verksamhetens_kostnader": -1_050e6, "avskrivningar": -45e6,
            "skatteintäkter": 700e6, "generella_statsbidrag": 210e6, "finansiella_intäkter": 4e6,
            "finansiella_kostnader": -12e6, "materiella_anläggningstillgångar": 1_400e6,
            "finansiella_anläggningstillgångar": 100e6, "omsättningstillgångar": 150e6, "likvida_medel": 50e6,
            "eget_kapital": 700e6, "resultatreserv": 20e6, "avsättningar_pensioner": 60e6,
            "långfristiga_skulder": 700e6, "kortfristiga_skulder": 240e6, "ansvarsförbindelse_pensioner": 350e6,
        }
        tables["Ekonomi"] = [{"post": k, "belopp_kr": v, "källa": "test"} for k, v in amounts.items()]
    return tables


def write_csv_dir(path: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for sheet, rows in tables.items():
        headers: list[str] = []
        for r in rows:
            headers += [k for k in r if k not in headers]
        with open(path / f"{sheet}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(headers)
            for r in rows:
                w.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    return path


def load_tables(tmp: Path, tables: dict[str, list[dict[str, Any]]]) -> MunicipalityData:
    return load(write_csv_dir(tmp, tables))
