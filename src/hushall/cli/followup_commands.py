"""``hushall uppfölj``: what was built against what was planned (sheet ``Utfall``, RKR R14).

Register in :mod:`hushall.cli.main` with ``cli.add_command(uppfolj)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hushall.cli.common import emit_json, handle_errors, info, input_options, load_input
from hushall.formatting import fmt_kr


@click.command("uppfölj")
@input_options
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@click.option("--out", type=click.Path(path_type=Path), help="Mapp för uppfoljning.xlsx, CSV och diagram.")
@click.option("--planera-om", "replan_", is_flag=True,
              help="Planera om från i dag: avslutade projekt är sjunkna, pågående bundna med sin kvarvarande "
                   "kostnad; optimeringen planerar resten och visar vad som flyttats och varför.")
@click.option("--beslutad-plan", "decided_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Den beslutade planen (.xlsx eller .csv med projekt_id och startår) att jämföra med. Utan den "
                   "jämförs med den optimerade planen utan utfallen.")
@click.option("--leveranstak", is_flag=True,
              help="Begränsa varje nämnds investeringar till det mesta den byggt på ett år enligt utfallen (en "
                   "rad leveranstak_nämnd_kr i fliken Mål gäller före).")
@click.option("--time-limit", type=click.FloatRange(min=1.0), default=60.0, show_default=True,
              help="Tidsgräns i sekunder för omplaneringen.")
@handle_errors
def uppfolj(path: Path | None, use_example: bool, as_json: bool, out: Path | None, replan_: bool,
            decided_file: Path | None, leveranstak: bool, time_limit: float) -> None:
    """Uppföljning: budget, utfall, ombudgetering och genomförandegrad per år och nämnd; försenade och fördyrade
    projekt; uppmätt genomförandegrad och kostnadsavvikelse (fliken Utfall). Med --planera-om: en ny plan från
    i dag med det som är avslutat eller pågår låst."""
    data = load_input(path, use_example)
    from hushall.followup import follow_up, measured_rates
    from hushall.reports.followup import followup_summary, to_json_dict, write_followup_outputs

    follow = follow_up(data)
    if follow.empty:
        info("Arbetsboken har inga utfall (fliken Utfall saknas eller är tom): det finns inget att följa upp. "
             "Fyll i fliken Utfall (se 'hushall template') och kör igen.")
        raise SystemExit(1)
    rates = measured_rates(follow)
    if replan_:
        _replan(data, out, as_json, decided_file, leveranstak, time_limit)
        return
    if as_json:
        emit_json(to_json_dict(follow, rates))
    else:
        click.echo(followup_summary(follow, rates, data.name))
    if out is not None:
        written = write_followup_outputs(follow, rates, out)
        info(f"Skrev {len(written)} filer till {out}.")


def _replan(data: Any, out: Path | None, as_json: bool, decided_file: Path | None, delivery: bool,
            time_limit: float) -> None:
    import pandas as pd

    from hushall.errors import SolverError
    from hushall.optimize.replan import replan
    from hushall.reports.followup import replan_summary, write_replan_outputs
    from hushall.reports.optimization import describe_optimization, plan_check, write_optimization_outputs

    decided = None
    if decided_file is not None:
        from hushall.projects.plan_file import read_schedule

        decided = dict(read_schedule(decided_file, data))
    info(f"Planerar om från {data.first_year} (tidsgräns {time_limit:g} s) …".replace(".", ","))
    result = replan(data, decided=decided, delivery=delivery, time_limit=time_limit, mip_gap=5e-3)
    if result.result.status == "no_solution":
        raise SolverError(f"{result.result.message} Ge omplaneringen mer tid med --time-limit.")
    plan = describe_optimization(result.data, result.result)
    check = plan_check(plan)
    worst = float(check["största_skillnad_kr"].max()) if len(check) else 0.0
    if as_json:
        emit_json({"avslutade": list(result.replanning.finished.index),
                   "pågående": list(result.replanning.committed.index),
                   "sjunket_kr": result.replanning.sunk_kr, "bundet_kr": result.replanning.committed_kr,
                   "beslutad_plan": result.decided_source, "ny_plan": result.result.schedule_dict,
                   "ändringar": [{k: (None if v is None or v is pd.NA else (int(v) if k.endswith("start") else v))
                                  for k, v in r.items()} for r in result.changes.to_dict(orient="records")],
                   "prognoskontroll_största_skillnad_kr": worst})
    else:
        click.echo(replan_summary(result))
        click.echo(f"Planen räknad genom prognosen: största skillnad {fmt_kr(worst, 2 if worst < 1 else 0)}.")
    if out is not None:
        written = write_replan_outputs(result, out)
        written += write_optimization_outputs(plan, out / "plan")
        info(f"Skrev {len(written)} filer till {out}.")


__all__ = ["uppfolj"]
