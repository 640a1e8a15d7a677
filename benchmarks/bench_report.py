"""Benchmark of the plan document (not part of the test run): the requirement is ≤ 10 s for Exempelkommun.

Prints, for Exempelkommun and its optimised plan (as ``hushall report --example`` makes it):

1. import and loading the example, and the machine's load;
2. the optimiser (:func:`hushall.optimize.optimize` with explanations and the ranking comparison, as ``hushall
   report`` runs it), once — apart from the document: its time is the optimiser's, not the document's;
3. preparing the document (needs analysis, forecast, maintenance debt with the plan, Monte Carlo with 2 000 draws);
4. writing the workbook and rendering the PDF (charts with vl-convert, page layout with fpdf2), per step;
5. the plan study with that optimiser result (:func:`hushall.study.run_study`: needs, forecast, Monte Carlo)
   and :func:`hushall.reports.document.build_plan_document`, first and median of ``--repeat`` runs, with the
   page count and file sizes.

``--decided`` lays out the decided projects instead (no optimiser; the figures before the optimiser existed).

Run: ``python benchmarks/bench_report.py [--repeat 3] [--out DIR] [--draws 2000] [--time-limit 60] [--decided]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

t_import = time.perf_counter()
from hushall.cli.report_commands import plan_request  # noqa: E402
from hushall.examples import exempelkommun  # noqa: E402
from hushall.reports.document import (  # noqa: E402
    build_plan_document,
    prepare_document,
    render_plan_pdf,
    write_plan_workbook,
)
from hushall.scenarios import simulate  # noqa: E402
from hushall.study.request import PlanRequest  # noqa: E402
from hushall.study.study import run_study  # noqa: E402

t_import = time.perf_counter() - t_import


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="Keep the files here (default: a temporary folder).")
    parser.add_argument("--draws", type=int, default=2000, help="Monte Carlo draws (0 = no risk analysis).")
    parser.add_argument("--time-limit", type=float, default=60.0, help="the optimiser's time limit (s)")
    parser.add_argument("--decided", action="store_true", help="the decided projects, no optimiser")
    args = parser.parse_args()
    import os

    print(f"machine: {os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          "(1, 5, 15 min)")

    t = time.perf_counter()
    data = exempelkommun()
    t_load = time.perf_counter() - t
    print(f"import of hushall.reports.document: {t_import:6.2f} s")
    print(f"loading Exempelkommun:              {t_load:6.2f} s")

    result = None
    if not args.decided:
        t = time.perf_counter()
        # as `hushall report` runs it (the plan study's optimiser step alone: no Monte Carlo)
        result = run_study(data, plan_request(None, draws=0, time_limit=args.time_limit)).optimization
        t_opt = time.perf_counter() - t
        timings = getattr(result, "timings", {})
        print(f"optimiser (solve {timings.get('solve_s', float('nan')):.1f} s, with explanations and ranking): "
              f"{t_opt:6.2f} s; status {result.status}, gap {result.gap:.3%}, "
              f"{len(result.schedule_dict)} projects")

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        schedule = result.schedule_dict if result is not None else {"P-12": 2025}
        t = time.perf_counter()
        risk = simulate(data, schedule, n_draws=args.draws, seed=1) if args.draws else None
        t_risk = time.perf_counter() - t
        t = time.perf_counter()
        doc = prepare_document(data, optimization=result, risk=risk)
        t_prepare = time.perf_counter() - t
        t = time.perf_counter()
        write_plan_workbook(doc, out / "steg.xlsx")
        t_xlsx = time.perf_counter() - t
        t = time.perf_counter()
        render_plan_pdf(doc, out / "steg.pdf")
        t_pdf = time.perf_counter() - t
        print(f"Monte Carlo ({args.draws} draws):        {t_risk:6.2f} s")
        print(f"prepare (the study's stages, tables): {t_prepare:4.2f} s")
        print(f"workbook:                           {t_xlsx:6.2f} s")
        print(f"PDF (charts and layout):            {t_pdf:6.2f} s")

        times = []
        pdf = xlsx = None
        for _ in range(max(args.repeat, 1)):
            t = time.perf_counter()
            request = PlanRequest(source="optimised" if result is not None else "committed", draws=args.draws)
            study = run_study(data, request, optimization=result)
            pdf, xlsx = build_plan_document(data, study, out)
            times.append(time.perf_counter() - t)
        assert pdf is not None and xlsx is not None
        from pypdf import PdfReader

        pages = len(PdfReader(str(pdf)).pages)
        print(f"build_plan_document, first:         {times[0]:6.2f} s")
        print(f"build_plan_document, median of {len(times)}:   {statistics.median(times):6.2f} s "
              f"(requirement ≤ 10 s; {'decided projects' if result is None else 'optimised plan'}, "
              "optimiser not included)")
        print(f"pages: {pages}; PDF {pdf.stat().st_size / 1e3:,.0f} kB; workbook {xlsx.stat().st_size / 1e3:,.0f} kB")


if __name__ == "__main__":
    main()
