"""A plan's stored risk (the compact Monte Carlo summary the web keeps with a plan result) as the object the risk
charts of :mod:`hushall.reports.risk_charts` draw, so that the web and the plan document share one definition of
each chart.

The stored summary (``risk`` of a web plan result, see :func:`hushall.web.risk.risk_entry`) holds, per target,
the probability per year that it holds and its standard error; per line (årets resultat, låneskuld per invånare,
soliditet) the percentiles per year and the forecast without uncertainty; and the drivers' effect on the
outcomes. :class:`StoredMonteCarlo` offers the attributes the charts read from a
:class:`hushall.scenarios.MonteCarloResult`: ``n_draws``, ``seed``, ``quantiles``, ``probabilities``,
``percentiles``, ``baseline``, ``tornado``, ``outcomes`` and :meth:`StoredMonteCarlo.line`.

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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


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


__all__ = ["StoredMonteCarlo"]
