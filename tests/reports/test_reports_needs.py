"""The needs outputs as files, and the text summary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from hushall.model import MunicipalityData
from hushall.needs import NeedsResult
from hushall.reports import needs_sheets, needs_summary, write_needs_outputs

SHEETS = [
    "Förnyelse per år",
    "Förnyelse per komponent",
    "Förväntad förnyelse (Weibull)",
    "Underhållsskuld",
    "Kapacitet",
    "Kapacitet totalt",
    "Reservkraft",
]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, small: MunicipalityData,
            small_needs: NeedsResult) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("behov")
    return folder, write_needs_outputs(small_needs, small, folder)


def test_files(written: tuple[Path, list[Path]]) -> None:
    folder, files = written
    names = {p.name for p in files}
    for stem in ("fornyelse", "underhallsskuld", "kapacitet"):
        assert {f"{stem}.png", f"{stem}.svg"} <= names
    assert "behov.xlsx" in names
    assert {"fornyelse_per_ar.csv", "kapacitet_totalt.csv", "reservkraft.csv"} <= names
    assert all(p.exists() and p.stat().st_size > 0 for p in files)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_workbook_has_the_numbers(written: tuple[Path, list[Path]], small_needs: NeedsResult) -> None:
    folder, _ = written
    wb = openpyxl.load_workbook(folder / "behov.xlsx")
    assert wb.sheetnames[: len(SHEETS)] == SHEETS
    per_year = pd.read_excel(folder / "behov.xlsx", sheet_name="Förnyelse per år", engine="openpyxl")
    assert per_year["år"].tolist() == list(range(2025, 2035))
    np.testing.assert_allclose(per_year["summa_kr"], small_needs.renewal_by_year["amount_kr"])
    np.testing.assert_allclose(per_year["förskola_kr"], [200_000, 0, 300_000, 0, 0, 1_000_000, 0, 0, 0, 0])
    assert per_year["varav_underhållsskuld_kr"].tolist()[:2] == [1_000_000, 0]
    np.testing.assert_allclose(per_year["summa_löpande_priser_kr"], small_needs.renewal_by_year["amount_nominal_kr"])
    debt = pd.read_excel(folder / "behov.xlsx", sheet_name="Underhållsskuld", engine="openpyxl")
    assert debt["år"].iloc[0] == 2024
    assert debt["summa_kr"].iloc[0] == 1_000_000
    reserve = pd.read_excel(folder / "behov.xlsx", sheet_name="Reservkraft", engine="openpyxl")
    assert reserve["anläggning_id"].tolist() == ["F2"]
    assert reserve["reservkraft"].tolist() == ["nej"]
    cap = pd.read_excel(folder / "behov.xlsx", sheet_name="Kapacitet", engine="openpyxl")
    first = cap[(cap["tjänst_id"] == "forskola") & (cap["år"] == 2025)].iloc[0]
    assert first["efterfrågan_platser"] == pytest.approx(41.6)
    assert first["tjänst"] == "Förskola"
    assert wb["Förnyelse per år"]["B2"].number_format == "#,##0"
    assert wb["Kapacitet"].freeze_panes == "A2"


def test_csv_matches_workbook(written: tuple[Path, list[Path]]) -> None:
    folder, _ = written
    csv = pd.read_csv(folder / "kapacitet_totalt.csv", sep=";", decimal=",", encoding="utf-8-sig")
    xlsx = pd.read_excel(folder / "behov.xlsx", sheet_name="Kapacitet totalt", engine="openpyxl")
    pd.testing.assert_frame_equal(csv, xlsx, check_dtype=False)


def test_sheets_for_example(example: MunicipalityData, example_needs: NeedsResult) -> None:
    sheets = needs_sheets(example_needs, example)
    assert list(sheets)[: len(SHEETS)] == SHEETS
    per_year = sheets["Förnyelse per år"]
    kr_columns = [c for c in per_year.columns if c.endswith("_kr") and c not in (
        "summa_kr", "summa_löpande_priser_kr", "varav_underhållsskuld_kr")]
    np.testing.assert_allclose(per_year[kr_columns].sum(axis=1), per_year["summa_kr"])


def test_summary_small(small: MunicipalityData, small_needs: NeedsResult) -> None:
    text = needs_summary(small_needs, small).replace("\u00a0", " ")
    assert "Behovsanalys för Småby, plan 2025–2034" in text
    assert "Underhållsskuld nu (2024): 1,0 Mkr (2 av 8 komponenter" in text
    assert "Förnyelsebehov 2025–2034: 3,0 Mkr" in text
    assert "1 anläggning måste fungera vid elavbrott men saknar reservkraft: Ekbackens äldreboende" in text
    assert "Förskola: 2025 efterfrågan 42 av 60 platser (69 %)" in text
