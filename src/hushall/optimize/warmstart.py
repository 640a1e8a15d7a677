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

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hushall.optimize.model import BuiltModel
from hushall.optimize.problem import EFFECTS

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

TOL_KR = 1.0


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
        return int(self.problem.completion[j]) if j >= 0 else -1

    def fits(self, cols: IntArray) -> int:
        """Number of leading candidates of ``cols`` that can all be added (prefix feasibility)."""
        k = len(cols)
        if k == 0:
            return 0
        ok = np.ones(k, dtype=bool)
        cum = np.cumsum(self.rows(cols), axis=0)
        t_n = self.t_count
        prefix = {name: self.totals[name][None, :] + cum[:, i * t_n:(i + 1) * t_n]
                  for i, name in enumerate(self.names)}
        ok &= (self._ceiling_excess(prefix) <= self.ceiling_viol[None, :] + TOL_KR).all(axis=1)
        if self.finance is not None and self.finance.targets:
            eff = {g: prefix[g] for g in EFFECTS}
            viol = self._violations(eff)
            ok &= (viol <= self.fin_viol[None, :] + TOL_KR).all(axis=1)
        bad = np.flatnonzero(~ok)
        return int(bad[0]) if bad.size else k

    def rows(self, cols: IntArray) -> np.ndarray:
        """Dense rows of the stacked yearly quantities for the given columns (fast CSR gather)."""
        m = self.stacked
        cols = np.asarray(cols, dtype=np.int64)
        starts, ends = m.indptr[cols], m.indptr[cols + 1]
        counts = ends - starts
        out = np.zeros((len(cols), m.shape[1]))
        if counts.sum():
            pos = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            out[np.repeat(np.arange(len(cols)), counts), m.indices[pos]] = m.data[pos]
        return out

    def add(self, cols: IntArray, force: bool = False) -> None:
        p = self.problem
        total = self.rows(cols).sum(axis=0)
        t_n = self.t_count
        for i, name in enumerate(self.names):
            self.totals[name] += total[i * t_n:(i + 1) * t_n]
        for j in cols:
            proj = p.col_project[j]
            self.chosen[proj] = j
            g = p.exclusive_group[proj]
            if g >= 0:
                self.group_taken[g] = True
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
            while batch:
                arr = np.asarray([ranked[q][pointer[q]] for q in batch], dtype=np.int64)
                k = plan.fits(arr)
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
            queue = rest + queue
        pending = [q for q in skipped if plan.chosen[q] < 0]
        if not added_any or not pending:
            break


def integer_values(bm: BuiltModel, x: FloatArray) -> tuple[IntArray, FloatArray]:
    """Indices and values of every integer variable for the plan ``x``: the columns, and the balanskrav deficit
    indicators and the treasury's repayment indicators from the replayed financial model (so HiGHS completes the rest by one LP)."""
    p = bm.problem
    idx = [bm.x.index()]
    val = [np.asarray(x, dtype=float)]
    fb = p.finance
    if fb is not None and ((fb.balanskrav and fb.balanskrav_mode == "restore") or fb.repayment is not None):
        eff = {name: np.asarray(p.effect(name).T @ x)[None, :] for name in EFFECTS}
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


def improve_locally(bm: BuiltModel, x: FloatArray, time_budget_s: float = 1.0, max_rounds: int = 200) -> FloatArray:
    """Improve a plan by best-improvement local search over start years (a 1-opt/2-opt neighbourhood).

    Moves: move one chosen project to another start year; add one project; drop one project and add another;
    move two chosen projects at once. A move is kept only if it keeps every relation and breaks no ceiling or
    target more than the plan does (the same test as :func:`round_greedily`: ceilings, targets and the balanced
    budget replayed through the financial model for all moves of a round as one batch), and it raises the plan's
    worth ``v + r/κ``. Projects that change places are left as they are (their worth depends on the places
    network, which the replay does not see). The greedy rounding fills each year up to its first binding target;
    these moves trade start years between projects, which the LP relaxation does fractionally.
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
    for _ in range(max_rounds):
        if time.perf_counter() > t_end:
            break
        col_of_project = plan.chosen
        moves_out: list[list[int]] = []
        moves_in: list[list[int]] = []
        single_out, single_in = [], []
        for q in np.flatnonzero(movable):
            cur = int(col_of_project[q])
            for j in cols_of[q]:
                j = int(j)
                if j == cur:
                    continue
                single_out.append([cur] if cur >= 0 else [])
                single_in.append([j])
        moves_out += single_out
        moves_in += single_in
        chosen_m = [int(col_of_project[q]) for q in np.flatnonzero(movable & ~p.must_do) if col_of_project[q] >= 0]
        # drop one, add another
        for c_out in chosen_m:
            for o, i in zip(single_out, single_in, strict=True):
                if not o and p.col_project[i[0]] != p.col_project[c_out]:
                    moves_out.append([c_out])
                    moves_in.append(i)
        # two moves of chosen projects at once
        shifts = [(o, i) for o, i in zip(single_out, single_in, strict=True) if o]
        for a in range(len(shifts)):
            for b in range(a + 1, len(shifts)):
                if p.col_project[shifts[a][0][0]] == p.col_project[shifts[b][0][0]]:
                    continue
                moves_out.append(shifts[a][0] + shifts[b][0])
                moves_in.append(shifts[a][1] + shifts[b][1])
        if not moves_in:
            break
        gain = np.array([worth[i].sum() - worth[o].sum() for o, i in zip(moves_out, moves_in, strict=True)])
        keep = np.flatnonzero(gain > 1e-9)
        if not keep.size:
            break
        # exclusive groups: an added project may not join a group taken by a project that stays
        ok_rel = np.ones(len(keep), dtype=bool)
        for n, k in enumerate(keep):
            for j in moves_in[k]:
                g = p.exclusive_group[p.col_project[j]]
                if g >= 0 and plan.group_taken[g] and not any(
                        p.exclusive_group[p.col_project[o]] == g for o in moves_out[k]):
                    ok_rel[n] = False
        keep = keep[ok_rel]
        keep = keep[np.argsort(-gain[keep], kind="stable")]
        found = False
        for lo in range(0, len(keep), 512):
            if time.perf_counter() > t_end:
                break
            batch = keep[lo:lo + 512]
            delta = np.zeros((len(batch), plan.stacked.shape[1]))
            for n, k in enumerate(batch):
                if moves_in[k]:
                    delta[n] += plan.rows(np.asarray(moves_in[k])).sum(axis=0)
                if moves_out[k]:
                    delta[n] -= plan.rows(np.asarray(moves_out[k])).sum(axis=0)
            tot = {name: plan.totals[name][None, :] + delta[:, i * t_n:(i + 1) * t_n]
                   for i, name in enumerate(plan.names)}
            ok = (plan._ceiling_excess(tot) <= base_ceil[None, :] + TOL_KR).all(axis=1)
            if plan.finance is not None and plan.finance.targets:
                ok &= (plan._violations({g: tot[g] for g in EFFECTS}) <= base_fin[None, :] + TOL_KR).all(axis=1)
            good = np.flatnonzero(ok)
            if good.size:
                k = batch[good[0]]
                x[moves_out[k]] = 0.0
                x[moves_in[k]] = 1.0
                plan = _Plan(bm)
                plan.add(np.flatnonzero(x > 0.5), force=True)
                found = True
                break
        if not found:
            break
    return x
