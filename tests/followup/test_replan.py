"""Re-plan from today: finished projects sunk, projects under way committed, the rest optimised; what moved."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.followup.replan import plan_changes, replanning
from hushall.optimize.replan import replan
from hushall.reports.followup import replan_summary
from hushall.reports.optimization import describe_optimization, plan_check
from tests.followup.test_followup import HAND, M, with_outcomes


def test_rules_on_the_hand_checked_case() -> None:
    # A finished in 2024 after 4 + 12 + 7 = 23 spent; B under way: 2 + 3.5 = 5.5 spent of a forecast 7.5,
    # planned done 2025 (no forecast year): 2.0 left over one year from 2025. Neither is in sheet Projekt.
    data = with_outcomes(HAND)
    r = replanning(data)
    assert list(r.finished.index) == ["A"] and list(r.committed.index) == ["B"]
    assert r.finished.loc["A", "spent_kr"] == pytest.approx(23 * M)
    assert r.finished.loc["A", "actual_start"] == 2022 and r.finished.loc["A", "completion_year"] == 2024
    b = r.data.projects.set_index("project_id").loc["B"]
    assert b["cost_kr"] == pytest.approx(2.0 * M) and int(b["duration_years"]) == 1
    assert bool(b["must_do"]) and int(b["fixed_start"]) == 2025 and b["project_type"] == "reinvestering"
    assert b["committee"] == "TN"
    assert "A" not in set(r.data.projects["project_id"])
    # the candidates of Projekt are untouched, the base year's accounts (the money actually left) too
    pd.testing.assert_frame_equal(r.data.projects.iloc[:len(data.projects)], data.projects, check_dtype=False)
    pd.testing.assert_frame_equal(r.data.finance, data.finance)


def test_example_committed_projects_replace_their_rows() -> None:
    r = replanning(exempelkommun())
    p12 = r.data.projects.set_index("project_id").loc["P-12"]
    # Utfall: forecast 76,0 Mkr, 1,2 spent in 2024, done 2027: 74,8 Mkr over 2025–2027
    assert p12["cost_kr"] == pytest.approx(74.8 * M) and int(p12["duration_years"]) == 3
    assert r.sunk_kr == pytest.approx((43.2 + 14.0 + 5.7 + 7.9 + 8.3 + 3.4) * M)
    assert r.committed_kr == pytest.approx((74.8 + 17.2 + 3.0 + 4.6) * M)
    # the committed outlay reaches the forecast whole, the finished projects' not at all (price base = base year)
    d = r.data
    without = forecast(d, {}).statements.memo["investeringar_fasta_priser"]
    committed = forecast(d, dict.fromkeys(r.committed.index, 2025)).statements.memo["investeringar_fasta_priser"]
    assert float(np.sum(committed - without)) == pytest.approx(r.committed_kr, abs=1.0)


def test_replan_keeps_finished_and_spent_and_replays_to_the_krona() -> None:
    data = exempelkommun()
    decided = {"P-12": 2025, "P-16": 2026, "P-18": 2025, "P-22": 2025}
    r = replan(data, decided=decided, time_limit=10)
    plan = r.result.schedule_dict
    assert r.result.status != "no_solution"
    assert all(plan[p] == 2025 for p in r.replanning.committed.index)
    assert not set(plan) & set(r.replanning.finished.index)
    check = plan_check(describe_optimization(r.data, r.result))
    assert len(check) and float(check["största_skillnad_kr"].max()) < 1.0
    changes = r.changes.set_index("project_id")
    assert set(changes.loc[list(r.replanning.finished.index), "change"]) == {"klart"}
    assert changes.loc["P-12", "change"] == "pågår" and "74,8\u00a0Mkr kvar" in changes.loc["P-12", "reason"]
    for pid in ("P-16", "P-18", "P-22"):  # every project of the decided plan is accounted for
        expected = ("oförändrad" if plan.get(pid) == decided[pid] else "utgår" if pid not in plan
                    else "senare" if plan[pid] > decided[pid] else "tidigare")
        assert changes.loc[pid, "change"] == expected
    text = replan_summary(r)
    assert "Avslutat (6 projekt, 82,5\u00a0Mkr)" in text and "99,6\u00a0Mkr kvar, bundet från 2025" in text


def test_plan_changes_reasons() -> None:
    r = replanning(with_outcomes(HAND))
    table = plan_changes(r, {"P-03": 2025, "P-06": 2026, "P-14": 2026, "P-15": 2027},
                         {"B": 2025, "P-06": 2028, "P-14": 2029, "P-15": 2026, "P-13": 2025},
                         binding={2026: [("investeringstak (M6)", ""),
                                         ("Tekniska nämnden: leveranskapacitet (L1)", "Tekniska nämnden")]},
                         ).set_index("project_id")
    assert table.loc["P-03", "change"] == "utgår" and "2,0\u00a0Mkr" in table.loc["P-03", "reason"]
    assert table.loc["P-06", "change"] == "senare"
    assert table.loc["P-06", "reason"] == "Flyttad 2026 → 2028: år 2026 är bindande i den nya planen: investeringstak (M6)."
    # a nämnd's delivery ceiling is a reason for its own projects only (P-14 is Tekniska nämnden's, P-06 is not)
    assert table.loc["P-14", "reason"] == ("Flyttad 2026 → 2029: år 2026 är bindande i den nya planen: "
                                           "investeringstak (M6), Tekniska nämnden: leveranskapacitet (L1).")
    assert table.loc["P-15", "change"] == "tidigare" and table.loc["P-13", "change"] == "ny i planen"
    assert table.loc["A", "change"] == "klart" and table.loc["B", "change"] == "pågår"
