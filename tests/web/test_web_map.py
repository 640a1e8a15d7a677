"""The map on the Behov page and on a plan's page (:mod:`hushall.web.routes.maps`)."""

from __future__ import annotations

from typing import Any

from hushall.web.models import Job, PlanVariant


def test_needs_page_loads_the_map_fragment_with_controls(reader: Any) -> None:
    html = reader.get("/behov").text
    assert 'hx-get="/karta/version/1"' in html
    fragment = reader.get("/karta/version/1?tjanst=forskola&ar=2030&lager=belaggning").text
    assert "<html" not in fragment
    assert 'src="/karta/version/1/bild.svg?tjanst=forskola&amp;ar=2030&amp;lager=belaggning"' in fragment
    assert 'value="forskola" selected' in fragment and 'value="belaggning" checked' in fragment
    for name in ("Centralorten", "Granbacka", "Saknade platser", "Alla verksamheter"):
        assert name in fragment


def test_map_svg_follows_the_choice_and_falls_back_on_nonsense(reader: Any) -> None:
    r = reader.get("/karta/version/1/bild.svg?tjanst=sabo&ar=2030&lager=reservkraft")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    svg = r.text
    assert svg.startswith("<svg") and "Platser och anläggningar 2030" in svg and "reservkraft" in svg
    assert "Särskilt boende" in svg and 'data-facility="F-C-07"' in svg
    assert "http://" not in svg.replace("http://www.w3.org", "")  # nothing fetched from the net
    odd = reader.get("/karta/version/1/bild.svg?tjanst=finns-inte&ar=1850&lager=x")
    assert odd.status_code == 200 and "Anläggningar: skick" in odd.text
    assert reader.get("/karta/version/99/bild.svg").status_code == 404


def test_plan_page_shows_the_plans_projects_on_the_map(app: Any, planner: Any, reader: Any) -> None:
    from tests.reports.test_reports_document import SCHEDULE, fake_optimization

    from hushall.examples import exempelkommun
    from hushall.study.request import PlanRequest
    from hushall.study.study import run_study

    assert planner.post("/planer", {"name": "Kartplan"}).status_code == 303
    with app.state.hushall.factory() as db:
        variant = db.query(PlanVariant).filter_by(name="Kartplan").one()
        vid = variant.id
        without = reader.get(f"/planer/{vid}/karta/bild.svg").text
        assert 'class="project"' not in without  # no result yet: the needs only
        study = run_study(exempelkommun(), PlanRequest(draws=0), optimization=fake_optimization())
        db.add(Job(variant_id=vid, variant_row_version=variant.row_version, status="done", progress=1.0,
                   result=study.to_json()))
        db.commit()
    page = reader.get(f"/planer/{vid}").text
    assert f'hx-get="/planer/{vid}/karta"' in page
    svg = reader.get(f"/planer/{vid}/karta/bild.svg?tjanst=forskola").text
    assert 'data-project="P-06"' in svg  # the extension of a preschool in the fake plan
    assert "Planens projekt" in svg
    assert set(SCHEDULE) >= {"P-06"}
