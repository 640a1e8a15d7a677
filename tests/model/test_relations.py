"""Impossible sets of project relations are validation errors naming the projects (issue 11, item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hushall.errors import DataValidationError, Problem
from hushall.model import load
from tests.finance.finance_fixtures import small_tables, write_csv_dir


def _load(tmp_path: Path, edits: dict[str, dict[str, Any]]) -> Any:
    t = small_tables()
    for row in t["Projekt"]:
        row.update(edits.get(row["projekt_id"], {}))
    return load(write_csv_dir(tmp_path / "k", t))


def _errors(tmp_path: Path, edits: dict[str, dict[str, Any]]) -> list[Problem]:
    with pytest.raises(DataValidationError) as err:
        _load(tmp_path, edits)
    return [p for p in err.value.problems if p.code == "E_PROJECT_CONFLICT"]


def test_two_must_do_alternatives_name_both(tmp_path: Path) -> None:
    (p,) = _errors(tmp_path, {"NY": {"måste": "ja", "alternativgrupp": "G"},
                              "VA1": {"måste": "ja", "alternativgrupp": "G"}})
    assert p.sheet == "Projekt" and p.column == "alternativgrupp" and p.value == "G"
    assert "NY" in p.message and "VA1" in p.message and "Ingen plan är möjlig" in p.message


def test_must_do_depending_on_an_excluded_alternative(tmp_path: Path) -> None:
    # NY must be done and depends on VA1; VA1 is an alternative to the must-do RENOV
    (p,) = _errors(tmp_path, {"NY": {"måste": "ja", "beroende_av": "VA1"},
                              "VA1": {"alternativgrupp": "G"}, "RENOV": {"alternativgrupp": "G"}})
    assert "VA1 (som det måste-märkta projektet NY beror av)" in p.message and "RENOV" in p.message


def test_must_do_whose_dependency_cannot_be_done_in_time(tmp_path: Path) -> None:
    # VA1 takes 3 years from 2029 at the earliest; NY must start by 2030
    (p,) = _errors(tmp_path, {"NY": {"måste": "ja", "beroende_av": "VA1", "senast_start": 2030},
                              "VA1": {"tidigast_start": 2029}})
    assert (p.column, p.value) == ("beroende_av", "VA1")
    assert "tidigast är klart 2031" in p.message and "senast 2030" in p.message


def test_a_project_that_can_never_start_is_a_warning(tmp_path: Path) -> None:
    data = _load(tmp_path, {"NY": {"beroende_av": "VA1", "senast_start": 2030}, "VA1": {"tidigast_start": 2029}})
    assert any(w.code == "W_PROJECT_NEVER" and w.value == "VA1" for w in data.warnings)


def test_fixed_start_outside_the_horizon_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError) as err:
        _load(tmp_path, {"RENOV": {"fast_startår": 2040}})
    assert any(p.code == "E_YEAR_RANGE" and p.column == "fast_startår" for p in err.value.problems)


def test_dependency_cycle_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError) as err:
        _load(tmp_path, {"NY": {"beroende_av": "VA1"}, "VA1": {"beroende_av": "NY"}})
    assert any(p.code == "E_DEPENDENCY_CYCLE" for p in err.value.problems)


def test_optimiser_names_the_conflict_when_no_plan_exists() -> None:
    """A model built around validation (here by replacing the projects) that no plan satisfies: the command line
    stops with the conflicting projects, not 'no plan within the time limit' and exit 0."""
    from hushall.cli.optimize_commands import run_optimization
    from hushall.examples import exempelkommun

    data = exempelkommun()
    projects = data.projects.copy()
    projects.loc[projects.index[:2], "must_do"] = True
    projects.loc[projects.index[:2], "exclusive_group"] = "G"
    with pytest.raises(DataValidationError) as err:
        run_optimization(data.replace(projects=projects), time_limit=10, explain_s=0, say=lambda _: None)
    (p,) = err.value.problems
    assert "Ingen plan är möjlig" in p.message and "P-01" in p.message and "P-02" in p.message
