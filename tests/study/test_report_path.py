"""The report path from workbook to PDF calls the stages only through :func:`hushall.study.run_study`.

Every stage entry point the plan document depends on is wrapped; ``hushall report`` runs for a plan file and for
the optimised plan; every call must come from inside :mod:`hushall.study` (its frames on the stack), and the
presentation modules must not import a stage's computing functions at all.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import hushall
from hushall.cli.report_commands import report

#: Stage entry points (module, function) the plan document's numbers come from.
ENTRY_POINTS: tuple[tuple[str, str], ...] = (
    ("hushall.optimize", "optimize"),
    ("hushall.finance", "forecast"),
    ("hushall.finance.verdict", "assess"),
    ("hushall.needs", "analyse_needs"),
    ("hushall.scenarios", "simulate"),
    ("hushall.scenarios.plan", "realise"),
    ("hushall.projects.plan_file", "read_schedule"),
    ("hushall.projects.maintenance", "plan_maintenance_debt"),
    ("hushall.projects.consequences", "operating_consequences"),
)
STUDY_DIR = str(Path(hushall.__file__).parent / "study")
#: Presentation modules of the report path, and the stages they may not compute with.
PRESENTATION = [Path(hushall.__file__).parent / "reports" / "document",
                Path(hushall.__file__).parent / "cli" / "report_commands.py"]


def _from_study() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(STUDY_DIR):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[bool]]:
    import importlib

    calls: dict[str, list[bool]] = {}
    for module_name, name in ENTRY_POINTS:
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        def wrapper(*args: Any, _original: Callable[..., Any] = original, _key: str = f"{module_name}.{name}",
                    **kwargs: Any) -> Any:
            calls.setdefault(_key, []).append(_from_study())
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)
    return calls


def test_report_from_a_plan_file_reaches_every_stage_only_through_the_study(
        tmp_path: Path, watched: dict[str, list[bool]]) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("projekt_id;startår\nP-12;2025\nP-14;2026\n", encoding="utf-8")
    result = CliRunner().invoke(report, ["--example", "--plan", str(plan), "--monte-carlo", "200", "--out",
                                         str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ut" / "plandokument.pdf").is_file()
    reached = {k for k, v in watched.items() if v}
    assert reached >= {"hushall.finance.forecast", "hushall.needs.analyse_needs", "hushall.scenarios.simulate",
                       "hushall.projects.plan_file.read_schedule", "hushall.finance.verdict.assess",
                       "hushall.projects.maintenance.plan_maintenance_debt"}, reached
    outside = {k for k, v in watched.items() if not all(v)}
    assert not outside, f"called from presentation, not through run_study: {outside}"


def test_the_optimised_report_reaches_the_optimiser_only_through_the_study(
        tmp_path: Path, watched: dict[str, list[bool]], monkeypatch: pytest.MonkeyPatch) -> None:
    import hushall.optimize
    from tests.reports.test_reports_document import fake_optimization

    seen: list[bool] = []

    def optimize(*args: Any, **kwargs: Any) -> Any:  # the solve itself is not what is tested here
        seen.append(_from_study())
        return fake_optimization()

    monkeypatch.setattr(hushall.optimize, "optimize", optimize)
    result = CliRunner().invoke(report, ["--example", "--monte-carlo", "0", "--out", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    assert seen == [True]
    assert all(all(v) for v in watched.values()), watched


def _stage_imports(path: Path) -> list[str]:
    """``from hushall.<stage> import <function>`` of a computing stage in a presentation module."""
    stages = ("hushall.optimize", "hushall.finance", "hushall.needs", "hushall.scenarios", "hushall.projects")
    computing = {name for _module, name in ENTRY_POINTS}
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(stages):
            found += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name in computing]
    return found


def test_presentation_imports_no_stage_computation() -> None:
    files = [p for base in PRESENTATION for p in ([base] if base.is_file() else sorted(base.glob("*.py")))]
    assert len(files) > 5
    assert [hit for f in files for hit in _stage_imports(f)] == []
