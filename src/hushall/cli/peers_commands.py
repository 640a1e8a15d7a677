"""``hushall jämför``: the municipality's key figures against municipalities of similar size.

Register in :mod:`hushall.cli.main` with ``cli.add_command(jamfor)``.
"""

from __future__ import annotations

from pathlib import Path

import click

from hushall.cli.common import emit_json, handle_errors, info, input_options, load_input


@click.command("jämför")
@input_options
@click.option("-n", "--antal", "n", type=click.IntRange(1, 50), default=10, show_default=True,
              help="Antal kommuner att jämföra med (de närmaste i folkmängd).")
@click.option("--kommun", "scb_name", help="Kommunens namn i SCB:s tabeller (standard: arbetsbokens namn).")
@click.option("--kolada", is_flag=True,
              help="Hämta färskare nyckeltal från Kolada (nätverk; sparas i en lokal cache och används därifrån "
                   "när nätet saknas).")
@click.option("--offline", is_flag=True, help="Med --kolada: använd bara cachen.")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@handle_errors
def jamfor(path: Path | None, use_example: bool, n: int, scb_name: str | None, kolada: bool, offline: bool,
           as_json: bool) -> None:
    """Jämför kommunens nyckeltal med kommuner av liknande storlek (SCB 2019, valfritt Kolada)."""
    data = load_input(path, use_example)
    from hushall.peers import compare_with_peers
    from hushall.reports.peers import peers_summary

    comparison = compare_with_peers(data, n=n, scb_name=scb_name)
    if comparison.scb_name is None:
        info(f"Obs: {scb_name or data.name!r} finns inte i SCB:s tabell; jämförelsekommunerna väljs efter "
             "arbetsbokens folkmängd. Ange --kommun NAMN för kommunens egna tal 2019.")
    kolada_frame, note = None, ""
    doc = comparison.to_json_dict()
    if kolada:
        from hushall.peers.kolada import KoladaClient, latest_figures

        names = [comparison.scb_name, *comparison.peers.index] if comparison.scb_name else list(comparison.peers.index)
        kolada_frame, fetched = latest_figures(KoladaClient(offline=offline), names)
        years = sorted(set(kolada_frame["år"])) if "år" in kolada_frame else []
        note = (f"Kolada ({', '.join(map(str, years)) or 'inga värden'}): "
                f"{'från cachen, ' if fetched.from_cache else ''}{fetched.age_text()}.")
        info(note)
        doc["kolada"] = {"not": note, "värden": kolada_frame.reset_index().to_dict(orient="records")}
    if as_json:
        emit_json(doc)
    else:
        click.echo(peers_summary(comparison, kolada_frame, note))


__all__ = ["jamfor"]
