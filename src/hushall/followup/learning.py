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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hushall.followup.outcomes import FollowUp


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
