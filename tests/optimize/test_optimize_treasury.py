"""The optimiser's treasury is the financial model's: cash above the liquidity target repays debt, below the floor
the municipality borrows — replayed to the krona for random plans and finance policies, and a debt target is never
called binding while cash covers the debt."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.model.parameters import Parameter
from hushall.optimize import evaluate_plan, problem_from_municipality
from hushall.optimize.model import create_model
from hushall.optimize.problem import EFFECTS

LINES = {"result": "årets_resultat", "debt": "långfristiga_skulder", "cash": "likvida_medel",
         "equity": "eget_kapital", "fixed_assets": "materiella_anläggningstillgångar", "borrowing": "nyupptagna_lån"}


def with_policy(data: MunicipalityData, **values: float) -> MunicipalityData:
    """The municipality with some assumptions set to one value for every year."""
    changed = {name: Parameter(name, {2000: float(v)}) for name, v in values.items()}
    return data.replace(assumptions={**data.assumptions, **changed})


def with_debt_moved(data: MunicipalityData, share: float) -> MunicipalityData:
    """The base year with ``share`` of the long-term debt booked as short-term liabilities (still balanced)."""
    fin = data.finance.copy()
    item = fin["item"].to_numpy()
    moved = share * float(fin.loc[item == "långfristiga_skulder", "amount_kr"].iloc[0])
    fin.loc[item == "långfristiga_skulder", "amount_kr"] -= moved
    fin.loc[item == "kortfristiga_skulder", "amount_kr"] += moved
    return data.replace(finance=fin)


def random_plan(problem, picks: list[tuple[int, int]]) -> tuple[np.ndarray, dict[str, int]]:  # type: ignore[no-untyped-def]
    cols_of = problem.project_columns()
    x = np.zeros(problem.n_columns)
    schedule: dict[str, int] = {}
    for q, k in picks:
        cols = cols_of[q % problem.n_projects]
        pid = str(problem.project_ids[q % problem.n_projects])
        if not cols.size or pid in schedule:
            continue
        j = cols[k % len(cols)]
        x[j] = 1.0
        schedule[pid] = int(problem.years[problem.col_start[j]])
    return x, schedule


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rate=st.floats(0.01, 0.07), deposit=st.floats(0.0, 0.01), floor=st.floats(0, 60e6), gap=st.floats(0, 80e6),
       amort=st.floats(0, 0.04), tau=st.floats(1, 5), moved=st.sampled_from([0.0, 0.8, 0.97]),
       picks=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), max_size=8))
def test_treasury_replay_equals_the_financial_model(rate: float, deposit: float, floor: float, gap: float,
                                                   amort: float, tau: float, moved: float,
                                                   picks: list[tuple[int, int]]) -> None:
    """For random finance policies (also a small debt that the surplus repays in full) and random plans: the
    financial block's replay and the optimiser's write-back equal ``hushall.finance.forecast`` to the krona,
    repayment beyond the scheduled amortisation included."""
    data = with_policy(with_debt_moved(exempelkommun(), moved), **{
        "ränta": rate, "ränta_likvida_medel": deposit, "kassa_golv_kr": floor, "kassa_mål_kr": floor + gap,
        "amortering_andel": amort, "räntebindningstid_år": tau})
    problem = problem_from_municipality(data, capacity=False, renewal_decisions=False)  # the data's policy
    fb = problem.finance
    assert fb is not None and fb.repayment is not None
    x, schedule = random_plan(problem, picks)
    eff = {name: np.asarray(problem.effect(name).T @ x)[None, :] for name in EFFECTS}
    path = fb.replay(eff)
    f = forecast(data, schedule).statements
    for var, line in LINES.items():
        np.testing.assert_allclose(path[var][0], f[line], rtol=0, atol=1.0, err_msg=line)
    debt_before = np.concatenate([[fb.history_value("debt", -1)], f["långfristiga_skulder"][:-1]])
    np.testing.assert_allclose(path["repayment"][0], -f["amortering"] - amort * debt_before, atol=1.0)
    ev = evaluate_plan(create_model(problem), x)
    assert ev.values.status == "Optimal"
    for var, line in LINES.items():
        np.testing.assert_allclose(ev.finance[var].to_numpy(), f[line], rtol=0, atol=1.0, err_msg=line)


def tight_debt_target(data: MunicipalityData, year: int) -> MunicipalityData:
    """A debt-per-inhabitant target in one year at exactly the do-nothing plan's debt per inhabitant (no room)."""
    s = forecast(data, {}).statements
    t = int(np.flatnonzero(data.years == year)[0])
    limit = float(s["långfristiga_skulder"][t] / s["invånare"][t])
    targets = data.targets.copy()
    targets = targets[targets["target_type"] != "låneskuld_per_invånare"]
    row = dict.fromkeys(targets.columns)
    row.update(target_id="SKULD", target_type="låneskuld_per_invånare", limit=limit, from_year=year, to_year=year)
    return data.replace(targets=pd.concat([targets, pd.DataFrame([row])], ignore_index=True))


def debt_rows(data: MunicipalityData):  # type: ignore[no-untyped-def]
    problem = problem_from_municipality(data, capacity=False, renewal_decisions=False)  # the data's policy
    ev = evaluate_plan(create_model(problem), np.zeros(problem.n_columns))
    lim = ev.limits
    return lim[lim["target_id"] == "SKULD"].iloc[0], ev.finance


def test_debt_target_without_room_binds_while_cash_is_below_the_debt() -> None:
    data = tight_debt_target(exempelkommun(), 2030)
    row, fin = debt_rows(data)
    assert abs(row["room"]) <= 1.0
    assert fin.loc[2030, "cash"] < fin.loc[2030, "debt"]
    assert bool(row["binding"])


def test_debt_target_is_never_binding_while_cash_exceeds_the_debt() -> None:
    """Without a liquidity target and with most of the debt short-term, cash grows above the debt: a debt target
    with no room left is then no reason to postpone anything."""
    base = with_policy(with_debt_moved(exempelkommun(), 0.97), kassa_mål_kr=np.inf)
    data = tight_debt_target(base, 2040)
    row, fin = debt_rows(data)
    assert abs(row["room"]) <= 1.0
    assert fin.loc[2040, "cash"] > fin.loc[2040, "debt"]
    assert not bool(row["binding"])
