"""A two-year case small enough to check by hand (Mkr).

Base year: VI 100, VK −1 000, AV −50, SI 700, GS 300, FI 5, FK −10; MAT 1 000, FA 100, OT 100, C 50; EK 600
(reserve 20), AVS 50, L 400, KS 200; ANSV 300. No growth; interest 5 %, deposit rate 2 %, cash floor 40,
amortisation 10 %, pension provision +2 per year, ansvarsförbindelse −10 % per year. Plan: 100 invested in year 1,
capitalised at its end on one component (stomme) and depreciated 10 in year 2; a sale brings 5 in year 2.
"""

from __future__ import annotations

import numpy as np
import pytest
from finance_fixtures import MKR, make_inputs

from hushall.data.schema import COMPONENT_TYPES
from hushall.finance import ratios, run, run_reference

K = COMPONENT_TYPES.index("stomme")


def hand_inputs():
    cap = np.zeros((len(COMPONENT_TYPES), 2))
    dep = np.zeros((len(COMPONENT_TYPES), 2))
    cap[K, 0] = 100 * MKR
    dep[K, 1] = 10 * MKR
    return make_inputs(
        investment_kr=np.array([100.0, 0.0]) * MKR,
        sale_proceeds_kr=np.array([0.0, 5.0]) * MKR,
        capitalised_by_component_kr=cap,
        new_depreciation_by_component_kr=dep,
    )


# Worked by hand:
#   a = 50 / 1 000 = 5 %; existing book value 950, 902,5; existing depreciation 50, 47,5.
#   FI_övr = max(0, 5 − 2 % · 50) = 4; FK_övr = max(0, 10 − 5 % · 400) = 0.
#   Year 1: VNK = 100 − 1 000 − 50 = −950; VR = 50; FI = 1 + 4 = 5; FK = −20; ÅR = 35.
#     CFO = 35 + 50 + 2 = 87; CFI = −100; amortisation 40; cash before borrowing 50 + 87 − 100 − 40 = −3;
#     borrowing 43 (to the floor 40); debt 400 − 40 + 43 = 403; cash 40.
#     MAT = 950 + 100 = 1 050; EK 635; AVS 52; assets 1 050 + 100 + 100 + 40 = 1 290 = 635 + 52 + 403 + 200.
#   Year 2: VI = 100 + 5 (gain); AV = −(47,5 + 10); VNK = −952,5; VR = 47,5; FI = 0,8 + 4 = 4,8;
#     FK = −20,15; ÅR = 32,15; CFO = 32,15 + 57,5 + 2 − 5 = 86,65; CFI = +5; amortisation 40,3;
#     cash 40 + 86,65 + 5 − 40,3 = 91,35 (no borrowing); debt 362,7; MAT = 902,5 + 90 = 992,5; EK 667,15;
#     AVS 54; assets 992,5 + 100 + 100 + 91,35 = 1 283,85 = 667,15 + 54 + 362,7 + 200;
#     balanskravsresultat 32,15 − 5 = 27,15; ANSV 300 · 0,9² = 243.
EXPECTED_MKR = {
    "verksamhetens_intäkter": [100.0, 105.0],
    "avskrivningar": [-50.0, -57.5],
    "verksamhetens_nettokostnader": [-950.0, -952.5],
    "finansiella_intäkter": [5.0, 4.8],
    "finansiella_kostnader": [-20.0, -20.15],
    "årets_resultat": [35.0, 32.15],
    "balanskravsresultat": [35.0, 27.15],
    "kassaflöde_löpande_verksamhet": [87.0, 86.65],
    "kassaflöde_investeringsverksamhet": [-100.0, 5.0],
    "nyupptagna_lån": [43.0, 0.0],
    "amortering": [-40.0, -40.3],
    "likvida_medel": [40.0, 91.35],
    "långfristiga_skulder": [403.0, 362.7],
    "materiella_anläggningstillgångar": [1050.0, 992.5],
    "varav_befintliga_anläggningar": [950.0, 902.5],
    "eget_kapital": [635.0, 667.15],
    "avsättningar_pensioner": [52.0, 54.0],
    "summa_tillgångar": [1290.0, 1283.85],
    "ansvarsförbindelse_pensioner": [270.0, 243.0],
    "varav_resultatreserv": [20.0, 20.0],
}


@pytest.mark.parametrize("engine", [run, run_reference])
def test_two_years_by_hand(engine):
    st = engine(hand_inputs())
    for line, expected in EXPECTED_MKR.items():
        np.testing.assert_allclose(st[line] / MKR, expected, atol=1e-9, err_msg=line)


def test_ratios_by_hand():
    r = ratios(run(hand_inputs()))
    assert r["resultat_andel_av_skatter_och_bidrag"][0] == pytest.approx(0.035)
    assert r["självfinansieringsgrad"][0] == pytest.approx((35 + 50) / 100)
    assert r["soliditet"][0] == pytest.approx(635 / 1290)
    assert r["soliditet_inkl_pensionsförpliktelser"][0] == pytest.approx((635 - 270) / 1290)
    assert r["nettokostnadsandel"][1] == pytest.approx(952.5 / 1000)
    assert r["nettoinvesteringar_andel_av_skatter_och_bidrag"][0] == pytest.approx(0.1)
    assert r["låneskuld_per_invånare"][0] == pytest.approx(403 * MKR / 1000)
    assert r["kassalikviditet"][1] == pytest.approx((100 + 91.35) / 200)


def test_growth_drivers_by_hand():
    """One year with growth: tax base +4 %, nation +1 %, local population +2 %, tax rate +0,5 pp on 20 %;
    wages +3 %, prices +2 % (wage share 0,65); volume share 0,6 with demand index 1,05."""
    inp = make_inputs(
        n_years=1, tax_base_growth=np.array([0.04]), national_population_growth=np.array([0.01]),
        population=np.array([1020.0]), tax_rate_change_pp=np.array([0.5]), grants_growth=np.array([0.02]),
        wage_growth=np.array([0.03]), price_growth=np.array([0.02]), volume_share=np.array([0.6]),
        demand_index=np.array([1.05]),
    )
    st = run(inp)
    si = 700 * 1.04 / 1.01 * 1.02 * (20.5 / 20.0)
    gs = 300 * 1.02 / 1.01 * 1.02
    factor = (1 + 0.65 * 0.03 + 0.35 * 0.02) * (0.4 + 0.6 * 1.05)
    assert st["skatteintäkter"][0] / MKR == pytest.approx(si)
    assert st["generella_statsbidrag"][0] / MKR == pytest.approx(gs)
    assert st["verksamhetens_intäkter"][0] / MKR == pytest.approx(100 * factor)
    assert st["verksamhetens_kostnader"][0] / MKR == pytest.approx(-1000 * factor)
    assert st["omsättningstillgångar"][0] / MKR == pytest.approx(100 * (1 + 0.65 * 0.03 + 0.35 * 0.02))


def test_pension_payments_shown_apart():
    """Payments given apart replace their share of the indexed costs: VK = (VK_0 + P_1)·F − P_t."""
    inp = make_inputs(pension_payments_kr=np.array([30.0, 40.0]) * MKR, price_growth=np.array([0.1, 0.0]),
                      wage_share=np.zeros(2))
    st = run(inp)
    np.testing.assert_allclose(st["verksamhetens_kostnader"] / MKR, [(-1000 + 30) * 1.1 - 30, (-1000 + 30) * 1.1 - 40])
    np.testing.assert_allclose(st["varav_pensionsutbetalningar"] / MKR, [-30, -40])


def test_reserve_use_moves_balanskrav_not_equity():
    inp = make_inputs(reserve_use_kr=np.array([5.0, 0.0]) * MKR)
    st, base = run(inp), run(make_inputs())
    np.testing.assert_allclose(st["balanskravsresultat"] - base["balanskravsresultat"], [5 * MKR, 0])
    np.testing.assert_allclose(st["varav_resultatreserv"] / MKR, [15, 15])
    np.testing.assert_allclose(st["eget_kapital"], base["eget_kapital"])
