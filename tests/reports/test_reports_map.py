"""The map (:mod:`hushall.reports.map`): every district, facility and planned project is drawn and named, the
legend says what the colours mean, and missing coordinates give a note instead of an error."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.needs import analyse_needs
from hushall.reports.map import (
    LINEAR_CATEGORIES,
    build_map,
    map_png,
    municipality_map,
    places_short_within_reach,
    worst_year,
)

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def example() -> tuple[Any, Any]:
    data = exempelkommun()
    return data, analyse_needs(data)


def groups(svg: str, cls: str) -> dict[str, str]:
    """``data-*`` id → the ``<title>`` of each ``<g class=cls>`` (the SVG must parse as XML)."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{NS}g"):
        if g.get("class") == cls:
            key = g.get(f"data-{cls}")
            title = g.find(f"{NS}title")
            assert key is not None and title is not None
            out[key] = title.text or ""
    return out


def test_every_district_and_facility_is_drawn_and_named(example: tuple[Any, Any]) -> None:
    data, needs = example
    svg = municipality_map(data, needs, service_id="forskola", year=data.first_year + 5)
    districts = groups(svg, "district")
    assert set(districts) == set(data.districts["district_id"])
    for name in data.districts["name"]:
        assert f">{name}</text>" in svg  # the name is written on the map, not only in a tooltip
    fac = data.facilities
    points = fac[~fac["category"].isin(LINEAR_CATEGORIES)]
    drawn = groups(svg, "facility")
    assert set(drawn) == set(points["facility_id"])
    for fid, name in zip(points["facility_id"], points["name"], strict=True):
        assert name in drawn[fid]
    assert f"({len(fac) - len(points)} st) har ingen enskild plats" in svg  # networks named as not drawn
    for text in ("Teckenförklaring", "platserna räcker", "över 25 % saknas", "1 mycket gott", "5 uttjänt"):
        assert text in svg


def test_places_short_per_district_are_those_within_reach(example: tuple[Any, Any]) -> None:
    data, needs = example
    year = data.first_year + 5
    # when no one travels to another district (longest distance 4 km; the example's districts lie 8 km or more
    # apart, their own facilities within 3 km) the places short are the needs analysis' district deficits
    home = _with(data, services=data.services.assign(max_distance_km=4.0))
    pic = build_map(home, needs, year=year, service_id="forskola")
    cap = needs.capacity[(needs.capacity["year"] == year) & (needs.capacity["service_id"] == "forskola")]
    expected = cap.set_index("district_id")["deficit"]
    got = pic.districts.set_index("district_id")["short"]
    assert np.allclose(got.sort_index(), expected.reindex(got.index).sort_index(), atol=1e-6)
    assert (got > 0.5).any() and (got < 0.5).any()  # the example has both kinds, so the colours must differ
    fills = dict(zip(pic.districts["district_id"], pic.districts["fill"], strict=True))
    assert not {fills[d] for d in got.index[got > 0.5]} & {fills[d] for d in got.index[got < 0.5]}
    worst = got.idxmax()
    assert re.search(rf"{round(got[worst])}\s?platser saknas", municipality_map(home, needs, year=year,
                                                                                     service_id="forskola"))
    # with travel within the service's distance no district lacks more in total than without
    reach = places_short_within_reach(data, year)
    all_cap = needs.capacity[needs.capacity["year"] == year]
    assert reach["short"].sum() <= all_cap["deficit"].sum() + 1e-6
    assert reach["short"].sum() < all_cap["deficit"].sum()  # the example's districts do share places


def test_the_plans_places_count_from_the_year_they_are_in_use(example: tuple[Any, Any]) -> None:
    data, needs = example
    year = data.first_year + 3
    before = places_short_within_reach(data, year).groupby("service_id")["short"].sum()
    start = year - 2  # P-07: a new preschool, two construction years: in use in ``year``
    assert int(data.projects.set_index("project_id").loc["P-07", "duration_years"]) == 2
    after = places_short_within_reach(data, year, {"P-07": start}).groupby("service_id")["short"].sum()
    late = places_short_within_reach(data, year, {"P-07": start + 1}).groupby("service_id")["short"].sum()
    assert before["forskola"] > 0.5 and after["forskola"] < before["forskola"] - 0.5
    assert np.isclose(late["forskola"], before["forskola"])  # not yet in use
    assert np.allclose(after.drop("forskola"), before.drop("forskola"))
    svg = municipality_map(data, needs, year=year, service_id="forskola", schedule={"P-07": start})
    assert "utan planen" in svg


@pytest.mark.parametrize(("layer", "legend"), [("belaggning", "för trångt"),
                                               ("reservkraft", "måste fungera vid elavbrott")])
def test_layers_colour_by_utilisation_and_backup_power(example: tuple[Any, Any], layer: str, legend: str) -> None:
    data, needs = example
    skick = groups(municipality_map(data, needs, layer="skick"), "facility")
    other = municipality_map(data, needs, layer=layer)
    assert legend in other
    assert groups(other, "facility") != skick
    if layer == "reservkraft":
        listed = " ".join(build_map(data, needs, layer=layer).remarks[0][1])
        for name in needs.readiness["name"]:  # critical without backup power: listed beside the map
            assert name in listed


def test_the_plans_projects_are_marked_with_id_and_year(example: tuple[Any, Any]) -> None:
    data, needs = example
    proj = data.projects.set_index("project_id")
    schedule = {"P-01": 2026, "P-10": 2027, "P-02": 2027}  # a new build, a closure, a rebuild
    svg = municipality_map(data, needs, schedule=schedule)
    marked = groups(svg, "project")
    assert set(marked) == {"P-01", "P-10"}
    ready = 2026 + int(proj.loc["P-01", "duration_years"]) - 1
    assert f"klar {ready}" in marked["P-01"] and "+60" in marked["P-01"]
    assert ">P-01</text>" in svg and f"P-01 klar {ready}" in svg
    assert "ombyggnad i planen (P-02" in groups(svg, "facility")["F-C-08"]  # the rebuilt facility gets a ring
    assert "Planens projekt" in svg and "avveckling eller försäljning" in svg
    assert "project" not in groups(municipality_map(data, needs), "district")  # no plan, no projects
    assert 'class="project"' not in municipality_map(data, needs)


def test_missing_coordinates_give_a_note_not_an_error(example: tuple[Any, Any]) -> None:
    data, needs = example
    districts = data.districts.copy()
    districts.loc[districts["district_id"] == "GB", ["lat", "lon"]] = np.nan
    svg = municipality_map(_with(data, districts=districts), needs)
    assert "Saknar koordinater och visas inte: Granbacka" in svg
    assert set(groups(svg, "district")) == set(data.districts["district_id"]) - {"GB"}
    none = data.districts.assign(lat=np.nan, lon=np.nan)
    facilities = data.facilities.assign(lat=np.nan, lon=np.nan)
    svg = municipality_map(_with(data, districts=none, facilities=facilities), needs)
    assert "Kartan kan inte ritas: inget område har koordinater" in svg
    ET.fromstring(svg)  # still a valid picture


def test_one_district_is_still_a_map(example: tuple[Any, Any]) -> None:
    data, needs = example
    one = data.districts[data.districts["district_id"] == "C"]
    own = data.facilities[data.facilities["district_id"] == "C"]
    svg = municipality_map(_with(data, districts=one, facilities=own), needs)
    assert set(groups(svg, "district")) == {"C"}
    assert "km</text>" in svg  # a scale bar even without a second district


def test_the_picture_rasterises_for_the_document(example: tuple[Any, Any]) -> None:
    data, needs = example
    png = map_png(municipality_map(data, needs))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def _with(data: Any, **tables: Any) -> Any:
    import dataclasses

    return dataclasses.replace(data, **tables)


def test_the_documents_year_is_the_one_with_most_places_short(example: tuple[Any, Any]) -> None:
    data, _ = example
    years = [data.first_year, data.first_year + 10, data.last_year]
    totals = [places_short_within_reach(data, y)["short"].sum() for y in years]
    assert worst_year(data, years) == years[int(np.argmax(totals))]


def test_a_facility_the_plan_has_renovated_is_not_listed_as_in_poor_condition_alone(example: tuple[Any, Any]) -> None:
    """Centralskolan F–6 (condition 4) is rebuilt by P-04: on the plan's map of a later year the list of
    facilities in poor condition says so (before, it said "skick 4" in 2047, twenty years after the rebuild)."""
    data, needs = example
    ready = 2026 + int(data.projects.set_index("project_id").loc["P-04", "duration_years"]) - 1
    later = build_map(data, needs, year=2047, schedule={"P-04": 2026})
    rows = [r for _, lines in later.remarks for r in lines if r.startswith("Centralskolan F–6")]
    assert rows == [f"Centralskolan F–6, Centralorten: skick 4 i dag, åtgärdas av P-04 (ombyggnad, klar {ready})"]
    assert any(heading == "Anläggningar – skick i dag" for heading, _ in later.legend)
    before = build_map(data, needs, year=ready - 1, schedule={"P-04": 2026})
    rows = [r for _, lines in before.remarks for r in lines if r.startswith("Centralskolan F–6")]
    assert rows == ["Centralskolan F–6, Centralorten: skick 4"]  # not yet done in the map's year
    without = build_map(data, needs, year=2047)
    assert [r for _, lines in without.remarks for r in lines if r.startswith("Centralskolan")] == [
        "Centralskolan F–6, Centralorten: skick 4"]
