"""The forecast of a municipality: tables, plan effects in the statements, drivers, errors, the example."""

from __future__ import annotations

import json

import numpy as np
import pytest
from finance_fixtures import load_tables, small_tables

from hushall.errors import DataValidationError, PlanError
from hushall.examples import exempelkommun
from hushall.finance import (
    BALANCE_SHEET_LINES,
    CASH_FLOW_LINES,
    INCOME_STATEMENT_LINES,
    RATIO_LINES,
    build_inputs,
    demand_index,
    forecast,
    run,
    run_reference,
)
from hushall.projects import ProjectCatalog, Schedule, plan_effects, plan_indices


def test_tables_are_indexed_by_swedish_lines(small_municipality):
    f = forecast(small_municipality)
    assert f.years == list(range(2025, 2035))
    assert tuple(f.income_statement.index) == INCOME_STATEMENT_LINES
    assert tuple(f.balance_sheet.index) == BALANCE_SHEET_LINES
    assert tuple(f.cash_flow.index) == CASH_FLOW_LINES
    assert tuple(f.ratios.index) == RATIO_LINES
    assert list(f.income_statement.columns) == f.years
    bs = f.balance_sheet
    np.testing.assert_allclose(bs.loc["summa_tillgångar"], bs.loc["summa_eget_kapital_avsättningar_och_skulder"],
                               atol=1)


def test_json_dict_has_plain_types(small_municipality):
    d = forecast(small_municipality).to_json_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text) == d
    assert set(d) >= {"years", "income_statement", "balance_sheet", "cash_flow", "ratios", "targets"}
    assert isinstance(d["income_statement"]["årets_resultat"][0], float)
    assert set(d["targets"][0]) >= {"target", "year", "value", "limit", "met", "margin_kr"}


def test_default_schedule_is_the_committed_projects(small_municipality):
    f = forecast(small_municipality)
    assert dict(f.schedule) == {"RENOV": 2025}  # måste = ja, fast startår 2025
    reinvestment = f.statements["reinvesteringar"][0]  # the reinvestment policy's spend comes on top of projects
    assert f.cash_flow.loc["investering_materiella_anläggningstillgångar", 2025] == pytest.approx(
        -8e6 * 1.03 - reinvestment)


def test_project_effects_flow_into_the_statements(small_municipality):
    data = small_municipality
    base = forecast(data, {})
    f = forecast(data, {"NY": 2026})
    cons, _ = plan_indices(data)
    inv = f.cash_flow.loc["investering_materiella_anläggningstillgångar"] - base.cash_flow.loc[
        "investering_materiella_anläggningstillgångar"]
    np.testing.assert_allclose(-inv.loc[[2026, 2027]], [0.4 * 60e6 * cons[1], 0.6 * 60e6 * cons[2]])
    assert inv.drop([2026, 2027]).abs().max() == 0
    # completed at the end of 2027: operating cost and depreciation from 2028
    opex = f.income_statement.loc["varav_driftkonsekvenser_projekt"]
    assert (opex.loc[:2027] == 0).all()
    assert opex.loc[2028] == pytest.approx(-1.5e6 * f.inputs.price_index[3])
    dep = f.income_statement.loc["varav_avskrivningar_nya"]
    assert (dep.loc[:2027] == 0).all() and (dep.loc[2028:] < 0).all()
    assert f.balance_sheet.loc["varav_pågående_projekt", 2026] == pytest.approx(0.4 * 60e6 * cons[1])
    assert f.balance_sheet.loc["varav_pågående_projekt", 2027] == pytest.approx(0)
    assert f.components.loc[("stomme", "aktiverat"), 2027] == pytest.approx(0.45 * 60e6 * (0.4 * cons[1] + 0.6 * cons[2]))


def test_avveckling_saves_operating_cost(small_municipality):
    base = forecast(small_municipality, {})
    f = forecast(small_municipality, {"AVV": 2028})
    diff = f.income_statement.loc["verksamhetens_kostnader"] - base.income_statement.loc["verksamhetens_kostnader"]
    price = f.inputs.price_index
    written_off = f.statements["avyttrat_bokfört_värde"][3]  # the closed facility's book value (utrangering)
    assert written_off > 0
    assert diff.loc[2028] == pytest.approx(-1e6 * f.inputs.construction_index[3] - written_off)  # + demolition
    assert diff.loc[2029] == pytest.approx(2e6 * price[4])  # saving from the year after
    line = "investering_materiella_anläggningstillgångar"  # no investment of its own (reinvestment is the base's)
    assert (f.cash_flow.loc[line] - base.cash_flow.loc[line]).abs().sum() == 0


def test_demand_index_by_hand(small_municipality):
    # förskola 1–5 of the band 0–5 (5/6), coverage 0,9, 170 000 kr; SÄBO 80+, coverage 0,1, 1 000 000 kr
    def weighted(k):
        return 170_000 * 0.9 * 5 / 6 * (600 - 10 * k) + 1_000_000 * 0.1 * (500 + 5 * k)

    expected = [weighted(k) / weighted(0) for k in range(1, 11)]
    np.testing.assert_allclose(demand_index(small_municipality), expected)


def test_scenario_overrides_reprice_the_plan(small_municipality):
    data = small_municipality
    cat = ProjectCatalog.from_data(data)
    cons, price = plan_indices(data)
    plan = plan_effects(cat, {"NY": 2026, "VA1": 2025}, data.years, cons, price)
    growth = np.array([[0.0], [0.1]]) * np.ones(data.horizon_years)
    inp = build_inputs(data, plan, overrides={"byggprisindex": growth, "ränta": 0.05})
    assert inp.shape == (2, 10)
    st = run(inp)
    assert (st["investering_materiella_anläggningstillgångar"][1, :3] < st[
        "investering_materiella_anläggningstillgångar"][0, :3]).all()
    for k in range(2):
        alone = run(build_inputs(data, plan, overrides={"byggprisindex": growth[k], "ränta": 0.05}))
        for line in ("årets_resultat", "långfristiga_skulder", "summa_tillgångar", "avskrivningar"):
            np.testing.assert_allclose(st[line][k], alone[line], rtol=1e-12)


def test_unknown_override_is_an_error(small_municipality):
    with pytest.raises(ValueError, match="unknown override"):
        build_inputs(small_municipality, overrides={"räntan": 0.05})
    with pytest.raises(ValueError, match="expected a scalar"):
        build_inputs(small_municipality, overrides={"ränta": np.ones(3)})


def test_unknown_project_is_a_plan_error(small_municipality):
    with pytest.raises(PlanError, match="Okänt projekt"):
        forecast(small_municipality, {"FINNS-INTE": 2026})
    with pytest.raises(PlanError, match="fönster"):
        forecast(small_municipality, {"NY": 2025})


def test_missing_finance_sheet_names_ekonomi(tmp_path):
    data = load_tables(tmp_path, small_tables(with_finance=False))
    with pytest.raises(DataValidationError) as err:
        forecast(data)
    assert err.value.problems[0].sheet == "Ekonomi"
    assert err.value.problems[0].code == "E_FINANCE_MISSING"


def test_unbalanced_base_year_is_an_error(tmp_path):
    tables = small_tables()
    for row in tables["Ekonomi"]:
        if row["post"] == "likvida_medel":
            row["belopp_kr"] += 10e6
    with pytest.raises(DataValidationError) as err:
        forecast(load_tables(tmp_path, tables))
    assert err.value.problems[0].code == "E_FINANCE_BALANCE"


def test_rounding_difference_goes_to_current_liabilities(tmp_path):
    tables = small_tables()
    for row in tables["Ekonomi"]:
        if row["post"] == "likvida_medel":
            row["belopp_kr"] += 400_000  # < 0,05 % of the assets
    f = forecast(load_tables(tmp_path, tables))
    assert f.inputs.opening["kortfristiga_skulder"] == pytest.approx(240.4e6)


def test_positive_cost_is_an_error(tmp_path):
    tables = small_tables()
    for row in tables["Ekonomi"]:
        if row["post"] == "avskrivningar":
            row["belopp_kr"] = 45e6
    with pytest.raises(DataValidationError) as err:
        forecast(load_tables(tmp_path, tables))
    assert err.value.problems[0].code == "E_FINANCE_SIGN"


def test_example_vectorised_equals_reference_with_all_projects():
    data = exempelkommun()
    cat = ProjectCatalog.from_data(data)
    sched = Schedule({pid: int(s) for pid, s in zip(cat.project_ids, cat.earliest_start, strict=True)})
    inputs = forecast(data, sched).inputs
    fast, slow = run(inputs), run_reference(inputs)
    for line in (*INCOME_STATEMENT_LINES, *BALANCE_SHEET_LINES, *CASH_FLOW_LINES):
        np.testing.assert_allclose(fast[line], slow[line], rtol=0, atol=0.5, err_msg=line)


def test_example_is_sensible():
    """Exempelkommun with its committed projects and today's reinvestment frame: a small result in the first
    years, debt per inhabitant and soliditet of a small Swedish municipality over the first decade."""
    f = forecast(exempelkommun())
    r = f.ratios
    first, decade = f.years[:3], f.years[:10]
    assert (r.loc["resultat_andel_av_skatter_och_bidrag", first].abs() < 0.03).all()
    assert r.loc["låneskuld_per_invånare", decade].between(30_000, 120_000).all()
    assert r.loc["soliditet", decade].between(0.2, 0.7).all()
    assert (f.balance_sheet.loc["likvida_medel"] >= 30e6 - 1).all()  # the cash floor of the example
    np.testing.assert_allclose(f.balance_sheet.loc["summa_tillgångar"],
                               f.balance_sheet.loc["summa_eget_kapital_avsättningar_och_skulder"], atol=1)
