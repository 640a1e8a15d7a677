"""How likely a plan is to hold, in one compact summary: what a plan study keeps of its Monte Carlo analysis and of
the search for a safer plan, and the charts' view of it.

:func:`risk_summary` condenses a :class:`hushall.scenarios.MonteCarloResult` into plain JSON (the web stores it with
a plan's result; the plan document reads the same numbers); :func:`robust_summary` does the same for
:func:`hushall.scenarios.robust.robust_plan`. :class:`StoredMonteCarlo` rebuilds from a summary the parts of a Monte
Carlo result that the risk charts of :mod:`hushall.reports.risk_charts` draw, so the web and the plan document share
one definition of each chart. Every number comes from the scenarios stage; this module only picks them.

The summary holds, per target, its type, limit and period (presentation names it), the probability per year that
it holds and its standard error; per line of :data:`RISK_LINES` the percentiles per year and the forecast without
uncertainty; and the drivers' effect on the outcomes of :data:`RISK_OUTCOMES`.

Examples
--------
>>> stored = {"draws": 100, "seed": 1, "quantiles": [0.1, 0.5, 0.9], "years": [2025, 2026],
...           "targets": [{"target_id": "M1", "label": "Resultat ≥ 1,0 %", "years": [2025, 2026],
...                        "probability": [0.9, 0.8], "standard_error": [0.03, 0.04]}],
...           "lines": {"soliditet": {"p10": [0.2, 0.2], "p50": [0.3, 0.3], "p90": [0.4, 0.4],
...                                   "baseline": [0.3, 0.31]}}}
>>> mc = StoredMonteCarlo.from_risk(stored)
>>> float(mc.line("soliditet").loc[2026, "p50"]), list(mc.probabilities["target_id"])
(0.3, ['M1 Resultat ≥ 1,0 %', 'M1 Resultat ≥ 1,0 %'])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hushall.model import MunicipalityData

#: Lines whose spread the summary keeps (names of :data:`hushall.scenarios.montecarlo.LINES`).
RISK_LINES: tuple[str, ...] = ("årets_resultat", "låneskuld_per_invånare", "soliditet")
#: Outcomes whose drivers the summary keeps: the share of target-years met (what threatens the plan) and the sum
#: of årets resultat (the tornado of the plan document).
RISK_OUTCOMES: tuple[str, ...] = ("mål_uppfyllda_andel", "resultat_summa")


def finite_number(x: Any) -> float | None:
    """``x`` as a finite float (``-0.0`` as ``0.0``), ``None`` for anything else: what JSON takes."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v + 0.0 if math.isfinite(v) else None


def _numbers(values: Any) -> list[float | None]:
    return [finite_number(v) for v in values]


def _shown_id(target_id: str) -> str:
    """The target's id as the reader knows it from the data (a variant's own targets have none)."""
    return "" if target_id.startswith("variant-") else target_id


def risk_summary(mc: Any, data: MunicipalityData) -> dict[str, Any]:
    """The compact, JSON-safe summary of a Monte Carlo result (:class:`hushall.scenarios.MonteCarloResult`).

    Keys: ``draws``, ``seed``, ``quantiles``, ``years``, ``all_years_probability`` and
    ``all_years_standard_error`` (every target holds every year), ``max_standard_error``; ``joint`` (per year,
    every target applying that year holds); ``targets`` (per target: ``target_id`` (empty for a variant's own
    targets), ``source_id``, ``target_type``, ``limit``, ``period_years``, ``years``, ``probability``,
    ``standard_error``, ``lowest`` and ``lowest_year``); ``lines`` (per line of :data:`RISK_LINES`: ``p10``,
    ``p50``, ``p90``, ``mean``, ``baseline`` per year); ``drivers`` (per outcome of :data:`RISK_OUTCOMES`: its
    ``label``, ``mean`` and the drivers by falling variance share, each with ``driver``, ``label``,
    ``variance_share``, ``low``, ``high``); ``elapsed_s``.
    """
    from hushall.scenarios.montecarlo import OUTCOMES, quantile_name

    periods = {str(r.target_id): r.period_years for r in data.targets.itertuples(index=False)}
    targets = []
    for (tid, ttype), g in mc.probabilities.groupby(["target_id", "target_type"], sort=False):
        g = g.sort_values("year")
        worst = g.loc[g["probability"].idxmin()]
        period = periods.get(str(tid), 1)
        targets.append({
            "target_id": _shown_id(str(tid)), "source_id": str(tid), "target_type": str(ttype),
            "limit": finite_number(g["limit"].iloc[0]),
            "period_years": 1 if period is None or pd.isna(period) else int(period),
            "years": [int(y) for y in g["year"]], "probability": _numbers(g["probability"]),
            "standard_error": _numbers(g["standard_error"]),
            "lowest": finite_number(worst["probability"]), "lowest_year": int(worst["year"]),
        })
    years = [int(y) for y in mc.years]
    qnames = [quantile_name(q) for q in mc.quantiles]
    lines: dict[str, dict[str, list[float | None]]] = {}
    base = mc.baseline.set_index(["line", "year"])["value"]
    for line in RISK_LINES:
        q = mc.line(line).reindex(years)
        if not len(q):
            continue
        lines[line] = {**{c: _numbers(q[c]) for c in [*qnames, "mean"] if c in q.columns},
                       "baseline": _numbers(base.get((line, y), float("nan")) for y in years)}
    means = mc.outcomes.set_index("outcome")["mean"]
    drivers: dict[str, dict[str, Any]] = {}
    for outcome in RISK_OUTCOMES:
        rows = mc.tornado[mc.tornado["outcome"] == outcome].sort_values("variance_share", ascending=False)
        if not len(rows):
            continue
        drivers[outcome] = {"label": OUTCOMES.get(outcome, outcome), "mean": finite_number(means.get(outcome)),
                            "drivers": [{"driver": str(r.driver), "label": str(r.label),
                                         "variance_share": finite_number(r.variance_share), "low": finite_number(r.low),
                                         "high": finite_number(r.high)} for r in rows.itertuples()]}
    joint = mc.joint
    return {
        "draws": int(mc.n_draws), "seed": int(mc.seed), "quantiles": [float(q) for q in mc.quantiles],
        "years": years, "all_years_probability": finite_number(mc.all_years_probability),
        "all_years_standard_error": finite_number(mc.all_years_standard_error),
        "max_standard_error": finite_number(mc.max_standard_error()),
        "joint": {"years": [int(y) for y in joint["year"]], "probability": _numbers(joint["probability"])},
        "targets": targets, "lines": lines, "drivers": drivers,
        "elapsed_s": round(float(getattr(mc, "elapsed_s", 0.0)), 3),
    }


def robust_summary(rb: Any, data: MunicipalityData, level: float) -> dict[str, Any]:
    """What a safer plan costs, from :func:`hushall.scenarios.robust.robust_plan`'s result ``rb``: the level asked
    for and the probability reached by the plan and by the safer one, what the safer plan gives up (value,
    projects, ``changes``) and the ``weakest`` target (``target_id``, ``year``, ``probability``), JSON-safe."""
    doc = rb.to_json_dict()
    last = rb.last_year
    p = rb.robust_mc.probabilities
    if last is not None:
        p = p[p["year"] <= last]
    weakest = p.sort_values("probability", kind="stable").iloc[0] if len(p) else None
    base_value = finite_number(doc["base"]["value"])
    cost = finite_number(doc["value_cost"])
    return {
        "level": float(level), "first_year": int(data.first_year), "last_year": last, "status": rb.status,
        "reached": rb.robust_probability >= level - 1e-12,
        "base_probability": finite_number(rb.base_probability), "robust_probability": finite_number(rb.robust_probability),
        "base_projects": len(doc["base"]["schedule"]), "robust_projects": len(doc["robust"]["schedule"]),
        "value_cost_share": None if cost is None or not base_value else cost / base_value,
        "value_cost_kr": finite_number(doc["value_cost_kr"]),
        "changes": doc["changes"],
        "weakest": None if weakest is None else {
            "target_id": str(weakest["target_id"]), "year": int(weakest["year"]),
            "probability": finite_number(weakest["probability"])},
        "elapsed_s": finite_number(doc["elapsed_s"]),
    }


def _floats(values: Any, n: int) -> list[float]:
    """``n`` floats (missing values as NaN: a gap in the chart)."""
    out = [np.nan if v is None else float(v) for v in list(values or [])[:n]]
    return out + [np.nan] * (n - len(out))


@dataclass(frozen=True, eq=False)
class StoredMonteCarlo:
    """The parts of a Monte Carlo result the risk charts draw, rebuilt from a stored summary."""

    n_draws: int
    seed: int
    quantiles: tuple[float, ...]
    probabilities: pd.DataFrame
    percentiles: pd.DataFrame
    baseline: pd.DataFrame
    tornado: pd.DataFrame
    outcomes: pd.DataFrame

    def line(self, name: str) -> pd.DataFrame:
        """Percentiles of one line, indexed by year (as :meth:`hushall.scenarios.MonteCarloResult.line`)."""
        p = self.percentiles
        return p[p["line"] == name].drop(columns="line").set_index("year")

    @classmethod
    def from_risk(cls, risk: Mapping[str, Any]) -> StoredMonteCarlo:
        """Rebuild from a stored summary. A target is named in the charts by its id (when the reader knows it)
        and its label, carried in ``target_id`` (the charts name a target ``target_id + " " + target_type``)."""
        from hushall.scenarios.montecarlo import quantile_name

        quantiles = tuple(float(q) for q in risk.get("quantiles") or (0.1, 0.5, 0.9))
        names = [quantile_name(q) for q in quantiles]
        prob_rows: list[dict[str, Any]] = []
        for t in risk.get("targets") or []:
            years = [int(y) for y in t.get("years") or []]
            label = " ".join(str(x) for x in (t.get("target_id"), t.get("label")) if x)
            for y, p, se in zip(years, _floats(t.get("probability"), len(years)),
                                _floats(t.get("standard_error"), len(years)), strict=True):
                prob_rows.append({"target_id": label, "target_type": "", "year": y, "probability": p,
                                  "standard_error": 0.0 if np.isnan(se) else se})
        probabilities = pd.DataFrame(prob_rows, columns=["target_id", "target_type", "year", "probability",
                                                         "standard_error"])
        years = [int(y) for y in risk.get("years") or []]
        n = len(years)
        pct: dict[str, list[Any]] = {"line": [], "year": [], **{q: [] for q in names}}
        base: dict[str, list[Any]] = {"line": [], "year": [], "value": []}
        for line, values in (risk.get("lines") or {}).items():
            pct["line"] += [line] * n
            pct["year"] += years
            for q in names:
                pct[q] += _floats(values.get(q), n)
            base["line"] += [line] * n
            base["year"] += years
            base["value"] += _floats(values.get("baseline"), n)
        tornado_rows: list[dict[str, Any]] = []
        outcome_rows: list[dict[str, Any]] = []
        for outcome, entry in (risk.get("drivers") or {}).items():
            outcome_rows.append({"outcome": outcome, "mean": float(entry.get("mean") or 0.0)})
            for d in entry.get("drivers") or []:
                low, high = float(d.get("low") or 0.0), float(d.get("high") or 0.0)
                tornado_rows.append({"outcome": outcome, "driver": d.get("driver"), "label": d.get("label"),
                                     "low": low, "high": high, "swing": high - low,
                                     "variance_share": float(d.get("variance_share") or 0.0)})
        return cls(
            n_draws=int(risk.get("draws") or 0), seed=int(risk.get("seed") or 0), quantiles=quantiles,
            probabilities=probabilities, percentiles=pd.DataFrame(pct), baseline=pd.DataFrame(base),
            tornado=pd.DataFrame(tornado_rows, columns=["outcome", "driver", "label", "low", "high", "swing",
                                                        "variance_share"]),
            outcomes=pd.DataFrame(outcome_rows, columns=["outcome", "mean"]),
        )


__all__ = ["RISK_LINES", "RISK_OUTCOMES", "StoredMonteCarlo", "finite_number", "risk_summary", "robust_summary"]
