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


def test_followup_page_shows_the_learned_delivery_capacity(reader: Any) -> None:
    html = reader.get("/uppfoljning").text
    assert "Leveranskapacitet per nämnd" in html
    # Tekniska nämnden built the most in 2023: 4,3 + 3,2 = 7,5 Mkr, in 2024 prices (byggprisindex 2024: +3 %)
    section = html[html.index("Leveranskapacitet per nämnd"):]
    row = section[section.index("Tekniska nämnden"):][:200]
    assert "7,7\u00a0Mkr" in row and "2023" in row
    assert "Kommunstyrelsen" not in section.split("</table>")[0]  # one year of outcomes is too few
