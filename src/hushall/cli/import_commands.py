"""``hushall import sie|anlaggningar|investeringsplan``: the municipality's own data into the workbook.

Each command reads one export, writes the sheets it owns into a workbook (``--into`` merges into the user's
workbook and leaves every other sheet as it was; ``--out`` writes a new one, never over an existing file without
``--force``) and lists what could not be placed. The work is done in :mod:`hushall.data.importers`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from hushall.cli.common import emit_json, handle_errors, info

F = TypeVar("F", bound=Callable[..., Any])


def _target_options(fn: F) -> F:
    fn = click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")(fn)
    fn = click.option("--force", is_flag=True, help="Skriv över --out om filen redan finns.")(fn)
    fn = click.option("--out", type=click.Path(path_type=Path), help="Skriv en ny arbetsbok (.xlsx).")(fn)
    fn = click.option("--into", type=click.Path(path_type=Path),
                      help="Uppdatera importens flikar i en befintlig arbetsbok (.xlsx); andra flikar lämnas orörda.")(fn)
    return fn


def _finish(result: Any, into: Path | None, out: Path | None, force: bool, as_json: bool) -> None:
    from hushall.data.importers.workbook import write_import

    if into is not None and out is not None:
        raise click.UsageError("Ange antingen --into eller --out, inte båda.")
    if into is None and out is None:
        raise click.UsageError("Ange var importen ska skrivas: --into kommun.xlsx eller --out ny.xlsx.")
    for line in result.messages:
        info(line)
    path, counts = write_import(result, into=into, out=out, force=force)
    for sheet, c in counts.items():
        kept = f", {c.kept} befintliga rader orörda" if c.kept else ""
        info(f"{sheet}: {c.added} nya rader, {c.updated} uppdaterade{kept}.")
    info(f"Skrev {path}. Granska flikarna (även de som börjar med '_') och kör 'hushall validate {path}'.")
    if as_json:
        emit_json({"file": str(path), "kind": result.kind,
                   "sheets": {s: vars(c) for s, c in counts.items()}, **result.summary})


@click.group("import")
def import_group() -> None:
    """Läs in kommunens egna data: bokföringen (SIE), anläggningsregistret och investeringsplanen."""


@import_group.command("sie")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--mapping", type=click.Path(path_type=Path),
              help="Egen kontomappning (CSV: konton;post;ersättningspost;typ;beskrivning;källa) som läggs över "
                   "den medföljande Kommun-Bas-tabellen.")
@_target_options
@handle_errors
def import_sie_command(file: Path, mapping: Path | None, into: Path | None, out: Path | None, force: bool,
                       as_json: bool) -> None:
    """Bokföringen från en SIE-fil (typ 1–4) till fliken Ekonomi: basåret och tidigare år; utfall per projekt
    (projektobjekt, dimension 6) till fliken Utfall."""
    from hushall.data.importers.kommunbas import import_sie

    result = import_sie(file, mapping)
    wb_year, _, _ = _workbook_context(into)
    if wb_year is not None and wb_year != result.summary["base_year"]:
        result.messages.append(f"Obs: arbetsbokens basår är {wb_year} men SIE-filens räkenskapsår är "
                               f"{result.summary['base_year']}. Ändra basåret i fliken Kommun om filen är rätt.")
    _finish(result, into, out, force, as_json)


def _workbook_context(into: Path | None) -> tuple[int | None, Any, set[str] | None]:
    """Base year, facilities and district ids of the workbook an import goes into (when it exists)."""
    from hushall.data.importers.tabular import parse_year
    from hushall.data.importers.workbook import read_sheet

    if into is None or not into.is_file() or into.suffix.lower() != ".xlsx":
        return None, None, None
    kommun = read_sheet(into, "municipality")
    base_year = parse_year(kommun["base_year"].iloc[0]) if kommun is not None and len(kommun) else None
    facilities = read_sheet(into, "facilities")
    districts = read_sheet(into, "districts")
    return base_year, facilities, None if districts is None else set(districts["district_id"])


@import_group.command("anlaggningar")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--mapping", default="raindance", show_default=True,
              help="Kolumnmappning (YAML) för exporten, eller ett medföljande exempel: raindance, unit4.")
@click.option("--basar", "base_year", type=int,
              help="Basår för bokfört värde och återstående livslängd. Standard: basåret i --into, annars "
                   "förra året.")
@_target_options
@handle_errors
def import_assets_command(file: Path, mapping: str, base_year: int | None, into: Path | None, out: Path | None,
                          force: bool, as_json: bool) -> None:
    """Anläggningsregistret (CSV eller xlsx) till flikarna Anläggningar och Komponenter."""
    import datetime as dt

    from hushall.data.importers.assets import import_assets

    wb_year, _, districts = _workbook_context(into)
    year = base_year or wb_year or dt.date.today().year - 1
    _finish(import_assets(file, mapping, year, districts), into, out, force, as_json)


@import_group.command("investeringsplan")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--enhet", "unit", type=click.Choice(["kr", "tkr", "mnkr"]),
              help="Beloppens enhet, om den inte står i rubriken.")
@_target_options
@handle_errors
def import_plan_command(file: Path, unit: str | None, into: Path | None, out: Path | None, force: bool,
                        as_json: bool) -> None:
    """Investeringsplanen (projekt, nämnd, total, en kolumn per år) till fliken Projekt."""
    from hushall.data.importers.investment_plan import import_investment_plan

    base_year, facilities, districts = _workbook_context(into)
    _finish(import_investment_plan(file, base_year, unit, facilities, districts), into, out, force, as_json)


def register_import_commands(cli: click.Group) -> None:
    cli.add_command(import_group)
