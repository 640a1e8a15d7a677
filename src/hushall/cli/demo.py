"""``hushall demo``: everything that exists, run on Exempelkommun."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def run_demo(out: Path, say: Callable[[str], None]) -> list[Path]:
    """Run every stage on the example and write the outputs under ``out``; return the files written."""
    from hushall.data.template import write_template
    from hushall.examples import example_path, exempelkommun
    from hushall.needs import analyse_needs
    from hushall.reports import write_needs_outputs
    from hushall.reports.text import needs_summary

    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    data = exempelkommun()
    say(f"Exempelkommun: {data.summary()}")
    files: list[Path] = []

    from hushall.data.io import read_raw
    from hushall.model.validate import validate_workbook

    frames, _ = validate_workbook(read_raw(example_path()))
    files.append(write_template(out / "exempelkommun.xlsx", frames))
    say("1/3 Behovsanalys …")
    needs = analyse_needs(data)
    say(needs_summary(needs, data))
    files += write_needs_outputs(needs, data, out / "behov")

    from hushall.finance import forecast
    from hushall.projects import ProjectCatalog, Schedule
    from hushall.reports.forecast import forecast_summary, write_forecast_outputs

    say("\n2/3 Långtidsprognos med de beslutade projekten …")
    fc = forecast(data, Schedule.committed(ProjectCatalog.from_data(data)))
    say(forecast_summary(fc, data))
    files += write_forecast_outputs(fc, data, out / "prognos")
    from hushall.cli.report_commands import write_report

    say("\n3/3 Plandokument (PDF och Excel) …")
    files += list(write_report(data, out / "plandokument", plan="beslutade", say=say))

    from hushall.web import DEMO_HINT

    say("\n" + DEMO_HINT)
    say(f"\nKlart på {time.perf_counter() - t0:.1f} s. {len(files)} filer i {out.resolve()}/")
    return files
