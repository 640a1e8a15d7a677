"""A feasible starting plan from the LP relaxation, rounded greedily.

Projects are taken in the order of their LP weight (must-do first, then the LP's whole projects, then its
fractional ones, then the rest by value per krona) at the start year the LP prefers, and each is kept only if
the plan still keeps every relation (dependencies, alternatives), ceiling (investment volume, parallel projects)
and financial target in every year — or, when the targets cannot all be met, does not make any of them worse.

Candidates are checked in batches: the plan with the first ``k`` candidates of a batch added is evaluated for
every ``k`` at once (cumulative sums; the financial recursion replayed for all prefixes together), and the
batch is accepted up to its first failing candidate. A failure costs one batch, so the work is bounded by the
number of rejections rather than the number of projects.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hushall.optimize.model import BuiltModel, started_by_terms
from hushall.optimize.problem import EFFECTS, CapacityBlock, OptimizationProblem
from hushall.optimize.renewal_decisions import has_renewal_decisions
from hushall.optimize.renewal_policy import PolicyRenewal, policy_renewal

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

TOL_KR = 1.0
#: Tolerance on a count of projects in parallel (a whole project is never within tolerance).
TOL_COUNT = 1e-6


def dense_rows(m: sp.csr_matrix, rows: IntArray) -> FloatArray:
    """Dense copies of some rows of a CSR matrix, in one gather (no sparse object per row)."""
    starts, ends = m.indptr[rows], m.indptr[rows + 1]
    counts = ends - starts
    out = np.zeros((len(rows), m.shape[1]))
    if counts.sum():
        pos = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        out[np.repeat(np.arange(len(rows)), counts), m.indices[pos]] = m.data[pos]
    return out


class _Plan:
    """The plan being built and its yearly totals.

    ``renewal``: the data's reinvestment policy as a fixed renewal under every plan
    (:mod:`hushall.optimize.renewal_policy`) — with renewal decisions the projects' own effects carry no
    reinvestment, and a replay of them alone sees the whole frame as room. With it every total is
    ``E^0_t + Σ_j x_j (e_{j,t} + ΔE_{j,t})``: the policy's money without projects plus each column's effects and
    its change of the policy's renewal (a closure lets its pools' renewal go), exactly what the write-back values
    with the same renewal. Without it (``None``) the totals are the columns' effects alone.
    """

    def __init__(self, bm: BuiltModel, renewal: PolicyRenewal | None = None) -> None:
        p = bm.problem
        self.problem = p
        self.t_count = p.n_years
        self.chosen = np.full(p.n_projects, -1, dtype=np.int64)
        self.group_taken = np.zeros(int(p.exclusive_group.max(initial=-1)) + 1, dtype=bool)
        self.renewal = renewal
        #: the aggregates the financial replay takes
        self.fin_names: tuple[str, ...] = (*EFFECTS, "renewal_real") if renewal is not None else EFFECTS
        self.names = (*self.fin_names, "parallel")
        mats = [self._effect(name) for name in self.fin_names] + [p.active().tocsr()]
        # all yearly quantities side by side: one row extraction per check
        self.stacked = sp.csr_matrix(sp.hstack(mats, format="csr"))
        self.totals = {k: np.zeros(self.t_count) for k in self.names}
        if renewal is not None:
            for name, base in renewal.base.items():
                self.totals[name] = np.asarray(base, dtype=float).copy()
        # tolerance of each ceiling row: 1 kr on an investment ceiling, none (1e-6) on a count of projects
        self.ceiling_tol = np.concatenate([np.zeros(0)] + [
            np.full(self.t_count, TOL_KR if c.target_type == "investeringstak_kr" else TOL_COUNT)
            for c in p.ceilings])
        self.finance = p.finance
        self.fin_viol = self._violations({k: v[None, :] for k, v in self.totals.items()})[0]
        self.ceiling_viol = self._ceiling_excess({k: v[None, :] for k, v in self.totals.items()})[0]
        self._prefix: tuple[IntArray, np.ndarray, np.ndarray, np.ndarray | None] | None = None
        self._alone: tuple[IntArray, np.ndarray, np.ndarray, np.ndarray | None] | None = None

    def _effect(self, name: str) -> sp.csr_matrix:
        """Each column's yearly ``name`` (``(columns, T)``), its change of the fixed renewal included."""
        p = self.problem
        own = sp.csr_matrix(p.effect(name)) if name in EFFECTS else sp.csr_matrix((p.n_columns, self.t_count))
        if self.renewal is not None and name in self.renewal.column:
            return sp.csr_matrix(own + self.renewal.column[name])
        return own

    def _ceiling_excess(self, totals: dict[str, np.ndarray]) -> np.ndarray:
        """Per plan in the batch, how far every ceiling-year is exceeded, shaped ``(B, rows)``."""
        p = self.problem
        batch = next(iter(totals.values())).shape[0]
        out = [np.zeros((batch, 0))]
        for c in p.ceilings:
            act = c.active(self.t_count)
            limit = np.where(act, np.asarray(c.limit, dtype=float), np.inf)
            if c.target_type == "investeringstak_kr":
                n = max(int(c.window), 1)
                cs = np.cumsum(totals["invest_real"], axis=1)
                roll = cs.copy()
                if n < self.t_count:
                    roll[:, n:] -= cs[:, :-n]
                count = np.minimum(np.arange(1, self.t_count + 1), n)
                out.append(np.maximum(roll + c.base_window_sum(self.t_count) - limit * count, 0.0))
            else:
                out.append(np.maximum(totals["parallel"] - limit, 0.0))
        return np.concatenate(out, axis=1)

    def _violations(self, eff: dict[str, np.ndarray]) -> np.ndarray:
        """Per plan in the batch, the shortfall of every financial target-year, shaped ``(B, rows)``."""
        batch = next(iter(eff.values())).shape[0]
        if self.finance is None or not self.finance.targets:
            return np.zeros((batch, 0))
        path = self.finance.replay(eff)
        viol = self.finance.violations(path, eff)
        return np.concatenate([v for _, v in viol], axis=1)

    def completion(self, project: int) -> int:
        j = self.chosen[project]
        p = self.problem
        return int(p.col_start[j] + p.duration[p.col_project[j]]) if j >= 0 else -1

    def fits(self, cols: IntArray) -> int:
        """Number of leading candidates of ``cols`` that can all be added (prefix feasibility)."""
        return self.fits_each(cols)[0]

    def fits_each(self, cols: IntArray, alone: IntArray | None = None) -> tuple[int, NDArray[np.bool_]]:
        """Prefix feasibility (as :meth:`fits`) and, in the same batched replay, whether each candidate of
        ``alone`` (default ``cols``) alone could be added to the plan as it is: the plans ``plan + c_0 + … +
        c_i`` and ``plan + a_i`` are checked together, so a run of candidates that fail on their own costs one
        replay, not one each."""
        k = len(cols)
        if k == 0:
            return 0, np.zeros(0, dtype=bool)
        rows = self.rows(cols)
        single = rows if alone is None else self.rows(alone)
        both = np.concatenate([np.cumsum(rows, axis=0), single], axis=0)
        ok, ceil, viol = self.within(both)
        # the prefixes' and the single candidates' totals and excesses, for :meth:`add` of a prefix or of one
        # candidate alone (no second replay)
        self._prefix = (np.asarray(cols, dtype=np.int64).copy(), both[:k], ceil[:k], None if viol is None else viol[:k])
        self._alone = (np.asarray(cols if alone is None else alone, dtype=np.int64).copy(), both[k:], ceil[k:],
                       None if viol is None else viol[k:])
        bad = np.flatnonzero(~ok[:k])
        return (int(bad[0]) if bad.size else k), ok[k:]

    def within(self, delta: np.ndarray, ceiling_bar: FloatArray | None = None, target_bar: FloatArray | None = None
               ) -> tuple[NDArray[np.bool_], np.ndarray, np.ndarray | None]:
        """The plans ``plan + delta_b`` (rows of the stacked yearly quantities, :meth:`rows`) in one batched
        replay: whether each breaks no ceiling-year and no target-year more than the bars (default: the plan's
        own excesses; 1 kr of tolerance on money, none on a count of projects), and their ceiling excesses and
        target shortfalls (``None`` without financial targets)."""
        t_n = self.t_count
        plans = {name: self.totals[name][None, :] + delta[:, i * t_n:(i + 1) * t_n]
                 for i, name in enumerate(self.names)}
        ceil = self._ceiling_excess(plans)
        bar = self.ceiling_viol if ceiling_bar is None else ceiling_bar
        ok = (ceil <= bar[None, :] + self.ceiling_tol[None, :]).all(axis=1)
        viol = None
        if self.finance is not None and self.finance.targets:
            viol = self._violations({g: plans[g] for g in self.fin_names})
            bar = self.fin_viol if target_bar is None else target_bar
            ok &= (viol <= bar[None, :] + TOL_KR).all(axis=1)
        return np.asarray(ok), ceil, viol

    def rows(self, cols: IntArray) -> np.ndarray:
        """Dense rows of the stacked yearly quantities for the given columns (fast CSR gather)."""
        return dense_rows(self.stacked, np.asarray(cols, dtype=np.int64))

    def _mark_chosen(self, cols: IntArray) -> None:
        p = self.problem
        for j in cols:
            proj = p.col_project[j]
            self.chosen[proj] = j
            g = p.exclusive_group[proj]
            if g >= 0:
                self.group_taken[g] = True

    def add(self, cols: IntArray, force: bool = False) -> None:
        # summed in the order of fits_each's prefix sums, so that a checked prefix's totals match bit for bit
        total = np.cumsum(self.rows(cols), axis=0)[-1] if len(cols) else np.zeros(self.stacked.shape[1])
        n = len(cols)
        known = getattr(self, "_prefix", None)
        single = getattr(self, "_alone", None)
        self._prefix = self._alone = None
        # the prefix, or one candidate alone, just checked by fits_each (the same totals, bit for bit): its
        # excesses come from that replay
        at = -1
        if not force and known is not None and 0 < n <= len(known[0]) and np.array_equal(
                np.asarray(cols), known[0][:n]) and np.array_equal(total, known[1][n - 1]):
            at = n - 1
        elif not force and n == 1 and single is not None:
            hit = np.flatnonzero(single[0] == int(cols[0]))
            if hit.size and np.array_equal(total, single[1][hit[0]]):
                known, at = single, int(hit[0])
        t_n = self.t_count
        for i, name in enumerate(self.names):
            self.totals[name] += total[i * t_n:(i + 1) * t_n]
        self._mark_chosen(cols)
        if at >= 0:
            assert known is not None
            self.ceiling_viol = known[2][at].copy()
            if known[3] is not None:
                self.fin_viol = known[3][at].copy()
            return
        now_c = self._ceiling_excess({k: v[None, :] for k, v in self.totals.items()})[0]
        self.ceiling_viol = np.maximum(now_c, self.ceiling_viol) if force else now_c
        if self.finance is not None and self.finance.targets:
            now = self._violations({k: v[None, :] for k, v in self.totals.items()})[0]
            self.fin_viol = np.maximum(now, self.fin_viol) if force else now

    def add_forced(self, cols: IntArray) -> None:
        """Add ``cols`` one after another whatever they break, as :meth:`add` with ``force=True`` column by
        column — the excesses kept are the largest of every intermediate plan — but in one batched replay of
        the intermediate plans instead of one replay per column."""
        cols = np.asarray(cols, dtype=np.int64)
        if not cols.size:
            return
        t_n = self.t_count
        start = np.concatenate([self.totals[name] for name in self.names])
        # the running totals summed in the order one-by-one additions would sum them
        plans_flat = np.cumsum(np.concatenate([start[None, :], self.rows(cols)], axis=0), axis=0)[1:]
        plans = {name: plans_flat[:, i * t_n:(i + 1) * t_n] for i, name in enumerate(self.names)}
        self._prefix = self._alone = None
        self._mark_chosen(cols)
        for name in self.names:
            self.totals[name] = plans[name][-1].copy()
        self.ceiling_viol = np.maximum(self._ceiling_excess(plans).max(axis=0), self.ceiling_viol)
        if self.finance is not None and self.finance.targets:
            self.fin_viol = np.maximum(self._violations(plans).max(axis=0), self.fin_viol)

    def admissible(self, j: int) -> bool:
        """Relations: alternatives not taken, the project a dependant waits for done before it starts."""
        p = self.problem
        proj = p.col_project[j]
        if self.chosen[proj] >= 0:
            return False
        g = p.exclusive_group[proj]
        if g >= 0 and self.group_taken[g]:
            return False
        a = p.depends_on[proj]
        if a >= 0:
            ca = self.completion(a)
            if ca < 0 or ca > p.col_start[j]:
                return False
        return True


def round_greedily(bm: BuiltModel, lp_x: FloatArray, batch_size: int = 64, max_fill_failures: int = 50,
                   max_tries: int = 4) -> FloatArray:
    """A plan (0/1 per column) keeping every relation, ceiling and target, guided by the LP solution ``lp_x``.

    With renewal decisions the replay sees the projects' money only (no renewal): the start's renewal is decided
    for it afterwards (:func:`start_values`, its best renewal given the plan), so the targets it "keeps" here are
    kept with less renewal than a frame. That is deliberate: on Exempelkommun the start is worth 39,78 points
    this way and 35,11 (19 projects instead of 20) with the data's policy as a fixed renewal in the replay (as
    the ranking list has it, :mod:`hushall.optimize.renewal_policy`) — the renewal the model chooses uses the
    room better than today's frame. :func:`improve_locally` then values its moves with that renewal and keeps
    its result only if the model values it at least as this start."""
    p = bm.problem
    plan = _Plan(bm)
    worth = p.value + p.debt_relief_kr / p.kr_per_point
    lp_x = np.clip(np.asarray(lp_x, dtype=float), 0.0, 1.0)
    mass = np.bincount(p.col_project, weights=lp_x, minlength=p.n_projects)
    # preferred column per project: largest LP weight, then largest worth
    order = np.lexsort((-worth, -lp_x, p.col_project))
    first = np.ones(len(order), dtype=bool)
    first[1:] = p.col_project[order][1:] != p.col_project[order][:-1]
    pref = np.full(p.n_projects, -1, dtype=np.int64)
    pref[p.col_project[order[first]]] = order[first]

    # 1. must-do projects, at their preferred start (dependencies first)
    must = [int(q) for q in np.flatnonzero(p.must_do & (pref >= 0))]
    for _ in range(3):
        rest = []
        for q in must:
            a = p.depends_on[q]
            if a >= 0 and plan.chosen[a] < 0 and p.must_do[a]:
                rest.append(q)
                continue
            plan.add(np.array([pref[q]]), force=True)
        must = rest
    for q in must:
        plan.add(np.array([pref[q]]), force=True)

    # 2. the LP's projects (whole ones first), then 3. the rest by worth per krona; each project tries its
    # start years in the order of LP weight, then worth
    cost = np.maximum(p.cost_kr, 1.0)
    places = p.capacity.project_places if p.capacity is not None else np.zeros(p.n_projects)
    ranked = p.project_columns()
    for q, cols in enumerate(ranked):
        cols = cols[np.lexsort((-worth[cols], -lp_x[cols]))][:max_tries]
        if places[q] < 0:
            # a closure taken in part by the LP moves only part of its users; whole, it may leave places
            # unmet, which the greedy does not see: only closures the LP takes whole, at its main start year
            cols = cols[:1] if mass[q] >= 0.99 else cols[:0]
        ranked[q] = cols
    lp_projects = np.flatnonzero((mass > 1e-6) & (plan.chosen < 0) & (pref >= 0))
    lp_projects = lp_projects[np.lexsort((-worth[pref[lp_projects]] / cost[lp_projects], -mass[lp_projects]))]
    _greedy_pass(plan, [int(q) for q in lp_projects], ranked, lp_x, batch_size, None, defer=True)
    best = np.array([worth[c].max() if len(c) else -np.inf for c in ranked])
    fill = np.flatnonzero((plan.chosen < 0) & np.isfinite(best) & (best > 0) & (places >= 0))
    fill = fill[np.argsort(-best[fill] / cost[fill], kind="stable")]
    _greedy_pass(plan, [int(q) for q in fill], ranked, lp_x, batch_size, max_fill_failures, defer=True)
    x = np.zeros(p.n_columns)
    x[plan.chosen[plan.chosen >= 0]] = 1.0
    return x


def _greedy_pass(plan: _Plan, projects: list[int], ranked: list[IntArray], lp_x: FloatArray, batch_size: int,
                 max_failures: int | None, passes: int = 3, defer: bool = False) -> None:
    """Add projects in order where they fit, each at the first of its ranked start years that fits; repeat
    while a pass adds something (a dependant may wait for its predecessor).

    ``defer``: a project that does not fit at a start year tries its next one only after every other project
    has had its turn at its current one (rounds: everyone's first choice, then the second choices of those left,
    …) — the warm start's order, which leaves each project's preferred year to the projects that prefer it.
    Without, it tries its next start year at once, before the projects after it (the ranking list: "each
    project at the earliest year it fits, in the order of the list").

    The result does not depend on ``batch_size``: the batch only decides how many candidates one batched replay
    checks (:meth:`_Plan.fits_each`). A replay checks the batch's candidates in order, each at its current start
    year after the ones before it (the prefix that fits is added at once), and every start year still to try of
    every candidate alone against the plan as it is; while the plan is unchanged those answers decide the next
    candidates without another replay. A batch ends before a project whose alternative or predecessor is in it
    (whether it may come in depends on that one's outcome)."""
    p = plan.problem
    pending = list(projects)
    for _ in range(passes):
        failures = 0
        skipped: list[int] = []
        pointer = dict.fromkeys(pending, 0)
        queue = deque(pending)
        later: list[int] = []  # with ``defer``: the next round
        added_any = False

        def give_up(q: int, skipped: list[int] = skipped) -> bool:
            """``q`` has no start year left; ``True`` when the pass stops (too many failures in a row)."""
            nonlocal failures
            skipped.append(q)
            failures += 1
            return max_failures is not None and failures >= max_failures

        while queue or later:
            if not queue:
                queue, later = deque(later), []
            batch: list[int] = []
            groups: set[int] = set()
            members: set[int] = set()
            while queue and len(batch) < batch_size:
                q = queue[0]
                g = int(p.exclusive_group[q])
                if g in groups or int(p.depends_on[q]) in members:
                    break  # its admissibility waits for the batch's outcome
                queue.popleft()
                cols = ranked[q]
                while pointer[q] < len(cols) and not plan.admissible(int(cols[pointer[q]])):
                    pointer[q] += 1
                if pointer[q] >= len(cols):
                    if plan.chosen[q] < 0:
                        skipped.append(q)
                    continue
                batch.append(q)
                members.add(q)
                if g >= 0:
                    groups.add(g)
            if not batch:
                continue
            current = np.asarray([ranked[q][pointer[q]] for q in batch], dtype=np.int64)
            # the start years each candidate may still try against the plan as it is
            tries = [ranked[q][pointer[q]:pointer[q] + (1 if defer else len(ranked[q]))] for q in batch]
            offsets = np.concatenate([[0], np.cumsum([len(c) for c in tries])])
            k, alone = plan.fits_each(current, np.concatenate(tries))
            if k:
                plan.add(current[:k])
                added_any = True
                failures = 0
            if k == len(batch):
                continue
            q = batch[k]
            pointer[q] += 1
            if k:
                # the plan changed: the failed candidate tries its next start year (now, or in the next round)
                rest = batch[k + 1:]
                if pointer[q] >= len(ranked[q]):
                    if give_up(q):
                        return
                elif defer:
                    later.append(q)
                else:
                    rest = [q, *rest]
                queue.extendleft(reversed(rest))
                continue
            # the plan is as the replay saw it: each candidate's start years alone decide, until one comes in
            for i in range(len(batch)):
                q = batch[i]
                cols = ranked[q]
                own = alone[offsets[i]:offsets[i + 1]]
                first = pointer[q] - (1 if i == 0 else 0)  # the start year the replay began at for q
                fit = next((c for c in range(first, first + len(own))
                            if c >= pointer[q] and own[c - first] and plan.admissible(int(cols[c]))), None)
                if fit is None:
                    pointer[q] = first + len(own)
                    if pointer[q] >= len(cols):
                        if give_up(q):
                            return
                    else:
                        later.append(q)  # only with ``defer``: the others had every start year checked
                    continue
                pointer[q] = fit
                plan.add(np.asarray([cols[fit]], dtype=np.int64))
                added_any = True
                failures = 0
                queue.extendleft(reversed(batch[i + 1:]))
                break
        pending = [q for q in skipped if plan.chosen[q] < 0]
        if not added_any or not pending:
            break


def integer_values(bm: BuiltModel, x: FloatArray, effects: dict[str, FloatArray] | None = None
                   ) -> tuple[IntArray, FloatArray]:
    """Indices and values of every integer variable for the plan ``x``: the columns, the "started by" sums, the balanskrav deficit
    indicators and the treasury's repayment indicators from the replayed financial model (so HiGHS completes the rest by one LP)."""
    p = bm.problem
    idx, val = _column_integers(bm, x)
    fb = p.finance
    if fb is not None and ((fb.balanskrav and fb.balanskrav_mode == "restore") or fb.repayment is not None):
        # ``effects``: the plan's aggregates when they are more than its columns' (the renewal decisions')
        eff = effects if effects is not None else {name: np.asarray(p.effect(name).T @ x)[None, :] for name in EFFECTS}
        path = fb.replay(eff)
        if fb.repayment is not None:
            y = bm.lm.variables["fin:repays"]
            idx.append(y.index())
            val.append((path[fb.repayment][0] > 0).astype(float))
        for k, bk in enumerate(fb.balanskrav if fb.balanskrav_mode == "restore" else []):
            bkr = fb.balanskravsresultat(bk, path, eff)[0]
            z = bm.lm.variables[f"balanskrav:{k}:is_deficit"]
            idx.append(z.index())
            val.append((bkr < 0).astype(float))
    return np.concatenate(idx), np.concatenate(val)


def start_values(bm: BuiltModel, x: FloatArray) -> tuple[IntArray, FloatArray]:
    """The start HiGHS is handed for the plan ``x`` (``setSolution``): every integer variable
    (:func:`integer_values`; HiGHS completes the continuous part by one LP). With renewal decisions
    (:mod:`hushall.optimize.renewal_decisions`) the balanskrav and treasury indicators are the financial model's
    with the plan's renewal (:func:`hushall.optimize.renewal_decisions.renewal_for_plan`: the branch and bound's
    own for a plan it found, else two LPs) — replayed without the renewal they are not the plan's. Exempelkommun,
    greedy start (LP bound 41,58): 39,59 points with the indicators replayed without the renewal, 39,78 with the
    plan's renewal (39,12 → 39,29 after the local search). Leaving the indicators to HiGHS (a sub-MIP) gave
    39,83, but its progress reports the sub-MIP's bound as the model's (a gap of 0,8 % at 0,6 s that was 5 %)."""
    if "renewal:spend" not in bm.lm.variables or bm.problem.finance is None:
        return integer_values(bm, x)
    from hushall.optimize.renewal_decisions import renewal_effects, renewal_for_plan, renewal_values
    from hushall.optimize.solve import RELATION_BLOCKS

    p = bm.problem
    xs = np.asarray(x, dtype=float)
    effects = {name: np.asarray(p.effect(name).T @ xs)[None, :] for name in EFFECTS}
    renewal = renewal_values(bm, renewal_for_plan(bm, xs, RELATION_BLOCKS), xs)
    return integer_values(bm, xs, renewal_effects(bm, *renewal, effects))


def _column_integers(bm: BuiltModel, x: FloatArray) -> tuple[list[IntArray], list[FloatArray]]:
    """The plan's columns and its "started by" sums (indices, values)."""
    idx = [bm.x.index()]
    val = [np.asarray(x, dtype=float)]
    w = bm.lm.variables.get("started_by")
    if w is not None:
        rows, cols = started_by_terms(bm.problem)
        idx.append(w.index())
        val.append(np.bincount(rows, weights=np.asarray(x, dtype=float)[cols], minlength=w.size))
    return idx, val


def improve_locally(bm: BuiltModel, x: FloatArray, time_budget_s: float = 1.0, max_rounds: int = 200,
                    max_shifts: int = 2000) -> FloatArray:
    """Improve a plan by best-improvement local search over start years (a 1-opt/2-opt neighbourhood).

    Moves: move one chosen project to another start year; add one project; drop one project and add another;
    move two chosen projects at once. A move is kept only if it keeps every relation and breaks no ceiling or
    target more than the plan does (the same test as :func:`round_greedily`: ceilings, targets and the balanced
    budget replayed through the financial model for all moves of a round as one batch), and it raises the plan's
    worth ``v + r/κ``. Projects that change places are left as they are (their worth depends on the places
    network, which the replay does not see): they are moved first, by :func:`improve_places`, with up to half the
    time budget. The greedy rounding fills each year up to its first binding target;
    these moves trade start years between projects, which the LP relaxation does fractionally. The moves of a
    round are built as arrays (:func:`_local_moves`); pairs of moves are formed among the ``max_shifts`` best
    single moves of chosen projects, so a round's work stays bounded on large models.

    With renewal decisions the renewal is a variable the replay of the projects cannot value (the plan's best
    renewal is an LP, :func:`hushall.optimize.renewal_decisions.renewal_for_plan`). The moves are then checked
    and valued with the data's policy as a fixed renewal (:mod:`hushall.optimize.renewal_policy`: its money in
    the replay, and each column's change of the backlog's cost ``ΔΠ_j`` in its worth, ``v_j + r_j/κ + ΔΠ_j``),
    and the result is kept only if the model values it at least as the plan it got
    (:func:`hushall.optimize.solve.assign_solution`, each with its best renewal): never a worse start.
    Exempelkommun's greedy start: 39,78 points before; the moves valued without the renewal lowered it to 38,84.
    """
    import time

    p = bm.problem
    t_end = time.perf_counter() + time_budget_s
    x_given = np.asarray(x, dtype=float).copy()
    x = improve_places(bm, x, time_budget_s / 2)
    renewal = policy_renewal(bm)
    plan = _Plan(bm, renewal)
    cols_of = p.project_columns()
    places = p.capacity.project_places if p.capacity is not None else np.zeros(p.n_projects)
    movable = (places == 0) & ~np.isin(np.arange(p.n_projects), p.depends_on[p.depends_on >= 0]) & (p.depends_on < 0)
    worth = p.value + p.debt_relief_kr / p.kr_per_point
    if renewal is not None:
        worth = worth + renewal.column_points
    chosen_cols = np.flatnonzero(x > 0.5)
    plan.add(chosen_cols, force=False)  # the rounded plan's own violations (not the empty plan's) are the bar
    base_fin = plan.fin_viol.copy()
    base_ceil = plan.ceiling_viol.copy()
    n_cols = p.n_columns
    # every column's yearly quantities, dense, with a zero row at ``n_cols`` standing for "no column"
    dense = np.vstack([plan.rows(np.arange(n_cols)), np.zeros((1, plan.stacked.shape[1]))])
    worth_ext = np.append(worth, 0.0)
    group_ext = np.append(p.exclusive_group[p.col_project], -1)
    for _ in range(max_rounds):
        if time.perf_counter() > t_end:
            break
        out0, out1, in0, in1 = _local_moves(p, plan.chosen, movable, cols_of, worth, n_cols, max_shifts)
        if not in0.size:
            break
        gain = (worth_ext[in0] + worth_ext[in1]) - (worth_ext[out0] + worth_ext[out1])
        keep = np.flatnonzero(gain > 1e-9)
        if not keep.size:
            break
        # exclusive groups: an added project may not join a group taken by a project that stays
        ok_rel = np.ones(len(keep), dtype=bool)
        for col in (in0[keep], in1[keep]):
            g = group_ext[col]
            taken = np.where(g >= 0, plan.group_taken[np.maximum(g, 0)] if plan.group_taken.size else False, False)
            ok_rel &= ~(taken & (group_ext[out0[keep]] != g) & (group_ext[out1[keep]] != g))
        keep = keep[ok_rel]
        keep = keep[np.argsort(-gain[keep], kind="stable")]
        found = False
        for lo in range(0, len(keep), 512):
            if time.perf_counter() > t_end:
                break
            batch = keep[lo:lo + 512]
            delta = (dense[in0[batch]] + dense[in1[batch]]) - (dense[out0[batch]] + dense[out1[batch]])
            good = np.flatnonzero(plan.within(delta, base_ceil, base_fin)[0])
            if good.size:
                k = batch[good[0]]
                outs = [int(c) for c in (out0[k], out1[k]) if c < n_cols]
                ins = [int(c) for c in (in0[k], in1[k]) if c < n_cols]
                x[outs] = 0.0
                x[ins] = 1.0
                plan = _Plan(bm, renewal)
                plan.add(np.flatnonzero(x > 0.5), force=True)
                found = True
                break
        if not found:
            break
    if has_renewal_decisions(bm) and not np.array_equal(x, x_given) and not _not_worse(bm, x, x_given):
        return x_given
    return x


def _not_worse(bm: BuiltModel, x: FloatArray, than: FloatArray) -> bool:
    """Whether the model values the plan ``x`` at least as ``than`` (each written back with its best renewal and
    borrowing, violations at their penalty: :func:`hushall.optimize.solve.assign_solution`)."""
    from hushall.optimize.solve import assign_solution

    new, old = assign_solution(bm, x, tight=False), assign_solution(bm, than, tight=False)
    if old.status != "Optimal":
        return new.status == "Optimal"
    return new.status == "Optimal" and new.objective >= old.objective - 1e-9


def _local_moves(p: OptimizationProblem, chosen: IntArray, movable: NDArray[np.bool_], cols_of: list[IntArray], worth: FloatArray,
                 n_cols: int, max_shifts: int) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """The moves of :func:`improve_locally` as four arrays (columns out, columns in; ``n_cols`` = none), in the
    order: single moves (each movable project to each other start year, or in), drop one chosen project and add an
    unchosen one, two chosen projects moved at once."""
    qs = np.flatnonzero(movable)
    s_out: list[IntArray] = []
    s_in: list[IntArray] = []
    for q in qs:
        cols = np.asarray(cols_of[q], dtype=np.int64)
        cur = int(chosen[q])
        cols = cols[cols != cur]
        s_in.append(cols)
        s_out.append(np.full(len(cols), cur if cur >= 0 else n_cols, dtype=np.int64))
    if not s_in:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    single_out, single_in = np.concatenate(s_out), np.concatenate(s_in)
    none = np.full(len(single_in), n_cols, dtype=np.int64)
    # drop one chosen (movable, not must-do) project, add one project that is not chosen
    drop = chosen[movable & ~p.must_do & (chosen >= 0)]
    adds = single_in[single_out == n_cols]
    d_out = np.repeat(drop, len(adds))
    d_in = np.tile(adds, len(drop))
    # two chosen projects moved at once (the best ``max_shifts`` single moves of chosen projects)
    shifts = np.flatnonzero(single_out < n_cols)
    if len(shifts) > max_shifts:
        gain = worth[single_in[shifts]] - worth[single_out[shifts]]
        shifts = np.sort(shifts[np.argsort(-gain, kind="stable")[:max_shifts]])
    a, b = np.triu_indices(len(shifts), 1)
    a, b = shifts[a], shifts[b]
    other = p.col_project[single_out[a]] != p.col_project[single_out[b]]
    a, b = a[other], b[other]
    cat = np.concatenate
    return (cat([single_out, d_out, single_out[a]]), cat([none, np.full(len(d_out), n_cols, np.int64), single_out[b]]),
            cat([single_in, d_in, single_in[a]]), cat([none, np.full(len(d_in), n_cols, np.int64), single_in[b]]))


def columns_of_plan(problem: OptimizationProblem, schedule: Mapping[str, int]) -> FloatArray:
    """The 0/1 column vector of a given plan, ``{project id: start year}`` (a previous plan, to start the search
    from). Projects or start years the problem no longer offers (the frame or the data changed) are left out; the
    solver then completes or repairs the plan, so a stale plan is a hint, never an error.

    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(project_ids=np.array(["A", "B"], dtype=object), years=np.array([2026, 2027, 2028]),
    ...                     col_project=np.array([0, 0, 1]), col_start=np.array([0, 1, 2]), n_columns=3)
    >>> columns_of_plan(p, {"A": 2027, "B": 2026, "C": 2027}).tolist()
    [0.0, 1.0, 0.0]
    """
    index = {(str(problem.project_ids[q]), int(problem.years[s])): j
             for j, (q, s) in enumerate(zip(problem.col_project, problem.col_start, strict=True))}
    x = np.zeros(problem.n_columns)
    for project, year in schedule.items():
        j = index.get((str(project), int(year)))
        if j is not None:
            x[j] = 1.0
    return x


class _FlowGraph:
    """One part of the places network, every year side by side: source → demand point ``(q, t)`` (its demand)
    → facility ``(n, t)`` within reach → sink (the facility's places that year). Places in hundredths (the
    maximum flow is integral)."""

    SCALE = 100.0

    def __init__(self, demand: FloatArray, arc_q: IntArray, arc_n: IntArray, n_nodes: int) -> None:
        q_count, t_count = demand.shape
        self.q_count, self.n_nodes, self.t_count = q_count, n_nodes, t_count
        per_year = q_count + n_nodes
        self.n_vertices = 2 + t_count * per_year
        tt = np.arange(t_count)
        q_vertex = 1 + tt[:, None] * per_year + np.arange(q_count)[None, :]  # (T, Q)
        n_vertex = 1 + tt[:, None] * per_year + q_count + np.arange(n_nodes)[None, :]  # (T, N)
        dem = np.round(demand.T * self.SCALE).astype(np.int64)  # (T, Q)
        src = np.concatenate([np.zeros(t_count * q_count, np.int64), q_vertex[:, arc_q].ravel(), n_vertex.ravel()])
        dst = np.concatenate([q_vertex.ravel(), n_vertex[:, arc_n].ravel(),
                              np.full(t_count * n_nodes, self.n_vertices - 1)])
        cap = np.concatenate([dem.ravel(), dem[:, arc_q].ravel(), np.zeros(t_count * n_nodes, np.int64)])
        order = np.lexsort((dst, src))
        self.indices = dst[order].astype(np.int32)
        self.indptr = np.searchsorted(src[order], np.arange(self.n_vertices + 1)).astype(np.int32)
        self.data = cap[order].astype(np.int32)
        where = np.empty(len(order), np.int64)
        where[order] = np.arange(len(order))
        self.sink_pos = where[len(order) - t_count * n_nodes:].reshape(t_count, n_nodes)
        self.demand_t = dem.sum(axis=1) / self.SCALE

    def unmet(self, places: FloatArray) -> FloatArray:
        """Unmet places per year given each facility's places per year, shaped ``(N, T)``."""
        from scipy.sparse.csgraph import maximum_flow

        data = self.data.copy()
        data[self.sink_pos] = np.round(np.maximum(places, 0.0).T * self.SCALE).astype(np.int32)
        graph = sp.csr_array((data, self.indices, self.indptr), shape=(self.n_vertices, self.n_vertices))
        flow = maximum_flow(graph, 0, self.n_vertices - 1).flow
        row = slice(flow.indptr[0], flow.indptr[1])  # flows out of the source, one per demand point and year
        served = np.bincount((flow.indices[row] - 1) // (self.q_count + self.n_nodes),
                             weights=np.maximum(flow.data[row], 0), minlength=self.t_count)[:self.t_count] / self.SCALE
        return np.maximum(self.demand_t - served, 0.0)


def network_parts(cb: CapacityBlock) -> tuple[int, IntArray]:
    """The connected parts of the places network ``cb`` (districts linked to the facilities they reach): their
    number and the part of each district, then of each facility (``n_demand + n_nodes`` labels). No project
    changes the places of two parts."""
    from scipy.sparse.csgraph import connected_components

    q_count, n_nodes = cb.n_demand, cb.n_nodes
    link = sp.coo_matrix((np.ones(len(cb.arc_node)), (cb.arc_demand, q_count + cb.arc_node)),
                         shape=(q_count + n_nodes, q_count + n_nodes))
    n_parts, label = connected_components(link, directed=False)
    return int(n_parts), np.asarray(label, dtype=np.int64)


class PlacesValue:
    r"""The unmet-places penalty of a plan (points), as the model's flows would place them: a maximum flow
    (:func:`scipy.sparse.csgraph.maximum_flow`) per connected part of the places network, all years at once
    (:class:`_FlowGraph`), with each facility's places under the plan, ``C_n + \sum_j \Delta_{p(j)} [c_j \le t]
    x_j`` (at least 0). The unmet places of year ``t`` cost ``π_t δ_t / κ`` as in the objective; exact up to a
    hundredth of a place, the distance tie-breaker left out. A move of one project changes one part only
    (:meth:`part_points`).
    """

    def __init__(self, bm: BuiltModel) -> None:
        p = bm.problem
        cb = p.capacity
        assert cb is not None
        t_count, q_count, n_nodes = p.n_years, cb.n_demand, cb.n_nodes
        self.t_count = t_count
        n_parts, label = network_parts(cb)
        self.part_of_node = label[q_count:]
        self.penalty = cb.unmet_penalty_kr * p.discount / p.kr_per_point
        self.nodes: list[IntArray] = []
        self.graphs: list[_FlowGraph] = []
        for k in range(n_parts):
            qs = np.flatnonzero(label[:q_count] == k)
            ns = np.flatnonzero(label[q_count:] == k)
            local_n = np.full(n_nodes, -1)
            local_n[ns] = np.arange(len(ns))
            local_q = np.full(q_count, -1)
            local_q[qs] = np.arange(len(qs))
            arcs = np.flatnonzero(local_q[cb.arc_demand] >= 0)
            self.nodes.append(ns)
            self.graphs.append(_FlowGraph(cb.demand[qs], local_q[cb.arc_demand[arcs]], local_n[cb.arc_node[arcs]],
                                          len(ns)))
        # places per (node, year) added by each column: C + A x
        node_of_col = cb.project_node[p.col_project]
        j = np.flatnonzero((node_of_col >= 0) & (cb.project_places[p.col_project] != 0))
        comp = p.completion[j]
        cnt = np.maximum(t_count - comp, 0)
        rows = np.repeat(node_of_col[j] * t_count, cnt) + np.repeat(comp, cnt) + _ramp_counts(cnt)
        self.adds = sp.csc_matrix((np.repeat(cb.project_places[p.col_project[j]], cnt), (rows, np.repeat(j, cnt))),
                                  shape=(n_nodes * t_count, p.n_columns))
        self.base = np.repeat(cb.node_capacity, t_count).astype(float)

    def places(self, x: FloatArray) -> FloatArray:
        """Places per facility and year under the plan ``x``, shaped ``(N, T)``."""
        return (self.base + self.adds @ np.asarray(x, float)).reshape(-1, self.t_count)

    def part_points(self, part: int, places: FloatArray) -> float:
        """The penalty of one part of the network given every facility's places ``(N, T)``."""
        return float(self.penalty @ self.graphs[part].unmet(places[self.nodes[part]]))

    def points(self, x: FloatArray) -> float:
        """The plan's unmet-places penalty (points, before the do-nothing reference is added)."""
        places = self.places(x)
        return sum(self.part_points(k, places) for k in range(len(self.graphs)))


def _ramp_counts(counts: IntArray) -> IntArray:
    counts = np.asarray(counts, dtype=np.int64)
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def improve_places(bm: BuiltModel, x: FloatArray, time_budget_s: float = 1.0, max_rounds: int = 100) -> FloatArray:
    """Improve a plan by moving the projects that change places, valued with the places they fill.

    :func:`round_greedily` and :func:`improve_locally` see a project's worth ``v + r/κ`` only; a project that adds
    or removes places is also worth the unmet-places penalty it removes (or adds), which depends on the whole
    plan. Here each such project (not in a dependency) may move to another start year, come in, or go out
    (not a must-do). Every move that keeps every relation, ceiling and target (checked as in
    :func:`improve_locally`, all moves of a round in one batched replay) is valued by ``worth − unmet penalty``
    (:class:`PlacesValue`: only the part of the network the move touches is re-solved); then the improving
    moves are applied best first, one per part of the network, each re-checked against the plan as it has
    become. Rounds until no move improves or the time budget is spent.
    """
    import time

    p = bm.problem
    cb = p.capacity
    x = np.asarray(x, dtype=float).copy()
    if cb is None or cb.n_demand == 0:
        return x
    t_end = time.perf_counter() + time_budget_s
    related = np.isin(np.arange(p.n_projects), p.depends_on[p.depends_on >= 0]) | (p.depends_on >= 0)
    movable = np.flatnonzero((cb.project_places != 0) & (cb.project_node >= 0) & ~related)
    if not movable.size:
        return x
    value = PlacesValue(bm)
    # with renewal decisions: the data's policy as a fixed renewal, valued and replayed (as improve_locally)
    renewal = policy_renewal(bm)
    worth = p.value + p.debt_relief_kr / p.kr_per_point + (renewal.column_points if renewal is not None else 0.0)
    worth_ext = np.append(worth, 0.0)
    cols_of = p.project_columns()
    n_cols = p.n_columns
    group = p.exclusive_group
    part_of_project = value.part_of_node[np.maximum(cb.project_node, 0)]
    start = _Plan(bm, renewal)
    start.add(np.flatnonzero(x > 0.5), force=False)  # the given plan's own violations are the bar
    bar = (start.ceiling_viol.copy(), start.fin_viol.copy())
    for _ in range(max_rounds):
        if time.perf_counter() > t_end:
            break
        plan = _Plan(bm, renewal)
        plan.add(np.flatnonzero(x > 0.5), force=False)
        outs, ins = [], []
        for q in movable:
            cur = int(plan.chosen[q])
            if cur < 0 and group[q] >= 0 and plan.group_taken[group[q]]:
                continue
            others = [int(c) for c in cols_of[q] if int(c) != cur]
            outs += [cur if cur >= 0 else n_cols] * len(others)
            ins += others
            if cur >= 0 and not p.must_do[q]:
                outs.append(cur)
                ins.append(n_cols)
        if not ins:
            break
        out_c, in_c = np.asarray(outs, np.int64), np.asarray(ins, np.int64)
        ok = _moves_fit(plan, out_c, in_c, *bar)
        cand = np.flatnonzero(ok)
        places = value.places(x)
        base = {}
        gains = np.full(len(cand), -np.inf)
        for i, k in enumerate(cand):
            if time.perf_counter() > t_end:
                break
            proj = p.col_project[in_c[k] if in_c[k] < n_cols else out_c[k]]
            part = int(part_of_project[proj])
            if part not in base:
                base[part] = value.part_points(part, places)
            moved = places.reshape(-1).copy()
            for col, sign in ((in_c[k], 1.0), (out_c[k], -1.0)):
                if col < n_cols:
                    at = slice(value.adds.indptr[col], value.adds.indptr[col + 1])
                    moved[value.adds.indices[at]] += sign * value.adds.data[at]
            gains[i] = (worth_ext[in_c[k]] - worth_ext[out_c[k]]
                        + base[part] - value.part_points(part, moved.reshape(places.shape)))
        improving = np.flatnonzero(gains > 1e-6)
        if not improving.size:
            break
        applied_parts: set[int] = set()
        changed = False
        for i in improving[np.argsort(-gains[improving], kind="stable")]:
            k = cand[i]
            proj = p.col_project[in_c[k] if in_c[k] < n_cols else out_c[k]]
            part = int(part_of_project[proj])
            if part in applied_parts:
                continue
            if changed and not _moves_fit(plan, out_c[[k]], in_c[[k]], *bar)[0]:
                continue
            y_out, y_in = [c for c in (out_c[k],) if c < n_cols], [c for c in (in_c[k],) if c < n_cols]
            x[y_out] = 0.0
            x[y_in] = 1.0
            plan = _Plan(bm, renewal)
            plan.add(np.flatnonzero(x > 0.5), force=False)
            applied_parts.add(part)
            changed = True
        if not changed:
            break
    return x


def _moves_fit(plan: _Plan, out_c: IntArray, in_c: IntArray, ceiling_bar: FloatArray,
               target_bar: FloatArray) -> NDArray[np.bool_]:
    """Which moves (column out, column in; ``n_columns`` = none) of ``plan`` keep every ceiling and target
    violated no more than the bars (the plan the search started from; one batched replay)."""
    n_cols = plan.problem.n_columns
    zero = np.zeros((1, plan.stacked.shape[1]))
    dense_in = np.vstack([plan.rows(in_c[in_c < n_cols]), zero])
    dense_out = np.vstack([plan.rows(out_c[out_c < n_cols]), zero])
    pos_in = np.where(in_c < n_cols, np.cumsum(in_c < n_cols) - 1, len(dense_in) - 1)
    pos_out = np.where(out_c < n_cols, np.cumsum(out_c < n_cols) - 1, len(dense_out) - 1)
    return plan.within(dense_in[pos_in] - dense_out[pos_out], ceiling_bar, target_bar)[0]
