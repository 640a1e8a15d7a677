"""CLI: ``hushall optimize`` on the example — JSON, terminal summary, output files — and on bad input."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from hushall.cli.main import cli
from hushall.examples import example_path, exempelkommun
from hushall.finance import forecast
from hushall.optimize.result import OptimizationResult


@pytest.fixture(scope="module")
def optimised(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, str]:
    out = tmp_path_factory.mktemp("optimering")
    r = CliRunner().invoke(cli, ["optimize", "--example", "--time-limit", "20", "--gap", "0.01",
                                 "--explain-time", "4", "--json", "--out", str(out)])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout), out, r.stderr


def test_json_has_the_promised_keys(optimised: tuple[dict[str, Any], Path, str]) -> None:
    doc, _, _ = optimised
    assert {"status", "objective", "bound", "gap", "schedule", "ranking_objective", "targets",
            "explanations"} <= set(doc)
    assert doc["status"] in ("optimal", "feasible")
    assert doc["bound"] >= doc["objective"] - 1e-6
    # the gap is what it says: (bound − plan) / plan; "optimal" means within the asked 1 %, "feasible" that the
    # time limit came first (the example's tight targets: issue 14 has the formulation work that closes it)
    assert doc["gap"] == pytest.approx((doc["bound"] - doc["objective"]) / abs(doc["objective"]), abs=1e-4)
    assert 0 <= doc["gap"] <= (0.01 + 1e-9 if doc["status"] == "optimal" else 0.2)
    assert {"project", "start_year"} <= set(doc["schedule"][0])
    assert {"binding_by_year", "marginal_value", "projects"} <= set(doc["explanations"])


def test_plan_replayed_through_forecast_meets_what_it_claims(optimised: tuple[dict[str, Any], Path, str]) -> None:
    doc, _, _ = optimised
    schedule = {r["project"]: int(r["start_year"]) for r in doc["schedule"]}
    data = exempelkommun()
    result = OptimizationResult.from_json_dict(doc)
    assert result.renewal is not None  # the optimiser decides the reinvestment by default
    fc = forecast(data, schedule, reinvestment_policy=result.renewal_plan(data))  # and the forecast replays it
    np.testing.assert_allclose(doc["finance"]["result"], fc.statements["årets_resultat"], atol=1.0)
    assert doc["forecast_check_max_diff_kr"] < 1.0
    if not doc["violations"]:
        assert bool(fc.targets["met"].all()), fc.targets[~fc.targets["met"]]


def test_optimised_plan_beats_the_ranking_list(optimised: tuple[dict[str, Any], Path, str]) -> None:
    doc, _, _ = optimised
    within = doc["ranking"]["within_targets"]
    # the ranking list funded only while every target holds is a feasible plan: the optimiser cannot do worse
    assert within["meets_targets"]
    assert doc["objective"] >= within["objective"] - 1e-6
    # the optimiser decides the renewal; the lists keep today's reinvestment, and the plan's text says so
    assert doc["ranking"]["keeps_policy_renewal"]
    from hushall.reports.plan_reasons import comparison_sentences, ranking_comparison

    result = OptimizationResult.from_json_dict(doc)
    said = comparison_sentences(ranking_comparison(result, len(doc["schedule"]), result.ranking or {}, {}))
    assert "behåller dagens reinvestering" in said[0]


def test_out_writes_plan_workbook_and_charts(optimised: tuple[dict[str, Any], Path, str]) -> None:
    doc, out, _ = optimised
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    assert {"Sammanfattning", "Plan", "Ej valda", "Investeringar per kategori", "Mål per år", "Bindande mål",
            "Värdet av mer utrymme", "Jämförelse rangordning", "Kontroll mot prognosen"} <= set(wb.sheetnames)
    rows = list(wb["Plan"].iter_rows(values_only=True))
    header = rows[0]
    in_book = {r[header.index("projekt_id")]: r[header.index("startår")] for r in rows[1:]}
    assert in_book == {r["project"]: r["start_year"] for r in doc["schedule"]}
    for chart in ("investeringar_per_kategori", "resultat", "laneskuld", "soliditet", "mal"):
        assert (out / f"{chart}.png").stat().st_size > 1000
        assert (out / f"{chart}.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")


def test_progress_goes_to_stderr(optimised: tuple[dict[str, Any], Path, str]) -> None:
    _, _, stderr = optimised
    assert "Optimerar" in stderr and "gap" in stderr


def test_terminal_summary_reads_in_swedish() -> None:
    r = CliRunner().invoke(cli, ["optimize", "--example", "--time-limit", "10", "--gap", "0.02",
                                 "--explain-time", "0"])
    assert r.exit_code == 0, r.stderr
    for text in ("Optimerad investeringsplan för Exempelkommun", "Planen år för år", "(optimalitetsgap)",
                 "Jämförelse med rangordning efter nytta per krona", "stämmer på kronan",
                 "Reinvesteringen är ett beslut i optimeringen",  # the default: the optimiser decides it
                 "Reinvestering: optimeringens reinvesteringsbeslut"):
        assert text in r.stdout


def test_bad_projects_are_listed_with_sheet_row_column(tmp_path: Path) -> None:
    folder = tmp_path / "kommun"
    shutil.copytree(example_path(), folder)
    path = folder / "Projekt.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["kostnad_kr"] = "-5"
    rows[1]["beroende_av"] = "P-404"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    r = CliRunner().invoke(cli, ["optimize", str(folder)])
    assert r.exit_code == 1
    assert "Projekt" in r.stderr
    assert "rad 2" in r.stderr and "kostnad_kr" in r.stderr and "-5" in r.stderr
    assert "rad 3" in r.stderr and "beroende_av" in r.stderr and "P-404" in r.stderr
    assert "Traceback" not in r.stderr


def test_wrong_usage_exits_2() -> None:
    r = CliRunner().invoke(cli, ["optimize"])
    assert r.exit_code == 2
    r = CliRunner().invoke(cli, ["optimize", "--example", "--gap", "2"])
    assert r.exit_code == 2


def test_json_stdout_is_pure_json_in_a_real_process() -> None:
    """HiGHS prints a banner from C++ to the process's stdout; it must not reach ``--json`` output, nor the
    planner's terminal."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "hushall.cli.main", "optimize", "--example", "--time-limit", "5",
                           "--gap", "0.05", "--explain-time", "0", "--json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] in ("optimal", "feasible")
    assert "Running HiGHS" not in proc.stdout and "Running HiGHS" not in proc.stderr


def test_candidates_from_the_needs_join_the_plan_and_its_forecast(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["optimize", "--example", "--candidates", "--time-limit", "5", "--gap", "0.05",
                                 "--explain-time", "0", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    generated = [s["project"] for s in doc["schedule"] if s["project"].startswith("K-")]
    assert generated, "the generated renewal and capacity projects should be worth doing in the example"
    assert doc["forecast_check_max_diff_kr"] < 1.0
    assert "Kandidatprojekt ur behovsanalysen" in r.stderr


def test_renewal_decisions_are_written_back_and_replay_through_the_forecast() -> None:
    """``--reinvesteringsbeslut``: the optimiser decides the renewal per pool and year; the JSON carries it and the
    forecast of the plan with that renewal agrees with the optimiser's figures to the krona."""
    r = CliRunner().invoke(cli, ["optimize", "--example", "--reinvesteringsbeslut", "--time-limit", "20", "--gap",
                                 "0.02", "--explain-time", "0", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["forecast_check_max_diff_kr"] < 1.0
    renewal = doc["renewal"]
    assert renewal and sum(row["renewal_kr"] for row in renewal) > 100e6
    assert {"group", "facilities", "lifetime_years", "year", "renewal_kr", "backlog_kr"} <= set(renewal[0])
    assert "beslut i optimeringen" in r.stderr


def test_a_plan_with_a_budget_deficit_points_to_the_balanced_plan(optimised: tuple[dict[str, Any], Path, str]) -> None:
    """The terminal says when the plan budgets a deficit (KL 11 kap. 5 §) and how to ask for a plan without —
    exactly when the plan's forecast has a year with a negative balanskravsresultat."""
    from hushall.finance.verdict import assess

    doc, _, stderr = optimised
    data = exempelkommun()
    result = OptimizationResult.from_json_dict(doc)
    fc = forecast(data, {r["project"]: int(r["start_year"]) for r in doc["schedule"]},
                  reinvestment_policy=result.renewal_plan(data))
    deficits = assess(data, fc).deficits
    assert ("hushall optimize --budget-i-balans" in stderr) == bool(deficits)
    for d in deficits:
        assert str(d.year) in stderr
