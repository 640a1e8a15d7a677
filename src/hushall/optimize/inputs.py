"""A municipality's data as the optimiser's input (:class:`~hushall.optimize.problem.OptimizationProblem`).

* Candidate projects: sheet ``Projekt`` (optionally with candidates generated from the needs analysis,
  :mod:`hushall.optimize.candidates`), with their windows and yearly effects per start year from
  :class:`hushall.projects.UnitEffects` — the same effects :func:`hushall.finance.forecast` uses, so the optimiser's
  plan and the forecast of that plan agree to the krona.
* Value: the weighted criteria score (weights: ``kriterievikt`` rows of Mål) discounted
  (``diskonteringsränta``) to the year the project is in use.
* Cost of waiting: the maintenance debt a project clears (the components it renews, or of the facility it closes),
  as the forecast clears it (:func:`column_debt_relief`), times ``straff_underhållsskuld_andel`` per year, discounted;
  a component two projects claim counted once (:mod:`hushall.optimize.maintenance_rows`).
* Places: districts' demand per service (:func:`hushall.needs.capacity_table`) served by facilities within the
  service's ``max_avstånd_km`` (haversine between the district's centre and the facility); a new building sits at
  its district's centre; unmet places cost ``straff_ouppfylld_plats_kr`` per place and year.
* Targets and ceilings: every row of Mål (:mod:`hushall.optimize.finance_link`).
* Build new or reinvest: under the reinvestment policy *behov* (sheet Antaganden, ``reinvestering_efter_behov``)
  the renewal a project takes over — a facility it closes, sells or replaces (``ersätter_anläggningar``), the
  components it renews — leaves the reinvestment from its completion year, as a column effect on investment
  (nominal and real, so the investment ceiling counts it) and depreciation
  (:func:`hushall.projects.maintenance.project_renewal_change`); projects that take over the same components are
  alternatives (:func:`shared_claim_groups`). The forecast makes the same change
  (:func:`hushall.projects.maintenance.plan_renewal_change`), so the plan replays to the krona. Under the frame
  (*ram*) the frame is spent anyway and a project's relief shows as less maintenance debt instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

from hushall.data.schema import CRITERIA
from hushall.data.target_types import TARGET_TYPES, WEIGHT_TYPE, types_where
from hushall.finance import build_inputs, run
from hushall.model import MunicipalityData
from hushall.needs import capacity_table, component_status
from hushall.needs.reinvestment import policy_renewal_by_pool
from hushall.optimize.delivery import delivery_ceilings
from hushall.optimize.finance_block import FinancialBlock
from hushall.optimize.finance_link import _period, financial_block_from_municipality, target_mask
from hushall.optimize.problem import (
    CapacityBlock,
    Ceiling,
    OptimizationProblem,
    assemble_problem,
    with_weights,
)
from hushall.optimize.renewal_decisions import RenewalBlock
from hushall.projects import ProjectCatalog, UnitEffects, plan_indices
from hushall.projects.maintenance import (
    SharedRelief,
    policy_debt_share,
    project_relief,
    project_renewal_change,
    renewal_groups,
    renewed_components,
    shared_relief,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Great-circle distance in km (haversine formula, mean Earth radius 6 371 km).

    >>> round(float(haversine_km(np.array(57.666), np.array(15.855), np.array(57.8279), np.array(15.855))), 1)
    18.0
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def criterion_weights(data: MunicipalityData) -> tuple[FloatArray, str]:
    """Weights of the criteria from the ``kriterievikt`` rows of Mål (equal weights when there are none)."""
    t = data.targets
    rows = t[t["target_type"] == WEIGHT_TYPE] if len(t) else t
    if not len(rows):
        return np.full(len(CRITERIA), 1.0 / len(CRITERIA)), "lika vikter (inga kriterievikter i fliken Mål)"
    w = np.zeros(len(CRITERIA))
    for crit, limit in zip(rows["criterion"], rows["limit"], strict=True):
        if crit in CRITERIA:
            w[CRITERIA.index(crit)] += float(limit)
    return w, "fliken Mål (kriterievikt)"


def facility_labels(data: MunicipalityData, facility_ids: list[str]) -> str:
    """``"F-C-02 Västerskolan, F-LA-01 Lindås skola"``: facility ids with their names (sheet Anläggningar)."""
    names = dict(zip(data.facilities["facility_id"].astype(str), data.facilities["name"].astype(str), strict=True))
    return ", ".join(f"{fid} {names.get(fid, '')}".strip() for fid in facility_ids)


def debt_relief_split(data: MunicipalityData, exclusive_group: IntArray) -> tuple[FloatArray, SharedRelief]:
    """``(own (P, T + 1, T), pools)``: the maintenance debt each project of sheet Projekt clears on its own
    (:func:`hushall.projects.maintenance.project_relief`) and the pools of components that projects which can be
    chosen together claim (:class:`hushall.projects.maintenance.SharedRelief`), counted once by
    :mod:`hushall.optimize.maintenance_rows`. Components only alternatives claim (one exclusive group: at most one
    of them is chosen) stay with each of them and need no pool — Exempelkommun's one shared pool set (Lindgården's
    ombyggnad or closure) adds no variable."""
    own = project_relief(data, shared=False)
    pools = shared_relief(data)
    if not pools.relief_kr.shape[0]:
        return own, pools
    group = np.asarray(exclusive_group, dtype=np.int64)
    cleared = np.asarray(pools.cleared, dtype=bool)
    claimants = np.asarray(cleared.any(axis=(1, 3)), dtype=bool)  # (P, K): who clears each pool in the plan
    members = [group[np.flatnonzero(claimants[:, k])] for k in range(claimants.shape[1])]
    alone = np.flatnonzero([g.size <= 1 or (g[0] >= 0 and bool((g == g[0]).all())) for g in members])
    rest = np.setdiff1d(np.arange(len(members)), alone)
    own = own + np.einsum("pckt,kt->pct", cleared[:, :, alone, :].astype(float), pools.relief_kr[alone])
    return own, SharedRelief(pools.relief_kr[rest], cleared[:, :, rest, :])


def column_debt_relief(own: FloatArray, col_project: IntArray, col_start: IntArray, duration: IntArray,
                       weight: FloatArray) -> FloatArray:
    r"""The maintenance debt each column clears, priced as the objective's reward for not postponing (kr):
    :math:`\sum_t w_t\, \rho_t R^{0,\text{own}}_{p(j), c(j), t}` with ``w_t`` = ``straff_underhållsskuld_andel``
    × discount factor and ``ρ_t R^{0,own}`` (``own``, :func:`debt_relief_split`) the forecast's relief of the
    components the project clears on its own (completion ``c`` at the end of the last construction year) — the
    same debt :func:`hushall.projects.maintenance.plan_maintenance_debt` clears. Components projects that can be
    chosen together claim are rewarded once, through the pools of :mod:`hushall.optimize.maintenance_rows`."""
    n_t = own.shape[2]
    done = np.clip(np.asarray(col_start) + np.asarray(duration)[col_project] - 1, 0, n_t)
    return np.asarray(own[col_project, done, :] @ np.asarray(weight, dtype=float)[:n_t], dtype=float)


def shared_claim_groups(data: MunicipalityData, group: IntArray, names: list[str]) -> tuple[IntArray, list[str]]:
    """Alternative groups widened so that projects taking over the renewal of the same components
    (:func:`hushall.projects.maintenance.renewed_components`, each project on its own) are alternatives: under the
    policy *behov* each carries the renewal it avoids as its own column effect, and two chosen together would
    count those components twice. Every set of projects connected by shared components is merged, with the
    groups they already belong to, into one group (named ``förnyelse: <projekt>``)."""
    status = component_status(data)
    rows = data.projects.to_dict("records")
    sets = [set(renewed_components([r], status)[0][0].tolist()) for r in rows]
    n = len(rows)
    parent = list(range(n + len(names)))  # projects, then existing groups

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    shared = np.zeros(n, dtype=bool)
    for a in range(n):
        for b in range(a + 1, n):
            if sets[a] & sets[b]:
                parent[find(a)] = find(b)
                shared[a] = shared[b] = True
    for a in range(n):
        if group[a] >= 0:
            parent[find(a)] = find(n + int(group[a]))
    roots = {find(int(a)) for a in np.flatnonzero(shared)}
    if not roots:
        return group, names
    out, out_names = group.copy(), list(names)
    for root in sorted(roots):
        members = [a for a in range(n) if find(a) == root]
        ids = ", ".join(str(rows[a]["project_id"]) for a in members)
        out_names.append(f"förnyelse: {ids}")
        out[members] = len(out_names) - 1
    return out, out_names


def capacity_block(data: MunicipalityData) -> CapacityBlock | None:
    """Demand points, facilities (nodes), reachable pairs and each project's node and places."""
    services = data.services
    if not len(services):
        return None
    years = np.asarray(data.years, dtype=np.int64)
    cap = capacity_table(data)
    districts = data.districts.set_index("district_id")
    facilities = data.facilities
    fac_by_id = facilities.set_index("facility_id")
    service_ids = [str(s) for s in services["service_id"]]
    max_km = dict(zip(service_ids, pd.to_numeric(services["max_distance_km"]).fillna(np.inf), strict=True))
    # demand points: (district, service) with demand in some year
    dem = cap.pivot_table(index=["district_id", "service_id"], columns="year", values="demand", aggfunc="sum",
                          observed=True).reindex(columns=years).fillna(0.0)
    dem = dem[dem.to_numpy().max(axis=1) > 0]
    q_district = np.array([k[0] for k in dem.index], dtype=object)
    q_service = np.array([k[1] for k in dem.index], dtype=object)
    # district centres (missing → mean of the district's facilities)
    fac_lat = facilities.groupby("district_id")["lat"].mean()
    fac_lon = facilities.groupby("district_id")["lon"].mean()

    def centre(d: str) -> tuple[float, float]:
        lat = districts["lat"].get(d) if "lat" in districts else np.nan
        lon = districts["lon"].get(d) if "lon" in districts else np.nan
        if lat is None or pd.isna(lat) or lon is None or pd.isna(lon):
            return float(fac_lat.get(d, np.nan)), float(fac_lon.get(d, np.nan))
        return float(lat), float(lon)

    node_key: list[tuple[str, str]] = []
    node_lat, node_lon, node_cap, node_district = [], [], [], []
    index: dict[tuple[str, str], int] = {}

    def add_node(key: tuple[str, str], lat: float, lon: float, places: float, district: str) -> int:
        if key not in index:
            index[key] = len(node_key)
            node_key.append(key)
            node_lat.append(lat)
            node_lon.append(lon)
            node_cap.append(places)
            node_district.append(district)
        return index[key]

    for r in facilities.to_dict("records"):
        sid = str(r.get("service_id") or "")
        if sid and sid in service_ids:
            add_node((str(r["facility_id"]), sid), float(r["lat"]), float(r["lon"]),
                     float(r.get("capacity_places") or 0.0), str(r["district_id"]))
    projects = data.projects
    p_node = np.full(len(projects), -1, dtype=np.int64)
    p_places = np.zeros(len(projects))
    for i, r in enumerate(projects.to_dict("records")):
        sid = str(r.get("service_id") or "")
        places = 0.0 if pd.isna(r.get("places_change")) else float(r.get("places_change") or 0.0)
        if not sid or sid not in service_ids or places == 0:
            continue
        fac = "" if pd.isna(r.get("facility_id")) else str(r.get("facility_id") or "")
        if fac and fac in fac_by_id.index:
            f = fac_by_id.loc[fac]
            p_node[i] = add_node((fac, sid), float(f["lat"]), float(f["lon"]), 0.0, str(f["district_id"]))
        else:
            d = str(r["district_id"])
            lat, lon = centre(d)
            p_node[i] = add_node((f"ny:{d}", sid), lat, lon, 0.0, d)
        p_places[i] = places
    n_service = np.array([k[1] for k in node_key], dtype=object)
    arc_q, arc_n, arc_km = [], [], []
    n_lat, n_lon = np.asarray(node_lat, float), np.asarray(node_lon, float)
    n_dist = np.asarray(node_district, dtype=object)
    for q in range(len(q_district)):
        nodes = np.flatnonzero(n_service == q_service[q])
        if not nodes.size:
            continue
        lat, lon = centre(str(q_district[q]))
        if np.isfinite(lat) and np.isfinite(lon):
            km = haversine_km(np.full(nodes.size, lat), np.full(nodes.size, lon), n_lat[nodes], n_lon[nodes])
        else:  # no coordinates: only the district's own facilities
            km = np.where(n_dist[nodes] == q_district[q], 0.0, np.inf)
        km = np.where(np.isfinite(km), km, np.where(n_dist[nodes] == q_district[q], 0.0, np.inf))
        ok = km <= float(max_km.get(str(q_service[q]), np.inf))
        arc_q.append(np.full(int(ok.sum()), q))
        arc_n.append(nodes[ok])
        arc_km.append(km[ok])
    cat = np.concatenate
    return CapacityBlock(
        demand_district=q_district,
        demand_service=q_service,
        demand=dem.to_numpy(dtype=float),
        node_ids=np.array([f"{a}|{b}" for a, b in node_key], dtype=object),
        node_service=n_service,
        node_capacity=np.asarray(node_cap, dtype=float),
        arc_demand=cat(arc_q).astype(np.int64) if arc_q else np.zeros(0, np.int64),
        arc_node=cat(arc_n).astype(np.int64) if arc_n else np.zeros(0, np.int64),
        arc_distance_km=cat(arc_km) if arc_km else np.zeros(0),
        project_node=p_node,
        project_places=p_places,
        unmet_penalty_kr=data.assumption("straff_ouppfylld_plats_kr"),
    )


def base_investment_real(data: MunicipalityData) -> FloatArray | None:
    """The investment volume without projects (kr/year, price-base-year prices: the reinvestment policy's), as
    the financial model has it (``investeringar_fasta_priser``); ``None`` without sheet Ekonomi."""
    if not len(data.finance):
        return None
    return np.asarray(run(build_inputs(data))["investeringar_fasta_priser"], dtype=float)


#: The types the optimiser holds as ceilings on the plan's own columns (the registry's ``plan_ceiling``).
PLAN_CEILINGS: tuple[str, ...] = types_where(plan_ceiling=True)


def outside_plan_investment_real(data: MunicipalityData, fin: FinancialBlock | None) -> FloatArray | None:
    """The investment volume outside the plan that an investment ceiling counts (:func:`ceilings_from_targets`):
    the financial block's when there is one, else :func:`base_investment_real`."""
    return fin.extra["base_investment_real_kr"] if fin is not None else base_investment_real(data)


#: The rows of Mål whose limits a problem takes over without being made again (:func:`problem_with_limits`): the
#: criterion weights (the objective) and the ceilings on the plan's own columns (the ceilings' right-hand sides).
LIMITS_ONLY_TYPES: tuple[str, ...] = (WEIGHT_TYPE, *PLAN_CEILINGS)


def changes_only_limits(old: MunicipalityData, new: MunicipalityData,
                        types: tuple[str, ...] = LIMITS_ONLY_TYPES) -> bool:
    """Whether ``new`` is ``old`` with other limits on rows of Mål of ``types`` and nothing else changed (the same
    rows, the same sheets, the same assumptions).

    >>> from hushall.examples import exempelkommun
    >>> d = exempelkommun()
    >>> t = d.targets.copy()
    >>> t.loc[t["target_type"] == "investeringstak_kr", "limit"] = 150e6
    >>> changes_only_limits(d, d.replace(targets=t))
    True
    >>> t.loc[t["target_type"] == "soliditet", "limit"] = 0.5
    >>> changes_only_limits(d, d.replace(targets=t))
    False
    """
    if old is new:
        return True
    for f in dataclasses.fields(MunicipalityData):
        if not f.compare or f.name == "targets":
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        same = a.equals(b) if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame) else a == b
        if not same:
            return False
    t0, t1 = old.targets, new.targets
    if not (t0.index.equals(t1.index) and t0.columns.equals(t1.columns) and "limit" in t0
            and t0.drop(columns="limit").equals(t1.drop(columns="limit"))):
        return False
    fixed = ~t0["target_type"].isin(types).to_numpy()
    a = pd.to_numeric(t0["limit"]).to_numpy(float)[fixed]
    b = pd.to_numeric(t1["limit"]).to_numpy(float)[fixed]
    return bool(np.array_equal(a, b, equal_nan=True))


def problem_with_limits(problem: OptimizationProblem, data: MunicipalityData) -> OptimizationProblem:
    """The problem :func:`problem_from_municipality` makes of ``data``, from ``problem`` made of data that differs
    from ``data`` only in the limits of :data:`LIMITS_ONLY_TYPES` rows (:func:`changes_only_limits`): the
    criterion weights re-weight the columns' values (:func:`hushall.optimize.problem.with_weights`) and the plan
    ceilings are read again; the rest — columns, effects, places, the financial block — is shared."""
    weights, _ = criterion_weights(data)
    out = with_weights(problem, weights)
    out.ceilings = ceilings_from_targets(data, outside_plan_investment_real(data, problem.finance))
    return out


def ceilings_from_targets(data: MunicipalityData, base_real_kr: FloatArray | None = None) -> list[Ceiling]:
    """The ``investeringstak_kr`` and ``max_parallella_projekt`` rows of Mål. An investment ceiling also counts
    ``base_real_kr``, the volume outside the plan (:func:`base_investment_real`), so that the optimiser's
    ceiling is :mod:`hushall.finance.targets`' evaluation of ``investeringar_fasta_priser``."""
    years = np.asarray(data.years, dtype=np.int64)
    out = []
    for row in data.targets.to_dict("records"):
        ttype = str(row["target_type"])
        if ttype in PLAN_CEILINGS:
            invest = TARGET_TYPES[ttype].windowed  # the investment volume over a window; a count per year
            out.append(Ceiling(str(row["target_id"]), ttype, np.full(len(years), float(row["limit"])),
                               _period(row) if invest else 1, target_mask(row, years),
                               base_real_kr if invest else None))
    return out


def _unit_effects(unit: UnitEffects, construction_index: FloatArray, first_year: int,
                  relief: FloatArray | None = None,
                  renewal: tuple[FloatArray, FloatArray, list[list[str]]] | None = None,
                  renewal_money: bool = True,
                  need: FloatArray | None = None) -> Callable[[IntArray], dict[str, sp.csr_matrix]]:
    r"""Yearly effects of columns ``(project, start index)``; ``relief`` (:func:`hushall.projects.maintenance.
    project_relief`) adds the maintenance debt each column clears from the end of its completion year, and
    ``renewal`` (:func:`hushall.projects.maintenance.project_renewal_change`, policy *behov*) the renewal the
    project takes over: its reinvestment leaves the investment (nominal and real) and its depreciation leaves
    the depreciation — the forecast's reinvestment under the plan, exactly — and ``renewal_avoided`` (real kr,
    positive) says how much (``renewal_money=False``: only says it; the renewal is then the optimiser's
    decision, :mod:`hushall.optimize.renewal_decisions`). ``need`` (``(P, T + 1, T)`` real kr, the renewal-need
    change: the spend of :func:`~hushall.projects.maintenance.project_renewal_change` under *behov*) adds ``renewal_need_avoided`` :math:`A_{j,t} \ge 0`, the renewal need the column takes off from its completion
    year — the plan's own need is :math:`N_t - \sum_j A_{j,t} x_j`
    (:func:`hushall.projects.maintenance.plan_need_change`), the need of *reinvestering_andel_av_behov*."""
    def effects(cols: IntArray) -> dict[str, sp.csr_matrix]:
        p = cols[:, 0]
        s = cols[:, 1] + first_year - unit.catalog.earliest_start[p]
        if np.any(s < 0) or np.any(s >= unit.start_years.shape[1]) or not np.all(unit.valid[p, s]):
            raise ValueError("a column lies outside its project's window")

        def take(name: str) -> sp.csr_matrix:
            return sp.csr_matrix(unit.array(name)[p, s, :])

        invest = unit.array("investment_kr")[p, s, :]
        n_t = invest.shape[1]
        done = np.maximum(np.minimum(cols[:, 1] + unit.catalog.duration_years[p] - 1, n_t), 0)
        out: dict[str, sp.csr_matrix] = {}
        if relief is not None:
            out["maintenance_relief"] = sp.csr_matrix(relief[p, done, :])
        invest_real = invest / construction_index[None, :]
        depreciation = unit.array("depreciation_kr")[p, s, :]
        if renewal is not None:
            spend, dep = renewal[0][p, done, :], renewal[1][p, done, :]
            if renewal_money:
                invest = invest + spend * construction_index[None, :]
                invest_real = invest_real + spend
                depreciation = depreciation + dep
            out["renewal_avoided"] = sp.csr_matrix(-spend)
        if need is not None:
            out["renewal_need_avoided"] = sp.csr_matrix(-need[p, done, :])
        return out | {
            "invest_nominal": sp.csr_matrix(invest),
            "invest_real": sp.csr_matrix(invest_real),
            # the plan's depreciation less that of the existing components it sells or closes
            "depreciation": sp.csr_matrix(depreciation) - take("existing_depreciation_stopped_kr"),
            "operating_cost": take("operating_cost_kr"),
            "expensed": take("expensed_kr"),
            "sale_proceeds": take("sale_proceeds_kr"),
            "written_off": take("written_off_kr"),
            "realisation_gain": take("realisation_gain_kr"),
        }

    return effects


def problem_from_municipality(data: MunicipalityData, *, finance: bool = True, capacity: bool = True,
                              balanskrav: str = "restore",
                              renewal_decisions: bool | None = None) -> OptimizationProblem:
    """The optimiser's input for a municipality: candidates (sheet ``Projekt``), effects, relations, targets.

    ``finance=False`` leaves out the financial targets (only the ceilings remain), ``capacity=False`` the places;
    ``balanskrav`` is ``"restore"`` (exact: deficits restored within three years), ``"strict"`` (no deficit
    from the first plan year through the last year of Mål's balanskrav targets; see
    :class:`~hushall.optimize.finance_block.FinancialBlock`) or ``"balanced"`` (a budget in balance every plan
    year, KL 11 kap. 5 §: ``"strict"``, over every plan year when Mål has no balanskrav target).
    ``renewal_decisions``: the reinvestment is decided by the optimiser, per pool of components and year
    (:mod:`hushall.optimize.renewal_decisions`), instead of following the data's policy; ``None``:
    :data:`RENEWAL_DECISIONS_DEFAULT` (when the municipality has components and sheet Ekonomi).
    """
    years = np.asarray(data.years, dtype=np.int64)
    t_count = len(years)
    first = int(years[0])
    cat = ProjectCatalog.from_data(data)
    cons, price = plan_indices(data)
    unit = UnitEffects(cat, years, cons, price)
    projects = data.projects
    ids = np.array(cat.project_ids, dtype=object)
    pos = {pid: i for i, pid in enumerate(cat.project_ids)}
    depends = np.array([pos.get(str(d), -1) if isinstance(d, str) and d else -1
                        for d in projects["depends_on"].fillna("")], dtype=np.int64)
    groups_raw = projects["exclusive_group"].fillna("").astype(str).to_numpy()
    names_g = sorted({g for g in groups_raw if g})
    group = np.array([names_g.index(g) if g else -1 for g in groups_raw], dtype=np.int64)
    scores = np.column_stack([pd.to_numeric(projects.get(f"score_{k}", pd.Series(0.0, index=projects.index)))
                              .fillna(0.0).to_numpy(float) for k in CRITERIA]) if len(projects) else \
        np.zeros((0, len(CRITERIA)))
    weights, _ = criterion_weights(data)
    fixed = np.where(cat.fixed, cat.earliest_start - first, -1)
    decide = (RENEWAL_DECISIONS_DEFAULT if renewal_decisions is None else renewal_decisions) and finance \
        and len(data.components) > 0 and len(data.finance) > 0
    # under behov (or with renewal decisions, for the explanation only) the renewal each project takes over
    renewal = project_renewal_change(data, cons, "behov" if decide else None) if len(data.components) else None
    # the renewal need each project takes off, under every policy the change behov spends — an aggregate of the
    # model only when a target counts it (reinvestering_andel_av_behov)
    need = None
    if len(data.components) and bool(data.targets["target_type"].eq("reinvestering_andel_av_behov").any()):
        need_change = renewal if renewal is not None else project_renewal_change(data, cons, "behov")
        need = None if need_change is None else need_change[0]
    # the debt each project clears is an aggregate of the model only when a maintenance-debt target needs it
    # (with renewal decisions the debt is the pools' backlog instead)
    debt_rows = not decide and len(data.components) > 0 and bool(
        data.targets["target_type"].isin(["underhållsskuld_kr", "underhållsskuld_växer_inte"]).any())
    if renewal is not None:
        group, names_g = shared_claim_groups(data, group, names_g)
    # the debt each project clears (objective and debt rows), a component chosen projects share counted once
    own, pools = debt_relief_split(data, group) if not decide and len(data.components) else (None, None)
    cap_block = capacity_block(data) if capacity else None
    fin = financial_block_from_municipality(data, renewal_decisions=decide, balanced_budget=balanskrav == "balanced") \
        if finance and len(data.finance) else None
    if fin is not None:
        fin.balanskrav_mode = "strict" if balanskrav == "balanced" else balanskrav
    base_real = outside_plan_investment_real(data, fin)
    problem = assemble_problem(
        years=years,
        project_ids=ids,
        names=projects["name"].astype(str).to_numpy(dtype=object),
        cost_kr=cat.cost_kr,
        duration=cat.duration_years,
        cash_profile=cat.cash_profile,
        earliest=cat.earliest_start - first,
        latest=np.minimum(cat.latest_start - first, t_count - 1),
        fixed=fixed,
        must_do=cat.must_do,
        depends_on=depends,
        exclusive_group=group,
        criteria=CRITERIA,
        weights=weights,
        scores=scores,
        operating_cost_change_kr=cat.operating_cost_change_kr,
        depreciation_years=np.full(len(ids), 30.0),
        construction_index=cons,
        price_index=price,
        discount_rate=data.assumption("diskonteringsränta"),
        debt_penalty_share=data.assumption("straff_underhållsskuld_andel"),
        ceilings=ceilings_from_targets(data, base_real),
        capacity=cap_block,
        finance=fin,
        effects=_unit_effects(unit, cons, first, own if debt_rows else None, renewal,
                              renewal_money=not decide, need=need),
        clip_to_plan=False,
        name=data.name,
    )
    problem.group_names = tuple(names_g)
    if renewal is not None:
        problem.renewal_facilities = tuple(facility_labels(data, f) for f in renewal[2])
    problem.delivery_ceilings = delivery_ceilings(data)
    if own is not None and pools is not None:
        # the reward for not postponing: the forecast's debt relief, a component two projects claim counted once
        # (in the objective and in the maintenance-debt rows, :mod:`hushall.optimize.maintenance_rows`)
        weight = data.assumption("straff_underhållsskuld_andel")[:t_count] * problem.discount[:t_count]
        problem.debt_relief_kr = column_debt_relief(own, problem.col_project, problem.col_start, problem.duration,
                                                    weight)
        if pools.relief_kr.shape[0]:
            problem.shared_relief, problem.shared_relief_weight = pools, weight
    if decide:
        problem.renewal = renewal_block(data, cons, [str(p) for p in ids])
    return problem


#: Whether :func:`problem_from_municipality` makes the reinvestment a decision by default (issue 10: on only if
#: the example's solve time does not get worse by more than about 20 %). On: Exempelkommun reaches a 0,1 % gap in
#: 17 s with it and not within 30 s without it (8,0 / 7,2 / 1,06 % at 5 / 12 / 30 s off, 4,4 / 0,53 / 0,10 % on;
#: ``benchmarks/bench_renewal_decisions.py``, docs/performance.md). Every plan follows it: :func:`optimize`, the
#: plan study, the Prioritera settings, the web's new variants, the command line and ``hushall demo``.
RENEWAL_DECISIONS_DEFAULT = True


def renewal_block(data: MunicipalityData, construction_index: FloatArray, project_ids: list[str]) -> RenewalBlock:
    """The input of :mod:`hushall.optimize.renewal_decisions`: the pools of components, the construction prices,
    the cost of postponing (``straff_underhållsskuld_andel``), the debt if nothing were renewed and the debt
    under the data's policy without projects (the objective's reference), and that policy's renewal per pool
    (what the ranking baseline funds)."""
    groups = renewal_groups(data)
    sheet = data.projects["project_id"].astype(str).tolist() if len(data.projects) else []
    pos = {pid: q for q, pid in enumerate(project_ids)}
    nothing = groups.due_kr.cumsum(axis=1).sum(axis=0)
    share, all_due = policy_debt_share(data)
    return RenewalBlock(groups=groups, project_of_claimant={k: pos[p] for k, p in enumerate(sheet) if p in pos},
                        construction_index=np.asarray(construction_index, dtype=float),
                        penalty_share=data.assumption("straff_underhållsskuld_andel"),
                        debt_if_nothing_kr=nothing, policy_debt_kr=share * all_due,
                        policy_renewal_kr=policy_renewal_by_pool(data, groups.component_group))
