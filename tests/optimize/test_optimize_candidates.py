"""Candidate projects generated from the needs analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hushall.examples import exempelkommun
from hushall.needs import component_status
from hushall.optimize import problem_from_municipality
from hushall.optimize.candidates import (
    CandidateOptions,
    generate_candidates,
    unmet_places_without_projects,
    with_candidates,
)
from hushall.optimize.inputs import capacity_block


def test_candidates_cover_renewals_capacity_and_closures() -> None:
    data = exempelkommun()
    c = generate_candidates(data)
    assert {"reinvestering", "nybyggnad"} <= set(c["project_type"])
    assert c["project_id"].is_unique
    assert not set(c["project_id"]) & set(data.projects["project_id"])
    assert (c["cost_kr"] > 0).all()
    assert (c["earliest_start"] <= c["latest_start"]).all()
    assert (c["earliest_start"] >= data.first_year).all() and (c["latest_start"] <= data.last_year).all()


def test_renewals_name_real_components_not_renewed_by_officials() -> None:
    data = exempelkommun()
    c = generate_candidates(data)
    ids = set(component_status(data)["component_id"])
    official = {s for r in data.projects["renews_components"].fillna("") for s in str(r).split(";") if s}
    for text in c.loc[c["project_type"] == "reinvestering", "renews_components"]:
        comps = set(str(text).split(";"))
        assert comps <= ids
        assert not comps & official


def test_capacity_candidates_close_the_gap_they_were_made_for() -> None:
    data = exempelkommun()
    cb = capacity_block(data)
    assert cb is not None
    unmet, _ = unmet_places_without_projects(cb)
    c = generate_candidates(data, CandidateOptions(place_module=10))
    add = c[c["places_change"] > 0]
    assert len(add)
    for r in add.itertuples(index=False):
        q = np.flatnonzero((cb.demand_district == r.district_id) & (cb.demand_service == r.service_id))[0]
        assert r.places_change >= unmet[q].max() - 1e-9
        assert r.places_change % 10 == 0


def test_with_candidates_builds_an_optimisation_problem() -> None:
    data = with_candidates(exempelkommun())
    assert isinstance(data.projects, pd.DataFrame)
    p = problem_from_municipality(data, renewal_decisions=False)  # the cost of waiting under the data's policy
    assert p.n_projects == len(data.projects)
    assert p.n_columns > 0
    renew = np.flatnonzero(np.char.startswith(p.project_ids.astype(str), "K-R-"))
    assert renew.size and (p.debt_relief_kr[np.isin(p.col_project, renew)] > 0).any()  # the cost of waiting
