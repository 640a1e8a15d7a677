"""One forecast of a municipality as tables: the convenience entry point of the finance stage.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> f = forecast(exempelkommun())
>>> f.income_statement.loc["årets_resultat"].size == len(f.years)
True
>>> sorted(f.to_json_dict())[:3]
['balance_sheet', 'cash_flow', 'components']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from hushall.finance.inputs import DRIVER_FIELDS, FinanceInputs, build_inputs
from hushall.finance.model import (
    BALANCE_SHEET_LINES,
    CASH_FLOW_LINES,
    COMPONENT_LINES,
    INCOME_STATEMENT_LINES,
    Statements,
    run,
)
from hushall.finance.ratios import RATIO_LINES, ratios
from hushall.finance.targets import evaluate_targets
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import RenewalPlan
from hushall.projects import ProjectCatalog, Schedule, plan_effects, plan_indices
from hushall.projects.maintenance import plan_maintenance_debt, plan_need_change, plan_renewal_change


@dataclass(frozen=True, eq=False)
class Forecast:
    """A municipality's long-term financial forecast for one plan.

    Statement tables are indexed by the Swedish line name (``post``) with one column per year, kr in current
    prices; ratios are shares (``låneskuld_per_invånare`` in kr). ``targets`` has one row per target and year
    (:func:`hushall.finance.evaluate_targets`). ``components`` is the new assets per component type (rows
    ``(komponent, post)``), ``drivers`` the drivers per year and ``sources`` where each driver comes from.
    """

    years: list[int]
    income_statement: pd.DataFrame
    balance_sheet: pd.DataFrame
    cash_flow: pd.DataFrame
    ratios: pd.DataFrame
    targets: pd.DataFrame
    components: pd.DataFrame
    drivers: pd.DataFrame
    sources: dict[str, str]
    schedule: Schedule
    statements: Statements
    inputs: FinanceInputs

    def to_json_dict(self) -> dict[str, Any]:
        """Plain Python types only (NaN → None): years, statements, ratios, components and targets."""

        def table(df: pd.DataFrame) -> dict[str, list[float | None]]:
            return {str(k): [_num(x) for x in row] for k, row in zip(df.index, df.to_numpy(), strict=True)}

        comps: dict[str, dict[str, list[float | None]]] = {}
        for (comp, line), row in zip(self.components.index, self.components.to_numpy(), strict=True):
            comps.setdefault(str(comp), {})[str(line)] = [_num(x) for x in row]
        return {
            "years": [int(y) for y in self.years],
            "income_statement": table(self.income_statement),
            "balance_sheet": table(self.balance_sheet),
            "cash_flow": table(self.cash_flow),
            "ratios": table(self.ratios),
            "components": comps,
            "schedule": {k: int(v) for k, v in self.schedule.items()},
            "targets": [
                {"target": str(r.target_id), "target_type": str(r.target_type), "year": int(r.year),
                 "value": _num(r.value), "limit": _num(r.limit), "met": bool(r.met), "margin_kr": _num(r.margin_kr)}
                for r in self.targets.itertuples(index=False)
            ],
        }


def _num(x: Any) -> float | None:
    v = float(x)
    return None if not math.isfinite(v) else v


def _frame(lines: tuple[str, ...], values: Mapping[str, np.ndarray], years: list[int]) -> pd.DataFrame:
    data = np.vstack([np.asarray(values[line], dtype=float) for line in lines])
    df = pd.DataFrame(data, index=pd.Index(lines, name="post"), columns=pd.Index(years, name="år"))
    return df


def _with_renewal_taken_over(data: MunicipalityData, inputs: FinanceInputs, schedule: Mapping[str, int],
                             policy: str | RenewalPlan | None) -> FinanceInputs:
    """The renewal the plan's projects take over (a facility closed or replaced, a component renewed by an
    ombyggnad) leaves the renewal need from the project's completion year under every policy — the plan's own
    need (:func:`hushall.projects.maintenance.plan_need_change`) — and under the policy *behov* the reinvestment
    and its depreciation too (:func:`hushall.projects.maintenance.plan_renewal_change`)."""
    need = inputs.renewal_need_kr
    if need is not None:
        inputs = inputs.replace(renewal_need_kr=np.asarray(need, dtype=float) + plan_need_change(data, schedule))
    change = plan_renewal_change(data, schedule, inputs.construction_index, policy)
    if change is None or inputs.reinvestment_kr is None:
        return inputs
    spend, dep = change
    idx = np.asarray(inputs.construction_index, dtype=float)
    cap = inputs.reinvestment_capitalised_by_component_kr
    dep0 = inputs.reinvestment_depreciation_by_component_kr
    return inputs.replace(
        reinvestment_kr=np.asarray(inputs.reinvestment_kr, dtype=float) + spend.sum(axis=0) * idx,
        reinvestment_capitalised_by_component_kr=None if cap is None else np.asarray(cap, dtype=float) + spend * idx,
        reinvestment_depreciation_by_component_kr=None if dep0 is None else np.asarray(dep0, dtype=float) + dep)


def forecast(
    data: MunicipalityData,
    schedule: Mapping[str, int] | None = None,
    overrides: Mapping[str, ArrayLike] | None = None,
    reinvestment_policy: str | RenewalPlan | None = None,
) -> Forecast:
    """Forecast the statements, ratios and targets of a municipality for one plan.

    Parameters
    ----------
    data
        The validated municipality (sheet ``Ekonomi`` filled in).
    schedule
        Project id → start year; ``None`` = the committed projects (``måste`` or ``fast_startår``,
        :meth:`hushall.projects.Schedule.committed`).
    overrides
        Driver overrides for :func:`hushall.finance.build_inputs` (scalars or ``(T,)`` arrays; for a scenario axis
        use :func:`build_inputs` and :func:`run` directly).
    reinvestment_policy
        ``"ram"``, ``"behov"`` or ``"ingen"`` (:data:`hushall.needs.reinvestment.POLICIES`); ``None`` = as the
        data says (sheet Antaganden); a :class:`hushall.needs.reinvestment.RenewalPlan`: the optimiser's renewal
        per pool and year (``OptimizationResult.renewal_plan``), so that its plan replays to the krona.

    Raises
    ------
    hushall.errors.DataValidationError
        When sheet ``Ekonomi`` is empty, incomplete or does not balance.
    hushall.errors.PlanError
        When the schedule names an unknown project or a start year outside its window.
    """
    cat = ProjectCatalog.from_data(data)
    sched = Schedule.committed(cat) if schedule is None else Schedule(schedule)
    cons, price = plan_indices(data)
    plan = plan_effects(cat, sched, data.years, cons, price)
    inputs = build_inputs(data, plan, overrides, reinvestment_policy)
    inputs = inputs.replace(maintenance_debt_kr=plan_maintenance_debt(data, sched, reinvestment_policy))
    inputs = _with_renewal_taken_over(data, inputs, sched, reinvestment_policy)
    if len(inputs.shape) != 1:
        raise ValueError("forecast() takes overrides without a scenario axis; use build_inputs() and run()")
    st = run(inputs)
    rat = ratios(st)
    years = [int(y) for y in data.years]
    comp_rows = []
    comp_values = []
    for k, ctype in enumerate(st.component_types):
        if not np.any(st.components["aktiverat"][k]) and not np.any(st.components["bokfört_värde"][k]):
            continue
        for line in COMPONENT_LINES:
            comp_rows.append((ctype, line))
            comp_values.append(st.components[line][k])
    components = pd.DataFrame(
        np.vstack(comp_values) if comp_values else np.zeros((0, len(years))),
        index=pd.MultiIndex.from_tuples(comp_rows, names=["komponent", "post"]),
        columns=pd.Index(years, name="år"),
    )
    driver_names = ("skatteunderlag_tillväxt", "skattesats", "statsbidrag_tillväxt", "befolkning_riket_tillväxt",
                    "invånare", "behovsindex", "nettokostnad_volymandel", "prisindex", "löneindex", "löneandel",
                    "byggprisindex", "ränta", "ränta_likvida_medel", "kassa_golv_kr", "amortering_andel",
                    "pensionsutbetalningar_kr", "pensionsavsättning_förändring_kr", "ansvarsförbindelse_minskning",
                    "kassa_mål_kr", "räntebindningstid_år", "pensionsavsättning_tillväxt", "utdelning_kr",
                    "nettokostnad_förändring_kr", "rörelsekapital_indexering")
    driver_values = {name: np.broadcast_to(np.asarray(getattr(inputs, DRIVER_FIELDS[name]), float), (len(years),))
                     for name in driver_names}
    driver_values["räntebindningstid_år"] = np.broadcast_to(np.asarray(
        inputs.fixed_rate_years if inputs.fixed_rate_years is not None else 1.0, float), (len(years),))
    return Forecast(
        years=years,
        income_statement=_frame(INCOME_STATEMENT_LINES, st.income_statement, years),
        balance_sheet=_frame(BALANCE_SHEET_LINES, st.balance_sheet, years),
        cash_flow=_frame(CASH_FLOW_LINES, st.cash_flow, years),
        ratios=_frame(RATIO_LINES, rat, years),
        targets=evaluate_targets(data, st, rat),
        components=components,
        drivers=_frame(driver_names, driver_values, years),
        sources=dict(inputs.sources or {}),
        schedule=sched,
        statements=st,
        inputs=inputs,
    )
