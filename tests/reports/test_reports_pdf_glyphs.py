"""No English library warning reaches the user: text the PDF font cannot draw is replaced, not warned of."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest


def test_pdf_text_with_glyphs_the_font_lacks(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    from hushall.reports.pdf_layout import PlanPDF

    pdf = PlanPDF("Plan")
    pdf.add_page()
    with caplog.at_level(logging.WARNING):
        pdf.paragraph("Skolan \U0001f3eb i 中文 med a\u0308")
        pdf.output(str(tmp_path / "g.pdf"))
    assert not [r for r in caplog.records if r.name.startswith("fpdf")]
    assert pdf.normalize_text("Skolan \U0001f3eb a\u0308") == "Skolan ? ä"
