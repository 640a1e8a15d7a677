"""study/changes.py: projects in, out and moved between two plans, each with one plain reason."""

from __future__ import annotations

from typing import Any

import pytest

from hushall.study.changes import Change, PlanFacts, changes_summary, plan_changes

NAMES = {"P-1": "Skola", "P-2": "Badhus", "P-3": "Vårdboende", "P-4": "Reservkraft"}
SCORES = {  # criterion -> score per project
    "P-1": {"kapacitet": 5.0, "skick": 0.0},
    "P-2": {"kapacitet": 0.0, "skick": 5.0},
    "P-3": {"kapacitet": 3.0, "skick": 3.0},
    "P-4": {"kapacitet": 1.0, "skick": 1.0},
}
WEIGHTS = {"kapacitet": 0.5, "skick": 0.5}
FRAME = "investeringstak_kr"


def facts(schedule: dict[str, int], invest: dict[int, float] | None = None) -> PlanFacts:
    years = list(range(2025, 2035))
    by_year = invest or {}
    return PlanFacts(schedule=schedule, names=NAMES, scores=SCORES, durations=dict.fromkeys(NAMES, 2),
                     costs_kr=dict.fromkeys(NAMES, 50000000.0), places={"P-1": 60.0, "P-3": 40.0, "P-4": -10.0},
                     years=years, invest_by_year_kr=[by_year.get(y, 10e6) for y in years])


def settings(weights: dict[str, float] | None = None, frame: float | None = 100e6, **more: Any) -> dict[str, Any]:
    return {"weights": weights or dict(WEIGHTS), "targets": {FRAME: frame, **more.pop("targets", {})}, **more}


def by_id(changes: list[Change]) -> dict[str, Change]:
    return {c.project_id: c for c in changes}


def test_in_out_and_moved_are_found_and_ordered() -> None:
    a = facts({"P-1": 2027, "P-2": 2028, "P-4": 2030})
    b = facts({"P-1": 2029, "P-3": 2026, "P-4": 2030})
    changes = plan_changes(a, b, settings(), settings(frame=80e6))
    assert [(c.project_id, c.kind, c.year_before, c.year_after) for c in changes] == [
        ("P-3", "in", None, 2026), ("P-2", "out", 2028, None), ("P-1", "moved", 2027, 2029)]
    assert "P-4" not in by_id(changes)  # unchanged projects are not listed
    assert changes_summary(changes) == "1 kommer med, 1 faller bort, 1 flyttas jämfört med förra planen."


def test_a_lower_frame_names_the_year_the_frame_is_full() -> None:
    a = facts({"P-2": 2028})
    # after the change 2028 has room, 2029 (the project's second build year) is at the frame
    b = facts({}, invest={2028: 40e6, 2029: 70e6})
    change = by_id(plan_changes(a, b, settings(frame=100e6), settings(frame=70e6)))["P-2"]
    assert change.driver == "frame"
    assert change.reason == "Ryms inte inom investeringsramen 2029 när ramen sänks till 70,0\xa0Mkr per år (fasta priser)."


def test_a_higher_weight_brings_a_project_in_and_names_the_criterion() -> None:
    a = facts({"P-2": 2027})
    b = facts({"P-1": 2027})
    changes = by_id(plan_changes(a, b, settings(), settings(weights={"kapacitet": 0.8, "skick": 0.2})))
    assert changes["P-1"].driver == "weights"
    assert changes["P-1"].reason == "Högre vikt på kapacitetsbehov gör att nyttan per krona räcker."
    assert changes["P-2"].reason == "Lägre vikt på skick och underhållsskuld gör att nyttan per krona inte längre räcker."


def test_scaling_every_weight_is_no_change_of_weight() -> None:
    # doubling every weight changes no project's share: the reason must not name a weight
    a, b = facts({"P-1": 2027}), facts({"P-1": 2030})
    change = plan_changes(a, b, settings(frame=100e6), settings({"kapacitet": 1.0, "skick": 1.0}, frame=60e6))[0]
    assert change.driver == "frame"
    assert change.reason.startswith("Ryms inte inom investeringsramen 2027")


def test_a_balanced_project_is_not_explained_by_weights_when_its_share_is_unchanged() -> None:
    # P-3 scores the same on both criteria: moving weight between them leaves its share as it was
    a, b = facts({}), facts({"P-3": 2026})
    change = plan_changes(a, b, settings(), settings(weights={"kapacitet": 0.9, "skick": 0.1}))[0]
    assert change.driver == "others"
    assert change.reason == "Det ryms när andra projekt byts ut eller flyttas med de nya inställningarna."


def test_direction_decides_which_change_explains() -> None:
    # a higher frame cannot explain a project falling out; the tax cut can
    a, b = facts({"P-4": 2026}), facts({})
    change = plan_changes(a, b, settings(frame=100e6), settings(frame=120e6, tax_change_ore=-30.0,
                                                                  tax_from_year=2027))[0]
    assert change.driver == "tax"
    assert change.reason == "Skatten sänks med 30 öre från 2027, vilket minskar utrymmet inom målen för ekonomin."
    up = plan_changes(b, a, settings(frame=100e6), settings(frame=120e6))[0]
    assert up.driver == "frame" and up.reason == ("När investeringsramen höjs till 120,0\xa0Mkr per år (fasta priser) "
                                                  "ryms projektet 2026.")


def test_debt_target_and_must_do() -> None:
    a, b = facts({"P-2": 2027}), facts({"P-4": 2026})
    changes = by_id(plan_changes(a, b, settings(targets={"låneskuld_per_invånare": 75000.0}, must_do=["P-2"]),
                                 settings(targets={"låneskuld_per_invånare": 90000.0}, must_do=["P-4"])))
    assert changes["P-4"].driver == "must_do"
    assert changes["P-4"].reason == "Projektet är nu markerat som måste genomföras."
    assert changes["P-2"].driver == "must_do"
    c = plan_changes(facts({}), facts({"P-4": 2026}), settings(targets={"låneskuld_per_invånare": 75000.0}),
                     settings(targets={"låneskuld_per_invånare": 90000.0}))[0]
    assert c.driver == "debt" and "90\xa0000" in c.reason and "per invånare" in c.reason


def test_moved_earlier_and_later_read_as_moves() -> None:
    a, b = facts({"P-1": 2030, "P-2": 2027}), facts({"P-1": 2027, "P-2": 2031})
    changes = by_id(plan_changes(a, b, settings(), settings(weights={"kapacitet": 0.8, "skick": 0.2})))
    assert changes["P-1"].headline == "Tidigareläggs 2030 → 2027"
    assert changes["P-1"].reason == "Högre vikt på kapacitetsbehov gör projektet mer angeläget."
    assert changes["P-2"].headline == "Senareläggs 2027 → 2031"
    assert changes["P-2"].reason == "Lägre vikt på skick och underhållsskuld gör att andra projekt går före."


def test_same_settings_and_empty_plans() -> None:
    assert plan_changes(facts({}), facts({}), settings(), settings()) == []
    assert changes_summary([]) == "Samma projekt som förra planen."
    # the finished plan of the same settings against the quick one
    change = plan_changes(facts({"P-1": 2027}), facts({"P-3": 2027}), settings(), settings())
    assert {c.driver for c in change} == {"same"}
    assert all(c.reason.startswith("Med samma inställningar") for c in change)


def test_every_reason_is_one_plain_sentence() -> None:
    a = facts({"P-1": 2027, "P-2": 2028})
    b = facts({"P-3": 2026, "P-1": 2031}, invest={2028: 70e6})
    for c in plan_changes(a, b, settings(), settings({"kapacitet": 0.2, "skick": 0.9}, frame=70e6,
                                                      tax_change_ore=15.0, tax_from_year=2026)):
        assert c.reason.endswith(".") and c.reason.count(". ") == 0 and c.reason[0].isupper()
        for word in ("gap", "MILP", "poäng", "_"):
            assert word not in c.reason


@pytest.mark.parametrize(("places", "expected"), [({"P-1": 60.0, "P-4": -10.0}, 60.0)])
def test_facts_count_new_places_only(places: dict[str, float], expected: float) -> None:
    f = PlanFacts(schedule={"P-1": 2027, "P-4": 2028}, places=places, costs_kr={"P-1": 5e6, "P-4": 1e6},
                  invest_by_year_kr=[1e6, 2e6])
    assert f.places_built == expected
    assert f.project_investment_kr == 6e6 and f.total_investment_kr == 3e6


def test_facts_from_a_real_study() -> None:
    from hushall.examples import exempelkommun
    from hushall.study import PlanRequest, run_study

    data = exempelkommun()
    study = run_study(data, PlanRequest(source="committed", draws=0))
    f = PlanFacts.from_study(study, data)
    assert f.schedule == study.schedule and f.schedule
    assert f.maintenance_debt_end_kr == pytest.approx(study.figures.debt_with_plan_kr[-1])
    assert len(f.invest_by_year_kr) == len(data.years)
    assert f.verdict is study.verdict and f.value is None  # not optimised: no value


def test_room_made_or_taken_names_the_other_projects() -> None:
    # nothing in the settings explains it (P-3 is balanced): the projects that left or took its years do
    a = facts({"P-2": 2027, "P-3": 2030})
    b = facts({"P-3": 2027, "P-1": 2030})
    s_a, s_b = settings(), settings(weights={"kapacitet": 0.9, "skick": 0.1})
    changes = by_id(plan_changes(a, b, s_a, s_b))
    assert changes["P-3"].reason == "Det får plats tidigare när Badhus inte längre byggs de åren."
    moved_back = by_id(plan_changes(b, a, s_b, s_a))["P-3"]
    assert moved_back.kind == "moved" and moved_back.driver == "others"
    assert moved_back.reason == "Badhus går före med de nya inställningarna."
