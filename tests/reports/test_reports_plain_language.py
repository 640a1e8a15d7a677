"""Plain language where a person reads: the defects of the politicians' picture (issue 13), each with the test that
would have caught it — numbers formatted by :mod:`hushall.formatting` only, the value of more room said in the
plan's own measure (not kronor), bound projects not called decided, an older optimised result not called "Angiven
plan", the timeline's labels never cut inside a word and its years never run together."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd

from hushall.model import MunicipalityData
from hushall.reports.plan_charts import LABEL_LINE, plan_timeline_chart, wrap_label, year_ticks
from hushall.reports.plan_reasons import (
    NOT_KEPT_REASON,
    marginal_highlights,
    marginal_rows,
    marginal_table,
    project_reason,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "hushall"
#: A unit a person reads right after a number.
UNIT = re.compile(r"^\s*(Mkr|tkr|kr|%|s\b|MSEK)")


def _unformatted_numbers(path: Path) -> list[str]:
    """f-string fields with a float format (``:.1f``, ``:,.0f``, ``:.0%``) followed by a unit: a number shown to a
    person without Swedish formatting (``12.0 Mkr``, ``1,234 kr``, ``50%``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = node.values
        for i, part in enumerate(parts):
            spec = getattr(part, "format_spec", None)
            if not isinstance(part, ast.FormattedValue) or spec is None:
                continue
            text = "".join(v.value for v in spec.values if isinstance(v, ast.Constant))
            if not re.search(r"[,.]\d*[f%]$|^,|%$", text):
                continue
            after = parts[i + 1] if i + 1 < len(parts) else None
            tail = after.value if isinstance(after, ast.Constant) and isinstance(after.value, str) else ""
            if text.endswith("%") or UNIT.match(tail.replace("\u00a0", " ")):
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {{…:{text}}}{tail[:12]!r}")
    return found


def test_numbers_with_a_unit_are_formatted_by_the_formatting_module() -> None:
    """Would have caught "12.0 Mkr" (optimize/explain.py), "1,234 kr" and "(27.0 s)" in the terminal."""
    found = [hit for path in sorted(SRC.rglob("*.py")) if path.name != "formatting.py"
             for hit in _unformatted_numbers(path)]
    assert not found, found


def _record(**kw: object) -> dict[str, object]:
    return {"target": "M6", "target_type": "investeringstak_kr", "year": 2030, "unit": "kr", **kw}


def test_more_room_is_said_as_a_share_of_the_plan_not_as_kronor() -> None:
    """Would have caught "1 Mkr more room gives 4 069,4 Mkr mer nytta" (points turned into kr)."""
    names = {"M6": "investeringstaket"}
    exact = marginal_table([_record(lp_value_points=3.0, lp_value_kr=4.07e9, resolved_value_points=2.0,
                                    resolved_value_kr=4.0694e9, resolved_low_points=2.0, resolved_high_points=2.0,
                                    resolve_status="Optimal", resolved_projects_added=2)], names)
    [sentence] = marginal_highlights(exact, objective=40.0)
    assert "Mkr mer nytta" not in sentence and "4\u00a0069" not in sentence
    assert sentence == ("Med 1 Mkr mer utrymme i investeringstaket 2030 ryms 2 projekt till och planens nytta blir "
                        "5,0\u00a0% större.")
    estimate = marginal_table([_record(lp_value_points=0.4)], names)
    [sentence] = marginal_highlights(estimate, objective=40.0)
    assert sentence.startswith("Med 1 Mkr mer utrymme i investeringstaket 2030 blir planens nytta ungefär 1,0")
    assert "uppskattning" in sentence and "LP" not in sentence  # no solver terms for the board
    # the officials' table is in points, as the optimiser computes them
    assert marginal_rows(exact)[0][3:] == ["–", "3,000", "2,000"]  # no value with the same projects given
    # a gain too small to matter is not a sentence of its own
    assert marginal_highlights(marginal_table([_record(lp_value_points=0.001)], names), objective=40.0) == []


def test_an_older_optimised_result_is_not_called_a_given_plan(example: MunicipalityData) -> None:
    """Would have caught the cover's "Angiven plan" for an optimised plan stored before the study layer."""
    from hushall.reports.document.plan import plan_of_study
    from hushall.study.migrate import from_stored

    pid = str(example.projects["project_id"].iloc[0])
    start = int(example.projects["earliest_start"].iloc[0]) if "earliest_start" in example.projects else 2026
    choice = plan_of_study(example, from_stored({"status": "optimal", "schedule": [
        {"project_id": pid, "start_year": start}]}))
    assert choice.label == "Optimerad plan" and "Angiven" not in choice.method
    assert choice.default_reason_out == NOT_KEPT_REASON


def test_timeline_labels_break_between_words_and_years_stay_apart(example: MunicipalityData) -> None:
    """Would have caught the Gantt's labels cut mid-word and its year labels running together."""
    for pid, name in zip(example.projects["project_id"], example.projects["name"], strict=True):
        text = f"{pid} {name}"
        lines = wrap_label(text).split("|")
        assert 1 <= len(lines) <= 2
        words = text.split()
        for line in lines:
            for word in line.removesuffix("…").split():
                assert word in words, (text, line)  # whole words only
            assert len(line.removesuffix("…")) <= max(LABEL_LINE, max(map(len, words)))
    for lo, hi in ((2025, 2030), (2025, 2041), (2025, 2057)):
        ticks = year_ticks(lo, hi)
        assert ticks[0] == lo and len(ticks) <= 12  # at 560 px: at least 45 px per four-digit year
    plan = pd.DataFrame({"projekt_id": ["P-01", "P-02"], "namn": ["Ny förskola i centralorten, 6 avdelningar",
                                                                  "Förnyelse VA-ledningar Centralorten etapp 1"],
                         "startår": [2025, 2027], "klart_år": [2026, 2040], "kostnad_kr": [4e7, 3e5],
                         "bundet": ["ja", "nej"]})
    spec = plan_timeline_chart(plan).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "Beslutat" not in text and "Bundet (måste genomföras" in text
    assert "0,3\u00a0Mkr" in text  # a small project's cost is not rounded to nothing


def test_a_postponed_project_is_not_said_to_give_less_when_it_would_give_more() -> None:
    """Would have caught "men planen som helhet ger mindre nytta" for a move that breaks nothing and is worth more
    (a plan proven only within its gap can have one)."""
    rec = {"project": "P-16", "status": "senarelagt", "chosen_start": 2027, "earliest_start": 2026,
           "forced_start": 2026, "breaks_if_added": [], "relations_broken_if_added": [],
           "value_if_added_unchanged": 0.05}
    text = project_reason(rec, {})
    assert "mindre nytta" not in text and "0,050 poäng större" in text and "gap" in text
    worse = project_reason({**rec, "value_if_added_unchanged": -0.05}, {})
    assert "ger mindre nytta" in worse
    # with the plan's benefit: how much less, at most (the moved plan is valued with a good, not the best, renewal)
    assert project_reason({**rec, "value_if_added_unchanged": -0.06}, {}, objective=40.0).endswith(
        "Med start 2026 och resten av planen oförändrad bryts inga mål, men planens nytta blir upp till "
        "0,15\u00a0% mindre.")
    # a project left out that would add value and break nothing is not said to give less either
    out = project_reason({**rec, "status": "utelämnat", "value_if_added_unchanged": 0.05}, {})
    assert "mindre nytta" not in out and "0,050 poäng större" in out
    # a broken relation is the reason, whatever the value
    tied = project_reason({**rec, "relations_broken_if_added": ["P-16 startar innan P-15 är klart"]}, {})
    assert "bryts ett villkor: P-16 startar innan P-15 är klart." in tied and "större" not in tied
