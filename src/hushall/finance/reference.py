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
        for name in ("capitalised_by_component_kr", "new_depreciation_by_component_kr"):
            a = np.broadcast_to(np.asarray(getattr(inputs, name), dtype=float), (*shape[:-1], n_c, shape[-1]))
            d[name] = (a[s] if a.ndim == 3 else a).tolist()
        out.append(d)
    return n_s, out


def _one_scenario(x: dict[str, Any], o: dict[str, float], n: int, pop_base: float) -> dict[str, list[float]]:
    r: dict[str, list[float]] = {}

    def put(line: str, value: float) -> None:
        r.setdefault(line, []).append(value)

    mat0 = o["materiella_anläggningstillgångar"]
    rate = min(1.0, -o["avskrivningar"] / mat0) if mat0 > 0 else 0.0
    n_c = len(x["capitalised_by_component_kr"])
    tax_index = grants_index = cost_index = 1.0
    commitment_factor = 1.0
    existing_prev = mat0
    cash_prev, debt_prev = o["likvida_medel"], o["långfristiga_skulder"]
    equity_prev = o["eget_kapital"]
    provision_prev = o["avsättningar_pensioner"]
    reserve_prev = o["resultatreserv"]
    ot_prev, ks_prev = o["omsättningstillgångar"], o["kortfristiga_skulder"]
    wip_prev = 0.0
    bv_prev = [0.0] * n_c
    fi_other = max(0.0, o["finansiella_intäkter"] - x["deposit_rate"][0] * o["likvida_medel"])
    fk_other = max(0.0, -o["finansiella_kostnader"] - x["interest_rate"][0] * o["långfristiga_skulder"])
    pension_ref = x["pension_payments_kr"][0]
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
        factor = cost_index * ((1.0 - v) + v * x["demand_index"][t])
        gains = x["sale_proceeds_kr"][t]
        pensions = x["pension_payments_kr"][t]
        project_costs = x["operating_cost_change_kr"][t] + x["expensed_kr"][t]
        vi = o["verksamhetens_intäkter"] * factor + gains
        vk = (o["verksamhetens_kostnader"] + pension_ref) * factor - pensions - project_costs
        existing = mat0 * (1.0 - rate) ** (t + 1)
        dep_existing = existing_prev - existing
        cap = [x["capitalised_by_component_kr"][k][t] for k in range(n_c)]
        dep = [x["new_depreciation_by_component_kr"][k][t] for k in range(n_c)]
        dep_new = sum(dep)
        av = 0.0 - (dep_existing + dep_new)
        vnk = vi + vk + av
        vr = vnk + si + gs
        fi = x["deposit_rate"][t] * cash_prev + fi_other
        fk = 0.0 - (x["interest_rate"][t] * debt_prev + fk_other)
        result = vr + fi + fk
        ot, ks = o["omsättningstillgångar"] * cost_index, o["kortfristiga_skulder"] * cost_index
        d_ot, d_ks = ot - ot_prev, ks - ks_prev
        d_prov = x["pension_provision_change_kr"][t]
        cfo = result + dep_existing + dep_new + d_prov - gains - d_ot + d_ks
        investment = x["investment_kr"][t]
        cfi = gains - investment
        amort = x["amortisation_share"][t] * debt_prev
        pre = cash_prev + cfo + cfi - amort
        borrow = max(0.0, x["cash_floor_kr"][t] - pre)
        cash = pre + borrow
        debt = debt_prev - amort + borrow
        wip = wip_prev + investment - sum(cap)
        bv = [bv_prev[k] + cap[k] - dep[k] for k in range(n_c)]
        mat = existing + wip + sum(bv)
        equity = equity_prev + result
        provision = provision_prev + d_prov
        reserve = reserve_prev - x["reserve_use_kr"][t]
        commitment_factor *= 1.0 - x["pension_commitment_decline"][t]
        fa = o["finansiella_anläggningstillgångar"]
        ci = x["construction_index"][t]
        for line, value in (
            ("verksamhetens_intäkter", vi), ("varav_realisationsvinster", gains), ("verksamhetens_kostnader", vk),
            ("varav_driftkonsekvenser_projekt", 0.0 - project_costs), ("varav_pensionsutbetalningar", 0.0 - pensions),
            ("avskrivningar", av), ("varav_avskrivningar_befintliga", 0.0 - dep_existing),
            ("varav_avskrivningar_nya", 0.0 - dep_new), ("verksamhetens_nettokostnader", vnk), ("skatteintäkter", si),
            ("generella_statsbidrag", gs), ("verksamhetens_resultat", vr), ("finansiella_intäkter", fi),
            ("finansiella_kostnader", fk), ("resultat_efter_finansiella_poster", result), ("årets_resultat", result),
            ("avgår_realisationsvinster", 0.0 - gains), ("resultatreserv_disposition", x["reserve_use_kr"][t]),
            ("balanskravsresultat", result - gains + x["reserve_use_kr"][t]),
            ("materiella_anläggningstillgångar", mat), ("varav_befintliga_anläggningar", existing),
            ("varav_pågående_projekt", wip), ("varav_nya_anläggningar", sum(bv)),
            ("finansiella_anläggningstillgångar", fa), ("summa_anläggningstillgångar", mat + fa),
            ("omsättningstillgångar", ot), ("likvida_medel", cash), ("summa_omsättningstillgångar", ot + cash),
            ("summa_tillgångar", mat + fa + ot + cash), ("eget_kapital", equity), ("varav_årets_resultat", result),
            ("varav_resultatreserv", reserve), ("avsättningar_pensioner", provision), ("långfristiga_skulder", debt),
            ("kortfristiga_skulder", ks),
            ("summa_eget_kapital_avsättningar_och_skulder", equity + provision + debt + ks),
            ("ansvarsförbindelse_pensioner", o["ansvarsförbindelse_pensioner"] * commitment_factor),
            ("justering_avskrivningar", dep_existing + dep_new), ("justering_avsättningar", d_prov),
            ("justering_realisationsvinster", 0.0 - gains), ("förändring_omsättningstillgångar", 0.0 - d_ot),
            ("förändring_kortfristiga_skulder", d_ks), ("kassaflöde_löpande_verksamhet", cfo),
            ("investering_materiella_anläggningstillgångar", 0.0 - investment),
            ("försäljning_materiella_anläggningstillgångar", gains), ("kassaflöde_investeringsverksamhet", cfi),
            ("nyupptagna_lån", borrow), ("amortering", 0.0 - amort), ("kassaflöde_finansieringsverksamhet", borrow - amort),
            ("årets_kassaflöde", cfo + cfi + borrow - amort), ("likvida_medel_vid_årets_början", cash_prev),
            ("likvida_medel_vid_årets_slut", cash), ("invånare", x["population"][t]),
            ("skatter_och_generella_statsbidrag", si + gs), ("nettoinvesteringar", investment - gains),
            ("investeringar_fasta_priser", investment / ci), ("byggprisindex", ci),
            ("projekt_under_byggnad", x["projects_under_construction"][t]),
            ("platser_förändring", x["places_change"][t]),
        ):
            put(line, value)
        for k in range(n_c):
            put(f"aktiverat/{k}", cap[k])
            put(f"avskrivningar/{k}", 0.0 - dep[k])
            put(f"bokfört_värde/{k}", bv[k])
        existing_prev, cash_prev, debt_prev, equity_prev = existing, cash, debt, equity
        provision_prev, reserve_prev, ot_prev, ks_prev, wip_prev, bv_prev = provision, reserve, ot, ks, wip, bv
    return r


def run_reference(inputs: FinanceInputs) -> Statements:
    """The statements of :func:`hushall.finance.run`, computed scenario by scenario and year by year."""
    _n_s, per_scenario = _scenario_lists(inputs)
    o = {k: float(v) for k, v in inputs.opening.items()}
    n = inputs.n_years
    results = [_one_scenario(x, o, n, float(inputs.population_base)) for x in per_scenario]
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
