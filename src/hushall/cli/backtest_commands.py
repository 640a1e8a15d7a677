"""``hushall backtest FILE --kommun NAME --basår YEAR``: the financial model against published accounts.

FILE is a CSV in long format (``kommun, year, item, value, unit``; :mod:`hushall.finance.backtest`). The command
starts from the base year, runs the forecast over the following published years with every driver at its default
and with the published outcome of each mechanism fed, and prints soliditet and the result share against the
published figures. Register in :mod:`hushall.cli.main` with ``cli.add_command(backtest)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hushall.cli.common import emit_json, handle_errors


def _pp(x: float) -> str:
    from hushall.formatting import fmt_pp

    return fmt_pp(x, 2)


def backtest_text(bt: Any) -> str:
    """The back-test as Swedish text: the years with everything fed, then the mechanism table."""
    from hushall.formatting import fmt_number, fmt_pct

    case = bt.case
    lines = [f"Återprövning av den ekonomiska modellen: {case.published.kommun}, basår {case.base_year}, "
             f"jämförs med {', '.join(map(str, bt.years))}."]
    lines += [f"  Obs: {note}" for note in bt.notes]
    for title, comp in (("Endast basåret, alla drivare enligt standardvärden", bt.run(())),
                        ("Alla mekanismer matade med utfallet", bt.run())):
        lines += ["", f"{title}:", f"  {'År':<6}{'Soliditet modell':>18}{'publicerad':>12}{'Resultat/skatter modell':>26}"
                  f"{'publicerad':>12}"]
        for i, year in enumerate(comp.years):
            lines.append(f"  {year:<6}{fmt_pct(comp.soliditet_model[i]):>18}{fmt_pct(comp.soliditet_published[i]):>12}"
                         f"{fmt_pct(comp.result_share_model[i]):>26}{fmt_pct(comp.result_share_published[i]):>12}")
        lines.append(f"  Medelabsolutfel: soliditet {_pp(comp.soliditet_mae)}, resultatandel {_pp(comp.result_share_mae)}.")
    lines += ["", "Vilken mekanism stänger hur mycket av gapet (medelabsolutfel, procentenheter):",
              f"  {'Matat':<74}{'Soliditet':>10}{'Resultat':>10}"]
    for label, comp in bt.mechanism_table():
        lines.append(f"  {label:<74}{fmt_number(comp.soliditet_mae * 100, 2):>10}"
                     f"{fmt_number(comp.result_share_mae * 100, 2):>10}")
    return "\n".join(lines)


def backtest_json(bt: Any) -> dict[str, Any]:
    return {
        "kommun": bt.case.published.kommun, "basår": bt.case.base_year, "år": list(bt.years), "antaganden": list(bt.notes),
        "jämförelser": [
            {"matat": label, "fed": list(c.fed), "soliditet_mae": c.soliditet_mae, "resultatandel_mae": c.result_share_mae,
             "soliditet_modell": c.soliditet_model.tolist(), "soliditet_publicerad": c.soliditet_published.tolist(),
             "resultatandel_modell": c.result_share_model.tolist(),
             "resultatandel_publicerad": c.result_share_published.tolist()}
            for label, c in bt.mechanism_table()],
    }


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kommun", required=True, help="Kommunens namn som i kolumnen kommun.")
@click.option("--basår", "base_year", required=True, type=int, help="Basåret prognosen startar från.")
@click.option("--till", "last_year", type=int, default=None, help="Sista år att jämföra (standard: alla).")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@handle_errors
def backtest(file: Path, kommun: str, base_year: int, last_year: int | None, as_json: bool) -> None:
    """Återpröva prognosmodellen mot publicerade bokslut (CSV: kommun, year, item, value, unit)."""
    from hushall.finance.backtest import published_accounts, read_published, setup_backtest

    bt = setup_backtest(published_accounts(read_published(file), kommun), base_year, last_year)
    if as_json:
        emit_json(backtest_json(bt))
    else:
        click.echo(backtest_text(bt))
