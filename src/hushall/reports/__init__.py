"""Presentation of results: Swedish number formatting, charts, workbooks, CSV files and text summaries.

Nothing here computes a result; every number comes from the stages before (:mod:`hushall.needs` …).
"""

from __future__ import annotations

from hushall.formatting import fmt_kr, fmt_mkr, fmt_number, fmt_pct, fmt_tkr
from hushall.reports.charts import (
    capacity_chart,
    maintenance_debt_chart,
    renewal_chart,
    save_chart,
    to_vega_lite,
)
from hushall.reports.document import build_plan_document, plan_document_pdf, plan_document_xlsx
from hushall.reports.excel import write_tables_csv, write_tables_xlsx
from hushall.reports.needs import needs_sheets, write_needs_outputs
from hushall.reports.text import needs_summary

__all__ = [
    "build_plan_document",
    "capacity_chart",
    "fmt_kr",
    "fmt_mkr",
    "fmt_number",
    "fmt_pct",
    "fmt_tkr",
    "maintenance_debt_chart",
    "needs_sheets",
    "needs_summary",
    "plan_document_pdf",
    "plan_document_xlsx",
    "renewal_chart",
    "save_chart",
    "to_vega_lite",
    "write_needs_outputs",
    "write_tables_csv",
    "write_tables_xlsx",
]
