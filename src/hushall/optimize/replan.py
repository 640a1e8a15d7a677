"""Re-plan from today: the best plan for what is left, with what is finished sunk and what is under way committed.

:func:`replan` turns the outcomes into fixed decisions (:func:`hushall.followup.replan.replanning`), optionally
adds the delivery ceilings learned per nämnd (:func:`hushall.followup.learning.with_delivery_ceilings`), runs the
optimiser from the first plan year and lists what moved against the decided plan and why
(:func:`hushall.followup.replan.plan_changes`).

The decided plan is the council's (a plan file, :func:`hushall.projects.plan_file.read_schedule`), or — without
one — the optimiser's plan for the data as given, before the outcomes were taken into account.

Tested in ``tests/followup/test_replan.py`` (an example is a solve of several seconds).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hushall.followup.learning import with_delivery_ceilings
from hushall.followup.replan import Replanning, plan_changes, replanning
from hushall.model import MunicipalityData
from hushall.optimize.api import optimize
from hushall.optimize.delivery import TARGET_TYPE as DELIVERY
from hushall.optimize.result import OptimizationResult

#: Where the decided plan came from, when not from a file (Swedish, for the reports).
DECIDED_BY_OPTIMISER = "optimerad plan utan utfallen (ingen beslutad plan angavs)"


@dataclass(frozen=True)
class Replan:
    """A re-plan from today: the prepared data, the optimiser's result, the decided plan and what moved."""

    replanning: Replanning
    result: OptimizationResult
    decided: dict[str, int]
    decided_source: str
    changes: pd.DataFrame

    @property
    def data(self) -> MunicipalityData:
        """The data the re-plan was optimised on (committed projects locked, finished ones gone)."""
        return self.replanning.data


def binding_by_year(result: OptimizationResult, data: MunicipalityData) -> dict[int, list[tuple[str, str]]]:
    """Per plan year, the targets and ceilings binding in ``result``: (Swedish label with the target id, the nämnd
    of a delivery ceiling or ``""``)."""
    t = result.targets
    if t is None or not len(t) or "binding" not in t:
        return {}
    targets = data.targets
    committee = (dict(zip(targets["target_id"].astype(str), targets["committee"].fillna("").astype(str), strict=True))
                 if len(targets) and "committee" in targets else {})
    rows = t[t["binding"].astype(bool)]
    out: dict[int, list[tuple[str, str]]] = {}
    for year, group in rows.groupby("year"):
        pairs = [(f"{lab} ({tid})", committee.get(str(tid), "") if ttype == DELIVERY else "")
                 for lab, tid, ttype in zip(group["label"], group["target_id"], group["target_type"], strict=True)]
        out[int(year)] = list(dict.fromkeys(pairs))
    return out


def replan(data: MunicipalityData, *, decided: Mapping[str, int] | None = None, delivery: bool = False,
           time_limit: float = 60.0, mip_gap: float = 1e-3, explain: bool = False, **options: Any) -> Replan:
    """Plan the rest from the first plan year (see the module docstring).

    Parameters
    ----------
    decided
        The decided plan (project id → start year); ``None``: the optimiser's plan for ``data`` as given, which
        takes half of ``time_limit``.
    delivery
        Add the delivery ceilings learned per nämnd from the outcomes (a nämnd's own Mål row wins).
    time_limit, mip_gap, explain, options
        As for :func:`hushall.optimize.optimize`.
    """
    prepared = replanning(data)
    if delivery:
        prepared = Replanning(with_delivery_ceilings(prepared.data, prepared.follow), prepared.original,
                              prepared.follow, prepared.finished, prepared.committed)
    source = "beslutad plan (fil)"
    if decided is None:
        time_limit = time_limit / 2
        first = optimize(data, time_limit=time_limit, mip_gap=mip_gap, explain=False, ranking=False, **options)
        decided, source = first.schedule_dict, DECIDED_BY_OPTIMISER
    result = optimize(prepared.data, time_limit=time_limit, mip_gap=mip_gap, explain=explain, **options)
    changes = plan_changes(prepared, dict(decided), result.schedule_dict, binding_by_year(result, prepared.data))
    return Replan(prepared, result, dict(decided), source, changes)
