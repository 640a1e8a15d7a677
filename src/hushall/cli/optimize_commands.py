"""``hushall optimize``: the best investment plan under every target, explained.

Register in :mod:`hushall.cli.main` with ``cli.add_command(optimize)``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hushall.cli.common import (
    balanced_budget_option,
    emit_json,
    handle_errors,
    info,
    input_options,
    load_input,
    output_folder,
    renewal_decisions_option,
)
from hushall.study.request import DEFAULT_EXPLAIN_S, DEFAULT_TIME_LIMIT_S, balanskrav_mode
from hushall.study.request import DEFAULT_MIP_GAP as DEFAULT_GAP


def run_optimization(data: Any, *, time_limit: float = DEFAULT_TIME_LIMIT_S, gap: float = DEFAULT_GAP,
                     explain_s: float = DEFAULT_EXPLAIN_S, candidates: bool = False, max_explained: int = 12,
                     say: Callable[[str], None] = info, renewal_decisions: bool | None = None,
                     balanced_budget: bool = False) -> Any:
    """Optimise ``data`` with progress on stderr and describe the result (forecast of the plan, reasons).

    ``balanced_budget`` asks every plan year's balanskravsresultat to be at least zero (KL 11 kap. 5 §: the
    optimiser's ``balanskrav="balanced"``); by default a deficit is allowed when it is restored within three years
    (12 §), and the verdict names the deficit years. Used by ``hushall optimize`` and ``hushall demo``; returns
    :class:`hushall.reports.optimization.OptimizedPlan`.
    """
    from hushall.optimize import optimize, stderr_progress
    from hushall.reports.optimization import describe_optimization

    if candidates:
        from hushall.optimize import with_candidates

        # the generated projects join sheet Projekt, so the forecast and the reports know them too
        n_before = len(data.projects)
        data = with_candidates(data)
        say(f"Kandidatprojekt ur behovsanalysen: {len(data.projects) - n_before} st läggs till fliken Projekt.")
    say(f"Optimerar (tidsgräns {time_limit:g} s, gap {100 * gap:g} %, förklaringar högst {explain_s:g} s) …"
        .replace(".", ","))
    result = optimize(data, time_limit=time_limit, mip_gap=gap, progress=stderr_progress(),
                      explain=explain_s > 0, explain_options={"total_time": explain_s, "max_projects": max_explained},
                      renewal_decisions=renewal_decisions, balanskrav=balanskrav_mode(balanced_budget))
    say(f"Klart: {result.message}")
    if renewal_decisions is False:  # when the optimiser decided it, the summary says so (RENEWAL_DECIDED_TEXT)
        say("Reinvesteringen följer policyn i fliken Antaganden (--ingen-reinvesteringsbeslut).")
    if result.status == "no_solution":
        raise no_plan_error(data, result, time_limit)
    plan = describe_optimization(data, result)
    if not balanced_budget and not plan.verdict.budget_balances:
        from hushall.finance.verdict import BUDGET_BALANCE_LAW

        years = ", ".join(str(d.year) for d in plan.verdict.deficits)
        say(f"Planen har underskott i budgeten {years} (balanskravsresultat under noll). En plan med budget i balans "
            f"varje år ({BUDGET_BALANCE_LAW}): hushall optimize --budget-i-balans.")
    return plan


def no_plan_error(data: Any, result: Any, time_limit: float) -> Exception:
    """The error to stop with when the optimiser returned no plan: the conflicting projects when no plan exists,
    else the time limit to raise."""
    from hushall.errors import DataValidationError, SolverError
    from hushall.model.relations import project_conflicts

    if result.proven_infeasible:
        conflicts = project_conflicts(data)
        if conflicts:
            return DataValidationError(conflicts)
        must = [str(p) for p, m in zip(data.projects["project_id"], data.projects["must_do"], strict=True)
                if isinstance(m, bool) and m]
        return SolverError(f"{result.message} Kontrollera villkoren för de måste-märkta projekten "
                           f"({', '.join(must) or 'inga'}) och projekt med fast startår.")
    return SolverError(f"{result.message} ({time_limit:g} s). Ge optimeringen mer tid med --time-limit.")


@click.command("optimize")
@input_options
@click.option("--time-limit", type=click.FloatRange(min=1.0), default=DEFAULT_TIME_LIMIT_S, show_default=True,
              help="Tidsgräns i sekunder för lösningen.")
@click.option("--gap", type=click.FloatRange(min=0.0, max=1.0), default=DEFAULT_GAP, show_default=True,
              help="Sluta när planen bevisat ligger inom denna andel från det bästa möjliga (0,005 = 0,5 %).")
@click.option("--explain-time", "explain_s", type=click.FloatRange(min=0.0), default=DEFAULT_EXPLAIN_S,
              show_default=True, help="Sekunder för förklaringarna (0 = inga omräkningar).")
@click.option("--candidates", is_flag=True,
              help="Lägg till projekt som genereras ur behovsanalysen (förnyelser, kapacitet) till fliken Projekt.")
@renewal_decisions_option()
@balanced_budget_option()
@click.option("--installningar", "settings_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Inställningar som på sidan Prioritera (JSON: kriterievikter, investeringsram, skattesats, "
                   "mål, budget i balans); filen laddas ner där med 'Ladda ner inställningarna'.")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Mapp för plan.xlsx, CSV och diagram.")
@handle_errors
def optimize(path: Path | None, use_example: bool, time_limit: float, gap: float, explain_s: float,
             candidates: bool, renewal_decisions: bool | None, balanced_budget: bool, settings_path: Path | None,
             as_json: bool, out: Path | None) -> None:
    """Den bästa investeringsplanen inom målen för god ekonomisk hushållning, med förklaringar."""
    data = load_input(path, use_example)
    if settings_path is not None:
        from hushall.study.settings import apply_settings, read_settings, renewal_decisions_of

        settings = read_settings(settings_path, data)
        data = apply_settings(data, settings)
        if renewal_decisions is None:  # the command line's choice wins over the file's
            renewal_decisions = renewal_decisions_of(settings)
        balanced_budget = balanced_budget or bool(settings.get("balanced_budget"))
        info(f"Inställningar ur {settings_path.name} (som på sidan Prioritera).")
    out = output_folder(out)
    plan = run_optimization(data, time_limit=time_limit, gap=gap, explain_s=explain_s, candidates=candidates,
                            renewal_decisions=renewal_decisions, balanced_budget=balanced_budget)
    from hushall.reports.optimization import optimization_summary, plan_check, write_optimization_outputs

    if as_json:
        if plan.result.renewal is not None:  # the terminal summary says it otherwise
            from hushall.reports.optimization import RENEWAL_DECIDED_TEXT

            info(RENEWAL_DECIDED_TEXT)
        doc = plan.result.to_json_dict()
        check = plan_check(plan)
        doc["forecast_check_max_diff_kr"] = float(check["största_skillnad_kr"].max()) if len(check) else None
        emit_json(doc)
    else:
        click.echo(optimization_summary(plan))
    if out is not None:
        files = write_optimization_outputs(plan, out)
        info(f"Skrev {len(files)} filer till {out}/")


__all__ = ["optimize", "run_optimization"]
