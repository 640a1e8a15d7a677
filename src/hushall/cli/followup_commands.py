"""``hushall uppfölj``: what was built against what was planned (sheet ``Utfall``, RKR R14).

Register in :mod:`hushall.cli.main` with ``cli.add_command(uppfolj)``.
"""

from __future__ import annotations

from pathlib import Path

import click

from hushall.cli.common import emit_json, handle_errors, info, input_options, load_input


@click.command("uppfölj")
@input_options
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@click.option("--out", type=click.Path(path_type=Path), help="Mapp för uppfoljning.xlsx, CSV och diagram.")
@handle_errors
def uppfolj(path: Path | None, use_example: bool, as_json: bool, out: Path | None) -> None:
    """Uppföljning: budget, utfall, ombudgetering och genomförandegrad per år och nämnd; försenade och fördyrade
    projekt; uppmätt genomförandegrad och kostnadsavvikelse (fliken Utfall)."""
    data = load_input(path, use_example)
    from hushall.followup import follow_up, measured_rates
    from hushall.reports.followup import followup_summary, to_json_dict, write_followup_outputs

    follow = follow_up(data)
    if follow.empty:
        info("Arbetsboken har inga utfall (fliken Utfall saknas eller är tom): det finns inget att följa upp. "
             "Fyll i fliken Utfall (se 'hushall template') och kör igen.")
        raise SystemExit(1)
    rates = measured_rates(follow)
    if as_json:
        emit_json(to_json_dict(follow, rates))
    else:
        click.echo(followup_summary(follow, rates, data.name))
    if out is not None:
        written = write_followup_outputs(follow, rates, out)
        info(f"Skrev {len(written)} filer till {out}.")


__all__ = ["uppfolj"]
