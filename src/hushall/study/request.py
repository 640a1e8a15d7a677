"""What a plan study asks for: where the plan comes from and how hard to look at it.

Every default of a plan study is defined here, once: the command line (``hushall report``, ``hushall demo``),
the plan document and the web read them from this module.

Examples
--------
>>> PlanRequest().draws, PlanRequest().source
(2000, 'optimised')
>>> PlanRequest.from_json(PlanRequest(source="committed", draws=0).to_json()) == PlanRequest(
...     source="committed", draws=0)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

#: Monte Carlo draws of a plan's risk analysis (about 0.2 s for Exempelkommun; 0 = none).
DEFAULT_DRAWS = 2000
#: Seed of every plan's simulation: the same plan gives the same probabilities everywhere it is shown.
DEFAULT_SEED = 1
#: The probability a safer (robust) plan must reach for every target, in each of :data:`ROBUST_YEARS` first
#: plan years (0 = no safer plan is searched).
DEFAULT_ROBUST_LEVEL = 0.9
ROBUST_YEARS = 10
#: The robust search's own solves: at most this long each, and at least this gap (it solves many times).
ROBUST_TIME_LIMIT_S = 15.0
ROBUST_MIN_GAP = 0.005
#: The optimiser's limits: the solve stops after ``time_limit_s`` or at the relative gap ``mip_gap``; the
#: explanations (re-solves) get at most ``explain_s`` more.
DEFAULT_TIME_LIMIT_S = 60.0
DEFAULT_MIP_GAP = 0.005
DEFAULT_EXPLAIN_S = 3.0

PlanSource = Literal["optimised", "committed", "file", "schedule"]
PLAN_SOURCES: tuple[str, ...] = ("optimised", "committed", "file", "schedule")


#: The optimiser's balance requirements a study can ask for (:func:`hushall.optimize.optimize`'s ``balanskrav``): a
#: deficit restored within three years (KL 11 kap. 12 §), or a budget in balance every plan year (5 §).
BALANSKRAV_MODES: tuple[str, ...] = ("restore", "balanced")


def balanskrav_mode(balanced_budget: bool) -> str:
    """The optimiser's ``balanskrav`` of a yes/no for a budget in balance every year (``--budget-i-balans``, the
    setting ``balanced_budget``).

    >>> balanskrav_mode(True), balanskrav_mode(False)
    ('balanced', 'restore')
    """
    return BALANSKRAV_MODES[1] if balanced_budget else BALANSKRAV_MODES[0]


@dataclass(frozen=True)
class PlanRequest:
    """Where the plan comes from, and what the study computes around it.

    ``source``: ``"optimised"`` (:func:`hushall.optimize.optimize`), ``"committed"`` (the projects already
    decided: ``måste`` or ``fast_startår``), ``"file"`` (``path``, a plan file read by
    :func:`hushall.projects.plan_file.read_schedule`) or ``"schedule"`` (``schedule``, project id → start year,
    chosen elsewhere; ``label`` names it). ``draws`` futures of the Monte Carlo analysis with ``seed`` (0 =
    none); ``robust_level`` the probability a safer plan must reach (0 = none; only for an optimised plan).
    ``time_limit_s``, ``mip_gap``, ``explain_s``: the optimiser's limits; ``max_explained`` projects explained one
    by one (``None``: every project, at least 5) in at most ``explain_project_s`` each (``None``: the optimiser's
    own share). ``renewal_decisions``: the optimiser decides the reinvestment per pool of components and year
    (:mod:`hushall.optimize.renewal_decisions`) and the study replays its renewal (``None``: the optimiser's
    default; only for an optimised plan). ``balanskrav``: the optimiser's balance requirement — ``"restore"`` (a
    deficit restored within three years is allowed; the verdict names it) or ``"balanced"`` (a budget in balance
    every plan year, KL 11 kap. 5 §).
    """

    source: PlanSource = "optimised"
    path: str | None = None
    schedule: Mapping[str, int] | None = None
    label: str | None = None
    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    robust_level: float = 0.0
    robust_years: int = ROBUST_YEARS
    time_limit_s: float = DEFAULT_TIME_LIMIT_S
    mip_gap: float = DEFAULT_MIP_GAP
    explain_s: float = DEFAULT_EXPLAIN_S
    max_explained: int | None = None
    explain_project_s: float | None = None
    ranking: bool = True
    renewal_decisions: bool | None = None
    balanskrav: str = "restore"

    def __post_init__(self) -> None:
        if self.source not in PLAN_SOURCES:
            raise ValueError(f"unknown plan source {self.source!r} (one of {', '.join(PLAN_SOURCES)})")
        if self.source == "file" and not self.path:
            raise ValueError("a plan from a file needs its path")
        if self.source == "schedule" and self.schedule is None:
            raise ValueError("a given plan needs its schedule")
        if self.draws < 0:
            raise ValueError("draws must be 0 or more")
        if self.balanskrav not in BALANSKRAV_MODES:
            raise ValueError(f"unknown balanskrav {self.balanskrav!r} ({' or '.join(BALANSKRAV_MODES)})")

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["schedule"] = None if self.schedule is None else {str(k): int(v) for k, v in self.schedule.items()}
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> PlanRequest:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})


__all__ = [
    "BALANSKRAV_MODES",
    "DEFAULT_DRAWS",
    "DEFAULT_EXPLAIN_S",
    "DEFAULT_MIP_GAP",
    "DEFAULT_ROBUST_LEVEL",
    "DEFAULT_SEED",
    "DEFAULT_TIME_LIMIT_S",
    "PLAN_SOURCES",
    "ROBUST_YEARS",
    "PlanRequest",
    "PlanSource",
    "balanskrav_mode",
]
