"""Monte Carlo under the reinvestment policy *behov*: the renewal a chosen project takes over (a facility it
replaces) leaves the reinvestment from the project's completion year in each draw, as in the forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.model.parameters import Parameter
from hushall.needs.reinvestment import reinvestment_path
from hushall.scenarios.montecarlo import MonteCarloSpec, simulate_chunk

OLD = ("F-C-02", "F-LA-01")


def replacing_school() -> MunicipalityData:
    """Exempelkommun renewing as needed, with a new school (P-NY, three years from 2027) replacing two old ones."""
    data = exempelkommun()
    data = data.replace(assumptions={**data.assumptions, "reinvestering_efter_behov":
                                     Parameter("reinvestering_efter_behov", {2000: 1.0})})
    projects = data.projects.copy()
    new = projects[projects["project_id"] == "P-01"].iloc[0].to_dict()
    new.update(project_id="P-NY", name="Ny skola", places_change=0.0, replaces_facilities=";".join(OLD),
               must_do=False, earliest_start=2027, latest_start=2027)
    return data.replace(projects=pd.concat([projects, pd.DataFrame([new])], ignore_index=True))


def test_a_draw_without_uncertainty_reinvests_as_the_forecast() -> None:
    data = replacing_school()
    assert reinvestment_path(data).policy == "behov"
    plan = {"P-12": 2025, "P-NY": 2027}
    spec = MonteCarloSpec.for_data(data).deterministic()
    out = simulate_chunk(data, plan, spec, seed=3, start=0, stop=2)
    f = forecast(data, plan).statements
    for line in ("reinvesteringar", "årets_resultat", "materiella_anläggningstillgångar", "förnyelsebehov_fasta_priser"):
        np.testing.assert_allclose(out["statements"][line][0], f[line], rtol=0, atol=1.0, err_msg=line)


def test_a_draw_with_the_project_chosen_has_the_lower_renewal() -> None:
    data = replacing_school()
    spec = MonteCarloSpec.for_data(data)
    out = simulate_chunk(data, {"P-NY": 2027}, spec, seed=5, start=0, stop=64)
    without = reinvestment_path(data).spend_real_kr  # the policy's renewal without the project, real kr
    less = without[None, :] - out["statements"]["reinvesteringar_fasta_priser"]
    done = out["effects"]["completion_index"][:, 0]  # the school's completion year index in each draw
    n_t = len(data.years)
    # every draw: nothing taken over before the school is in use, never more renewal than without it
    for s in range(len(done)):
        c = int(done[s])
        assert np.allclose(less[s, :min(c, n_t)], 0.0, atol=1e-3)
    assert np.all(less >= -1e-3)
    # every draw that completes the school within the plan renews less; delays differ between draws
    inside = done < n_t
    assert inside.any() and len(np.unique(done)) > 1
    assert np.all(less[inside].sum(axis=1) > 1e6)
    # a later completion takes over no more than an earlier one
    totals = less.sum(axis=1)
    order = np.argsort(done, kind="stable")
    assert np.all(np.diff(totals[order]) <= 1e-3)
