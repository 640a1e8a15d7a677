r"""Reinvestment as a decision, next to the projects: renew, postpone or let go, per pool of components and year.

Without this block the reinvestment policy of the data (*ram*, *behov*) is a constant of the financial model and
the projects only move the maintenance debt. With it (``problem_from_municipality(..., renewal_decisions=True)``)
the financial model is run without any reinvestment (policy *ingen*) and the optimiser decides the renewal itself,
in one model with the projects: *build new or reinvest* is one trade-off.

Aggregation
-----------
Components are pooled by the projects that claim them and their whole lifetime
(:func:`hushall.projects.maintenance.renewal_groups`): the components no project claims form one pool per lifetime
(what is renewed among them changes neither money nor debt), the claimed ones one pool per claimant set and
lifetime. Exempelkommun: 286 components → 56 pools, 1 680 renewal and 1 680 backlog variables over 30 years.

Variables (Mkr, price base year, per pool ``g`` and plan year ``t``)
    * ``r[g, t] ≥ 0`` renewal (investment), ``b[g, t] ≥ 0`` backlog at the end of the year (maintenance debt);
    * ``w[g, t] ≥ 0`` let go: need and backlog that leave with a closure or are renewed by a project;
    * ``d[ℓ, t]`` depreciation of the renewals of lifetime class ``ℓ``.

Constraints
    * ``renewal:balance``: :math:`b_t - b_{t-1} + r_t - r_{t-L_g} + w_t - \sum_j \Delta D_{j,g,t} x_j = D^0_{g,t}`
      — due and waiting, renewed, or let go; a renewal falls due again a lifetime later; ``ΔD`` the dues an
      ombyggnad ``j`` moves (:func:`hushall.projects.maintenance.renewal_events`);
    * ``renewal:backlog_if_open``: :math:`b_t + M_g \sum_{j \in E_{g,t}} x_j \le M_g` with ``E_{g,t}`` the columns
      that close pool ``g`` by year ``t`` (completion ``c_j ≤ t``) or renew it in ``t`` (``c_j = t``): backlog 0;
    * ``renewal:let_go_if_event``: :math:`w_t - M_g \sum_{j \in E_{g,t}} x_j \le 0` — nothing is let go otherwise;
    * ``renewal:none_after_closure``: :math:`r_t + M_g \sum_{j: c_j \le t, \text{closes}} x_j \le M_g`;
    * ``renewal:let_go_by`` (pools a closure claims): :math:`\sum_{s \le t} w_s \le C_{g,t} \sum_{j \in F_{g,t}}
      x_j` — what is let go by ``t`` is at most the share of the event of all that fell due
      (:func:`_define_let_go_by`, ``C`` of :func:`renewal_bounds`);
    * ``renewal:depreciation``: :math:`d_{ℓ,t} - d_{ℓ,t-1} = \sum_{g \in ℓ} (I_{t-1} r_{g,t-1} - I_{t-1-ℓ}
      r_{g,t-1-ℓ}) / ℓ` — straight line over the lifetime from the year after (RKR R4, komponentavskrivning),
      in difference form (two nonzeros per renewal and class);
    * the money enters the projects' aggregates (:func:`hushall.optimize.model.define_project_aggregates`):
      ``agg:invest_nominal`` :math:`+ \sum_g I_t r_{g,t}`, ``agg:invest_real`` :math:`+ \sum_g r_{g,t}` (so the
      investment ceilings and the self-financing count it), ``agg:depreciation`` :math:`+ \sum_ℓ d_{ℓ,t}`;
      ``agg:maintenance_relief`` :math:`= U^0_t - \sum_g b_{g,t}` (``U^0`` the debt if nothing were renewed) for
      the maintenance-debt targets, ``agg:renewal_real`` :math:`= \sum_g r_{g,t}` for *reinvestering_andel_av_behov*.

``M_g`` (per year, ``M_{g,t}``) is the least of the pool's value (twice it for pools an ombyggnad renews: its
renewal and earlier renewals may both fall due) and what can be waiting by ``t`` (:func:`renewal_bounds`: the
dues up to ``t`` and what falls due again), also the bound of ``r``, ``b`` and ``w``; two projects claiming one pool are alternatives (:func:`hushall.optimize.inputs.shared_claim_groups`),
so :math:`\sum_{j \in E_{g,t}} x_j \le 1`.

Objective
    :math:`-\sum_{g,t} \delta_t s_t b_{g,t} / \kappa` — the yearly cost of postponing, ``s`` =
    ``straff_underhållsskuld_andel`` of the debt a year (higher operating cost, risk of failure), discounted,
    in points — plus the constant :math:`\sum_t \delta_t s_t U^{pol}_t / \kappa` (the policy's own debt without
    projects), so that the objective still reads as the gain over the data's reinvestment policy; and a
    tie-breaker per Mkr renewed, as small as the borrowing penalty.

Write-back: :func:`renewal_for_plan` fixes a plan's binaries and solves what remains for its renewal (the branch
and bound's own for the plan it found; for any other plan two LPs by default, or the small MILP over the treasury
and balanskrav indicators for the best renewal); :func:`renewal_effects` adds its money to the project aggregates
for the financial model's replay, so the write-back stays the forecast's to the krona; :func:`renewal_table` is
what the result carries and :class:`hushall.needs.reinvestment.RenewalPlan` what the forecast replays.

References
----------
RKR R4 *Materiella anläggningstillgångar*; SKR (2021) *Underhållsskuld i kommunernas fastigheter*.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hushall.optimize.linear import INF, VarBlock, highs_from_arrays
from hushall.projects.maintenance import RenewalGroups

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MKR = 1.0e6
#: Points per Mkr renewed: a tie-breaker (as the borrowing penalty), so nothing is renewed that does not help.
RENEWAL_TIE_BREAKER = 1.0e-6


@dataclass
class RenewalBlock:
    """The optimiser's input for renewal decisions.

    Attributes
    ----------
    groups
        The pools (:class:`hushall.projects.maintenance.RenewalGroups`).
    project_of_claimant
        Position in sheet Projekt → project index of the problem.
    construction_index
        ``(T,)`` cumulative construction price index (price base year = 1).
    penalty_share
        ``(T,)`` ``straff_underhållsskuld_andel``: the yearly cost of postponing per krona of debt.
    debt_if_nothing_kr
        ``(T,)`` the maintenance debt if nothing were renewed (``U^0``).
    policy_debt_kr
        ``(T,)`` the debt under the data's reinvestment policy without projects (the objective's reference).
    policy_renewal_kr
        ``(G, T)`` the renewal of each pool under the data's reinvestment policy without projects (real kr): what
        the ranking baseline funds (:mod:`hushall.optimize.renewal_policy`).
    """

    groups: RenewalGroups
    project_of_claimant: dict[int, int]
    construction_index: FloatArray
    penalty_share: FloatArray
    debt_if_nothing_kr: FloatArray
    policy_debt_kr: FloatArray
    policy_renewal_kr: FloatArray | None = None
    #: The objective's constant (points), set by :func:`define_renewal_decisions`.
    offset_points: float = 0.0


def _events(problem: object, rb: RenewalBlock) -> tuple[list[Any], list[Any], list[Any], list[Any], list[Any]]:
    """Per pool: (row years, x columns) of its events (closing by t or renewing in t), of its closures, and the
    due change ``ΔD`` entries (year, column, value) of an ombyggnad."""
    p = problem
    n_t = p.n_years  # type: ignore[attr-defined]
    completion = completed_in(p)
    col_project = p.col_project  # type: ignore[attr-defined]
    ev_rows, ev_cols, ch_vals, ch_rows = [], [], [], []
    closed_rows, closed_cols = [], []
    g = rb.groups
    for k, claim in enumerate(g.claimants):
        er, ec, cr, cc, dr, dc, dv = [], [], [], [], [], [], []
        for pos, removes in claim:
            q = rb.project_of_claimant.get(pos)
            if q is None:
                continue
            for j in np.flatnonzero(col_project == q):
                c = int(completion[j])
                if c >= n_t:
                    continue
                c = max(c, 0)
                if removes:
                    years = np.arange(c, n_t)
                    er.append(years)
                    ec.append(np.full(years.size, j))
                    cr.append(years)
                    cc.append(np.full(years.size, j))
                else:
                    er.append(np.array([c]))
                    ec.append(np.array([j]))
                    later = np.arange(c + 1, n_t)
                    later = later[g.due_kr[k, later] != 0]
                    dr.append(later)
                    dc.append(np.full(later.size, j))
                    dv.append(-g.due_kr[k, later])
                    again = c + int(g.lifetime_years[k])
                    if again < n_t:
                        dr.append(np.array([again]))
                        dc.append(np.array([j]))
                        dv.append(np.array([g.value_kr[k]]))

        def cat(parts: list[Any], dtype: type) -> Any:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        ev_rows.append(cat(er, np.int64))
        ev_cols.append(cat(ec, np.int64))
        closed_rows.append(cat(cr, np.int64))
        closed_cols.append(cat(cc, np.int64))
        ch_rows.append(np.stack([cat(dr, np.int64), cat(dc, np.int64)]) if dr else np.zeros((2, 0), np.int64))
        ch_vals.append(cat(dv, float))
    return ev_rows, ev_cols, ch_vals, ch_rows, [np.stack([r, c]) for r, c in zip(closed_rows, closed_cols,
                                                                                   strict=True)]


def renewal_bounds(due_kr: FloatArray, lifetime_years: IntArray, value_kr: FloatArray,
                   renews: NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    r"""Upper bounds ``(C, U)`` (kr, per pool and year) that hold in any plan: ``C[g, t]`` on the backlog ``b_t``
    and on what is let go up to ``t`` (``W_t``, so on each ``w_t``), ``U[g, t]`` on what is renewed up to ``t``
    (``R_t``, so on each ``r_t``) — the big-M's of the event rows, year by year.

    Summing ``renewal:balance`` over the years up to ``t`` gives
    :math:`b_t + R_t + W_t = \sum_{s \le t} D_s + R_{t-L}` (``D`` the dues with the changes a chosen ombyggnad
    makes). With ``R_{t-L} \le R_t`` and ``b, W \ge 0``: :math:`b_t + W_t \le C_t`, the cumulative positive dues
    up to ``t`` plus, for a pool an ombyggnad renews, its value from year ``L`` on (the ombyggnad's renewal falls
    due again a lifetime after its completion, ``c ≥ 0``; the dues it removes only lower ``D``); and
    :math:`R_t \le C_t + R_{t-L}`, so :math:`R_t \le U_t = C_t + U_{t-L}` (``U_{t<0} = 0``). Early in the plan,
    when little has fallen due, these are far below the pool's value (the constant big-M before): a fraction of a
    closure can then let go only a fraction of what is really waiting.

    >>> c, u = renewal_bounds(np.array([[5.0, 1.0, 0.0, 2.0]]), np.array([2]), np.array([10.0]), np.array([False]))
    >>> c, u
    (array([[5., 6., 6., 8.]]), array([[ 5.,  6., 11., 14.]]))
    >>> renewal_bounds(np.array([[5.0, 1.0, 0.0, 2.0]]), np.array([2]), np.array([10.0]), np.array([True]))[1]
    array([[ 5.,  6., 21., 24.]])
    """
    due = np.maximum(np.asarray(due_kr, dtype=float), 0.0)
    n_t = due.shape[1]
    life = np.maximum(np.asarray(lifetime_years, dtype=np.int64), 1)
    cum = np.cumsum(due, axis=1)
    cum += np.where(np.asarray(renews, dtype=bool)[:, None] & (np.arange(n_t)[None, :] >= life[:, None]),
                    np.asarray(value_kr, dtype=float)[:, None], 0.0)
    renewed = cum.copy()
    for t in range(n_t):
        back = t - life
        has = back >= 0
        renewed[has, t] += renewed[np.flatnonzero(has), back[has]]
    return cum, renewed


def define_renewal_decisions(bm: object, agg: dict[str, VarBlock]) -> float:
    """Add the renewal decisions of ``bm.problem.renewal`` (module docstring) and their money to the aggregates
    ``agg`` (adding ``maintenance_relief`` and ``renewal_real`` when a target needs them). Returns the objective's
    constant (points): the cost of postponing of the data's policy without projects."""
    problem = bm.problem  # type: ignore[attr-defined]
    rb: RenewalBlock | None = getattr(problem, "renewal", None)
    if rb is None:
        return 0.0
    m = bm.lm  # type: ignore[attr-defined]
    g = rb.groups
    n_g, n_t = g.n_groups, problem.n_years
    tt = np.arange(n_t)
    life = np.asarray(g.lifetime_years, dtype=np.int64)
    ev_rows, ev_cols, ch_vals, ch_rows, closed = _events(problem, rb)
    renews = np.array([any(not rem for _, rem in c) for c in g.claimants], dtype=bool)
    # per pool and year (g*T + t): the tightest valid big-M's (renewal_bounds), never above the pool's value;
    # ``big`` for the backlog and what is let go, ``big_r`` for the renewal
    const = np.repeat(g.value_kr / MKR * np.where(renews, 2.0, 1.0), n_t)
    waiting, renewed = renewal_bounds(g.due_kr, life, g.value_kr, renews)
    big = _padded(np.minimum(const, waiting.reshape(-1) / MKR))
    big_r = _padded(np.minimum(const, renewed.reshape(-1) / MKR))
    claimed = np.array([ev.size > 0 for ev in ev_rows], dtype=bool)
    disc = np.asarray(problem.discount, dtype=float)[:n_t]
    pen = np.asarray(rb.penalty_share, dtype=float)[:n_t] * disc * MKR / problem.kr_per_point
    gi, ti = np.repeat(np.arange(n_g), n_t), np.tile(tt, n_g)
    coords = {"group": gi, "year": ti}
    upper = big
    r = m.add_variables("renewal:spend", lower=0.0, upper=big_r, cost=-RENEWAL_TIE_BREAKER, coords=coords)
    b = m.add_variables("renewal:backlog", lower=0.0, upper=upper, cost=-np.tile(pen, n_g), coords=coords)
    w = m.add_variables("renewal:let_go", lower=0.0, upper=np.where(np.repeat(claimed, n_t), upper, 0.0),
                        coords=coords)
    # balance: b_t − b_{t−1} + r_t − r_{t−L} + w_t − Σ ΔD x = D0_t
    row = gi * n_t + ti
    has_prev = ti >= 1
    back = ti - life[gi]
    has_back = back >= 0
    rows = [row, row[has_prev], row, row[has_back], row]
    cols = [b.index(), b.index(row[has_prev] - 1), r.index(), r.index(gi[has_back] * n_t + back[has_back]),
            w.index()]
    vals = [np.ones(row.size), -np.ones(int(has_prev.sum())), np.ones(row.size), -np.ones(int(has_back.sum())),
            np.ones(row.size)]
    for k in range(n_g):
        if ch_vals[k].size:
            rows.append(k * n_t + ch_rows[k][0])
            cols.append(bm.x.index(ch_rows[k][1]))  # type: ignore[attr-defined]
            vals.append(-ch_vals[k] / MKR)
    rhs = g.due_kr.reshape(-1) / MKR
    m.add_constraints("renewal:balance", rows=np.concatenate(rows), cols=np.concatenate(cols),
                      vals=np.concatenate(vals), lower=rhs, upper=rhs, coords=coords)
    # events: backlog 0, let go allowed; after a closure nothing is renewed
    for name, var, sign, sel in (("renewal:backlog_if_open", b, 1.0, ev_rows), ("renewal:let_go_if_event", w, -1.0,
                                                                                  ev_rows)):
        ks = np.flatnonzero(claimed)
        if not ks.size:
            break
        local = np.full(n_g, -1)
        local[ks] = np.arange(ks.size)
        rr = [np.arange(ks.size * n_t)]
        cc = [var.index(np.repeat(ks * n_t, n_t) + np.tile(tt, ks.size))]
        vv = [np.ones(ks.size * n_t)]
        for kk in ks:
            rr.append(local[kk] * n_t + sel[kk])
            cc.append(bm.x.index(ev_cols[kk]))  # type: ignore[attr-defined]
            vv.append(sign * big[kk * n_t + sel[kk]])
        bound = big.reshape(n_g, n_t)[ks].reshape(-1) if sign > 0 else np.zeros(ks.size * n_t)
        m.add_constraints(name, rows=np.concatenate(rr), cols=np.concatenate(cc), vals=np.concatenate(vv),
                          upper=bound, coords={"group": np.repeat(ks, n_t), "year": np.tile(tt, ks.size)})
    ks = np.array([k for k in range(n_g) if closed[k].shape[1]], dtype=np.int64)
    if ks.size:
        _define_let_go_by(bm, w, big, ks, ev_rows, ev_cols, n_t)
        rr = [np.arange(ks.size * n_t)]
        cc = [r.index(np.repeat(ks * n_t, n_t) + np.tile(tt, ks.size))]
        vv = [np.ones(ks.size * n_t)]
        for i, kk in enumerate(ks):
            rr.append(i * n_t + closed[kk][0])
            cc.append(bm.x.index(closed[kk][1]))  # type: ignore[attr-defined]
            vv.append(big_r[kk * n_t + closed[kk][0]])
        m.add_constraints("renewal:none_after_closure", rows=np.concatenate(rr), cols=np.concatenate(cc),
                          vals=np.concatenate(vv), upper=big_r.reshape(n_g, n_t)[ks].reshape(-1),
                          coords={"group": np.repeat(ks, n_t), "year": np.tile(tt, ks.size)})
    # depreciation per lifetime class, difference form
    idx = np.asarray(rb.construction_index, dtype=float)[:n_t]
    classes, cls = np.unique(life, return_inverse=True)
    n_c = classes.size
    d = m.add_variables("renewal:depreciation", lower=-INF, upper=INF, size=n_c * n_t,
                        coords={"lifetime": np.repeat(classes, n_t), "year": np.tile(tt, n_c)})
    drow = np.arange(n_c * n_t)
    rows, cols, vals = [drow, drow[np.tile(tt, n_c) >= 1]], [d.index(), d.index(drow[np.tile(tt, n_c) >= 1] - 1)], \
        [np.ones(n_c * n_t), -np.ones(n_c * (n_t - 1))]
    # a renewal in τ adds I_τ/ℓ to the depreciation from τ + 1 and takes it off again from τ + 1 + ℓ
    per_krona = idx[ti] / life[gi]
    for shift, sign in ((1 + np.zeros_like(life[gi]), -1.0), (1 + life[gi], 1.0)):
        at = ti + shift
        ok = at < n_t
        rows.append(cls[gi[ok]] * n_t + at[ok])
        cols.append(r.index(row[ok]))
        vals.append(sign * per_krona[ok])
    m.add_constraints("renewal:depreciation", rows=np.concatenate(rows), cols=np.concatenate(cols),
                      vals=np.concatenate(vals), lower=np.zeros(n_c * n_t), upper=np.zeros(n_c * n_t),
                      coords={"lifetime": np.repeat(classes, n_t), "year": np.tile(tt, n_c)})
    # money into the projects' aggregates (rows "agg_t − Σ effects = 0")
    m.add_entries("agg:invest_nominal", ti, r.index(), -idx[ti])
    m.add_entries("agg:invest_real", ti, r.index(), -np.ones(row.size))
    m.add_entries("agg:depreciation", np.tile(tt, n_c), d.index(), -np.ones(n_c * n_t))
    _add_to_investment_ceilings(bm, r, n_g, n_t)
    fb = problem.finance
    used = {var for tg in (fb.targets if fb is not None else []) for (var, _lag) in tg.effects}
    if "maintenance_relief" in used:
        rel = m.add_variables("agg:maintenance_relief", lower=-INF, upper=INF, size=n_t, coords={"year": tt})
        m.add_constraints("agg:maintenance_relief", rows=np.concatenate([tt, ti]),
                          cols=np.concatenate([rel.index(), b.index()]),
                          vals=np.ones(n_t + row.size), lower=rb.debt_if_nothing_kr / MKR,
                          upper=rb.debt_if_nothing_kr / MKR, size=n_t, coords={"year": tt})
        agg["maintenance_relief"] = rel
    if "renewal_real" in used:
        rr_ = m.add_variables("agg:renewal_real", lower=-INF, upper=INF, size=n_t, coords={"year": tt})
        m.add_constraints("agg:renewal_real", rows=np.concatenate([tt, ti]), cols=np.concatenate([rr_.index(),
                                                                                               r.index()]),
                          vals=np.concatenate([np.ones(n_t), -np.ones(row.size)]), lower=np.zeros(n_t),
                          upper=np.zeros(n_t), size=n_t, coords={"year": tt})
        agg["renewal_real"] = rr_
    rb.offset_points = float(pen @ (np.asarray(rb.policy_debt_kr, dtype=float)[:n_t] / MKR))
    return rb.offset_points


#: Added to every positive big-M and bound of the renewal block (Mkr: 1 kr), so that a plan's own renewal is never cut
#: off by rounding.
BIG_M_PAD_MKR = 1.0e-6


def _padded(bound_mkr: FloatArray) -> FloatArray:
    r"""A bound of :func:`renewal_bounds` in Mkr plus :data:`BIG_M_PAD_MKR` where it is positive, and exactly 0
    where nothing can be waiting. A pad there would make rows such as :math:`b_t + 10^{-6} x_j \le 10^{-6}`
    (Exempelkommun: 5 543 such entries), which HiGHS's presolve (1.16) treats as forcing rows within its
    tolerance: it fixes the columns ``x_j`` to 0 and reports a wrong optimum (a relaxation of the example
    "solved" to 40.36 where the true optimum is above 41.05). With the bound 0 the entry is not written at all."""
    return np.where(bound_mkr > 0.0, bound_mkr + BIG_M_PAD_MKR, 0.0)


def _define_let_go_by(bm: object, w: VarBlock, big: FloatArray, ks: IntArray, ev_rows: list[Any],
                      ev_cols: list[Any], n_t: int) -> None:
    r"""``renewal:let_go_by`` for the pools a closure claims: :math:`\sum_{s \le t} w_s \le C_t \sum_{j \in F_t}
    x_j` (``F_t`` the columns with an event by ``t``, ``C`` of :func:`renewal_bounds`). Valid: nothing is let go
    before an event, and never more than :math:`C_t` in all. The yearly ``let_go_if_event`` rows allow
    :math:`C_s x` in each year ``s``, so a closure done by a fraction ``x`` could let go every year's new dues
    and the backlog with them; with this row, at most the fraction ``x`` of all that fell due."""
    m = bm.lm  # type: ignore[attr-defined]
    tt = np.arange(n_t)
    lower_tri = np.tril(np.ones((n_t, n_t), dtype=bool))
    t_of, s_of = np.nonzero(lower_tri)  # row year t, summed year s <= t
    rr, cc, vv = [], [], []
    for i, k in enumerate(ks):
        rr.append(i * n_t + t_of)
        cc.append(w.index(k * n_t + s_of))
        vv.append(np.ones(t_of.size))
        cols = np.unique(ev_cols[k])
        if not cols.size:
            continue
        first_year = np.full(cols.size, n_t)
        np.minimum.at(first_year, np.searchsorted(cols, ev_cols[k]), ev_rows[k])
        cnt = n_t - first_year
        ty = np.repeat(first_year, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        rr.append(i * n_t + ty)
        cc.append(bm.x.index(np.repeat(cols, cnt)))  # type: ignore[attr-defined]
        vv.append(-big[k * n_t + ty])
    m.add_constraints("renewal:let_go_by", rows=np.concatenate(rr), cols=np.concatenate(cc), vals=np.concatenate(vv),
                      upper=np.zeros(ks.size * n_t), coords={"group": np.repeat(ks, n_t), "year": np.tile(tt, ks.size)})


def _add_to_investment_ceilings(bm: object, r: VarBlock, n_g: int, n_t: int) -> None:
    """The renewal counts in the investment ceilings (``investeringstak_kr``) over each row's rolling window."""
    problem = bm.problem  # type: ignore[attr-defined]
    for lim in bm.limits:  # type: ignore[attr-defined]
        if lim.target_type != "investeringstak_kr" or not lim.name.startswith("ceiling:"):
            continue
        k = int(lim.name.rsplit(":", 1)[1])
        window = max(int(problem.ceilings[k].window), 1)
        rows, cols = [], []
        for i, t in enumerate(np.asarray(lim.row_years, dtype=np.int64)):
            taus = np.arange(max(0, t - window + 1), t + 1)
            idx = (np.arange(n_g)[:, None] * n_t + taus[None, :]).ravel()
            rows.append(np.full(idx.size, i))
            cols.append(r.index(idx))
        if rows:
            bm.lm.add_entries(lim.name, np.concatenate(rows), np.concatenate(cols),  # type: ignore[attr-defined]
                              np.ones(sum(len(c) for c in cols)))


def claimed_pools(problem: object, projects: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Which pools one of the ``projects`` (a mask over the problem's projects) claims: the pools whose renewal a
    change of those projects alone can move."""
    rb: RenewalBlock = problem.renewal  # type: ignore[attr-defined]
    out = np.zeros(rb.groups.n_groups, dtype=bool)
    for k, claim in enumerate(rb.groups.claimants):
        out[k] = any(q is not None and projects[q] for q in (rb.project_of_claimant.get(pos) for pos, _ in claim))
    return out


# -- write-back ------------------------------------------------------------------------------------------------
def has_renewal_decisions(bm: object) -> bool:
    return "renewal:spend" in bm.lm.variables  # type: ignore[attr-defined]


def remember_solution(bm: object, x: FloatArray | None, solution: FloatArray | None, restricted: bool = False
                      ) -> None:
    """Keep the branch and bound's solution of the plan ``x``: its renewal is the one written back for it.
    ``restricted``: a sub-MIP's, in which the renewal of some pools was held as in an earlier plan
    (:func:`hushall.optimize.solve.improve_in_neighbourhoods`) — then the write-back also tries the renewal of
    :func:`renewal_for_plan`'s LPs and keeps the better (:func:`is_restricted`)."""
    if x is not None and solution is not None and has_renewal_decisions(bm):
        key = np.round(x).astype(np.int8).tobytes()
        bm.__dict__.setdefault("_renewal_solutions", {})[key] = solution
        restricted_keys = bm.__dict__.setdefault("_renewal_restricted", set())
        if restricted:
            restricted_keys.add(key)
        else:
            restricted_keys.discard(key)


def is_restricted(bm: object, x: FloatArray) -> bool:
    """Whether the solution kept for the plan ``x`` is a sub-MIP's with some renewal held (:func:`remember_solution`)."""
    return np.round(x).astype(np.int8).tobytes() in bm.__dict__.get("_renewal_restricted", set())


def carry_solutions(source: object, target: object, keep: int = 8) -> None:
    """Give ``target`` — a model of the same variables and rows as ``source``, with other costs or right-hand
    sides (a changed weight or frame, :class:`hushall.optimize.interactive.Reoptimiser`) — the branch and bound's
    solutions ``source`` keeps (:func:`remember_solution`; the last ``keep``), so that a previous plan is valued
    with its own renewal there too. Where that renewal breaks a changed row, :func:`hushall.optimize.solve.
    assign_solution` takes the two LPs' renewal instead when it breaks less."""
    kept = source.__dict__.get("_renewal_solutions", {})
    if kept and has_renewal_decisions(target):
        mine = target.__dict__.setdefault("_renewal_solutions", {})
        for key in list(kept)[-keep:]:
            mine.setdefault(key, kept[key])


def knows_renewal(bm: object, x: FloatArray) -> bool:
    """Whether the branch and bound's solution of the plan ``x`` is kept (:func:`remember_solution`)."""
    return np.round(x).astype(np.int8).tobytes() in bm.__dict__.get("_renewal_solutions", {})


#: Where :func:`warm_renewal_lps` keeps its HiGHS instances on the built model.
_WARM_LPS = "_renewal_warm_lps"


@contextmanager
def warm_renewal_lps(bm: object) -> Iterator[None]:
    """Within the block, :func:`renewal_for_plan`'s LPs for one plan after another (the explanations' plans with a
    project forced in) are each solved by one HiGHS instance that keeps its basis: only the bounds change from plan
    to plan (the plan's binaries, the indicators), so the dual simplex starts from the last plan's optimal basis
    instead of from scratch (Exempelkommun: 0.01 s an LP instead of 0.045 s). The LPs' optimal values are the same;
    where an LP has several optimal renewals the one found may depend on the plans before it in the block, so
    the block is only for a fixed sequence of plans (the same explanations for the same plan)."""
    had = _WARM_LPS in bm.__dict__
    if not had:
        bm.__dict__[_WARM_LPS] = {}
    try:
        yield
    finally:
        if not had:
            bm.__dict__.pop(_WARM_LPS, None)


def renewal_for_plan(bm: object, x: FloatArray, relation_blocks: tuple[str, ...] = (), known: bool | str = True
                     ) -> FloatArray:
    """A solution of the model for the plan ``x`` (its binaries fixed), whose renewal is written back: the branch
    and bound's own when it found this plan (:func:`remember_solution`; not with ``known=False``); with
    ``known="indicators"`` one LP, to the tolerance 1e-9 (0.001 kr), with the treasury and balanskrav indicators of
    the branch and bound's own solution fixed — its renewal, with the rows held exactly rather than within the
    MIP's feasibility tolerance of about 1 kr a row (Exempelkommun: 40.865 points where the two LPs give 40.835);
    else, with
    ``ModelOptions.renewal_evaluation == "milp"``, the best (a small MILP over the renewal and the treasury and
    balanskrav indicators, to 1e-6: what brute force needs; Exempelkommun about 20 s a plan), or by default
    (``"lp"``) two LPs: the LP relaxation's renewal, then — the treasury and balanskrav indicators fixed as the
    financial model has them with that renewal (:func:`hushall.optimize.warmstart.integer_values`) — the best
    renewal given them. The money is replayed exactly either way; the renewal is not always the best for the
    plan, so a plan evaluated this way (the ranking list, a project forced in or out by the explanations) can be
    worth a little less than with its best renewal — never reported as breaking a target it keeps with the
    renewal of the second LP. Exempelkommun, the optimiser's own plan: 40.76 points by the two LPs (0.2 s),
    40.80 with its best renewal; the first LP alone valued it at −19 829 points, breaking 18 target-years (its
    fractional treasury indicators allow a renewal the financial model's rule does not)."""
    kept = bm.__dict__.get("_renewal_solutions", {}).get(np.round(x).astype(np.int8).tobytes()) if known else None
    if kept is not None and known is True:
        return np.asarray(kept, dtype=float)
    exact = getattr(bm.options, "renewal_evaluation", "lp") == "milp"  # type: ignore[attr-defined]
    arr = dict(bm.lm.arrays())  # type: ignore[attr-defined]
    lo, up = arr["col_lower"].copy(), arr["col_upper"].copy()
    xs = slice(bm.x.start, bm.x.stop)  # type: ignore[attr-defined]
    lo[xs] = up[xs] = np.asarray(x, dtype=float)
    rl, ru = arr["row_lower"].copy(), arr["row_upper"].copy()
    for name in relation_blocks:
        blk = bm.lm.constraints.get(name)  # type: ignore[attr-defined]
        if blk is not None:
            rl[blk.start:blk.stop] = -np.inf
            ru[blk.start:blk.stop] = np.inf
    arr.update(col_lower=lo, col_upper=up, row_lower=rl, row_upper=ru)

    def solve(options: dict[str, Any] | None = None, stage: str = "first") -> FloatArray:
        warm = None if exact else bm.__dict__.get(_WARM_LPS)
        if warm is not None:
            h = warm.get(stage)
            if h is None:
                h = warm[stage] = highs_from_arrays(
                    arr, sense="max", offset=bm.lm.offset, relax=True, options=options)  # type: ignore[attr-defined]
            else:  # the same LP but for the bounds: from the last plan's basis
                n, m = len(arr["col_lower"]), len(arr["row_lower"])
                h.changeColsBounds(n, np.arange(n, dtype=np.int32), arr["col_lower"], arr["col_upper"])
                h.changeRowsBounds(m, np.arange(m, dtype=np.int32), arr["row_lower"], arr["row_upper"])
        else:
            h = highs_from_arrays(arr, sense="max", offset=bm.lm.offset,  # type: ignore[attr-defined]
                                  relax=not exact, options={"mip_rel_gap": 1e-6, "time_limit": 60.0} if exact
                                  else options)
        h.run()
        return np.asarray(h.getSolution().col_value, dtype=float)

    if kept is not None:  # known == "indicators"
        integer = np.flatnonzero(arr["integer"])
        lo[integer] = up[integer] = np.round(np.asarray(kept, dtype=float)[integer])
        exact = False
        return solve({"primal_feasibility_tolerance": 1e-9, "dual_feasibility_tolerance": 1e-9}, stage="tight")
    solution = solve()
    if exact or bm.problem.finance is None:  # type: ignore[attr-defined]
        return solution
    from hushall.optimize.problem import EFFECTS
    from hushall.optimize.warmstart import integer_values

    p = bm.problem  # type: ignore[attr-defined]
    effects = {name: np.asarray(p.effect(name).T @ np.asarray(x, float))[None, :] for name in EFFECTS}
    idx, val = integer_values(bm, np.asarray(x, float),  # type: ignore[arg-type]
                              renewal_effects(bm, *renewal_values(bm, solution, x), effects))
    lo, up = lo.copy(), up.copy()
    lo[idx] = up[idx] = val
    arr.update(col_lower=lo, col_upper=up)
    return solve(stage="second")


def renewal_values(bm: object, solution: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(renewal (G, T), backlog (G, T))`` in kr (price base year) of the plan ``x`` from a solution vector, by
    the forecast's recursion (:func:`hushall.needs.reinvestment.explicit_backlog` with the plan's events): the
    solver's renewal to the öre, never more than waits (solver tolerances), none after a closure."""
    lm = bm.lm  # type: ignore[attr-defined]
    problem = bm.problem  # type: ignore[attr-defined]
    g: RenewalGroups = problem.renewal.groups
    n_g, n_t = g.n_groups, problem.n_years
    blk = lm.variables["renewal:spend"]
    # to the öre: rounding each pool-year to the whole krona moved a binding debt row by about 1 kr
    # (Exempelkommun: låneskuld per invånare 0,7–1,2 kr over its limit, and the plan then reported as breaking it)
    asked = np.round(np.asarray(solution[blk.start:blk.stop], dtype=float).reshape(n_g, n_t) * MKR, 2)
    return renewal_as_asked(bm, asked, x)


def renewal_as_asked(bm: object, asked_kr: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(renewal (G, T), backlog (G, T))`` in kr of the plan ``x`` when the renewals ``asked_kr`` ``(G, T)`` are
    carried out as far as the plan's events allow
    (:func:`hushall.needs.reinvestment.renewal_within_reach`): never more than waits, none after a closure."""
    from hushall.needs.reinvestment import renewal_within_reach
    from hushall.projects.maintenance import renewal_events

    problem = bm.problem  # type: ignore[attr-defined]
    g: RenewalGroups = problem.renewal.groups
    closed, renewed, change = renewal_events(g, plan_completion(bm, x), problem.n_years)
    return renewal_within_reach(g.due_kr + change, g.lifetime_years, asked_kr, closed, closed | renewed)


def fix_renewal(bm: object, lo: FloatArray, up: FloatArray, renewal_kr: FloatArray, backlog_kr: FloatArray,
                x: FloatArray) -> None:
    """Fix the renewal, backlog and let-go columns of ``lo``/``up`` to :func:`renewal_values` of the plan ``x``
    (the write-back's LP then only completes the depreciation and the finances)."""
    lm = bm.lm  # type: ignore[attr-defined]
    problem = bm.problem  # type: ignore[attr-defined]
    g: RenewalGroups = problem.renewal.groups
    n_t = problem.n_years
    from hushall.projects.maintenance import renewal_events

    _, _, change = renewal_events(g, plan_completion(bm, x), n_t)
    life = np.asarray(g.lifetime_years, dtype=np.int64)
    prev = np.concatenate([np.zeros((g.n_groups, 1)), backlog_kr[:, :-1]], axis=1)
    back = np.arange(n_t)[None, :] - life[:, None]
    again = np.where(back >= 0, np.take_along_axis(renewal_kr, np.maximum(back, 0), axis=1), 0.0)
    let_go = np.maximum(prev + g.due_kr + change + again - renewal_kr - backlog_kr, 0.0)
    for name, value in (("renewal:spend", renewal_kr), ("renewal:backlog", backlog_kr), ("renewal:let_go", let_go)):
        blk = lm.variables[name]
        lo[blk.start:blk.stop] = up[blk.start:blk.stop] = value.reshape(-1) / MKR


def plan_completion(bm: object, x: FloatArray) -> dict[int, int]:
    """Position in sheet Projekt → completion year index of the plan's chosen projects."""
    problem = bm.problem  # type: ignore[attr-defined]
    rb: RenewalBlock = problem.renewal
    sheet_of = {q: pos for pos, q in rb.project_of_claimant.items()}
    completion = completed_in(problem)
    out = {}
    for j in np.flatnonzero(np.asarray(x) > 0.5):
        q = int(problem.col_project[j])
        if q in sheet_of:
            out[sheet_of[q]] = int(completion[j])
    return out


def completed_in(problem: object) -> IntArray:
    """Per column the year index at whose end the project is complete (start + duration − 1; the problem's
    ``completion`` is the first year in use)."""
    p = problem
    return np.asarray(p.col_start + p.duration[p.col_project] - 1, dtype=np.int64)  # type: ignore[attr-defined]


def renewal_effects(bm: object, renewal_kr: FloatArray, backlog_kr: FloatArray,
                    effects: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """The project aggregates ``(1, T)`` of a plan plus its renewal: investment (nominal and real), depreciation,
    and the maintenance relief ``U^0 − Σ b`` and renewal (for the targets) — what the financial block's replay
    takes."""
    problem = bm.problem  # type: ignore[attr-defined]
    rb: RenewalBlock = problem.renewal
    from hushall.projects.maintenance import lifetime_depreciation

    idx = np.asarray(rb.construction_index, dtype=float)[: problem.n_years]
    spend = renewal_kr.sum(axis=0)
    lives, cls = np.unique(rb.groups.lifetime_years, return_inverse=True)
    by_life = np.zeros((lives.size, problem.n_years))
    np.add.at(by_life, cls, renewal_kr)
    out = dict(effects)
    out["invest_nominal"] = effects["invest_nominal"] + (spend * idx)[None, :]
    out["invest_real"] = effects["invest_real"] + spend[None, :]
    out["depreciation"] = effects["depreciation"] + lifetime_depreciation(by_life, lives, idx)[None, :]
    out["maintenance_relief"] = (rb.debt_if_nothing_kr - backlog_kr.sum(axis=0))[None, :]
    out["renewal_real"] = spend[None, :]
    return out


def renewal_table(bm: object, renewal_kr: FloatArray, backlog_kr: FloatArray) -> pd.DataFrame:
    """One row per pool and year with any renewal or backlog: ``group, facilities, lifetime_years, year,
    renewal_kr, backlog_kr`` (real kr, price base year)."""
    problem = bm.problem  # type: ignore[attr-defined]
    g: RenewalGroups = problem.renewal.groups
    n_g, n_t = renewal_kr.shape
    gi, ti = np.repeat(np.arange(n_g), n_t), np.tile(np.arange(n_t), n_g)
    df = pd.DataFrame({"group": gi, "facilities": np.asarray(g.facilities, dtype=object)[gi],
                       "lifetime_years": g.lifetime_years[gi], "year": np.asarray(problem.years)[ti],
                       "renewal_kr": renewal_kr.reshape(-1), "backlog_kr": backlog_kr.reshape(-1)})
    return df[(df["renewal_kr"] != 0) | (df["backlog_kr"] != 0)].reset_index(drop=True)


def renewal_matrix(table: pd.DataFrame, n_groups: int, years: NDArray[np.int64]) -> FloatArray:
    """``(G, T)`` renewal from :func:`renewal_table` rows (the forecast's :class:`RenewalPlan` amounts)."""
    out = np.zeros((n_groups, len(years)))
    if len(table):
        t = np.searchsorted(np.asarray(years), table["year"].to_numpy(dtype=np.int64))
        np.add.at(out, (table["group"].to_numpy(dtype=np.int64), t), table["renewal_kr"].to_numpy(dtype=float))
    return out
