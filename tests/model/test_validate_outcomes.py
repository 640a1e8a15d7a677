"""Sheet Utfall (investment outcomes, RKR R14) is validated like every sheet: Swedish messages naming the cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hushall.errors import DataValidationError, Problem
from hushall.model import load
from tests.helpers import Tables, write_xlsx


def _row(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"projekt_id": "U-1", "namn": "Ny förskola", "år": 2023, "budget_kr": 10_000_000,
                           "utfall_kr": 6_000_000, "beslutad_totalutgift_kr": 20_000_000,
                           "prognos_totalutgift_kr": 21_000_000, "status": "pågående", "nämnd": "BUN",
                           "typ": "nybyggnad"}
    row.update(kw)
    return row


def _problems(tmp_path: Path, tables: Tables, rows: list[dict[str, Any]]) -> list[Problem]:
    tables["Utfall"] = rows
    with pytest.raises(DataValidationError) as info:
        load(write_xlsx(tmp_path / "k.xlsx", tables))
    return info.value.problems


def test_outcomes_load_with_internal_names(tmp_path: Path, tables: Tables) -> None:
    tables["Utfall"] = [_row(), _row(år=2024, budget_kr=10_000_000, utfall_kr=12_000_000, status="avslutat",
                                     prognos_klart_år=2024)]
    data = load(write_xlsx(tmp_path / "k.xlsx", tables))
    o = data.outcomes.set_index("year")
    assert list(o.index) == [2023, 2024]
    assert o.loc[2024, "outcome_kr"] == 12_000_000 and o.loc[2024, "status"] == "avslutat"
    assert o.loc[2023, "committee"] == "BUN" and o.loc[2023, "project_type"] == "nybyggnad"


def test_outcomes_after_the_base_year_are_refused(tmp_path: Path, tables: Tables) -> None:
    probs = _problems(tmp_path, tables, [_row(år=2025)])
    (p,) = [p for p in probs if p.code == "E_YEAR_RANGE"]
    assert (p.sheet, p.column, p.value) == ("Utfall", "år", 2025) and p.row == 2
    assert "till och med basåret 2024" in p.message


def test_outcome_cells_are_checked(tmp_path: Path, tables: Tables) -> None:
    probs = _problems(tmp_path, tables, [_row(status="klar"), _row(år=2024, budget_kr=-5, utfall_kr="mycket")])
    by_column = {p.column: p for p in probs}
    assert by_column["status"].code == "E_CHOICE" and "pågående" in by_column["status"].message
    assert by_column["budget_kr"].code == "E_RANGE" and by_column["budget_kr"].row == 3
    assert by_column["utfall_kr"].code == "E_TYPE" and by_column["utfall_kr"].value == "mycket"


def test_a_finished_project_does_not_reopen(tmp_path: Path, tables: Tables) -> None:
    probs = _problems(tmp_path, tables, [_row(status="avslutat"), _row(år=2024, status="pågående")])
    (p,) = [p for p in probs if p.code == "E_OUTCOME_STATUS"]
    assert (p.row, p.column, p.value) == (3, "status", "pågående")


def test_duplicate_project_year(tmp_path: Path, tables: Tables) -> None:
    probs = _problems(tmp_path, tables, [_row(), _row()])
    (p,) = [p for p in probs if p.code == "E_DUPLICATE_ID"]
    assert p.sheet == "Utfall" and p.value == "U-1 / 2023"


def test_a_project_under_way_that_sheet_projekt_lacks_is_warned_of(tmp_path: Path, tables: Tables) -> None:
    """U-1 is under way at its last year (21 Mkr forecast, 6 + 4 Mkr spent): the plan's money leaves out the
    11 Mkr it still costs unless sheet Projekt has it. A finished project, or one Projekt lists, is no warning."""
    from hushall.formatting import NBSP

    tables["Utfall"] = [_row(), _row(år=2024, utfall_kr=4_000_000, prognos_klart_år=2025),
                        _row(projekt_id="U-2", status="avslutat", prognos_klart_år=2023)]
    data = load(write_xlsx(tmp_path / "k.xlsx", tables))
    (w,) = [p for p in data.warnings if p.code == "W_ONGOING_NOT_IN_PROJECTS"]
    assert (w.sheet, w.row, w.column, w.value) == ("Utfall", 3, "projekt_id", "U-1")
    message = w.message.replace(NBSP, " ")
    assert "11,0 Mkr kvar av prognosen 21,0 Mkr, klart 2025" in message
    assert "måste = ja, fast startår 2025" in message and "hushall uppfölj --planera-om" in message
    # listed in Projekt (under the same id): no warning
    tables["Projekt"] = [{"projekt_id": "U-1", "namn": "Ny förskola (pågår)", "typ": "nybyggnad", "område_id": "C",
                          "kostnad_kr": 11e6, "byggtid_år": 1, "måste": "ja", "fast_startår": 2025}]
    again = load(write_xlsx(tmp_path / "k2.xlsx", tables))
    assert not [p for p in again.warnings if p.code == "W_ONGOING_NOT_IN_PROJECTS"]
