r"""The investment-plan MILP, built block by block from sparse arrays.

Build, solve and write-back are separate steps (as PyPSA's ``create_model`` / ``solve_model`` /
``assign_solution``): :func:`create_model` here, :func:`hushall.optimize.solve.solve_model` and
:func:`hushall.optimize.solve.assign_solution`. Each constraint family is one function, one vectorised call,
one name.

Formulation (money in Mkr inside the model; ``x`` are the columns of
:class:`~hushall.optimize.problem.OptimizationProblem`)

Variables
    * ``x[j]`` binary: project ``p(j)`` starts in year ``s(j)``;
    * ``started_by[p, i]`` integer: :math:`\sum_{s \le s_i} x_{p,s}`, project ``p`` has started by its
      ``i``-th start year (for branching; :func:`define_started_by`);
    * ``agg:<g>[t]`` yearly aggregates of the chosen projects (investment cash nominal, depreciation, operating
      cost change), defined by equations so every yearly total enters the financial rows once;
    * ``fin:<v>[t]`` the financial model's yearly variables (result, borrowing >= 0, debt, cash >= floor, …);
    * ``flow[a, t]`` places of demand point ``q(a)`` served at facility ``n(a)``; ``unmet[q, t]`` >= 0;
    * ``slack:<family>[i]`` >= 0: elastic violation of a target or ceiling (named row by row).

Constraints
    * ``start_once``: :math:`\sum_s x_{p,s} \le 1` (``= 1`` when must-do; fixed start = one column);
    * ``started_by``: :math:`w_{p,i} - \sum_{s \le s_i} x_{p,s} = 0`;
    * ``depends_on``: for B depending on A, every year t: :math:`\sum_{s\le t} x_{B,s} \le
      \sum_{s + d_A \le t} x_{A,s}` — B starts only after A is complete (and B chosen ⇒ A chosen);
    * ``exclusive``: :math:`\sum_{p\in g}\sum_s x_{p,s} \le 1` per group of alternatives;
    * ``ceiling:<id>``: investment volume :math:`\sum_{\tau \in W_t}(\sum_j I^{real}_{j,\tau} x_j + R_\tau) \le
      |W_t|\,\bar I` over the ceiling's rolling window (``R``: the reinvestment policy's volume, outside the plan), or projects under construction
      :math:`\sum_j [s_j \le t < s_j + d_j] x_j \le \bar N` (elastic);
    * ``capacity_demand``: :math:`\sum_{a\to q} f_{a,t} + u_{q,t} = D_{q,t}`;
      ``capacity_node``: :math:`\sum_{a\to n} f_{a,t} \le C_n + \sum_j \Delta_{p(j)}[c_j \le t] x_j`;
      valid inequalities ``capacity_site`` (a new site serves at most its built share) and ``capacity_region``
      (a region's excess demand over today's places, :func:`define_capacity_regions`);
    * ``agg:*``: aggregate definitions, depreciation and operating cost in difference (stock) form
      :math:`G_t - G_{t-1} = \sum_j (A_{j,t} - A_{j,t-1}) x_j` so each column has a few nonzeros only;
    * ``fin:*``: the financial model's yearly equations (:mod:`hushall.optimize.finance_block`);
    * ``target:<id>``: every target of Mål in every year it applies (elastic);
    * ``renewal:*``: with renewal decisions, renewal, backlog and let-go per pool of components and year
      (:mod:`hushall.optimize.renewal_decisions`); ``maintenance_relief:shared``: components two projects claim,
      counted once in the maintenance-debt rows (:mod:`hushall.optimize.maintenance_rows`).

Objective (maximise, points)
    :math:`\sum_j (v_j + r_j/\kappa) x_j - \sum_{q,t} \pi_t \delta_t u_{q,t}/\kappa - M\sum \text{slack}
    - \epsilon(\text{borrowing}, \text{distance})` with ``v`` the discounted weighted criteria score, ``r`` the
    discounted maintenance-debt penalty the project avoids, ``κ`` kr per point, ``π`` the penalty per unmet place
    and ``δ`` the discount factor. A constant (the do-nothing plan's unmet-place penalty) is added so the
    objective reads as the plan's net benefit over doing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hushall.data.target_types import TARGET_TYPES
from hushall.optimize.delivery import define_delivery_ceilings
from hushall.optimize.finance_block import AGGREGATES, OPTIONAL_AGGREGATES
from hushall.optimize.linear import INF, LinearModel, VarBlock
from hushall.optimize.maintenance_rows import define_shared_relief
from hushall.optimize.problem import CapacityBlock, OptimizationProblem
from hushall.optimize.renewal_decisions import define_renewal_decisions

MKR = 1.0e6  # model unit of money

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class ModelOptions:
    """Modelling options.

    Attributes
    ----------
    violation_penalty
        Points per Mkr (per project for the parallel ceiling, scaled by the mean project cost) of violating a
        target or ceiling. ``None``: 100 × the best value per Mkr of any project-year, large enough that a plan
        breaks a target only when no plan meets it.
    elastic
        Add slack to targets and ceilings so that no plan is ever "infeasible": the answer is then the smallest
        violation. Without it an infeasible instance has no solution.
    borrowing_penalty
        Points per Mkr borrowed (tiny; the write-back LP minimises borrowing exactly).
    distance_penalty
        Points per place-km, so that places are filled nearest first.
    """

    violation_penalty: float | None = None
    elastic: bool = True
    borrowing_penalty: float = 1.0e-6
    distance_penalty: float = 1.0e-7
    #: With renewal decisions, how a plan the branch and bound did not solve gets its renewal (the ranking list,
    #: the explanations' forced plans): ``"lp"`` (two LPs, a fraction of a second: good, not always the best) or
    #: ``"milp"`` (the best, exact, seconds a plan; :func:`hushall.optimize.renewal_decisions.renewal_for_plan`).
    renewal_evaluation: str = "lp"


@dataclass
class LimitRows:
    """One family of target or ceiling rows (one row per year it applies), with its elastic slack."""

    name: str
    kind: str  # "target" | "ceiling" | "capacity"
    target_id: str
    target_type: str
    label: str
    sense: str  # "ge" | "le"
    row_years: IntArray  # year index of each row
    unit: str  # "kr" | "projekt"
    scale: float  # real units per model unit (kr per Mkr, or 1)
    slack: VarBlock | None = None


@dataclass
class BuiltModel:
    """The assembled model with the bookkeeping needed to solve, write back and explain it."""

    problem: OptimizationProblem
    options: ModelOptions
    lm: LinearModel
    x: VarBlock
    limits: list[LimitRows] = field(default_factory=list)
    violation_penalty: float = 0.0
    do_nothing_unmet_points: float = 0.0
    lp_reduced_costs: FloatArray | None = None
    #: The LP relaxation's optimal basis (``highspy.HighsBasis``, kept by
    #: :func:`hushall.optimize.solve.solve_lp_relaxation`); one set before the solve — a previous model's of the
    #: same shape (:class:`hushall.optimize.interactive.Reoptimiser`) — is where the LP starts.
    lp_basis: Any = None

    def limit(self, name: str) -> LimitRows:
        for lim in self.limits:
            if lim.name == name:
                return lim
        raise KeyError(name)


# -- constraint families ---------------------------------------------------------------------------------
def define_start_variables(m: LinearModel, problem: OptimizationProblem, debt_weight: float) -> VarBlock:
    """Binary start variables with their objective: discounted value plus the maintenance-debt penalty avoided."""
    cost = problem.value + debt_weight * problem.debt_relief_kr / problem.kr_per_point
    return m.add_variables("x", lower=0.0, upper=1.0, cost=cost, integer=True,
                           coords={"project": problem.col_project, "start": problem.col_start})


def define_start_once(m: LinearModel, problem: OptimizationProblem, x: VarBlock) -> None:
    """Each project starts at most once; must-do projects exactly once."""
    p_count = problem.n_projects
    lower = np.where(problem.must_do, 1.0, 0.0)
    has_cols = np.bincount(problem.col_project, minlength=p_count) > 0
    lower = np.where(has_cols, lower, 0.0)
    m.add_constraints("start_once", rows=problem.col_project, cols=x.index(), vals=np.ones(problem.n_columns),
                      lower=lower, upper=np.ones(p_count), coords={"project": np.arange(p_count)})


def started_by_terms(problem: OptimizationProblem) -> tuple[IntArray, IntArray]:
    """For :func:`define_started_by`: each term's row (local index) and ``x`` column. A project with start
    columns ``c_1 … c_k`` in start-year order (``k >= 2``) gets ``k`` consecutive rows, row ``i`` summing
    ``x_{c_1} … x_{c_i}``; projects with one column get none.

    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(col_project=np.array([0, 0, 0, 1]), col_start=np.array([2, 0, 1, 0]), n_projects=2)
    >>> rows, cols = started_by_terms(p)
    >>> rows.tolist(), cols.tolist()
    ([0, 1, 1, 2, 2, 2], [1, 1, 2, 1, 2, 0])
    """
    order = np.lexsort((problem.col_start, problem.col_project))
    proj = problem.col_project[order]
    counts = np.bincount(proj, minlength=problem.n_projects)
    rank = _ramp(counts)  # position of each column within its project, by start year
    keep = counts[proj] >= 2
    order, proj, rank = order[keep], proj[keep], rank[keep]
    # row of (project, i): projects' rows are consecutive; column at rank r enters rows i >= r
    row0 = np.concatenate([[0], np.cumsum(counts[counts >= 2])])[:-1]
    first_row = np.full(problem.n_projects, -1)
    first_row[counts >= 2] = row0
    size = counts[proj]
    reps = size - rank
    col = np.repeat(order, reps)
    row = np.repeat(first_row[proj] + rank, reps) + _ramp(reps)
    srt = np.lexsort((problem.col_start[col], row))
    return row[srt], col[srt]


def define_started_by(m: LinearModel, problem: OptimizationProblem, x: VarBlock) -> VarBlock | None:
    r"""Integer "started by" variables: :math:`w_{p,i} = \sum_{s \le s_i} x_{p,s}` over a project's start years in
    order (the last is "chosen at all"), one per project and start year for projects with two or more.

    They add nothing to the LP relaxation (the map from ``x`` to ``w`` is unimodular) but give branch and bound
    the decisions that matter: "started by year t or not" splits the LP's habit of spreading a project over
    neighbouring start years to smooth its yearly outlays under the financial targets (0.5/0.5 …), where
    branching on one ``x_{p,s}`` only moves that weight to the next year. Measured on Exempelkommun (issue 14,
    docs/performance.md): 1 % in 13–20 s and 0.5 % in 12–46 s, where it stood at 2.1 % after 60 s without them.
    ``w`` is determined by ``x``: fixing ``x`` fixes it.
    """
    rows, cols = started_by_terms(problem)
    if not rows.size:
        return None
    n = int(rows.max()) + 1
    w = m.add_variables("started_by", lower=0.0, upper=1.0, integer=True, size=n)
    m.add_constraints("started_by", rows=np.concatenate([np.arange(n), rows]),
                      cols=np.concatenate([w.index(), x.index(cols)]),
                      vals=np.concatenate([np.ones(n), -np.ones(len(rows))]),
                      lower=np.zeros(n), upper=np.zeros(n), size=n)
    return w


def define_dependencies(m: LinearModel, problem: OptimizationProblem, x: VarBlock) -> None:
    """B not before A is done: by every year t, B started ⇒ A completed (cumulative form, tight LP)."""
    dep_b = np.flatnonzero(problem.depends_on >= 0)
    if not dep_b.size:
        return
    t_count = problem.n_years
    pair_of_b = np.full(problem.n_projects, -1)
    pair_of_b[dep_b] = np.arange(len(dep_b))
    a_of_pair = problem.depends_on[dep_b]
    rows, cols, vals = [], [], []
    # B's columns: +1 in the rows t >= s
    jb = np.flatnonzero(pair_of_b[problem.col_project] >= 0)
    sb = problem.col_start[jb]
    nb = t_count - sb
    rb = np.repeat(pair_of_b[problem.col_project[jb]] * t_count, nb) + np.repeat(sb, nb) + _ramp(nb)
    rows.append(rb)
    cols.append(x.index(np.repeat(jb, nb)))
    vals.append(np.ones(len(rb)))
    # A's columns: -1 in the rows t >= s + d_A, for every pair in which the project is A
    comp = problem.completion
    for k, a in enumerate(a_of_pair):
        ja = np.flatnonzero(problem.col_project == a)
        ca = comp[ja]
        na = np.maximum(t_count - ca, 0)
        ra = k * t_count + np.repeat(ca, na) + _ramp(na)
        rows.append(ra)
        cols.append(x.index(np.repeat(ja, na)))
        vals.append(-np.ones(len(ra)))
    n_rows = len(dep_b) * t_count
    m.add_constraints("depends_on", rows=np.concatenate(rows), cols=np.concatenate(cols),
                      vals=np.concatenate(vals), upper=np.zeros(n_rows),
                      coords={"project": np.repeat(dep_b, t_count), "year": np.tile(np.arange(t_count),
                                                                                     len(dep_b))})


def define_exclusive_groups(m: LinearModel, problem: OptimizationProblem, x: VarBlock) -> None:
    """At most one project of each group of mutually exclusive alternatives."""
    g = problem.exclusive_group[problem.col_project]
    j = np.flatnonzero(g >= 0)
    if not j.size:
        return
    groups, local = np.unique(g[j], return_inverse=True)
    m.add_constraints("exclusive", rows=local, cols=x.index(j), vals=np.ones(len(j)),
                      upper=np.ones(len(groups)), coords={"group": groups})


def define_project_aggregates(m: LinearModel, problem: OptimizationProblem, x: VarBlock,
                              operating_index: FloatArray | None = None) -> dict[str, VarBlock]:
    """Yearly totals of the chosen projects (Mkr): investment nominal and real as sums, depreciation and
    operating cost in difference form (few nonzeros per column)."""
    t_count = problem.n_years
    out: dict[str, VarBlock] = {}
    for name in AGGREGATES:
        if name in OPTIONAL_AGGREGATES and name not in problem.effects:
            continue
        v = m.add_variables(f"agg:{name}", lower=-INF, upper=INF, size=t_count,
                            coords={"year": np.arange(t_count)})
        out[name] = v
        a = sp.csc_matrix(problem.effect(name)) / MKR
        if name in ("depreciation", "operating_cost", "invest_cumulative"):
            scale = np.ones(t_count) if name == "depreciation" or operating_index is None else operating_index
            # G_t = scale_t * Z_t with Z_t - Z_{t-1} = sum_j (A_jt/scale_t - A_j,t-1/scale_t-1) x_j
            z = m.add_variables(f"agg:{name}:stock", lower=-INF, upper=INF, size=t_count)
            scaled = a @ sp.diags(1.0 / scale)
            diff = scaled - sp.hstack([sp.csc_matrix((a.shape[0], 1)), scaled[:, :-1]]).tocsc()
            diff = sp.csc_matrix(diff)
            tiny = np.abs(diff.data) <= 1e-13 * max(1.0, float(np.abs(scaled.data).max(initial=0.0)))
            diff.data[tiny] = 0.0
            diff.eliminate_zeros()
            dcoo = diff.T.tocoo()  # rows = years
            r_stock = np.concatenate([np.arange(t_count), np.arange(1, t_count), dcoo.row])
            c_stock = np.concatenate([z.index(), z.index(np.arange(t_count - 1)), x.index(dcoo.col)])
            v_stock = np.concatenate([np.ones(t_count), -np.ones(t_count - 1), -dcoo.data])
            m.add_constraints(f"agg:{name}:stock", rows=r_stock, cols=c_stock, vals=v_stock,
                              lower=np.zeros(t_count), upper=np.zeros(t_count))
            # G_t - scale_t Z_t = 0
            m.add_constraints(f"agg:{name}", rows=np.tile(np.arange(t_count), 2),
                              cols=np.concatenate([v.index(), z.index()]),
                              vals=np.concatenate([np.ones(t_count), -scale]),
                              lower=np.zeros(t_count), upper=np.zeros(t_count))
        else:
            coo = a.T.tocoo()
            m.add_constraints(f"agg:{name}", rows=np.concatenate([np.arange(t_count), coo.row]),
                              cols=np.concatenate([v.index(), x.index(coo.col)]),
                              vals=np.concatenate([np.ones(t_count), -coo.data]),
                              lower=np.zeros(t_count), upper=np.zeros(t_count))
    return out


def _ramp(counts: IntArray) -> IntArray:
    """``[0, 1, …, c0-1, 0, 1, …, c1-1, …]`` for the given counts."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)


def _add_limit_rows(
    bm: BuiltModel,
    name: str,
    kind: str,
    target_id: str,
    target_type: str,
    label: str,
    sense: str,
    rows: IntArray,
    cols: IntArray,
    vals: FloatArray,
    rhs: FloatArray,
    row_years: IntArray,
    unit: str,
    scale: float,
    penalty: float,
    elastic: bool | None = None,
) -> LimitRows:
    """Add ``lhs >= rhs`` or ``lhs <= rhs`` rows, each with its own slack when the model is elastic."""
    m = bm.lm
    n = len(rhs)
    slack = None
    use_slack = bm.options.elastic if elastic is None else elastic
    if use_slack and n:
        slack = m.add_variables(f"slack:{name}", lower=0.0, upper=INF, cost=-penalty, size=n,
                                coords={"year": row_years})
        sign = 1.0 if sense == "ge" else -1.0
        rows = np.concatenate([rows, np.arange(n)])
        cols = np.concatenate([cols, slack.index()])
        vals = np.concatenate([vals, np.full(n, sign)])
    lower = rhs if sense == "ge" else None
    upper = rhs if sense == "le" else None
    m.add_constraints(name, rows=rows, cols=cols, vals=vals, lower=lower, upper=upper, size=n,
                      coords={"year": row_years})
    lim = LimitRows(name, kind, target_id, target_type, label, sense, row_years, unit, scale, slack)
    bm.limits.append(lim)
    return lim


def define_ceilings(bm: BuiltModel) -> None:
    """The yearly ceilings of Mål: investment volume in price-base-year prices (genomförandekapacitet, summed
    over its rolling window) and projects under construction at once (elastic)."""
    problem = bm.problem
    t_count = problem.n_years
    mean_cost = float(np.mean(problem.cost_kr)) / MKR if problem.n_projects else 1.0
    for k, c in enumerate(problem.ceilings):
        years = np.flatnonzero(c.active(t_count))
        if not years.size:
            continue
        limit = np.asarray(c.limit, dtype=float)
        if c.target_type == "investeringstak_kr":
            # rolling window: sum over t-n+1 … t of the yearly volume, against limit × years in the window
            n = max(int(c.window), 1)
            window = sp.csr_matrix(np.tril(np.triu(np.ones((t_count, t_count))), n - 1))  # [tau, t]
            a = (sp.csc_matrix(problem.invest_real) @ window)[:, years] / MKR
            count = np.minimum(np.arange(1, t_count + 1), n)[years]
            coo = sp.csc_matrix(a).T.tocoo()
            _add_limit_rows(bm, f"ceiling:{c.target_id}:{k}", "ceiling", c.target_id, c.target_type,
                            TARGET_TYPES[c.target_type].name["sv"], "le", coo.row,
                            bm.x.index(coo.col), coo.data,
                            (limit[years] * count - c.base_window_sum(t_count)[years]) / MKR, years, "kr", MKR,
                            bm.violation_penalty)
        elif c.target_type == "max_parallella_projekt":
            coo = sp.csc_matrix(problem.active()[:, years]).T.tocoo()
            _add_limit_rows(bm, f"ceiling:{c.target_id}:{k}", "ceiling", c.target_id, c.target_type,
                            TARGET_TYPES[c.target_type].name["sv"], "le", coo.row, bm.x.index(coo.col),
                            coo.data, limit[years], years, "projekt", 1.0,
                            bm.violation_penalty * max(mean_cost, 1e-3))
        else:
            raise ValueError(f"unknown ceiling type {c.target_type!r}")


def define_capacity(bm: BuiltModel) -> tuple[VarBlock, VarBlock] | None:
    """Demand for places met by facilities within reach, or left unmet at a penalty."""
    problem, m, opt = bm.problem, bm.lm, bm.options
    cb = problem.capacity
    if cb is None or cb.n_demand == 0:
        return None
    t_count = problem.n_years
    n_arcs, q_count, n_nodes = len(cb.arc_node), cb.n_demand, cb.n_nodes
    tt = np.arange(t_count)
    flow = m.add_variables("flow", lower=0.0, upper=INF,
                           cost=np.repeat(-opt.distance_penalty * cb.arc_distance_km, t_count),
                           coords={"arc": np.repeat(np.arange(n_arcs), t_count), "year": np.tile(tt, n_arcs)})
    pen = cb.unmet_penalty_kr * problem.discount / problem.kr_per_point
    unmet = m.add_variables("unmet", lower=0.0, upper=INF, cost=np.tile(-pen, q_count),
                            coords={"demand": np.repeat(np.arange(q_count), t_count), "year": np.tile(tt, q_count)})
    # demand rows q*T + t
    rows = np.concatenate([np.repeat(cb.arc_demand * t_count, t_count) + np.tile(tt, n_arcs),
                           np.arange(q_count * t_count)])
    cols = np.concatenate([flow.index(), unmet.index()])
    d = cb.demand.reshape(-1)
    m.add_constraints("capacity_demand", rows=rows, cols=cols, vals=np.ones(len(rows)), lower=d, upper=d,
                      coords={"demand": np.repeat(np.arange(q_count), t_count), "year": np.tile(tt, q_count)})
    # node rows n*T + t: flows in minus places added by completed projects <= places today
    node_of_col = cb.project_node[problem.col_project]
    j = np.flatnonzero((node_of_col >= 0) & (cb.project_places[problem.col_project] != 0))
    comp = problem.completion[j]
    counts = np.maximum(t_count - comp, 0)
    rj = np.repeat(node_of_col[j] * t_count, counts) + np.repeat(comp, counts) + _ramp(counts)
    vj = -np.repeat(cb.project_places[problem.col_project[j]], counts)
    rows = np.concatenate([np.repeat(cb.arc_node * t_count, t_count) + np.tile(tt, n_arcs), rj])
    cols = np.concatenate([flow.index(), bm.x.index(np.repeat(j, counts))])
    vals = np.concatenate([np.ones(n_arcs * t_count), vj])
    cap0 = np.repeat(cb.node_capacity, t_count)
    # nodes that a combination of closures could take below zero get an elastic slack
    neg = np.zeros(n_nodes)
    np.add.at(neg, cb.project_node[cb.project_node >= 0],
              np.minimum(cb.project_places[cb.project_node >= 0], 0.0))
    risky = np.flatnonzero(cb.node_capacity + neg < -1e-9)
    m.add_constraints("capacity_node", rows=rows, cols=cols, vals=vals, upper=cap0, size=n_nodes * t_count,
                      coords={"node": np.repeat(np.arange(n_nodes), t_count), "year": np.tile(tt, n_nodes)})
    define_capacity_strengthening(bm, flow, node_of_col, j)
    if risky.size:
        # a combination of closures removing more places than exist: allowed at the violation penalty
        over = m.add_variables("capacity_below_zero", lower=0.0, upper=INF, cost=-bm.violation_penalty,
                               size=len(risky) * t_count)
        r = np.repeat(risky * t_count, t_count) + np.tile(tt, len(risky))
        m.add_entries("capacity_node", r, over.index(), -np.ones(len(r)))
    return flow, unmet


def define_capacity_strengthening(bm: BuiltModel, flow: VarBlock, node_of_col: IntArray, j: IntArray) -> None:
    """Facility-location cuts (as ``x_ij <= y_i``): a new site serves a district at most its demand times the
    share of the site built by then; a facility being closed serves it at most its demand times the share not
    yet closed. Valid for every integer plan; they tighten the LP where a new build or closure is fractional."""
    problem, m = bm.problem, bm.lm
    cb = problem.capacity
    assert cb is not None
    t_count = problem.n_years
    tt = np.arange(t_count)
    places = cb.project_places[problem.col_project[j]]
    # a closure cut is valid only where nothing else adds places to the node
    grows = np.zeros(cb.n_nodes, dtype=bool)
    grows[node_of_col[j][places > 0]] = True
    closes = (places <= -cb.node_capacity[node_of_col[j]] + 1e-9) & ~grows[node_of_col[j]]
    opens = (cb.node_capacity[node_of_col[j]] <= 0) & (places > 0)
    rr, cc, vv, rhs, arcs_used = [], [], [], [], []
    k = 0
    for sign, sel in ((1.0, opens), (-1.0, closes)):
        jj_all = j[sel]
        if not jj_all.size:
            continue
        nodes = np.unique(node_of_col[jj_all])
        for n in nodes:
            jj = jj_all[node_of_col[jj_all] == n]
            cj = problem.completion[jj]
            cnt = np.maximum(t_count - cj, 0)
            ty = np.repeat(cj, cnt) + _ramp(cnt)
            for a in np.flatnonzero(cb.arc_node == n):
                dem = cb.demand[cb.arc_demand[a]]
                rr += [k * t_count + tt, k * t_count + ty]
                cc += [flow.index(a * t_count + tt), bm.x.index(np.repeat(jj, cnt))]
                vv += [np.ones(t_count), -sign * dem[ty]]
                rhs.append(np.zeros(t_count) if sign > 0 else dem)
                arcs_used.append(a)
                k += 1
    if not k:
        return
    m.add_constraints("capacity_site", rows=np.concatenate(rr), cols=np.concatenate(cc), vals=np.concatenate(vv),
                      upper=np.concatenate(rhs), size=k * t_count,
                      coords={"arc": np.repeat(np.asarray(arcs_used), t_count), "year": np.tile(tt, k)})


#: Most demand points in one region of :func:`define_capacity_regions` (connected sets of districts' demand).
REGION_MAX_DEMANDS = 4
#: Most regions per connected part of the places network.
REGION_MAX_PER_COMPONENT = 64


def capacity_regions(cb: CapacityBlock, max_size: int | None = None,
                     max_per_component: int | None = None) -> list[IntArray]:
    """Regions for :func:`define_capacity_regions`: sets of demand points connected through shared facilities
    (two demand points are neighbours when one facility is within reach of both), each of at most ``max_size``
    points, smallest first, at most ``max_per_component`` per connected part of the network.

    >>> from types import SimpleNamespace
    >>> cb = SimpleNamespace(n_demand=3, n_nodes=2, arc_demand=np.array([0, 1, 1, 2]),
    ...                      arc_node=np.array([0, 0, 1, 1]))
    >>> [r.tolist() for r in capacity_regions(cb)]
    [[0], [1], [2], [0, 1], [1, 2], [0, 1, 2]]
    """
    max_size = REGION_MAX_DEMANDS if max_size is None else max_size
    max_per_component = REGION_MAX_PER_COMPONENT if max_per_component is None else max_per_component
    q_count = cb.n_demand
    arcs = sp.csr_matrix((np.ones(len(cb.arc_node)), (cb.arc_demand, cb.arc_node)), shape=(q_count, cb.n_nodes))
    near = (arcs @ arcs.T).tocsr()
    neighbours = [set(near.indices[near.indptr[q]:near.indptr[q + 1]].tolist()) - {q} for q in range(q_count)]
    seen: set[frozenset[int]] = set()
    regions: list[frozenset[int]] = []
    done = np.zeros(q_count, dtype=bool)
    for start in range(q_count):
        if done[start]:
            continue
        # the connected part of the network holding ``start``
        comp, stack = {start}, [start]
        while stack:
            for nb in neighbours[stack.pop()]:
                if nb not in comp:
                    comp.add(nb)
                    stack.append(nb)
        done[list(comp)] = True
        count = 0
        layer = [frozenset([q]) for q in sorted(comp)]
        while layer and count < max_per_component:
            grown: list[frozenset[int]] = []
            for reg in layer:
                if reg in seen or count >= max_per_component:
                    continue
                seen.add(reg)
                regions.append(reg)
                count += 1
                if len(reg) < max_size:
                    grown += [reg | {nb} for q in sorted(reg) for nb in sorted(neighbours[q] - reg)]
            layer = sorted(set(grown) - seen, key=lambda r: sorted(r))
    return [np.array(sorted(r), dtype=np.int64) for r in regions]


def _risky_nodes(cb: CapacityBlock) -> IntArray:
    """Nodes that a combination of closures could take below zero places (they get ``capacity_below_zero``)."""
    neg = np.zeros(cb.n_nodes)
    np.add.at(neg, cb.project_node[cb.project_node >= 0], np.minimum(cb.project_places[cb.project_node >= 0], 0.0))
    return np.flatnonzero(cb.node_capacity + neg < -1e-9)


def define_capacity_regions(bm: BuiltModel) -> None:
    r"""Lower bounds on the unmet places of a region that only new places can lift (capacity_region).

    For a region ``Q`` (a set of demand points, :func:`capacity_regions`) its places can only come from the
    facilities within reach, ``N(Q)``; with the places there today ``C_Q = \sum_{n \in N(Q)} C_n`` the excess
    demand ``E_{Q,t} = D_{Q,t} - C_Q`` must be met by projects adding places there (``\Delta_p > 0``, completed
    by ``t``: :math:`w_{p,t} = \sum_{s + d_p \le t} x_{p,s}`) or left unmet; a closure ``c`` of a facility in
    ``N(Q)`` (``\Delta_c = -C_{n(c)}``) raises the excess to ``G_{t} = E_{Q,t} + C_{n(c)}``. Rows, for every year
    with ``E > 0`` (no closure) or ``G > 0`` (one row per closure)::

        u_{Q,t} + o_t + \sum_{p} \min(\Delta_p, E_t) w_{p,t} \ge E_t
        u_{Q,t} + o_t + \sum_{p} \min(\Delta_p, G_t) w_{p,t} - (G_t - E_t^+) w_{c,t} \ge E_t^+

    (``u_Q = \sum_{q \in Q} u_q``; ``o``: the elastic ``capacity_below_zero`` of the region's facilities).
    Valid for every integer plan: the region's flows are at most ``C_Q + \sum_p \Delta_p w_p + o`` (less
    ``C_{n(c)}`` when ``c`` is done; other closures only take places away), so ``u_Q + o \ge \max(0, E -
    \sum_p \Delta_p w_p) \ge E - \sum_p \min(\Delta_p, E) w_p`` for ``w`` in {0, 1} (``\min(E, \cdot)`` is
    subadditive on non-negative numbers); in the closure row ``w_c = 1`` gives the same with ``G``, ``w_c = 0``
    the first row weakened (``\min(\Delta, G) \ge \min(\Delta, E^+)``). With the coefficients capped at the
    excess these are the convex hull of one project's "done by ``t`` or not": the LP can no longer build a
    fraction of an extension each year so that its places follow the demand (the "ramp"), nor close a fraction
    of a facility that keeps exactly the places still needed — the two habits that left the places network's
    LP bound ~1.8 % above the best plan on 500 projects (issue 14, docs/performance.md).
    """
    problem, m = bm.problem, bm.lm
    cb = problem.capacity
    if cb is None or cb.n_demand == 0 or "unmet" not in m.variables:
        return
    t_count = problem.n_years
    unmet = m.variables["unmet"]
    over = m.variables.get("capacity_below_zero")
    risky = np.full(cb.n_nodes, -1)
    if over is not None:
        nodes = _risky_nodes(cb)
        risky[nodes] = np.arange(len(nodes))
    proj_node = cb.project_node[problem.col_project]
    places = cb.project_places[problem.col_project]
    by_node = np.argsort(proj_node, kind="stable")
    bounds = np.searchsorted(proj_node[by_node], np.arange(cb.n_nodes + 1))
    closing = cb.project_places <= -cb.node_capacity[np.maximum(cb.project_node, 0)] + 1e-9
    rr, cc, vv, rhs, reg_of_row, year_of_row, closure_of_row = [], [], [], [], [], [], []
    k = 0
    for r_i, reg in enumerate(capacity_regions(cb)):
        nodes = np.unique(cb.arc_node[np.isin(cb.arc_demand, reg)])
        at = np.concatenate([np.zeros(0, np.int64), *(by_node[bounds[n]:bounds[n + 1]] for n in nodes)])
        cols = at[places[at] > 0]
        excess = cb.demand[reg].sum(axis=0) - cb.node_capacity[nodes].sum()
        closures = np.unique(problem.col_project[at[(places[at] < 0) & closing[problem.col_project[at]]]])
        for c in (-1, *closures.tolist()):
            g = excess if c < 0 else excess + cb.node_capacity[cb.project_node[c]]
            years = np.flatnonzero(g > 1e-6)
            if not years.size or (c < 0 and not cols.size):
                continue  # nothing to gain: no excess in any year, or no project can add places here
            local = np.full(t_count, -1)
            local[years] = k + np.arange(len(years))
            nr = len(years)
            rr.append(np.repeat(local[years], len(reg)))
            cc.append(unmet.index((reg[None, :] * t_count + years[:, None]).ravel()))
            vv.append(np.ones(nr * len(reg)))
            rn = risky[nodes]
            rn = rn[rn >= 0]
            if rn.size and over is not None:
                rr.append(np.repeat(local[years], len(rn)))
                cc.append(over.index((rn[None, :] * t_count + years[:, None]).ravel()))
                vv.append(np.ones(nr * len(rn)))
            terms = [(cols, 1.0)] if c < 0 else [(cols, 1.0), (np.flatnonzero(problem.col_project == c), -1.0)]
            for tc, sign in terms:
                comp = problem.completion[tc]
                first = np.maximum(comp, int(years[0]))
                cnt = np.maximum(t_count - first, 0)
                ty = np.repeat(first, cnt) + _ramp(cnt)
                keep = local[ty] >= 0
                cj = np.repeat(tc, cnt)[keep]
                ty = ty[keep]
                rr.append(local[ty])
                cc.append(bm.x.index(cj))
                coef = (np.minimum(places[cj], g[ty]) if sign > 0
                        else -(g[ty] - np.maximum(excess[ty], 0.0)))
                vv.append(coef)
            rhs.append(np.maximum(excess[years], 0.0))
            reg_of_row.append(np.full(nr, r_i))
            year_of_row.append(years)
            closure_of_row.append(np.full(nr, c))
            k += nr
    if not k:
        return
    m.add_constraints("capacity_region", rows=np.concatenate(rr), cols=np.concatenate(cc),
                      vals=np.concatenate(vv), lower=np.concatenate(rhs), size=k,
                      coords={"region": np.concatenate(reg_of_row), "year": np.concatenate(year_of_row),
                              "closure": np.concatenate(closure_of_row)})


def _term_entries(
    problem: OptimizationProblem,
    terms: dict[tuple[str, int], FloatArray],
    blocks: dict[str, VarBlock],
    history: dict[str, FloatArray] | None,
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Rows (year), columns and values of ``sum coef[t] * var[t - lag]``; history moves to the right side."""
    t_count = problem.n_years
    rows, cols, vals = [], [], []
    rhs_shift = np.zeros(t_count)
    for (var, lag), coef in terms.items():
        c = np.asarray(coef, dtype=float)
        t = np.arange(lag, t_count)
        keep = c[t] != 0
        rows.append(t[keep])
        cols.append(blocks[var].index(t[keep] - lag))
        vals.append(c[t[keep]])
        if lag and history is not None:
            for tb in range(min(lag, t_count)):
                if c[tb] != 0:
                    h = history.get(var)
                    if h is None or lag - tb > len(h):
                        raise KeyError(f"no history for {var!r} {lag - tb} years before the plan")
                    rhs_shift[tb] += c[tb] * float(h[tb - lag]) / MKR
    if not rows:
        return (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), rhs_shift)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), rhs_shift


def define_financial_block(bm: BuiltModel, agg: dict[str, VarBlock]) -> dict[str, VarBlock]:
    """The financial model's yearly recursion as equality rows (Mkr), and the treasury rule.

    With a liquidity target (``FinancialBlock.repayment``) the extra repayment ``E_t >= 0`` is allowed only from
    cash above the target, through one binary ``y_t`` per year (``fin:repays``)::

        E_t <= M_t y_t,    C_t >= mål_t − (mål_t − golv_t)(1 − y_t),    L_t >= 0

    (``M_t``: :func:`_repayment_bound`). The financial model's rule (``B = max(0, golv − C*)``,
    ``E = min(max(0, C* − mål), L_{t−1} − A_t)``) is one solution of these rows, and for a fixed plan it is the
    best one for every target type, so a plan that meets the targets here meets them under the rule:
    by induction over the years the rule's debt is the least, ``L^R_t <= L_t``, and its net financial position
    the largest, ``N^R_t >= N_t`` (``N = C − L``), since ``N_t = (1 + ρ_t) N_{t−1} − (r̄_t − ρ_t) L_{t−1} + K_t``
    does not depend on ``B`` or ``E``, and any solution here has ``L_t >= max((1 − a_t) L_{t−1}, golv_t − N_t)``
    without repayment and ``L_t >= max(0, mål_t − N_t)`` with. Hence

    * årets resultat ``= K'_t + ρ_t N_{t−1} − (r̄_t − ρ_t) L_{t−1}`` is at least as high — so resultat_andel,
      självfinansieringsgrad and balanskrav (monotone in the result) hold — when the loan portfolio's rate
      is at least the deposit rate, ``r̄_t >= ρ_t``;
    * låneskuld_per_invånare: the debt is the least;
    * soliditet (also inkl. pensioner): the equity rises by the same amount as ``N``
      (``ΔEK_t = ΔN_t``) and total assets by ``ΔN_t + ΔL_t``, so ``EK − w·TA`` changes by
      ``(1 − w) ΔN_t − w ΔL_t >= 0`` for a limit ``0 <= w <= 1``;

    given ``r̄_t >= ρ_t``, ``0 <= a_t <= 1`` and ``ρ_t > −1`` in every year
    (:meth:`~hushall.optimize.finance_block.FinancialBlock.rule_dominates` checks them). The write-back
    (:func:`hushall.optimize.solve.assign_solution`) takes ``E`` from the rule's replay.
    """
    problem, m = bm.problem, bm.lm
    fb = problem.finance
    if fb is None:
        return {}
    t_count = problem.n_years
    blocks: dict[str, VarBlock] = {}
    target = fb.target_path()
    for v in fb.variables:
        lower: FloatArray | float = -INF
        upper: FloatArray | float = INF
        cost = 0.0
        if v == fb.borrowing:
            lower, cost = 0.0, -bm.options.borrowing_penalty
        elif v == fb.cash:
            lower = np.asarray(fb.cash_floor, float) / MKR
        elif fb.repayment is not None and v == fb.debt:
            lower = 0.0
        elif fb.repayment is not None and v == fb.repayment:
            lower, upper = 0.0, np.where(np.isfinite(target), INF, 0.0)
        blocks[v] = m.add_variables(f"fin:{v}", lower=np.broadcast_to(lower, (t_count,)).copy(),
                                    upper=np.broadcast_to(upper, (t_count,)).copy(), cost=cost, size=t_count,
                                    coords={"year": np.arange(t_count)})
    for eq in fb.equations:
        r1, c1, v1, shift = _term_entries(problem, eq.terms, blocks, fb.history)
        r2, c2, v2, _ = _term_entries(problem, eq.effects, agg, None)
        rhs = np.asarray(eq.rhs, float) / MKR - shift
        m.add_constraints(f"fin:{eq.name}", rows=np.concatenate([r1, r2]), cols=np.concatenate([c1, c2]),
                          vals=np.concatenate([v1, v2]), lower=rhs, upper=rhs, size=t_count,
                          coords={"year": np.arange(t_count)})
    if fb.repayment is not None:
        tt = np.arange(t_count)
        has = np.isfinite(target)
        y = m.add_variables("fin:repays", lower=0.0, upper=np.where(has, 1.0, 0.0), integer=True, size=t_count,
                            coords={"year": tt})
        big_e = _repayment_bound(problem) / MKR
        e, c = blocks[fb.repayment], blocks[fb.cash]
        m.add_constraints("fin:repay_if", rows=np.concatenate([tt, tt]), cols=np.concatenate([e.index(), y.index()]),
                          vals=np.concatenate([np.ones(t_count), -np.full(t_count, big_e)]),
                          upper=np.zeros(t_count), size=t_count, coords={"year": tt})
        tgt = np.where(has, target, np.asarray(fb.cash_floor, float)) / MKR
        gap = tgt - np.asarray(fb.cash_floor, float) / MKR
        # C_t − gap_t y_t >= golv_t: with y = 1 cash is at least the target
        m.add_constraints("fin:repay_from_excess", rows=np.concatenate([tt, tt]),
                          cols=np.concatenate([c.index(), y.index()]), vals=np.concatenate([np.ones(t_count), -gap]),
                          lower=np.asarray(fb.cash_floor, float) / MKR, size=t_count, coords={"year": tt})
        blocks["repays"] = y
    return blocks


def _repayment_bound(problem: OptimizationProblem) -> float:
    """An upper bound on any year's extra repayment under the treasury rule (kr): the debt it repays is at most
    the opening debt, plus the most the rule borrows to keep the floor — the do-nothing plan's largest debt
    and cash shortfall plus every project's cash effects with interest on them at the highest loan rate."""
    fb = problem.finance
    assert fb is not None
    base = fb.replay({})
    cash = sum((abs(problem.effect(g)) for g in ("invest_nominal", "operating_cost", "expensed", "sale_proceeds")),
               start=sp.csr_matrix((problem.n_columns, problem.n_years)))
    per_col = np.asarray(sp.csr_matrix(cash).sum(axis=1)).ravel()
    per_project = np.zeros(problem.n_projects)
    np.maximum.at(per_project, problem.col_project, per_col)
    rate = float(np.max(np.abs(fb.extra.get("loan_rate", np.zeros(1)))))
    growth = (1.0 + min(rate, 1.0)) ** problem.n_years
    return float(2.0 * (fb.history_value(fb.debt, -1) + np.max(base[fb.debt]) + np.max(np.abs(base[fb.cash]))
                        + float(np.max(fb.cash_floor)) + per_project.sum() * growth) + 1.0e6)


def define_financial_targets(bm: BuiltModel, fin: dict[str, VarBlock], agg: dict[str, VarBlock]) -> None:
    """Every financial target of Mål as a row in every year it applies (elastic)."""
    problem = bm.problem
    fb = problem.finance
    if fb is None:
        return
    for k, tg in enumerate(fb.targets):
        years = np.flatnonzero(tg.mask)
        if not years.size:
            continue
        r1, c1, v1, shift = _term_entries(problem, tg.terms, fin, fb.history)
        r2, c2, v2, _ = _term_entries(problem, tg.effects, agg, None)
        rows, cols, vals = np.concatenate([r1, r2]), np.concatenate([c1, c2]), np.concatenate([v1, v2])
        local = np.full(problem.n_years, -1)
        local[years] = np.arange(len(years))
        keep = local[rows] >= 0
        rhs = (np.asarray(tg.rhs, float) / MKR - shift)[years]
        _add_limit_rows(bm, f"target:{tg.target_id}:{k}", "target", tg.target_id, tg.target_type, tg.label,
                        tg.sense, local[rows[keep]], cols[keep], vals[keep], rhs, years, "kr", MKR,
                        bm.violation_penalty)


def _result_reach_kr(problem: OptimizationProblem) -> FloatArray:
    """An upper bound per year on how far any plan can move the result from the result without projects (kr):
    per project the largest direct effect of any of its start years (depreciation, operating cost, expensed
    outlays, sale proceeds, book value written off, realisation gains left out of the balanskrav) plus interest at the highest rate on everything it has paid or received so far
    (with a 50 % margin for interest on interest), summed over projects."""
    direct = sum((abs(problem.effect(g)) for g in ("depreciation", "operating_cost", "expensed", "sale_proceeds",
                                                    "written_off", "realisation_gain")),
                 start=sp.csr_matrix((problem.n_columns, problem.n_years)))
    cash = sum((abs(problem.effect(g)) for g in ("invest_nominal", "operating_cost", "expensed", "sale_proceeds")),
               start=sp.csr_matrix((problem.n_columns, problem.n_years)))
    rate = 0.0
    fb = problem.finance
    if fb is not None:
        for eq in fb.equations:
            for (var, lag), coef in eq.terms.items():
                if var == "debt" and lag == 1:
                    rate = max(rate, float(np.max(np.abs(coef))))
    rate = min(rate, 1.0)
    cum = np.cumsum(sp.csr_matrix(cash).toarray(), axis=1)
    prior = np.concatenate([np.zeros((problem.n_columns, 1)), cum[:, :-1]], axis=1)
    per_col = sp.csr_matrix(direct).toarray() + 1.5 * rate * prior
    per_project = np.zeros((problem.n_projects, problem.n_years))
    np.maximum.at(per_project, problem.col_project, per_col)
    return per_project.sum(axis=0)


def define_balanskrav(bm: BuiltModel, fin: dict[str, VarBlock], agg: dict[str, VarBlock]) -> None:
    """The balanced-budget requirement. ``strict`` (default): ``BKR_t >= 0`` every year (elastic). ``restore``:
    exactly as :mod:`hushall.finance.targets` checks it, a deficit restored within three years (first in, first
    out). Per year: ``d >= 0`` the deficit, ``z`` binary (1 in a deficit year), ``U >= 0`` the unrestored deficits::

        d + BKR >= 0,   d <= M z,   d + BKR + M z <= M        (so d = max(0, -BKR))
        U_t - U_{t-1} + BKR_t >= 0                            (U >= the FIFO stock of deficits)
        d_t + d_{t-1} + d_{t-2} - U_t >= 0                    (nothing older than three years: elastic)
    """
    problem, m = bm.problem, bm.lm
    fb = problem.finance
    if fb is None or not fb.balanskrav:
        return
    t_count = problem.n_years
    tt = np.arange(t_count)
    if fb.balanskrav_mode == "strict":
        for k, bk in enumerate(fb.balanskrav):
            # from the first plan year: a deficit before the target's first year would still be owed in it
            years = np.arange(int(np.flatnonzero(bk.mask).max()) + 1) if bk.mask.any() else np.zeros(0, int)
            if not years.size:
                continue
            r1, c1, v1, shift = _term_entries(problem, bk.terms, fin, fb.history)
            r2, c2, v2, _ = _term_entries(problem, bk.effects, agg, None)
            rows, cols, vals = np.concatenate([r1, r2]), np.concatenate([c1, c2]), np.concatenate([v1, v2])
            local = np.full(t_count, -1)
            local[years] = np.arange(len(years))
            keep = local[rows] >= 0
            rhs = -(np.asarray(bk.constant, float) / MKR + shift)[years]
            _add_limit_rows(bm, f"target:{bk.target_id}:balanskrav{k}", "target", bk.target_id, "balanskrav",
                            "balanskravsresultatet minst 0 varje år (KL 11 kap. 5 §)", "ge", local[rows[keep]],
                            cols[keep], vals[keep], rhs, years, "kr", MKR, bm.violation_penalty)
        return
    reach = _result_reach_kr(problem)
    for k, bk in enumerate(fb.balanskrav):
        base = fb.balanskravsresultat(bk, fb.replay({}), {})[0]
        # the tightest safe big M per year: |BKR| without projects plus what any plan can move it
        big_m = np.minimum(np.abs(base) + reach, bk.big_m_kr) / MKR + 1.0
        r1, c1, v1, shift = _term_entries(problem, bk.terms, fin, fb.history)
        r2, c2, v2, _ = _term_entries(problem, bk.effects, agg, None)
        er, ec, ev = np.concatenate([r1, r2]), np.concatenate([c1, c2]), np.concatenate([v1, v2])
        const = np.asarray(bk.constant, float) / MKR + shift  # BKR = expr + const
        # years in which no plan can make a deficit need no binary
        lowest = base - reach
        can_fall = lowest < 0
        d = m.add_variables(f"balanskrav:{k}:deficit", lower=0.0, upper=np.where(can_fall, big_m, 0.0),
                            size=t_count)
        z = m.add_variables(f"balanskrav:{k}:is_deficit", lower=0.0, upper=np.where(can_fall, 1.0, 0.0),
                            integer=True, size=t_count)
        u = m.add_variables(f"balanskrav:{k}:unrestored", lower=0.0, upper=INF, size=t_count)
        m.add_constraints(f"balanskrav:{k}:deficit_lower", rows=np.concatenate([tt, er]),
                          cols=np.concatenate([d.index(), ec]), vals=np.concatenate([np.ones(t_count), ev]),
                          lower=-const, size=t_count)
        m.add_constraints(f"balanskrav:{k}:deficit_if", rows=np.concatenate([tt, tt]),
                          cols=np.concatenate([d.index(), z.index()]),
                          vals=np.concatenate([np.ones(t_count), -big_m]),
                          upper=np.zeros(t_count), size=t_count)
        m.add_constraints(f"balanskrav:{k}:deficit_upper", rows=np.concatenate([tt, tt, er]),
                          cols=np.concatenate([d.index(), z.index(), ec]),
                          vals=np.concatenate([np.ones(t_count), big_m, ev]),
                          upper=big_m - const, size=t_count)
        m.add_constraints(f"balanskrav:{k}:unrestored", rows=np.concatenate([tt, tt[1:], er]),
                          cols=np.concatenate([u.index(), u.index(tt[:-1]), ec]),
                          vals=np.concatenate([np.ones(t_count), -np.ones(t_count - 1), ev]),
                          lower=-const, size=t_count)
        # valid: this year's deficit is part of the unrestored deficits (tightens the LP)
        m.add_constraints(f"balanskrav:{k}:deficit_in_stock", rows=np.concatenate([tt, tt]),
                          cols=np.concatenate([d.index(), u.index()]),
                          vals=np.concatenate([np.ones(t_count), -np.ones(t_count)]), upper=np.zeros(t_count),
                          size=t_count)
        years = np.flatnonzero(bk.mask)
        if not years.size:
            continue
        local = np.full(t_count, -1)
        local[years] = np.arange(len(years))
        rows_l: list[IntArray] = []
        cols_l: list[IntArray] = []
        vals_l: list[FloatArray] = []
        for lag in range(3):
            t = years[years - lag >= 0]
            rows_l.append(local[t])
            cols_l.append(d.index(t - lag))
            vals_l.append(np.ones(len(t)))
        rows_l.append(local[years])
        cols_l.append(u.index(years))
        vals_l.append(-np.ones(len(years)))
        _add_limit_rows(bm, f"target:{bk.target_id}:balanskrav{k}", "target", bk.target_id, "balanskrav", bk.label,
                        "ge", np.concatenate(rows_l), np.concatenate(cols_l), np.concatenate(vals_l),
                        np.zeros(len(years)), years, "kr", MKR, bm.violation_penalty)


def default_violation_penalty(problem: OptimizationProblem) -> float:
    """100 × the best value per Mkr of any column's largest yearly outlay (points per Mkr), at least 1."""
    if problem.n_columns == 0:
        return 1.0
    peak = np.asarray(abs(problem.invest_real).max(axis=1).todense()).ravel() / MKR
    worth = problem.value + problem.debt_relief_kr / problem.kr_per_point
    ratio = np.where(peak > 1e-9, np.abs(worth) / np.maximum(peak, 1e-9), np.abs(worth))
    return float(max(1.0, 100.0 * ratio.max(initial=0.0)))


def do_nothing_unmet_points(problem: OptimizationProblem, options: ModelOptions) -> float:
    """Penalty (points) of the unmet places if no project is done: the objective's reference level."""
    cb = problem.capacity
    if cb is None or cb.n_demand == 0:
        return 0.0
    empty = replace(problem, finance=None)
    keep = np.zeros(problem.n_columns, dtype=bool)
    lm = LinearModel()
    bm = BuiltModel(empty, ModelOptions(elastic=True, distance_penalty=0.0), lm, VarBlock("x", 0, 0),
                    violation_penalty=1.0)
    bm.x = lm.add_variables("x", lower=0.0, upper=np.where(keep, 1.0, 0.0), cost=0.0,
                            size=problem.n_columns)
    res = define_capacity(bm)
    assert res is not None
    h = lm.to_highs(sense="max", relax=True)
    h.run()
    sol = np.asarray(h.getSolution().col_value)
    unmet = res[1]
    pen = cb.unmet_penalty_kr * problem.discount / problem.kr_per_point
    return float(np.tile(pen, cb.n_demand) @ sol[unmet.start:unmet.stop])


def create_model(problem: OptimizationProblem, options: ModelOptions | None = None) -> BuiltModel:
    """Build the whole MILP (see the module docstring for the formulation)."""
    options = options or ModelOptions()
    lm = LinearModel()
    bm = BuiltModel(problem, options, lm, VarBlock("x", 0, 0))
    bm.violation_penalty = (options.violation_penalty if options.violation_penalty is not None
                            else default_violation_penalty(problem))
    bm.x = define_start_variables(lm, problem, 1.0)
    renewal_offset = 0.0
    define_start_once(lm, problem, bm.x)
    define_started_by(lm, problem, bm.x)
    define_dependencies(lm, problem, bm.x)
    define_exclusive_groups(lm, problem, bm.x)
    define_ceilings(bm)
    define_delivery_ceilings(bm)
    define_capacity(bm)
    define_capacity_regions(bm)
    if problem.finance is not None:
        agg = define_project_aggregates(lm, problem, bm.x, operating_index=problem.operating_index)
        renewal_offset = define_renewal_decisions(bm, agg)
        define_shared_relief(bm, agg)
        fin = define_financial_block(bm, agg)
        define_financial_targets(bm, fin, agg)
        define_balanskrav(bm, fin, agg)
    else:
        define_shared_relief(bm, {})  # the objective's reward of the shared components
    bm.do_nothing_unmet_points = do_nothing_unmet_points(problem, options)
    lm.offset = bm.do_nothing_unmet_points + renewal_offset
    return bm
