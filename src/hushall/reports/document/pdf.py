"""The plan document as files: the PDF laid out chapter by chapter (with chapter 7, the follow-up, from
:mod:`hushall.reports.followup`) and the workbook, written atomically."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hushall.files import atomic_path
from hushall.model import MunicipalityData
from hushall.reports.document.assumptions import assumptions_chapter
from hushall.reports.document.content import PlanDocument, document_of_study
from hushall.reports.document.economy import economy_chapter, targets_chart
from hushall.reports.document.layout import Charts, render_ahead
from hushall.reports.document.maps import render_needs_map_ahead
from hushall.reports.document.needs import debt_chart, needs_chapter, needs_charts
from hushall.reports.document.plan import investment_chart, plan_chapter, timeline_chart
from hushall.reports.document.priorities import priorities_chapter, priorities_charts
from hushall.reports.document.risk import risk_chapter
from hushall.reports.document.summary import summary_chart, summary_page, title_page
from hushall.reports.document.workbook import write_plan_workbook
from hushall.reports.followup import followup_chapter
from hushall.reports.pdf_layout import PlanPDF, render_toc
from hushall.study.request import PlanRequest
from hushall.study.study import PlanStudy, run_study


def render_plan_pdf(doc: PlanDocument, path: str | Path) -> Path:
    """Lay the document out and write the PDF to ``path`` (atomically)."""
    target = Path(path)
    footer = f"{doc.data.name} · {doc.plan.label} · {doc.date.isoformat()} · data {doc.data_version}"
    pdf = PlanPDF(running_title=f"{doc.title} · {doc.data.name}", footer_note=footer)
    pdf.set_title(f"{doc.title}, {doc.data.name}")
    pdf.set_author(doc.data.name)
    pdf.set_subject(doc.plan.label)
    pdf.set_creation_date(dt.datetime.combine(doc.date, dt.time(12, 0), tzinfo=dt.UTC))
    with tempfile.TemporaryDirectory(prefix="hushall-figurer-") as tmp:
        charts = Charts(Path(tmp))
        title_page(pdf, doc)
        pdf.add_page()
        pdf.insert_toc_placeholder(render_toc, pages=1)
        summary_page(pdf, doc, charts)
        needs_chapter(pdf, doc, charts)
        plan_chapter(pdf, doc, charts)
        priorities_chapter(pdf, doc, charts)
        economy_chapter(pdf, doc, charts)
        risk_chapter(pdf, doc, charts)
        assumptions_chapter(pdf, doc)
        followup_chapter(pdf, doc.data, charts, number=7)
        with atomic_path(target) as tmp_pdf:
            pdf.output(str(tmp_pdf))
    return target


def plan_dependent_charts(doc: PlanDocument) -> list[Any]:
    """The charts of the document that depend on the plan, in the order the document shows them (the summary's,
    chapters 2-5): for rendering them ahead (``hushall report`` draws the last of them while its child lays out
    the pages before them, :meth:`hushall.cli.document_child.DocumentWorker.render_here`)."""
    charts = [summary_chart(doc), debt_chart(doc), timeline_chart(doc), investment_chart(doc),
              *priorities_charts(doc), targets_chart(doc), *doc.risk.charts.values()]
    return [c for c in charts if c is not None]


def render_plan_independent_charts(data: MunicipalityData, needs: Any) -> None:
    """Render ahead, into the chart cache, the document's charts that depend only on the data: chapter 2's renewal
    and places (:func:`~hushall.reports.document.needs.needs_charts`) and chapter 7's planned against built — about
    a fifth of the PDF's CPU on the example. For a thread while the optimiser solves (``hushall report``) or the
    demo's document child while it waits for the study; :func:`render_plan_pdf` then finds them laid out. Give
    it a copy of the data (``data.replace()``) when another thread works on the same data. ``needs``: the study's
    (:func:`hushall.study.study_needs`)."""
    from hushall.followup import follow_up
    from hushall.reports.followup import planned_vs_built_chart

    charts = list(needs_charts(needs, data))
    follow = follow_up(data)
    if not follow.empty:
        charts.append(planned_vs_built_chart(follow))
    render_ahead(charts)
    render_needs_map_ahead(data, needs)


def build_plan_document(data: MunicipalityData, study: PlanStudy | None = None, out_dir: str | Path = ".", *,
                        data_version: str | None = None, date: dt.date | None = None, stem: str = "plandokument"
                        ) -> tuple[Path, Path]:
    """Write the plan document (``<stem>.pdf``) and the workbook behind it (``<stem>.xlsx``) to ``out_dir``.

    Parameters
    ----------
    data
        The validated municipality.
    study
        The plan study to show (:func:`hushall.study.run_study`); ``None``: the committed projects with the
        Monte Carlo analysis of the study's defaults.
    out_dir
        Folder for the two files (created when missing).
    data_version
        Shown in the document; default a fingerprint of the data (:func:`data_fingerprint`).
    date
        The document's date (default today).

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The PDF and the workbook.
    """
    if study is None:
        study = run_study(data, PlanRequest(source="committed"))
    doc = document_of_study(data, study, data_version=data_version, date=date)
    return write_plan_document(doc, out_dir, stem=stem)


def write_plan_document(doc: PlanDocument, out_dir: str | Path, *, stem: str = "plandokument") -> tuple[Path, Path]:
    """Write a prepared document (:func:`document_of_study`) as ``<stem>.pdf`` and ``<stem>.xlsx``."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = write_plan_workbook(doc, folder / f"{stem}.xlsx")
    pdf = render_plan_pdf(doc, folder / f"{stem}.pdf")
    return pdf, xlsx


def plan_document_pdf(data: MunicipalityData, study: PlanStudy, **kwargs: Any) -> bytes:
    """The plan document of a study as PDF bytes (for a download in the web app)."""
    with tempfile.TemporaryDirectory(prefix="hushall-pdf-") as tmp:
        doc = document_of_study(data, study, **kwargs)
        return render_plan_pdf(doc, Path(tmp) / "plandokument.pdf").read_bytes()


def plan_document_xlsx(data: MunicipalityData, study: PlanStudy, **kwargs: Any) -> bytes:
    """The workbook behind the plan document of a study as bytes (for a download in the web app)."""
    with tempfile.TemporaryDirectory(prefix="hushall-xlsx-") as tmp:
        doc = document_of_study(data, study, **kwargs)
        return write_plan_workbook(doc, Path(tmp) / "plandokument.xlsx").read_bytes()
