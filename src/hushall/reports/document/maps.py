"""The map of the plan document (:mod:`hushall.reports.map`): in chapter 2 *Behov* the places short without the
plan, in chapter 3 *Planen* the plan's projects and the places short with them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hushall.reports.document.layout import Charts, summary_years
from hushall.reports.map import TALL, map_png, municipality_map, plan_in_use_year, save_map_png, worst_year
from hushall.reports.pdf_layout import PlanPDF, png_size

if TYPE_CHECKING:
    from hushall.model import MunicipalityData
    from hushall.needs import NeedsResult
    from hushall.reports.document.content import PlanDocument


#: PNG scale of the maps: 1,5 gives about 140 dpi at their printed width, enough for 9 pt text, and keeps the
#: document quick to write (rasterising and embedding cost grow with the pixels).
MAP_SCALE = 1.5


def _figure(pdf: PlanPDF, charts: Charts, svg: str, name: str, caption: str) -> None:
    png = save_map_png(svg, charts.folder / f"{name}.png", MAP_SCALE)
    pdf.figure(png, size_px=png_size(png, MAP_SCALE), caption=caption)


def needs_map_svg(data: MunicipalityData, needs: NeedsResult, years: Sequence[int]) -> tuple[str, int]:
    """The needs map of section 2.4 and its year: the year of the summary tables (of the plan's ``years``) with
    the most places short, all services, facilities by condition."""
    year = worst_year(data, summary_years(years))
    return municipality_map(data, needs, year=year, title=f"Platser och anläggningar {year}, utan planen",
                            layout=TALL), year


def render_needs_map_ahead(data: MunicipalityData, needs: NeedsResult) -> None:
    """Rasterise the needs map into the chart cache now (it depends only on the data), so that
    :func:`needs_map` finds it drawn."""
    map_png(needs_map_svg(data, needs, [int(y) for y in data.years])[0], MAP_SCALE)


def needs_map(pdf: PlanPDF, doc: PlanDocument, charts: Charts) -> None:
    """Section 2.4: the year of the summary tables with the most places short, all services, facilities by
    condition (:func:`needs_map_svg`)."""
    svg, year = needs_map_svg(doc.data, doc.needs, doc.years)
    pdf.section("2.4 Karta: var platserna saknas och anläggningarnas skick", new_page=True)
    _figure(pdf, charts, svg, "karta-behov",
            f"Områdena efter platser som saknas {year} (det av tabellernas år då flest saknas), utan planens "
            "projekt, och anläggningarna efter skick.")


def plan_map(pdf: PlanPDF, doc: PlanDocument, charts: Charts) -> None:
    """The plan's projects on the map, in the first year all of them are in use."""
    schedule = dict(doc.plan.schedule)
    year = plan_in_use_year(doc.data, schedule)
    if year is None:
        return
    svg = municipality_map(doc.data, doc.needs, year=year, schedule=schedule,
                           title=f"Planens projekt och platserna {year}", layout=TALL)
    _figure(pdf, charts, svg, "karta-planen",
            f"Planens nya, utbyggda och avvecklade anläggningar med id och år de är klara; områdena efter platser "
            f"som saknas {year}, när alla planens projekt är i bruk.")
