"""Page Prioritera: the plan made again, at once, for the settings a politician chooses.

A change of a control gives settings (:mod:`hushall.study.settings`); the plan for them is made twice:

1. a **quick plan** (:data:`QUICK_TIME_LIMIT_S`): the optimiser's LP relaxation, greedy rounding and local search
   (:mod:`hushall.optimize.warmstart`) and a short HiGHS run, stopped at the time limit or once proven within
   :data:`QUICK_MIP_GAP` — the page shows it with
   its distance from the best possible plan (the optimiser's bound). Quick plans are made by one interactive
   session per data version (:class:`hushall.optimize.interactive.Reoptimiser`): after a changed weight or frame
   it keeps the problem, the LP basis and the last plan's renewal;
2. the **finished plan** behind it, with the same limits as the plan variants and ``hushall optimize``
   (:class:`hushall.web.config.SolverLimits`: the same settings give the same plan as
   ``hushall optimize --installningar``), in a background thread; the page polls until it is there.

Both are plan studies (:func:`hushall.study.run_study`) of the same data; the page reads their
:class:`~hushall.study.changes.PlanFacts` and the changes against the plan shown before
(:func:`hushall.study.changes.plan_changes`).

Concurrency is bounded: one entry per (data version, settings) — a second reader asking for the same settings
waits for the same solve, and finished plans are cached (:data:`MAX_ENTRIES`, least recently used out); quick plans
run at most :data:`QUICK_WORKERS` at a time and finished ones :data:`FULL_WORKERS`, each in its own thread pool;
at most :data:`MAX_WAITING` quick plans wait (more: :class:`Busy`, said in Swedish), and of the finished plans
waiting to start only the newest :data:`MAX_WAITING_FULL` are kept (the others start again when asked for). The
routes await the solves (``asyncio.wrap_future``): the event loop never blocks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hushall.errors import HushallError
from hushall.model import MunicipalityData
from hushall.study.changes import EARLY_YEARS, FRAME_SLACK_KR, PlanFacts
from hushall.study.request import DEFAULT_DRAWS, PlanRequest
from hushall.study.settings import apply_settings, balanskrav_of, settings_key
from hushall.web.config import SolverLimits

if TYPE_CHECKING:
    from hushall.optimize.interactive import Reoptimiser

#: Seconds of the quick plan's solve (LP, warm start, local search, HiGHS); with the study around it the page is
#: updated within about 3 s on the example.
QUICK_TIME_LIMIT_S = 1.0
#: The quick plan stops at this gap at the latest (or the finished plan's, when larger): issue 14's "a plan within
#: 1 %" — on the example the quick plan after a changed weight or frame is proven within it in ≈ 0.4 s, not 1 s.
QUICK_MIP_GAP = 0.01
#: Monte Carlo futures of the quick plan's risk (the finished plan has :data:`hushall.study.DEFAULT_DRAWS`).
QUICK_DRAWS = 300
QUICK_WORKERS = 1
FULL_WORKERS = 1
MAX_WAITING = 8
MAX_WAITING_FULL = 2
MAX_ENTRIES = 64


log = logging.getLogger(__name__)

#: What the page says when a plan could not be made for another reason than the data (the fault is logged).
FAILED = "Planen kunde inte räknas fram. Felet är loggat; ändra ett värde och försök igen."


class Busy(HushallError):
    """Too many plans are being made at once."""

    code = "E_BUSY"


@dataclass
class PlanRun:
    """One plan made for one entry: ``kind`` ``"quick"`` or ``"full"``, its facts and how long it took (s)."""

    kind: str
    facts: PlanFacts
    seconds: float


@dataclass
class Entry:
    """The plans of one data version under one set of settings."""

    key: str
    version_id: int
    settings: dict[str, Any]
    data: MunicipalityData
    quick: PlanRun | None = None
    full: PlanRun | None = None
    error: str | None = None
    start: dict[str, int] | None = None
    quick_future: Future[Entry] | None = field(default=None, repr=False)
    full_future: Future[Entry] | None = field(default=None, repr=False)

    @property
    def shown(self) -> PlanRun | None:
        """The best plan there is: the finished one, else the quick one."""
        return self.full or self.quick

    @property
    def done(self) -> bool:
        return self.full is not None or self.error is not None


def entry_key(version_id: int, settings: dict[str, Any]) -> str:
    return f"{version_id}-{settings_key(settings)}"


def study_facts(data: MunicipalityData, *, time_limit_s: float, mip_gap: float, draws: int = DEFAULT_DRAWS,
                start: dict[str, int] | None = None, session: Reoptimiser | None = None,
                balanskrav: str = "restore") -> PlanFacts:
    """The plan of ``data`` optimised within the limits (no explanations: the page gives its own reasons; the
    search starts from ``start`` when given; ``session``: re-optimised by it, :meth:`Reoptimiser.reoptimise`,
    made with the same ``balanskrav``), its study (forecast, needs, Monte Carlo risk over ``draws`` futures,
    verdict) and the facts the page shows. ``balanskrav``: ``"balanced"`` for a budget in balance every year
    (:func:`hushall.study.settings.balanskrav_of`)."""
    from hushall.optimize import optimize
    from hushall.study import run_study

    if session is not None:
        result = session.reoptimise(data, time_limit=time_limit_s, mip_gap=mip_gap, start=start)
    else:
        result = optimize(data, time_limit=time_limit_s, mip_gap=mip_gap, explain=False, ranking=False, start=start,
                          balanskrav=balanskrav)
    request = PlanRequest(source="optimised", draws=draws, time_limit_s=time_limit_s, mip_gap=mip_gap,
                          explain_s=0.0, ranking=False)
    study = run_study(data, request, optimization=result)
    return PlanFacts.from_study(study, data)


class Prioritizer:
    """The plans of page Prioritera, made and kept per (data version, settings); see the module docstring."""

    def __init__(self, limits: SolverLimits, quick_s: float = QUICK_TIME_LIMIT_S, *, quick_workers: int = QUICK_WORKERS,
                 full_workers: int = FULL_WORKERS, max_waiting: int = MAX_WAITING,
                 max_waiting_full: int = MAX_WAITING_FULL, max_entries: int = MAX_ENTRIES) -> None:
        self.limits = limits
        self.quick_s = quick_s
        self.max_waiting = max_waiting
        self.max_waiting_full = max_waiting_full
        self.max_entries = max_entries
        self._quick_pool = ThreadPoolExecutor(quick_workers, thread_name_prefix="prio-quick")
        self._full_pool = ThreadPoolExecutor(full_workers, thread_name_prefix="prio-full")
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._waiting_full: list[Entry] = []
        #: how many solves were started, by kind, and how many quick plans kept the session's problem (only a weight
        #: or frame changed; for the tests and the measurements)
        self.solves = {"quick": 0, "full": 0, "quick_kept_problem": 0}
        #: the quick plans' interactive session, of one data version at a time (used by one quick plan at a time)
        self._session: tuple[tuple[int, str], Reoptimiser] | None = None
        self._session_lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def request(self, version_id: int, base: MunicipalityData, settings: dict[str, Any],
                start: dict[str, int] | None = None) -> Future[Entry]:
        """A future of the entry of these settings with a plan to show (at once when one is made already); its
        quick plan starts from ``start`` (the plan shown before) when it is made now.

        Raises
        ------
        Busy
            When :data:`MAX_WAITING` quick plans already wait.
        """
        key = entry_key(version_id, settings)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = Entry(key, version_id, settings, base, start=start)
                self._entries[key] = entry
                self._trim(key)
            self._entries.move_to_end(key)
            if entry.shown is not None or entry.error is not None:
                self._ensure_full(entry)
                done: Future[Entry] = Future()
                done.set_result(entry)
                return done
            if entry.quick_future is None:
                waiting = sum(1 for e in self._entries.values()
                              if e.quick_future is not None and not e.quick_future.done())
                if waiting >= self.max_waiting:
                    raise Busy("Många planer räknas fram just nu. Vänta en stund och ändra sedan igen.")
                entry.quick_future = self._quick_pool.submit(self._run_quick, entry)
            return entry.quick_future

    def refresh(self, entry: Entry) -> None:
        """Make sure the finished plan of ``entry`` is made or on its way (a poll of the page asks for it)."""
        with self._lock:
            self._ensure_full(entry)

    def _trim(self, keep: str) -> None:
        """Forget the least recently used entries beyond :data:`MAX_ENTRIES` (lock held); never ``keep`` nor an
        entry whose plan is being made."""
        for key in list(self._entries):
            if len(self._entries) <= self.max_entries:
                return
            old = self._entries[key]
            if key != keep and not any(f is not None and not f.done() for f in (old.quick_future, old.full_future)):
                del self._entries[key]

    def _run_quick(self, entry: Entry) -> Entry:
        t0 = time.perf_counter()
        try:
            data = apply_settings(entry.data, entry.settings)
            entry.data = data
            with self._lock:
                self.solves["quick"] += 1
            # the session of this data version, unless another quick plan uses it now (then a plain solve)
            balanskrav = balanskrav_of(entry.settings)
            with_session = self._session_lock.acquire(blocking=False)
            try:
                session = self._session_of(entry.version_id, data, balanskrav) if with_session else None
                facts = study_facts(data, time_limit_s=self.quick_s, mip_gap=max(self.limits.mip_gap, QUICK_MIP_GAP),
                                    draws=QUICK_DRAWS, start=entry.start, session=session, balanskrav=balanskrav)
                if session is not None and not session.rebuilt:
                    with self._lock:
                        self.solves["quick_kept_problem"] += 1
            finally:
                if with_session:
                    self._session_lock.release()
            entry.quick = PlanRun("quick", facts, time.perf_counter() - t0)
        except HushallError as exc:
            entry.error = str(exc)
        except Exception:  # a fault, not a data problem: logged, and said in Swedish on the page
            log.exception("quick plan of %s failed", entry.key)
            entry.error = FAILED
        with self._lock:
            self._ensure_full(entry)
        return entry

    def _session_of(self, version_id: int, data: MunicipalityData, balanskrav: str = "restore") -> Reoptimiser:
        """The interactive session of ``version_id`` and ``balanskrav`` (a new one for another version or another
        balance requirement, whose rows differ; session lock held)."""
        from hushall.optimize.interactive import Reoptimiser

        key = (version_id, balanskrav)
        if self._session is None or self._session[0] != key:
            self._session = (key, Reoptimiser(data, balanskrav=balanskrav))
        return self._session[1]

    def _ensure_full(self, entry: Entry) -> None:
        """Queue the finished plan of ``entry`` (lock held); only the newest few wait, the rest are dropped."""
        if entry.done or entry.quick is None:
            return
        if entry.full_future is not None and not entry.full_future.cancelled():
            return
        entry.full_future = self._full_pool.submit(self._run_full, entry)
        self._waiting_full.append(entry)
        self._waiting_full = [e for e in self._waiting_full
                              if e.full_future is not None and not e.full_future.done()
                              and not e.full_future.running()]
        while len(self._waiting_full) > self.max_waiting_full:
            old = self._waiting_full.pop(0)
            if old.full_future is not None and old.full_future.cancel():
                old.full_future = None

    def _run_full(self, entry: Entry) -> Entry:
        t0 = time.perf_counter()
        with self._lock:
            self.solves["full"] += 1
        try:
            facts = study_facts(entry.data, time_limit_s=self.limits.time_limit_s, mip_gap=self.limits.mip_gap,
                                balanskrav=balanskrav_of(entry.settings))
            entry.full = PlanRun("full", facts, time.perf_counter() - t0)
        except HushallError as exc:
            entry.error = str(exc)
        except Exception:
            log.exception("finished plan of %s failed", entry.key)
            entry.error = FAILED
        return entry

    def shutdown(self) -> None:
        self._quick_pool.shutdown(wait=False, cancel_futures=True)
        self._full_pool.shutdown(wait=False, cancel_futures=True)


def prioritizer_of(app: Any) -> Prioritizer:
    """The app's :class:`Prioritizer`, made on first use with the app's solver limits."""
    found = getattr(app.state, "prioritizer", None)
    if found is None:
        with _MAKE_LOCK:
            found = getattr(app.state, "prioritizer", None)
            if found is None:
                found = Prioritizer(app.state.hushall.settings.solver)
                app.state.prioritizer = found
    return found


_MAKE_LOCK = threading.Lock()

__all__ = ["QUICK_TIME_LIMIT_S", "Busy", "Entry", "PlanRun", "Prioritizer", "entry_key", "prioritizer_of",
           "study_facts"]


# --- the page's controls and view --------------------------------------------------------------------------------

#: The form's fields besides one ``weight__<criterion>`` per criterion.
FRAME_FIELD, DEBT_FIELD, TAX_FIELD, TAX_YEAR_FIELD = "frame_mkr", "debt_kr", "tax_ore", "tax_from_year"
#: The balanced-budget box, and the hidden field that says the box was on the form (an unticked box sends nothing).
BALANCE_FIELD, BALANCE_SHOWN_FIELD = "balanced_budget", "balanced_budget_shown"


def settings_from_form(form: Any, start: dict[str, Any], data: MunicipalityData) -> dict[str, Any]:
    """The settings of the page's controls on top of ``start`` (the officials' or a variant's settings).

    Raises
    ------
    hushall.errors.PlanError
        A Swedish message naming the control and the value.
    """
    from hushall.data.schema import CRITERIA
    from hushall.study.changes import DEBT, FRAME
    from hushall.study.settings import clean_settings, parse_number

    raw: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in start.items()}
    raw["targets"] = dict(start.get("targets") or {})
    raw["weights"] = dict(start.get("weights") or {})
    for c in CRITERIA:
        value = form.get(f"weight__{c}")
        if value is not None:
            raw["weights"][c] = value
    frame = form.get(FRAME_FIELD)
    if frame is not None:
        raw["targets"][FRAME] = None if str(frame).strip() == "" else (
            1e6 * parse_number(frame, "Investeringsram (Mkr per år)"))
    debt = form.get(DEBT_FIELD)
    if debt is not None:
        raw["targets"][DEBT] = None if str(debt).strip() == "" else parse_number(debt, "Låneskuld per invånare")
    for field_name, key in ((TAX_FIELD, "tax_change_ore"), (TAX_YEAR_FIELD, "tax_from_year")):
        value = form.get(field_name)
        if value is not None:
            raw[key] = value
    if form.get(BALANCE_SHOWN_FIELD) is not None:
        raw["balanced_budget"] = form.get(BALANCE_FIELD) == "on"
    return clean_settings(raw, data)


def controls(settings: dict[str, Any], data: MunicipalityData) -> dict[str, Any]:
    """The controls' values as the form shows them (Swedish numbers, Mkr)."""
    from hushall.data.schema import CRITERIA, CRITERION_LABELS
    from hushall.formatting import fmt_number
    from hushall.study.changes import DEBT, FRAME

    def shown(x: float | None, decimals: int) -> str:
        return "" if x is None else fmt_number(x, decimals, trim=True).replace("\u00a0", " ")

    targets = settings.get("targets") or {}
    frame = targets.get(FRAME)
    return {
        "weights": [(c, CRITERION_LABELS.get(c, c), shown(float(settings["weights"].get(c, 0.0)), 2))
                    for c in CRITERIA],
        "frame_mkr": shown(None if frame is None else frame / 1e6, 1),
        "debt_kr": shown(targets.get(DEBT), 0),
        "tax_ore": shown(float(settings.get("tax_change_ore") or 0.0), 1),
        "tax_from_year": settings.get("tax_from_year") or int(data.first_year),
        "balanced_budget": bool(settings.get("balanced_budget")),
        "years": [int(y) for y in data.years],
        "price_base_year": int(data.price_base_year),
    }


def result_view(entry: Entry, previous: Entry | None, base: MunicipalityData) -> dict[str, Any]:
    """What the page shows of an entry: the plan (finished or quick), its figures, verdict and the changes against
    the plan shown before (``previous``; none when it is the same entry or unknown)."""
    from hushall.formatting import fmt_pct
    from hushall.reports.plan_reasons import target_names
    from hushall.reports.verdict import verdict_lines
    from hushall.study.changes import changes_summary, money_changes, plan_changes

    run = entry.shown
    out: dict[str, Any] = {"key": entry.key, "error": entry.error, "done": entry.done, "run": run,
                           "price_base_year": int(base.price_base_year)}
    if run is None:
        return out
    facts = run.facts
    head = "Färdig plan" if run.kind == "full" else "Snabb plan"
    out["label"] = head if facts.gap is None else f"{head}, inom {fmt_pct(facts.gap, 1)} av bästa möjliga"
    out["verdict"] = verdict_lines(facts.verdict, target_names(entry.data, with_ids=False)) if facts.verdict else None
    out["projects"] = sorted(({"project_id": p, "name": facts.names.get(p, p), "start_year": y,
                               "cost_kr": facts.costs_kr.get(p, 0.0)} for p, y in facts.schedule.items()),
                             key=lambda r: (r["start_year"], r["project_id"]))
    shown_before = (previous.shown.facts if previous is not None and previous.key != entry.key
                    and previous.shown is not None else None)
    out["years"] = investment_bars(facts, shown_before)
    if previous is not None and previous.key != entry.key and previous.shown is not None:
        changes = plan_changes(previous.shown.facts, facts, previous.settings, entry.settings)
        out["money"] = money_changes(previous.shown.facts, facts, previous.settings, entry.settings)
        out["changes"] = [c.to_json() for c in changes]
        out["changes_summary"] = changes_summary(changes)
        out["previous"] = previous.shown.facts
        out["previous_key"] = previous.key
    return out


#: The bars' drawing area (SVG user units: the page scales it to its width; inline SVG, as the page's
#: content security policy allows no inline styles).
BARS_WIDTH, BARS_HEIGHT, DEBT_HEIGHT = 720.0, 150.0, 90.0


def investment_bars(facts: PlanFacts, previous: PlanFacts | None = None) -> dict[str, Any]:
    """Every investment per plan year against the frame, and the maintenance debt per year against the previous
    plan's, as the page draws them (SVG rectangles: no chart to render on each change). Per year the figures in kr
    and the rectangles' ``x``, ``y`` and height; the frame's ``y``; the reinvestment's share of the need over the
    first :data:`~hushall.study.changes.EARLY_YEARS` years."""
    rows = facts.years_table()
    n = max(len(rows), 1)
    step = BARS_WIDTH / n
    totals = [r["total_kr"] for r in rows if r["total_kr"] == r["total_kr"]]
    top = max([*totals, facts.frame_kr or 0.0, 1.0])

    def height(x: float, scale: float, full: float) -> float:
        return round(full * max(x, 0.0) / scale, 2) if x == x else 0.0

    bars = []
    for i, r in enumerate(rows):
        reinvest = r["reinvestment_kr"] if r["reinvestment_kr"] == r["reinvestment_kr"] else 0.0
        h_r, h_p = height(reinvest, top, BARS_HEIGHT), height(r["projects_kr"], top, BARS_HEIGHT)
        bars.append({**r, "x": round(i * step, 2), "reinvestment_y": round(BARS_HEIGHT - h_r, 2),
                     "reinvestment_h": h_r, "projects_y": round(BARS_HEIGHT - h_r - h_p, 2), "projects_h": h_p,
                     "over": facts.frame_kr is not None and r["total_kr"] > facts.frame_kr + FRAME_SLACK_KR})
    now = [float(x) for x in facts.debt_by_year_kr]
    before = [float(x) for x in previous.debt_by_year_kr] if previous is not None else []
    debt_top = max([*(x for x in now + before if x == x), 1.0])
    debt = []
    for i, y in enumerate(facts.years):
        d = now[i] if i < len(now) else float("nan")
        h = height(d, debt_top, DEBT_HEIGHT)
        debt.append({"year": int(y), "debt_kr": d, "x": round(i * step, 2), "y": round(DEBT_HEIGHT - h, 2), "h": h,
                     "before_y": round(DEBT_HEIGHT - height(before[i], debt_top, DEBT_HEIGHT), 2)
                     if i < len(before) else None})
    return {"bars": bars, "debt": debt, "frame_kr": facts.frame_kr,
            "frame_y": None if facts.frame_kr is None else round(BARS_HEIGHT - height(facts.frame_kr, top,
                                                                                           BARS_HEIGHT), 2),
            "geometry": {"width": BARS_WIDTH, "height": BARS_HEIGHT, "debt_height": DEBT_HEIGHT,
                         "bar_width": round(max(step - 2.0, 1.0), 2)},
            "reinvestment_share": facts.reinvestment_share(EARLY_YEARS), "early_years": facts.early_years}
