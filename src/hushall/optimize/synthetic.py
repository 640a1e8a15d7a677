"""Realistic synthetic municipalities of any size, for the optimiser's tests and benchmarks.

:func:`synthetic_municipality` draws a municipality directly as the optimiser's input arrays
(:class:`~hushall.optimize.problem.OptimizationProblem`): candidate projects with the cost, duration, cash
profile, window, scores and relations of a Swedish municipality's investment requests; districts with
facilities and demand for places; a financial block with the targets of Mål; and yearly ceilings. Everything is
vectorised, so 50 000 projects take a second or two.

Calibration (rounded; for realism, not for any one municipality):

* project mix and costs: reinvestment 45 % (median 12 Mkr), conversion 20 % (35 Mkr), extension 10 %
  (25 Mkr, +places), new build 12 % (80 Mkr, +places, a new facility), closure 8 % (2 Mkr, closes a facility,
  saves its operating cost), sale 5 %; log-normal spread;
* construction 1–4 years with front- or back-loaded cash profiles; windows of 3–12 years;
* relations: 3 % must-do, 2 % fixed start year, 3 % depending on another project (a closure waiting for the new
  build that takes its pupils), 6 % in pairs of mutually exclusive alternatives;
* economy: taxes and general grants about 9 × the investment ceiling (Exempelkommun: 1 156 Mkr against
  120 Mkr), result before the projects about 2.5 % of that and falling with demographic pressure, debt about
  50 % of revenue; targets: result ≥ 1 % of taxes and grants, self-financing ≥ 60 % over 5 years, debt per
  inhabitant, equity ratio ≥ 30 %, balanskrav; an investment ceiling and a ceiling on parallel projects.

Examples
--------
>>> p = synthetic_municipality(40, n_years=10, seed=1)
>>> p.n_projects, p.n_years, p.finance is not None, p.capacity is not None
(40, 10, True, True)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hushall.data.schema import CRITERIA
from hushall.optimize.finance_block import FinancialBlock, simple_financial_block
from hushall.optimize.problem import (
    CapacityBlock,
    Ceiling,
    OptimizationProblem,
    assemble_problem,
    cumulative_index,
)
from hushall.optimize.renewal_decisions import RenewalBlock

FloatArray = NDArray[np.float64]

WEIGHTS = np.array([0.30, 0.25, 0.20, 0.10, 0.10, 0.05])  # as Exempelkommun's kriterievikt rows
SERVICES = (("forskola", 10.0, 120.0), ("grundskola", 15.0, 350.0), ("sabo", 40.0, 60.0))
TYPES = ("reinvestering", "ombyggnad", "tillbyggnad", "nybyggnad", "avveckling", "försäljning")
TYPE_SHARE = np.array([0.45, 0.20, 0.10, 0.12, 0.08, 0.05])
MEDIAN_COST = np.array([12e6, 35e6, 25e6, 80e6, 2e6, 0.5e6])
SIGMA_COST = np.array([0.9, 0.7, 0.6, 0.6, 0.5, 0.5])
#: mean score per type and criterion (lagkrav, kapacitet, skick, energi, beredskap, politik)
SCORE_MEAN = np.array([
    [2.0, 0.3, 3.8, 1.5, 1.2, 2.0],
    [1.5, 1.0, 3.5, 3.0, 1.0, 3.0],
    [1.0, 3.8, 0.5, 1.5, 0.8, 3.5],
    [1.0, 4.2, 0.3, 3.5, 1.5, 3.0],
    [0.2, 0.3, 2.5, 2.0, 0.2, 1.0],
    [0.0, 0.0, 1.5, 1.0, 0.0, 1.0],
])


def _haversine_km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    r = 6371.0
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def synthetic_municipality(
    n_projects: int,
    n_years: int = 20,
    n_districts: int | None = None,
    seed: int = 0,
    *,
    finance: bool = True,
    capacity: bool = True,
    relations: bool = True,
    ceiling_share: float = 0.55,
    max_parallel: float | None = None,
    tight_finance: float = 1.0,
    first_year: int = 2025,
) -> OptimizationProblem:
    """A synthetic municipality with ``n_projects`` candidate projects over ``n_years`` years.

    Parameters
    ----------
    n_districts
        Planning districts (default: one per 25 projects, 3–400).
    ceiling_share
        Investment ceiling as a share of the candidates' total cost per year (< 1 leaves projects out).
    max_parallel
        Ceiling on projects under construction at once (default: none).
    tight_finance
        Scales the result before the projects down (< 1 makes the financial targets bite harder).
    """
    rng = np.random.default_rng(seed)
    t_count = n_years
    years = np.arange(first_year, first_year + t_count)
    p_count = n_projects
    ptype = rng.choice(len(TYPES), size=p_count, p=TYPE_SHARE)
    cost = np.exp(np.log(MEDIAN_COST[ptype]) + SIGMA_COST[ptype] * rng.standard_normal(p_count))
    cost = np.round(np.clip(cost, 2e5, 2e9), -4)
    base_dur = np.where(cost > 60e6, 3, np.where(cost > 15e6, 2, 1))
    duration = np.clip(base_dur + rng.integers(-1, 2, p_count), 1, 4)
    dmax = int(duration.max())
    raw = rng.gamma(2.0, 1.0, size=(p_count, dmax)) * (np.arange(dmax)[None, :] < duration[:, None])
    profile = raw / raw.sum(axis=1, keepdims=True)
    earliest = rng.integers(0, max(1, int(0.6 * t_count)), p_count)
    window = rng.integers(3, max(4, min(13, t_count)), p_count)
    latest = np.minimum(earliest + window, t_count - duration)
    earliest = np.minimum(earliest, np.maximum(latest, 0))
    scores = np.clip(np.round(SCORE_MEAN[ptype] + 1.2 * rng.standard_normal((p_count, len(CRITERIA)))), 0, 5)
    must = np.zeros(p_count, dtype=bool)
    fixed = np.full(p_count, -1)
    depends = np.full(p_count, -1)
    group = np.full(p_count, -1)
    if relations:
        must = rng.random(p_count) < 0.03
        earliest = np.where(must, np.minimum(earliest, 2), earliest)
        scores[must, 0] = 5.0
        fix = (rng.random(p_count) < 0.02) & (latest >= earliest)
        fixed = np.where(fix, earliest + rng.integers(0, 3, p_count), -1)
        fixed = np.where(fixed > latest, earliest, fixed)
        fixed = np.where(fix, fixed, -1)
        # pairs of alternatives
        free = np.flatnonzero(~must)  # two must-do alternatives would contradict each other
        n_pairs = min(int(0.03 * p_count), len(free) // 2)
        pair_members = rng.choice(free, size=2 * n_pairs, replace=False)
        group[pair_members] = np.repeat(np.arange(n_pairs), 2)
        # dependencies: B waits for an earlier-listed A (no cycles); not on must-do B
        dep = np.flatnonzero((rng.random(p_count) < 0.03) & ~must & (np.arange(p_count) > 0))
        depends[dep] = (rng.random(len(dep)) * dep).astype(np.int64)
        # the dependant's window starts after its predecessor's earliest completion
        a = depends[dep]
        earliest[dep] = np.minimum(np.maximum(earliest[dep], earliest[a] + duration[a]), t_count - 1)
        latest[dep] = np.maximum(latest[dep], np.minimum(earliest[dep] + 4, t_count - duration[dep]))
        fixed[dep] = -1
    latest = np.minimum(latest, t_count - duration)
    # must-do windows must be non-empty
    latest = np.where(must, np.maximum(latest, np.minimum(earliest, t_count - duration)), latest)
    earliest = np.where(must, np.minimum(earliest, np.maximum(latest, 0)), earliest)

    opc = np.zeros(p_count)
    opc[ptype == 3] = 0.035 * cost[ptype == 3]
    opc[ptype == 2] = 0.03 * cost[ptype == 2]
    opc[ptype == 1] = -0.012 * cost[ptype == 1]
    opc[ptype == 0] = -0.004 * cost[ptype == 0]
    dep_years = np.select([ptype == 0, ptype == 1], [30.0, 35.0], 45.0)
    # maintenance debt the renewal projects clear: part overdue today, growing as components pass due
    debt = np.zeros((p_count, t_count))
    renew = (ptype == 0) | (ptype == 1)
    over0 = rng.uniform(0.1, 0.8, p_count)
    growth = rng.uniform(0.01, 0.06, p_count)
    debt[renew] = (cost[renew, None] * np.minimum(1.0, over0[renew, None] + growth[renew, None]
                                                  * np.arange(t_count)[None, :]))

    cap_block = None
    n_d = n_districts if n_districts is not None else int(np.clip(p_count // 25, 3, 400))
    if capacity:
        cap_block, opc = _capacity(rng, p_count, t_count, n_d, ptype, cost, opc)

    bpi = cumulative_index(np.full(t_count, 0.03))
    kpi = cumulative_index(np.full(t_count, 0.02))
    total_real = float(cost.sum())
    ceiling = np.full(t_count, ceiling_share * total_real / t_count)
    fin = None
    if finance:
        fin = _finance(years, ceiling, tight_finance)
    ceilings = [Ceiling("M6", "investeringstak_kr", ceiling)]
    if max_parallel is not None:
        ceilings.append(Ceiling("M7", "max_parallella_projekt", np.full(t_count, float(max_parallel))))
    ids = np.array([f"S-{i:06d}" for i in range(p_count)], dtype=object)
    names = np.array([f"{TYPES[k]} {i}" for i, k in enumerate(ptype)], dtype=object)
    return assemble_problem(
        years=years, project_ids=ids, names=names, cost_kr=cost, duration=duration, cash_profile=profile,
        earliest=earliest, latest=latest, fixed=fixed, must_do=must, depends_on=depends, exclusive_group=group,
        criteria=CRITERIA, weights=WEIGHTS, scores=scores, operating_cost_change_kr=opc,
        depreciation_years=dep_years, construction_index=bpi, price_index=kpi,
        discount_rate=np.full(t_count, 0.035), debt_by_year_kr=debt, debt_penalty_share=np.full(t_count, 0.05),
        ceilings=ceilings, capacity=cap_block, finance=fin,
        name=f"synthetic-{p_count}x{t_count}-seed{seed}",
    )


def _capacity(rng: np.random.Generator, p_count: int, t_count: int, n_d: int, ptype: np.ndarray,
              cost: np.ndarray, opc: np.ndarray, nearest: int = 4) -> tuple[CapacityBlock, np.ndarray]:
    """Districts over ~60 × 60 km per 30 districts: a central town and villages, each with a preschool and a
    school (village ones small), care homes in half of them; capacity near today's demand, demand trending up in
    some districts and down in others. Extensions and new builds go where demand grows; closures take small
    facilities (the village school) whose users can reach another one."""
    side_deg = 0.55 * max(1.0, np.sqrt(n_d / 30))
    lat = 57.7 + side_deg * (rng.random(n_d) - 0.5)
    lon = 15.9 + 1.8 * side_deg * (rng.random(n_d) - 0.5)
    size = rng.lognormal(0, 0.8, n_d)
    size[0] *= 4.0  # the central town
    trend = rng.normal(0.0, 0.015, n_d)
    dq, sq, demand, nodes_d, nodes_s, nodes_cap = [], [], [], [], [], []
    for s_i, (_, _, per_district) in enumerate(SERVICES):
        base = per_district * size
        dem = base[:, None] * (1 + trend[:, None]) ** np.arange(1, t_count + 1)[None, :]
        dq.append(np.arange(n_d))
        sq.append(np.full(n_d, s_i))
        demand.append(dem)
        has = np.ones(n_d, dtype=bool) if s_i < 2 else (rng.random(n_d) < 0.5) | (np.arange(n_d) == 0)
        share = np.where(has, 1.0, 0.0)
        # care homes in half the districts carry the others' demand too
        cap = base * rng.uniform(0.85, 1.25, n_d)
        if s_i == 2:
            cap = np.where(has, cap * n_d / max(int(has.sum()), 1), 0.0)
        nodes_d.append(np.flatnonzero(share > 0))
        nodes_s.append(np.full(int(has.sum()), s_i))
        nodes_cap.append(np.round(cap[has]))
    demand_district = np.concatenate(dq)
    demand_service = np.concatenate(sq)
    dem = np.vstack(demand)
    node_d = np.concatenate(nodes_d)
    node_s = np.concatenate(nodes_s)
    node_cap = np.concatenate(nodes_cap)
    n_exist = len(node_d)
    project_node = np.full(p_count, -1)
    project_places = np.zeros(p_count)
    growth_w = np.exp(20 * trend[node_d])
    ext = np.flatnonzero(ptype == 2)
    project_node[ext] = rng.choice(n_exist, size=len(ext), p=growth_w / growth_w.sum())
    project_places[ext] = np.round(np.minimum(cost[ext] / 0.4e6, 0.5 * node_cap[project_node[ext]] + 20))
    new = np.flatnonzero(ptype == 3)
    dw = np.exp(20 * trend) * size
    new_d = rng.choice(n_d, size=len(new), p=dw / dw.sum())
    new_s = rng.integers(0, len(SERVICES), len(new))
    # new buildings of one service in one district share a site (one node)
    site, site_of_new = np.unique(new_d * len(SERVICES) + new_s, return_inverse=True)
    project_node[new] = n_exist + site_of_new
    project_places[new] = np.round(cost[new] / 0.35e6)
    new_d, new_s = site // len(SERVICES), site % len(SERVICES)
    close = np.flatnonzero(ptype == 4)
    small = np.flatnonzero((node_cap <= 250) & (node_cap > 0) & (node_d != 0))
    small = small[np.argsort(trend[node_d[small]], kind="stable")]  # shrinking villages first
    cand = small[: min(len(close), len(small) // 2)]
    ptype_close = close[: len(cand)]
    project_node[ptype_close] = cand
    project_places[ptype_close] = -node_cap[cand]
    opc[ptype_close] = -np.maximum(12_000.0 * node_cap[cand], 0.5e6)
    node_d = np.concatenate([node_d, new_d])
    node_s = np.concatenate([node_s, new_s])
    node_cap = np.concatenate([node_cap, np.zeros(len(site))])
    # arcs within each service's distance, the nearest few per district
    max_km = np.array([s[1] for s in SERVICES])
    arc_q, arc_n, arc_km = [], [], []
    for s_i in range(len(SERVICES)):
        qs = np.flatnonzero(demand_service == s_i)
        ns = np.flatnonzero(node_s == s_i)
        if not len(ns):
            continue
        km = _haversine_km(lat[demand_district[qs]][:, None], lon[demand_district[qs]][:, None],
                           lat[node_d[ns]][None, :], lon[node_d[ns]][None, :])
        rank = np.argsort(np.argsort(km, axis=1, kind="stable"), axis=1, kind="stable")
        qi, ni = np.nonzero((km <= max_km[s_i]) & (rank < nearest))
        arc_q.append(qs[qi])
        arc_n.append(ns[ni])
        arc_km.append(km[qi, ni])
    block = CapacityBlock(
        demand_district=np.array([f"D{d:03d}" for d in demand_district], dtype=object),
        demand_service=np.array([SERVICES[s][0] for s in demand_service], dtype=object),
        demand=dem,
        node_ids=np.array([f"N{i:05d}" for i in range(len(node_d))], dtype=object),
        node_service=np.array([SERVICES[s][0] for s in node_s], dtype=object),
        node_capacity=node_cap,
        arc_demand=np.concatenate(arc_q).astype(np.int64),
        arc_node=np.concatenate(arc_n).astype(np.int64),
        arc_distance_km=np.concatenate(arc_km),
        project_node=project_node,
        project_places=project_places,
        unmet_penalty_kr=np.full(t_count, 150_000.0),
    )
    return block, opc


def _finance(years: np.ndarray, ceiling: FloatArray, tight: float) -> FinancialBlock:
    t_count = len(years)
    revenue0 = 9.0 * float(ceiling[0])
    revenue = np.asarray(revenue0 * 1.035 ** np.arange(1, t_count + 1), dtype=np.float64)
    margin = np.linspace(0.035, 0.025, t_count) * tight
    base_dep = np.asarray(0.055 * revenue, dtype=np.float64)
    base_inv = np.asarray(0.03 * revenue, dtype=np.float64)
    base_result = margin * revenue + 0.5 * 0.03 * 0.5 * revenue0  # before interest on today's debt
    debt0 = 0.5 * revenue0
    cash0 = 0.05 * revenue0
    fixed0 = 1.2 * revenue0
    other = 0.2 * revenue0
    equity0 = 0.45 * (fixed0 + cash0 + other)
    population = revenue0 / 75_000 * np.ones(t_count)
    mask = np.ones(t_count, dtype=bool)
    targets = [
        {"target_id": "M1", "target_type": "resultat_andel", "limit": 0.01, "mask": mask},
        {"target_id": "M2", "target_type": "självfinansieringsgrad", "limit": 0.6, "period_years": 5,
         "mask": np.arange(t_count) >= 4},
        {"target_id": "M3", "target_type": "låneskuld_per_invånare", "limit": 60_000.0, "mask": mask},
        {"target_id": "M4", "target_type": "soliditet", "limit": 0.3, "mask": mask},
        {"target_id": "M5", "target_type": "balanskrav", "limit": 0.0, "mask": mask},
    ]
    block = simple_financial_block(
        years, base_result_kr=base_result, base_investment_kr=base_inv, base_depreciation_kr=base_dep,
        interest_rate=np.full(t_count, 0.03), cash_rate=np.full(t_count, 0.01),
        amortisation=np.zeros(t_count), cash_floor_kr=np.full(t_count, 0.025 * revenue0),
        initial={"debt": debt0, "cash": cash0, "equity": equity0, "fixed_assets": fixed0},
        other_assets_kr=other, revenue_kr=revenue, population=population, targets=targets)
    # a municipality aiming at a result of 1 % plans no deficit: the linear form of the balanskrav suffices
    block.balanskrav_mode = "strict"
    return block


def synthetic_renewal(problem: OptimizationProblem, seed: int = 0) -> RenewalBlock:
    """Pools of components for a synthetic problem, for renewal decisions (``problem.renewal = ...``): a third
    of the projects claim one pool each (half of them close it, half renew it), plus one pool per lifetime
    (15, 30, 40, 60 years) nobody claims, worth 20 times as much; values scaled to the mean project cost, falling
    due over the plan with a share overdue; postponing costs 3 % of the debt a year.

    >>> p = synthetic_municipality(30, n_years=8, seed=1)
    >>> rb = synthetic_renewal(p)
    >>> rb.groups.n_groups, rb.groups.due_kr.shape
    (14, (14, 8))
    """
    from hushall.projects.maintenance import RenewalGroups

    rng = np.random.default_rng(seed)
    n_p, n_t = problem.n_projects, problem.n_years
    lives = np.array([15, 30, 40, 60])
    scale = float(np.mean(problem.cost_kr))
    claimants: list[tuple[tuple[int, bool], ...]] = [() for _ in lives]
    life = list(lives)
    for q in rng.choice(n_p, size=n_p // 3, replace=False):
        claimants.append(((int(q), bool(rng.random() < 0.5)),))
        life.append(int(rng.choice(lives)))
    n_g = len(claimants)
    value = np.where(np.arange(n_g) < lives.size, 20.0, 1.0) * scale * rng.uniform(0.2, 0.6, n_g)
    due = np.zeros((n_g, n_t))
    for g in range(n_g):  # the value falls due over the plan, a share overdue
        parts = rng.dirichlet(np.ones(n_t + 5))
        due[g] = value[g] * parts[:n_t]
        due[g, 0] += value[g] * parts[n_t:].sum() * 0.5
    groups = RenewalGroups(component_group=np.zeros(0, dtype=np.int64), lifetime_years=np.asarray(life),
                           value_kr=value, due_kr=due, claimants=tuple(claimants),
                           by_type=np.full((n_g, 1), 1.0), facilities=tuple(f"pool {g}" for g in range(n_g)))
    nothing = due.cumsum(axis=1).sum(axis=0)
    return RenewalBlock(groups=groups, project_of_claimant={q: q for q in range(n_p)},
                        construction_index=np.ones(n_t), penalty_share=np.full(n_t, 0.03),
                        debt_if_nothing_kr=nothing, policy_debt_kr=0.5 * nothing)
