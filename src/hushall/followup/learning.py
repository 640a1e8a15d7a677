r"""The execution rate and cost overrun a municipality has shown, with their spread: what the next plan learns.

Equations
---------
From the follow-up (:mod:`hushall.followup.outcomes`), over the reported years ``t = 1 … n`` and the finished
projects ``p = 1 … m`` of a group (all, a nämnd or a project type)::

    ḡ   = Σ_t Σ_p U_{p,t} / Σ_t Σ_p R_{p,t}              pooled execution rate (weights: the revised budgets)
    s_g = sd_t(g_t)                                      its spread between years (sample standard deviation)
    s_λ = sd_t(logit g_t)                                the same on the logit scale (the Monte Carlo's spread)
    ō   = mean_p(o_p),   s_o = sd_p(ln(1 + o_p))          cost overrun of the finished projects and its spread

Spreads need at least two observations; with fewer they are ``None`` and the Monte Carlo keeps its assumption.
Only finished projects count for the overrun: the forecast of a project under way is still a forecast.

Per project (:meth:`MeasuredRates.for_projects`), the rule that picks a group's number over the pooled one (a
group's rate from one year, or a spread from two, is noise more than knowledge)::

    execution rate   its nämnd's ḡ_n when the nämnd has ≥ 2 reported years, else its project type's ḡ_k when
                     the type has ≥ 2, else the pooled ḡ
    its spread       the same group's s_λ when that group has ≥ 3 reported years, else the pooled s_λ (a group's
                     yearly rate is clipped to [5 %, 95 %] first: a year above 100 % is a catch-up of
                     carry-overs, not certainty)
    cost overrun     its project type's ō_k when the type has ≥ 3 finished projects, else the pooled ō

Delivery capacity (:func:`learned_delivery_ceilings`): per nämnd with ≥ 2 reported years, the most it has built
in one reported year, in price-base-year prices (construction price index ``I_c``)::

    L_n = max_t Σ_{p∈n} U_{p,t} / I_c(t)

References
----------
The audits the issue cites (Herrljunga ≈ 50 %, Värmdö 2019 51 %, Grästorp 2015 ≈ 62 %) measure the execution rate
as the year's outcome against the year's budget including carry-overs, as :math:`g_t` does here. RKR R14 for the
terms.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> from hushall.followup import follow_up
>>> rates = measured_rates(follow_up(exempelkommun()))
>>> round(rates.execution_mean, 2), rates.n_years
(0.6, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hushall.followup.outcomes import NO_COMMITTEE, FollowUp
from hushall.model import MunicipalityData
from hushall.projects import cumulative_index

#: Reported years a group needs before its execution rate replaces the pooled one (see the module's rule).
MIN_GROUP_YEARS = 2
#: Reported years a group needs before its spread replaces the pooled one.
MIN_GROUP_YEARS_SPREAD = 3
#: A group's yearly rate is clipped to [c, 1 − c] before its logit spread is taken.
GROUP_RATE_CLIP = 0.05
#: Finished projects a project type needs before its cost overrun replaces the pooled one.
MIN_GROUP_FINISHED = 3


@dataclass(frozen=True)
class MeasuredRates:
    """Execution rate and cost overrun measured in the outcomes (shares; see the module's equations)."""

    execution_mean: float
    execution_sd: float | None
    execution_sd_logit: float | None
    n_years: int
    overrun_mean: float | None
    overrun_sd_log: float | None
    n_finished: int
    first_year: int
    last_year: int
    #: Per nämnd: ``execution_rate`` (ḡ), ``execution_sd`` (s_g), ``years``, ``lowest``, ``highest``.
    by_committee: pd.DataFrame
    #: Per project type: ``execution_rate``, ``execution_sd``, ``overrun_mean``, ``overrun_sd``, ``finished``.
    by_type: pd.DataFrame

    @property
    def source(self) -> str:
        """Where the numbers come from, in Swedish (for the Monte Carlo's driver reference)."""
        return (f"Uppmätt i fliken Utfall {self.first_year}–{self.last_year}: genomförandegrad (utfall mot budget "
                f"inklusive ombudgetering) över {self.n_years} år, kostnadsavvikelse för {self.n_finished} "
                "avslutade projekt (prognos mot ursprungligt beslutad totalutgift).")

    def for_projects(self, committees: Sequence[str], types: Sequence[str]) -> pd.DataFrame:
        """Each project's execution rate, its logit spread and cost overrun under the module's rule, with the
        group each number comes from (``execution_basis``, ``overrun_basis``: a nämnd, a project type or
        ``alla``). ``committees`` and ``types``: one per project (``""`` = unknown)."""
        bc, bt = self.by_committee, self.by_type
        rows = []
        for committee, ptype in zip(committees, types, strict=True):
            committee = str(committee or "").strip()
            rate, sdl, basis = self.execution_mean, self.execution_sd_logit, "alla"
            for table, key in ((bc, committee), (bt, str(ptype))):
                if key and key in table.index and table.at[key, "years"] >= MIN_GROUP_YEARS:
                    rate, basis = float(table.at[key, "execution_rate"]), key
                    if table.at[key, "years"] >= MIN_GROUP_YEARS_SPREAD:
                        sdl = float(table.at[key, "execution_sd_logit"])
                    break
            overrun, o_basis = self.overrun_mean, "alla"
            if str(ptype) in bt.index and bt.at[str(ptype), "finished"] >= MIN_GROUP_FINISHED:
                overrun, o_basis = float(bt.at[str(ptype), "overrun_mean"]), str(ptype)
            rows.append({"execution_rate": rate, "execution_sd_logit": sdl, "execution_basis": basis,
                         "overrun_mean": overrun, "overrun_basis": o_basis})
        return pd.DataFrame(rows, columns=["execution_rate", "execution_sd_logit", "execution_basis",
                                           "overrun_mean", "overrun_basis"])


def _sd(values: pd.Series | np.ndarray) -> float | None:
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.std(x, ddof=1)) if len(x) >= 2 else None


def _logit(p: pd.Series) -> np.ndarray:
    x = np.clip(np.asarray(p, dtype=float), 1e-3, 1 - 1e-3)
    return np.log(x / (1.0 - x))


def _execution_by(py: pd.DataFrame, key: str) -> pd.DataFrame:
    per_year = py.groupby([key, "year"])[["outcome_kr", "revised_budget_kr"]].sum()
    per_year = per_year[per_year["revised_budget_kr"] > 0]
    rate = per_year["outcome_kr"] / per_year["revised_budget_kr"]
    pooled = per_year.groupby(level=0).sum()
    out = pd.DataFrame({"execution_rate": pooled["outcome_kr"] / pooled["revised_budget_kr"]})
    out["execution_sd"] = rate.groupby(level=0).agg(lambda s: _sd(s) if len(s) >= 2 else np.nan)
    # a group's year above 100 % is a catch-up of carry-overs: counted as 95 % in the spread (see the module)
    out["execution_sd_logit"] = rate.groupby(level=0).agg(
        lambda s: _sd(_logit(s.clip(GROUP_RATE_CLIP, 1 - GROUP_RATE_CLIP))) if len(s) >= 2 else np.nan)
    out["years"] = rate.groupby(level=0).size()
    out["lowest"] = rate.groupby(level=0).min()
    out["highest"] = rate.groupby(level=0).max()
    return out


def measured_rates(follow: FollowUp) -> MeasuredRates:
    """The execution rate and cost overrun measured in ``follow`` (which must not be empty)."""
    if follow.empty:
        raise ValueError("no outcomes to measure (sheet Utfall is empty)")
    py = follow.project_years
    totals = follow.totals()
    yearly = totals["execution_rate"].dropna()
    pooled = float(totals["outcome_kr"].sum() / totals["revised_budget_kr"].sum())
    finished = follow.projects[(follow.projects["status"] == "avslutat")
                               & follow.projects["overrun_share"].notna()]
    log_overrun = np.log1p(finished["overrun_share"].astype(float))
    by_type = _execution_by(py, "project_type").drop(columns=["lowest", "highest"])
    fin_by_type = finished.groupby("project_type")["overrun_share"]
    by_type["overrun_mean"] = fin_by_type.mean()
    by_type["overrun_sd"] = fin_by_type.agg(lambda s: _sd(s) if len(s) >= 2 else np.nan)
    by_type["finished"] = fin_by_type.size().reindex(by_type.index).fillna(0).astype(int)
    return MeasuredRates(
        execution_mean=pooled,
        execution_sd=_sd(yearly),
        execution_sd_logit=_sd(_logit(yearly)),
        n_years=len(yearly),
        overrun_mean=float(finished["overrun_share"].mean()) if len(finished) else None,
        overrun_sd_log=_sd(log_overrun),
        n_finished=len(finished),
        first_year=min(follow.years),
        last_year=max(follow.years),
        by_committee=_execution_by(py, "committee"),
        by_type=by_type,
    )


def learned_delivery_ceilings(data: MunicipalityData, follow: FollowUp) -> pd.DataFrame:
    """Per nämnd with outcomes, ``L_n`` (the module's equation): ``limit_kr`` (price-base-year prices), the
    ``year`` it was reached and the number of reported ``years``; projects without a nämnd are left out."""
    py = follow.project_years
    py = py[py["committee"] != NO_COMMITTEE]
    if py.empty:
        return pd.DataFrame(columns=["limit_kr", "year", "years"])
    per_year = py.groupby(["committee", "year"])["outcome_kr"].sum().reset_index()
    years = per_year.groupby("committee")["year"].transform("size")
    per_year = per_year[years >= MIN_GROUP_YEARS]
    if per_year.empty:
        return pd.DataFrame(columns=["limit_kr", "year", "years"])
    index = cumulative_index(data.assumptions["byggprisindex"], per_year["year"].to_numpy(), data.price_base_year)
    per_year["real_kr"] = per_year["outcome_kr"] / index
    best = per_year.loc[per_year.groupby("committee")["real_kr"].idxmax()].set_index("committee")
    return pd.DataFrame({"limit_kr": best["real_kr"], "year": best["year"].astype(int),
                         "years": per_year.groupby("committee").size()})


def with_delivery_ceilings(data: MunicipalityData, follow: FollowUp) -> MunicipalityData:
    """``data`` with a ``leveranstak_nämnd_kr`` row in Mål for every nämnd of the outcomes that has none there:
    the learned :func:`learned_delivery_ceilings`. A row the council wrote itself wins (the override).

    >>> from hushall.examples import exempelkommun
    >>> from hushall.followup import follow_up
    >>> d = exempelkommun()
    >>> t = with_delivery_ceilings(d, follow_up(d)).targets
    >>> sorted(t[t["target_type"] == "leveranstak_nämnd_kr"]["committee"])[:2]
    ['Barn- och utbildningsnämnden', 'Kultur- och fritidsnämnden']
    """
    learned = learned_delivery_ceilings(data, follow)
    targets = data.targets
    own = targets[targets["target_type"] == "leveranstak_nämnd_kr"] if len(targets) else targets
    have = {str(c).strip().casefold() for c in own.get("committee", [])}
    rows = [{"target_id": f"LK-{i + 1}", "target_type": "leveranstak_nämnd_kr", "limit": float(r["limit_kr"]),
             "period_years": 1, "from_year": pd.NA, "to_year": pd.NA, "criterion": "", "committee": str(name)}
            for i, (name, r) in enumerate(learned.iterrows()) if str(name).strip().casefold() not in have]
    if not rows:
        return data
    added = pd.DataFrame(rows).reindex(columns=targets.columns if len(targets.columns) else list(rows[0]))
    merged = pd.concat([targets, added.astype(targets.dtypes.to_dict(), errors="ignore")], ignore_index=True) \
        if len(targets) else added
    return data.replace(targets=merged)
