"""``hushall report``: a plan from a file, the risk analysis left out, and clear errors with exit 1 / 2."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from hushall.cli.report_commands import DEFAULT_DRAWS, report
from hushall.errors import DataValidationError
from hushall.examples import exempelkommun
from hushall.projects.plan_file import read_schedule
from hushall.reports.document import plan_of_study

pypdf = pytest.importorskip("pypdf")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(report, list(args))
    return result.exit_code, result.output


class RecordingWorker:
    """In place of :class:`hushall.cli.document_child.DocumentWorker`: keeps the study it is given, writes nothing."""

    studies: ClassVar[list[Any]] = []

    def __init__(self, data: Any, out_dir: Path, ahead: Any = None) -> None:
        self.out_dir, self.doc = out_dir, None

    def __enter__(self) -> RecordingWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def submit(self, study: Any, **kwargs: Any) -> None:
        from hushall.reports.document import document_of_study

        self.studies.append(study)
        self.doc = document_of_study(exempelkommun(), study)

    def render_last(self, count: int) -> None:
        pass

    def result(self) -> list[Path]:
        return [self.out_dir / "plandokument.pdf", self.out_dir / "plandokument.xlsx"]


@pytest.fixture
def wiring(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The report's wiring alone: the study in this process (no child, so the test's stand-ins are the ones
    called) and no document written; returns the studies that reached the document."""
    monkeypatch.setattr("hushall.cli.child.can_fork", lambda: False)
    monkeypatch.setattr("hushall.cli.report_commands.DocumentWorker", RecordingWorker)
    RecordingWorker.studies = []
    return RecordingWorker.studies


def test_report_from_a_plan_file(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("projekt_id;startår\nP-12;2025\nP-14;2026\nP-13;\n", encoding="utf-8")
    code, output = run("--example", "--plan", str(plan), "--monte-carlo", "0", "--out", str(tmp_path / "ut"),
                       "--data-version", "v7")
    assert code == 0, output
    pdf, xlsx = tmp_path / "ut" / "plandokument.pdf", tmp_path / "ut" / "plandokument.xlsx"
    assert pdf.is_file() and xlsx.is_file()
    assert "Plan: 2 projekt från" in output
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(str(pdf)).pages))
    assert "Plan enligt plan.csv" in text
    assert "Riskanalys saknas" in text
    assert "Dataversion v7" in text
    assert "Traceback" not in output


def test_report_runs_the_optimiser_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              wiring: list[Any]) -> None:
    """The wiring only: the optimiser's plan and a Monte Carlo result reach the document (no rendering)."""
    from tests.reports.test_reports_document import SCHEDULE, fake_optimization

    calls: list[float] = []

    def optimize(data: object, time_limit: float = 60.0, **kwargs: Any) -> object:
        calls.append(time_limit)
        return fake_optimization()

    monkeypatch.setattr("hushall.optimize.optimize", optimize)
    code, output = run("--example", "--out", str(tmp_path), "--time-limit", "5", "--monte-carlo", "200")
    assert code == 0, output
    assert calls == [5.0]
    assert f"Plan: optimerad ({len(SCHEDULE)} projekt)." in output
    [study] = wiring
    assert dict(study.schedule) == SCHEDULE
    assert plan_of_study(exempelkommun(), study).label == "Optimerad plan"
    assert study.montecarlo.n_draws == 200


def test_report_on_the_example_searches_as_long_as_the_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            wiring: list[Any]) -> None:
    """Without --time-limit, ``report --example`` gives the optimiser the demo's limit (issue 14: ≤ 15 s) and says
    how long it searched and the gap."""
    from hushall.cli.common import EXAMPLE_TIME_LIMIT_S
    from hushall.cli.demo import DEMO_TIME_LIMIT_S
    from tests.reports.test_reports_document import fake_optimization

    calls: list[float] = []

    def optimize(data: object, time_limit: float = 60.0, **kwargs: Any) -> object:
        calls.append(time_limit)
        result = fake_optimization()
        result.timings["solve_s"] = 11.96
        return result

    monkeypatch.setattr("hushall.optimize.optimize", optimize)
    code, output = run("--example", "--out", str(tmp_path), "--monte-carlo", "0")
    assert code == 0, output
    assert calls == [EXAMPLE_TIME_LIMIT_S] == [DEMO_TIME_LIMIT_S]
    assert f"Optimeringen sökte i 12,0 s (tidsgräns {EXAMPLE_TIME_LIMIT_S:g} s)" in output
    assert "från den bästa möjliga" in output


def test_plan_file_errors_exit_1_with_the_place(tmp_path: Path) -> None:
    bad = tmp_path / "plan.csv"
    bad.write_text("projekt_id,start\nP-12,2025\n", encoding="utf-8")
    code, output = run("--example", "--plan", str(bad), "--out", str(tmp_path / "ut"))
    assert code == 1
    assert "Kolumnen startår saknas" in output and "[E_COLUMN_MISSING]" in output
    bad.write_text("projekt_id,startår\nP-12,2025\nP-12,2026\nP-14,nästa år\n", encoding="utf-8")
    code, output = run("--example", "--plan", str(bad), "--out", str(tmp_path / "ut"))
    assert code == 1
    assert "rad 3" in output and "rad 4" in output
    assert not (tmp_path / "ut" / "plandokument.pdf").exists()


def test_unknown_project_exits_1(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("projekt_id,startår\nP-99,2030\n", encoding="utf-8")
    code, output = run("--example", "--plan", str(plan), "--monte-carlo", "0", "--out", str(tmp_path / "ut"))
    assert code == 1
    assert "P-99" in output and "[E_REFERENCE]" in output


def test_wrong_usage_exits_2(tmp_path: Path) -> None:
    code, output = run(str(tmp_path), "--example", "--out", str(tmp_path / "ut"))
    assert code == 2
    code, output = run("--example")
    assert code == 2 and "--out" in output


def test_read_plan_file_from_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["projekt_id", "startår", "kommentar"])
    ws.append(["P-12", 2025, "beslutat"])
    ws.append(["P-01", 2027.0, None])
    ws.append(["P-02", None, "inte med"])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    assert dict(read_schedule(path, exempelkommun())) == {"P-12": 2025, "P-01": 2027}
    with pytest.raises(DataValidationError):
        read_schedule(tmp_path / "saknas.csv", exempelkommun())


def test_default_draws_match_the_document() -> None:
    from hushall.reports.document import DEFAULT_DRAWS as DOCUMENT_DRAWS
    from hushall.study.request import DEFAULT_DRAWS as STUDY_DRAWS
    from hushall.web.config import DEFAULT_MC_DRAWS

    assert DEFAULT_DRAWS == DOCUMENT_DRAWS == STUDY_DRAWS == DEFAULT_MC_DRAWS
