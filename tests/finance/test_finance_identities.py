"""Accounting identities hold every year to the krona, for random inputs, with and without a scenario axis; the
vectorised model equals the plain-Python reference."""

from __future__ import annotations

import numpy as np
from finance_fixtures import make_inputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hushall.data.schema import COMPONENT_TYPES
from hushall.finance import (
    BALANCE_SHEET_LINES,
    CASH_FLOW_LINES,
    INCOME_STATEMENT_LINES,
    MEMO_LINES,
    FinanceInputs,
    run,
    run_reference,
)

KRONA = 1.0
N_C = len(COMPONENT_TYPES)


def random_inputs(seed: int, n_years: int, n_scen: int | None) -> FinanceInputs:
    rng = np.random.default_rng(seed)
    scale = 10 ** rng.uniform(6, 10)  # kr: from a tiny to a large municipality

    def field(lo: float, hi: float) -> np.ndarray:
        shape = (n_years,) if n_scen is None or rng.random() < 0.5 else (n_scen, n_years)
        return rng.uniform(lo, hi, shape)

    def sparse(lo: float, hi: float) -> np.ndarray:
        x = field(lo, hi)
        return np.where(rng.random(x.shape) < 0.4, 0.0, x)

    assets = {k: rng.uniform(0.05, 1.0) * scale for k in ("materiella_anläggningstillgångar",
              "finansiella_anläggningstillgångar", "omsättningstillgångar", "likvida_medel")}
    total = sum(assets.values())
    equity = rng.uniform(-0.2, 0.7) * total
    provision = rng.uniform(0, 0.1) * total
    debt = rng.uniform(0, 1.0) * (total - equity - provision)
    opening = {
        **assets,
        "verksamhetens_intäkter": rng.uniform(0.05, 0.3) * scale,
        "verksamhetens_kostnader": -rng.uniform(0.5, 1.5) * scale,
        "avskrivningar": -rng.uniform(0, 0.1) * assets["materiella_anläggningstillgångar"],
        "skatteintäkter": rng.uniform(0.3, 1.0) * scale,
        "generella_statsbidrag": rng.uniform(0.0, 0.5) * scale,
        "finansiella_intäkter": rng.uniform(0, 0.02) * scale,
        "finansiella_kostnader": -rng.uniform(0, 0.05) * scale,
        "eget_kapital": equity,
        "resultatreserv": max(0.0, equity) * rng.uniform(0, 0.2),
        "avsättningar_pensioner": provision,
        "långfristiga_skulder": debt,
        "kortfristiga_skulder": total - equity - provision - debt,
        "ansvarsförbindelse_pensioner": rng.uniform(0, 0.5) * scale,
    }
    comp_shape = (N_C, n_years) if n_scen is None or rng.random() < 0.5 else (n_scen, N_C, n_years)
    cap = np.where(rng.random(comp_shape) < 0.7, 0.0, rng.uniform(0, 0.05 * scale, comp_shape))
    dep = np.where(rng.random(comp_shape) < 0.5, 0.0, rng.uniform(0, 0.005 * scale, comp_shape))
    return make_inputs(
        n_years=n_years,
        opening_mkr={k: v / 1e6 for k, v in opening.items()},
        tax_base_growth=field(-0.05, 0.1), tax_rate_change_pp=field(-1, 2), base_tax_rate_pct=field(18, 24),
        grants_growth=field(-0.05, 0.1), national_population_growth=field(-0.01, 0.02),
        population=field(1e3, 1e5), population_base=float(rng.uniform(1e3, 1e5)), demand_index=field(0.8, 1.2),
        volume_share=field(0, 1), price_growth=field(-0.02, 0.1), wage_growth=field(-0.02, 0.1),
        wage_share=field(0, 1), construction_index=field(0.8, 2.0), interest_rate=field(0, 0.1),
        deposit_rate=field(0, 0.05), cash_floor_kr=field(0, 0.2 * scale), amortisation_share=field(0, 0.2),
        pension_payments_kr=sparse(0, 0.05 * scale), pension_provision_change_kr=field(-0.01 * scale, 0.02 * scale),
        pension_commitment_decline=field(0, 0.1), reserve_use_kr=sparse(-0.01 * scale, 0.01 * scale),
        investment_kr=sparse(0, 0.2 * scale), expensed_kr=sparse(0, 0.01 * scale),
        operating_cost_change_kr=sparse(-0.02 * scale, 0.02 * scale), sale_proceeds_kr=sparse(0, 0.02 * scale),
        capitalised_by_component_kr=cap, new_depreciation_by_component_kr=dep,
        projects_under_construction=field(0, 5), places_change=field(-50, 50),
    )


def previous(x: np.ndarray, first: float) -> np.ndarray:
    return np.concatenate([np.full((*x.shape[:-1], 1), first), x[..., :-1]], axis=-1)


def assert_identities(inp: FinanceInputs) -> None:
    s = run(inp)
    o = inp.opening
    # the balance sheet balances
    np.testing.assert_allclose(s["summa_tillgångar"], s["summa_eget_kapital_avsättningar_och_skulder"], rtol=0,
                               atol=KRONA)
    np.testing.assert_allclose(s["summa_tillgångar"], s["materiella_anläggningstillgångar"]
                               + s["finansiella_anläggningstillgångar"] + s["omsättningstillgångar"]
                               + s["likvida_medel"], rtol=0, atol=KRONA)
    # the cash flow statement reconciles with the change in cash
    cash = s["likvida_medel"]
    np.testing.assert_allclose(s["årets_kassaflöde"], cash - previous(cash, o["likvida_medel"]), rtol=0, atol=KRONA)
    np.testing.assert_allclose(s["årets_kassaflöde"], s["kassaflöde_löpande_verksamhet"]
                               + s["kassaflöde_investeringsverksamhet"] + s["kassaflöde_finansieringsverksamhet"],
                               rtol=0, atol=KRONA)
    np.testing.assert_allclose(s["likvida_medel_vid_årets_slut"], cash, rtol=0, atol=KRONA)
    # årets resultat flows into eget kapital
    eq = s["eget_kapital"]
    np.testing.assert_allclose(eq - previous(eq, o["eget_kapital"]), s["årets_resultat"], rtol=0, atol=KRONA)
    # the income statement adds up
    np.testing.assert_allclose(s["verksamhetens_nettokostnader"], s["verksamhetens_intäkter"]
                               + s["verksamhetens_kostnader"] + s["avskrivningar"], rtol=0, atol=KRONA)
    np.testing.assert_allclose(s["årets_resultat"], s["verksamhetens_nettokostnader"] + s["skatteintäkter"]
                               + s["generella_statsbidrag"] + s["finansiella_intäkter"] + s["finansiella_kostnader"],
                               rtol=0, atol=KRONA)
    # fixed assets roll forward: + investments − depreciation
    mat = s["materiella_anläggningstillgångar"]
    np.testing.assert_allclose(mat - previous(mat, o["materiella_anläggningstillgångar"]),
                               s["avskrivningar"] - s["investering_materiella_anläggningstillgångar"],
                               rtol=0, atol=KRONA)
    # debt rolls forward, and the loan policy keeps cash at the floor when it borrows
    debt = s["långfristiga_skulder"]
    np.testing.assert_allclose(debt - previous(debt, o["långfristiga_skulder"]),
                               s["nyupptagna_lån"] + s["amortering"], rtol=0, atol=KRONA)
    assert (s["nyupptagna_lån"] >= 0).all()
    floor = np.broadcast_to(inp.cash_floor_kr, cash.shape)
    borrowed = s["nyupptagna_lån"] > 0
    np.testing.assert_allclose(cash[borrowed], floor[borrowed], rtol=0, atol=KRONA)
    assert (cash >= floor - KRONA).all()  # C = C* + max(0, floor − C*) ≥ floor
    # balanskravsresultat: årets resultat − realisationsvinster + reserve use
    np.testing.assert_allclose(s["balanskravsresultat"], s["årets_resultat"] - s["varav_realisationsvinster"]
                               + s["resultatreserv_disposition"], rtol=0, atol=KRONA)


def assert_equal_to_reference(inp: FinanceInputs) -> None:
    fast, slow = run(inp), run_reference(inp)
    for line in (*INCOME_STATEMENT_LINES, *BALANCE_SHEET_LINES, *CASH_FLOW_LINES, *MEMO_LINES):
        np.testing.assert_allclose(fast[line], slow[line], rtol=1e-12, atol=0.5, err_msg=line)
    for name, arr in fast.components.items():
        np.testing.assert_allclose(arr, slow.components[name], rtol=1e-12, atol=0.5, err_msg=name)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_years=st.integers(1, 12))
def test_identities_every_year(seed: int, n_years: int) -> None:
    assert_identities(random_inputs(seed, n_years, None))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_years=st.integers(1, 8), n_scen=st.integers(1, 4))
def test_identities_with_scenario_axis(seed: int, n_years: int, n_scen: int) -> None:
    inp = random_inputs(seed, n_years, n_scen)
    assert len(inp.shape) in (1, 2)
    assert_identities(inp)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_years=st.integers(1, 10), n_scen=st.sampled_from([None, 1, 3]))
def test_vectorised_equals_reference(seed: int, n_years: int, n_scen: int | None) -> None:
    assert_equal_to_reference(random_inputs(seed, n_years, n_scen))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n_years=st.integers(1, 8))
def test_scenarios_are_independent(seed: int, n_years: int) -> None:
    """Running S scenarios at once equals running each alone."""
    inp = random_inputs(seed, n_years, 3)
    if len(inp.shape) == 1:
        return
    together = run(inp)
    for k in range(3):
        alone_fields = {}
        for name in ("tax_base_growth", "interest_rate", "cash_floor_kr", "investment_kr", "population",
                     "demand_index", "sale_proceeds_kr", "reserve_use_kr", "amortisation_share", "deposit_rate"):
            a = np.asarray(getattr(inp, name))
            alone_fields[name] = a[k] if a.ndim == 2 else a
        other = {}
        for name in ("tax_rate_change_pp", "base_tax_rate_pct", "grants_growth", "national_population_growth",
                     "volume_share", "price_growth", "wage_growth", "wage_share", "construction_index",
                     "pension_payments_kr", "pension_provision_change_kr", "pension_commitment_decline",
                     "expensed_kr", "operating_cost_change_kr", "projects_under_construction", "places_change"):
            a = np.asarray(getattr(inp, name))
            other[name] = a[k] if a.ndim == 2 else a
        comps = {n: (np.asarray(getattr(inp, n))[k] if np.ndim(getattr(inp, n)) == 3 else getattr(inp, n))
                 for n in ("capitalised_by_component_kr", "new_depreciation_by_component_kr")}
        alone = run(inp.replace(**alone_fields, **other, **comps))
        for line in ("årets_resultat", "likvida_medel", "långfristiga_skulder", "summa_tillgångar"):
            np.testing.assert_allclose(together[line][k], alone[line], rtol=1e-12, atol=1e-6)
