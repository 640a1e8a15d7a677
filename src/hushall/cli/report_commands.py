"""``hushall report``: the plan document (PDF) and the workbook behind it.

Register in :mod:`hushall.cli.main` with ``cli.add_command(report)``. The plan is, by ``--plan``:

* a file (``.xlsx`` or ``.csv``) with the columns ``projekt_id`` and ``startår`` (one row per project in the
  plan; a row without a start year is left out);
* ``optimerad``: the optimiser's plan (:mod:`hushall.optimize`);
* ``beslutade``: the projects already decided (``måste`` or ``fast_startår``);
* nothing: the optimiser's plan.

The command only renders a plan study (:func:`hushall.study.run_study`). The risk chapter holds the Monte Carlo
analysis of :mod:`hushall.scenarios` (``--monte-carlo N`` draws, :data:`hushall.study.request.DEFAULT_DRAWS` by
default: a fraction of a second); ``--monte-carlo 0`` leaves it out and the chapter says that it is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hushall.cli.child import study_process
from hushall.cli.common import (
    EXAMPLE_TIME_LIMIT_S,
    balanced_budget_option,
    handle_errors,
    info,
    input_options,
    load_input,
    output_folder,
    renewal_decisions_option,
)
from hushall.cli.document_child import DocumentWorker
from hushall.formatting import fmt_number
from hushall.study.request import (
    DEFAULT_DRAWS,
    DEFAULT_EXPLAIN_S,
    DEFAULT_TIME_LIMIT_S,
    PlanRequest,
    balanskrav_mode,
)

PLAN_OPTIMISED = "optimerad"
PLAN_COMMITTED = "beslutade"
PLAN_COLUMNS = ("projekt_id", "startår")
#: How many of the plan document's last plan-dependent charts ``hushall report`` draws itself while its child lays
#: out the pages before them (:meth:`hushall.cli.document_child.DocumentWorker.render_here`): on the example the
#: risk chapter's two and the targets chart, ~1.5 s of the child's ~4.5 s (more and both draw the same chart).
CHARTS_DRAWN_HERE = 3


def plan_request(plan: str | Path | None, draws: int = DEFAULT_DRAWS, time_limit: float = DEFAULT_TIME_LIMIT_S,
                 explain_s: float = DEFAULT_EXPLAIN_S, renewal_decisions: bool | None = None,
                 balanced_budget: bool = False) -> PlanRequest:
    """The study ``--plan`` asks for: a file, ``"optimerad"`` (or nothing) or ``"beslutade"``. The optimiser
    explains every project left out or postponed (what it would break is cheap; the re-solves stay within the
    explanation budget); ``renewal_decisions``: it decides the reinvestment too (``None``: its default);
    ``balanced_budget``: a budget in balance every plan year (``balanskrav="balanced"``)."""
    choice = str(plan).strip().lower() if plan is not None else None
    if choice in (None, PLAN_OPTIMISED):
        return PlanRequest(source="optimised", draws=draws, time_limit_s=time_limit, explain_s=explain_s,
                           renewal_decisions=renewal_decisions,
                           balanskrav=balanskrav_mode(balanced_budget))
    if choice == PLAN_COMMITTED:
        return PlanRequest(source="committed", draws=draws)
    return PlanRequest(source="file", path=str(plan), draws=draws)


def write_report(data: Any, out: Path, *, plan: str | Path | None = None, draws: int = DEFAULT_DRAWS,
                 time_limit: float = DEFAULT_TIME_LIMIT_S, data_version: str | None = None,
                 say: Callable[[str], None] = info, renewal_decisions: bool | None = None,
                 balanced_budget: bool = False) -> tuple[Path, Path]:
    """Run the plan study (:func:`hushall.study.run_study`) and write its ``plandokument.pdf`` and
    ``plandokument.xlsx`` to ``out`` (``hushall report``). ``plan``: a file, ``"optimerad"``, ``"beslutade"`` or
    ``None`` (optimised); ``renewal_decisions``: the optimiser decides the reinvestment
    (``--reinvesteringsbeslut``); ``balanced_budget``: a budget in balance every year (``--budget-i-balans``)."""
    t0 = time.perf_counter()
    request = plan_request(plan, draws, time_limit, renewal_decisions=renewal_decisions,
                           balanced_budget=balanced_budget)
    solving = None
    if request.source == "optimised":
        from hushall.optimize import stderr_progress

        say(f"Optimerar (tidsgräns {fmt_number(time_limit, 1, trim=True)} s, förklaringar högst "
            f"{fmt_number(request.explain_s, 1, trim=True)} s) …")
        # the study in a child process from now on (its progress printed as it comes), before the reports'
        # modules are imported here (~1 s)
        solving = study_process(data, request, live=stderr_progress(), say=say)
    from hushall.reports.document import render_plan_independent_charts
    from hushall.study import run_study, study_needs

    needs = study_needs(data)
    # the PDF is written by a child process forked now (before any Vega engine exists here); while the study is
    # computed, the child renders the document's charts that do not depend on the plan
    with DocumentWorker(data, out, ahead=lambda: render_plan_independent_charts(data, needs)) as document:
        if solving is not None:
            study, _ = solving.result()
        else:
            study = run_study(data, request, lambda _f, message: say(message), needs=needs)
        if study.optimization is not None and study.optimization.status == "no_solution":
            from hushall.cli.optimize_commands import no_plan_error

            raise no_plan_error(data, study.optimization, time_limit)
        if request.source == "optimised":
            say(f"Plan: optimerad ({len(study.schedule)} projekt).")
        elif request.source == "committed":
            say(f"Plan: de beslutade projekten ({len(study.schedule)} st).")
        else:
            say(f"Plan: {len(study.schedule)} projekt från {request.path}.")
        if study.optimization is not None:
            say(search_summary(study.optimization, time_limit))
        for note in study.notes:
            say(note)
        say("Skriver plandokumentet …")
        document.submit(study, data_version=data_version)
        # the document's last plan-dependent charts drawn here, last first, while the child lays out the pages
        # before them; then the workbook, here too
        document.render_last(CHARTS_DRAWN_HERE)
        pdf, xlsx = document.result()
    say(f"Skrev {pdf} och {xlsx} ({fmt_number(time.perf_counter() - t0, 1)} s).")
    return pdf, xlsx


def search_summary(result: Any, time_limit: float) -> str:
    """How long the optimiser searched and how far its plan may be from the best possible (the gap).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> search_summary(SimpleNamespace(timings={"solve_s": 12.03}, gap=0.0412, status="feasible"), 12.0)
    'Optimeringen sökte i 12,0 s (tidsgräns 12 s); planen är högst 4,1\xa0% från den bästa möjliga (gapet).'
    """
    from hushall.formatting import fmt_pct

    searched = fmt_number(result.timings.get("solve_s"), 1)
    limit = fmt_number(time_limit, 1, trim=True)
    if result.status == "optimal":
        return (f"Optimeringen sökte i {searched} s (tidsgräns {limit} s) och stängde gapet: planen är högst "
                f"{fmt_pct(result.gap)} från den bästa möjliga.")
    return (f"Optimeringen sökte i {searched} s (tidsgräns {limit} s); planen är högst {fmt_pct(result.gap)} från "
            "den bästa möjliga (gapet).")


@click.command("report")
@input_options
@click.option("--plan", "plan", metavar="FIL|optimerad|beslutade",
              help="Planen: en .xlsx/.csv-fil med kolumnerna projekt_id och startår, 'optimerad' eller "
                   "'beslutade'. Standard: optimerad.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Mapp för plandokument.pdf och plandokument.xlsx.")
@click.option("--monte-carlo", "draws", type=click.IntRange(min=0), default=DEFAULT_DRAWS, show_default=True,
              help="Antal dragningar i Monte Carlo-analysen (0 = ingen riskanalys).")
@click.option("--time-limit", type=click.FloatRange(min=1.0), default=None,
              help=f"Tidsgräns i sekunder för optimeringen (med --plan optimerad); den slutar tidigare när planen "
                   f"är bevisat inom gapet. Standard: {DEFAULT_TIME_LIMIT_S:g} s, med --example "
                   f"{EXAMPLE_TIME_LIMIT_S:g} s som i hushall demo.")
@click.option("--data-version", help="Dataversion att skriva i dokumentet (standard: ett fingeravtryck av datan).")
@renewal_decisions_option("(med --plan optimerad)")
@balanced_budget_option("(med --plan optimerad)")
@handle_errors
def report(path: Path | None, use_example: bool, plan: str | None, out: Path, draws: int, time_limit: float | None,
           data_version: str | None, renewal_decisions: bool | None, balanced_budget: bool) -> None:
    """Plandokumentet (PDF) och arbetsboken med alla tabeller bakom det (Excel)."""
    data = load_input(path, use_example)
    out = output_folder(out)
    if time_limit is None:
        time_limit = EXAMPLE_TIME_LIMIT_S if use_example else DEFAULT_TIME_LIMIT_S
    write_report(data, out, plan=plan, draws=draws, time_limit=time_limit, data_version=data_version,
                 renewal_decisions=renewal_decisions, balanced_budget=balanced_budget)


__all__ = ["plan_request", "report", "search_summary", "write_report"]
