r"""A bound tighter than the LP relaxation for large models with the places network: Lagrangian relaxation of
the rows that join the projects to the money.

Why. With the places network the LP relaxation is the weak side of the gap at scale (issue 14: 5 000 projects
with places and reinvestment decisions, the plan 1.7–2.0 % below the LP bound after 60 s; HiGHS's root on the
whole model does not finish one round of cuts in that time). The projects, the places they add and the
reinvestment pools they claim fall apart into small parts — one per connected part of the places network, one
per project without places — once a few rows are taken out: the yearly aggregates that carry the projects'
money into the financial block, and the ceilings over all projects. Each part is a small MILP that HiGHS closes
(or nearly) in well under a second, with its own cuts.

Formulation. The model is :math:`\max\, c^\top x` s.t. :math:`l \le Ax \le u`, :math:`x \in X` (bounds,
integrality). Split the rows into the coupling rows :math:`D` (:func:`coupling_rows`) and the rest :math:`K`.
For any multipliers :math:`y`, with :math:`b_i = u_i` where :math:`y_i > 0` and :math:`b_i = l_i` where
:math:`y_i < 0` (a multiplier whose bound is infinite is set to 0),

.. math::

    L(y) = \sum_{i \in D} y_i b_i + \max \{ (c - A_D^\top y)^\top x : l_K \le A_K x \le u_K,\ x \in X \}
    \;\ge\; z^*,

because every feasible :math:`x` has :math:`y_i (b_i - a_i x) \ge 0` on every coupling row (weak duality;
Geoffrion 1974, "Lagrangean relaxation for integer programming"). The inner maximum separates into the connected
components of :math:`A_K`; each contributes its best bound — HiGHS's MIP dual bound where its branch and bound
ran, its LP relaxation where it did not — so :math:`L` is an upper bound whatever the time allowed. With
:math:`y` the LP relaxation's row duals and every part relaxed, :math:`L(y)` equals the LP bound (LP duality);
with the parts whole it is at most the LP bound and at least :math:`z^*`.

What it gives (docs/performance.md, "a Lagrangian bound"): 500 projects with places and reinvestment decisions,
546.92 → 544.23 (0.5 % tighter); 5 000, 5 425.14 → 5 401.22 (0.44 % tighter) with 3 s per part.

Build (:func:`coupling_rows`), solve (:func:`lagrangian_bound`) and the use of the bound
(:func:`hushall.optimize.solve.solve_model`, in a second process) are apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hushall.optimize.linear import highs_from_arrays, independent_parts

if TYPE_CHECKING:  # the second process imports this module without the model's
    from hushall.optimize.model import BuiltModel

FloatArray = NDArray[np.float64]

#: Variable blocks on the projects' side: the start columns and what hangs on them alone (the places they serve,
#: the reinvestment pools they claim). Every other block (aggregates, the financial model, slack) is the money's.
PROJECT_SIDE = ("x", "started_by", "flow", "unmet", "capacity_below_zero", "renewal:spend", "renewal:backlog",
                "renewal:let_go")

#: Columns per HiGHS call: whole components grouped up to about this size (one call each).
BIN_COLUMNS = 3000
#: Seconds of branch and bound per group of components at most.
PART_TIME_S = 3.0


def coupling_rows(bm: BuiltModel, arr: dict[str, Any] | None = None) -> NDArray[np.bool_]:
    """The rows relaxed into the objective: every row with a column on the projects' side
    (:data:`PROJECT_SIDE`) and a column on the money's side — the yearly aggregates of the projects' investment,
    depreciation and operating cost, the investment ceilings, the reinvestment's depreciation. What is left joins
    projects only through the places network, their relations (depends on, alternatives) and their pools.
    ``arr``: the model's arrays when at hand."""
    a = sp.csr_matrix((arr or bm.lm.arrays())["matrix"], copy=True)
    a.data[:] = 1.0
    project = np.zeros(a.shape[1])
    for name, blk in bm.lm.variables.items():
        if name in PROJECT_SIDE:
            project[blk.start:blk.stop] = 1.0
    on_project = (a @ project) > 0
    on_money = (a @ (1.0 - project)) > 0
    return np.asarray(on_project & on_money)


@dataclass(frozen=True)
class LagrangianBound:
    """The bound :math:`L(y)` (module docstring) and how it was reached: ``parts`` groups of components, of which
    ``closed`` are solved to their gap (by branch and bound, or by the LP when it takes every integer whole) and
    ``relaxed`` kept their LP value (the time ran out)."""

    value: float
    parts: int
    closed: int
    relaxed: int
    seconds: float


def lagrangian_bound(arr: dict[str, Any], row_dual: FloatArray, coupled: NDArray[np.bool_], *, offset: float,
                     deadline: float, part_time_s: float = PART_TIME_S, bin_columns: int = BIN_COLUMNS,
                     options: dict[str, Any] | None = None) -> LagrangianBound:
    """:math:`L(y)` for the model ``arr`` (maximised, with the constant ``offset``), the multipliers ``row_dual``
    and the coupling rows ``coupled``. Every group of components is first solved as an LP (a valid bound for it);
    then, until ``deadline`` (``time.perf_counter()``), each group is solved as a MILP for at most
    ``part_time_s`` seconds and its MIP dual bound kept where lower (``options``: HiGHS options for every call,
    e.g. ``threads``) — skipping the groups whose LP takes every integer whole (closed already) and taking the
    others by how many integers their LP splits, most first. Returns ``inf`` as the value when a group is
    unbounded or infeasible (no bound: the caller keeps the LP's).

    >>> a = {"matrix": sp.csc_matrix(np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])),
    ...      "cost": np.array([1.0, 1.0]), "col_lower": np.zeros(2), "col_upper": np.ones(2),
    ...      "row_lower": np.full(3, -np.inf), "row_upper": np.array([1.5, 0.5, 0.5]),
    ...      "integer": np.ones(2, dtype=bool)}
    >>> # max x0 + x1, x0 + x1 <= 1.5 (coupling, priced 0.5), x0 <= 0.5, x1 <= 0.5 binary: optimum 0
    >>> b = lagrangian_bound(a, np.array([0.5, 0.0, 0.0]), np.array([True, False, False]), offset=0.0,
    ...                      deadline=float("inf"))
    >>> b.value, b.closed  # 0.75 + two parts of max 0.5 x over x in {0}: tighter than the LP's 1.0
    (0.75, 1)
    """
    t0 = time.perf_counter()
    y = np.where(coupled, np.asarray(row_dual, dtype=float), 0.0)
    rl, ru = np.asarray(arr["row_lower"], dtype=float), np.asarray(arr["row_upper"], dtype=float)
    b = np.where(y > 0, ru, rl)
    priced = y != 0
    y[priced & ~np.isfinite(b)] = 0.0  # a multiplier on an open side bounds nothing
    priced = y != 0
    a = sp.csr_matrix(arr["matrix"])
    cost = np.asarray(arr["cost"], dtype=float) - a.T @ y
    keep = np.flatnonzero(~coupled)
    inner = a[keep]
    total = float(offset + np.sum(y[priced] * b[priced]))
    groups = independent_parts(inner, bin_columns)
    values = []
    subs = []
    split = []  # integer columns the group's LP takes in part
    for rows, cols in groups:
        sub = {"matrix": inner[rows][:, cols].tocsc(), "cost": cost[cols],
               "col_lower": np.asarray(arr["col_lower"])[cols], "col_upper": np.asarray(arr["col_upper"])[cols],
               "row_lower": rl[keep[rows]], "row_upper": ru[keep[rows]],
               "integer": np.asarray(arr["integer"])[cols]}
        h = highs_from_arrays(sub, sense="max", relax=True, options=options)
        h.run()
        if h.modelStatusToString(h.getModelStatus()) != "Optimal":
            return LagrangianBound(float("inf"), len(groups), 0, len(groups), time.perf_counter() - t0)
        values.append(float(h.getInfo().objective_function_value))
        subs.append(sub)
        lp_x = np.asarray(h.getSolution().col_value)[sub["integer"]]
        split.append(int(np.count_nonzero(np.abs(lp_x - np.round(lp_x)) > 1e-6)))
    # a group whose LP takes every integer whole is closed already (its MILP has the LP's optimum); the others
    # by how many integers their LP splits, most first: that is where the bound moves
    closed = sum(1 for k in range(len(subs)) if split[k] == 0)
    for k in sorted((k for k in range(len(subs)) if split[k] > 0), key=lambda k: -split[k]):
        left = deadline - time.perf_counter()
        if left <= 0.05:
            break
        h = highs_from_arrays(subs[k], sense="max", options={**(options or {}), "mip_rel_gap": 1e-6,
                                                               "time_limit": float(min(part_time_s, left))})
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        if status in ("Optimal", "Time limit reached"):
            bound = float(h.getInfo().mip_dual_bound)
            if np.isfinite(bound):
                values[k] = min(values[k], bound)
                closed += status == "Optimal"
    return LagrangianBound(total + float(sum(values)), len(groups), closed, len(groups) - closed,
                           time.perf_counter() - t0)
