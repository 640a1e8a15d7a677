"""Shared plumbing of the command line: error handling, input options, output streams.

Conventions for every command: machine-readable output (``--json``) on stdout only, messages and progress on
stderr; exit 0 on success, 1 on invalid input, 2 on wrong usage, 3 on an internal error. No traceback reaches
the user unless ``HUSHALL_DEBUG=1`` is set.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, overload

import click

from hushall.errors import DataValidationError, HushallError
from hushall.files import protect
from hushall.formatting import fmt_number
from hushall.study.request import DEFAULT_TIME_LIMIT_S

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INVALID = 1
EXIT_INTERNAL = 3

#: The optimiser's time limit on Exempelkommun when the user gives none (``hushall demo``, ``hushall report
#: --example``): a safety net, not the usual stop. With the reinvestment decided by the optimiser (the default) the
#: solve stops when the plan is proven within the study's gap (:data:`hushall.study.request.DEFAULT_MIP_GAP`,
#: ≈ 7 s of CPU at the root node), and a stop by gap gives the same plan at any load (HiGHS's branch and bound is
#: deterministic); a stop by time would not. The limit is wide enough that the gap, not the clock, ends the solve
#: up to a load of about 15 on two cores (at load 7.5 the solver had a quarter of a core, and 30 s were not enough:
#: docs/performance.md, "Issue 14: the example stops at its gap"); the same as a municipality's own data.
EXAMPLE_TIME_LIMIT_S = DEFAULT_TIME_LIMIT_S


def info(message: str) -> None:
    """A message for the person at the terminal (stderr, never mixed with --json output)."""
    click.echo(message, err=True)


def emit_json(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False))


def handle_errors(fn: F) -> F:
    """Turn every expected error into a clear message and exit code, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DataValidationError as exc:
            if kwargs.get("as_json"):
                emit_json({"valid": False, "problems": [p.to_dict() for p in exc.problems],
                           "warnings": [p.to_dict() for p in exc.warnings]})
            info(str(exc))
            sys.exit(EXIT_INVALID)
        except HushallError as exc:
            info(f"Fel: {exc} [{exc.code}]")
            sys.exit(EXIT_INVALID)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            info("Avbrutet.")
            sys.exit(130)
        except Exception as exc:
            if os.environ.get("HUSHALL_DEBUG"):
                raise
            info(f"Internt fel i Hushåll: {type(exc).__name__}: {exc}\n"
                 "Det här är ett fel i programmet, inte i dina data. Kör igen med HUSHALL_DEBUG=1 och rapportera "
                 "utskriften.")
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


def input_options(fn: F) -> F:
    """``[PATH | --example]``: the municipality to work on."""
    fn = click.option("--example", "use_example", is_flag=True, help="Använd den inbyggda Exempelkommun.")(fn)
    fn = click.argument("path", required=False, type=click.Path(path_type=Path))(fn)
    return fn


class RenewalDecisionsFlag(click.Option):
    """``--reinvesteringsbeslut/--ingen-reinvesteringsbeslut``: its help names the optimiser's default
    (:data:`hushall.optimize.inputs.RENEWAL_DECISIONS_DEFAULT`, read only when the help is shown: the optimiser
    loads slowly). Not given, the option is ``None`` and the optimiser's default (or a settings file) holds."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from hushall.optimize.inputs import RENEWAL_DECISIONS_DEFAULT

        record = super().get_help_record(ctx)
        if record is None:
            return None
        default = "--reinvesteringsbeslut" if RENEWAL_DECISIONS_DEFAULT else "--ingen-reinvesteringsbeslut"
        return record[0], f"{record[1]} [standard: {default}]"


def renewal_decisions_option(when: str = "") -> Callable[[F], F]:
    """``--reinvesteringsbeslut/--ingen-reinvesteringsbeslut`` (``renewal_decisions``: True, False or None = the
    optimiser's default), one definition for every command that makes a plan; ``when`` ends its help."""
    help_text = ("Låt optimeringen besluta reinvesteringen (förnya, skjuta upp eller avveckla per anläggningsgrupp och "
                 "år) i stället för att följa policyn i fliken Antaganden" + (f" {when}" if when else "") + ".")
    return click.option("--reinvesteringsbeslut/--ingen-reinvesteringsbeslut", "renewal_decisions", default=None,
                        cls=RenewalDecisionsFlag, help=help_text)


def balanced_budget_option(when: str = "") -> Callable[[F], F]:
    """``--budget-i-balans`` (``balanced_budget``: the optimiser's ``balanskrav="balanced"``, a budget in balance
    every plan year), one definition for every command that optimises a plan; ``when`` ends its help."""
    return click.option("--budget-i-balans", "balanced_budget", is_flag=True,
                        help="Budget i balans varje år: balanskravsresultatet minst noll varje planår (kommunallagen "
                             "11 kap. 5 §)" + (f" {when}" if when else "") + ". Utan flaggan får ett underskott "
                             "återställas inom tre år (12 §), och omdömet säger vilka år budgeten inte är i balans.")


def load_input(path: Path | None, use_example: bool) -> Any:
    from hushall.examples import exempelkommun
    from hushall.model import load

    if path is not None and use_example:
        raise click.UsageError("Ange antingen PATH eller --example, inte båda.")
    if path is None and not use_example:
        raise click.UsageError("Ange en arbetsbok/mapp (PATH) eller --example.")
    t0 = time.perf_counter()
    if path is not None:
        protect(path)  # no output of this command may replace the data it read
    data = exempelkommun() if use_example else load(path)  # type: ignore[arg-type]
    info(f"Läste {data.summary()} ({fmt_number(time.perf_counter() - t0, 1)} s).")
    show_warnings(data)
    return data


def show_warnings(data: Any) -> None:
    """The data's warnings (values possible but probably not meant) on stderr, one per line."""
    for p in data.warnings:
        info(str(p))


@overload
def output_folder(out: Path) -> Path: ...


@overload
def output_folder(out: None) -> None: ...


def output_folder(out: Path | None) -> Path | None:
    """``--out`` checked: not a file, not the folder of the data read (:func:`hushall.files.check_output_folder`)."""
    from hushall.files import check_output_folder

    return None if out is None else check_output_folder(out)


def load_schedule(plan: Path | None, data: Any) -> Any:
    """The plan to forecast: a plan file, or the projects already decided (måste / fast startår)."""
    from hushall.projects import ProjectCatalog, Schedule
    from hushall.projects.plan_file import read_schedule

    if plan is None:
        schedule = Schedule.committed(ProjectCatalog.from_data(data))
        info(f"Plan: de {len(schedule)} projekt som redan är beslutade (måste/fast startår).")
        return schedule
    protect(plan)
    schedule = read_schedule(plan, data)
    info(f"Plan: {len(schedule)} projekt från {plan}.")
    return schedule
