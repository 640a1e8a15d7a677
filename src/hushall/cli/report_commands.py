"""``hushall report``: the plan document (PDF) and the workbook behind it.

Register in :mod:`hushall.cli.main` with ``cli.add_command(report)``. The plan is, by ``--plan``:

* a file (``.xlsx`` or ``.csv``) with the columns ``projekt_id`` and ``startår`` (one row per project in the
  plan; a row without a start year is left out);
* ``optimerad``: the optimiser's plan (:mod:`hushall.optimize`);
* ``beslutade``: the projects already decided (``måste`` or ``fast_startår``);
* nothing: the optimiser's plan.

The risk chapter holds the Monte Carlo analysis of :mod:`hushall.scenarios` (``--monte-carlo N`` draws, 2 000 by
default: a fraction of a second); ``--monte-carlo 0`` leaves it out and the chapter says that it is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hushall.cli.common import handle_errors, info, input_options, load_input, output_folder

PLAN_OPTIMISED = "optimerad"
PLAN_COMMITTED = "beslutade"
PLAN_COLUMNS = ("projekt_id", "startår")
#: Monte Carlo draws by default (:data:`hushall.reports.document.DEFAULT_DRAWS`; not imported here so that the
#: command line starts without loading the reports).
DEFAULT_DRAWS = 2000


def run_optimizer(data: Any, time_limit: float, say: Callable[[str], None] = info) -> Any:
    """Optimise for the document as ``hushall optimize`` does, explaining every project left out or postponed
    (what it would break is cheap; the re-solves stay within the explanation budget)."""
    from hushall.cli.optimize_commands import DEFAULT_EXPLAIN_S, run_optimization

    return run_optimization(data, time_limit=time_limit, explain_s=DEFAULT_EXPLAIN_S,
                            max_explained=max(len(data.projects), 5), say=say).result


def write_report(data: Any, out: Path, *, plan: str | Path | None = None, draws: int = DEFAULT_DRAWS,
                 time_limit: float = 60.0, data_version: str | None = None, optimization: Any = None,
                 montecarlo: Any = None, say: Callable[[str], None] = info) -> tuple[Path, Path]:
    """Choose the plan, run what is asked for and write ``plandokument.pdf`` and ``plandokument.xlsx`` to ``out``
    (used by ``hushall report`` and ``hushall demo``). ``plan``: a file, ``"optimerad"``, ``"beslutade"`` or
    ``None`` (optimised); ``optimization``: an optimiser result already at hand (used instead of running the
    optimiser again); ``montecarlo``: a Monte Carlo result of that plan already at hand (used instead of
    simulating it again, so the document shows the same probabilities)."""
    from hushall.reports.document import (
        build_plan_document,
        committed_plan,
        compute_risk,
        given_plan,
        plan_from_optimization,
    )

    t0 = time.perf_counter()
    choice = str(plan).strip().lower() if plan is not None else None
    if optimization is not None and choice in (None, PLAN_OPTIMISED):
        described = plan_from_optimization(data, optimization)
        say(f"Plan: optimerad ({len(described.schedule)} projekt).")
    elif choice in (None, PLAN_OPTIMISED):
        optimization = run_optimizer(data, time_limit, say)
        described = plan_from_optimization(data, optimization)
        say(f"Plan: optimerad ({len(described.schedule)} projekt).")
    elif choice == PLAN_COMMITTED:
        described = committed_plan(data)
        say(f"Plan: de beslutade projekten ({len(described.schedule)} st).")
    else:
        path = Path(str(plan))
        from hushall.projects.plan_file import read_schedule

        described = given_plan(dict(read_schedule(path, data)), f"Plan enligt {path.name}")
        say(f"Plan: {len(described.schedule)} projekt från {path}.")
    risk = montecarlo
    if risk is None and draws > 0:
        say(f"Monte Carlo med {draws} dragningar …")
        risk = compute_risk(data, described.schedule, draws)
        if risk is None:
            say("Monte Carlo finns inte i den här installationen; riskavsnittet säger att analysen saknas.")
    say("Skriver plandokumentet …")
    pdf, xlsx = build_plan_document(data, optimization=optimization, risk=risk, out_dir=out, plan=described,
                                    data_version=data_version)
    say(f"Skrev {pdf} och {xlsx} ({time.perf_counter() - t0:.1f} s).")
    return pdf, xlsx


@click.command("report")
@input_options
@click.option("--plan", "plan", metavar="FIL|optimerad|beslutade",
              help="Planen: en .xlsx/.csv-fil med kolumnerna projekt_id och startår, 'optimerad' eller "
                   "'beslutade'. Standard: optimerad.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Mapp för plandokument.pdf och plandokument.xlsx.")
@click.option("--monte-carlo", "draws", type=click.IntRange(min=0), default=DEFAULT_DRAWS, show_default=True,
              help="Antal dragningar i Monte Carlo-analysen (0 = ingen riskanalys).")
@click.option("--time-limit", type=click.FloatRange(min=1.0), default=60.0, show_default=True,
              help="Tidsgräns i sekunder för optimeringen (med --plan optimerad).")
@click.option("--data-version", help="Dataversion att skriva i dokumentet (standard: ett fingeravtryck av datan).")
@handle_errors
def report(path: Path | None, use_example: bool, plan: str | None, out: Path, draws: int, time_limit: float,
           data_version: str | None) -> None:
    """Plandokumentet (PDF) och arbetsboken med alla tabeller bakom det (Excel)."""
    data = load_input(path, use_example)
    out = output_folder(out)
    write_report(data, out, plan=plan, draws=draws, time_limit=time_limit, data_version=data_version)


__all__ = ["report", "run_optimizer", "write_report"]
