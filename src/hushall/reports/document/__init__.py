"""The plan document the council decides on: a PDF in Swedish and a workbook with every table behind it.

:func:`build_plan_document` renders one plan study (:func:`hushall.study.run_study`: the plan, its forecast, its
needs, the optimiser's result and the Monte Carlo analysis) in six chapters, one module each:

1. *Sammanfattning* (:mod:`~hushall.reports.document.summary`): one page for politicians — what the assets need, what the plan does about it, what it
   costs, and whether god ekonomisk hushållning holds (the targets year by year in one picture);
2. *Behov* (:mod:`~hushall.reports.document.needs`): renewal per category, maintenance debt with and without the plan, places against demand per district;
3. *Planen* (:mod:`~hushall.reports.document.plan`): the projects per year (table and chart) and what was left out and why;
   *Vad kostar valen?* (:mod:`~hushall.reports.document.priorities`), when the study carries a frontier;
4. *Ekonomi* (:mod:`~hushall.reports.document.economy`): resultaträkning, balansräkning, kassaflödesanalys and key ratios per year, against the targets;
5. *Risk* (:mod:`~hushall.reports.document.risk`): the scenarios and the Monte Carlo results when there are any;
6. *Antaganden och källor* (:mod:`~hushall.reports.document.assumptions`): every parameter with its value and source, the data version, the date and the
   version of Hushåll;
7. *Uppföljning av investeringarna*, when the data has outcomes (sheet ``Utfall``): :mod:`hushall.reports.followup`.

What the chapters show is selected once in :mod:`~hushall.reports.document.content` (:class:`PlanDocument`);
:mod:`~hushall.reports.document.workbook` writes the workbook, :mod:`~hushall.reports.document.pdf` lays out the PDF
and :mod:`~hushall.reports.document.layout` holds what the chapters share.

Presentation only: numbers come from the stages and are formatted with :mod:`hushall.formatting`; the
charts are the definitions of :mod:`hushall.reports.charts` and :mod:`hushall.reports.plan_charts`, rendered with
vl-convert (no browser, no network), so the web app shows the same pictures.

Examples
--------
>>> import tempfile
>>> from hushall.examples import exempelkommun
>>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
...     pdf, xlsx = build_plan_document(exempelkommun(), out_dir=tmp)
"""

from __future__ import annotations

from hushall.reports.document.content import (
    AUTO,
    PlanDocument,
    data_fingerprint,
    document_of_study,
    prepare_document,
    study_request,
)
from hushall.reports.document.pdf import (
    build_plan_document,
    plan_dependent_charts,
    plan_document_pdf,
    plan_document_xlsx,
    render_plan_independent_charts,
    render_plan_pdf,
    write_plan_document,
)
from hushall.reports.document.plan import (
    PlanChoice,
    committed_plan,
    given_plan,
    plan_from_optimization,
    plan_of_study,
)
from hushall.reports.document.risk import RISK_LINES, RiskSection, risk_from_monte_carlo, risk_section
from hushall.reports.document.workbook import workbook_number_formats, write_plan_workbook
from hushall.reports.plan_reasons import year_ranges
from hushall.study.request import DEFAULT_DRAWS

__all__ = [
    "AUTO",
    "DEFAULT_DRAWS",
    "RISK_LINES",
    "PlanChoice",
    "PlanDocument",
    "RiskSection",
    "build_plan_document",
    "committed_plan",
    "data_fingerprint",
    "document_of_study",
    "given_plan",
    "plan_dependent_charts",
    "plan_document_pdf",
    "plan_document_xlsx",
    "plan_from_optimization",
    "plan_of_study",
    "prepare_document",
    "render_plan_independent_charts",
    "render_plan_pdf",
    "risk_from_monte_carlo",
    "risk_section",
    "study_request",
    "workbook_number_formats",
    "write_plan_document",
    "write_plan_workbook",
    "year_ranges",
]
