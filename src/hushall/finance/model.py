r"""The financial model: from the base year's statements, roll every year of the plan forward.

:func:`run` is a pure function of :class:`~hushall.finance.inputs.FinanceInputs`: same inputs, same statements to
the krona. Arrays have shape ``(T,)`` or ``(S, T)`` (a leading scenario axis); the only Python loop runs over the
``T`` years, for the cash–debt recursion; everything else is closed-form numpy over all scenarios at once.

Equations
---------
Year ``t = 1 … T``; index 0 is the base year (sheet ``Ekonomi``, costs negative as in the annual report). Signs below
are those of the statements: costs, depreciation and financial costs negative. ``Π_t`` is a cumulative product over
plan years ``1 … t``.

Revenue (per-capita growth follows the national per-capita tax base; utjämning guarantees most municipalities a
tax base per inhabitant in step with the nation's)::

    SI_t = SI_0 · Π_t (1 + g_skatt) / (1 + n_riket) · pop_t / pop_0 · (r_0 + Δr_t) / r_0
    GS_t = GS_0 · Π_t (1 + g_bidrag) / (1 + n_riket) · pop_t / pop_0

Net cost of operations (SKR's demografiska kalkyl: the volume share follows the demand index ``D``)::

    K_t  = Π_t (1 + w · löneindex + (1 − w) · prisindex)               cost index, 1 in the base year
    F_t  = K_t · ((1 − v_t) + v_t · D_t)
    VI_t = VI_0 · F_t + G_t                                             G = realisation gains (= sale proceeds)
    VK_t = (VK_0 + P_1) · F_t − P_t − O_t − X_t                          P = pension payments shown apart,
                                                                        O = projects' operating-cost change,
                                                                        X = expensed project outlays
    AV_t = −(a · MAT_0 · (1 − a)^(t−1) + Σ_k dep_k,t),  a = −AV_0 / MAT_0
    VNK_t = VI_t + VK_t + AV_t;   VR_t = VNK_t + SI_t + GS_t

Existing assets run off geometrically at the base-year rate ``a``: the first plan year's depreciation equals the
base year's and declines as the existing book value is used up (a pool of assets of mixed ages, where
components keep reaching the end of their depreciation). New assets: :mod:`hushall.projects` (component
straight line from the year after completion).

Financial items and the loan policy (the only non-linearity is the ``max`` of new borrowing)::

    FI_t = rl_t · C_{t−1} + FI_övr,   FI_övr = max(0, FI_0 − rl_1 · C_0)      (dividends etc. kept nominal)
    FK_t = −(r_t · L_{t−1} + FK_övr), FK_övr = max(0, −FK_0 − r_1 · L_0)      (pension interest etc.)
    ÅR_t = VR_t + FI_t + FK_t
    CFO_t = ÅR_t − AV_t + ΔAVS_t − G_t − ΔOT_t + ΔKS_t
    CFI_t = −I_t + G_t
    A_t  = α_t · L_{t−1}
    C*_t = C_{t−1} + CFO_t + CFI_t − A_t                                     cash before new borrowing
    B_t  = max(0, golv_t − C*_t)
    C_t  = C*_t + B_t;   L_t = L_{t−1} − A_t + B_t;   CFF_t = B_t − A_t

Interest is charged on the opening balances, so there is no circularity. For an LP: with ``B_t ≥ 0`` a continuous
variable and ``C*_t + B_t ≥ golv_t`` a constraint, every equation above is linear in the plan and in ``B``; a small
cost on ``B`` makes the LP borrow only what the floor needs, which is this model's ``max``.

Balance sheet::

    MAT_t = MAT_0 (1 − a)^t + WIP_t + Σ_k BV_k,t                          existing + work in progress + new
    WIP_t = Σ_{τ≤t} (I_τ − Σ_k cap_k,τ),   BV_k,t = Σ_{τ≤t} (cap_k,τ − dep_k,τ)
    FA_t = FA_0;   OT_t = OT_0 · K_t;   KS_t = KS_0 · K_t                  working capital follows the cost index
    EK_t = EK_{t−1} + ÅR_t;   RES_t = RES_{t−1} − U_t                        (U = use of resultatreserv)
    AVS_t = AVS_{t−1} + ΔAVS_t
    ANSV_t = ANSV_{t−1} · (1 − δ_t)                                          ansvarsförbindelse (off balance)

so that ``MAT + FA + OT + C = EK + AVS + L + KS`` every year, the cash flow statement reconciles with ``ΔC`` and
``ÅR`` flows into ``EK``. Balanskravsresultat (KL 11 kap. 12–14 §§; RKR R15 Förvaltningsberättelse, the
balanskravsutredning): ``BKR_t = ÅR_t − G_t + U_t``.

Simplifications
---------------
* Sold assets' remaining book value is nil (the existing assets are one pool), so a sale is a realisation gain in
  full; it is deducted in the balanskravsresultat. Replaced components are taken as fully depreciated (no
  utrangering).
* Verksamhetens intäkter and kostnader scale together by ``F``; jämförelsestörande poster are not modelled.
* Skatteintäkter are not lagged (the final settlement, slutavräkning, is ignored).
* Financial fixed assets are constant; other current assets and current liabilities follow the cost index;
  förråd/exploatering are not separated from omsättningstillgångar.
* The pension provision changes by the given amount inside the operating costs (non-cash); pension payments on
  the ansvarsförbindelse are inside the operating costs unless given apart; the ansvarsförbindelse declines at a
  fixed rate.
* The resultatreserv (resultatutjämningsreserv before 2024, prop. 2022/23:119) only moves when ``U`` is given.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> from hushall.finance.inputs import build_inputs
>>> st = run(build_inputs(exempelkommun()))
>>> bs = st.balance_sheet
>>> bool(abs(bs["summa_tillgångar"] - bs["summa_eget_kapital_avsättningar_och_skulder"]).max() < 1)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hushall.finance.inputs import FinanceInputs

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Resultaträkning and balanskravsutredning, in order. ``varav_`` lines specify the line above them.
INCOME_STATEMENT_LINES: tuple[str, ...] = (
    "verksamhetens_intäkter",
    "varav_realisationsvinster",
    "verksamhetens_kostnader",
    "varav_driftkonsekvenser_projekt",
    "varav_pensionsutbetalningar",
    "avskrivningar",
    "varav_avskrivningar_befintliga",
    "varav_avskrivningar_nya",
    "verksamhetens_nettokostnader",
    "skatteintäkter",
    "generella_statsbidrag",
    "verksamhetens_resultat",
    "finansiella_intäkter",
    "finansiella_kostnader",
    "resultat_efter_finansiella_poster",
    "årets_resultat",
    "avgår_realisationsvinster",
    "resultatreserv_disposition",
    "balanskravsresultat",
)

#: Balansräkning, in order; ``ansvarsförbindelse_pensioner`` is outside the balance sheet (inom linjen).
BALANCE_SHEET_LINES: tuple[str, ...] = (
    "materiella_anläggningstillgångar",
    "varav_befintliga_anläggningar",
    "varav_pågående_projekt",
    "varav_nya_anläggningar",
    "finansiella_anläggningstillgångar",
    "summa_anläggningstillgångar",
    "omsättningstillgångar",
    "likvida_medel",
    "summa_omsättningstillgångar",
    "summa_tillgångar",
    "eget_kapital",
    "varav_årets_resultat",
    "varav_resultatreserv",
    "avsättningar_pensioner",
    "långfristiga_skulder",
    "kortfristiga_skulder",
    "summa_eget_kapital_avsättningar_och_skulder",
    "ansvarsförbindelse_pensioner",
)

#: Kassaflödesanalys (indirect method, RKR R13), in order.
CASH_FLOW_LINES: tuple[str, ...] = (
    "årets_resultat",
    "justering_avskrivningar",
    "justering_avsättningar",
    "justering_realisationsvinster",
    "förändring_omsättningstillgångar",
    "förändring_kortfristiga_skulder",
    "kassaflöde_löpande_verksamhet",
    "investering_materiella_anläggningstillgångar",
    "försäljning_materiella_anläggningstillgångar",
    "kassaflöde_investeringsverksamhet",
    "nyupptagna_lån",
    "amortering",
    "kassaflöde_finansieringsverksamhet",
    "årets_kassaflöde",
    "likvida_medel_vid_årets_början",
    "likvida_medel_vid_årets_slut",
)

#: Per component type of the new assets, arrays ``(..., C, T)``.
COMPONENT_LINES: tuple[str, ...] = ("aktiverat", "avskrivningar", "bokfört_värde")

#: Memo lines (not statement lines) kept for ratios, targets and reports.
MEMO_LINES: tuple[str, ...] = (
    "invånare",
    "skatter_och_generella_statsbidrag",
    "nettoinvesteringar",
    "investeringar_fasta_priser",
    "byggprisindex",
    "projekt_under_byggnad",
    "platser_förändring",
)


def reserve_name(year: int) -> str:
    """The name of the reserve within eget kapital in a year: *resultatreserv* from 2024 (prop. 2022/23:119,
    KL 11 kap.), *resultatutjämningsreserv* before. The statements call the line ``varav_resultatreserv``.

    Examples
    --------
    >>> reserve_name(2023), reserve_name(2024)
    ('resultatutjämningsreserv', 'resultatreserv')
    """
    return "resultatreserv" if year >= 2024 else "resultatutjämningsreserv"


@dataclass(frozen=True, eq=False)
class Statements:
    """Every statement line per year in kr: arrays ``(T,)`` or ``(S, T)``.

    ``statements["årets_resultat"]`` looks a line up in any of the statements (income statement first).
    """

    years: IntArray
    income_statement: dict[str, FloatArray]
    balance_sheet: dict[str, FloatArray]
    cash_flow: dict[str, FloatArray]
    memo: dict[str, FloatArray]
    components: dict[str, FloatArray]
    component_types: tuple[str, ...]

    def __getitem__(self, line: str) -> FloatArray:
        for group in (self.income_statement, self.balance_sheet, self.cash_flow, self.memo):
            if line in group:
                return group[line]
        raise KeyError(line)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.income_statement["årets_resultat"].shape)


def _cum_before(x: NDArray[np.floating[Any]], first: ArrayLike) -> FloatArray:
    """Values of the previous year: ``[first, x_1, …, x_{T−1}]`` along the last axis."""
    head = np.broadcast_to(np.asarray(first, dtype=float)[..., None], (*x.shape[:-1], 1))
    return np.concatenate([head, x[..., :-1]], axis=-1)


def run(inputs: FinanceInputs) -> Statements:
    """Roll the statements forward over the plan years (equations: module docstring).

    Parameters
    ----------
    inputs
        From :func:`hushall.finance.build_inputs` (or built directly; see :class:`FinanceInputs`).

    Returns
    -------
    Statements
        Income statement, balance sheet, cash flow statement and memo lines, each array ``inputs.shape``.
    """
    shape = inputs.shape
    n = shape[-1]
    o = inputs.opening

    def arr(x: ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(x, dtype=float), shape)

    pop = arr(inputs.population)
    pop_ratio = pop / inputs.population_base
    nat = arr(inputs.national_population_growth)
    tax_index = np.cumprod((1.0 + arr(inputs.tax_base_growth)) / (1.0 + nat), axis=-1)
    r0 = arr(inputs.base_tax_rate_pct)
    rate_factor = (r0 + arr(inputs.tax_rate_change_pp)) / r0
    si = o["skatteintäkter"] * tax_index * pop_ratio * rate_factor
    grants_index = np.cumprod((1.0 + arr(inputs.grants_growth)) / (1.0 + nat), axis=-1)
    gs = o["generella_statsbidrag"] * grants_index * pop_ratio

    w = arr(inputs.wage_share)
    cost_index = np.cumprod(1.0 + w * arr(inputs.wage_growth) + (1.0 - w) * arr(inputs.price_growth), axis=-1)
    v = arr(inputs.volume_share)
    factor = cost_index * ((1.0 - v) + v * arr(inputs.demand_index))
    gains = arr(inputs.sale_proceeds_kr)
    pensions = arr(inputs.pension_payments_kr)
    project_costs = arr(inputs.operating_cost_change_kr) + arr(inputs.expensed_kr)
    vi = o["verksamhetens_intäkter"] * factor + gains
    vk = (o["verksamhetens_kostnader"] + pensions[..., :1]) * factor - pensions - project_costs

    mat0 = o["materiella_anläggningstillgångar"]
    rate = min(1.0, -o["avskrivningar"] / mat0) if mat0 > 0 else 0.0
    existing_bv = arr(mat0 * (1.0 - rate) ** np.arange(1, n + 1))
    dep_existing = _cum_before(existing_bv, mat0) - existing_bv
    comp_shape = (*shape[:-1], len(inputs.component_types), n)
    cap_c = np.broadcast_to(np.asarray(inputs.capitalised_by_component_kr, dtype=float), comp_shape)
    dep_c = np.broadcast_to(np.asarray(inputs.new_depreciation_by_component_kr, dtype=float), comp_shape)
    dep_new = dep_c.sum(axis=-2)
    av = 0.0 - (dep_existing + dep_new)
    vnk = vi + vk + av
    vr = vnk + si + gs

    investment = arr(inputs.investment_kr)
    wip = np.cumsum(investment - cap_c.sum(axis=-2), axis=-1)
    bv_c = np.cumsum(cap_c - dep_c, axis=-1)
    new_bv = bv_c.sum(axis=-2)
    mat = existing_bv + wip + new_bv

    ot = o["omsättningstillgångar"] * cost_index
    ks = o["kortfristiga_skulder"] * cost_index
    d_ot = ot - _cum_before(ot, o["omsättningstillgångar"])
    d_ks = ks - _cum_before(ks, o["kortfristiga_skulder"])
    d_prov = arr(inputs.pension_provision_change_kr)
    provision = o["avsättningar_pensioner"] + np.cumsum(d_prov, axis=-1)
    commitment = o["ansvarsförbindelse_pensioner"] * np.cumprod(1.0 - arr(inputs.pension_commitment_decline), axis=-1)
    reserve_use = arr(inputs.reserve_use_kr)
    reserve = o["resultatreserv"] - np.cumsum(reserve_use, axis=-1)

    deposit = arr(inputs.deposit_rate)
    interest = arr(inputs.interest_rate)
    amort_share = arr(inputs.amortisation_share)
    floor = arr(inputs.cash_floor_kr)
    fi_other = np.maximum(0.0, o["finansiella_intäkter"] - deposit[..., 0] * o["likvida_medel"])
    fk_other = np.maximum(0.0, -o["finansiella_kostnader"] - interest[..., 0] * o["långfristiga_skulder"])
    adjustments = dep_existing + dep_new + d_prov - gains - d_ot + d_ks
    cfi = gains - investment
    # Everything in C*_t that does not depend on last year's cash or debt.
    known = vr + fi_other[..., None] - fk_other[..., None] + adjustments + cfi

    cash = np.empty(shape)
    debt = np.empty(shape)
    borrow = np.empty(shape)
    amort = np.empty(shape)
    c_prev = np.full(shape[:-1], o["likvida_medel"])
    l_prev = np.full(shape[:-1], o["långfristiga_skulder"])
    for t in range(n):
        a_t = amort_share[..., t] * l_prev
        pre = c_prev * (1.0 + deposit[..., t]) - l_prev * interest[..., t] - a_t + known[..., t]
        b_t = np.maximum(0.0, floor[..., t] - pre)
        c_prev = pre + b_t
        l_prev = l_prev - a_t + b_t
        cash[..., t], debt[..., t], borrow[..., t], amort[..., t] = c_prev, l_prev, b_t, a_t

    cash_before = _cum_before(cash, o["likvida_medel"])
    debt_before = _cum_before(debt, o["långfristiga_skulder"])
    fi = deposit * cash_before + fi_other[..., None]
    fk = 0.0 - (interest * debt_before + fk_other[..., None])
    refp = vr + fi + fk
    result = refp
    equity = o["eget_kapital"] + np.cumsum(result, axis=-1)
    cfo = result + adjustments
    cff = borrow - amort

    fa = arr(o["finansiella_anläggningstillgångar"])
    total_assets = mat + fa + ot + cash
    total_claims = equity + provision + debt + ks

    income = {
        "verksamhetens_intäkter": vi,
        "varav_realisationsvinster": gains,
        "verksamhetens_kostnader": vk,
        "varav_driftkonsekvenser_projekt": 0.0 - project_costs,
        "varav_pensionsutbetalningar": 0.0 - pensions,
        "avskrivningar": av,
        "varav_avskrivningar_befintliga": 0.0 - dep_existing,
        "varav_avskrivningar_nya": 0.0 - dep_new,
        "verksamhetens_nettokostnader": vnk,
        "skatteintäkter": si,
        "generella_statsbidrag": gs,
        "verksamhetens_resultat": vr,
        "finansiella_intäkter": fi,
        "finansiella_kostnader": fk,
        "resultat_efter_finansiella_poster": refp,
        "årets_resultat": result,
        "avgår_realisationsvinster": 0.0 - gains,
        "resultatreserv_disposition": reserve_use,
        "balanskravsresultat": result - gains + reserve_use,
    }
    balance = {
        "materiella_anläggningstillgångar": mat,
        "varav_befintliga_anläggningar": existing_bv,
        "varav_pågående_projekt": wip,
        "varav_nya_anläggningar": new_bv,
        "finansiella_anläggningstillgångar": fa,
        "summa_anläggningstillgångar": mat + fa,
        "omsättningstillgångar": ot,
        "likvida_medel": cash,
        "summa_omsättningstillgångar": ot + cash,
        "summa_tillgångar": total_assets,
        "eget_kapital": equity,
        "varav_årets_resultat": result,
        "varav_resultatreserv": reserve,
        "avsättningar_pensioner": provision,
        "långfristiga_skulder": debt,
        "kortfristiga_skulder": ks,
        "summa_eget_kapital_avsättningar_och_skulder": total_claims,
        "ansvarsförbindelse_pensioner": commitment,
    }
    cash_flow = {
        "årets_resultat": result,
        "justering_avskrivningar": dep_existing + dep_new,
        "justering_avsättningar": d_prov,
        "justering_realisationsvinster": 0.0 - gains,
        "förändring_omsättningstillgångar": 0.0 - d_ot,
        "förändring_kortfristiga_skulder": d_ks,
        "kassaflöde_löpande_verksamhet": cfo,
        "investering_materiella_anläggningstillgångar": 0.0 - investment,
        "försäljning_materiella_anläggningstillgångar": gains,
        "kassaflöde_investeringsverksamhet": cfi,
        "nyupptagna_lån": borrow,
        "amortering": 0.0 - amort,
        "kassaflöde_finansieringsverksamhet": cff,
        "årets_kassaflöde": cfo + cfi + cff,
        "likvida_medel_vid_årets_början": cash_before,
        "likvida_medel_vid_årets_slut": cash,
    }
    ci = arr(inputs.construction_index)
    memo = {
        "invånare": pop,
        "skatter_och_generella_statsbidrag": si + gs,
        "nettoinvesteringar": investment - gains,
        "investeringar_fasta_priser": investment / ci,
        "byggprisindex": ci,
        "projekt_under_byggnad": arr(inputs.projects_under_construction),
        "platser_förändring": arr(inputs.places_change),
    }
    components = {"aktiverat": cap_c, "avskrivningar": 0.0 - dep_c, "bokfört_värde": bv_c}
    return Statements(inputs.years, income, balance, cash_flow, memo, components, tuple(inputs.component_types))
