"""Chart definitions of the needs analysis (Altair / Vega-Lite).

One definition serves both outputs: :func:`save_chart` renders it to SVG or PNG with vl-convert (no browser, no
network), and :func:`to_vega_lite` gives the Vega-Lite JSON a web page embeds with vega-embed.

Colours are colour-blind safe and readable in black and white. Facility categories have a fixed colour each, so
a category looks the same in every chart: the viridis ramp, whose lightness rises steadily from the first category
to the last, so that in grey the stacked segments go from dark (top) to light (bottom) in the legend's order,
each outlined in dark grey. Lines use Paul Tol's *muted* scheme; series that must be told apart without colour
(demand and capacity) also differ in dash pattern.

References
----------
P. Tol (2021), *Colour schemes*, SRON/EPS/TN/09-002, https://personal.sron.nl/~pault/ (scheme "muted").
S. van der Walt and N. Smith (2015), *A better default colormap for Matplotlib* (viridis), SciPy 2015.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

from hushall.data.schema import FACILITY_CATEGORIES
from hushall.files import write_bytes_atomic
from hushall.formatting import fmt_mkr
from hushall.model import MunicipalityData
from hushall.needs import NeedsResult
from hushall.reports.labels import CATEGORY_LABELS, ordered_categories

#: Paul Tol's "muted" colours (colour-blind safe) plus pale grey for "övrigt", one per category.
TOL_MUTED: tuple[str, ...] = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#DDDDDD",
)
#: Viridis in ten steps: distinct hues whose lightness rises monotonically (distinct in grey, in this order).
VIRIDIS_10: tuple[str, ...] = (
    "#440154",
    "#482878",
    "#3E4A89",
    "#31688E",
    "#26828E",
    "#1F9E89",
    "#35B779",
    "#6DCD59",
    "#B4DE2C",
    "#FDE725",
)
CATEGORY_COLOURS: dict[str, str] = dict(zip(FACILITY_CATEGORIES, VIRIDIS_10, strict=True))
#: Outline of stacked segments (separates neighbouring light segments, also in black and white).
SEGMENT_OUTLINE = "#333333"

#: Demand and capacity lines: dark blue solid and red dashed (distinct in colour and in black and white).
DEMAND_COLOUR, CAPACITY_COLOUR = "#332288", "#CC6677"

SWEDISH_LOCALE: dict[str, Any] = {
    "number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]},
}

FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"


def _configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    # One ``configure`` call: each of Altair's ``configure_*`` methods deep-copies the whole chart, data included.
    return chart.configure(
        locale=SWEDISH_LOCALE,
        font=FONT,
        background="white",
        axis=alt.AxisConfig(labelFontSize=11, titleFontSize=12, gridColor="#e6e6e6"),
        legend=alt.LegendConfig(labelFontSize=11, titleFontSize=12, labelLimit=260),
        title=alt.TitleConfig(fontSize=15, subtitleFontSize=11, subtitleColor="#444444", anchor="start"),
        view=alt.ViewConfig(stroke=None),
    )


def _category_scale(categories: list[str]) -> alt.Scale:
    """The categories present, each in its own colour; in the schema's order, so lightness rises down the legend
    and down the stack."""
    return alt.Scale(
        domain=[CATEGORY_LABELS.get(c, c) for c in categories],
        range=[CATEGORY_COLOURS.get(c, "#BBBBBB") for c in categories],
    )


def _stacked_by_category(df: pd.DataFrame, x_title: str, y_title: str) -> alt.Chart:
    categories = ordered_categories(df["category"])
    order = {c: i for i, c in enumerate(categories)}
    data = pd.DataFrame(
        {
            "år": df["year"].astype(int).astype(str).to_numpy(),
            "kategori": [CATEGORY_LABELS.get(c, c) for c in df["category"]],
            "ordning": [order[c] for c in df["category"]],
            "mkr": df["amount_kr"].to_numpy(dtype=float) / 1e6,
        }
    )
    data = data[data["mkr"] != 0]
    return (
        alt.Chart(data)
        .mark_bar(stroke=SEGMENT_OUTLINE, strokeWidth=0.6)
        .encode(
            x=alt.X("år:O", title=x_title, axis=alt.Axis(labelAngle=-90, labelOverlap=False)),
            y=alt.Y("sum(mkr):Q", title=y_title, axis=alt.Axis(format=",.2~f")),
            color=alt.Color("kategori:N", title="Kategori (uppifrån)", scale=_category_scale(categories),
                            sort=[CATEGORY_LABELS.get(c, c) for c in categories],
                            legend=alt.Legend(symbolStrokeColor=SEGMENT_OUTLINE, symbolStrokeWidth=0.6)),
            # The first category on top, as in the legend.
            order=alt.Order("ordning:Q", sort="descending"),
            tooltip=[
                alt.Tooltip("år:O", title="År"),
                alt.Tooltip("kategori:N", title="Kategori"),
                alt.Tooltip("sum(mkr):Q", title="Mkr", format=",.1f"),
            ],
        )
    )


def renewal_chart(result: NeedsResult, *, width: int = 640, height: int = 320) -> alt.TopLevelMixin:
    """Renewal need per year: stacked bars by facility category (when lives run out, overdue components in the
    first plan year) and a line for the expected need with Weibull distributed lifetimes. Mkr in the prices of
    the price base year.
    """
    bars = _stacked_by_category(
        result.renewal_by_year_category, "År", f"Mkr ({result.price_base_year} års priser)"
    )
    expected = pd.DataFrame(
        {
            "år": result.renewal_expected_by_year["year"].astype(int).astype(str).to_numpy(),
            "mkr": result.renewal_expected_by_year["amount_kr"].to_numpy(dtype=float) / 1e6,
            "serie": "Förväntat (spridda livslängder)",
        }
    )
    line = (
        alt.Chart(expected)
        .mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(color="black", size=20))
        .encode(
            x="år:O",
            y="mkr:Q",
            color=alt.Color("serie:N", title=None, scale=alt.Scale(range=["black"]),
                            legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5, orient="top")),
            tooltip=[alt.Tooltip("år:O", title="År"), alt.Tooltip("mkr:Q", title="Förväntat, Mkr", format=",.1f")],
        )
    )
    chart = alt.layer(bars, line).resolve_scale(color="independent").properties(
        width=width,
        height=height,
        title=alt.Title(
            "Förnyelsebehov per år",
            subtitle=[
                "Staplar: komponenter förnyas när livslängden har löpt ut; "
                f"underhållsskulden ({fmt_mkr(result.maintenance_debt_kr)}) ligger i första planåret.",
                "Linje: förväntat behov när livslängderna sprids kring den tekniska livslängden (Weibull).",
            ],
        ),
    )
    return _configure(chart)


def maintenance_debt_chart(result: NeedsResult, *, width: int = 640, height: int = 300) -> alt.TopLevelMixin:
    """Maintenance debt if nothing is renewed, from the base year through the plan, stacked by category (Mkr)."""
    bars = _stacked_by_category(
        result.maintenance_debt_by_year_category, "År", f"Mkr ({result.price_base_year} års priser)"
    )
    chart = bars.properties(
        width=width,
        height=height,
        title=alt.Title(
            "Underhållsskuld om inget förnyas",
            subtitle=[
                "Återanskaffningsvärdet av komponenter vars livslängd har löpt ut. "
                f"Nu ({result.base_year}): {fmt_mkr(result.maintenance_debt_kr)}.",
            ],
        ),
    )
    return _configure(chart)


def _two_lines(label: str, width: int = 22) -> str:
    """Break a header label into at most two lines (Vega draws ``\\n``-split arrays as lines)."""
    if len(label) <= width or " " not in label:
        return label
    cut = label.rfind(" ", 0, width + 1)
    cut = cut if cut > 0 else label.find(" ")
    return label[:cut] + "\n" + label[cut + 1 :]


def capacity_chart(
    result: NeedsResult, data: MunicipalityData, *, panel_width: int = 160, panel_height: int = 80
) -> alt.TopLevelMixin:
    """Demand and capacity (places) per year: one column per service, one row for the whole municipality and
    one per district. Demand is a solid line, capacity a dashed line, a deficit is shaded; each panel has its
    own scale.
    """
    districts = {str(k): str(v) for k, v in zip(data.districts["district_id"], data.districts["name"], strict=True)}
    services = {str(k): _two_lines(str(v)) for k, v in zip(data.services["service_id"], data.services["name"],
                                                            strict=True)}
    total_label = "Hela kommunen"
    cap = result.capacity
    tot = result.capacity_totals
    wide = pd.concat(
        [
            pd.DataFrame({
                "område": [districts.get(d, d) for d in cap["district_id"]],
                "tjänst": [services.get(s, s) for s in cap["service_id"]],
                "år": cap["year"].to_numpy(dtype=int),
                "Efterfrågan": cap["demand"].to_numpy(dtype=float),
                "Kapacitet": cap["capacity"].to_numpy(dtype=float),
            }),
            pd.DataFrame({
                "område": total_label,
                "tjänst": [services.get(s, s) for s in tot["service_id"]],
                "år": tot["year"].to_numpy(dtype=int),
                "Efterfrågan": tot["demand"].to_numpy(dtype=float),
                "Kapacitet": tot["capacity"].to_numpy(dtype=float),
            }),
        ],
        ignore_index=True,
    )
    # Shade a deficit only where the district has places: without any, the service is given elsewhere.
    wide["topp"] = wide[["Efterfrågan", "Kapacitet"]].max(axis=1).where(wide["Kapacitet"] > 0, 0.0)
    # A district with neither places nor demand for a service would only add an empty panel.
    activity = wide.groupby(["område", "tjänst"])[["Efterfrågan", "Kapacitet"]].transform("sum").sum(axis=1)
    wide = wide[activity > 0]
    district_order = [total_label, *districts.values()]
    service_order = list(services.values())
    series = ["Efterfrågan", "Kapacitet"]
    fold: list[str | alt.FieldName] = list(series)
    x = alt.X("år:Q", title=None, scale=alt.Scale(domain=[int(wide["år"].min()), int(wide["år"].max())],
                                                   nice=False),
              axis=alt.Axis(format="d", tickCount=4, labelFlush=True))
    deficit = (
        alt.Chart()
        .mark_area(color=CAPACITY_COLOUR, opacity=0.25)
        .encode(x=x, y=alt.Y("Kapacitet:Q"), y2=alt.Y2("topp:Q"))
    )
    lines = (
        alt.Chart()
        .transform_fold(fold, as_=["serie", "platser"])
        .mark_line(strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("platser:Q", title=None, scale=alt.Scale(zero=True), axis=alt.Axis(format=",.2~f", tickCount=3)),
            color=alt.Color("serie:N", title=None, legend=alt.Legend(orient="top", symbolStrokeWidth=2),
                            scale=alt.Scale(domain=series, range=[DEMAND_COLOUR, CAPACITY_COLOUR])),
            strokeDash=alt.StrokeDash("serie:N", title=None, legend=alt.Legend(orient="top"),
                                      scale=alt.Scale(domain=series, range=[[1, 0], [6, 3]])),
            tooltip=[
                alt.Tooltip("område:N", title="Område"),
                alt.Tooltip("tjänst:N", title="Tjänst"),
                alt.Tooltip("år:Q", title="År", format="d"),
                alt.Tooltip("serie:N", title="Serie"),
                alt.Tooltip("platser:Q", title="Platser", format=",.1f"),
            ],
        )
    )
    chart = (
        alt.layer(deficit, lines)
        .properties(width=panel_width, height=panel_height)
        .facet(
            data=wide,
            row=alt.Row("område:N", title=None, sort=district_order,
                        header=alt.Header(labelAngle=0, labelAlign="left", labelOrient="left", labelLimit=130,
                                          labelPadding=70, labelFontSize=12, labelFontWeight="bold")),
            column=alt.Column("tjänst:N", title=None, sort=service_order,
                              header=alt.Header(labelExpr="split(datum.label, '\\n')", labelLimit=panel_width,
                                                labelFontSize=12, labelFontWeight="bold")),
        )
        .resolve_scale(y="independent")
        .properties(
            title=alt.Title(
                "Efterfrågan och kapacitet, platser",
                subtitle=[
                    "Efterfrågan = befolkningen i åldersgruppen × täckningsgrad; kapacitet = platser i dagens "
                    "anläggningar.",
                    "Skuggat: underskott där området har platser. Varje ruta har egen skala.",
                ],
            )
        )
    )
    return _configure(chart)


#: Environment variable: ``1`` checks every chart's specification against the Vega-Lite schema as it is made.
VALIDATE_ENV = "HUSHALL_VALIDATE_CHARTS"


def to_vega_lite(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart as a Vega-Lite specification (a JSON-ready dict) for embedding in a web page — every chart of
    Hushåll is converted here. altair's check against the Vega-Lite schema is half of the conversion's time
    (``hushall demo``: 0.3 s of 0.7 s in each of its processes) and finds nothing in charts the tests have drawn,
    so it runs only where ``HUSHALL_VALIDATE_CHARTS=1``: the test suite sets it (``tests/conftest.py``), so every
    chart the tests draw, in their processes and in the commands they run, is checked."""
    spec: dict[str, Any] = chart.to_dict(validate=os.environ.get(VALIDATE_ENV) == "1")
    return spec


_ENGINE = {"started": False}


def converter() -> Any:
    """vl-convert, for every conversion in Hushåll (charts and the map), so that :func:`vega_engine_started` knows
    whether its engine has run in this process."""
    _ENGINE["started"] = True
    return vlc


def start_engine() -> None:
    """Start vl-convert's engine now (~0.6 s of CPU on its first conversion), e.g. in a thread while the optimiser
    runs, so the first chart does not wait for it."""
    converter().vegalite_to_svg({"mark": "point", "data": {"values": [{"a": 1}]}}, allowed_base_urls=[])


def vega_engine_started() -> bool:
    """Whether vl-convert has converted anything in this process through :func:`converter`: its engine's threads
    do not survive a ``fork`` (a child forked after it had run hung); importing it starts no thread."""
    return _ENGINE["started"]


def _vl_version() -> str | None:
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


#: Rendered charts by their Vega-Lite specification (JSON text): the SVG under ``(key, "svg")``, the PNG under
#: ``(key, scale)``. A chart drawn for the output folders and again for the PDF is laid out and rasterised once.
#: Bounded; an SVG of these charts is at most a few hundred kB, a PNG at scale 2 about as much.
_CHART_CACHE: dict[tuple[str, str | float], str | bytes] = {}
_CHART_CACHE_SIZE = 128
_CHART_CACHE_LOCK = threading.Lock()  # the web app renders documents in worker threads


#: Where charts rendered elsewhere arrive from (:func:`add_chart_source`), asked on every cache miss.
_CHART_SOURCES: list[Callable[[], dict[tuple[str, str | float], str | bytes]]] = []


def add_chart_source(source: Callable[[], dict[tuple[str, str | float], str | bytes]]) -> None:
    """Ask ``source()`` for charts rendered elsewhere (another process: the demo's document child hears of the
    parent's) before rendering one that is not in the cache; it returns them without waiting (``{}``: none)."""
    _CHART_SOURCES.append(source)


def _cached(key: tuple[str, str | float], make: Callable[[], str | bytes]) -> Any:
    with _CHART_CACHE_LOCK:
        hit = _CHART_CACHE.get(key)
    if hit is None and _CHART_SOURCES:
        for source in _CHART_SOURCES:
            add_rendered_charts(source())
        with _CHART_CACHE_LOCK:
            hit = _CHART_CACHE.get(key)
    if hit is None:
        hit = make()
        with _CHART_CACHE_LOCK:
            while len(_CHART_CACHE) >= _CHART_CACHE_SIZE:
                _CHART_CACHE.pop(next(iter(_CHART_CACHE)))
            _CHART_CACHE[key] = hit
    return hit


def rendered_charts() -> dict[tuple[str, str | float], str | bytes]:
    """A copy of the charts rendered in this process (for :func:`add_rendered_charts` in another process: the
    demo hands them to the child that writes the plan document)."""
    with _CHART_CACHE_LOCK:
        return dict(_CHART_CACHE)


def add_rendered_charts(charts: dict[tuple[str, str | float], str | bytes]) -> None:
    """Add charts rendered elsewhere (:func:`rendered_charts`) to this process's cache."""
    with _CHART_CACHE_LOCK:
        for key, value in charts.items():
            _CHART_CACHE.setdefault(key, value)
        while len(_CHART_CACHE) > _CHART_CACHE_SIZE:
            _CHART_CACHE.pop(next(iter(_CHART_CACHE)))


def _svg(spec: dict[str, Any]) -> str:
    key = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    svg: str = _cached((key, "svg"), lambda: converter().vegalite_to_svg(spec, vl_version=_vl_version(),
                                                                   allowed_base_urls=[]))
    return svg


def _png(spec: dict[str, Any], scale: float) -> bytes:
    key = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    png: bytes = _cached((key, float(scale)), lambda: bytes(converter().svg_to_png(_svg(spec), scale=scale)))
    return png


def svg_png(svg: str, scale: float = 2.0) -> bytes:
    """An SVG of our own (a map, :mod:`hushall.reports.map`) rasterised at ``scale`` (vl-convert's resvg), kept in
    the chart cache under the SVG itself: drawn once, ahead or by another process (:func:`add_rendered_charts`),
    and found when the document lays it out."""
    png: bytes = _cached(("svg:" + svg, float(scale)), lambda: bytes(converter().svg_to_png(svg, scale=scale)))
    return png


def render_chart(chart: alt.TopLevelMixin, suffixes: tuple[str, ...], *, scale: float = 2.0) -> dict[str, bytes]:
    """The chart's file contents for each of ``suffixes`` (``.svg``, ``.png`` at ``scale`` × the nominal size,
    ``.json`` Vega-Lite), from one Vega-Lite specification.

    The PNG is rasterised from the SVG (vl-convert's ``svg_to_png``, the same resvg step ``vegalite_to_png`` ends
    with: the same bytes), so a chart wanted as both is laid out by Vega once.

    Raises
    ------
    ValueError
        For any other suffix.
    """
    unknown = [x for x in suffixes if x not in (".svg", ".png", ".json")]
    if unknown:
        raise ValueError(f"Okänt filformat för diagram: {unknown[0]!r} (använd .svg, .png eller .json).")
    spec = to_vega_lite(chart)
    out: dict[str, bytes] = {}
    for suffix in suffixes:
        if suffix == ".svg":
            out[suffix] = _svg(spec).encode("utf-8")
        elif suffix == ".png":
            out[suffix] = _png(spec, scale)
        else:
            out[suffix] = json.dumps(spec, ensure_ascii=False, indent=1).encode("utf-8")
    return out


def save_chart_files(chart: alt.TopLevelMixin, stem: str | Path, suffixes: tuple[str, ...] = (".png", ".svg"),
                     *, scale: float = 2.0) -> list[Path]:
    """Write the chart to ``stem`` + each suffix (see :func:`render_chart`), each file atomically."""
    contents = render_chart(chart, tuple(x.lower() for x in suffixes), scale=scale)
    stem = Path(stem)
    paths = []
    for suffix, content in contents.items():
        target = stem.with_name(stem.name + suffix)
        write_bytes_atomic(target, content)
        paths.append(target)
    return paths


def save_chart(chart: alt.TopLevelMixin, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write a chart as ``.svg``, ``.png`` (at ``scale`` × the nominal size) or ``.json`` (Vega-Lite).

    Rendering is local with vl-convert: no browser and no network (external URLs are refused). The file is
    written to a temporary file and renamed, so it is never left half-written.

    Raises
    ------
    ValueError
        For any other suffix.
    """
    target = Path(path)
    content = render_chart(chart, (target.suffix.lower(),), scale=scale)[target.suffix.lower()]
    write_bytes_atomic(target, content)
    return target


__all__ = [
    "CATEGORY_COLOURS",
    "CATEGORY_LABELS",
    "capacity_chart",
    "maintenance_debt_chart",
    "render_chart",
    "renewal_chart",
    "save_chart",
    "save_chart_files",
    "to_vega_lite",
]
