"""Charts render to valid PNG and SVG without a browser, and export as Vega-Lite JSON."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hushall.model import MunicipalityData
from hushall.needs import NeedsResult
from hushall.reports.charts import (
    CATEGORY_COLOURS,
    _vl_version,
    capacity_chart,
    maintenance_debt_chart,
    render_chart,
    renewal_chart,
    save_chart,
    save_chart_files,
    to_vega_lite,
)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_texts(path: Path) -> str:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    return " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))


@pytest.mark.parametrize("kind", ["renewal", "debt", "capacity"])
def test_charts_render(kind: str, example: MunicipalityData, example_needs: NeedsResult, tmp_path: Path) -> None:
    chart = {
        "renewal": lambda: renewal_chart(example_needs),
        "debt": lambda: maintenance_debt_chart(example_needs),
        "capacity": lambda: capacity_chart(example_needs, example),
    }[kind]()
    width, height = png_size(save_chart(chart, tmp_path / "diagram.png"))
    assert width > 400
    assert height > 200
    texts = svg_texts(save_chart(chart, tmp_path / "diagram.svg"))
    title = {"renewal": "Förnyelsebehov per år", "debt": "Underhållsskuld om inget förnyas",
             "capacity": "Efterfrågan och kapacitet, platser"}[kind]
    assert title in texts
    spec = json.loads(save_chart(chart, tmp_path / "diagram.json").read_text(encoding="utf-8"))
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    json.dumps(to_vega_lite(chart))


def test_swedish_number_format_in_svg(example_needs: NeedsResult, tmp_path: Path) -> None:
    texts = svg_texts(save_chart(maintenance_debt_chart(example_needs), tmp_path / "skuld.svg"))
    assert "1\u00a0000" in texts  # thousands separated by a no-break space on the axis


def test_small_municipality_charts(small: MunicipalityData, small_needs: NeedsResult, tmp_path: Path) -> None:
    for name, chart in (("a", renewal_chart(small_needs)), ("b", maintenance_debt_chart(small_needs)),
                        ("c", capacity_chart(small_needs, small))):
        png_size(save_chart(chart, tmp_path / f"{name}.png"))


def test_unknown_suffix(small_needs: NeedsResult, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Okänt filformat"):
        save_chart(renewal_chart(small_needs), tmp_path / "diagram.pdf")


def test_fixed_colour_per_category() -> None:
    assert len(set(CATEGORY_COLOURS.values())) == len(CATEGORY_COLOURS)


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_png_from_the_svg_is_what_vega_lite_to_png_draws(example: MunicipalityData, example_needs: NeedsResult,
                                                          tmp_path: Path, scale: float) -> None:
    # Both formats come from one layout: the PNG is rasterised from the SVG, byte for byte vl-convert's own PNG.
    import vl_convert as vlc

    chart = capacity_chart(example_needs, example)
    spec = to_vega_lite(chart)
    direct_png = vlc.vegalite_to_png(spec, vl_version=_vl_version(), scale=scale, allowed_base_urls=[])
    direct_svg = vlc.vegalite_to_svg(spec, vl_version=_vl_version(), allowed_base_urls=[])
    rendered = render_chart(chart, (".png", ".svg"), scale=scale)
    assert rendered[".png"] == direct_png
    assert rendered[".svg"].decode("utf-8") == direct_svg
    png, svg = save_chart_files(chart, tmp_path / "kapacitet", scale=scale)
    assert (png.name, svg.name) == ("kapacitet.png", "kapacitet.svg")
    assert png.read_bytes() == direct_png
    assert svg.read_bytes() == save_chart(chart, tmp_path / "enskild.svg").read_bytes()


def test_the_tests_check_every_chart_against_the_schema_and_the_commands_do_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``HUSHALL_VALIDATE_CHARTS=1`` (set for the whole test run by tests/conftest.py) makes a chart that breaks the
    Vega-Lite schema an error where it is made; without it (``hushall demo``, the web) the check is skipped."""
    import os

    import altair as alt
    from altair.utils.schemapi import SchemaValidationError

    assert os.environ.get("HUSHALL_VALIDATE_CHARTS") == "1"
    wrong = alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x="a:Q")
    wrong.width = "wide"  # not checked here: the width is a number or "container"
    with pytest.raises(SchemaValidationError):
        to_vega_lite(wrong)
    monkeypatch.delenv("HUSHALL_VALIDATE_CHARTS")
    assert to_vega_lite(wrong)["width"] == "wide"
