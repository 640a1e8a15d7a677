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
    VI_t = VI_0 · F_t + G_t                                             G = realisation gains
    VK_t = (VK_0 + P_1) · F_t − P_t − O_t − X_t − RF_t                   P = pension payments shown apart,
                                                                        O = projects' operating-cost change,
                                                                        X = expensed project outlays
    RF_t = G_t − (S_t − W_t) ≥ 0                                        realisation losses and utrangering
    AV_t = −(AVB_t − Z_t + Σ_k dep_k,t)
    VNK_t = VI_t + VK_t + AV_t;   VR_t = VNK_t + SI_t + GS_t

Sales and closures (:mod:`hushall.projects.effects`): a project that sells (price ``S``) or closes existing
facilities takes the book value ``W`` of their components off the balance sheet in its completion year; the
realisation result ``S − W`` is a gain in verksamhetens intäkter (``G`` = Σ over projects of ``max(0, S − W)``)
or a loss in verksamhetens kostnader (``RF``; a closure without a price writes ``W`` off in full, utrangering,
RKR R4), and the depreciation ``Z`` of those components stops from the following year.

Existing assets (``AVB``): the register's component schedule (:mod:`hushall.needs.book_value`: historical cost
over each component's lifetime, ending when it is fully depreciated, scaled so that the base year equals the
published depreciation; :func:`hushall.finance.inputs.existing_depreciation_default`), or a municipality's own
plan (``avskrivningar_befintliga_kr``); where neither is given, a geometric run-off at the base-year rate
``a = −AV_0 / MAT_0``: ``AVB_t = a · MAT^bef_{t−1}`` (:func:`existing_runoff`). New assets:
:mod:`hushall.projects` (component straight line from the year after completion).

Financial items and the loan policy (the only non-linearity is the ``max`` of new borrowing)::

    FI_t = rl_t · C_{t−1} + FI_övr,   FI_övr = max(0, FI_0 − rl_1 · C_0)      (dividends etc. kept nominal)
    FK_t = −(r_t · L_{t−1} + FK_övr), FK_övr = max(0, −FK_0 − r_1 · L_0)      (pension interest etc.)
    ÅR_t = VR_t + FI_t + FK_t
    CFO_t = ÅR_t − AV_t + ΔAVS_t − (S_t − W_t) − ΔOT_t + ΔKS_t             (realisation result → investing)
    CFI_t = −I_t + S_t
    A_t  = α_t · L_{t−1}
    C*_t = C_{t−1} + CFO_t + CFI_t − A_t                                     cash before new borrowing
    B_t  = max(0, golv_t − C*_t)
    C_t  = C*_t + B_t;   L_t = L_{t−1} − A_t + B_t;   CFF_t = B_t − A_t

Interest is charged on the opening balances, so there is no circularity. For an LP: with ``B_t ≥ 0`` a continuous
variable and ``C*_t + B_t ≥ golv_t`` a constraint, every equation above is linear in the plan and in ``B``; a small
cost on ``B`` makes the LP borrow only what the floor needs, which is this model's ``max``.

Balance sheet::

    MAT_t = MAT^bef_t + WIP_t + Σ_k BV_k,t                               existing + work in progress + new
    MAT^bef_t = MAT^bef_{t−1} − (AVB_t − Z_t) − W_t
    WIP_t = Σ_{τ≤t} (I_τ − Σ_k cap_k,τ),   BV_k,t = Σ_{τ≤t} (cap_k,τ − dep_k,τ)
    FA_t = FA_0;   OT_t = OT_0 · K_t;   KS_t = KS_0 · K_t                  working capital follows the cost index
    EK_t = EK_{t−1} + ÅR_t;   RES_t = RES_{t−1} − U_t                        (U = use of resultatreserv)
    AVS_t = AVS_{t−1} + ΔAVS_t
    ANSV_t = ANSV_{t−1} · (1 − δ_t)                                          ansvarsförbindelse (off balance)

so that ``MAT + FA + OT + C = EK + AVS + L + KS`` every year, the cash flow statement reconciles with ``ΔC`` and
``ÅR`` flows into ``EK``. Balanskravsresultat (KL 11 kap. 12–14 §§; RKR R15 Förvaltningsberättelse, the
balanskravsutredning): ``BKR_t = ÅR_t − G_t + U_t``. The balanskravsutredning deducts *samtliga
realisationsvinster* from årets resultat; realisation losses (and utrangeringar) stay in it — only *vissa
realisationsförluster enligt undantagsmöjlighet* (a sale that is part of a restructuring, decided by fullmäktige
case by case) may be added back, which the model does not assume.

Simplifications
---------------
* A sold or closed facility's book value is its register components' (scaled, see above). Reinvestments made under
  the reinvestment policy stay in ``varav_reinvesteringar`` (the frame renews other facilities' components), and
  components that a project renews (ombyggnad) are taken as fully depreciated (no utrangering of the replaced
  part).
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
    "varav_realisationsförluster",
    "varav_driftkonsekvenser_projekt",
    "varav_pensionsutbetalningar",
    "varav_jämförelsestörande_poster",
    "avskrivningar",
    "varav_avskrivningar_befintliga",
    "varav_avskrivningar_nya",
    "varav_avskrivningar_reinvesteringar",
    "verksamhetens_nettokostnader",
    "skatteintäkter",
    "generella_statsbidrag",
    "verksamhetens_resultat",
    "finansiella_intäkter",
    "varav_utdelning",
    "finansiella_kostnader",
    "resultat_efter_finansiella_poster",
    "årets_resultat",
    "avgår_realisationsvinster",
    "resultatreserv_disposition",
    "balanskravsresultat",
)

#: Balansräkning, in order; ``ansvarsförbindelse_pensioner`` is outside the balance sheet (inom linjen).
BALANCE_SHEET_LINES: tuple[str, ...] = (
    "immateriella_anläggningstillgångar",
    "materiella_anläggningstillgångar",
    "varav_befintliga_anläggningar",
    "varav_pågående_projekt",
    "varav_nya_anläggningar",
    "varav_reinvesteringar",
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
    "övriga_avsättningar",
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
    "reinvesteringar",
    "reinvesteringar_fasta_priser",
    "förnyelsebehov_fasta_priser",
    "underhållsskuld_fasta_priser",
    "ränta_låneportfölj",
    "varav_löneskatt_pensioner",
    "avyttrat_bokfört_värde",
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


def _optional(x: ArrayLike | None, shape: tuple[int, ...], default: float) -> FloatArray:
    """An optional driver broadcast to ``shape``; ``None`` gives ``default`` everywhere."""
    if x is None:
        return np.full(shape, default)
    return np.broadcast_to(np.asarray(x, dtype=float), shape)


def existing_runoff(mat0: float, dep0: float, override_kr: ArrayLike | None, n: int) -> tuple[FloatArray, FloatArray]:
    """Book value and depreciation of the assets existing at the end of the base year, ``(T,)`` each.

    ``AV_t = a · MAT^bef_{t−1}`` with ``a = −AV_0 / MAT_0`` (a pool of mixed ages run off at the base year's
    rate), unless ``override_kr`` gives the year's depreciation (a municipality's own depreciation plan: NaN =
    the rate). The book value never goes below zero.

    >>> bv, dep = existing_runoff(100.0, -10.0, [np.nan, 30.0, np.nan], 3)
    >>> bv.tolist(), dep.tolist()
    ([90.0, 60.0, 54.0], [10.0, 30.0, 6.0])
    """
    rate = min(1.0, -dep0 / mat0) if mat0 > 0 else 0.0
    over = np.full(n, np.nan) if override_kr is None else np.broadcast_to(np.asarray(override_kr, float), (n,))
    bv = np.empty(n)
    dep = np.empty(n)
    prev = mat0
    for t in range(n):
        d = over[t] if np.isfinite(over[t]) else rate * prev
        d = min(max(d, 0.0), max(prev, 0.0))
        prev = prev - d
        bv[t], dep[t] = prev, d
    return bv, dep


def fixed_rate_path(market_rate: FloatArray, fixed_years: FloatArray, first: ArrayLike) -> FloatArray:
    """Average interest rate of the loan portfolio: ``r̄_t = r̄_{t−1} + (r_t − r̄_{t−1}) / max(1, τ_t)``.

    With an average fixed-rate period (räntebindningstid) ``τ`` years, about ``1/τ`` of the portfolio is
    refixed each year at the market rate ``r_t``, so a change of rate reaches the interest cost gradually
    (Kommuninvest, *Kommunsektorns låneskuld*: genomsnittlig räntebindningstid). ``first`` is ``r̄_0``.

    >>> fixed_rate_path(np.array([0.03, 0.05, 0.05]), np.array([2.0, 2.0, 2.0]), 0.03).tolist()
    [0.03, 0.04, 0.045]
    """
    r = np.asarray(market_rate, dtype=float)
    tau = np.maximum(np.asarray(fixed_years, dtype=float), 1.0)
    shape: tuple[int, ...] = np.broadcast_shapes(r.shape, tau.shape)
    out = np.empty(shape)
    prev = np.broadcast_to(np.asarray(first, dtype=float), shape[:-1]).copy()
    for t in range(shape[-1]):
        prev = prev + (r[..., t] - prev) / tau[..., t]
        out[..., t] = prev
    return out


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
    n_c = len(inputs.component_types)

    def arr(x: ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(x, dtype=float), shape)

    comp_shape = (*shape[:-1], n_c, n)

    def comp(x: ArrayLike | None) -> FloatArray:
        """A per-component array as given, ``(C, T)`` or ``(S, C, T)``: broadcast only at the end, so that
        cumulative sums over a plan without a scenario axis are not repeated for every scenario."""
        return np.zeros((n_c, n)) if x is None else np.asarray(x, dtype=float)

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
    volume = np.cumprod(1.0 + _optional(inputs.cost_volume_growth, shape, 0.0), axis=-1)
    factor = cost_index * ((1.0 - v) + v * arr(inputs.demand_index)) * volume
    proceeds = arr(inputs.sale_proceeds_kr)
    written_off = _optional(inputs.written_off_kr, shape, 0.0)
    realised = proceeds - written_off
    gains = (np.maximum(0.0, realised) if inputs.realisation_gains_kr is None
             else arr(inputs.realisation_gains_kr))
    # Σ max(0, r_i) − Σ r_i ≥ 0 per sale; the clip only removes the rounding of the difference (a loss of +7e-9 kr)
    losses = np.maximum(0.0, gains - realised)
    commitment0 = o["ansvarsförbindelse_pensioner"]
    commitment = commitment0 * np.cumprod(1.0 - arr(inputs.pension_commitment_decline), axis=-1)
    payout_share = _optional(inputs.pension_payout_share, shape, 0.0)
    pensions = arr(inputs.pension_payments_kr) + payout_share * _cum_before(commitment, commitment0)
    payroll_tax = float(inputs.payroll_tax_rate)
    one_offs = _optional(inputs.items_affecting_comparability_kr, shape, 0.0)
    net_cost_change = _optional(inputs.net_cost_change_kr, shape, 0.0)
    project_costs = arr(inputs.operating_cost_change_kr) + arr(inputs.expensed_kr)
    vi = o["verksamhetens_intäkter"] * factor + gains
    vk_base = o["verksamhetens_kostnader"] - o.get("jämförelsestörande_poster", 0.0)
    vk = (vk_base + pensions[..., :1]) * factor - pensions - project_costs - net_cost_change + one_offs - losses

    mat0 = o["materiella_anläggningstillgångar"]
    existing_bv1, dep_existing1 = existing_runoff(mat0, o["avskrivningar"], inputs.existing_depreciation_kr, n)
    stopped = _optional(inputs.existing_depreciation_stopped_kr, shape, 0.0)
    dep_existing = arr(dep_existing1) - stopped
    existing_bv = existing_bv1 - np.cumsum(written_off - stopped, axis=-1)
    cap_c = comp(inputs.capitalised_by_component_kr)
    dep_c = comp(inputs.new_depreciation_by_component_kr)
    rcap_c = comp(inputs.reinvestment_capitalised_by_component_kr)
    rdep_c = comp(inputs.reinvestment_depreciation_by_component_kr)
    if rcap_c.shape[-2] != n_c or rdep_c.shape[-2] != n_c:  # the plan pools its components (e.g. "alla")
        if n_c != 1:
            raise ValueError(f"reinvestment has {rcap_c.shape[-2]} component types, the plan {n_c}")
        rcap_c, rdep_c = rcap_c.sum(axis=-2, keepdims=True), rdep_c.sum(axis=-2, keepdims=True)
    dep_new = np.broadcast_to(dep_c.sum(axis=-2), shape)
    dep_reinv = np.broadcast_to(rdep_c.sum(axis=-2), shape)
    av = 0.0 - (dep_existing + dep_new + dep_reinv)
    vnk = vi + vk + av
    vr = vnk + si + gs

    investment = arr(inputs.investment_kr)
    reinvestment = _optional(inputs.reinvestment_kr, shape, 0.0)
    wip = np.cumsum(investment - cap_c.sum(axis=-2) + reinvestment - rcap_c.sum(axis=-2), axis=-1)
    bv_c = np.cumsum(cap_c - dep_c, axis=-1)
    new_bv = bv_c.sum(axis=-2)
    rbv_c = np.cumsum(rcap_c - rdep_c, axis=-1)
    reinv_bv = rbv_c.sum(axis=-2)
    wip, new_bv, reinv_bv = (np.broadcast_to(x, shape) for x in (wip, new_bv, reinv_bv))
    mat = existing_bv + wip + new_bv + reinv_bv

    wc_index = 1.0 + _optional(inputs.working_capital_indexation, shape, 1.0) * (cost_index - 1.0)
    ot = o["omsättningstillgångar"] * wc_index
    ks = o["kortfristiga_skulder"] * wc_index
    d_ot = ot - _cum_before(ot, o["omsättningstillgångar"])
    d_ks = ks - _cum_before(ks, o["kortfristiga_skulder"])
    prov_growth = _optional(inputs.pension_provision_growth, shape, 0.0)
    provision0 = o["avsättningar_pensioner"]
    provision = provision0 * np.cumprod(1.0 + prov_growth, axis=-1) + np.cumsum(
        arr(inputs.pension_provision_change_kr), axis=-1)
    d_prov = provision - _cum_before(provision, provision0)
    reserve_use = arr(inputs.reserve_use_kr)
    reserve = o["resultatreserv"] - np.cumsum(reserve_use, axis=-1)

    deposit = arr(inputs.deposit_rate)
    market = arr(inputs.interest_rate)
    rate0 = market[..., 0] if inputs.loan_rate_base is None else np.full(shape[:-1], float(inputs.loan_rate_base))
    interest = fixed_rate_path(market, _optional(inputs.fixed_rate_years, shape, 1.0), rate0)
    amort_share = arr(inputs.amortisation_share)
    floor = arr(inputs.cash_floor_kr)
    target = np.maximum(_optional(inputs.liquidity_target_kr, shape, np.inf), floor)
    borrow_path = _optional(inputs.borrowing_path_kr, shape, np.nan)
    amort_path = _optional(inputs.amortisation_path_kr, shape, np.nan)
    dividends = _optional(inputs.dividends_kr, shape, 0.0)
    fi_other = np.maximum(0.0, o["finansiella_intäkter"] - deposit[..., 0] * o["likvida_medel"])
    fk_other = np.maximum(0.0, -o["finansiella_kostnader"] - rate0 * o["långfristiga_skulder"])
    adjustments = dep_existing + dep_new + dep_reinv + d_prov - realised - d_ot + d_ks
    cfi = proceeds - investment - reinvestment
    # Everything in C*_t that does not depend on last year's cash or debt.
    known = vr + fi_other[..., None] + dividends - fk_other[..., None] + adjustments + cfi

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
        e_t = np.minimum(np.maximum(0.0, pre - target[..., t]), np.maximum(l_prev - a_t, 0.0))
        given_b, given_a = np.isfinite(borrow_path[..., t]), np.isfinite(amort_path[..., t])
        if given_b.any() or given_a.any():  # decided financing replaces the policy where it is given
            a_total = np.where(given_a, amort_path[..., t], a_t + e_t)
            pre = pre + a_t - a_total
            a_t, e_t = a_total, np.zeros_like(a_t)
            b_t = np.where(given_b, borrow_path[..., t], np.maximum(0.0, floor[..., t] - pre))
        c_prev = pre + b_t - e_t
        l_prev = l_prev - a_t - e_t + b_t
        cash[..., t], debt[..., t], borrow[..., t], amort[..., t] = c_prev, l_prev, b_t, a_t + e_t

    cash_before = _cum_before(cash, o["likvida_medel"])
    debt_before = _cum_before(debt, o["långfristiga_skulder"])
    fi = deposit * cash_before + fi_other[..., None] + dividends
    fk = 0.0 - (interest * debt_before + fk_other[..., None])
    refp = vr + fi + fk
    result = refp
    equity = o["eget_kapital"] + np.cumsum(result, axis=-1)
    cfo = result + adjustments
    cff = borrow - amort

    fa = arr(o["finansiella_anläggningstillgångar"])
    intangible = arr(o.get("immateriella_anläggningstillgångar", 0.0))
    other_prov = arr(o.get("övriga_avsättningar", 0.0))
    total_assets = intangible + mat + fa + ot + cash
    total_claims = equity + provision + other_prov + debt + ks

    income = {
        "verksamhetens_intäkter": vi,
        "varav_realisationsvinster": gains,
        "verksamhetens_kostnader": vk,
        "varav_realisationsförluster": 0.0 - losses,
        "varav_driftkonsekvenser_projekt": 0.0 - project_costs,
        "varav_pensionsutbetalningar": 0.0 - pensions,
        "varav_jämförelsestörande_poster": one_offs,
        "avskrivningar": av,
        "varav_avskrivningar_befintliga": 0.0 - dep_existing,
        "varav_avskrivningar_nya": 0.0 - dep_new,
        "varav_avskrivningar_reinvesteringar": 0.0 - dep_reinv,
        "verksamhetens_nettokostnader": vnk,
        "skatteintäkter": si,
        "generella_statsbidrag": gs,
        "verksamhetens_resultat": vr,
        "finansiella_intäkter": fi,
        "varav_utdelning": dividends,
        "finansiella_kostnader": fk,
        "resultat_efter_finansiella_poster": refp,
        "årets_resultat": result,
        "avgår_realisationsvinster": 0.0 - gains,
        "resultatreserv_disposition": reserve_use,
        "balanskravsresultat": result - gains + reserve_use,
    }
    balance = {
        "immateriella_anläggningstillgångar": intangible,
        "materiella_anläggningstillgångar": mat,
        "varav_befintliga_anläggningar": existing_bv,
        "varav_pågående_projekt": wip,
        "varav_nya_anläggningar": new_bv,
        "varav_reinvesteringar": reinv_bv,
        "finansiella_anläggningstillgångar": fa,
        "summa_anläggningstillgångar": intangible + mat + fa,
        "omsättningstillgångar": ot,
        "likvida_medel": cash,
        "summa_omsättningstillgångar": ot + cash,
        "summa_tillgångar": total_assets,
        "eget_kapital": equity,
        "varav_årets_resultat": result,
        "varav_resultatreserv": reserve,
        "avsättningar_pensioner": provision,
        "övriga_avsättningar": other_prov,
        "långfristiga_skulder": debt,
        "kortfristiga_skulder": ks,
        "summa_eget_kapital_avsättningar_och_skulder": total_claims,
        "ansvarsförbindelse_pensioner": commitment,
    }
    cash_flow = {
        "årets_resultat": result,
        "justering_avskrivningar": dep_existing + dep_new + dep_reinv,
        "justering_avsättningar": d_prov,
        "justering_realisationsvinster": 0.0 - realised,
        "förändring_omsättningstillgångar": 0.0 - d_ot,
        "förändring_kortfristiga_skulder": d_ks,
        "kassaflöde_löpande_verksamhet": cfo,
        "investering_materiella_anläggningstillgångar": 0.0 - investment - reinvestment,
        "försäljning_materiella_anläggningstillgångar": proceeds,
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
        "nettoinvesteringar": investment + reinvestment - proceeds,
        "investeringar_fasta_priser": (investment + reinvestment) / ci,
        "byggprisindex": ci,
        "projekt_under_byggnad": arr(inputs.projects_under_construction),
        "platser_förändring": arr(inputs.places_change),
        "reinvesteringar": reinvestment,
        "reinvesteringar_fasta_priser": reinvestment / ci,
        "förnyelsebehov_fasta_priser": _optional(inputs.renewal_need_kr, shape, np.nan),
        "underhållsskuld_fasta_priser": _optional(inputs.maintenance_debt_kr, shape, np.nan),
        "ränta_låneportfölj": interest,
        "varav_löneskatt_pensioner": pensions * payroll_tax / (1.0 + payroll_tax),
        "avyttrat_bokfört_värde": written_off,
    }
    components = {"aktiverat": np.broadcast_to(cap_c + rcap_c, comp_shape),
                  "avskrivningar": np.broadcast_to(0.0 - dep_c - rdep_c, comp_shape),
                  "bokfört_värde": np.broadcast_to(bv_c + rbv_c, comp_shape)}
    return Statements(inputs.years, income, balance, cash_flow, memo, components, tuple(inputs.component_types))
