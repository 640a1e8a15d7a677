"""The economy behaves like a municipality's (issue: renewal is money, the treasury pays its debts).

Each test is one of the issue's requirements on Exempelkommun with its default policy (today's reinvestment
frame), or an invariant of the treasury and the identities under every reinvestment policy and random drivers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hushall.examples import exempelkommun
from hushall.finance import build_inputs, forecast, run, run_reference
from hushall.needs.reinvestment import POLICIES, reinvestment_path
from hushall.needs.renewal import renewal_tables

MKR = 1e6


@pytest.fixture(scope="module")
def data():
    return exempelkommun()


@pytest.fixture(scope="module")
def fc(data):
    return forecast(data)


def test_investment_every_year_at_least_the_reinvestment_frame(data, fc):
    frame_real = data.assumption("reinvestering_ram_kr")
    frame_nominal = frame_real * fc.inputs.construction_index
    invested = -fc.cash_flow.loc["investering_materiella_anläggningstillgångar"].to_numpy()
    assert (invested >= frame_nominal - 1).all()
    assert (fc.statements["reinvesteringar"] > 0).all()


def test_fixed_assets_do_not_wither(data, fc):
    mat0 = fc.inputs.opening["materiella_anläggningstillgångar"]
    assert fc.balance_sheet.loc["materiella_anläggningstillgångar"].min() >= 0.95 * mat0


def test_cash_stays_between_floor_and_liquidity_target_while_in_debt(data, fc):
    cash = fc.balance_sheet.loc["likvida_medel"].to_numpy()
    debt = fc.balance_sheet.loc["långfristiga_skulder"].to_numpy()
    floor = data.assumption("kassa_golv_kr")
    target = data.assumption("kassa_mål_kr")
    assert (cash >= floor - 1).all()
    assert (cash[debt > 1] <= target[debt > 1] + 1).all()


def test_debt_falls_in_years_with_a_surplus(fc):
    cf = fc.cash_flow
    debt = fc.balance_sheet.loc["långfristiga_skulder"].to_numpy()
    prev = np.concatenate([[fc.inputs.opening["långfristiga_skulder"]], debt[:-1]])
    # a surplus that the year's investment does not eat: cash flow before financing above zero
    surplus = (fc.income_statement.loc["årets_resultat"].to_numpy() > 0) & (
        (cf.loc["kassaflöde_löpande_verksamhet"] + cf.loc["kassaflöde_investeringsverksamhet"]).to_numpy() > 1e6)
    assert surplus.sum() >= 3  # the example has such years
    assert (debt[surplus] <= prev[surplus] + 1).all()  # a surplus never borrows
    # once the liquidity target is reached, a surplus amortises (before that it rebuilds the cash reserve)
    target = fc.inputs.liquidity_target_kr
    at_target = fc.cash_flow.loc["likvida_medel_vid_årets_början"].to_numpy() >= target - 1
    assert (surplus & at_target).sum() >= 3
    assert (debt[surplus & at_target] < prev[surplus & at_target]).all()
    assert (cf.loc["amortering"].to_numpy()[surplus & at_target] < 0).all()


def test_higher_rate_lowers_the_ten_year_result(data):
    base = forecast(data)
    shock = forecast(data, overrides={"ränta": data.assumption("ränta") + 0.02})
    ten = base.years[:10]
    assert shock.income_statement.loc["årets_resultat", ten].sum() < base.income_statement.loc[
        "årets_resultat", ten].sum() - 10 * MKR
    # the fixed-rate period spreads the shock: the first year's interest rises by less than 2 pp of the debt
    first = base.years[0]
    extra = base.income_statement.loc["finansiella_kostnader", first] - shock.income_statement.loc[
        "finansiella_kostnader", first]
    assert 0 < extra < 0.02 * base.inputs.opening["långfristiga_skulder"]


def test_pension_payouts_follow_the_commitment(fc):
    paid = -fc.income_statement.loc["varav_pensionsutbetalningar"].to_numpy()
    commitment = fc.balance_sheet.loc["ansvarsförbindelse_pensioner"].to_numpy()
    assert (paid > 0).all()
    assert (np.diff(commitment) < 0).all() and (np.diff(paid) < 0).all()
    tax = fc.statements["varav_löneskatt_pensioner"]
    np.testing.assert_allclose(tax, paid * 0.2426 / 1.2426)


def test_a_sale_brings_cash_and_a_realisation_result_against_book_value(data):
    base = forecast(data)
    sold = forecast(data, {**dict(base.schedule), "P-20": 2027})
    price = sold.cash_flow.loc["försäljning_materiella_anläggningstillgångar", 2027]
    book = sold.statements["avyttrat_bokfört_värde"][list(sold.statements.years).index(2027)]
    assert price > 0 and book > 0
    result = (sold.income_statement.loc["varav_realisationsvinster", 2027]
              + sold.income_statement.loc["varav_realisationsförluster", 2027])
    assert result == pytest.approx(price - book, abs=1.0)  # a gain above book value is tested in test_finance_books


def test_as_needed_spend_equals_the_renewal_schedule(data):
    path = reinvestment_path(data, "behov")
    need = renewal_tables(data).by_year["amount_kr"].to_numpy()
    np.testing.assert_allclose(path.spend_real_kr, need, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(path.need_real_kr, need, rtol=1e-9, atol=1e-3)
    assert path.debt_real_kr.max() < 1 and path.share_of_need == pytest.approx(1.0)


def test_frame_leaves_maintenance_debt_and_nothing_is_a_what_if(data):
    frame = reinvestment_path(data, "ram")
    nothing = reinvestment_path(data, "ingen")
    assert frame.debt_real_kr[-1] > 0 and 0 < frame.share_of_need < 1
    assert nothing.spend_real_kr.sum() == 0
    assert (nothing.debt_real_kr >= frame.debt_real_kr - 1).all()
    # money in = money renewed: backlog(t) = backlog(t-1) + due(t) - spend(t), summed over the plan
    assert frame.debt_real_kr[-1] <= frame.debt_base_kr + frame.need_real_kr.sum() - frame.spend_real_kr.sum() + 1


@pytest.mark.parametrize("policy", list(POLICIES))
def test_identities_hold_for_every_policy(data, policy):
    inp = build_inputs(data, reinvestment_policy=policy)
    s, ref = run(inp), run_reference(inp)
    bs = s.balance_sheet
    np.testing.assert_allclose(bs["summa_tillgångar"], bs["summa_eget_kapital_avsättningar_och_skulder"], atol=1)
    cash_before = s["likvida_medel_vid_årets_början"]
    np.testing.assert_allclose(s["likvida_medel"] - cash_before, s["årets_kassaflöde"], atol=1)
    for line in ("årets_resultat", "likvida_medel", "långfristiga_skulder", "materiella_anläggningstillgångar"):
        np.testing.assert_allclose(s[line], ref[line], atol=0.5, err_msg=line)


@settings(max_examples=40, deadline=None)
@given(rate=st.floats(0.0, 0.08), deposit=st.floats(0.0, 0.04), floor=st.floats(0, 80e6),
       gap=st.floats(0, 100e6), amort=st.floats(0, 0.05), tau=st.floats(1, 6),
       shock=st.lists(st.floats(-50e6, 50e6), min_size=30, max_size=30))
def test_treasury_invariants(rate, deposit, floor, gap, amort, tau, shock):
    """No new borrowing while cash is above the target; amortisation never takes cash below the floor; the
    identities hold to the krona (vectorised model = plain-Python reference)."""
    data = exempelkommun()
    n = len(data.years)
    inp = build_inputs(data, overrides={"ränta": rate, "ränta_likvida_medel": deposit, "kassa_golv_kr": floor,
                                        "kassa_mål_kr": floor + gap, "amortering_andel": amort,
                                        "räntebindningstid_år": tau,
                                        "nettokostnad_förändring_kr": np.asarray(shock[:n])})
    s = run(inp)
    cash, borrow = s["likvida_medel"], s["nyupptagna_lån"]
    assert (cash >= floor - 1).all()
    assert (borrow[cash > floor + gap + 1] <= 1).all()
    assert ((borrow <= 1) | (np.abs(cash - floor) < 1)).all()  # borrowing only to reach the floor
    debt_before = np.concatenate([[inp.opening["långfristiga_skulder"]], s["långfristiga_skulder"][:-1]])
    extra = -s["amortering"] - amort * debt_before  # repaid beyond the regular share: only from cash above target
    assert (extra >= -1).all()
    assert ((extra <= 1) | (cash >= floor + gap - 1) | (s["långfristiga_skulder"] <= 1)).all()
    assert ((extra <= 1) | (cash >= floor - 1)).all()
    bs = s.balance_sheet
    np.testing.assert_allclose(bs["summa_tillgångar"], bs["summa_eget_kapital_avsättningar_och_skulder"], atol=1)
    ref = run_reference(inp)
    np.testing.assert_allclose(s["likvida_medel"], ref["likvida_medel"], atol=0.5)
    np.testing.assert_allclose(s["långfristiga_skulder"], ref["långfristiga_skulder"], atol=0.5)
