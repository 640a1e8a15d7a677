"""SIE project objects into sheet Utfall: outcome per project and year (hand-written SIE 4 and SIE 3 files)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from hushall.data.importers.kommunbas import default_mapping, import_sie
from hushall.data.importers.sie import parse_sie
from hushall.data.importers.sie_outcomes import project_outcomes
from hushall.data.importers.workbook import write_import

FILES = Path(__file__).parent / "files"

# Year 2024. P-12: two invoices on pågående arbete (1290) 2 500 000 + 1 200 000,50; a transfer from pågående arbete
# to byggnad (1290 → 1111, both tagged) that nets to zero; a depreciation tagged with the project (left out).
# P-20 (a dimension named "Projektnummer" 20): 300 000 on 1211 and a credit note −50 000. K-1 is a cost (5011),
# not an investment; an untagged investment is no project's.
SIE4 = """#FLAGGA 0
#SIETYP 4
#FNAMN "Småby kommun"
#RAR 0 20240101 20241231
#DIM 6 "Projekt"
#DIM 20 "Projektnummer"
#OBJEKT 6 "P-12" "Förnyelse VA-ledningar"
#OBJEKT 20 "P-20" "Ny brandbil"
#OBJEKT 6 "K-1" "Konsulter"
#VER A 1 20240301 "Faktura entreprenad"
{
#TRANS 1290 {6 "P-12"} 2500000.00
#TRANS 2440 {} -2500000.00
}
#VER A 2 20240601 "Faktura entreprenad"
{
#TRANS 1290 {1 "100" 6 "P-12"} 1200000.50
#TRANS 2440 {} -1200000.50
}
#VER A 3 20241231 "Aktivering"
{
#TRANS 1111 {6 "P-12"} 3700000.50
#TRANS 1290 {6 "P-12"} -3700000.50
}
#VER A 4 20241231 "Avskrivning"
{
#TRANS 7811 {6 "P-12"} 50000.00
#TRANS 1119 {6 "P-12"} -50000.00
}
#VER B 1 20240401 "Brandbil"
{
#TRANS 1211 {20 "P-20"} 300000.00
#TRANS 2440 {} -300000.00
}
#VER B 2 20240501 "Kreditnota"
{
#TRANS 1211 {20 "P-20"} -50000.00
#TRANS 2440 {} 50000.00
}
#VER C 1 20240201 "Konsult"
{
#TRANS 5011 {6 "K-1"} 80000.00
#TRANS 1931 {} -80000.00
}
#VER C 2 20240202 "Inventarier"
{
#TRANS 1211 {} 90000.00
#TRANS 1931 {} -90000.00
}
#UB 0 1931 -170000.00
#UB 0 1111 3700000.50
#UB 0 1211 340000.00
#UB 0 1119 -50000.00
#UB 0 2440 -3950000.50
#RES 0 5011 80000.00
#RES 0 7811 50000.00
"""


def test_sie4_transactions_per_project() -> None:
    sie = parse_sie(SIE4.encode("cp437"), "k.se")
    out = project_outcomes(sie, default_mapping()).set_index("project_id")
    assert list(out.index) == ["P-12", "P-20"]
    assert out.loc["P-12", "outcome_kr"] == pytest.approx(3_700_000.50)
    assert out.loc["P-12", "name"] == "Förnyelse VA-ledningar" and out.loc["P-12", "year"] == 2024
    assert out.loc["P-20", "outcome_kr"] == pytest.approx(250_000.0)


def test_sie3_object_balances_per_year() -> None:
    # kommun_sie3.se: #OIB 0 1111 {6 "P12"} 1 000 000, #OUB 0 1111 {6 "P12"} 1 250 000
    sie = parse_sie((FILES / "kommun_sie3.se").read_bytes(), "kommun_sie3.se")
    out = project_outcomes(sie, default_mapping())
    assert out.to_dict("records") == [{"project_id": "P12", "name": "Ny förskola", "year": 2024,
                                       "outcome_kr": 250_000.0}]


def test_import_sie_fills_utfall_and_keeps_what_the_user_wrote(tmp_path: Path) -> None:
    path = tmp_path / "k.se"
    path.write_bytes(SIE4.encode("cp437"))
    result = import_sie(path)
    assert set(result.tables) == {"finance", "outcomes"}
    assert any(m.startswith("Utfall: 2 rader") for m in result.messages)
    book = tmp_path / "kommun.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Utfall"
    ws.append(["projekt_id", "år", "budget_kr", "utfall_kr", "beslutad_totalutgift_kr", "prognos_totalutgift_kr",
               "status"])
    ws.append(["P-12", 2024, 4_000_000, 1_000_000, 76_000_000, 76_000_000, "pågående"])
    wb.save(book)
    _, counts = write_import(result, into=book, out=None)
    assert counts["Utfall"].updated == 1 and counts["Utfall"].added == 1
    rows = {r[0]: r for r in openpyxl.load_workbook(book)["Utfall"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in openpyxl.load_workbook(book)["Utfall"][1]]
    p12 = dict(zip(header, rows["P-12"], strict=True))
    assert p12["utfall_kr"] == pytest.approx(3_700_000.50) and p12["budget_kr"] == 4_000_000
    assert p12["status"] == "pågående"
    p20 = dict(zip(header, rows["P-20"], strict=True))
    assert p20["utfall_kr"] == pytest.approx(250_000) and p20["budget_kr"] is None
