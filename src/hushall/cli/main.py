"""The ``hushall`` command line.

Conventions for every command: machine-readable output (``--json``) on stdout only, messages and progress on
stderr; exit 0 on success, 1 on invalid input, 2 on wrong usage, 3 on an internal error. No traceback reaches
the user unless ``HUSHALL_DEBUG=1`` is set.
"""

from __future__ import annotations

from pathlib import Path

import click

from hushall import __version__
from hushall.cli.common import emit_json, handle_errors, info, input_options, load_input, load_schedule


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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

    data = load(path)
    if as_json:
        emit_json({"valid": True, "summary": data.summary(), "problems": []})
    info(f"OK: {data.summary()}.")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--example", "use_example", is_flag=True, help="Fyll mallen med Exempelkommun.")
@handle_errors
def template(file: Path, use_example: bool) -> None:
    """Skriv en tom, kommenterad Excel-mall (eller Exempelkommun ifylld) till FILE.xlsx."""
    from hushall.data.template import write_template

    if file.suffix.lower() != ".xlsx":
        raise click.UsageError("Mallen skrivs som .xlsx, t.ex. 'hushall template kommun.xlsx'.")
    frames = None
    if use_example:
        from hushall.data.io import read_raw
        from hushall.examples import example_path
        from hushall.model.validate import validate_workbook

        frames, _ = validate_workbook(read_raw(example_path()))
    write_template(file, frames)
    info(f"Skrev {'Exempelkommun' if use_example else 'en tom mall'} till {file}.")


@cli.command()
@input_options
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@click.option("--out", type=click.Path(path_type=Path), help="Mapp för tabeller (xlsx, csv) och diagram.")
@handle_errors
def needs(path: Path | None, use_example: bool, as_json: bool, out: Path | None) -> None:
    """Behovsanalys: förnyelsebehov, underhållsskuld, platser mot befolkning och reservkraft."""
    data = load_input(path, use_example)
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
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@click.option("--out", type=click.Path(path_type=Path), help="Mapp för prognos.xlsx, CSV och diagram.")
@handle_errors
def forecast(path: Path | None, use_example: bool, plan: Path | None, as_json: bool, out: Path | None) -> None:
    """Långtidsprognos: resultaträkning, balansräkning, kassaflöde, nyckeltal och mål år för år."""
    data = load_input(path, use_example)
    from hushall.finance import forecast as run_forecast
    from hushall.reports.forecast import forecast_summary, write_forecast_outputs

    schedule = load_schedule(plan, data)
    fc = run_forecast(data, schedule)
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

    run_demo(out, info)


@cli.command("docs-data")
@click.option("--out", type=click.Path(path_type=Path), help="Skriv till fil i stället för stdout.")
def docs_data(out: Path | None) -> None:
    """Skriv dokumentationen av arbetsbokens flikar (Markdown) från tabellbeskrivningen."""
    from hushall.data.schema import markdown_docs

    text = markdown_docs() + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text)


from hushall.cli.backtest_commands import backtest  # noqa: E402
from hushall.cli.import_commands import register_import_commands  # noqa: E402
from hushall.cli.optimize_commands import optimize  # noqa: E402
from hushall.cli.peers_commands import jamfor  # noqa: E402
from hushall.cli.population_commands import befolkning  # noqa: E402
from hushall.cli.report_commands import report  # noqa: E402
from hushall.cli.scenario_commands import scenarios  # noqa: E402
from hushall.cli.web_commands import register_web_commands  # noqa: E402

cli.add_command(backtest)
cli.add_command(optimize)
cli.add_command(befolkning)
cli.add_command(jamfor)
cli.add_command(report)
cli.add_command(scenarios)
register_web_commands(cli)
register_import_commands(cli)


def main() -> None:
    cli(prog_name="hushall")


if __name__ == "__main__":  # pragma: no cover
    main()
