"""``hushall scenarios``: the plan under named scenarios, over thousands of possible futures, and made robust.

Register it in :mod:`hushall.cli.main` with ``cli.add_command(scenarios)``.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click

from hushall.cli.common import (
    emit_json,
    handle_errors,
    info,
    input_options,
    load_input,
    load_schedule,
    output_folder,
)
from hushall.files import protect
from hushall.formatting import fmt_number, fmt_pct

#: ``--plan optimerad``: the optimiser's plan on the baseline, tried under every scenario.
PLAN_OPTIMISED = "optimerad"


@click.command("scenarios")
@input_options
@click.option("--plan", type=click.Path(path_type=Path), metavar="FIL|optimerad",
              help="Plan att pröva: .xlsx/.csv med kolumnerna projekt_id och startår, eller 'optimerad' "
                   "(optimeringens plan i basprognosen, prövad i varje scenario). "
                   "Standard: de projekt som redan är beslutade.")
@click.option("--scenarios", "scenario_file", type=click.Path(path_type=Path),
              help="Egna scenarier: YAML, eller .csv/.xlsx med fliken Scenarier (kolumner: scenario, parameter, "
                   "från_år, till_år, värde, sätt, källa). Läggs till de inbyggda.")
@click.option("--only", "only", multiple=True, metavar="NAMN",
              help="Bara detta scenario (namn eller id, t.ex. 'Hög ränta'); kan upprepas.")
@click.option("--reoptimise", is_flag=True, help="Optimera om planen i varje scenario i stället för att pröva "
                                                 "samma plan.")
@click.option("--montecarlo", is_flag=True, help="Simulera planen över många möjliga framtider.")
@click.option("--draws", type=click.IntRange(1, 100_000_000), default=10_000, show_default=True,
              help="Antal framtider i Monte Carlo.")
@click.option("--seed", type=int, default=1, show_default=True, help="Frö: samma frö ger samma siffror.")
@click.option("--chunk-size", type=click.IntRange(100, 1_000_000), default=10_000, show_default=True,
              help="Framtider som räknas åt gången (minnet); ändrar inga resultat.")
@click.option("--robust", is_flag=True, help="Robust plan: målen ska hålla med sannolikheten --level.")
@click.option("--level", type=click.FloatRange(0.5, 0.999), default=0.9, show_default=True,
              help="Sannolikheten att varje mål håller varje år (för --robust).")
@click.option("--robust-years", type=click.IntRange(1, 50), default=None,
              help="Bara planens första N år måste hålla (för --robust). Standard: alla år.")
@click.option("--planner", type=click.Choice(["optimering", "girig"]), default="optimering", show_default=True,
              help="Hur planen tas fram vid --reoptimise och --robust: optimeringen (MILP) eller en snabb "
                   "girig heuristik.")
@click.option("--time-limit", type=click.FloatRange(1, 3600), default=20.0, show_default=True,
              help="Sekunder per optimering (--plan optimerad, --reoptimise, --robust).")
@click.option("--scheduler", metavar="tcp://VÄRD:PORT",
              help="Kör omoptimeringarna på ett befintligt Dask-kluster. Standard: lokalt.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Antal lokala Dask-arbetare för --reoptimise (standard: en per kärna).")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@click.option("--out", type=click.Path(path_type=Path), help="Mapp för scenarier.xlsx, CSV och diagram.")
@handle_errors
def scenarios(path: Path | None, use_example: bool, plan: Path | None, scenario_file: Path | None,
              only: tuple[str, ...], reoptimise: bool, montecarlo: bool, draws: int, seed: int, chunk_size: int,
              robust: bool, level: float, robust_years: int | None, planner: str, time_limit: float,
              scheduler: str | None, workers: int | None, as_json: bool, out: Path | None) -> None:
    """Scenarier och risk: planen i namngivna scenarier sida vid sida, i tusentals möjliga framtider
    (--montecarlo) och robust mot osäkerheten (--robust)."""
    _run(path=path, use_example=use_example, plan=plan, scenario_file=scenario_file, only=only,
         reoptimise=reoptimise, montecarlo=montecarlo, draws=draws, seed=seed, chunk_size=chunk_size, robust=robust,
         level=level, robust_years=robust_years, planner_name=planner, time_limit=time_limit, scheduler=scheduler,
         workers=workers, as_json=as_json, out=out)


def _planner(name: str, time_limit: float) -> Any:
    from hushall.scenarios.robust import OptimiserPlanner, greedy_planner

    return greedy_planner if name == "girig" else OptimiserPlanner(time_limit=time_limit)


def _run(*, path: Path | None, use_example: bool, plan: Path | None, scenario_file: Path | None,
         only: tuple[str, ...], reoptimise: bool, montecarlo: bool, draws: int, seed: int, chunk_size: int,
         robust: bool, level: float, robust_years: int | None, planner_name: str, time_limit: float,
         scheduler: str | None, workers: int | None, as_json: bool, out: Path | None) -> None:
    data = load_input(path, use_example)
    out = output_folder(out)
    from hushall.optimize.linear import native_stdout_to_stderr

    # workers started now inherit the redirection too (HiGHS banners from Dask worker processes)
    guard = native_stdout_to_stderr() if as_json else nullcontext()
    with guard:
        document, comparison, mc, rb = _compute(
            data, path=path, plan=plan, scenario_file=scenario_file, only=only, reoptimise=reoptimise,
            montecarlo=montecarlo, draws=draws, seed=seed, chunk_size=chunk_size, robust=robust, level=level,
            robust_years=robust_years, planner_name=planner_name, time_limit=time_limit, scheduler=scheduler,
            workers=workers)
    if as_json:
        emit_json(document)
    else:
        from hushall.reports.risk_charts import comparison_text, montecarlo_text, robust_text

        parts = [comparison_text(comparison)]
        if mc is not None:
            parts.append(montecarlo_text(mc))
        if rb is not None:
            parts.append(robust_text(rb))
        click.echo("\n\n".join(parts))
    if out is not None:
        from hushall.reports.risk_charts import write_risk_outputs

        files = write_risk_outputs(out, comparison, mc, rb, level=level if robust else None)
        info(f"Skrev {len(files)} filer till {out}/")


def _compute(data: Any, *, path: Path | None, plan: Path | None, scenario_file: Path | None, only: tuple[str, ...],
             reoptimise: bool, montecarlo: bool, draws: int, seed: int, chunk_size: int, robust: bool, level: float,
             robust_years: int | None, planner_name: str, time_limit: float, scheduler: str | None,
             workers: int | None) -> tuple[dict[str, Any], Any, Any, Any]:
    from hushall.needs.reinvestment import reinvestment_path
    from hushall.reports.verdict import reinvestment_text
    from hushall.scenarios import (
        builtin_scenarios,
        compare,
        read_scenarios,
        select,
        simulate,
        workbook_scenarios,
    )
    from hushall.scenarios.distributed import dask_client

    library = builtin_scenarios()
    if path is not None:
        own = workbook_scenarios(path)
        if own:
            info(f"Scenarier från arbetsboken: {', '.join(s.name for s in own.values())}.")
        library.update(own)
    if scenario_file is not None:
        protect(scenario_file)
        extra = read_scenarios(scenario_file)
        info(f"Scenarier från {scenario_file}: {', '.join(s.name for s in extra.values())}.")
        library.update(extra)
    chosen = select(library, list(only)) if only else list(library.values())
    planner = _planner(planner_name, time_limit) if reoptimise else None
    renewal = None  # the optimiser's renewal of the plan when it decided the reinvestment
    if reoptimise:
        schedule = None
    elif plan is not None and str(plan).strip().lower() == PLAN_OPTIMISED:
        from hushall.scenarios.robust import as_choice

        info(f"Optimerar planen i basprognosen ({planner_name}, högst {time_limit:g} s) …")
        choice = as_choice(_planner(planner_name, time_limit)(data))
        schedule, renewal = choice.schedule, choice.renewal
        info(f"Plan: optimerad, {len(schedule)} projekt ({choice.status}); samma plan prövas i varje scenario.")
    else:
        schedule = load_schedule(plan, data)
    document: dict[str, Any] = {}

    use_dask = scheduler is not None or (reoptimise and len(chosen) > 1)
    if use_dask:
        info(f"Dask: {'schemaläggaren ' + scheduler if scheduler else 'lokalt kluster'}.")
    context: Any = dask_client(scheduler, n_workers=workers) if use_dask else nullcontext(None)
    with context as client:
        if reoptimise:
            info(f"Optimerar om planen i {len(chosen) + 1} scenarier ({planner_name}) …")
        comparison = compare(data, chosen, schedule, planner=planner, client=client, renewal=renewal)
    document["comparison"] = comparison.to_json_dict()
    base = comparison.outcomes[0]
    info(f"Reinvestering: {reinvestment_text('plan' if base.renewal_decided else reinvestment_path(data).policy)}.")

    mc = None
    if montecarlo:
        info(f"Monte Carlo: {fmt_number(draws)} framtider (frö {seed}) …")
        # the baseline's plan with its reinvestment: the optimiser's renewal when it decided it
        mc = simulate(data, base.schedule, n_draws=draws, seed=seed, chunk_size=chunk_size,
                      reinvestment_policy=base.renewal)
        document["montecarlo"] = mc.to_json_dict()

    rb = None
    if robust:
        from hushall.scenarios.robust import robust_plan

        info(f"Robust plan ({planner_name}, nivå {fmt_pct(level, 0)}) …")
        rb = robust_plan(data, _planner(planner_name, time_limit), level=level, n_draws=min(draws, 5000),
                         seed=seed, years=robust_years, progress=info)
        document["robust"] = rb.to_json_dict()
    return document, comparison, mc, rb


__all__ = ["scenarios"]
