"""``hushall befolkning``: a population forecast per district, age and sex into the sheet *Befolkning*.

Register in :mod:`hushall.cli.main` with ``cli.add_command(befolkning)``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from hushall.cli.common import emit_json, handle_errors, info
from hushall.formatting import fmt_number as _fmt


def _summary(comp: Any) -> str:
    lines = ["År    folkmängd   födda   döda  utflyttade  inflyttade  nybyggt"]
    picks = [0, 4, 9, 14, 19, 24, 29, len(comp) - 1]
    for i in sorted({i for i in picks if 0 <= i < len(comp)}):
        r = comp.iloc[i]
        lines.append(f"{int(r['år'])}  {_fmt(r['folkmängd']):>10} {_fmt(r['födda']):>7} {_fmt(r['döda']):>6} "
                     f"{_fmt(r['utflyttade']):>11} {_fmt(r['inflyttade']):>11} {_fmt(r['inflyttade_nybyggt']):>8}")
    return "\n".join(lines)


def _write_out(out: Path, frame: Any, extra: dict[str, Any]) -> None:
    """Write the rows of *Befolkning* (Swedish headers) as .csv, or .xlsx with the components and sources."""
    import pandas as pd

    from hushall.data.schema import TABLES
    from hushall.data.template import save_atomic

    spec = TABLES["population"]
    table = frame.reindex(columns=[c.name for c in spec.columns])
    table.columns = [c.header for c in spec.columns]
    def save(tmp: str) -> None:
        if out.suffix.lower() == ".csv":
            table.to_csv(tmp, index=False, encoding="utf-8")
            return
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            table.to_excel(xw, sheet_name=spec.sheet, index=False)
            for name, df in extra.items():
                df.to_excel(xw, sheet_name=name, index=False)

    out.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(out, save)


@click.command("befolkning")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--scb", "scb_path", type=click.Path(path_type=Path),
              help="SCB:s folkmängd efter region, ålder och kön (CSV eller mapp), t.ex. ../shared/data/scb_2019.")
@click.option("--kommun", help="Kommunens namn i SCB-filen (standard: arbetsbokens kommunnamn).")
@click.option("--bostader", "--bostäder", "housing", type=click.Path(path_type=Path),
              help="Bostadsbyggnadsprogram (.xlsx/.csv): område_id, år, bostadstyp, antal_bostäder.")
@click.option("--antaganden", "overrides", type=click.Path(path_type=Path),
              help="YAML med egna antaganden (samma nycklar som population/defaults/rates.yaml).")
@click.option("--utflyttning", "out_rate", type=click.FloatRange(0.0, 0.5),
              help="Utflyttade per invånare och år (t.ex. 0,045 = 4,5 %).")
@click.option("--inflyttade", "in_movers", type=click.FloatRange(min=0.0),
              help="Inflyttade per år (standard: lika många som flyttar ut första året).")
@click.option("--prognos", "bought", type=click.Path(path_type=Path),
              help="Importera en köpt prognos (Statisticon, SCB …): område × ålder × år, .xlsx eller .csv.")
@click.option("--into", type=click.Path(path_type=Path),
              help="Arbetsbok (.xlsx) eller CSV-mapp vars flik Befolkning ersätts; övriga flikar lämnas orörda.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Skriv prognosen till en egen fil (.xlsx med komponenter och källor, eller .csv).")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON på stdout.")
@handle_errors
def befolkning(path: Path, scb_path: Path | None, kommun: str | None, housing: Path | None,
               overrides: Path | None, out_rate: float | None, in_movers: float | None, bought: Path | None,
               into: Path | None, out: Path | None, as_json: bool) -> None:
    """Befolkningsprognos per område, ettårsklass och kön till fliken Befolkning.

    Kohort-komponentmetoden (dödsrisker och fruktsamhet från SCB 2019, flyttningar efter åldersprofil,
    inflyttade per ny bostad enligt bostadsbyggnadsprogrammet) från SCB:s folkmängd, eller import av en köpt
    prognos med --prognos. PATH är arbetsboken som ger områden, basår och planperiod.
    """
    from hushall.model import load

    if (scb_path is None) == (bought is None):
        raise click.UsageError("Ange antingen --scb (egen prognos) eller --prognos (köpt prognos).")
    if into is None and out is None and not as_json:
        info("Obs: varken --into eller --out angavs; prognosen skrivs bara ut här.")
    t0 = time.perf_counter()
    data = load(path)
    names = dict(zip(data.districts["district_id"].astype(str), data.districts["name"].astype(str), strict=True))
    extra: dict[str, Any] = {}
    if bought is not None:
        from hushall.population.bought import read_bought_forecast

        result = read_bought_forecast(bought, tuple(names), names)
        frame = result.frame
        for line in result.skipped[:10]:
            info(f"Hoppade över {line}")
        totals = frame.groupby("year")["count"].sum()
        doc: dict[str, Any] = {"källa": str(bought), "år": [int(y) for y in totals.index],
                               "folkmängd": [round(float(v), 1) for v in totals], "överhoppade": result.skipped}
        text = "\n".join(f"{int(y)}  {_fmt(v):>10}" for y, v in totals.items())
        missing = [y for y in data.years if y not in set(totals.index)]
        if missing:
            info(f"Varning: den köpta prognosen saknar {len(missing)} av planens år (t.ex. {missing[0]}); "
                 "arbetsboken godkänns inte förrän alla år finns.")
    else:
        from hushall.population.forecast import forecast_from_scb
        from hushall.population.rates import load_rates, read_overrides

        rates = load_rates(read_overrides(overrides) if overrides else None)
        fc = forecast_from_scb(data, scb_path, kommun or data.name, housing_path=housing, rates=rates,  # type: ignore[arg-type]
                               out_rate=out_rate, in_movers=in_movers)
        frame = fc.frame
        doc = fc.to_json_dict()
        comp = fc.components()
        text = _summary(comp)
        import pandas as pd

        extra = {"Komponenter": comp, "Källor": pd.DataFrame(
            [(k, v, "ja" if k in fc.approximations else "nej") for k, v in fc.sources.items()],
            columns=["antagande", "källa", "approximation"])}
        info(f"Startbefolkning: {fc.kommun} 31 december {fc.start_year}, "
             f"{_fmt(float(fc.projection.population[0].sum()))} invånare, fördelad på {len(names)} områden.")
        if fc.approximations:
            info("Approximationer (se källorna): " + ", ".join(fc.approximations) + ".")
    if as_json:
        emit_json(doc)
    else:
        click.echo(text)
    if out is not None:
        _write_out(out, frame, extra)
        info(f"Skrev prognosen till {out}.")
    if into is not None:
        from hushall.data.update import replace_tables

        replace_tables(into, {"population": frame})
        info(f"Ersatte fliken Befolkning i {into} ({len(frame)} rader); övriga flikar är orörda.")
    info(f"Klart på {_fmt(time.perf_counter() - t0, 1)} s.")


__all__ = ["befolkning"]
