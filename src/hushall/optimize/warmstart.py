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

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hushall.optimize.model import BuiltModel, started_by_terms
from hushall.optimize.problem import EFFECTS, OptimizationProblem

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

TOL_KR = 1.0


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
    """The plan being built and its yearly totals."""

    def __init__(self, bm: BuiltModel) -> None:
        p = bm.problem
        self.problem = p
        self.t_count = p.n_years
        self.chosen = np.full(p.n_projects, -1, dtype=np.int64)
        self.group_taken = np.zeros(int(p.exclusive_group.max(initial=-1)) + 1, dtype=bool)
        self.names = (*EFFECTS, "parallel")
        mats = [sp.csr_matrix(p.effect(name)) for name in EFFECTS] + [p.active().tocsr()]
        # all yearly quantities side by side: one row extraction per check
        self.stacked = sp.csr_matrix(sp.hstack(mats, format="csr"))
        self.totals = {k: np.zeros(self.t_count) for k in self.names}
        self.finance = p.finance
        self.fin_viol = self._violations({k: v[None, :] for k, v in self.totals.items()})[0]
        self.ceiling_viol = self._ceiling_excess({k: v[None, :] for k, v in self.totals.items()})[0]
        self._prefix: tuple[IntArray, np.ndarray, np.ndarray, np.ndarray | None] | None = None

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

    def fits_each(self, cols: IntArray) -> tuple[int, NDArray[np.bool_]]:
        """Prefix feasibility (as :meth:`fits`) and, in the same batched replay, whether each candidate alone
        could be added to the plan as it is: the plans ``plan + c_0 + … + c_i`` and ``plan + c_i`` for every
        ``i`` are checked together, so a run of candidates that fail on their own costs one replay, not one
        each."""
        k = len(cols)
        if k == 0:
            return 0, np.zeros(0, dtype=bool)
        rows = self.rows(cols)
        both = np.concatenate([np.cumsum(rows, axis=0), rows], axis=0)
        ok = np.ones(2 * k, dtype=bool)
        t_n = self.t_count
        plans = {name: self.totals[name][None, :] + both[:, i * t_n:(i + 1) * t_n]
                 for i, name in enumerate(self.names)}
        ceil = self._ceiling_excess(plans)
        ok &= (ceil <= self.ceiling_viol[None, :] + TOL_KR).all(axis=1)
        viol = None
        if self.finance is not None and self.finance.targets:
            eff = {g: plans[g] for g in EFFECTS}
            viol = self._violations(eff)
            ok &= (viol <= self.fin_viol[None, :] + TOL_KR).all(axis=1)
        # the prefixes' totals and excesses, for :meth:`add` of a prefix (no second replay)
        self._prefix = (np.asarray(cols, dtype=np.int64).copy(), both[:k], ceil[:k], None if viol is None else viol[:k])
        bad = np.flatnonzero(~ok[:k])
        return (int(bad[0]) if bad.size else k), ok[k:]

    def rows(self, cols: IntArray) -> np.ndarray:
        """Dense rows of the stacked yearly quantities for the given columns (fast CSR gather)."""
        return dense_rows(self.stacked, np.asarray(cols, dtype=np.int64))

    def add(self, cols: IntArray, force: bool = False) -> None:
        p = self.problem
        # summed in the order of fits_each's prefix sums, so that a checked prefix's totals match bit for bit
        total = np.cumsum(self.rows(cols), axis=0)[-1] if len(cols) else np.zeros(self.stacked.shape[1])
        n = len(cols)
        known = getattr(self, "_prefix", None)
        self._prefix = None
        # the prefix just checked by fits_each (the same totals, bit for bit): its excesses come from that replay
        reuse = (not force and known is not None and 0 < n <= len(known[0])
                 and np.array_equal(np.asarray(cols), known[0][:n]) and np.array_equal(total, known[1][n - 1]))
        t_n = self.t_count
        for i, name in enumerate(self.names):
            self.totals[name] += total[i * t_n:(i + 1) * t_n]
        for j in cols:
            proj = p.col_project[j]
            self.chosen[proj] = j
            g = p.exclusive_group[proj]
            if g >= 0:
                self.group_taken[g] = True
        if reuse:
            assert known is not None
            self.ceiling_viol = known[2][n - 1].copy()
            if known[3] is not None:
                self.fin_viol = known[3][n - 1].copy()
            return
        now_c = self._ceiling_excess({k: v[None, :] for k, v in self.totals.items()})[0]
        self.ceiling_viol = np.maximum(now_c, self.ceiling_viol) if force else now_c
        if self.finance is not None and self.finance.targets:
            now = self._violations({k: v[None, :] for k, v in self.totals.items()})[0]
            self.fin_viol = np.maximum(now, self.fin_viol) if force else now

    def admissible(self, j: int, batch_groups: set[int]) -> bool:
        """Relations: alternatives not taken, the project a dependant waits for done before it starts."""
        p = self.problem
        proj = p.col_project[j]
        if self.chosen[proj] >= 0:
            return False
        g = p.exclusive_group[proj]
        if g >= 0 and (self.group_taken[g] or g in batch_groups):
            return False
        a = p.depends_on[proj]
        if a >= 0:
            ca = self.completion(a)
            if ca < 0 or ca > p.col_start[j]:
                return False
        return True


def round_greedily(bm: BuiltModel, lp_x: FloatArray, batch_size: int = 64, max_fill_failures: int = 50,
                   max_tries: int = 4) -> FloatArray:
    """A plan (0/1 per column) keeping every relation, ceiling and target, guided by the LP solution ``lp_x``."""
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
    _greedy_pass(plan, [int(q) for q in lp_projects], ranked, lp_x, batch_size, None)
    best = np.array([worth[c].max() if len(c) else -np.inf for c in ranked])
    fill = np.flatnonzero((plan.chosen < 0) & np.isfinite(best) & (best > 0) & (places >= 0))
    fill = fill[np.argsort(-best[fill] / cost[fill], kind="stable")]
    _greedy_pass(plan, [int(q) for q in fill], ranked, lp_x, batch_size, max_fill_failures)
    x = np.zeros(p.n_columns)
    x[plan.chosen[plan.chosen >= 0]] = 1.0
    return x


def _greedy_pass(plan: _Plan, projects: list[int], ranked: list[IntArray], lp_x: FloatArray, batch_size: int,
                 max_failures: int | None, passes: int = 3) -> None:
    """Add projects in order where they fit, each at the first of its ranked start years that fits; repeat
    while a pass adds something (a dependant may wait for its predecessor)."""
    p = plan.problem
    pending = list(projects)
    for _ in range(passes):
        failures = 0
        skipped: list[int] = []
        pointer = dict.fromkeys(pending, 0)
        queue = list(pending)
        added_any = False
        while queue:
            batch: list[int] = []
            groups: set[int] = set()
            rest: list[int] = []
            while queue and len(batch) < batch_size:
                q = queue.pop(0)
                cols = ranked[q]
                while pointer[q] < len(cols) and not plan.admissible(int(cols[pointer[q]]), groups):
                    pointer[q] += 1
                if pointer[q] >= len(cols):
                    if plan.chosen[q] < 0:
                        skipped.append(q)
                    continue
                batch.append(q)
                g = p.exclusive_group[q]
                if g >= 0:
                    groups.add(int(g))
            alone: NDArray[np.bool_] | None = None  # each candidate alone fits the plan as it is (unchanged)
            while batch:
                if alone is None or not alone.size:
                    arr = np.asarray([ranked[q][pointer[q]] for q in batch], dtype=np.int64)
                    k, alone = plan.fits_each(arr)
                else:
                    # the plan has not changed since ``alone`` was computed: the prefix of the remaining batch
                    # fails at once exactly when its first candidate fails alone
                    k = 0 if not alone[0] else -1
                if k < 0:
                    alone = None
                    continue
                if k:
                    plan.add(arr[:k])
                    added_any = True
                    failures = 0
                if k < len(batch):
                    q = batch[k]
                    pointer[q] += 1
                    if pointer[q] < len(ranked[q]):
                        rest.append(q)
                    else:
                        skipped.append(q)
                        failures += 1
                        if max_failures is not None and failures >= max_failures:
                            return
                batch = batch[k + 1:]
                # after an addition the plan changed; otherwise the remaining candidates' own test still holds
                if k:
                    alone = None
                else:
                    alone = alone[1:]
                    arr = arr[1:]
            queue = rest + queue
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
    network, which the replay does not see). The greedy rounding fills each year up to its first binding target;
    these moves trade start years between projects, which the LP relaxation does fractionally. The moves of a
    round are built as arrays (:func:`_local_moves`); pairs of moves are formed among the ``max_shifts`` best
    single moves of chosen projects, so a round's work stays bounded on large models.
    """
    import time

    p = bm.problem
    t_end = time.perf_counter() + time_budget_s
    plan = _Plan(bm)
    x = np.asarray(x, dtype=float).copy()
    cols_of = p.project_columns()
    places = p.capacity.project_places if p.capacity is not None else np.zeros(p.n_projects)
    movable = (places == 0) & ~np.isin(np.arange(p.n_projects), p.depends_on[p.depends_on >= 0]) & (p.depends_on < 0)
    worth = p.value + p.debt_relief_kr / p.kr_per_point
    chosen_cols = np.flatnonzero(x > 0.5)
    plan.add(chosen_cols, force=False)  # the rounded plan's own violations (not the empty plan's) are the bar
    base_fin = plan.fin_viol.copy()
    base_ceil = plan.ceiling_viol.copy()
    t_n = plan.t_count
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
            tot = {name: plan.totals[name][None, :] + delta[:, i * t_n:(i + 1) * t_n]
                   for i, name in enumerate(plan.names)}
            ok = (plan._ceiling_excess(tot) <= base_ceil[None, :] + TOL_KR).all(axis=1)
            if plan.finance is not None and plan.finance.targets:
                ok &= (plan._violations({g: tot[g] for g in EFFECTS}) <= base_fin[None, :] + TOL_KR).all(axis=1)
            good = np.flatnonzero(ok)
            if good.size:
                k = batch[good[0]]
                outs = [int(c) for c in (out0[k], out1[k]) if c < n_cols]
                ins = [int(c) for c in (in0[k], in1[k]) if c < n_cols]
                x[outs] = 0.0
                x[ins] = 1.0
                plan = _Plan(bm)
                plan.add(np.flatnonzero(x > 0.5), force=True)
                found = True
                break
        if not found:
            break
    return x


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
