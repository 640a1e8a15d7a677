"""``hushall demo``: everything that exists, run on Exempelkommun.

The demo renders two plan studies (:func:`hushall.study.run_study`): the projects already decided (needs and
forecast) and the optimised plan (optimisation, Monte Carlo, verdict and the plan document); the follow-up of the
investments comes from :mod:`hushall.followup`."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hushall.cli.child import ChildTask, study_process
from hushall.cli.common import EXAMPLE_TIME_LIMIT_S
from hushall.cli.document_child import DocumentWorker
from hushall.formatting import fmt_number

if TYPE_CHECKING:
    from hushall.model import MunicipalityData
    from hushall.optimize.solve import Progress
    from hushall.study.study import PlanStudy

#: The demo's optimisation: a time limit and an explanation budget. The study runs in a child process from the
#: demo's start, beside steps 1-2 (:func:`hushall.cli.child.study_process`), so it costs wall time only where it
#: outlasts them. On the example it stops when the plan is proven within the study's gap (≈ 7 s of CPU: the root
#: node's heuristics find the plan); the limit is a safety net (:data:`hushall.cli.common.EXAMPLE_TIME_LIMIT_S`).
DEMO_TIME_LIMIT_S = EXAMPLE_TIME_LIMIT_S
DEMO_EXPLAIN_S = 10.0
DEMO_EXPLAINED = 12
#: How many of the plan document's last charts the demo draws itself before its steps 3-4
#: (:meth:`hushall.cli.document_child.DocumentWorker.render_last`).
DEMO_CHARTS_DRAWN_HERE = 3
#: Futures in the demo's Monte Carlo (a fraction of a second; ``hushall scenarios --montecarlo`` for more).
DEMO_DRAWS = 5000


def run_demo(out: Path, say: Callable[[str], None]) -> list[Path]:
    """Run every stage on the example and write the outputs under ``out``; return the files written."""
    from hushall.examples import exempelkommun

    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    data = exempelkommun()
    say(f"Exempelkommun: {data.summary()}")
    files: list[Path] = []
    # the optimised plan's study in a child process of its own while steps 1-2 write: forked first, as soon as
    # the data is there (it needs none of the reports' modules this process imports next)
    optimised = _start_optimised_study(data)
    # the reports' modules (altair, fpdf, …: ~1 s) imported once, before the next fork, for both processes
    from hushall.data.template import write_template
    from hushall.examples import exempelkommun_frames
    from hushall.reports import write_needs_outputs
    from hushall.reports.text import needs_summary

    # step 5's plan document (the longest step: its charts) is written by a child process beside steps 3-4; it is
    # forked now, before any Vega engine or solver thread exists in this process
    document = DocumentWorker(data, out / "plandokument")

    files.append(write_template(out / "exempelkommun.xlsx", exempelkommun_frames()))
    from hushall.reports.forecast import forecast_summary, write_forecast_outputs
    from hushall.study.request import PlanRequest
    from hushall.study.study import run_study

    # steps 1 and 2 show the study of the projects already decided (no risk analysis: step 4 has it)
    committed = run_study(data, PlanRequest(source="committed", draws=0))
    say("1/5 Behovsanalys …")
    say(needs_summary(committed.needs, data))
    files += write_needs_outputs(committed.needs, data, out / "behov")

    say("\n2/5 Långtidsprognos med de beslutade projekten …")
    fc = committed.require_forecast()
    say(forecast_summary(fc, data))
    files += write_forecast_outputs(fc, data, out / "prognos")
    from hushall.followup import follow_up, measured_rates
    from hushall.reports.followup import followup_summary, write_followup_outputs

    follow = follow_up(data)
    if not follow.empty:
        say("\nUppföljning: vad som byggdes mot vad som planerades (fliken Utfall) …")
        rates = measured_rates(follow)
        say(followup_summary(follow, rates, data.name))
        files += write_followup_outputs(follow, rates, out / "uppfoljning")
    from hushall.optimize import stderr_progress
    from hushall.reports.optimization import describe_study, optimization_summary, write_optimization_outputs
    from hushall.reports.plan_reasons import target_names
    from hushall.reports.risk_charts import montecarlo_text, write_risk_outputs
    from hushall.reports.verdict import verdict_block

    say("\n3/5 Optimering: den bästa planen inom målen, jämförd med rangordning efter nytta per krona …")
    say(f"Optimerar (tidsgräns {DEMO_TIME_LIMIT_S:g} s, förklaringar högst {DEMO_EXPLAIN_S:g} s) …".replace(".", ","))
    study, progress = optimised.result()
    show = stderr_progress()
    for line in progress:  # the solver's progress, as it came, after the lines of steps 1-2
        show(line)
    plan = describe_study(data, study)
    say(f"Klart: {plan.result.message}")
    document.submit(study)
    # the document's last charts drawn here first, while the child lays out the pages before them: it has the
    # longer part after the study (its layout and its charts against steps 3-4's outputs here)
    document.render_last(DEMO_CHARTS_DRAWN_HERE)
    say(optimization_summary(plan))
    files += write_optimization_outputs(plan, out / "optimering")
    document.share_charts()

    say(f"\n4/5 Monte Carlo: den optimerade planen i {fmt_number(DEMO_DRAWS)} möjliga framtider …")
    say(montecarlo_text(study.montecarlo))
    files += write_risk_outputs(out / "risk", None, study.montecarlo, None)
    document.share_charts()
    say("\n" + "\n".join(verdict_block(study.verdict, target_names(data),
                                        title="Den optimerade planen med risken: håller god ekonomisk hushållning?")))

    say("\n5/5 Plandokument (PDF och Excel) för den optimerade planen …")
    files += document.result()

    from hushall.web import DEMO_HINT

    say("\n" + DEMO_HINT)
    say(f"\nKlart på {fmt_number(time.perf_counter() - t0, 1)} s. {len(files)} filer i {out.resolve()}/")
    return files


def _start_optimised_study(data: MunicipalityData) -> ChildTask[tuple[PlanStudy, list[Progress]]]:
    """Start the study of the optimised plan (optimisation, explanations, Monte Carlo, verdict) beside steps 1-2
    (:func:`hushall.cli.child.study_process`). Its progress reports are kept and printed with step 3."""
    from hushall.study.request import PlanRequest

    return study_process(data, PlanRequest(time_limit_s=DEMO_TIME_LIMIT_S, explain_s=DEMO_EXPLAIN_S,
                                           max_explained=DEMO_EXPLAINED, draws=DEMO_DRAWS))
