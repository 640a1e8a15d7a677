"""Candidate projects generated from the needs analysis, next to those the officials propose in sheet Projekt.

* **Component renewals** — per facility, the components due within the first ``renewal_horizon_years`` plan
  years (and those already overdue: the maintenance debt), as one reinvestment that renews them. The cost of
  waiting is not a score: it is the growing maintenance debt, priced by ``straff_underhållsskuld_andel`` in the
  optimiser (:func:`hushall.optimize.inputs.column_debt_relief`).
* **Capacity where demand exceeds it** — the places each district cannot get within the service's reach
  (:func:`unmet_places_without_projects`: the same network as the optimiser, no projects): an extension of the
  district's largest facility of the service, else a new building, sized in modules of ``place_module`` places.
* **Capacity that stands empty** — a facility used below ``closure_utilisation`` whose users all find room
  within reach elsewhere: a closure (avveckling) saving its operating cost and its renewals.

Costs per new place come from the municipality's own proposals in sheet Projekt (median cost per place of its
new buildings and extensions of the service) and otherwise from :data:`DEFAULT_BUILD_COST_PER_PLACE_KR`.
Components, facilities and services already touched by an official proposal get no generated candidate.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> cands = generate_candidates(exempelkommun())
>>> sorted(set(cands["project_type"])) <= ["avveckling", "nybyggnad", "reinvestering", "tillbyggnad"]
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hushall.data.schema import CRITERIA, TABLES
from hushall.formatting import fmt_pct
from hushall.model import MunicipalityData
from hushall.needs import component_status
from hushall.optimize.linear import INF, LinearModel
from hushall.optimize.problem import CapacityBlock

#: Construction cost per new place (kr, price base year) when the municipality has no proposal of its own to
#: learn from. Calibrated on Exempelkommun's proposals (P-07 förskola 0.41 Mkr, P-09 F–6 0.36 Mkr, P-01 SÄBO
#: 3.4 Mkr per place), in line with SKR's Lokalförsörjning benchmarks for new builds.
DEFAULT_BUILD_COST_PER_PLACE_KR: dict[str, float] = {
    "forskola": 410_000.0,
    "grundskola": 360_000.0,
    "gymnasium": 450_000.0,
    "sabo": 3_400_000.0,
    "default": 500_000.0,
}

ENERGY_TYPES = {"ventilation", "fönster", "tak", "fasad", "vvs", "el"}


@dataclass
class CandidateOptions:
    """How candidates are generated."""

    renewal_horizon_years: int = 10
    min_renewal_kr: float = 1.0e6
    min_unmet_places: float = 5.0
    place_module: int = 20
    closure_utilisation: float = 0.6
    max_closure_checks: int = 30
    build_cost_per_place_kr: dict[str, float] = field(default_factory=dict)


def _service_key(service_id: str) -> str:
    s = service_id.lower()
    for key in ("forskola", "gymnasium", "sabo", "grundskola"):
        if key in s or (key == "forskola" and "förskola" in s):
            return key
    return "default"


def build_cost_per_place(data: MunicipalityData, service_id: str, options: CandidateOptions) -> float:
    """Median cost per place of the municipality's own new buildings/extensions of the service, else a default."""
    if service_id in options.build_cost_per_place_kr:
        return options.build_cost_per_place_kr[service_id]
    p = data.projects
    if len(p):
        own = p[(p["service_id"] == service_id) & p["project_type"].isin(["nybyggnad", "tillbyggnad"])
                & (pd.to_numeric(p["places_change"]).fillna(0) > 0)]
        if len(own):
            return float((own["cost_kr"] / pd.to_numeric(own["places_change"])).median())
    return DEFAULT_BUILD_COST_PER_PLACE_KR[_service_key(service_id)]


def unmet_places_without_projects(cb: CapacityBlock, node_capacity: np.ndarray | None = None
                                  ) -> tuple[np.ndarray, np.ndarray]:
    """Unmet places per demand point and year ``(Q, T)`` and places used per facility and year ``(N, T)`` when
    no project is done (nearest first within reach; an LP on the optimiser's network)."""
    q_count, t_count = cb.demand.shape
    n_arcs = len(cb.arc_node)
    cap = cb.node_capacity if node_capacity is None else node_capacity
    m = LinearModel()
    tt = np.arange(t_count)
    flow = m.add_variables("flow", lower=0.0, upper=INF, cost=np.repeat(-1e-6 * cb.arc_distance_km, t_count))
    unmet = m.add_variables("unmet", lower=0.0, upper=INF, cost=-1.0, size=q_count * t_count)
    rows = np.concatenate([np.repeat(cb.arc_demand * t_count, t_count) + np.tile(tt, n_arcs),
                           np.arange(q_count * t_count)])
    d = cb.demand.reshape(-1)
    m.add_constraints("demand", rows=rows, cols=np.concatenate([flow.index(), unmet.index()]),
                      vals=np.ones(len(rows)), lower=d, upper=d)
    m.add_constraints("node", rows=np.repeat(cb.arc_node * t_count, t_count) + np.tile(tt, n_arcs),
                      cols=flow.index(), vals=np.ones(n_arcs * t_count),
                      upper=np.repeat(cap, t_count), size=cb.n_nodes * t_count)
    h = m.to_highs(sense="max")
    h.run()
    sol = np.asarray(h.getSolution().col_value)
    used = np.zeros((cb.n_nodes, t_count))
    np.add.at(used, cb.arc_node, sol[flow.start:flow.stop].reshape(n_arcs, t_count))
    return sol[unmet.start:unmet.stop].reshape(q_count, t_count), used


def _row(pid: str, name: str, ptype: str, district: str, cost: float, years: tuple[int, int], **kw: object
         ) -> dict[str, object]:
    duration = 1 if cost < 20e6 else 2 if cost < 80e6 else 3
    first, last = years
    row: dict[str, object] = {c.name: c.default for c in TABLES["projects"].columns}
    row.update(project_id=pid, name=name, project_type=ptype, district_id=district, cost_kr=round(cost, -3),
               duration_years=duration, earliest_start=first, latest_start=max(first, last - duration + 1),
               fixed_start=pd.NA, must_do=False)
    row.update(kw)
    for k in CRITERIA:
        row.setdefault(f"score_{k}", 0.0)
    return row


def generate_candidates(data: MunicipalityData, options: CandidateOptions | None = None) -> pd.DataFrame:
    """Candidate projects from the needs analysis, as rows of sheet Projekt (internal column names) with a
    ``source`` column ("behovsanalys")."""
    from hushall.optimize.inputs import capacity_block

    opt = options or CandidateOptions()
    first, last = int(data.first_year), int(data.last_year)
    official = data.projects
    touched_fac = set()
    renewed: set[str] = set()
    if len(official):
        for r in official.to_dict("records"):
            fac = "" if pd.isna(r.get("facility_id")) else str(r.get("facility_id") or "")
            renews = [s.strip() for s in str(r.get("renews_components") or "").split(";") if s.strip()]
            renewed.update(renews)
            if fac and (not renews or r.get("project_type") in ("ombyggnad", "konvertering", "avveckling",
                                                                  "försäljning")):
                touched_fac.add(fac)
    rows: list[dict[str, object]] = []
    fac = data.facilities.set_index("facility_id")
    # 1. component renewals, one project per facility
    if len(data.components):
        st = component_status(data)
        due = st[(st["first_due_year"] <= first + opt.renewal_horizon_years - 1)
                 & ~st["facility_id"].isin(touched_fac) & ~st["component_id"].isin(renewed)]
        for fid, g in due.groupby("facility_id", sort=True):
            cost = float(g["value_kr"].sum())
            if cost < opt.min_renewal_kr:
                continue
            types = set(g["component_type"])
            f = fac.loc[fid]
            overdue = bool(g["overdue"].any())
            rows.append(_row(
                f"K-R-{fid}", f"Förnyelse {f['name']}: {', '.join(sorted(types))}", "reinvestering",
                str(f["district_id"]), cost, (first, min(last, int(g["first_due_year"].max()) + 5)),
                facility_id=str(fid), renews_components=";".join(g["component_id"].astype(str)),
                score_skick=5.0 if overdue else 3.0,
                score_lagkrav=4.0 if "va_ledning" in types else 1.0,
                score_energi=3.0 if types & ENERGY_TYPES else 1.0,
                score_beredskap=3.0 if bool(f.get("critical_in_power_cut", False)) else 0.0,
                score_politik=2.0))
    # 2./3. capacity: places that cannot be had within reach, and facilities that stand half empty
    cb = capacity_block(data) if len(data.services) else None
    if cb is not None and cb.n_demand:
        unmet, used = unmet_places_without_projects(cb)
        years = np.asarray(data.years)
        opex_per_place = {}
        for sid, g in data.facilities[data.facilities["service_id"].astype(str) != ""].groupby("service_id"):
            ok = g["capacity_places"] > 0
            opex_per_place[str(sid)] = float((g.loc[ok, "operating_cost_kr"] / g.loc[ok, "capacity_places"]
                                              ).median()) if ok.any() else 0.0
        district_names = dict(zip(data.districts["district_id"].astype(str), data.districts["name"].astype(str),
                                  strict=True))
        service_names = dict(zip(data.services["service_id"].astype(str), data.services["name"].astype(str),
                                 strict=True))
        for q in range(cb.n_demand):
            peak = float(unmet[q].max())
            if peak < opt.min_unmet_places:
                continue
            district, sid = str(cb.demand_district[q]), str(cb.demand_service[q])
            places = math.ceil(peak / opt.place_module) * opt.place_module
            cost = places * build_cost_per_place(data, sid, opt)
            own = data.facilities[(data.facilities["district_id"] == district)
                                  & (data.facilities["service_id"].astype(str) == sid)
                                  & ~data.facilities["facility_id"].isin(touched_fac)]
            short_from = int(years[np.argmax(unmet[q] >= opt.min_unmet_places)])
            share = peak / max(float(cb.demand[q].max()), 1.0)
            common = {"service_id": sid, "places_change": float(places),
                          "operating_cost_change_kr": round(places * opex_per_place.get(sid, 0.0), -3),
                          "score_kapacitet": 5.0 if share >= 0.2 else 3.0,
                          "score_lagkrav": 3.0 if _service_key(sid) in ("grundskola", "sabo") else 2.0,
                          "score_energi": 2.0, "score_politik": 2.0}
            window = (max(first, short_from - 3), last)
            if len(own):
                big = own.sort_values("capacity_places", ascending=False).iloc[0]
                rows.append(_row(f"K-T-{district}-{sid}", f"Tillbyggnad {big['name']}, {places} platser",
                                 "tillbyggnad", district, cost, window, facility_id=str(big["facility_id"]),
                                 **common))
            else:
                rows.append(_row(f"K-N-{district}-{sid}", f"Nybyggnad {service_names.get(sid, sid).lower()} i "
                                 f"{district_names.get(district, district)}, {places} platser", "nybyggnad",
                                 district, cost, window, **common))
        # closures: facilities used below the threshold whose users find room within reach elsewhere
        exist = np.flatnonzero(np.array([k.split("|")[0] in fac.index for k in cb.node_ids]))
        util = np.where(cb.node_capacity[exist, None] > 0, used[exist] / np.maximum(cb.node_capacity[exist, None], 1),
                        1.0).mean(axis=1)
        order = exist[np.argsort(util)][: opt.max_closure_checks]
        base_unmet = float(unmet.sum())
        for n in order:
            fid = str(cb.node_ids[n]).split("|")[0]
            if fid in touched_fac or cb.node_capacity[n] <= 0:
                continue
            u = float(np.where(cb.node_capacity[n] > 0, used[n] / cb.node_capacity[n], 1.0).mean())
            if u >= opt.closure_utilisation:
                continue
            cap = cb.node_capacity.copy()
            cap[n] = 0.0
            if float(unmet_places_without_projects(cb, cap)[0].sum()) > base_unmet + 1.0:
                continue
            f = fac.loc[fid]
            rows.append(_row(
                f"K-A-{fid}", f"Avveckling {f['name']} (nyttjandegrad {fmt_pct(u, 0)}; platserna ryms inom räckhåll)",
                "avveckling", str(f["district_id"]), max(0.01 * float(f["replacement_value_kr"]), 5e5),
                (first, last), facility_id=fid, service_id=str(f["service_id"]),
                places_change=-float(cb.node_capacity[n]),
                operating_cost_change_kr=-float(f.get("operating_cost_kr") or 0.0),
                score_skick=3.0, score_energi=2.0, score_politik=1.0))
    out = pd.DataFrame(rows, columns=[c.name for c in TABLES["projects"].columns])
    out["source"] = "behovsanalys"
    return out


def with_candidates(data: MunicipalityData, options: CandidateOptions | None = None) -> MunicipalityData:
    """The municipality with the generated candidates added to sheet Projekt (officials' rows first)."""
    cands = generate_candidates(data, options).drop(columns=["source"])
    official = data.projects
    projects = pd.concat([official, cands], ignore_index=True) if len(official) else cands
    return data.replace(projects=projects)
