"""A plain-Python, year-by-year reference implementation of :func:`hushall.finance.run`.

It restates the equations of :mod:`hushall.finance.model` one scenario and one year at a time, with floats and
lists only — no numpy in the computation (numpy appears only at the boundary, to read
:class:`~hushall.finance.inputs.FinanceInputs` and to return :class:`~hushall.finance.model.Statements`). The tests
require the vectorised model to agree with it to the krona; the benchmark times it for the speed-up of the
vectorised model.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> from hushall.finance import build_inputs, run
>>> inputs = build_inputs(exempelkommun())
>>> fast, slow = run(inputs), run_reference(inputs)
>>> bool(abs(fast["likvida_medel"] - slow["likvida_medel"]).max() < 1)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hushall.finance.inputs import FinanceInputs
from hushall.finance.model import (
    BALANCE_SHEET_LINES,
    CASH_FLOW_LINES,
    INCOME_STATEMENT_LINES,
    MEMO_LINES,
    Statements,
)

_SCENARIO_FIELDS = (
    "tax_base_growth", "tax_rate_change_pp", "base_tax_rate_pct", "grants_growth", "national_population_growth",
    "population", "demand_index", "volume_share", "price_growth", "wage_growth", "wage_share", "construction_index",
    "interest_rate", "deposit_rate", "cash_floor_kr", "amortisation_share", "pension_payments_kr",
    "pension_provision_change_kr", "pension_commitment_decline", "reserve_use_kr", "investment_kr", "expensed_kr",
    "operating_cost_change_kr", "sale_proceeds_kr", "projects_under_construction", "places_change",
)
#: Optional fields (None in FinanceInputs) and the value that stands for None.
_OPTIONAL_FIELDS: dict[str, float] = {
    "reinvestment_kr": 0.0, "renewal_need_kr": float("nan"), "maintenance_debt_kr": float("nan"),
    "liquidity_target_kr": float("inf"), "fixed_rate_years": 1.0, "pension_payout_share": 0.0,
    "pension_provision_growth": 0.0, "items_affecting_comparability_kr": 0.0, "net_cost_change_kr": 0.0, "cost_volume_growth": 0.0,
    "dividends_kr": 0.0, "working_capital_indexation": 1.0, "existing_depreciation_kr": float("nan"),
    "borrowing_path_kr": float("nan"), "amortisation_path_kr": float("nan"), "written_off_kr": 0.0,
    "existing_depreciation_stopped_kr": 0.0, "realisation_gains_kr": float("nan"),
}
_OPTIONAL_COMPONENT_FIELDS = ("reinvestment_capitalised_by_component_kr", "reinvestment_depreciation_by_component_kr")


def _scenario_lists(inputs: FinanceInputs) -> tuple[int, list[dict[str, Any]]]:
    """Per scenario, every input as plain lists of floats (``(T,)``; ``(C, T)`` per component)."""
    shape = inputs.shape
    n_s = shape[0] if len(shape) == 2 else 1
    n_c = len(inputs.component_types)
    out = []
    for s in range(n_s):
        d: dict[str, Any] = {}
        for name in _SCENARIO_FIELDS:
            a = np.broadcast_to(np.asarray(getattr(inputs, name), dtype=float), shape)
            d[name] = (a[s] if a.ndim == 2 else a).tolist()
        for name, default in _OPTIONAL_FIELDS.items():
            value = getattr(inputs, name)
            a = np.broadcast_to(np.asarray(default if value is None else value, dtype=float), shape)
            d[name] = (a[s] if a.ndim == 2 else a).tolist()
        for name in ("capitalised_by_component_kr", "new_depreciation_by_component_kr", *_OPTIONAL_COMPONENT_FIELDS):
            value = getattr(inputs, name)
            raw = np.asarray(0.0 if value is None else value, dtype=float)
            if raw.ndim >= 2 and raw.shape[-2] != n_c:  # pooled components: as the vectorised model
                raw = raw.sum(axis=-2, keepdims=True)
            a = np.broadcast_to(raw, (*shape[:-1], n_c, shape[-1]))
            d[name] = (a[s] if a.ndim == 3 else a).tolist()
        out.append(d)
    return n_s, out


def _one_scenario(x: dict[str, Any], o: dict[str, float], n: int, pop_base: float,
                  payroll_tax: float, loan_rate_base: float | None) -> dict[str, list[float]]:
    r: dict[str, list[float]] = {}

    def put(line: str, value: float) -> None:
        r.setdefault(line, []).append(value)

    mat0 = o["materiella_anläggningstillgångar"]
    rate = min(1.0, -o["avskrivningar"] / mat0) if mat0 > 0 else 0.0
    n_c = len(x["capitalised_by_component_kr"])
    tax_index = grants_index = cost_index = volume = 1.0
    commitment_prev = o["ansvarsförbindelse_pensioner"]
    existing_prev = existing_base_prev = mat0  # with and without the plan's sales and closures
    cash_prev, debt_prev = o["likvida_medel"], o["långfristiga_skulder"]
    equity_prev = o["eget_kapital"]
    provision_prev = o["avsättningar_pensioner"]
    provision_change_sum = 0.0
    provision_growth_factor = 1.0
    reserve_prev = o["resultatreserv"]
    ot_prev, ks_prev = o["omsättningstillgångar"], o["kortfristiga_skulder"]
    wip_prev = 0.0
    bv_prev = [0.0] * n_c
    rbv_prev = [0.0] * n_c
    rate_prev = x["interest_rate"][0] if loan_rate_base is None else loan_rate_base
    fi_other = max(0.0, o["finansiella_intäkter"] - x["deposit_rate"][0] * o["likvida_medel"])
    fk_other = max(0.0, -o["finansiella_kostnader"] - rate_prev * o["långfristiga_skulder"])
    pension_ref = None
    vk_base = o["verksamhetens_kostnader"] - o.get("jämförelsestörande_poster", 0.0)
    intangible = o.get("immateriella_anläggningstillgångar", 0.0)
    other_prov = o.get("övriga_avsättningar", 0.0)
    for t in range(n):
        nat = x["national_population_growth"][t]
        tax_index *= (1.0 + x["tax_base_growth"][t]) / (1.0 + nat)
        grants_index *= (1.0 + x["grants_growth"][t]) / (1.0 + nat)
        w = x["wage_share"][t]
        cost_index *= 1.0 + w * x["wage_growth"][t] + (1.0 - w) * x["price_growth"][t]
        pop_ratio = x["population"][t] / pop_base
        r0 = x["base_tax_rate_pct"][t]
        si = o["skatteintäkter"] * tax_index * pop_ratio * ((r0 + x["tax_rate_change_pp"][t]) / r0)
        gs = o["generella_statsbidrag"] * grants_index * pop_ratio
        v = x["volume_share"][t]
        volume *= 1.0 + x["cost_volume_growth"][t]
        factor = cost_index * ((1.0 - v) + v * x["demand_index"][t]) * volume
        proceeds = x["sale_proceeds_kr"][t]
        written_off = x["written_off_kr"][t]
        realised = proceeds - written_off
        given_gains = x["realisation_gains_kr"][t]
        gains = given_gains if given_gains == given_gains else max(0.0, realised)  # NaN: per year
        losses = max(0.0, gains - realised)  # ≥ 0 up to rounding (see finance.model)
        pensions = x["pension_payments_kr"][t] + x["pension_payout_share"][t] * commitment_prev
        if pension_ref is None:
            pension_ref = pensions
        commitment = commitment_prev * (1.0 - x["pension_commitment_decline"][t])
        project_costs = x["operating_cost_change_kr"][t] + x["expensed_kr"][t]
        one_off = x["items_affecting_comparability_kr"][t]
        vi = o["verksamhetens_intäkter"] * factor + gains
        vk = ((vk_base + pension_ref) * factor - pensions - project_costs - x["net_cost_change_kr"][t] + one_off
              - losses)
        over = x["existing_depreciation_kr"][t]
        dep_existing = over if over == over else rate * existing_base_prev  # NaN: the rate
        dep_existing = min(max(dep_existing, 0.0), max(existing_base_prev, 0.0))
        existing_base_prev -= dep_existing  # the pool as if nothing were sold: its run-off and clip
        dep_existing -= x["existing_depreciation_stopped_kr"][t]
        existing = existing_prev - dep_existing - written_off
        cap = [x["capitalised_by_component_kr"][k][t] for k in range(n_c)]
        dep = [x["new_depreciation_by_component_kr"][k][t] for k in range(n_c)]
        rcap = [x["reinvestment_capitalised_by_component_kr"][k][t] for k in range(n_c)]
        rdep = [x["reinvestment_depreciation_by_component_kr"][k][t] for k in range(n_c)]
        dep_new, dep_reinv = sum(dep), sum(rdep)
        av = 0.0 - (dep_existing + dep_new + dep_reinv)
        vnk = vi + vk + av
        vr = vnk + si + gs
        rate_t = rate_prev + (x["interest_rate"][t] - rate_prev) / max(1.0, x["fixed_rate_years"][t])
        rate_prev = rate_t
        dividends = x["dividends_kr"][t]
        fi = x["deposit_rate"][t] * cash_prev + fi_other + dividends
        fk = 0.0 - (rate_t * debt_prev + fk_other)
        result = vr + fi + fk
        wc = 1.0 + x["working_capital_indexation"][t] * (cost_index - 1.0)
        ot, ks = o["omsättningstillgångar"] * wc, o["kortfristiga_skulder"] * wc
        d_ot, d_ks = ot - ot_prev, ks - ks_prev
        provision_growth_factor *= 1.0 + x["pension_provision_growth"][t]
        provision_change_sum += x["pension_provision_change_kr"][t]
        provision = o["avsättningar_pensioner"] * provision_growth_factor + provision_change_sum
        d_prov = provision - provision_prev
        cfo = result + dep_existing + dep_new + dep_reinv + d_prov - realised - d_ot + d_ks
        investment = x["investment_kr"][t]
        reinvestment = x["reinvestment_kr"][t]
        cfi = proceeds - investment - reinvestment
        amort = x["amortisation_share"][t] * debt_prev
        pre = cash_prev + cfo + cfi - amort
        floor = x["cash_floor_kr"][t]
        target = max(x["liquidity_target_kr"][t], floor)
        borrow = max(0.0, floor - pre)
        extra = min(max(0.0, pre - target), max(debt_prev - amort, 0.0))
        given_b, given_a = x["borrowing_path_kr"][t], x["amortisation_path_kr"][t]
        if given_b == given_b or given_a == given_a:  # a path given (not NaN)
            total_amort = given_a if given_a == given_a else amort + extra
            pre = pre + amort - total_amort
            amort, extra = total_amort, 0.0
            borrow = given_b if given_b == given_b else max(0.0, floor - pre)
        cash = pre + borrow - extra
        debt = debt_prev - amort - extra + borrow
        amort += extra
        wip = wip_prev + investment - sum(cap) + reinvestment - sum(rcap)
        bv = [bv_prev[k] + cap[k] - dep[k] for k in range(n_c)]
        rbv = [rbv_prev[k] + rcap[k] - rdep[k] for k in range(n_c)]
        mat = existing + wip + sum(bv) + sum(rbv)
        equity = equity_prev + result
        reserve = reserve_prev - x["reserve_use_kr"][t]
        fa = o["finansiella_anläggningstillgångar"]
        ci = x["construction_index"][t]
        for line, value in (
            ("verksamhetens_intäkter", vi), ("varav_realisationsvinster", gains), ("verksamhetens_kostnader", vk),
            ("varav_realisationsförluster", 0.0 - losses), ("varav_driftkonsekvenser_projekt", 0.0 - project_costs), ("varav_pensionsutbetalningar", 0.0 - pensions),
            ("varav_jämförelsestörande_poster", one_off),
            ("avskrivningar", av), ("varav_avskrivningar_befintliga", 0.0 - dep_existing),
            ("varav_avskrivningar_nya", 0.0 - dep_new), ("varav_avskrivningar_reinvesteringar", 0.0 - dep_reinv),
            ("verksamhetens_nettokostnader", vnk), ("skatteintäkter", si),
            ("generella_statsbidrag", gs), ("verksamhetens_resultat", vr), ("finansiella_intäkter", fi),
            ("varav_utdelning", dividends),
            ("finansiella_kostnader", fk), ("resultat_efter_finansiella_poster", result), ("årets_resultat", result),
            ("avgår_realisationsvinster", 0.0 - gains), ("resultatreserv_disposition", x["reserve_use_kr"][t]),
            ("balanskravsresultat", result - gains + x["reserve_use_kr"][t]),
            ("immateriella_anläggningstillgångar", intangible),
            ("materiella_anläggningstillgångar", mat), ("varav_befintliga_anläggningar", existing),
            ("varav_pågående_projekt", wip), ("varav_nya_anläggningar", sum(bv)), ("varav_reinvesteringar", sum(rbv)),
            ("finansiella_anläggningstillgångar", fa), ("summa_anläggningstillgångar", intangible + mat + fa),
            ("omsättningstillgångar", ot), ("likvida_medel", cash), ("summa_omsättningstillgångar", ot + cash),
            ("summa_tillgångar", intangible + mat + fa + ot + cash), ("eget_kapital", equity),
            ("varav_årets_resultat", result),
            ("varav_resultatreserv", reserve), ("avsättningar_pensioner", provision),
            ("övriga_avsättningar", other_prov), ("långfristiga_skulder", debt),
            ("kortfristiga_skulder", ks),
            ("summa_eget_kapital_avsättningar_och_skulder", equity + provision + other_prov + debt + ks),
            ("ansvarsförbindelse_pensioner", commitment),
            ("justering_avskrivningar", dep_existing + dep_new + dep_reinv), ("justering_avsättningar", d_prov),
            ("justering_realisationsvinster", 0.0 - realised), ("förändring_omsättningstillgångar", 0.0 - d_ot),
            ("förändring_kortfristiga_skulder", d_ks), ("kassaflöde_löpande_verksamhet", cfo),
            ("investering_materiella_anläggningstillgångar", 0.0 - investment - reinvestment),
            ("försäljning_materiella_anläggningstillgångar", proceeds), ("kassaflöde_investeringsverksamhet", cfi),
            ("nyupptagna_lån", borrow), ("amortering", 0.0 - amort), ("kassaflöde_finansieringsverksamhet", borrow - amort),
            ("årets_kassaflöde", cfo + cfi + borrow - amort), ("likvida_medel_vid_årets_början", cash_prev),
            ("likvida_medel_vid_årets_slut", cash), ("invånare", x["population"][t]),
            ("skatter_och_generella_statsbidrag", si + gs), ("nettoinvesteringar", investment + reinvestment - proceeds),
            ("investeringar_fasta_priser", (investment + reinvestment) / ci), ("byggprisindex", ci),
            ("projekt_under_byggnad", x["projects_under_construction"][t]),
            ("platser_förändring", x["places_change"][t]),
            ("reinvesteringar", reinvestment), ("reinvesteringar_fasta_priser", reinvestment / ci),
            ("förnyelsebehov_fasta_priser", x["renewal_need_kr"][t]),
            ("underhållsskuld_fasta_priser", x["maintenance_debt_kr"][t]),
            ("ränta_låneportfölj", rate_t),
            ("varav_löneskatt_pensioner", pensions * payroll_tax / (1.0 + payroll_tax)),
            ("avyttrat_bokfört_värde", written_off),
        ):
            put(line, value)
        for k in range(n_c):
            put(f"aktiverat/{k}", cap[k] + rcap[k])
            put(f"avskrivningar/{k}", 0.0 - dep[k] - rdep[k])
            put(f"bokfört_värde/{k}", bv[k] + rbv[k])
        existing_prev, cash_prev, debt_prev, equity_prev = existing, cash, debt, equity
        provision_prev, reserve_prev, ot_prev, ks_prev, wip_prev, bv_prev = provision, reserve, ot, ks, wip, bv
        rbv_prev, commitment_prev = rbv, commitment
    return r


def run_reference(inputs: FinanceInputs) -> Statements:
    """The statements of :func:`hushall.finance.run`, computed scenario by scenario and year by year."""
    _n_s, per_scenario = _scenario_lists(inputs)
    o = {k: float(v) for k, v in inputs.opening.items()}
    n = inputs.n_years
    results = [_one_scenario(x, o, n, float(inputs.population_base), float(inputs.payroll_tax_rate),
                             inputs.loan_rate_base)
               for x in per_scenario]
    scenario_axis = len(inputs.shape) == 2

    def lines(names: tuple[str, ...]) -> dict[str, np.ndarray]:
        out = {}
        for name in names:
            rows = [r[name] for r in results]
            out[name] = np.array(rows if scenario_axis else rows[0], dtype=float)
        return out

    n_c = len(inputs.component_types)
    components = {}
    for line in ("aktiverat", "avskrivningar", "bokfört_värde"):
        rows = [[r[f"{line}/{k}"] for k in range(n_c)] for r in results]
        components[line] = np.array(rows if scenario_axis else rows[0], dtype=float)
    return Statements(
        years=inputs.years,
        income_statement=lines(INCOME_STATEMENT_LINES),
        balance_sheet=lines(BALANCE_SHEET_LINES),
        cash_flow=lines(CASH_FLOW_LINES),
        memo=lines(MEMO_LINES),
        components=components,
        component_types=tuple(inputs.component_types),
    )
