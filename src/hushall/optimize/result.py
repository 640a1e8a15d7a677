"""The optimiser's answer: the plan, how good it is provably, what it achieves, and why."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, pd.DataFrame):
        return [{str(k): _plain(x) for k, x in r.items()} for r in v.to_dict("records")]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return _num(v)
    if v is None or v is pd.NA:
        return None
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    return str(v)


#: Result statuses.
STATUSES = {
    "optimal": "Bästa möjliga plan (inom angivet gap).",
    "feasible": "En plan som uppfyller alla mål och tak; tidsgränsen nåddes innan gapet stängdes.",
    "targets_infeasible": "Ingen plan uppfyller alla mål och tak. Planen nedan bryter dem så lite som möjligt.",
    "no_solution": "Ingen plan hittades inom tidsgränsen.",
}
NO_PLAN_EXISTS = ("Ingen plan är möjlig: projektens villkor (måste, fast startår, beroende av, alternativgrupp) "
                  "motsäger varandra.")


def renewal_policy(renewal: pd.DataFrame | None, data: Any) -> Any:
    """The reinvestment policy that replays a renewal table (:func:`hushall.optimize.renewal_decisions.
    renewal_table`) of ``data``'s plan through :func:`hushall.finance.forecast`; ``None`` for none."""
    if renewal is None:
        return None
    from hushall.optimize.renewal_decisions import renewal_matrix
    from hushall.projects.maintenance import renewal_groups, renewal_plan

    groups = renewal_groups(data)
    return renewal_plan(groups, renewal_matrix(renewal, groups.n_groups, np.asarray(data.years)))


@dataclass
class OptimizationResult:
    """The optimised plan.

    ``objective`` is the plan's net benefit in points (weighted criteria value discounted, plus the
    maintenance-debt and unmet-places penalties it avoids compared with doing nothing, minus any violation
    penalty); ``bound`` is the best bound proven (no plan can score higher), ``gap = (bound − objective) /
    |objective|``. ``kr_per_point`` converts points to kronor.
    """

    status: str
    solver_status: str
    objective: float
    bound: float
    gap: float
    schedule: pd.DataFrame
    value_by_criterion: dict[str, float]
    weights: dict[str, float]
    weights_source: str
    objective_parts: dict[str, float]
    kr_per_point: float
    targets: pd.DataFrame
    violations: list[dict[str, Any]]
    explanations: dict[str, Any]
    ranking_objective: float | None = None
    ranking: dict[str, Any] | None = None
    finance: pd.DataFrame | None = None
    places: pd.DataFrame | None = None
    lp_bound: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    unschedulable: tuple[str, ...] = ()
    #: With renewal decisions: the renewal and backlog per pool of components and year (real kr; pools:
    #: :func:`hushall.projects.maintenance.renewal_groups`) — :meth:`renewal_plan` for the forecast.
    renewal: pd.DataFrame | None = None

    def renewal_plan(self, data: Any) -> Any:
        """The reinvestment policy that replays this plan's renewal through :func:`hushall.finance.forecast`
        (``reinvestment_policy=``); ``None`` when the reinvestment was not decided by the optimiser."""
        return renewal_policy(self.renewal, data)

    @property
    def proven_infeasible(self) -> bool:
        """No plan exists at all: the solver proved the must-do, fixed-start, dependency and alternative rules
        contradict each other (targets and ceilings are elastic, so they never cause this)."""
        return self.status == "no_solution" and "infeasible" in self.solver_status.lower()

    @property
    def message(self) -> str:
        if self.proven_infeasible:
            return NO_PLAN_EXISTS
        return STATUSES.get(self.status, self.status)

    @property
    def schedule_dict(self) -> dict[str, int]:
        """Project id → start year (what :func:`hushall.finance.forecast` takes)."""
        return {str(p): int(y) for p, y in zip(self.schedule["project"], self.schedule["start_year"], strict=True)}

    @property
    def value_gain_over_ranking(self) -> float | None:
        """Relative gain of the optimised plan's net benefit over the ranking list's (both without violation
        penalties; which targets the list breaks is in ``ranking["violations"]``)."""
        if self.ranking_objective is None or not self.ranking_objective:
            return None
        return (self.objective - self.ranking_objective) / abs(self.ranking_objective)

    def to_json_dict(self) -> dict[str, Any]:
        """Plain Python types only (``json.dumps`` works; NaN and ±inf become ``None``)."""
        fin = None
        if self.finance is not None:
            fin = {"years": [int(y) for y in self.finance.index],
                   **{str(c): [_num(v) for v in self.finance[c]] for c in self.finance.columns}}
        places = None
        if self.places is not None:
            by = self.places.groupby(["service", "year"], sort=True)[["demand", "unmet"]].sum().reset_index()
            places = _plain(by)
        return {
            "status": self.status,
            "message": self.message,
            "solver_status": self.solver_status,
            "objective": _num(self.objective),
            "bound": _num(self.bound),
            "gap": _num(self.gap),
            "lp_bound": _num(self.lp_bound),
            "kr_per_point": _num(self.kr_per_point),
            "schedule": _plain(self.schedule),
            "value_by_criterion": _plain(self.value_by_criterion),
            "weights": _plain(self.weights),
            "weights_source": self.weights_source,
            "objective_parts": _plain(self.objective_parts),
            "ranking_objective": _num(self.ranking_objective),
            "value_gain_over_ranking": _num(self.value_gain_over_ranking),
            "ranking": _plain(self.ranking),
            "targets": _plain(self.targets.drop(columns=["block"], errors="ignore")),
            "violations": _plain(self.violations),
            "explanations": _plain(self.explanations),
            "finance": fin,
            "places": places,
            "timings": _plain(self.timings),
            "sizes": _plain(self.sizes),
            "unschedulable": list(self.unschedulable),
            "renewal": None if self.renewal is None else _plain(self.renewal),
        }

    @classmethod
    def from_json_dict(cls, raw: dict[str, Any]) -> OptimizationResult:
        """The result back from :meth:`to_json_dict` (tables as frames; ``None`` for the numbers JSON had no
        value for). ``places`` comes back by service and year, as :meth:`to_json_dict` keeps it."""

        def frame(records: Any, columns: list[str] | None = None) -> pd.DataFrame:
            return pd.DataFrame(list(records or []), columns=columns)

        def num(x: Any) -> float:
            return float("nan") if x is None else float(x)

        fin = raw.get("finance")
        finance = None
        if isinstance(fin, dict):
            finance = pd.DataFrame({k: [num(v) for v in vs] for k, vs in fin.items() if k != "years"},
                                   index=pd.Index([int(y) for y in fin.get("years") or []], name="year"))
        schedule = frame(raw.get("schedule"))
        if not len(schedule.columns):
            schedule = pd.DataFrame(columns=["project", "start_year"])
        return cls(
            status=str(raw.get("status", "")), solver_status=str(raw.get("solver_status", "")),
            objective=num(raw.get("objective")), bound=num(raw.get("bound")), gap=num(raw.get("gap")),
            schedule=schedule, value_by_criterion=dict(raw.get("value_by_criterion") or {}),
            weights=dict(raw.get("weights") or {}), weights_source=str(raw.get("weights_source", "")),
            objective_parts=dict(raw.get("objective_parts") or {}), kr_per_point=num(raw.get("kr_per_point")),
            targets=frame(raw.get("targets")), violations=list(raw.get("violations") or []),
            explanations=dict(raw.get("explanations") or {}), ranking_objective=raw.get("ranking_objective"),
            ranking=raw.get("ranking"), finance=finance,
            places=None if raw.get("places") is None else frame(raw.get("places")),
            lp_bound=raw.get("lp_bound"), timings=dict(raw.get("timings") or {}), sizes=dict(raw.get("sizes") or {}),
            unschedulable=tuple(str(p) for p in raw.get("unschedulable") or ()),
            renewal=None if raw.get("renewal") is None else frame(raw.get("renewal")),
        )
