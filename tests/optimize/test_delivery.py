"""Delivery capacity per nämnd: the plan promises no more than a nämnd has shown it can build."""

from __future__ import annotations

import pandas as pd
import pytest

from hushall.examples import exempelkommun
from hushall.followup import follow_up
from hushall.followup.learning import learned_delivery_ceilings, with_delivery_ceilings
from hushall.model import MunicipalityData
from hushall.optimize import optimize, problem_from_municipality
from hushall.optimize.delivery import delivery_ceilings

BUN = "Barn- och utbildningsnämnden"


def _two_projects(limit: float | None) -> MunicipalityData:
    """P-06 (18,2 Mkr, one year) and P-18 (9,1 Mkr, one year), both BUN's and must-do, both may start 2025;
    without M7 (at most six projects at once, which the four projects committed for 2025 nearly fill), so that
    only the nämnd's ceiling can keep them apart."""
    d = exempelkommun()
    p = d.projects.copy()
    pick = p["project_id"].isin(["P-06", "P-18"])
    p["committee"] = ""
    p.loc[pick, "committee"] = BUN
    p.loc[pick, "must_do"] = True
    t = d.targets[d.targets["target_type"] != "max_parallella_projekt"].reset_index(drop=True)
    if limit is not None:  # the nämnd's name as a person types it: case and spaces do not matter
        row = pd.DataFrame([{"target_id": "L1", "target_type": "leveranstak_nämnd_kr", "limit": limit,
                             "period_years": 1, "criterion": "", "committee": " barn- och UTBILDNINGSNÄMNDEN"}])
        t = pd.concat([t, row.astype({c: t[c].dtype for c in row.columns})], ignore_index=True)
    return d.replace(projects=p, targets=t)


def test_ceiling_keeps_the_nämnds_projects_apart() -> None:
    # 18,2 + 9,1 = 27,3 Mkr > 20 Mkr: under the ceiling the two cannot be built in the same year.
    free = optimize(problem_from_municipality(_two_projects(None), finance=False, capacity=False),
                    time_limit=10, explain=False, ranking=False).schedule_dict
    assert free["P-06"] == free["P-18"] == 2025  # without the ceiling both start at once
    data = _two_projects(20e6)
    (ceiling,) = delivery_ceilings(data)
    assert ceiling.committee.strip().casefold() == BUN.casefold()
    assert set(data.projects["project_id"][ceiling.projects]) == {"P-06", "P-18"}
    r = optimize(problem_from_municipality(data, finance=False, capacity=False), time_limit=10, explain=False,
                 ranking=False)
    plan = r.schedule_dict
    assert plan["P-06"] != plan["P-18"] and r.status == "optimal"
    rows = r.targets[r.targets["target_id"] == "L1"].set_index("year")
    assert rows.loc[plan["P-06"], "lhs"] == pytest.approx(18.2e6)  # price base year = base year: real = cost
    assert rows.loc[plan["P-18"], "lhs"] == pytest.approx(9.1e6)
    assert (rows["lhs"] <= 20e6 + 1).all() and (rows["violation"] == 0).all()


def test_learned_ceiling_is_the_most_built_in_a_year() -> None:
    d = exempelkommun()
    learned = learned_delivery_ceilings(d, follow_up(d))
    # Tekniska nämnden: 2022 3,6; 2023 4,3 + 3,2 = 7,5; 2024 6,1 + 1,2 = 7,3 Mkr → 7,5 Mkr of 2023, in 2024 prices
    growth = d.assumptions["byggprisindex"].series([2024])[0]
    assert learned.loc["Tekniska nämnden", "year"] == 2023
    assert learned.loc["Tekniska nämnden", "limit_kr"] == pytest.approx(7.5e6 * (1 + growth))
    assert "Kommunstyrelsen" not in learned.index  # one reported year is not enough
    # a row of the council's own wins over the learned one
    own = _two_projects(20e6)
    targets = with_delivery_ceilings(own, follow_up(own)).targets
    rows = targets[targets["target_type"] == "leveranstak_nämnd_kr"]
    assert len(rows[rows["committee"].str.strip().str.casefold() == BUN.casefold()]) == 1
    assert set(rows["committee"]) >= {"Tekniska nämnden", "Socialnämnden"}
