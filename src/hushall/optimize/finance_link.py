r"""The financial model of :mod:`hushall.finance` restated as a :class:`FinancialBlock` for the MILP.

:mod:`hushall.finance.model` states its yearly recursion so that an LP can restate it: interest on opening
balances, borrowing ``B_t = max(0, golv_t − C*_t)``, extra repayment ``E_t = min(max(0, C*_t − mål_t),
L_{t−1} − A_t)`` from cash above the liquidity target. Everything that does not depend on the plan is taken from
the financial model itself, run once without projects (superscript 0), so drivers, demography, pensions, working
capital, dividends, the reinvestment policy (its investment, depreciation and book value) and the loan
portfolio's average rate ``r̄`` (with its fixed-rate period) are the finance stage's, not re-derived here; the plan
enters through its yearly aggregates — capitalised investment ``I``, expensed outlays ``X``, depreciation ``DEP``
(less the existing depreciation that stops with a sale or closure), operating-cost change ``O``, sale proceeds
``G``, the book value ``W`` that a sale or closure takes off the balance sheet and the realisation gains ``RV``
(Σ per project ``max(0, price − W)``; all nominal, from :class:`hushall.projects.UnitEffects`; ``W`` and ``RV``
are constants per project and start year).

Yearly equations (kr)

* result: :math:`ÅR_t = VR^0_t + FI^{övr}_t - FK^{övr}_t + \rho_t C_{t-1} - \bar r_t L_{t-1} + G_t - O_t - X_t -
  \mathrm{DEP}_t - W_t`, where ``FI^{övr} = FI^0_t − ρ_t C^0_{t−1}`` (dividends etc.) and
  ``FK^{övr} = −FK^0_t − r̄_t L^0_{t−1}`` (``r̄``: memo line ``ränta_låneportfölj``);
* debt: :math:`L_t = (1 - a_t) L_{t-1} + B_t - E_t`;
* cash: :math:`C_t = (1 + \rho_t) C_{t-1} - (\bar r_t + a_t) L_{t-1} + K^0_t + G_t - O_t - X_t - I_t + B_t - E_t`
  with ``K^0 = VR^0 + FI^{övr} − FK^{övr}`` + the base run's cash-flow adjustments (justering för avskrivningar,
  avsättningar, realisationsvinster, förändring av omsättningstillgångar och kortfristiga skulder) + its
  kassaflöde från investeringsverksamheten (the reinvestment policy);
* equity: :math:`EK_t = EK_{t-1} + ÅR_t`;
* fixed assets: :math:`MAT_t = MAT_{t-1} + I_t - \mathrm{DEP}_t - W_t + (MAT^0_t - MAT^0_{t-1})`;

with :math:`B_t, E_t \ge 0`, :math:`C_t \ge` golv and the treasury rule (``E`` only from cash above the target:
:func:`hushall.optimize.model.define_financial_block`; without ``kassa_mål_kr`` there is no ``E``). Targets (as
:func:`hushall.finance.target_results`, sums over the rolling window ``W_t`` of ``period_år`` plan years):

* resultat_andel: :math:`\sum_W ÅR \ge x \sum_W (SI + GS)`;
* självfinansieringsgrad: :math:`\sum_W (ÅR + \mathrm{DEP} - AV^0) \ge y \sum_W (I - G + NI^0)` (``AV^0 < 0``
  the base's depreciation, ``NI^0`` its nettoinvesteringar: the reinvestment);
* låneskuld_per_invånare: :math:`\sum_W L \le z \sum_W \text{invånare}`;
* soliditet (inkl. pensioner): :math:`\sum_W EK (- ANSV) \ge w \sum_W (IMM + MAT + FA + OT + C)`;
* balanskrav: ``BKR = ÅR − RV + U`` restored within three years (:class:`BalanskravTarget`): realisation gains
  are left out, losses stay in (KL 11 kap., the balanskravsutredning).
* underhållsskuld_kr, underhållsskuld_växer_inte: the plan's maintenance debt is linear in the columns,
  ``U_t = U^0_t − Σ_j ρ_t R^0_{p(j), c(j), t} x_j`` (:mod:`hushall.projects.maintenance`: the policy's debt less
  what the chosen projects renew or close; the aggregate ``maintenance_relief``), so
  :math:`\sum_W \mathrm{REL} / |W| \ge \sum_W U^0 / |W| - \bar U` with ``Ū`` the bound
  (:func:`hushall.finance.targets.maintenance_debt_limit_kr`) — the window's mean, as the forecast evaluates it,
  so that the row's violation is the forecast's margin in kr. A component two chosen projects renew or close is
  counted once, as the forecast counts it (:mod:`hushall.optimize.maintenance_rows`);
* reinvestering_andel_av_behov: :math:`\sum_W R \ge x \sum_W N^{plan}` with the plan's own need
  :math:`N^{plan}_t = N^0_t - \sum_j A_{j,t} x_j` (``A``: the need a column takes off from its completion year, a
  facility closed, sold or replaced, a component an ombyggnad renews — aggregate ``renewal_need_avoided``,
  :func:`hushall.projects.maintenance.plan_need_change`), as the forecast evaluates it, so

  .. math:: \sum_W R + x \sum_j \Big(\sum_W A_{j,t}\Big) x_j \ge x \sum_W N^0 .

  With renewal decisions (:mod:`hushall.optimize.renewal_decisions`) ``R`` is the optimiser's renewal
  (aggregate ``renewal_real``); under a reinvestment policy it is the base run's ``R^0``, except under *behov*,
  which renews the plan's own need: ``R = R^0 − Σ_j A_{j,t} x_j`` (the coefficient of ``A`` becomes ``x − 1``).
  Exact for a plan in which no component is claimed by two chosen projects (under *behov* and with decisions
  such projects are alternatives, :func:`hushall.optimize.inputs.shared_claim_groups`).

The investment ceilings (``investeringstak_kr``) count the base's reinvestment in fixed prices
(:func:`hushall.optimize.inputs.ceilings_from_targets`).

References
----------
Kommunallagen (2017:725) 11 kap.; RKR R15; the equations of :mod:`hushall.finance.model`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hushall.data.target_types import TARGET_TYPES, types_where
from hushall.finance import build_inputs, run
from hushall.finance.targets import maintenance_debt_base_kr, maintenance_debt_limit_kr
from hushall.finance.verdict import BUDGET_BALANCE_LAW
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import reinvestment_path
from hushall.optimize.finance_block import (
    BalanskravTarget,
    Equation,
    FinancialBlock,
    FinancialTarget,
    Terms,
    rolling_terms,
)

FloatArray = NDArray[np.float64]

#: The types restated through the financial model (the rest of the evaluated types are ceilings on the plan).
FINANCIAL_TARGET_TYPES = types_where(evaluated=True, plan_ceiling=False)


def _prev(x: FloatArray, first: float) -> FloatArray:
    return np.concatenate([[first], x[:-1]])


def target_mask(row: dict[str, object], years: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Years a Mål row applies to (från_år … till_år)."""
    mask = np.ones(len(years), dtype=bool)
    lo, hi = row.get("from_year"), row.get("to_year")
    if lo is not None and not pd.isna(lo):
        mask &= years >= int(lo)  # type: ignore[call-overload]
    if hi is not None and not pd.isna(hi):
        mask &= years <= int(hi)  # type: ignore[call-overload]
    return mask


def _period(row: dict[str, object]) -> int:
    p = row.get("period_years")
    return 1 if p is None or pd.isna(p) else max(1, int(p))  # type: ignore[call-overload]


#: Id of the balance requirement the optimiser adds when asked for a budget in balance every year and sheet Mål
#: has no balanskrav target (:func:`financial_block_from_municipality`).
BUDGET_BALANCE_ID = "KL 11:5"


def financial_block_from_municipality(data: MunicipalityData, renewal_decisions: bool = False,
                                      balanced_budget: bool = False) -> FinancialBlock:
    """The financial model of :mod:`hushall.finance` and the financial targets of Mål as a
    :class:`FinancialBlock` (equations in the module docstring). With ``renewal_decisions`` the base run
    reinvests nothing (policy *ingen*): the optimiser decides the reinvestment
    (:mod:`hushall.optimize.renewal_decisions`), which enters through the aggregates, and
    *reinvestering_andel_av_behov* counts it (aggregate ``renewal_real``). ``balanced_budget`` adds the law's
    balance requirement over every plan year (:data:`BUDGET_BALANCE_ID`, KL 11 kap. 5 §) when Mål has no
    balanskrav target; the caller sets the block's ``balanskrav_mode`` to ``"strict"``
    (:func:`hushall.optimize.inputs.problem_from_municipality` with ``balanskrav="balanced"``)."""
    inputs = build_inputs(data, reinvestment_policy="ingen" if renewal_decisions else None)
    for name in ("borrowing_path_kr", "amortisation_path_kr"):
        path = getattr(inputs, name)
        if path is not None and np.isfinite(np.asarray(path, dtype=float)).any():
            raise ValueError(f"the optimiser restates the finance policy; a given path ({name}) is not supported")
    st = run(inputs)
    # projects can take renewal need off (aggregate renewal_need_avoided, hushall.optimize.inputs)
    takes_need = len(data.components) > 0 and len(data.projects) > 0
    renews_as_needed = takes_need and reinvestment_path(data).policy == "behov"
    o = inputs.opening
    years = np.asarray(data.years, dtype=np.int64)
    n = len(years)
    one, zero = np.ones(n), np.zeros(n)
    rate = np.asarray(st["ränta_låneportfölj"], dtype=float).copy()
    deposit = np.broadcast_to(np.asarray(inputs.deposit_rate, float), (n,)).copy()
    amort = np.broadcast_to(np.asarray(inputs.amortisation_share, float), (n,)).copy()
    floor = np.broadcast_to(np.asarray(inputs.cash_floor_kr, float), (n,)).copy()
    target = None if inputs.liquidity_target_kr is None else np.maximum(
        np.broadcast_to(np.asarray(inputs.liquidity_target_kr, float), (n,)), floor)
    cash0, debt0 = float(o["likvida_medel"]), float(o["långfristiga_skulder"])
    fi_other = st["finansiella_intäkter"] - deposit * _prev(st["likvida_medel"], cash0)
    fk_other = -st["finansiella_kostnader"] - rate * _prev(st["långfristiga_skulder"], debt0)
    base_result = st["verksamhetens_resultat"] + fi_other - fk_other
    base_cash = (base_result + st["justering_avskrivningar"] + st["justering_avsättningar"]
                 + st["justering_realisationsvinster"] + st["förändring_omsättningstillgångar"]
                 + st["förändring_kortfristiga_skulder"] + st["kassaflöde_investeringsverksamhet"])
    base_mat = st["materiella_anläggningstillgångar"]
    mat0 = float(o["materiella_anläggningstillgångar"])
    repay = target is not None and bool(np.isfinite(target).any())
    variables: tuple[str, ...] = ("result", "borrowing", "debt", "cash", "equity", "fixed_assets")
    debt_terms: Terms = {("debt", 0): one, ("debt", 1): -(1.0 - amort), ("borrowing", 0): -one}
    cash_terms: Terms = {("cash", 0): one, ("cash", 1): -(1.0 + deposit), ("debt", 1): rate + amort,
                         ("borrowing", 0): -one}
    if repay:
        variables = (*variables, "repayment")
        debt_terms[("repayment", 0)] = one.copy()
        cash_terms[("repayment", 0)] = one.copy()

    eqs = [
        Equation("result", {("result", 0): one, ("cash", 1): -deposit, ("debt", 1): rate},
                 {("depreciation", 0): one, ("operating_cost", 0): one, ("expensed", 0): one,
                  ("sale_proceeds", 0): -one, ("written_off", 0): one}, base_result),
        Equation("debt", debt_terms, {}, zero.copy()),
        Equation("cash", cash_terms,
                 {("sale_proceeds", 0): -one, ("operating_cost", 0): one, ("expensed", 0): one,
                  ("invest_nominal", 0): one}, base_cash),
        Equation("equity", {("equity", 0): one, ("equity", 1): -one, ("result", 0): -one}, {}, zero.copy()),
        Equation("fixed_assets", {("fixed_assets", 0): one, ("fixed_assets", 1): -one},
                 {("invest_nominal", 0): -one, ("depreciation", 0): one, ("written_off", 0): one},
                 base_mat - _prev(base_mat, mat0)),
    ]
    history = {"cash": np.array([cash0]), "debt": np.array([debt0]), "equity": np.array([float(o["eget_kapital"])]),
               "fixed_assets": np.array([mat0]), "result": np.array([0.0]), "borrowing": np.array([0.0]),
               "repayment": np.array([0.0])}
    revenue = st["skatter_och_generella_statsbidrag"]
    population = st["invånare"]
    other_assets = (st["immateriella_anläggningstillgångar"] + st["finansiella_anläggningstillgångar"]
                    + st["omsättningstillgångar"])
    commitment = st["ansvarsförbindelse_pensioner"]
    reserve_use = st["resultatreserv_disposition"]

    def window_sum(x: FloatArray, w: int) -> FloatArray:
        cs = np.cumsum(x)
        out = cs.copy()
        if w < n:
            out[w:] -= cs[:-w]
        return out

    def balance_target(tid: str, label: str, mask: NDArray[np.bool_]) -> BalanskravTarget:
        """``BKR = ÅR − RV + U`` (realisation gains out, the resultatreserv's use in) over the years of ``mask``."""
        big_m = 5.0 * float(np.max(np.abs(revenue))) + 5.0 * float(abs(st["verksamhetens_kostnader"]).max())
        return BalanskravTarget(tid, label, {("result", 0): one}, {("realisation_gain", 0): -one},
                                reserve_use.copy(), mask, big_m)

    targets: list[FinancialTarget] = []
    balanskrav: list[BalanskravTarget] = []
    for row in data.targets.to_dict("records"):
        ttype = str(row["target_type"])
        if ttype not in FINANCIAL_TARGET_TYPES:
            continue
        tid = str(row["target_id"])
        limit = float(row["limit"])
        w = _period(row)
        mask = target_mask(row, years)
        label = TARGET_TYPES[ttype].describe(limit, w)  # the words are the registry's, not the optimiser's
        if ttype == "resultat_andel":
            targets.append(FinancialTarget(
                tid, ttype, label, "ge",
                rolling_terms("result", one, w), {}, limit * window_sum(revenue, w), mask))
        elif ttype == "självfinansieringsgrad":
            eff: Terms = {**rolling_terms("depreciation", one, w), **rolling_terms("invest_nominal", -limit * one, w)}
            for (g, lag), c in rolling_terms("sale_proceeds", limit * one, w).items():
                eff[(g, lag)] = c
            # Σ (ÅR + AV) ≥ y Σ nettoinvesteringar: the base's depreciation and net investment (reinvestment)
            # are constants, the plan's depreciation, investment and sale proceeds effects
            targets.append(FinancialTarget(
                tid, ttype, label, "ge",
                rolling_terms("result", one, w), eff,
                window_sum(st["avskrivningar"], w) + limit * window_sum(st["nettoinvesteringar"], w), mask))
        elif ttype == "låneskuld_per_invånare":
            targets.append(FinancialTarget(
                tid, ttype, label, "le",
                rolling_terms("debt", one, w), {}, limit * window_sum(population, w), mask))
        elif ttype in ("soliditet", "soliditet_inkl_pensioner"):
            terms = {**rolling_terms("equity", one, w)}
            for var in ("fixed_assets", "cash"):
                terms.update(rolling_terms(var, -limit * one, w))
            rhs = limit * window_sum(other_assets, w)
            if ttype == "soliditet_inkl_pensioner":
                rhs = rhs + window_sum(commitment, w)
            targets.append(FinancialTarget(tid, ttype, label, "ge", terms, {}, rhs, mask))
        elif ttype in ("underhållsskuld_kr", "underhållsskuld_växer_inte"):
            bound = maintenance_debt_limit_kr(ttype, limit, maintenance_debt_base_kr(data)
                                              if ttype == "underhållsskuld_växer_inte" else float("nan"))
            count = np.minimum(np.arange(1, n + 1), w).astype(float)
            targets.append(FinancialTarget(
                tid, ttype, label, "ge", {}, rolling_terms("maintenance_relief", one / count, w),
                window_sum(st["underhållsskuld_fasta_priser"], w) / count - bound, mask))
        elif ttype == "reinvestering_andel_av_behov":
            # Σ_W R + x Σ_W A ≥ x Σ_W N⁰ (A: the need the plan takes off); under behov R itself falls by A
            need_coef = limit - (0.0 if renewal_decisions or not renews_as_needed else 1.0)
            eff_r: Terms = rolling_terms("renewal_need_avoided", need_coef * one, w) if takes_need else {}
            if renewal_decisions:
                eff_r.update(rolling_terms("renewal_real", one, w))
            targets.append(FinancialTarget(
                tid, ttype, label, "ge", {}, eff_r,
                limit * window_sum(st["förnyelsebehov_fasta_priser"], w)
                - window_sum(st["reinvesteringar_fasta_priser"], w), mask))
        else:  # balanskrav
            balanskrav.append(balance_target(tid, label, mask))
    if balanced_budget and not balanskrav:
        balanskrav.append(balance_target(BUDGET_BALANCE_ID, f"budgeten i balans varje år ({BUDGET_BALANCE_LAW})",
                                         np.ones(n, dtype=bool)))
    return FinancialBlock(
        years=years,
        variables=variables,
        history=history,
        equations=eqs,
        targets=targets,
        cash_floor=floor,
        source="hushall.finance (run without projects) restated by hushall.optimize.finance_link",
        balanskrav=balanskrav,
        extra={"revenue_kr": revenue, "population": population, "base_investment_real_kr": st["investeringar_fasta_priser"],
               "loan_rate": rate, "deposit_rate": deposit,
               "amortisation_share": amort},
        repayment="repayment" if repay else None,
        cash_target=target if repay else None,
    )
