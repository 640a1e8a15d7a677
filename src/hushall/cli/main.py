"""The ``hushall`` command line.

Conventions for every command: machine-readable output (``--json``) on stdout only, messages and progress on
stderr; exit 0 on success, 1 on invalid input, 2 on wrong usage, 3 on an internal error. No traceback reaches
the user unless ``HUSHALL_DEBUG=1`` is set.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from hushall import __version__
from hushall.cli.common import (
    emit_json,
    handle_errors,
    info,
    input_options,
    load_input,
    load_schedule,
    output_folder,
    show_warnings,
)
from hushall.files import protect

#: The subcommands defined in their own modules: name → ``"module:attribute"`` of the click command. A module is
#: imported only when its command runs (or ``--help`` lists it), so start-up stays fast: a command module imports
#: click and :mod:`hushall.cli.common` at the top and everything heavy (pandas, the pipeline) inside its
#: function. Add a command by adding a line here.
LAZY_COMMANDS: dict[str, str] = {
    "backtest": "hushall.cli.backtest_commands:backtest",
    "befolkning": "hushall.cli.population_commands:befolkning",
    "import": "hushall.cli.import_commands:import_group",
    "jämför": "hushall.cli.peers_commands:jamfor",
    "optimize": "hushall.cli.optimize_commands:optimize",
    "prioritera": "hushall.cli.frontier_commands:prioritera",
    "report": "hushall.cli.report_commands:report",
    "scenarios": "hushall.cli.scenario_commands:scenarios",
    "serve": "hushall.cli.web_commands:serve",
    "user": "hushall.cli.web_commands:user",
    "uppfölj": "hushall.cli.followup_commands:uppfolj",
}


class LazyGroup(click.Group):
    """A click group that imports the commands of :data:`LAZY_COMMANDS` on first use."""

    def __init__(self, *args: object, lazy_commands: dict[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            module, _, attribute = self.lazy_commands[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy_commands=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hushall")
def cli() -> None:
    """Hushåll – långsiktig planering av kommunens anläggningstillgångar.

    Behov (förnyelse, underhållsskuld, platser), ekonomi (långtidsprognos, god ekonomisk hushållning) och den
    bästa investeringsplanen mellan dem.
    """


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@handle_errors
def validate(path: Path, as_json: bool) -> None:
    """Kontrollera en arbetsbok (.xlsx) eller en mapp med CSV-filer och lista ALLA problem."""
    from hushall.model import load

    protect(path)
    data = load(path)
    if as_json:
        emit_json({"valid": True, "summary": data.summary(), "problems": [],
                   "warnings": [p.to_dict() for p in data.warnings]})
    show_warnings(data)
    n = len(data.warnings)
    tail = "" if not n else f" ({n} varning{'ar' if n > 1 else ''}, se ovan)"
    info(f"OK: {data.summary()}.{tail}")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--example", "use_example", is_flag=True, help="Fyll mallen med Exempelkommun.")
@click.option("--force", is_flag=True, help="Skriv över FILE om den redan finns.")
@handle_errors
def template(file: Path, use_example: bool, force: bool) -> None:
    """Skriv en tom, kommenterad Excel-mall (eller Exempelkommun ifylld) till FILE.xlsx.

    En fil som redan finns skrivs inte över utan --force.
    """
    from hushall.data.template import write_template
    from hushall.errors import OutputExistsError

    if file.suffix.lower() != ".xlsx":
        raise click.UsageError("Mallen skrivs som .xlsx, t.ex. 'hushall template kommun.xlsx'.")
    if file.exists() and not force:
        raise OutputExistsError(f"Filen {file} finns redan och skrivs inte över: den kan innehålla kommunens "
                                "data. Ange ett annat filnamn, eller --force för att ersätta den.")
    frames = None
    if use_example:
        from hushall.examples import exempelkommun_frames

        frames = exempelkommun_frames()
    write_template(file, frames, overwrite=force)
    info(f"Skrev {'Exempelkommun' if use_example else 'en tom mall'} till {file}.")


@cli.command()
@input_options
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@click.option("--out", type=click.Path(path_type=Path), help="Mapp för tabeller (xlsx, csv) och diagram.")
@handle_errors
def needs(path: Path | None, use_example: bool, as_json: bool, out: Path | None) -> None:
    """Behovsanalys: förnyelsebehov, underhållsskuld, platser mot befolkning och reservkraft."""
    data = load_input(path, use_example)
    out = output_folder(out)
    from hushall.needs import analyse_needs
    from hushall.reports import write_needs_outputs
    from hushall.reports.text import needs_summary

    result = analyse_needs(data)
    if as_json:
        emit_json(result.to_json_dict())
    else:
        click.echo(needs_summary(result, data), err=False)
    if out is not None:
        files = write_needs_outputs(result, data, out)
        info(f"Skrev {len(files)} filer till {out}/")


@cli.command()
@input_options
@click.option("--plan", type=click.Path(path_type=Path),
              help="Plan att räkna på: .xlsx/.csv med kolumnerna projekt_id och startår. "
                   "Standard: de projekt som redan är beslutade.")
@click.option("--reinvestering", "policy", type=click.Choice(["ram", "behov", "ingen"]),
              help="Reinvesteringspolicy i stället för den i fliken Antaganden: ram = dagens reinvesteringsram, "
                   "behov = varje komponent förnyas när den är uttjänt, ingen = inga reinvesteringar "
                   "(bara som räkneexempel).")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@click.option("--out", type=click.Path(path_type=Path), help="Mapp för prognos.xlsx, CSV och diagram.")
@handle_errors
def forecast(path: Path | None, use_example: bool, plan: Path | None, policy: str | None, as_json: bool,
             out: Path | None) -> None:
    """Långtidsprognos: resultaträkning, balansräkning, kassaflöde, nyckeltal och mål år för år."""
    data = load_input(path, use_example)
    out = output_folder(out)
    from hushall.finance import forecast as run_forecast
    from hushall.reports.forecast import forecast_summary, write_forecast_outputs

    schedule = load_schedule(plan, data)
    if policy == "ingen":
        info("Räkneexempel: inga reinvesteringar alls (policyn 'ingen') – ingen kommun planerar så.")
    elif policy is not None:
        info(f"Reinvesteringspolicy: {'dagens reinvesteringsram' if policy == 'ram' else 'efter behov'}.")
    fc = run_forecast(data, schedule, reinvestment_policy=policy)
    if as_json:
        emit_json(fc.to_json_dict())
    else:
        click.echo(forecast_summary(fc, data))
    if out is not None:
        files = write_forecast_outputs(fc, data, out)
        info(f"Skrev {len(files)} filer till {out}/")


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("hushall-demo"), show_default=True,
              help="Mapp för demots utdata.")
@handle_errors
def demo(out: Path) -> None:
    """Kör allt som finns på Exempelkommun och skriv utdata till en mapp."""
    from hushall.cli.demo import run_demo

    run_demo(output_folder(out), info)


@cli.command("docs-data")
@click.option("--out", type=click.Path(path_type=Path), help="Skriv till fil i stället för stdout.")
def docs_data(out: Path | None) -> None:
    """Skriv dokumentationen av arbetsbokens flikar (Markdown) från tabellbeskrivningen."""
    from hushall.data.schema import markdown_docs

    text = markdown_docs() + "\n"
    if out:
        from hushall.files import write_bytes_atomic

        write_bytes_atomic(out, text.encode("utf-8"))
    else:
        click.echo(text)


#: Commands that end the interpreter's usual way: the web server and its users (their database connections are
#: closed as their libraries close them). Every other command ends at once when it is done (:func:`main`).
KEEP_TEARDOWN = frozenset({"serve", "user"})


def main() -> None:
    """The ``hushall`` command. When a command other than :data:`KEEP_TEARDOWN` is done — every file written and
    closed, its child processes ended — the process ends without the interpreter tearing down its modules and
    objects one by one: that took 0.4–0.7 s after ``hushall demo`` (vl-convert's engine, HiGHS, pandas),
    longer than some commands' own work. The exit functions still run first (temporary folders, logging), and
    the streams are flushed (:func:`end_now`)."""
    import sys

    try:
        cli(prog_name="hushall")
    except SystemExit as end:
        if KEEP_TEARDOWN.isdisjoint(sys.argv[1:]):
            end_now(end.code)
        raise


def end_now(code: int | str | None) -> None:
    """End the process with ``code`` as :func:`sys.exit` would (``None`` is 0; a text is printed and is 1), after
    what the interpreter does first — waiting for threads that are not daemons, then the exit functions
    (:mod:`atexit`) — and with the standard streams flushed, but without its teardown of modules and objects
    (:func:`os._exit`). Where :mod:`atexit` cannot run its functions now, it returns and the interpreter ends the
    usual way."""
    import atexit
    import contextlib
    import os
    import sys
    import threading

    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_functions is None:
        return
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    run_exit_functions()
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (``hushall … | head``): nothing more to say there
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    main()
