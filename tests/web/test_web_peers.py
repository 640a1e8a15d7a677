"""Page Jämför: key figures against similar municipalities and the age-structure chart."""

from __future__ import annotations

from typing import Any


def test_peers_page_lists_figures_ratios_and_chart(reader: Any) -> None:
    r = reader.get("/jamfor")
    assert r.status_code == 200
    html = r.text
    for text in ("Jämför med liknande kommuner", "Kommunal skattesats", "Andel 80+ år", "Median, liknande",
                 "Planens nyckeltal", "Soliditet", "av 11", 'href="/jamfor"'):
        assert text in html, text
    assert "\u00a0%" in html  # Swedish percentages
    svg = reader.get("/jamfor/aldersstruktur.svg?version=1")
    assert svg.status_code == 200 and svg.content.lstrip().startswith(b"<svg")
    assert b"80+" in svg.content
