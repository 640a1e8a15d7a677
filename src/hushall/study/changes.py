"""What changed between two plans, each project with one plain sentence of reason.

A politician changes a setting (a criterion weight, the investment frame, the tax rate, the debt target) and the
plan is made again. :func:`plan_changes` compares the plan before (schedule A under settings A) with the plan after
(schedule B under settings B) and names every project that comes in, falls out or moves, with the setting that
explains it:

* **in** (in B, not in A), **out** (in A, not in B) and **moved** (both, another start year: earlier or later);
* the reason is the first change of the settings that pushes the project the way it went — a project that comes
  in or starts earlier is explained by a change that gives room or value; one that falls out or starts later by a
  change that takes room or value away:

  1. the project's own must-do mark;
  2. its own share of the weighted score: with weights :math:`w` and the project's scores :math:`s_c`, its share
     :math:`\\sum_c w_c s_c / \\sum_c w_c` rises or falls by more than :data:`WEIGHT_SHIFT` (the criterion named is
     the one whose weight moved the project most, :math:`\\arg\\max_c \\Delta(w_c/\\sum w)\\, s_c`);
  3. the investment frame (``investeringstak_kr``): raised gives room; lowered takes room, named with the first
     year of the project's build where the plan after uses the whole frame (within :data:`FRAME_SLACK_KR`);
  4. the debt target (``låneskuld_per_invånare``), the tax rate (``tax_change_ore``, ``tax_from_year``), and any
     other target limit;
  5. the balance requirement (``balanced_budget``: a budget in balance every year, KL 11 kap. 5 §, or a deficit
     restored within three years, 12 §);
  6. otherwise the project gave way to (or took the place of) others that give more value per krona.

The figures beside the projects — the plan's value, the investment, places built, the maintenance debt at the end
— are :class:`PlanFacts`, read once from a :class:`~hushall.study.PlanStudy`.

When the optimiser decides the reinvestment (:mod:`hushall.optimize.renewal_decisions`, the default) a change of
the money moves more than projects: a lower investment frame is often met by postponing renewal, so the projects
stay and only the reinvestment and the maintenance debt change. :func:`money_changes` says that in plain Swedish —
every investment per year against the frame (:math:`I_t = I^{proj}_t + R_t \\le F`), the reinvestment as a share of
the renewal need (:math:`\\sum_t R_t / \\sum_t N_t`, :attr:`hushall.finance.verdict.AssetOutcome.share_of_need`)
and the maintenance debt at the end of the plan — before and after.

Examples
--------
>>> before = PlanFacts(schedule={"P-1": 2027, "P-2": 2028}, names={"P-1": "Skola", "P-2": "Bad", "P-3": "Vård"})
>>> after = PlanFacts(schedule={"P-1": 2029, "P-3": 2027}, names=before.names)
>>> [(c.project_id, c.kind) for c in plan_changes(before, after, {}, {})]
[('P-3', 'in'), ('P-2', 'out'), ('P-1', 'moved')]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hushall.data.schema import CRITERIA, CRITERION_LABELS
from hushall.data.target_types import FRAME_TYPE, TARGET_TYPES
from hushall.finance.verdict import BUDGET_BALANCE_LAW
from hushall.formatting import fmt_mkr, fmt_number, fmt_pct

#: A project's share of the weighted score must move by more than this (relative) to be named as the reason.
WEIGHT_SHIFT = 0.05
#: The years whose reinvestment the page and :func:`money_changes` count as "the first years": ten, the horizon of
#: a municipality's long-term investment plan (SKR, *Investeringsplanering*), so a frame cut that postpones
#: renewal by a few years is seen even when it is caught up by the end of a 30-year plan.
EARLY_YEARS = 10
#: A year uses the whole investment frame when its investment is within this of the frame (kr, fixed prices).
FRAME_SLACK_KR = 1.0e6

FRAME = FRAME_TYPE
DEBT = "låneskuld_per_invånare"


@dataclass
class PlanFacts:
    """What a plan is, in the figures a politician reads (kr in the price base year's prices unless noted).

    ``schedule`` project id → start year; ``names``, ``costs_kr``, ``durations``, ``places`` and ``scores``
    (criterion → score) per project of the data; ``value`` the plan's weighted benefit (points), ``bound`` the best
    any plan can reach and ``gap`` the relative distance; ``invest_by_year_kr`` every investment per plan year
    (projects and reinvestment, fixed prices, the statements' ``investeringar_fasta_priser``); ``years`` the plan
    years; ``maintenance_debt_end_kr`` the debt at the end of the plan; ``verdict`` the three-part verdict
    (:class:`hushall.finance.verdict.Verdict`); ``reinvest_by_year_kr``, ``need_by_year_kr`` and
    ``debt_by_year_kr`` the reinvestment, the renewal need and the maintenance debt per plan year (the statements'
    memo lines ``reinvesteringar_fasta_priser``, ``förnyelsebehov_fasta_priser``, ``underhållsskuld_fasta_priser``);
    ``frame_kr`` the investment frame per year (the lowest one-year ``investeringstak_kr`` of sheet Mål; ``None``
    without one).
    """

    schedule: dict[str, int]
    names: dict[str, str] = field(default_factory=dict)
    costs_kr: dict[str, float] = field(default_factory=dict)
    durations: dict[str, int] = field(default_factory=dict)
    places: dict[str, float] = field(default_factory=dict)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    invest_by_year_kr: list[float] = field(default_factory=list)
    value: float | None = None
    bound: float | None = None
    gap: float | None = None
    status: str = ""
    maintenance_debt_end_kr: float | None = None
    places_short_end: float | None = None
    verdict: Any = None
    reinvest_by_year_kr: list[float] = field(default_factory=list)
    need_by_year_kr: list[float] = field(default_factory=list)
    debt_by_year_kr: list[float] = field(default_factory=list)
    frame_kr: float | None = None

    @property
    def project_investment_kr(self) -> float:
        """The chosen projects' investment (sheet Projekt's cost, price base year)."""
        return float(sum(self.costs_kr.get(p, 0.0) for p in self.schedule))

    @property
    def total_investment_kr(self) -> float:
        """Every investment over the plan period, projects and reinvestment (fixed prices)."""
        return float(np.nansum(self.invest_by_year_kr)) if self.invest_by_year_kr else 0.0

    @property
    def reinvestment_kr(self) -> float:
        """The reinvestment over the plan period (fixed prices)."""
        return float(np.nansum(self.reinvest_by_year_kr)) if self.reinvest_by_year_kr else 0.0

    def reinvestment_share(self, years: int | None = None) -> float | None:
        """The reinvestment over the first ``years`` plan years (all when ``None``) as a share of the renewal need
        over the same years, :math:`\\sum_{t<n} R_t / \\sum_{t<n} N_t` (``None`` when nothing falls due or
        the need is not known) — :func:`hushall.finance.verdict.cumulative_share_of_need` at year ``n``; over the
        whole plan :attr:`hushall.finance.verdict.AssetOutcome.share_of_need`.

        >>> f = PlanFacts(schedule={}, reinvest_by_year_kr=[30e6, 10e6], need_by_year_kr=[50e6, 30e6])
        >>> f.reinvestment_share(), f.reinvestment_share(1)
        (0.5, 0.6)
        """
        from hushall.finance.verdict import cumulative_share

        n = len(self.reinvest_by_year_kr) if years is None else int(years)
        spend = float(np.nansum(self.reinvest_by_year_kr[:n])) if self.reinvest_by_year_kr else 0.0
        need = float(np.nansum(self.need_by_year_kr[:n])) if self.need_by_year_kr else 0.0
        return _finite(cumulative_share([spend], [need])[-1])

    @property
    def early_years(self) -> list[int]:
        """The first :data:`EARLY_YEARS` plan years (the years a frame decided now weighs on most)."""
        return self.years[:EARLY_YEARS]

    @property
    def early_reinvestment_kr(self) -> float:
        """The reinvestment over :attr:`early_years` (fixed prices)."""
        return float(np.nansum(self.reinvest_by_year_kr[:EARLY_YEARS])) if self.reinvest_by_year_kr else 0.0

    @property
    def debt_peak(self) -> tuple[float, int] | None:
        """The highest maintenance debt at the end of a plan year and that year (``None`` without the line)."""
        d = np.asarray(self.debt_by_year_kr, dtype=float)
        if not d.size or not np.isfinite(d).any() or len(self.years) != d.size:
            return None
        i = int(np.nanargmax(d))
        return float(d[i]), int(self.years[i])

    @property
    def debt_mean_kr(self) -> float | None:
        """The maintenance debt at the end of each plan year, on average over the plan (how long and how much
        renewal waits: a postponement that is caught up before the end still shows here)."""
        d = np.asarray(self.debt_by_year_kr, dtype=float)
        return float(np.nanmean(d)) if d.size and np.isfinite(d).any() else None

    def years_table(self) -> list[dict[str, Any]]:
        """Per plan year: ``year``, every investment ``total_kr``, of it ``projects_kr`` and ``reinvestment_kr``,
        the renewal ``need_kr`` and the maintenance ``debt_kr`` (fixed prices; NaN where not known).

        >>> PlanFacts(schedule={}, years=[2026], invest_by_year_kr=[90e6], reinvest_by_year_kr=[40e6]).years_table()
        [{'year': 2026, 'total_kr': 90000000.0, 'projects_kr': 50000000.0, 'reinvestment_kr': 40000000.0, 'need_kr': nan, 'debt_kr': nan}]
        """
        def at(values: list[float], i: int) -> float:
            return float(values[i]) if i < len(values) else float("nan")

        rows = []
        for i, year in enumerate(self.years):
            total, reinvest = at(self.invest_by_year_kr, i), at(self.reinvest_by_year_kr, i)
            rows.append({"year": int(year), "total_kr": total,
                         "projects_kr": total - (reinvest if reinvest == reinvest else 0.0),
                         "reinvestment_kr": reinvest, "need_kr": at(self.need_by_year_kr, i),
                         "debt_kr": at(self.debt_by_year_kr, i)})
        return rows

    @property
    def places_built(self) -> float:
        """Places the chosen projects add (new places only; closures are not subtracted)."""
        return float(sum(max(self.places.get(p, 0.0), 0.0) for p in self.schedule))

    @classmethod
    def from_study(cls, study: Any, data: Any) -> PlanFacts:
        """The facts of a :class:`~hushall.study.PlanStudy` of ``data`` (the data the plan was made with)."""
        p = data.projects
        ids = p["project_id"].astype(str).tolist()
        opt = study.optimization
        short = study.figures.places_short if study.figures is not None else []

        def num(col: str, default: float = 0.0) -> list[float]:
            return [float(v) if v == v and v is not None else default for v in p[col].tolist()]

        score_cols = {c: num(f"score_{c}") for c in CRITERIA if f"score_{c}" in p}
        return cls(
            schedule=dict(study.schedule),
            names=dict(zip(ids, p["name"].astype(str), strict=True)),
            costs_kr=dict(zip(ids, num("cost_kr"), strict=True)),
            durations=dict(zip(ids, (max(int(d), 1) for d in num("duration_years", 1.0)), strict=True)),
            places=dict(zip(ids, num("places_change"), strict=True)) if "places_change" in p else {},
            scores={pid: {c: col[i] for c, col in score_cols.items()} for i, pid in enumerate(ids)},
            value=_finite(getattr(opt, "objective", None)),
            bound=_finite(getattr(opt, "bound", None)),
            gap=_finite(getattr(opt, "gap", None)),
            status=str(getattr(opt, "status", "") or ""),
            places_short_end=_finite(short[-1]) if short else None,
            verdict=study.verdict,
            **_money_fields(study.forecast, data),
        )


    @classmethod
    def of_money(cls, fc: Any, data: Any, schedule: Mapping[str, int]) -> PlanFacts:
        """The money and asset facts of a plan's forecast ``fc`` (no value, no verdict): what the frontier
        reports per frame."""
        return cls(schedule=dict(schedule), **_money_fields(fc, data))


def _money_fields(fc: Any, data: Any) -> dict[str, Any]:
    """The :class:`PlanFacts` fields of a forecast's money and assets (:func:`money_lines`) and of the data's
    years and frame."""
    lines = money_lines(fc)
    return {"years": [int(y) for y in data.years], "invest_by_year_kr": lines.get("invest", []),
            "reinvest_by_year_kr": lines.get("reinvest", []), "need_by_year_kr": lines.get("need", []),
            "debt_by_year_kr": lines.get("debt", []),
            "maintenance_debt_end_kr": lines["debt"][-1] if lines.get("debt") else None,
            "frame_kr": yearly_frame_kr(data)}


def money_lines(fc: Any) -> dict[str, list[float]]:
    """The forecast's investment, reinvestment, renewal need and maintenance debt per year (fixed prices):
    ``invest``, ``reinvest``, ``need``, ``debt``; empty without a forecast."""
    if fc is None:
        return {}
    return {key: [float(x) for x in np.asarray(fc.statements[line], dtype=float)]
            for key, line in (("invest", "investeringar_fasta_priser"), ("reinvest", "reinvesteringar_fasta_priser"),
                              ("need", "förnyelsebehov_fasta_priser"), ("debt", "underhållsskuld_fasta_priser"))}


def yearly_frame_kr(data: Any) -> float | None:
    """The investment frame per year of ``data`` (kr, price base year): the lowest ``investeringstak_kr`` limit
    of sheet Mål that counts one year at a time; ``None`` without one."""
    t = data.targets
    if t is None or not len(t):
        return None
    rows = t[(t["target_type"] == FRAME) & (t["period_years"].fillna(1).astype(int) <= 1)]
    limits = [float(v) for v in rows["limit"].tolist() if v == v and v is not None]
    return min(limits) if limits else None


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


@dataclass(frozen=True)
class Change:
    """One project that came in, fell out or moved, and why (one plain Swedish sentence)."""

    project_id: str
    name: str
    kind: str  # "in" | "out" | "moved"
    year_before: int | None
    year_after: int | None
    reason: str
    driver: str  # what explains it: must_do, weights, frame, debt, tax, targets, balance, others, same

    @property
    def headline(self) -> str:
        """What happened, in a few words (``Kommer med 2028``, ``Faller bort``, ``Flyttas 2027 → 2030``)."""
        if self.kind == "in":
            return f"Kommer med {self.year_after}"
        if self.kind == "out":
            return f"Faller bort (var {self.year_before})"
        word = "Tidigareläggs" if (self.year_after or 0) < (self.year_before or 0) else "Senareläggs"
        return f"{word} {self.year_before} → {self.year_after}"

    def to_json(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "name": self.name, "kind": self.kind, "year_before": self.year_before,
                "year_after": self.year_after, "reason": self.reason, "driver": self.driver,
                "headline": self.headline}


def plan_changes(before: PlanFacts, after: PlanFacts, settings_before: Mapping[str, Any],
                 settings_after: Mapping[str, Any]) -> list[Change]:
    """Every project in, out or moved from plan ``before`` to plan ``after``: in first, then out, then moved, each
    group by the year it concerns and then project id. ``settings_*``: the settings each plan was made with
    (:mod:`hushall.study.settings`; missing keys count as unchanged)."""
    a, b = before.schedule, after.schedule
    why = _Reasons(before, after, settings_before, settings_after)
    out: list[Change] = []
    for pid in sorted(set(b) - set(a), key=lambda p: (b[p], p)):
        out.append(why.change(pid, "in", None, b[pid]))
    for pid in sorted(set(a) - set(b), key=lambda p: (a[p], p)):
        out.append(why.change(pid, "out", a[pid], None))
    for pid in sorted((p for p in set(a) & set(b) if a[p] != b[p]), key=lambda p: (a[p], p)):
        out.append(why.change(pid, "moved", a[pid], b[pid]))
    return out


class _Reasons:
    """The reason sentences of :func:`plan_changes` (see the module docstring for the order of the rules)."""

    def __init__(self, before: PlanFacts, after: PlanFacts, sa: Mapping[str, Any], sb: Mapping[str, Any]) -> None:
        self.before, self.after = before, after
        self.wa = _weights(sa)
        self.wb = _weights(sb) if sb.get("weights") is not None else dict(self.wa)
        for c in self.wb:
            self.wa.setdefault(c, self.wb[c])
        ta, tb = dict(sa.get("targets") or {}), dict(sb.get("targets") or {})
        self.frame_a, self.frame_b = ta.get(FRAME), tb.get(FRAME, ta.get(FRAME))
        self.debt_a, self.debt_b = ta.get(DEBT), tb.get(DEBT, ta.get(DEBT))
        self.other_targets = sorted(k for k in set(ta) | set(tb) if k not in (FRAME, DEBT)
                                    and k in tb and ta.get(k) != tb.get(k))
        self.tax_a = _tax(sa)
        self.tax_b = _tax(sb) if "tax_change_ore" in sb or "tax_from_year" in sb else self.tax_a
        self.must_a = set(sa.get("must_do") or [])
        self.must_b = set(sb.get("must_do") or []) if "must_do" in sb else self.must_a
        self.balanced_a = bool(sa.get("balanced_budget"))
        self.balanced_b = bool(sb.get("balanced_budget")) if "balanced_budget" in sb else self.balanced_a
        self.settings_same = (self.wa == self.wb and self.frame_a == self.frame_b and self.debt_a == self.debt_b
                              and not self.other_targets and self.tax_a == self.tax_b and self.must_a == self.must_b
                              and self.balanced_a == self.balanced_b)

    def change(self, pid: str, kind: str, year_a: int | None, year_b: int | None) -> Change:
        up = kind == "in" or (kind == "moved" and (year_b or 0) < (year_a or 0))
        driver, because = self._because(pid, up, year_b if up else year_a, kind == "moved")
        name = self.after.names.get(pid) or self.before.names.get(pid) or pid
        return Change(pid, name, kind, year_a, year_b, because[:1].upper() + because[1:] + ".", driver)

    def _because(self, pid: str, up: bool, year: int | None, moved: bool) -> tuple[str, str]:
        if self.settings_same:
            return "same", "med samma inställningar hittade den färdiga beräkningen en plan med mer nytta"
        if up and pid in self.must_b - self.must_a:
            return "must_do", "projektet är nu markerat som måste genomföras"
        if not up and pid in self.must_a - self.must_b:
            return "must_do", "projektet är inte längre markerat som måste genomföras"
        shift, criterion = self._weight_shift(pid)
        if (up and shift > WEIGHT_SHIFT) or (not up and shift < -WEIGHT_SHIFT):
            label = CRITERION_LABELS.get(criterion, criterion).lower()
            if moved:
                return "weights", (f"högre vikt på {label} gör projektet mer angeläget" if up
                                   else f"lägre vikt på {label} gör att andra projekt går före")
            if up:
                return "weights", f"högre vikt på {label} gör att nyttan per krona räcker"
            return "weights", f"lägre vikt på {label} gör att nyttan per krona inte längre räcker"
        frame = self._frame_reason(pid, up, year)
        if frame:
            return "frame", frame
        debt = self._limit_reason(DEBT, self.debt_a, self.debt_b, up)
        if debt:
            return "debt", debt
        tax = self._tax_reason(up)
        if tax:
            return "tax", tax
        for key in self.other_targets:
            text = self._limit_reason(key, None, None, up, other=True)
            if text:
                return "targets", text
        if self.balanced_b != self.balanced_a:
            return "balance", self._balance_reason(up, moved)
        return "others", self._displacement(pid, up, moved)

    def _balance_reason(self, up: bool, moved: bool) -> str:
        """A change of the balance requirement (KL 11 kap. 5 § against 12 §) as the reason."""
        if self.balanced_b:
            if up:
                return f"det ryms när planen görs om för en budget i balans varje år ({BUDGET_BALANCE_LAW})"
            return (f"med budget i balans varje år ({BUDGET_BALANCE_LAW}) får inget år gå med underskott som "
                    "återställs senare, och projektet " + ("flyttas" if moved else "ryms inte längre"))
        if up:
            return "när ett år får gå med underskott som återställs inom tre år ryms projektet"
        return "när ett år får gå med underskott som återställs inom tre år går andra projekt före"

    def _build_years(self, facts: PlanFacts, pid: str) -> set[int]:
        start = facts.schedule.get(pid)
        if start is None:
            return set()
        return set(range(start, start + max(self.before.durations.get(pid, 1), self.after.durations.get(pid, 1))))

    def _displacement(self, pid: str, up: bool, moved: bool) -> str:
        """The projects that made room for ``pid`` (``up``) or took its room: those whose build left (or came
        into) the years ``pid`` is built in after (before) the change."""
        mine = self._build_years(self.after if up else self.before, pid)
        others = []
        for q in sorted(set(self.before.schedule) | set(self.after.schedule)):
            if q == pid:
                continue
            old, new = self._build_years(self.before, q), self._build_years(self.after, q)
            gone, come = (old - new) & mine, (new - old) & mine
            if (up and gone) or (not up and come):
                others.append(self.after.names.get(q) or self.before.names.get(q) or q)
        if not others:
            if up:
                return "det ryms när andra projekt byts ut eller flyttas med de nya inställningarna"
            return "andra projekt ger mer nytta för pengarna med de nya inställningarna"
        named = _and(others) if len(others) <= 2 else f"{', '.join(others[:2])} och {len(others) - 2} till"
        if up:
            return f"{'det får plats tidigare' if moved else 'det ryms'} när {named} inte längre byggs de åren"
        if moved:
            return f"{named} går före med de nya inställningarna"
        return f"får ge plats åt {named}, som ger mer nytta med de nya inställningarna"

    def _weight_shift(self, pid: str) -> tuple[float, str]:
        """The relative change of the project's share of the weighted score, and the criterion behind it."""
        s = (self.after.scores.get(pid) or self.before.scores.get(pid) or {})
        sum_a, sum_b = sum(self.wa.values()), sum(self.wb.values())
        if not s or sum_a <= 0 or sum_b <= 0:
            return 0.0, ""
        share_a = sum(self.wa.get(c, 0.0) * v for c, v in s.items()) / sum_a
        share_b = sum(self.wb.get(c, 0.0) * v for c, v in s.items()) / sum_b
        pull = {c: (self.wb.get(c, 0.0) / sum_b - self.wa.get(c, 0.0) / sum_a) * v for c, v in s.items()}
        if share_a <= 0:
            return (1.0, max(pull, key=lambda c: pull[c])) if share_b > 0 else (0.0, "")
        rel = share_b / share_a - 1.0
        pick = max(pull, key=lambda c: pull[c]) if rel > 0 else min(pull, key=lambda c: pull[c])
        return rel, pick

    def _frame_reason(self, pid: str, up: bool, year: int | None) -> str:
        a, b = self.frame_a, self.frame_b
        if a is None or b is None or a == b:
            if a is None and b is not None and not up:
                return f"det nya investeringstaket på {fmt_mkr(b)} per år (fasta priser) rymmer inte projektet"
            if a is not None and b is None and up:
                return "utan investeringstak ryms projektet"
            return ""
        if up and b > a:
            return f"när investeringsramen höjs till {fmt_mkr(b)} per år (fasta priser) ryms projektet {year}"
        if not up and b < a:
            full = self._full_frame_year(pid, year, b)
            return (f"ryms inte inom investeringsramen {full} när ramen sänks till {fmt_mkr(b)} per år "
                    "(fasta priser)")
        return ""

    def _full_frame_year(self, pid: str, year: int | None, frame: float) -> int | None:
        """The first year of the project's build (from ``year``) where the plan after uses the whole frame."""
        if year is None:
            return None
        years, invest = self.after.years, self.after.invest_by_year_kr
        by_year = dict(zip(years, invest, strict=False))
        for y in range(year, year + self.before.durations.get(pid, 1)):
            v = by_year.get(y)
            if v is not None and v >= frame - FRAME_SLACK_KR:
                return y
        return year

    def _limit_reason(self, key: str, a: Any, b: Any, up: bool, other: bool = False) -> str:
        kind = TARGET_TYPES.get(key)
        if kind is None:
            return ""
        if other:  # another target: its change is named, whichever way it went
            return f"{kind.words['sv']} har ändrats" if kind.words["sv"] else ""
        if a is None or b is None or a == b:
            return ""
        looser = (b > a) == (kind.sense.name == "MAX")
        limit = kind.limit_text(float(b))
        if key == DEBT:
            if up and looser:
                return f"det högre taket för låneskulden ({limit} per invånare) ger utrymme att låna till projektet"
            if not up and not looser:
                return f"det lägre taket för låneskulden ({limit} per invånare) räcker inte till projektet"
            return ""
        if up and looser:
            return f"{kind.words['sv']} är nu {limit} och ger utrymme"
        if not up and not looser:
            return f"{kind.words['sv']} är nu {limit} och ger mindre utrymme"
        return ""

    def _tax_reason(self, up: bool) -> str:
        (ore_a, from_a), (ore_b, from_b) = self.tax_a, self.tax_b
        if (ore_a, from_a) == (ore_b, from_b):
            return ""
        when = f" från {from_b}" if from_b is not None else ""
        if up and ore_b > ore_a:
            return f"skatten höjs med {fmt_number(ore_b, trim=True)} öre{when}, vilket ger utrymme inom målen för ekonomin"
        if not up and ore_b < ore_a:
            if ore_b < 0:
                return (f"skatten sänks med {fmt_number(-ore_b, trim=True)} öre{when}, vilket minskar utrymmet "
                        "inom målen för ekonomin")
            return "en mindre skattehöjning minskar utrymmet inom målen för ekonomin"
        return ""


#: Two sums of money are the same when they differ by less than this (kr, fixed prices: below a report's 0,1 Mkr).
SAME_KR = 5.0e4


def money_changes(before: PlanFacts, after: PlanFacts, settings_before: Mapping[str, Any],
                  settings_after: Mapping[str, Any]) -> list[str]:
    """What the change did to the money, in plain Swedish sentences (fixed prices): the frame, every investment
    per year against it, the projects' investment, the reinvestment of the first :data:`EARLY_YEARS` years and its
    share of the need, and the maintenance debt (its peak, its average over the plan and its last year) — before
    and after — and a change of the balance requirement (a budget in balance every year, or a deficit restored
    within three years). A lower frame that the plan meets by postponing renewal is said first, in so many words.

    Examples
    --------
    >>> a = PlanFacts(schedule={"P-1": 2027}, costs_kr={"P-1": 50e6}, years=[2026, 2027],
    ...               invest_by_year_kr=[80e6, 120e6], reinvest_by_year_kr=[80e6, 70e6], need_by_year_kr=[80e6, 70e6],
    ...               debt_by_year_kr=[0.0, 0.0], frame_kr=150e6)
    >>> b = PlanFacts(schedule={"P-1": 2027}, costs_kr=a.costs_kr, years=a.years, invest_by_year_kr=[60e6, 100e6],
    ...               reinvest_by_year_kr=[60e6, 50e6], need_by_year_kr=a.need_by_year_kr,
    ...               debt_by_year_kr=[20e6, 40e6], frame_kr=100e6)
    >>> for line in money_changes(a, b, {"targets": {FRAME: 150e6}}, {"targets": {FRAME: 100e6}}):
    ...     print(line.replace("\xa0", " "))
    Den lägre ramen klaras genom att renoveringar skjuts upp: underhållsskulden växer.
    Investeringsramen sänks från 150,0 Mkr till 100,0 Mkr per år.
    Alla investeringar, projekt och reinvesteringar, ryms inom ramen varje år: som mest 100,0 Mkr (2027).
    Projektens investeringar är desamma som förut, 50,0 Mkr.
    Reinvesteringarna 2026–2027 (renovering och utbyte av uttjänta byggnadsdelar) minskar från 150,0 Mkr till 110,0 Mkr, från 100,0 % till 73,3 % av behovet.
    Underhållsskulden (det som borde ha renoverats men skjutits upp) är som mest 40,0 Mkr (2027), förut 0,0 Mkr (2026); i genomsnitt 30,0 Mkr vid årets slut, förut 0,0 Mkr; 2027: 40,0 Mkr, förut 0,0 Mkr.
    """
    out: list[str] = []
    frame_a = before.frame_kr if before.frame_kr is not None else dict(settings_before.get("targets") or {}).get(FRAME)
    frame_b = after.frame_kr if after.frame_kr is not None else dict(settings_after.get("targets") or {}).get(FRAME)
    projects_a, projects_b = before.project_investment_kr, after.project_investment_kr
    renew_a, renew_b = before.early_reinvestment_kr, after.early_reinvestment_kr
    mean_a, mean_b = before.debt_mean_kr, after.debt_mean_kr
    peak_a, peak_b = before.debt_peak, after.debt_peak
    debt_up = (mean_a is not None and mean_b is not None and mean_b > mean_a + SAME_KR) or (
        peak_a is not None and peak_b is not None and peak_b[0] > peak_a[0] + SAME_KR)
    cut = frame_a is not None and frame_b is not None and frame_b < frame_a - SAME_KR
    if cut and renew_b < renew_a - SAME_KR and debt_up:
        out.append("Den lägre ramen klaras genom att renoveringar skjuts upp: underhållsskulden växer.")
    balanced_a, balanced_b = bool(settings_before.get("balanced_budget")), bool(settings_after.get("balanced_budget"))
    if balanced_b and not balanced_a:
        out.append(f"Budgeten ska nu vara i balans varje år ({BUDGET_BALANCE_LAW}): inget år går med underskott.")
    elif balanced_a and not balanced_b:
        out.append("Ett år får nu gå med underskott om det återställs inom tre år (kommunallagen 11 kap. 12 §).")
    if frame_a != frame_b:
        if frame_b is None:
            out.append("Investeringsramen tas bort.")
        elif frame_a is None:
            out.append(f"En investeringsram på {fmt_mkr(frame_b)} per år införs.")
        else:
            word = "sänks" if frame_b < frame_a else "höjs"
            out.append(f"Investeringsramen {word} från {fmt_mkr(frame_a)} till {fmt_mkr(frame_b)} per år.")
    rows = [r for r in after.years_table() if r["total_kr"] == r["total_kr"]]
    if frame_b is not None and rows:
        top = max(rows, key=lambda r: r["total_kr"])
        over = [str(r["year"]) for r in rows if r["total_kr"] > frame_b + FRAME_SLACK_KR]
        if over:
            out.append(f"Investeringarna går över ramen år {_and(over)}: planen bryter ett mål.")
        else:
            out.append("Alla investeringar, projekt och reinvesteringar, ryms inom ramen varje år: som mest "
                       f"{fmt_mkr(top['total_kr'])} ({top['year']}).")
    if abs(projects_b - projects_a) < SAME_KR:
        out.append(f"Projektens investeringar är desamma som förut, {fmt_mkr(projects_b)}.")
    else:
        word = "minskar" if projects_b < projects_a else "ökar"
        out.append(f"Projektens investeringar {word} från {fmt_mkr(projects_a)} till {fmt_mkr(projects_b)}.")
    early = after.early_years
    if (before.reinvest_by_year_kr or after.reinvest_by_year_kr) and early:
        what = f"Reinvesteringarna {early[0]}–{early[-1]} (renovering och utbyte av uttjänta byggnadsdelar)"
        share_a, share_b = before.reinvestment_share(EARLY_YEARS), after.reinvestment_share(EARLY_YEARS)
        if abs(renew_b - renew_a) < SAME_KR:
            tail = "" if share_b is None else f", {fmt_pct(share_b)} av behovet"
            out.append(f"{what} är desamma som förut, {fmt_mkr(renew_b)}{tail}.")
        else:
            word = "minskar" if renew_b < renew_a else "ökar"
            shares = ("" if share_a is None or share_b is None
                      else f", från {fmt_pct(share_a)} till {fmt_pct(share_b)} av behovet")
            out.append(f"{what} {word} från {fmt_mkr(renew_a)} till {fmt_mkr(renew_b)}{shares}.")
    if peak_a is not None and peak_b is not None and mean_a is not None and mean_b is not None:
        end_a, end_b = before.debt_by_year_kr[-1], after.debt_by_year_kr[-1]
        what = "Underhållsskulden (det som borde ha renoverats men skjutits upp)"
        if max(abs(peak_b[0] - peak_a[0]), abs(mean_b - mean_a), abs(end_b - end_a)) < SAME_KR:
            out.append(f"{what} är densamma som förut: som mest {fmt_mkr(peak_b[0])} ({peak_b[1]}).")
        else:
            out.append(f"{what} är som mest {fmt_mkr(peak_b[0])} ({peak_b[1]}), förut {fmt_mkr(peak_a[0])} "
                       f"({peak_a[1]}); i genomsnitt {fmt_mkr(mean_b)} vid årets slut, förut {fmt_mkr(mean_a)}; "
                       f"{after.years[-1]}: {fmt_mkr(end_b)}, förut {fmt_mkr(end_a)}.")
    return out


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def _weights(settings: Mapping[str, Any]) -> dict[str, float]:
    return {str(c): float(w) for c, w in (settings.get("weights") or {}).items()}


def _tax(settings: Mapping[str, Any]) -> tuple[float, int | None]:
    year = settings.get("tax_from_year")
    return float(settings.get("tax_change_ore") or 0.0), None if year is None else int(year)


def changes_summary(changes: list[Change]) -> str:
    """The changes counted in one sentence.

    >>> changes_summary([])
    'Samma projekt som förra planen.'
    """
    if not changes:
        return "Samma projekt som förra planen."
    n = {k: sum(c.kind == k for c in changes) for k in ("in", "out", "moved")}
    parts = [f"{n['in']} kommer med" if n["in"] else "", f"{n['out']} faller bort" if n["out"] else "",
             f"{n['moved']} flyttas" if n["moved"] else ""]
    text = ", ".join(p for p in parts if p)
    return text[:1].upper() + text[1:] + " jämfört med förra planen."


__all__ = ["EARLY_YEARS", "FRAME_SLACK_KR", "SAME_KR", "WEIGHT_SHIFT", "Change", "PlanFacts", "changes_summary", "money_changes",
           "money_lines", "plan_changes", "yearly_frame_kr"]
