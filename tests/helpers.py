"""Test helpers: a tiny hand-made municipality as editable tables, and writers for xlsx / CSV folders."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

Tables = dict[str, list[dict[str, Any]]]


def tiny_tables() -> Tables:
    """A valid two-district municipality, small enough to check by hand (Swedish headers, as users write)."""
    years = range(2024, 2035)
    population = []
    for district, n in (("C", 100.0), ("V", 40.0)):
        for year in years:
            for age in (3, 8, 85):
                population.append({"område_id": district, "ålder_från": age, "ålder_till": age, "år": year,
                                   "antal": n + (year - 2024)})
    return {
        "Kommun": [{"namn": "Testkommun", "kommunkod": "0001", "basår": 2024, "planeringshorisont_år": 10,
                    "prisbasår": 2024}],
        "Områden": [{"område_id": "C", "namn": "Centrum", "latitud": 57.66, "longitud": 15.85},
                    {"område_id": "V", "namn": "Byn", "latitud": 57.75, "longitud": 15.70}],
        "Befolkning": population,
        "Tjänster": [{"tjänst_id": "skola", "namn": "Skola", "ålder_från": 6, "ålder_till": 12,
                      "täckningsgrad": 1.0, "kritisk_vid_elavbrott": "nej"},
                     {"tjänst_id": "sabo", "namn": "SÄBO", "ålder_från": 80, "ålder_till": 120,
                      "täckningsgrad": 0.5, "kritisk_vid_elavbrott": "ja"}],
        "Anläggningar": [
            {"anläggning_id": "S1", "namn": "Skolan", "område_id": "C", "kategori": "grundskola",
             "tjänst_id": "skola", "kapacitet_platser": 150, "yta_m2": 1500, "byggår": 1970,
             "återanskaffningsvärde_kr": 40_000_000, "reservkraft": "nej"},
            {"anläggning_id": "B1", "namn": "Boendet", "område_id": "V", "kategori": "säbo",
             "tjänst_id": "sabo", "kapacitet_platser": 10, "yta_m2": 900, "byggår": 1980,
             "återanskaffningsvärde_kr": 30_000_000, "reservkraft": "nej"},
        ],
        "Komponenter": [
            {"komponent_id": "S1-tak", "anläggning_id": "S1", "typ": "tak", "andel_av_värde": 0.1,
             "livslängd_år": 30, "senast_förnyad_år": 1990},
            {"komponent_id": "S1-stomme", "anläggning_id": "S1", "typ": "stomme", "andel_av_värde": 0.5,
             "senast_förnyad_år": 1970},
            {"komponent_id": "B1-vvs", "anläggning_id": "B1", "typ": "vvs", "värde_kr": 3_000_000,
             "livslängd_år": 40, "senast_förnyad_år": 1980, "skick": 4},
        ],
    }


def write_xlsx(path: Path, tables: Tables) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in tables.items():
        ws = wb.create_sheet(sheet)
        headers: list[str] = []
        for r in rows:
            for k in r:
                if k not in headers:
                    headers.append(k)
        ws.append(headers)
        for r in rows:
            ws.append([r.get(h) for h in headers])
    wb.save(path)
    return path


def write_csv_dir(path: Path, tables: Tables, delimiter: str = ",") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for sheet, rows in tables.items():
        headers: list[str] = []
        for r in rows:
            for k in r:
                if k not in headers:
                    headers.append(k)
        with open(path / f"{sheet}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, delimiter=delimiter)
            w.writerow(headers)
            for r in rows:
                w.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    return path


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ•])")


def flattering_sentences(text: str, must_say: str = "underhållsskulden växer från") -> list[str]:
    """Sentences of ``text`` that call a plan god ekonomisk hushållning without saying ``must_say`` in the same
    sentence: by default, that the maintenance debt grows — what a plan whose debt grows must never show (pass
    ``"bara i"`` for a plan whose probability is low). Headings that ask the question (ending in ``?``) and names
    of the targets (``mål för god ekonomisk hushållning``) are not verdicts."""
    flat = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    out = []
    for sentence in _SENTENCE_END.split(flat):
        lower = sentence.lower()
        for hit in re.finditer("god ekonomisk hushållning", lower):
            before = lower[:hit.start()]
            if lower.rstrip().endswith("?") or before.endswith(("för ", "om ")) or "?" in lower[hit.end():][:3]:
                continue
            if must_say not in lower:
                out.append(sentence)
    return out


def pdf_text(pdf: Path, *options: str) -> str:
    """The text of ``pdf`` by poppler's ``pdftotext`` with ``options`` (``-layout``, ``-f 3 -l 3``); the test is
    skipped where poppler-utils is not installed (``.ci/run`` installs it)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, check=True, text=True).stdout
