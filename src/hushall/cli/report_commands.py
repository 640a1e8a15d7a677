"""``hushall report``: the plan document (PDF) and the workbook behind it.

Register in :mod:`hushall.cli.main` with ``cli.add_command(report)``. The plan is, by ``--plan``:

* a file (``.xlsx`` or ``.csv``) with the columns ``projekt_id`` and ``startår`` (one row per project in the
  plan; a row without a start year is left out);
* ``optimerad``: the optimiser's plan (:mod:`hushall.optimize`);
* ``beslutade``: the projects already decided (``måste`` or ``fast_startår``);
* nothing: the optimiser's plan when the optimiser is installed, else the decided projects.

The risk chapter holds the Monte Carlo analysis of :mod:`hushall.scenarios` (``--monte-carlo N`` draws, 2 000 by
default: a fraction of a second); ``--monte-carlo 0`` leaves it out and the chapter says that it is missing.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hushall.cli.common import handle_errors, info, input_options, load_input
from hushall.errors import PlanError

PLAN_OPTIMISED = "optimerad"
PLAN_COMMITTED = "beslutade"
PLAN_COLUMNS = ("projekt_id", "startår")
#: Monte Carlo draws by default (:data:`hushall.reports.document.DEFAULT_DRAWS`; not imported here so that the
#: command line starts without loading the reports).
DEFAULT_DRAWS = 2000


def optimizer() -> Callable[..., Any] | None:
    """The optimiser's entry point (``hushall.optimize.optimize`` or ``optimise``), ``None`` when not installed."""
    try:
        module = importlib.import_module("hushall.optimize")
    except ImportError:
        return None
    fn = getattr(module, "optimize", None) or getattr(module, "optimise", None)
    return fn if callable(fn) else None


def run_optimizer(optimise: Callable[..., Any], data: Any, time_limit: float) -> Any:
    """Run the optimiser with a time limit and progress on stderr when its entry point takes them."""
    import inspect

    params = inspect.signature(optimise).parameters
    kwargs: dict[str, Any] = {}
    if "time_limit" in params:
        kwargs["time_limit"] = time_limit
    if "explain_options" in params:
        # explain every project left out or postponed (what it would break is cheap to compute; the re-solves
        # stay within the optimiser's own time budget for explanations)
        n_projects = len(getattr(data, "projects", ()))
        kwargs["explain_options"] = {"max_projects": max(n_projects, 5)}
    if "progress" in params:
        progress = getattr(importlib.import_module("hushall.optimize"), "stderr_progress", None)
        if callable(progress):
            kwargs["progress"] = progress()
    return optimise(data, **kwargs)


def write_report(data: Any, out: Path, *, plan: str | Path | None = None, draws: int = DEFAULT_DRAWS,
                 time_limit: float = 60.0, data_version: str | None = None, optimization: Any = None,
                 say: Callable[[str], None] = info) -> tuple[Path, Path]:
    """Choose the plan, run what is asked for and write ``plandokument.pdf`` and ``plandokument.xlsx`` to ``out``
    (used by ``hushall report`` and ``hushall demo``). ``plan``: a file, ``"optimerad"``, ``"beslutade"`` or
    ``None`` (optimised when the optimiser is installed); ``optimization``: an optimiser result already at hand
    (used instead of running the optimiser again)."""
    from hushall.reports.document import (
        build_plan_document,
        committed_plan,
        compute_risk,
        given_plan,
        plan_from_optimization,
    )

    t0 = time.perf_counter()
    choice = str(plan).strip().lower() if plan is not None else None
    optimise = optimizer()
    if optimization is not None and choice in (None, PLAN_OPTIMISED):
        described = plan_from_optimization(data, optimization)
        say(f"Plan: optimerad ({len(described.schedule)} projekt).")
    elif choice == PLAN_OPTIMISED or (choice is None and optimise is not None):
        if optimise is None:
            raise PlanError("Optimeraren (hushall.optimize) finns inte i den här installationen; ange en planfil "
                            "eller --plan beslutade.")
        say(f"Optimerar planen (högst {time_limit:g} s för lösningen) …")
        optimization = run_optimizer(optimise, data, time_limit)
        described = plan_from_optimization(data, optimization)
        say(f"Plan: optimerad ({len(described.schedule)} projekt).")
    elif choice is None or choice == PLAN_COMMITTED:
        described = committed_plan(data)
        say(f"Plan: de beslutade projekten ({len(described.schedule)} st)"
            + ("; optimeraren finns inte i den här installationen." if choice is None else "."))
    else:
        path = Path(str(plan))
        from hushall.projects.plan_file import read_schedule

        described = given_plan(dict(read_schedule(path, data)), f"Plan enligt {path.name}")
        say(f"Plan: {len(described.schedule)} projekt från {path}.")
    risk = None
    if draws > 0:
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
                   "'beslutade'. Standard: optimerad när optimeraren finns, annars beslutade.")
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
    write_report(data, out, plan=plan, draws=draws, time_limit=time_limit, data_version=data_version)


__all__ = ["optimizer", "report", "run_optimizer", "write_report"]
