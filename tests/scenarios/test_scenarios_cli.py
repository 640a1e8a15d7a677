"""``hushall scenarios`` through click's runner: JSON on stdout, files, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hushall.cli.scenario_commands import scenarios
from hushall.finance import forecast
from hushall.scenarios import apply, builtin_scenarios


def _run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(scenarios, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_json_compares_the_plan_under_each_scenario(data: object, tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("projekt_id;startår\nP-12;2025\nP-01;2027\n", encoding="utf-8")
    code, out, err = _run("--example", "--plan", str(plan), "--only", "Hög ränta", "--only", "låg_befolkning",
                          "--json")
    assert code == 0, err
    doc = json.loads(out)
    rows = {s["scenario"]: s for s in doc["comparison"]["scenarios"]}
    assert list(rows) == ["basprognos", "hög_ränta", "låg_befolkning"]
    assert rows["hög_ränta"]["schedule"] == {"P-12": 2025, "P-01": 2027}
    fc = forecast(apply(data, builtin_scenarios()["hög_ränta"]), {"P-12": 2025, "P-01": 2027})  # type: ignore[arg-type]
    assert rows["hög_ränta"]["resultat_summa_kr"] == pytest.approx(
        float(fc.income_statement.loc["årets_resultat"].sum()), abs=1.0)
    assert {"mål_uppfyllda_andel", "låneskuld_slut_kr", "soliditet_slut", "underhållsskuld_slut_kr",
            "platser_saknas_max", "yearly", "targets"} <= set(rows["basprognos"])


def test_montecarlo_json_is_reproducible_and_reports_convergence() -> None:
    args = ("--example", "--only", "Hög ränta", "--montecarlo", "--draws", "400", "--seed", "9", "--json")
    code, out, err = _run(*args)
    assert code == 0, err
    mc = json.loads(out)["montecarlo"]
    assert mc["n_draws"] == 400 and mc["seed"] == 9 and mc["max_standard_error"] > 0
    assert {"target_id", "year", "probability", "standard_error"} <= set(mc["probabilities"][0])
    assert json.loads(_run(*args)[1])["montecarlo"]["probabilities"] == mc["probabilities"]


def test_text_and_out_folder(tmp_path: Path) -> None:
    out = tmp_path / "risk"
    code, text, err = _run("--example", "--only", "Byggkostnadschock", "--montecarlo", "--draws", "300",
                           "--out", str(out))
    assert code == 0, err
    assert "Byggkostnadschock" in text and "Sannolikhet att målet håller" in text
    wb = openpyxl.load_workbook(out / "scenarier.xlsx", read_only=True)
    assert {"scen_jämförelse", "mc_sannolikheter", "mc_percentiler", "mc_tornado"} <= set(wb.sheetnames)
    assert (out / "solfjader.svg").read_text(encoding="utf-8").startswith("<svg")
    assert (out / "tornado.svg").exists() and (out / "sannolikhet.svg").exists()


def test_robust_and_reoptimise_on_a_given_scheduler() -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster:
        code, out, err = _run("--example", "--only", "Hög ränta", "--reoptimise", "--planner", "girig",
                              "--scheduler", cluster.scheduler_address, "--robust", "--robust-years", "3",
                              "--level", "0.6", "--draws", "300", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["comparison"]["reoptimised"] is True
    assert doc["robust"]["level"] == 0.6 and doc["robust"]["status"]
    assert "Dask: schemaläggaren" in err


def test_errors_and_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "s.csv"
    bad.write_text("scenario,parameter,värde\nX,räntan,0.01\n", encoding="utf-8")
    code, out, err = _run("--example", "--scenarios", str(bad), "--json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert problems[0]["row"] == 2 and problems[0]["column"] == "parameter"
    code, _, err = _run("--example", "--only", "Marsinvasion")
    assert code == 1 and "Okänt scenario" in err
    code, _, err = _run(str(tmp_path), "--example")
    assert code == 2
    code, _, _ = _run("--example", "--draws", "0")
    assert code == 2


def test_the_optimised_plan_under_each_scenario_and_reoptimised_plans_in_text() -> None:
    code, out, err = _run("--example", "--plan", "optimerad", "--planner", "girig", "--only", "Hög ränta", "--json")
    assert code == 0, err
    rows = json.loads(out)["comparison"]["scenarios"]
    assert rows[0]["schedule"] == rows[1]["schedule"] and len(rows[0]["schedule"]) > 0  # one plan, tried twice
    assert "samma plan prövas i varje scenario" in err
    code, text, err = _run("--example", "--reoptimise", "--planner", "girig", "--only", "Låg befolkning")
    assert code == 0, err
    assert "Planen optimerad om i varje scenario (jämfört med planen i Basprognos):" in text
    assert "Låg befolkning:" in text and "projekt" in text


def _yearly(records: list[dict[str, object]], line: str) -> list[float]:
    return [float(r["value"]) for r in records if r["line"] == line]  # type: ignore[arg-type]


def test_montecarlo_on_the_optimised_plan_replays_its_renewal(data: object) -> None:
    """``--plan optimerad``: the optimiser decides the reinvestment (its default), and the scenarios and every
    Monte Carlo future replay that renewal — the future without uncertainty is the scenario table's baseline —
    except a scenario that sets the reinvestment itself; stderr and the JSON say which reinvestment ran."""
    code, out, err = _run("--example", "--plan", "optimerad", "--time-limit", "5", "--only", "Hög ränta",
                          "--only", "Reinvestering efter behov", "--montecarlo", "--draws", "200", "--json")
    assert code == 0, err
    assert "Reinvestering: optimeringens reinvesteringsbeslut" in err
    doc = json.loads(out)
    mc = doc["montecarlo"]
    assert mc["renewal_decided"] is True and mc["reinvestment_policy"] == "plan"
    rows = {s["scenario"]: s for s in doc["comparison"]["scenarios"]}
    assert rows["basprognos"]["renewal_decided"] and rows["hög_ränta"]["renewal_decided"]
    assert not rows["reinvestering_efter_behov"]["renewal_decided"]  # the scenario's own policy
    base = rows["basprognos"]["yearly"]
    for line in ("årets_resultat", "underhållsskuld"):
        assert _yearly(mc["baseline"], line) == pytest.approx(base[line], abs=1.0), line
    # not the data's policy: the same projects under the frame give another result
    schedule = {k: int(v) for k, v in rows["basprognos"]["schedule"].items()}
    framed = forecast(data, schedule).income_statement.loc["årets_resultat"].to_numpy()  # type: ignore[arg-type]
    assert max(abs(a - b) for a, b in zip(framed, base["årets_resultat"], strict=True)) > 1e6


def test_montecarlo_on_the_data_plan_says_it_uses_the_data_policy() -> None:
    code, out, err = _run("--example", "--only", "Hög ränta", "--montecarlo", "--draws", "200", "--json")
    assert code == 0, err
    assert "Reinvestering: underlagets reinvesteringspolicy, dagens reinvesteringsram" in err
    mc = json.loads(out)["montecarlo"]
    assert mc["renewal_decided"] is False and mc["reinvestment_policy"] == "ram"
    code, text, err = _run("--example", "--only", "Hög ränta", "--montecarlo", "--draws", "200")
    assert code == 0, err
    assert "Reinvestering i varje framtid: underlagets reinvesteringspolicy, dagens reinvesteringsram." in text
