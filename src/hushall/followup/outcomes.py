r"""Follow-up of the investment plan: what was built against what was budgeted (sheet ``Utfall``).

:func:`follow_up` reads the outcomes per project and year up to the base year and computes, in the terms of RKR R14
*Drift- och investeringsredovisning*, the original and revised budget, the outcome, the carry-over
(ombudgetering), the forecast of the total expenditure against the decided total, the execution rate
(genomförandegrad) per year and nämnd, the projects that are late or over cost, and the execution rate and cost
overrun measured by nämnd and project type with their spread (:func:`measured_rates`), which the Monte Carlo
model uses instead of its fixed assumption (:meth:`hushall.scenarios.MonteCarloSpec.for_data`).

Equations
---------
Project ``p``, reported year ``t`` (rows of sheet ``Utfall``, sorted by year). ``B`` original budget (the year's
budget in the council's budget decision), ``Ĉ`` a carry-over the council decided (optional), ``U`` outcome, ``D``
decided total (beslutad totalutgift), ``P`` forecast total (beräknad totalutgift at the report date)::

    C_{p,t} = Ĉ_{p,t}                                  when given, else
    C_{p,t} = max(0, R_{p,t−1} − U_{p,t−1})            unspent budget moves on (0 in the first year reported, and
                                                       after the year the project was finished)
    R_{p,t} = B_{p,t} + C_{p,t}                         revised budget (budget including ombudgetering)
    S_{p,t} = R_{p,t} − U_{p,t}                         budget deviation (positive = unspent)
    A_{p,t} = Σ_{τ≤t} U_{p,τ}                           accumulated expenditure (ackumulerad utgift)
    Δ_{p,t} = D_{p,t} − P_{p,t}                         deviation of the forecast from the decided total
                                                       (negative = over cost)

Per nämnd ``n`` (and for all nämnder) and year::

    g_{n,t}  = Σ_{p∈n} U_{p,t} / Σ_{p∈n} R_{p,t}        execution rate (genomförandegrad, incl. ombudgetering)
    g⁰_{n,t} = Σ_{p∈n} U_{p,t} / Σ_{p∈n} B_{p,t}        against the original budget

Per project, at its last reported year ``T_p``::

    o_p = P_{p,T_p} / D_{p,first} − 1                  cost overrun against the first decided total
    late_p  ⇔ k_p > k⁰_p                                 k = forecast (or actual) completion year, k⁰ = planned
    over_p  ⇔ P_{p,T_p} > D_{p,T_p}                      over the (latest) decided total

A project not finished at the base year with no forecast completion is taken to finish the year after the base
year at the earliest. The carry-over out of the base year, ``max(0, S_{p,T})`` of the unfinished projects, is what
the plan must budget again the first plan year; ``max(0, P − A)`` of an unfinished project is what is left to
spend on it (its committed cost).

References
----------
RKR (2019), R14 *Drift- och investeringsredovisning*, Definitioner (budget, anslagsförändring, beslutad och
beräknad totalutgift) and the reporting of larger investment projects. Lag (2018:597) om kommunal bokföring och
redovisning, 10 kap. 1–2 §§ and 3 kap. 2 § (the outcome comparable with the council's budget). Kommunallagen
(2017:725) 11 kap. 5–7 §§ (the budget).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> f = follow_up(exempelkommun())
>>> f.years
(2022, 2023, 2024)
>>> round(float(f.execution.loc[(2022, ALL_COMMITTEES), "execution_rate"]), 3)
0.491
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hushall.model import MunicipalityData

#: Label of the rows summing every nämnd, and of projects without a nämnd.
ALL_COMMITTEES = "Alla nämnder"
NO_COMMITTEE = "Nämnd ej angiven"
UNKNOWN_TYPE = "okänd"

_PROJECT_YEAR_COLUMNS = (
    "project_id", "name", "committee", "project_type", "year", "budget_kr", "carried_over_kr",
    "revised_budget_kr", "outcome_kr", "unspent_kr", "accumulated_kr", "decided_total_kr", "forecast_total_kr",
    "deviation_kr", "status",
)


@dataclass(frozen=True)
class FollowUp:
    """The follow-up of a municipality's investment outcomes (all amounts kr).

    Attributes
    ----------
    project_years
        One row per project and reported year: ``budget_kr`` (B), ``carried_over_kr`` (C), ``revised_budget_kr``
        (R), ``outcome_kr`` (U), ``unspent_kr`` (S), ``accumulated_kr`` (A), ``decided_total_kr`` (D),
        ``forecast_total_kr`` (P), ``deviation_kr`` (Δ), ``status``.
    projects
        One row per project at its last reported year, indexed by project id: the R14 figures, ``overrun_share``
        (o), ``late``, ``delay_years``, ``over_cost`` and the carry-over into the first plan year.
    execution
        Indexed by (year, nämnd), with :data:`ALL_COMMITTEES` rows: budgets, outcome, ``execution_rate`` (g) and
        ``execution_rate_original`` (g⁰).
    """

    base_year: int
    project_years: pd.DataFrame
    projects: pd.DataFrame
    execution: pd.DataFrame

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(int(y) for y in sorted(self.project_years["year"].unique()))

    @property
    def empty(self) -> bool:
        return self.project_years.empty

    @property
    def late(self) -> pd.DataFrame:
        """Projects late against their planned completion, most delayed first."""
        return self.projects[self.projects["late"]].sort_values("delay_years", ascending=False)

    @property
    def over_cost(self) -> pd.DataFrame:
        """Projects whose forecast total exceeds the decided total, largest overrun first."""
        return self.projects[self.projects["over_cost"]].sort_values("deviation_kr")

    @property
    def carried_into_plan_kr(self) -> float:
        """Unspent budget of unfinished projects at the base year: to be budgeted again the first plan year."""
        return float(self.projects["carry_into_plan_kr"].sum()) if not self.empty else 0.0

    def totals(self) -> pd.DataFrame:
        """The all-nämnder rows of :attr:`execution`, indexed by year."""
        if self.execution.empty:
            return self.execution
        return self.execution.xs(ALL_COMMITTEES, level="committee")


def _resolved(data: MunicipalityData) -> pd.DataFrame:
    """The outcomes with names and types from sheet Projekt where the sheet Utfall leaves them empty."""
    o = data.outcomes.copy()
    catalog = data.projects.set_index("project_id") if len(data.projects) else None
    name = o["name"].astype(str)
    ptype = o["project_type"].astype(str)
    if catalog is not None:
        name = name.where(name != "", o["project_id"].map(catalog["name"]).astype(object).fillna(""))
        ptype = ptype.where(ptype != "", o["project_id"].map(catalog["project_type"]).astype(object).fillna(""))
    o["name"] = name.where(name != "", o["project_id"])
    o["project_type"] = ptype.where(ptype != "", UNKNOWN_TYPE)
    committee = o["committee"].astype(str).str.strip()
    o["committee"] = committee.where(committee != "", NO_COMMITTEE)
    o["year"] = o["year"].astype(int)
    return o.sort_values(["project_id", "year"]).reset_index(drop=True)


def _carry_over(o: pd.DataFrame) -> np.ndarray:
    """``C_{p,t}`` row by row: a recursion over each project's years (a handful of rows per project)."""
    carried = np.zeros(len(o))
    given = o["carried_over_kr"].to_numpy(dtype=float)
    budget = o["budget_kr"].to_numpy(dtype=float)
    outcome = o["outcome_kr"].to_numpy(dtype=float)
    finished = (o["status"] == "avslutat").to_numpy()
    project = o["project_id"].to_numpy()
    for i in range(len(o)):
        if not np.isnan(given[i]):
            carried[i] = given[i]
        elif i > 0 and project[i] == project[i - 1] and not finished[i - 1]:
            carried[i] = max(0.0, budget[i - 1] + carried[i - 1] - outcome[i - 1])
    return carried


def _project_years(o: pd.DataFrame) -> pd.DataFrame:
    py = o.copy()
    py["carried_over_kr"] = _carry_over(o)
    py["revised_budget_kr"] = py["budget_kr"] + py["carried_over_kr"]
    py["unspent_kr"] = py["revised_budget_kr"] - py["outcome_kr"]
    py["accumulated_kr"] = py.groupby("project_id")["outcome_kr"].cumsum()
    py["deviation_kr"] = py["decided_total_kr"] - py["forecast_total_kr"]
    return py


def _projects(py: pd.DataFrame, base_year: int) -> pd.DataFrame:
    g = py.groupby("project_id", sort=True)
    last = g.tail(1).set_index("project_id")
    first_decided = g["decided_total_kr"].first()
    out = last[["name", "committee", "project_type", "status", "decided_total_kr", "forecast_total_kr",
                "deviation_kr", "accumulated_kr"]].copy()
    out["last_year"] = last["year"]
    out["first_year"] = g["year"].first()
    out["first_decided_total_kr"] = first_decided
    with np.errstate(divide="ignore", invalid="ignore"):
        out["overrun_share"] = np.where(first_decided > 0, last["forecast_total_kr"] / first_decided - 1.0, np.nan)
    planned = last["planned_completion_year"].astype("Float64")
    finished = last["status"] == "avslutat"
    forecast = last["forecast_completion_year"].astype("Float64")
    # A project not finished by the base year finishes the year after at the earliest.
    fallback = pd.Series(np.where(finished, last["year"], base_year + 1), index=last.index, dtype="Float64")
    completion = forecast.fillna(fallback)
    completion = completion.where(finished | (completion > base_year), base_year + 1)
    out["planned_completion_year"] = planned
    out["completion_year"] = completion
    delay = (completion - planned).astype(float)
    out["delay_years"] = delay
    out["late"] = np.nan_to_num(delay, nan=0.0) > 0
    out["over_cost"] = last["forecast_total_kr"] > last["decided_total_kr"]
    unfinished_at_base = (~finished) & (last["year"] == base_year)
    out["carry_into_plan_kr"] = np.where(unfinished_at_base, np.maximum(last["unspent_kr"], 0.0), 0.0)
    out["remaining_kr"] = np.where(finished, 0.0, np.maximum(last["forecast_total_kr"] - last["accumulated_kr"], 0.0))
    return out


def _execution(py: pd.DataFrame) -> pd.DataFrame:
    cols = ["budget_kr", "carried_over_kr", "revised_budget_kr", "outcome_kr"]
    per = py.groupby(["year", "committee"])[cols].sum()
    total = py.groupby("year")[cols].sum()
    total.index = pd.MultiIndex.from_arrays([total.index, [ALL_COMMITTEES] * len(total)],
                                            names=["year", "committee"])
    ex = pd.concat([per, total]).sort_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        ex["execution_rate"] = (ex["outcome_kr"] / ex["revised_budget_kr"]).where(ex["revised_budget_kr"] > 0)
        ex["execution_rate_original"] = (ex["outcome_kr"] / ex["budget_kr"]).where(ex["budget_kr"] > 0)
    return ex


def follow_up(data: MunicipalityData) -> FollowUp:
    """The follow-up of ``data``'s outcomes (sheet ``Utfall``); empty tables when there are none."""
    if data.outcomes.empty:
        empty = pd.DataFrame(columns=list(_PROJECT_YEAR_COLUMNS))
        return FollowUp(data.base_year, empty, pd.DataFrame(), pd.DataFrame())
    py = _project_years(_resolved(data)).reset_index(drop=True)
    return FollowUp(data.base_year, py, _projects(py, data.base_year), _execution(py))
