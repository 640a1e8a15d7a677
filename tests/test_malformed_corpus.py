"""The malformed-workbook corpus (tests/malformed_corpus.py) through ``hushall validate``.

Every case ends with exit 1 and a message naming the sheet (and, for a cell, its row and column) — or exit 0 when
the case is valid (an optional column or sheet left out) — never exit 3, never a traceback, never "Internt fel".
The default run takes every twelfth case of each kind; ``-m slow`` runs them all. Both print
the count of cases and of outcomes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import hushall
from hushall.cli.main import cli
from tests.malformed_corpus import Case, generate

SAMPLE_STEP = 12


@pytest.fixture(scope="module")
def corpus() -> list[Case]:
    return list(generate())


def outcome_problems(case: Case, code: int, output: str) -> list[str]:
    """What is wrong with the outcome of one case (empty when it is right)."""
    wrong = []
    if code not in (0, 1):
        wrong.append(f"exit {code}")
    for bad in ("Traceback", "Internt fel", "Error:"):
        if bad in output:
            wrong.append(f"{bad!r} in the output")
    if case.must_fail and code != 1:
        wrong.append("accepted, must be rejected")
    if code == 1 and case.sheet and case.sheet not in output:
        wrong.append(f"the message does not name sheet {case.sheet}")
    if code == 1 and case.must_fail and case.row is not None and case.column is not None:
        where = f"{case.sheet} › rad {case.row} › kolumn {case.column}"
        if where not in output:
            wrong.append(f"no message names {where}")
    if case.kind == "formula" and "formel" not in output:
        wrong.append("the formula is not named")
    if case.kind == "date_cell" and ("datetime" in output or "2026-01-01" not in output):
        wrong.append("the date is not shown as written")
    return wrong


def run_cases(cases: list[Case], folder: Path) -> None:
    runner = CliRunner()
    failures: dict[str, list[str]] = {}
    outcomes: Counter[str] = Counter()
    for case in cases:
        path = case.write(folder)
        r = runner.invoke(cli, ["validate", str(path)])
        output = r.output + (r.stderr if r.stderr_bytes is not None else "")
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            output += f"\nTraceback: {r.exception!r}"
        outcomes[f"{case.kind}: exit {r.exit_code}"] += 1
        wrong = outcome_problems(case, r.exit_code, output)
        if wrong:
            failures[case.name] = [*wrong, output[-600:]]
    total = Counter(k.rsplit(": ", 1)[1] for k in outcomes.elements())
    print(f"\nFelaktiga arbetsböcker: {len(cases)} fall; utfall {dict(sorted(total.items()))}")
    for key in sorted(outcomes):
        print(f"  {key}: {outcomes[key]}")
    assert not failures, "\n".join(f"{k}: {v}" for k, v in list(failures.items())[:10])


def test_corpus_sample_is_rejected_clearly(corpus: list[Case], tmp_path: Path) -> None:
    by_kind: dict[str, list[Case]] = {}
    for case in corpus:
        by_kind.setdefault(case.kind, []).append(case)
    # every kind, every SAMPLE_STEP-th case of it (spread over the sheets)
    sample = [c for cases in by_kind.values() for c in cases[::SAMPLE_STEP]]
    assert {c.kind for c in sample} == set(by_kind)
    run_cases(sample, tmp_path)


@pytest.mark.slow
def test_whole_corpus_is_rejected_clearly(corpus: list[Case], tmp_path: Path) -> None:
    run_cases(corpus, tmp_path)


def test_corpus_covers_every_sheet_and_column_of_the_schema(corpus: list[Case]) -> None:
    from hushall.data.schema import TABLES

    sheets = {c.sheet for c in corpus if c.kind == "missing_sheet"}
    assert sheets == {t.sheet for t in TABLES.values()}
    keyed = {c.sheet for c in corpus if c.kind == "duplicate_id"}
    assert keyed == {t.sheet for t in TABLES.values() if t.primary_key}
    kinds = {c.kind for c in corpus}
    assert kinds >= {"formula", "unknown_sheet", "unknown_column", "huge_amount", "duplicate_id"}


@pytest.mark.parametrize("kind", ["duplicate_id", "formula", "huge_text"])
def test_corpus_cases_in_a_real_process(corpus: list[Case], tmp_path: Path, kind: str) -> None:
    case = next(c for c in corpus if c.kind == kind and c.sheet == "Anläggningar")
    path = case.write(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(Path(hushall.__file__).parents[1])}
    env.pop("HUSHALL_DEBUG", None)
    r = subprocess.run([sys.executable, "-m", "hushall.cli.main", "validate", str(path)], capture_output=True,
                       text=True, env=env, timeout=120, check=False)
    assert r.returncode == 1, r.stderr
    assert not outcome_problems(case, r.returncode, r.stdout + r.stderr), r.stderr
