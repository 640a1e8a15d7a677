"""``--reinvesteringsbeslut`` / ``--ingen-reinvesteringsbeslut`` wherever a plan is made on the command line:
``hushall report`` hands it to the plan study, ``hushall prioritera`` to every solve of the frontier; without
it the optimiser's default holds (``None``; on, ``RENEWAL_DECISIONS_DEFAULT``), and the help says so."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from hushall.cli.main import cli
from hushall.errors import HushallError

STOP = "stoppad av testet"


@pytest.mark.parametrize(("flag", "expected"), [(["--reinvesteringsbeslut"], True),
                                                (["--ingen-reinvesteringsbeslut"], False), ([], None)])
def test_report_hands_the_flag_to_the_plan_study(monkeypatch: pytest.MonkeyPatch, tmp_path: Any, flag: list[str],
                                                 expected: bool | None) -> None:
    import hushall.study

    seen: list[Any] = []

    def run_study(_data: Any, request: Any, *_a: Any, **_k: Any) -> Any:
        seen.append(request)
        raise HushallError(STOP)

    monkeypatch.setattr(hushall.study, "run_study", run_study)
    monkeypatch.setattr("hushall.cli.child.can_fork", lambda: False)  # the study here: the stand-in is heard
    r = CliRunner().invoke(cli, ["report", "--example", "--out", str(tmp_path / "ut"), *flag])
    assert r.exit_code == 1 and STOP in r.output and "Traceback" not in r.output
    assert len(seen) == 1 and seen[0].source == "optimised" and seen[0].renewal_decisions is expected


@pytest.mark.parametrize(("flag", "expected"), [(["--reinvesteringsbeslut"], True),
                                                (["--ingen-reinvesteringsbeslut"], False), ([], None)])
def test_prioritera_hands_the_flag_to_the_frontier(monkeypatch: pytest.MonkeyPatch, flag: list[str],
                                                   expected: bool | None) -> None:
    import hushall.study.frontier

    seen: list[dict[str, Any]] = []

    def compute_frontier(_data: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        raise HushallError(STOP)

    monkeypatch.setattr(hushall.study.frontier, "compute_frontier", compute_frontier)
    r = CliRunner().invoke(cli, ["prioritera", "--example", "--steg", "2", *flag])
    assert r.exit_code == 1 and STOP in r.output
    assert len(seen) == 1 and seen[0]["renewal_decisions"] is expected


@pytest.mark.parametrize("command", ["optimize", "report", "prioritera"])
def test_the_help_names_the_optimisers_default(command: str) -> None:
    from hushall.optimize.inputs import RENEWAL_DECISIONS_DEFAULT

    r = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
    assert r.exit_code == 0
    default = "--reinvesteringsbeslut" if RENEWAL_DECISIONS_DEFAULT else "--ingen-reinvesteringsbeslut"
    assert f"[standard: {default}]" in " ".join(r.output.split())


@pytest.mark.parametrize(("flag", "expected"), [(["--budget-i-balans"], "balanced"), ([], "restore")])
def test_report_hands_the_balanced_budget_to_the_plan_study(monkeypatch: pytest.MonkeyPatch, tmp_path: Any,
                                                            flag: list[str], expected: str) -> None:
    """``hushall report --budget-i-balans``: the plan document's optimised plan keeps a budget in balance every
    year (the study's ``balanskrav``); without it a deficit restored within three years is allowed."""
    import hushall.study

    seen: list[Any] = []

    def run_study(_data: Any, request: Any, *_a: Any, **_k: Any) -> Any:
        seen.append(request)
        raise HushallError(STOP)

    monkeypatch.setattr(hushall.study, "run_study", run_study)
    monkeypatch.setattr("hushall.cli.child.can_fork", lambda: False)
    r = CliRunner().invoke(cli, ["report", "--example", "--out", str(tmp_path / "ut"), *flag])
    assert r.exit_code == 1 and STOP in r.output and "Traceback" not in r.output
    assert len(seen) == 1 and seen[0].source == "optimised" and seen[0].balanskrav == expected
