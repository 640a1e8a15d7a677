"""``hushall prioritera``: the price of each choice — the plan's value against the investment frame, what each
target costs and at which frame each project enters the plan (:mod:`hushall.study.frontier`).

Register in :mod:`hushall.cli.main` with a line in ``LAZY_COMMANDS``.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from hushall.cli.common import (
    emit_json,
    handle_errors,
    info,
    input_options,
    load_input,
    output_folder,
    renewal_decisions_option,
)
from hushall.study.request import DEFAULT_MIP_GAP

#: Mirrors :data:`hushall.study.frontier.DEFAULT_STEPS` etc. (that module loads the optimiser; start-up stays fast).
DEFAULT_STEPS = 11
DEFAULT_STEP_TIME_S = 4.0
DEFAULT_WORKERS = 2


def check_settings(steps: int, low: float, high: float, time_limit: float, workers: int) -> None:
    """The settings in range, or a Swedish message saying which one and what to give instead."""
    from hushall.errors import HushallError
    from hushall.formatting import fmt_number

    if steps < 2:
        raise HushallError(f"--steg måste vara minst 2 (angivet: {steps}): fronten behöver minst två ramar att "
                           "jämföra. Exempel: --steg 11 ger 50, 60, …, 150 % av dagens ram.")
    if not 0 < low < 1:
        raise HushallError(f"--från måste ligga mellan 0 och 1 (angivet: {fmt_number(low, 2, trim=True)}): en andel "
                           "av dagens ram under 100 %, t.ex. 0,5.")
    if not high > 1:
        raise HushallError(f"--till måste vara större än 1 (angivet: {fmt_number(high, 2, trim=True)}): en andel av "
                           "dagens ram över 100 %, t.ex. 1,5.")
    if time_limit <= 0:
        raise HushallError(f"--tidsgräns måste vara större än 0 sekunder (angivet: {fmt_number(time_limit, 1)}).")
    if workers < 1:
        raise HushallError(f"--processer måste vara minst 1 (angivet: {workers}).")


@click.command("prioritera")
@input_options
@click.option("--steg", "steps", type=int, default=DEFAULT_STEPS, show_default=True,
              help="Antal ramar från --från till --till (dagens ram räknas alltid med).")
@click.option("--från", "low", type=float, default=0.5, show_default=True, help="Minsta ram, andel av dagens.")
@click.option("--till", "high", type=float, default=1.5, show_default=True, help="Största ram, andel av dagens.")
@click.option("--tidsgräns", "time_limit", type=float, default=DEFAULT_STEP_TIME_S, show_default=True,
              help="Sekunder per omräkning (planen vid dagens ram får tre gånger så lång tid).")
@click.option("--processer", "workers", type=int, default=DEFAULT_WORKERS, show_default=True,
              help="Omräkningar som körs samtidigt.")
@click.option("--utan-malpris", "no_prices", is_flag=True, help="Räkna inte vad varje mål kostar.")
@renewal_decisions_option("Låt optimeringen besluta reinvesteringen i varje omräkning (förnya, skjuta upp eller "
                          "avveckla per anläggningsgrupp och år), eller följ policyn i fliken Antaganden.")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Mapp för prioritering.xlsx, CSV och diagram.")
@handle_errors
def prioritera(path: Path | None, use_example: bool, steps: int, low: float, high: float, time_limit: float,
               workers: int, no_prices: bool, renewal_decisions: bool | None, as_json: bool, out: Path | None
               ) -> None:
    """Vad kostar valen? Planens värde mot investeringsramen, målens pris och prioritetsstegen."""
    check_settings(steps, low, high, time_limit, workers)
    data = load_input(path, use_example)
    out = output_folder(out)
    from hushall.formatting import fmt_number
    from hushall.reports.frontier import frontier_lines, write_frontier_outputs
    from hushall.reports.plan_reasons import target_names
    from hushall.study.frontier import compute_frontier

    t0 = time.perf_counter()

    def progress(fraction: float, message: str) -> None:
        info(f"  [{round(100 * fraction):3d} %] {fmt_number(time.perf_counter() - t0, 1):>5} s  {message}")

    info(f"Räknar om planen vid {steps} investeringsramar (högst {fmt_number(time_limit, 1, trim=True)} s var, "
         f"{workers} samtidigt) …")
    frontier = compute_frontier(data, steps=steps, low=low, high=high, time_limit_s=time_limit,
                                mip_gap=DEFAULT_MIP_GAP, workers=workers, prices=not no_prices, progress=progress,
                                renewal_decisions=renewal_decisions)
    names = target_names(data)
    if as_json:
        emit_json(frontier.to_json())
    else:
        click.echo("\n".join(frontier_lines(frontier, names)))
    if out is not None:
        files = write_frontier_outputs(frontier, out, names)
        info(f"Skrev {len(files)} filer till {out}/")


__all__ = ["check_settings", "prioritera"]
