r"""The data's reinvestment policy as a fixed renewal under every plan: what the ranking baseline funds.

With renewal decisions (:mod:`hushall.optimize.renewal_decisions`) the financial model is run without any
reinvestment and the renewal is a variable block. A plan valuation that replays the finance of the projects
alone — the greedy of the ranking comparison and of the warm start (:class:`hushall.optimize.warmstart._Plan`) —
then sees the whole frame as room for projects, and the renewal gets what is left when the plan is written back
(Exempelkommun: the list "funded while every target holds" took 18 projects and left 0 kr of renewal in 2026 and
2027). This module gives such valuations the renewal the municipality funds when the optimiser does not decide:

Renewal of the list
    ``P_{g,t}`` — the data's policy (sheet Antaganden: today's frame ``reinvestering_ram_kr``, or *as needed*)
    run over the optimiser's pools ``g`` without projects
    (:func:`hushall.needs.reinvestment.policy_renewal_by_pool`: each year's spend is the policy's, shared among
    the pools in proportion to what waits in them). Under a plan ``x`` the pools keep that renewal as far as the
    plan's events allow (:func:`hushall.needs.reinvestment.renewal_within_reach`)::

        w_{g,t}(x) = b_{g,t−1} + D^0_{g,t} + ΔD_{g,t}(x) + r_{g,t−L_g}      due and waiting
        r_{g,t}(x) = 0                      if a chosen project has closed g by t
                   = min(P_{g,t}, w_{g,t})  otherwise
        b_{g,t}(x) = w_{g,t} − r_{g,t}       (0 when closed, or renewed by an ombyggnad in t)

    — the policy's money, less what a closure or an ombyggnad of the plan makes unnecessary; never a renewal ahead
    of its due year (the frame's early renewals, where less waits than the frame, are not renewal the pools can
    hold: the decision model has ``b ≥ 0`` too).

Why a fair baseline
    A finance department that does not optimise keeps its reinvestment frame and funds projects from what is
    left: "today's policy + projects while every target holds". Its investment, depreciation and maintenance debt
    are the policy's, so the comparison with the optimiser (which may renew more, less or elsewhere) is one of
    whole plans, renewal included, both valued by the same objective (the backlog's yearly cost of postponing
    ``δ_t s_t b_{g,t} / κ`` in points).

Additivity
    Two projects claiming one pool are alternatives (:func:`hushall.optimize.inputs.shared_claim_groups`), so at
    most one chosen project acts on each pool and the plan's renewal money is the no-project policy plus a sum of
    per-column changes — ``E_t(x) = E^0_t + \sum_j x_j ΔE_{j,t}`` for every aggregate ``E`` (investment real and
    nominal, depreciation over the pool's lifetime from the year after (RKR R4), maintenance relief ``U^0 − Σ_g b``,
    renewal) and the backlog's points ``Π(x) = Π^0 + \sum_j x_j ΔΠ_j``. The greedy adds ``ΔE_j`` to each column's
    own effects, so its batched replays value the renewal exactly as the write-back does
    (:func:`hushall.optimize.evaluate.evaluate_plan` with ``renewal_kr = P``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hushall.optimize.renewal_decisions import completed_in, renewal_effects

FloatArray = NDArray[np.float64]

#: The aggregates the renewal moves (:func:`hushall.optimize.renewal_decisions.renewal_effects`).
RENEWAL_AGGREGATES: tuple[str, ...] = ("invest_real", "invest_nominal", "depreciation", "maintenance_relief",
                                       "renewal_real")

#: Columns whose events are evaluated together (leading axis of the recursion; memory ``chunk × G × T``).
_CHUNK = 256


@dataclass
class PolicyRenewal:
    """The data's policy as a fixed renewal (module docstring).

    Attributes
    ----------
    renewal_kr
        ``(G, T)`` the policy's renewal per pool without projects, ``P`` (real kr): what the write-back is asked.
    base
        Aggregate → ``(T,)``: the policy's money without projects, ``E^0``.
    column
        Aggregate → ``(columns, T)`` sparse: each column's change of it, ``ΔE_j``.
    base_points, column_points
        The backlog's cost of postponing without projects (points, ≤ 0) and each column's change of it, ``ΔΠ_j``.
    """

    renewal_kr: FloatArray
    base: dict[str, FloatArray]
    column: dict[str, sp.csr_matrix]
    base_points: float
    column_points: FloatArray


def policy_renewal(bm: object) -> PolicyRenewal | None:
    """The policy renewal of a model with renewal decisions (``None`` without them); computed once per model."""
    problem = bm.problem  # type: ignore[attr-defined]
    rb = getattr(problem, "renewal", None)
    if rb is None or rb.policy_renewal_kr is None or problem.finance is None:
        return None
    cached = bm.__dict__.get("_policy_renewal")
    if isinstance(cached, PolicyRenewal):
        return cached
    from hushall.needs.reinvestment import renewal_within_reach
    from hushall.projects.maintenance import renewal_events

    g = rb.groups
    n_t, n_cols = problem.n_years, problem.n_columns
    asked = np.asarray(rb.policy_renewal_kr, dtype=float)[:, :n_t]
    # points per krona of backlog in year t (the objective's −δ_t s_t b / κ)
    weight = np.asarray(rb.penalty_share, dtype=float)[:n_t] * np.asarray(problem.discount, float)[:n_t] \
        / problem.kr_per_point
    zero = {name: np.zeros((1, n_t)) for name in RENEWAL_AGGREGATES}
    r0, b0 = renewal_within_reach(g.due_kr, g.lifetime_years, asked, np.zeros((g.n_groups, n_t), bool),
                                  np.zeros((g.n_groups, n_t), bool))
    e0 = renewal_effects(bm, r0, b0, zero)
    base = {name: e0[name][0] for name in RENEWAL_AGGREGATES}
    base_points = -float(weight @ b0.sum(axis=0))
    # the columns of projects that claim a pool: their events change the renewal
    sheet_of = {q: pos for pos, q in rb.project_of_claimant.items()}
    claimed = {pos for claim in g.claimants for pos, _ in claim}
    cols = np.flatnonzero(np.isin(problem.col_project, [q for q, pos in sheet_of.items() if pos in claimed]))
    done = completed_in(problem)
    rows: dict[str, list[FloatArray]] = {name: [] for name in RENEWAL_AGGREGATES}
    points = np.zeros(n_cols)
    for lo in range(0, cols.size, _CHUNK):
        part = cols[lo:lo + _CHUNK]
        k = part.size
        # one "draw" per column: its own project completed as the column says, every other project never
        completion = {pos: np.where(problem.col_project[part] == q, done[part], n_t)
                      for q, pos in sheet_of.items() if pos in claimed}
        closed, renewed, change = renewal_events(g, completion, n_t)
        r, b = renewal_within_reach(g.due_kr + change, g.lifetime_years, asked, closed, closed | renewed)
        for i in range(k):
            e = renewal_effects(bm, r[i], b[i], zero)
            for name in RENEWAL_AGGREGATES:
                rows[name].append(e[name][0] - base[name])
        points[part] = -(b.sum(axis=1) @ weight) - base_points
    column = {}
    for name in RENEWAL_AGGREGATES:
        dense = np.vstack(rows[name]) if rows[name] else np.zeros((0, n_t))
        m = sp.lil_matrix((n_cols, n_t))
        if cols.size:
            m[cols] = dense
        column[name] = sp.csr_matrix(m)
    out = PolicyRenewal(renewal_kr=asked, base=base, column=column, base_points=base_points, column_points=points)
    bm.__dict__["_policy_renewal"] = out
    return out
