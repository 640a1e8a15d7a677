"""Page Uppföljning: budget against outcome, execution rate, named projects and the chart (sheet Utfall)."""

from __future__ import annotations

from typing import Any


def test_followup_page_renders_the_examples_outcomes(reader: Any) -> None:
    r = reader.get("/uppfoljning")
    assert r.status_code == 200
    html = r.text
    for text in ("Uppföljning av investeringarna", 'href="/uppfoljning"', "Genomförandegrad per år och nämnd",
                 "Tekniska nämnden", "U-2201 Ny förskola Solängen", "dyrare än beslutat", "försenat",
                 "ombudgeteras till", "2025"):
        assert text in html, text
    # Swedish formatting: 2022's outcome 23,3 Mkr of 47,5 Mkr = 49 %.
    assert "23,3\u00a0Mkr" in html and "49\u00a0%" in html
    svg = reader.get("/uppfoljning/planerat-och-byggt.svg?version=1")
    assert svg.status_code == 200 and svg.content.lstrip().startswith(b"<svg")
    assert b"Utfall" in svg.content
