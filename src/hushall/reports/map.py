r"""The map of the municipality: districts, facilities and the plan's projects drawn from their coordinates, as SVG.

One builder serves the web (the SVG as it is) and the plan document (:func:`map_png`, the same SVG rasterised by
vl-convert's resvg). The SVG is written directly rather than through Vega-Lite: a map needs label placement
(district names, places short, project ids) and a legend laid out beside it, which Vega-Lite's projection marks
leave to chance, and each district, facility and project becomes one ``<g>`` element with its id and a
``<title>`` (read aloud by screen readers, shown on hover when the SVG is opened). No tiles, no network.

Projection: the districts span a few tens of kilometres, so an equirectangular projection centred on the
municipality is exact to well under a per cent (its scale error grows with the square of the distance from the
centre latitude):

.. math::  x = R\,(\lambda - \lambda_0)\cos\varphi_0, \qquad y = R\,(\varphi - \varphi_0)

with :math:`\varphi_0` the mean latitude of what is drawn and :math:`R = 6\,371` km (the mean Earth radius).

What is drawn (all for one year and one service, or all services summed):

* **Districts** as circles whose area is the demand for places, :math:`r \propto \sqrt{\text{efterfrågan}}`
  (:func:`hushall.needs.capacity_table`), filled by the share of places short, :math:`\text{saknas} /
  \text{efterfrågan}` in four classes, with the name and the number of places short written beside them. Places
  short are those within reach (:func:`places_short_within_reach`: the optimiser's network, users may go to a
  facility within the service's longest distance), with the plan's projects when a schedule is given.
* **Facilities** (buildings; networks and streets have no single position) as numbered markers at their own
  coordinates or, when these are empty, around the district centre. One of three layers colours them:
  *skick* (condition 1–5, the digit written in the marker), *beläggning* (utilisation, the district's demand over
  its places in the facility's service — the needs analysis has no demand per building) and *reservkraft* (backup
  power, from :func:`hushall.needs.readiness_table`'s rule: critical in a power cut and without backup).
* **The plan's projects** (when a schedule is given): new builds and extensions (+), closures and sales (×) with
  their id, the year they are ready (start + construction years − 1) and the places they add or remove;
  rebuilt and reinvested facilities get a ring.

Markers that would overlap are pushed apart (a few rounds of pairwise repulsion, deterministic) and joined to
their true position by a thin line.

References
----------
J. P. Snyder (1987), *Map projections — a working manual*, USGS Professional Paper 1395, ch. 12 (equidistant
cylindrical projection).
P. Tol (2021), *Colour schemes*, SRON/EPS/TN/09-002 (colour-blind safe colours).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from hushall.files import write_bytes_atomic
from hushall.formatting import fmt_number, fmt_pct
from hushall.model import MunicipalityData
from hushall.needs import NeedsResult

#: The layers a facility marker can show, with their Swedish names.
LAYERS: dict[str, str] = {"skick": "Skick", "belaggning": "Beläggning", "reservkraft": "Reservkraft"}
#: Categories drawn as lines in reality (networks, streets): not placed as points.
LINEAR_CATEGORIES = ("va", "gata")
#: Project types marked on the map as places added (+) or taken away (×); rebuilds get a ring on their facility.
ADDING_TYPES = ("nybyggnad", "tillbyggnad")
REMOVING_TYPES = ("avveckling", "försäljning")
RING_TYPES = ("ombyggnad", "reinvestering", "konvertering")
#: Mean Earth radius, km.
EARTH_RADIUS_KM = 6371.0
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"

#: Condition 1 (very good) … 5 (worn out): green through sand to wine (Tol's colour-blind safe colours).
CONDITION_COLOURS = {1: "#117733", 2: "#44AA99", 3: "#DDCC77", 4: "#CC6677", 5: "#882255"}
CONDITION_NAMES = {1: "1 mycket gott", 2: "2 gott", 3: "3 acceptabelt", 4: "4 dåligt", 5: "5 uttjänt"}
#: Utilisation classes: (upper bound, colour, label).
UTILISATION_CLASSES: tuple[tuple[float, str, str], ...] = (
    (0.60, "#88CCEE", "under 60 % – många tomma platser"),
    (0.95, "#44AA99", "60–95 %"),
    (1.05, "#DDCC77", "95–105 % – fullt"),
    (math.inf, "#CC6677", "över 105 % – för trångt"),
)
BACKUP_CLASSES = {"har": ("#117733", "har reservkraft"),
                  "saknas_kritisk": ("#CC6677", "saknar – måste fungera vid elavbrott"),
                  "saknas": ("#BBBBBB", "saknar – behövs inte")}
#: The heading of the facilities listed beside the map, per layer (the ones a politician should see first).
NOTABLE_HEADINGS = {"skick": "Anläggningar i dåligt skick (4–5)",
                    "belaggning": "Anläggningar som är för trånga eller halvtomma",
                    "reservkraft": "Saknar reservkraft men måste fungera vid elavbrott"}
NO_VALUE = ("#DDDDDD", "uppgift saknas / inga platser")
#: Districts: share of the demand that has no place: (upper bound, fill, label).
SHORT_CLASSES: tuple[tuple[float, str, str], ...] = (
    (0.0, "#E4ECF4", "platserna räcker"),
    (0.10, "#F3CDD3", "under 10 % saknas"),
    (0.25, "#E38D9C", "10–25 % saknas"),
    (math.inf, "#B8485F", "över 25 % saknas"),
)
INK, MUTED, SHORT_INK, PROJECT_INK = "#222222", "#666666", "#9E2A44", "#332288"



@dataclass(frozen=True)
class Layout:
    """Where the parts of the picture go, px: the map area (x, y, width, height), the legend's columns (their x)
    and where the legend starts (``None``: beside the map, else below the notes)."""

    width: float
    map_box: tuple[float, float, float, float]
    legend_columns: tuple[float, ...]
    legend_below: bool
    legend_chars: int = 44  # characters per line in a legend column


#: The web page: the legend beside the map.
WIDE = Layout(880.0, (16.0, 64.0, 560.0, 540.0), (596.0,), legend_below=False)
#: A portrait document page: the legend in two columns under the map, so the text prints at about 9 pt.
TALL = Layout(620.0, (16.0, 64.0, 588.0, 440.0), (16.0, 318.0), legend_below=True)
LAYOUTS = {"wide": WIDE, "tall": TALL}
MIN_HEIGHT = 640.0
MARKER_R = 7.5


@dataclass
class Marker:
    """Something placed on the map: a facility or a project, at (``x``, ``y``) px, moved from (``x0``, ``y0``)."""

    key: str
    kind: str  # "facility" or "project"
    x0: float
    y0: float
    x: float = 0.0
    y: float = 0.0
    label: str = ""
    title: str = ""
    fill: str = "#DDDDDD"
    text: str = ""
    faded: bool = False
    ring: bool = False
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class MapPicture:
    """Everything :func:`map_svg` draws, in pixels; built by :func:`build_map`."""

    title: str
    subtitle: str
    districts: pd.DataFrame  # district_id, name, x, y, r, demand, short, fill, label
    markers: list[Marker]
    legend: list[tuple[str, list[tuple[str, str, str]]]]  # heading, [(shape, colour, text)]
    notes: list[str]
    remarks: list[tuple[str, list[str]]] = field(default_factory=list)  # heading, lines beside the map
    scale_km: float = 0.0
    scale_px: float = 0.0
    message: str = ""  # when nothing can be drawn
    layout: Layout = WIDE


def _valid(lat: pd.Series, lon: pd.Series) -> np.ndarray:
    la = pd.to_numeric(lat, errors="coerce").to_numpy(float)
    lo = pd.to_numeric(lon, errors="coerce").to_numpy(float)
    return np.isfinite(la) & np.isfinite(lo) & (np.abs(la) <= 90) & (np.abs(lo) <= 180)


def _nice_km(km: float) -> float:
    """The largest of 0,1; 0,2; 0,5; 1; 2; 5; 10 … km not above ``km``."""
    if km <= 0:
        return 0.0
    exp = 10 ** math.floor(math.log10(km))
    return max(m * exp for m in (1, 2, 5) if m * exp <= km)


def _relax(markers: list[Marker], obstacles: Sequence[tuple[float, float, float]], gap: float,
           box: tuple[float, float, float, float]) -> None:
    """Push overlapping markers apart (pairwise repulsion to distance ``gap``), each pulled back towards its true
    position; deterministic. ``obstacles`` are fixed circles (x, y, r) markers should not cover the centre of."""
    if not markers:
        return
    pos = np.array([[m.x0, m.y0] for m in markers], dtype=float)
    anchor = pos.copy()
    n = len(markers)
    # co-located markers start on a small circle, in table order, so that repulsion has a direction
    _, first, counts = np.unique(np.round(anchor, 1), axis=0, return_index=True, return_counts=True)
    for i0, c in zip(first, counts, strict=True):
        if c > 1:
            same = np.flatnonzero(np.all(np.round(anchor, 1) == np.round(anchor[i0], 1), axis=1))
            angles = np.linspace(0, 2 * math.pi, len(same), endpoint=False) - math.pi / 2
            pos[same] += gap * 0.8 * np.c_[np.cos(angles), np.sin(angles)]
    for _ in range(120):
        diff = pos[:, None, :] - pos[None, :, :]
        dist = np.hypot(diff[..., 0], diff[..., 1]) + np.eye(n)
        overlap = np.clip(gap - dist, 0.0, None) * (1 - np.eye(n))
        push = (diff / dist[..., None] * overlap[..., None] / 2).sum(axis=1)
        for ox, oy, r in obstacles:
            d = pos - [ox, oy]
            dd = np.hypot(d[:, 0], d[:, 1]) + 1e-9
            near = np.clip(min(r, 14.0) - dd, 0.0, None)
            push += d / dd[:, None] * near[:, None] * 0.3
        pos += push + 0.02 * (anchor - pos)
        if float(overlap.max(initial=0.0)) < 0.5:
            break
    x0, y0, w, h = box
    pos[:, 0] = np.clip(pos[:, 0], x0 + MARKER_R, x0 + w - MARKER_R)
    pos[:, 1] = np.clip(pos[:, 1], y0 + MARKER_R, y0 + h - MARKER_R)
    for m, (x, y) in zip(markers, pos, strict=True):
        m.x, m.y = float(x), float(y)


def _completion(projects: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(projects["duration_years"], errors="coerce").fillna(1).astype(int) - 1


def places_short_within_reach(data: MunicipalityData, year: int,
                               schedule: Mapping[str, int] | None = None) -> pd.DataFrame:
    r"""Places short per district and service in ``year`` (columns ``district_id, service_id, short``) when users
    may go to any facility of the service within its longest distance (``max_avstånd_km``), nearest first.

    The network is the optimiser's (:func:`hushall.optimize.inputs.capacity_block`) and the places short its
    ``unmet`` without projects (:func:`hushall.optimize.candidates.unmet_places_without_projects`). With a
    ``schedule`` each project's places count at its facility (or its district's new site) from the year it is in
    use, :math:`c = s + d` (start plus construction years, :mod:`hushall.optimize.problem`'s convention).
    """
    from hushall.optimize.candidates import unmet_places_without_projects
    from hushall.optimize.inputs import capacity_block

    empty = pd.DataFrame({"district_id": [], "service_id": [], "short": []})
    cb = capacity_block(data)
    years = [int(y) for y in data.years]
    if cb is None or not len(cb.demand_district) or year not in years:
        return empty
    capacity = cb.node_capacity.astype(float).copy()
    if schedule:
        proj = data.projects
        in_use = [(int(schedule[p]) + int(d) <= year) if p in schedule else False
                  for p, d in zip(proj["project_id"].astype(str), pd.to_numeric(proj["duration_years"]).fillna(1),
                                  strict=True)]
        take = np.flatnonzero(np.asarray(in_use, dtype=bool) & (cb.project_node >= 0))
        np.add.at(capacity, cb.project_node[take], cb.project_places[take])
        capacity = np.maximum(capacity, 0.0)
    unmet, _ = unmet_places_without_projects(cb, capacity)
    return pd.DataFrame({"district_id": cb.demand_district.astype(str), "service_id": cb.demand_service.astype(str),
                         "short": unmet[:, years.index(year)]})


def build_map(data: MunicipalityData, needs: NeedsResult, *, year: int | None = None, service_id: str | None = None,
              layer: str = "skick", schedule: Mapping[str, int] | None = None,
              title: str | None = None, layout: Layout = WIDE) -> MapPicture:
    """Place the districts, facilities and projects of ``data`` on the map (see the module docstring).

    ``year`` defaults to the first plan year; ``service_id`` ``None`` sums all services; ``schedule`` (project id →
    start year) marks the plan's projects. Never raises on missing coordinates: what cannot be placed is named in
    the notes, and with no district coordinates at all the picture carries only a ``message``.
    """
    if layer not in LAYERS:
        raise ValueError(f"okänt kartlager {layer!r}; välj ett av {', '.join(LAYERS)}")
    year = int(data.first_year if year is None else year)
    services = dict(zip(data.services["service_id"].astype(str), data.services["name"].astype(str), strict=True))
    if service_id is not None and service_id not in services:
        raise ValueError(f"okänd verksamhet {service_id!r}")
    service_name = services[service_id] if service_id else "alla verksamheter"
    heading = title or f"Platser och anläggningar {year}"
    subtitle = (f"Områden: platser som saknas i {service_name[:1].lower() + service_name[1:]} {year}. "
                f"Anläggningar: {LAYERS[layer].lower()}.")

    dist = data.districts.reset_index(drop=True)
    ok = _valid(dist["lat"], dist["lon"])
    notes: list[str] = []
    missing = dist.loc[~ok, "name"].astype(str).tolist()
    if missing:
        notes.append("Saknar koordinater och visas inte: " + ", ".join(missing) + ".")
    if not ok.any():
        return MapPicture(heading, subtitle, dist.iloc[:0], [], [], notes, layout=layout, message=(
            "Kartan kan inte ritas: inget område har koordinater. Fyll i latitud och longitud för områdena i "
            "fliken Områden."))

    # --- figures per district: demand, capacity, places short in the year ------------------------------------
    cap = needs.capacity
    cap = cap[cap["year"] == year]
    if service_id:
        cap = cap[cap["service_id"].astype(str) == service_id]
    per = cap.groupby("district_id")[["demand", "capacity"]].sum()

    def short_per_district(plan: Mapping[str, int] | None) -> pd.Series:
        reach = places_short_within_reach(data, year, plan)
        if service_id:
            reach = reach[reach["service_id"] == service_id]
        return dist["district_id"].map(reach.groupby("district_id")["short"].sum()).fillna(0.0).astype(float)

    dist = dist.assign(demand=dist["district_id"].map(per["demand"]).fillna(0.0).astype(float),
                       capacity=dist["district_id"].map(per["capacity"]).fillna(0.0).astype(float),
                       short=short_per_district(schedule),
                       short_without_plan=short_per_district(None) if schedule else np.nan)
    lat_d = pd.to_numeric(dist["lat"], errors="coerce")
    lon_d = pd.to_numeric(dist["lon"], errors="coerce")
    centre = {d: (la, lo) for d, la, lo, v in zip(dist["district_id"], lat_d, lon_d, ok, strict=True) if v}

    # --- facilities: own coordinates, else the district centre ---------------------------------------------------
    fac = data.facilities.reset_index(drop=True)
    point = ~fac["category"].astype(str).isin(LINEAR_CATEGORIES)
    lines = fac[~point]
    if len(lines):
        notes.append(f"Ledningsnät och gator ({len(lines)} st) har ingen enskild plats och visas inte.")
    fac = fac[point].reset_index(drop=True)
    own = _valid(fac["lat"], fac["lon"])
    f_lat = np.where(own, pd.to_numeric(fac["lat"], errors="coerce"),
                     [centre.get(d, (np.nan, np.nan))[0] for d in fac["district_id"]])
    f_lon = np.where(own, pd.to_numeric(fac["lon"], errors="coerce"),
                     [centre.get(d, (np.nan, np.nan))[1] for d in fac["district_id"]])
    placed = np.isfinite(f_lat) & np.isfinite(f_lon)
    if (~placed).any():
        notes.append("Anläggningar utan koordinater i områden utan koordinater visas inte: "
                     + ", ".join(fac.loc[~placed, "name"].astype(str)) + ".")

    # --- projection and fit ---------------------------------------------------------------------------------------
    lats = np.r_[lat_d[ok].to_numpy(float), f_lat[placed]]
    lons = np.r_[lon_d[ok].to_numpy(float), f_lon[placed]]
    lat0 = float(np.mean(lats))
    k = math.cos(math.radians(lat0))
    km_per_deg = EARTH_RADIUS_KM * math.pi / 180

    def project_km(la: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(lo, float) * k * km_per_deg, np.asarray(la, float) * km_per_deg)

    xs, ys = project_km(lats, lons)
    # at least 4 km across, so that one district (or districts on a line) still reads as a map
    span_x, span_y = max(float(np.ptp(xs)), 4.0), max(float(np.ptp(ys)), 4.0)
    bx, by, bw, bh = layout.map_box
    pad = 50.0
    scale = min((bw - 2 * pad) / span_x, (bh - 2 * pad) / span_y)  # px per km
    cx, cy = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2

    def to_px(la: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = project_km(la, lo)
        return bx + bw / 2 + (x - cx) * scale, by + bh / 2 - (y - cy) * scale

    # --- districts ------------------------------------------------------------------------------------------------
    drawn = dist[ok].reset_index(drop=True)
    dx, dy = to_px(pd.to_numeric(drawn["lat"]).to_numpy(float), pd.to_numeric(drawn["lon"]).to_numpy(float))
    max_demand = max(float(drawn["demand"].max()), 1.0)
    radius = 12.0 + 30.0 * np.sqrt(drawn["demand"].to_numpy(float) / max_demand)
    share = np.where(drawn["demand"] > 0, drawn["short"] / drawn["demand"].where(drawn["demand"] > 0, 1.0), 0.0)
    fills, labels = [], []
    for s, short, before in zip(share, drawn["short"], drawn["short_without_plan"], strict=True):
        cls = SHORT_CLASSES[0] if short < 0.5 else next(c for c in SHORT_CLASSES[1:] if s < c[0])
        fills.append(cls[1])
        text = f"{fmt_number(short)} platser saknas" if short >= 0.5 else "platserna räcker"
        if schedule and abs(float(before) - float(short)) >= 0.5:
            text += f" (utan planen {fmt_number(before)})"
        labels.append(text)
    drawn = drawn.assign(x=dx, y=dy, r=radius, fill=fills, label=labels)

    # --- facility markers ---------------------------------------------------------------------------------------
    util = needs.capacity[needs.capacity["year"] == year].set_index(["district_id", "service_id"])["utilisation"]
    fx, fy = to_px(f_lat, f_lon)
    critical = fac["critical_in_power_cut"].astype(bool).to_numpy()
    backup = fac["backup_power"].astype(bool).to_numpy()
    markers: list[Marker] = []
    notable_rows: list[str] = []
    notable_of: dict[str, int] = {}  # facility id → its row in notable_rows
    district_names = dict(zip(dist["district_id"], dist["name"].astype(str), strict=True))
    for i, f in fac.iterrows():
        if not placed[i]:
            continue
        fid, name, sid = str(f["facility_id"]), str(f["name"]), str(f["service_id"] or "")
        cond = pd.to_numeric(f["condition"], errors="coerce")
        info = [f"{name} ({fid})"]
        if layer == "skick":
            fill, text = (CONDITION_COLOURS[int(cond)], str(int(cond))) if pd.notna(cond) else (NO_VALUE[0], "?")
            notable = pd.notna(cond) and cond >= 4
            info.append(f"skick {int(cond)}" if pd.notna(cond) else "skick saknas")
        elif layer == "belaggning":
            u = util.get((f["district_id"], sid), np.nan) if sid else np.nan
            u = float(u) if u is not None else np.nan
            if np.isfinite(u):
                fill = next(c[1] for c in UTILISATION_CLASSES if u < c[0])
                info.append(f"beläggning i området {fmt_pct(u, 0)}")
            else:
                fill = NO_VALUE[0]
                info.append("inga platser")
            text, notable = "", bool(np.isfinite(u) and (u >= 1.05 or u < 0.6))
        else:
            key = "har" if backup[i] else "saknas_kritisk" if critical[i] else "saknas"
            fill, text = BACKUP_CLASSES[key][0], "!" if key == "saknas_kritisk" else ""
            notable = key == "saknas_kritisk"
            info.append(BACKUP_CLASSES[key][1])
        if notable and (not service_id or sid == service_id):
            notable_of[fid] = len(notable_rows)
            where = district_names.get(f["district_id"], f["district_id"])
            notable_rows.append(f"{name}, {where}" + ("" if layer == "reservkraft" else f": {info[-1]}"))
        markers.append(Marker(fid, "facility", float(fx[i]), float(fy[i]),
                              title=", ".join(info), fill=fill, text=text,
                              faded=bool(service_id) and sid != service_id,
                              attrs={"data-facility": fid, "data-district": str(f["district_id"])}))

    # --- the plan's projects --------------------------------------------------------------------------------------
    legend_projects: list[tuple[str, str, str]] = []
    project_rows: list[str] = []
    if schedule:
        proj = data.projects[data.projects["project_id"].astype(str).isin(list(schedule))].reset_index(drop=True)
        unknown = sorted(set(map(str, schedule)) - set(proj["project_id"].astype(str)))
        if unknown:
            notes.append("Planens projekt som saknas i projektlistan visas inte: " + ", ".join(unknown) + ".")
        ready = proj["project_id"].astype(str).map(lambda p: int(schedule[p])) + _completion(proj)
        fac_pos = {m.key: m for m in markers}
        ringed = 0
        for p, done in zip(proj.itertuples(index=False), ready, strict=True):
            pid, ptype, fid = str(p.project_id), str(p.project_type), str(p.facility_id or "")
            if ptype in RING_TYPES:
                if fid in fac_pos:
                    fac_pos[fid].ring = True
                    fac_pos[fid].title += f"; {ptype} i planen ({pid}, klar {done})"
                    ringed += 1
                if fid in notable_of and layer == "skick" and done <= year:
                    # the marker is today's condition: the plan has put it right by the map's year
                    notable_rows[notable_of[fid]] += f" i dag, åtgärdas av {pid} ({ptype}, klar {done})"
                continue
            if ptype not in ADDING_TYPES + REMOVING_TYPES:
                continue
            if fid in fac_pos:
                x0, y0 = fac_pos[fid].x0, fac_pos[fid].y0
            elif str(p.district_id) in centre:
                la, lo = centre[str(p.district_id)]
                px, py = to_px(np.array([la]), np.array([lo]))
                x0, y0 = float(px[0]), float(py[0])
            else:
                notes.append(f"Projekt {pid} ligger i ett område utan koordinater och visas inte.")
                continue
            other = bool(service_id) and str(p.service_id or "") != service_id
            places = float(p.places_change or 0.0)
            adds = ptype in ADDING_TYPES
            places_text = f", {'+' if places > 0 else ''}{fmt_number(places)} pl" if abs(places) >= 0.5 else ""
            if not other:
                project_rows.append(f"{pid} klar {done}: {p.name}" + (f" ({places_text[2:]})" if places_text else ""))
            markers.append(Marker(pid, "project", x0, y0, label="" if other else pid, faded=other,
                                  title=f"{pid} {p.name}: {ptype}, klar {done}{places_text.replace('pl', 'platser')}",
                                  fill=PROJECT_INK if adds else INK, text="+" if adds else "×",
                                  attrs={"data-project": pid}))
        kinds = {m.text for m in markers if m.kind == "project"} | ({"ring"} if ringed else set())
        legend_projects = [item for kind, item in (("+", ("plus", PROJECT_INK, "nybyggnad eller tillbyggnad")),
                                                   ("×", ("cross", INK, "avveckling eller försäljning")),
                                                   ("ring", ("ring", INK, "ombyggnad eller förnyelse")))
                           if kind in kinds]
        if not any(m.kind == "project" for m in markers) and not ringed:
            notes.append("Planen har inga projekt som syns på kartan.")

    _relax(markers, [(float(r.x), float(r.y), float(r.r)) for r in drawn.itertuples()], gap=2 * MARKER_R + 2,
           box=layout.map_box)

    # --- legend ---------------------------------------------------------------------------------------------------
    area = "platser som behövs" if service_id else "platser som behövs, alla verksamheter"
    legend: list[tuple[str, list[tuple[str, str, str]]]] = [
        (f"Områden {year} – {service_name}", [("circle", c[1], c[2]) for c in SHORT_CLASSES]
         + [("size", MUTED, f"cirkelns yta = {area}")]),
    ]
    if layer == "skick":
        items = [("marker", CONDITION_COLOURS[c], CONDITION_NAMES[c]) for c in CONDITION_COLOURS]
    elif layer == "belaggning":
        items = [("marker", c[1], c[2]) for c in UTILISATION_CLASSES] + [("marker", NO_VALUE[0], "inga platser")]
    else:
        items = [("marker", *v) for v in BACKUP_CLASSES.values()]
    if service_id:
        items.append(("faded", MUTED, "blek: annan verksamhet"))
    today = " i dag" if schedule and layer == "skick" else ""  # the data's condition, before the plan's projects
    legend.append((f"Anläggningar – {LAYERS[layer].lower()}{today}", items))
    if legend_projects:
        legend.append(("Planens projekt (id, år klart)", legend_projects))
    notes.append("Platser som saknas: efterfrågan som inte ryms i någon anläggning inom verksamhetens längsta "
                 "rimliga avstånd (fliken Tjänster), närmaste först" + (", med planens projekt i bruk."
                                                                        if schedule else "."))
    if layer == "belaggning":
        notes.append("Beläggning = efterfrågan i området delad med områdets platser i verksamheten.")

    if layer == "reservkraft":  # networks have no point on the map but may still lack backup power
        lacking = lines[lines["critical_in_power_cut"].astype(bool) & ~lines["backup_power"].astype(bool)]
        notable_rows += [f"{n} (ledningsnät)" for n in lacking["name"].astype(str)]
    remarks = []
    if notable_rows:
        remarks.append((NOTABLE_HEADINGS[layer], notable_rows))
    if project_rows:
        remarks.append(("Planens projekt på kartan", project_rows))
    km_px = 1.0 / scale
    scale_km = _nice_km(110 * km_px)
    return MapPicture(heading, subtitle, drawn, markers, legend, notes, remarks, scale_km=scale_km,
                      scale_px=scale_km / km_px, layout=layout)


# --- drawing ------------------------------------------------------------------------------------------------------

def _text(x: float, y: float, s: str, *, size: float = 12, weight: str = "normal", fill: str = INK,
          anchor: str = "start", halo: bool = False) -> str:
    stroke = ' stroke="white" stroke-width="3" stroke-linejoin="round" paint-order="stroke"' if halo else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
            f'text-anchor="{anchor}"{stroke}>{escape(s)}</text>')


def _symbol(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{colour}" stroke="#7B8FA6" stroke-width="1"/>'
    if shape == "size":
        return (f'<circle cx="{x - 3:.1f}" cy="{y + 2:.1f}" r="5" fill="none" stroke="{colour}"/>'
                f'<circle cx="{x + 1:.1f}" cy="{y - 1:.1f}" r="9" fill="none" stroke="{colour}"/>')
    if shape == "faded":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{MARKER_R}" fill="#DDCC77" opacity="0.35" stroke="#333"/>'
    if shape == "plus":
        return _project_shape(x, y, colour, "+")
    if shape == "cross":
        return _project_shape(x, y, colour, "×")
    if shape == "ring":
        return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{MARKER_R}" fill="#DDCC77" stroke="#333" stroke-width="0.8"/>'
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{MARKER_R + 3}" fill="none" stroke="{colour}" '
                f'stroke-width="1.6" stroke-dasharray="3 2"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{MARKER_R}" fill="{colour}" stroke="#333" stroke-width="0.8"/>'


def _project_shape(x: float, y: float, colour: str, sign: str) -> str:
    s = MARKER_R + 0.5
    return (f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" rx="2" '
            f'fill="{colour}" stroke="white" stroke-width="1"/>'
            + _text(x, y + 4.5, sign, size=13, weight="bold", fill="white", anchor="middle"))


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Area two boxes (x0, y0, x1, y1) share."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _inside(box: tuple[float, float, float, float], area: tuple[float, float, float, float]) -> bool:
    bx, by, bw, bh = area
    return box[0] >= bx and box[2] <= bx + bw and box[1] >= by and box[3] <= by + bh


def map_svg(pic: MapPicture) -> str:
    """The picture as a standalone SVG document (its layout's width, as tall as its content; white background)."""
    lay = pic.layout
    width = f"{lay.width:g}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="HEIGHT" '
           f'viewBox="0 0 {width} HEIGHT" font-family="{FONT}" role="img" aria-label={quoteattr(pic.title)}>',
           f"<title>{escape(pic.title)}</title>", "BACKGROUND",
           _text(16, 26, pic.title, size=17, weight="bold"), _text(16, 46, pic.subtitle, size=12, fill="#444444")]
    bx, by, bw, bh = lay.map_box
    out.append(f'<rect x="{bx}" y="{by}" width="{bw}" height="{bh}" fill="#F7F9FA" stroke="#D5DCE3"/>')
    if pic.message:
        words, line, y = pic.message.split(), "", by + 40
        for word in words:  # wrap the message inside the map box
            if len(line) + len(word) > 62:
                out.append(_text(bx + 20, y, line, size=14))
                line, y = "", y + 20
            line = f"{line} {word}".strip()
        out.append(_text(bx + 20, y, line, size=14))
    # districts
    out.append('<g class="districts">')
    for r in pic.districts.itertuples():
        out.append(f'<g class="district" data-district={quoteattr(str(r.district_id))}>'
                   f'<title>{escape(f"{r.name}: {r.label}; behövs {fmt_number(r.demand)}, finns {fmt_number(r.capacity)}")}'
                   f'</title><circle cx="{r.x:.1f}" cy="{r.y:.1f}" r="{r.r:.1f}" fill="{r.fill}" '
                   f'stroke="#7B8FA6" stroke-width="1.2" fill-opacity="0.9"/></g>')
    out.append("</g>")
    # markers: leader lines first, then the markers
    out.append('<g class="facilities">')
    for m in pic.markers:
        if math.hypot(m.x - m.x0, m.y - m.y0) > MARKER_R:
            out.append(f'<line x1="{m.x0:.1f}" y1="{m.y0:.1f}" x2="{m.x:.1f}" y2="{m.y:.1f}" stroke="#888" '
                       f'stroke-width="0.7"/><circle cx="{m.x0:.1f}" cy="{m.y0:.1f}" r="1.5" fill="#555"/>')
    for m in pic.markers:
        attrs = " ".join(f"{k}={quoteattr(v)}" for k, v in m.attrs.items())
        faded = ' opacity="0.35"' if m.faded else ""
        body = [f'<g class="{m.kind}" {attrs}{faded}>',
                f"<title>{escape(m.title)}</title>"]
        if m.kind == "project":
            body.append(_project_shape(m.x, m.y, m.fill, m.text))
        else:
            if m.ring:
                body.append(f'<circle cx="{m.x:.1f}" cy="{m.y:.1f}" r="{MARKER_R + 3}" fill="none" stroke="{INK}" '
                            f'stroke-width="1.6" stroke-dasharray="3 2"/>')
            body.append(f'<circle cx="{m.x:.1f}" cy="{m.y:.1f}" r="{MARKER_R}" fill="{m.fill}" stroke="#333" '
                        f'stroke-width="0.8"/>')
            if m.text:
                dark = m.fill in ("#117733", "#882255", "#CC6677", "#44AA99")
                body.append(_text(m.x, m.y + 4, m.text, size=10.5, weight="bold",
                                  fill="white" if dark else INK, anchor="middle"))
        body.append("</g>")
        out.append("".join(body))
    out.append("</g>")
    # district labels (over the markers, with a white halo), where they cover the least
    taken = [(m.x - MARKER_R, m.y - MARKER_R, m.x + MARKER_R, m.y + MARKER_R) for m in pic.markers]
    circles = [(float(r.x), float(r.y), float(r.r)) for r in pic.districts.itertuples()]
    by_size = pic.districts.sort_values("r", ascending=False) if len(pic.districts) else pic.districts
    for r in by_size.itertuples():  # the largest district chooses its label's place first
        w = max(len(str(r.name)) * 8.0, len(str(r.label)) * 6.4)
        spots = [(r.x, r.y + r.r + 15), (r.x, r.y - r.r - 20), (r.x + r.r + 6 + w / 2, r.y - 2),
                 (r.x - r.r - 6 - w / 2, r.y - 2), (r.x - w / 3, r.y + r.r + 15), (r.x + w / 3, r.y + r.r + 15),
                 (r.x - w / 3, r.y - r.r - 20), (r.x + w / 3, r.y - r.r - 20)]
        boxes = [(x - w / 2, y - 12, x + w / 2, y + 17) for x, y in spots]
        scores = [3 * sum(_overlap(bx_, t) for t in taken)
                  + sum(_overlap(bx_, (cx - cr, cy - cr, cx + cr, cy + cr)) for cx, cy, cr in circles)
                  + (1e6 if not _inside(bx_, lay.map_box) else 0.0) for bx_ in boxes]
        best = int(np.argmin(scores))
        (x, y), box = spots[best], boxes[best]
        taken.append(box)
        colour = SHORT_INK if float(r.short) >= 0.5 else MUTED
        out.append(_text(x, y, str(r.name), size=13, weight="bold", anchor="middle", halo=True))
        out.append(_text(x, y + 14, str(r.label), size=11.5, weight="bold" if float(r.short) >= 0.5
                         else "normal", fill=colour, anchor="middle", halo=True))
    # project ids: every one is written, where it covers the least
    for m in sorted((m for m in pic.markers if m.label), key=lambda m: m.y):
        size = 11.0
        w, h = len(m.label) * size * 0.6, size + 2
        places: list[tuple[float, float, float, str, tuple[float, float, float, float]]] = []
        for dx, dy, anchor in ((MARKER_R + 3, 4, "start"), (-MARKER_R - 3, 4, "end"), (0, -MARKER_R - 4, "middle"),
                               (0, MARKER_R + 12, "middle"), (MARKER_R + 3, -8, "start"), (MARKER_R + 3, 14, "start"),
                               (-MARKER_R - 3, -8, "end"), (-MARKER_R - 3, 14, "end")):
            x = m.x + dx
            x0 = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
            box = (x0, m.y + dy - h + 3, x0 + w, m.y + dy + 3)
            cost = sum(_overlap(box, t) for t in taken) + (1e6 if not _inside(box, lay.map_box) else 0.0)
            places.append((cost, x, m.y + dy, anchor, box))
        _, x, y, anchor, box = min(places, key=lambda p: p[0])
        taken.append(box)
        out.append(_text(x, y, m.label, size=size, weight="bold", fill=PROJECT_INK, anchor=anchor, halo=True))
    # scale bar, bottom right
    if pic.scale_px > 0:
        km = fmt_number(pic.scale_km, 0 if pic.scale_km >= 1 else 1)
        sx, sy = bx + bw - 14 - pic.scale_px, by + bh - 14
        out.append(f'<path d="M{sx:.1f},{sy - 5} V{sy} H{sx + pic.scale_px:.1f} V{sy - 5}" fill="none" '
                   f'stroke="{INK}" stroke-width="1.5"/>'
                   + _text(sx + pic.scale_px / 2, sy - 8, f"{km} km", size=11, anchor="middle"))
    # notes under the map
    ny = by + bh + 18
    for note in pic.notes:
        for line in textwrap.wrap(note, int(bw / 5.9)):
            out.append(_text(bx, ny, line, size=11, fill="#444444"))
            ny += 15
    # the legend and the facilities and projects to notice, each block in the shortest column
    chars = lay.legend_chars
    top = ny + 20 if lay.legend_below else 80.0
    out.append('<g class="legend">')
    out.append(_text(lay.legend_columns[0], top - 10, "Teckenförklaring", size=14, weight="bold"))
    ys = [top] * len(lay.legend_columns)
    # one column: all in it; more: the legend in the first, the lists in the others (shortest first)
    for heading, items in pic.legend:
        c = 0
        x, y = lay.legend_columns[c], ys[c]
        for j, line in enumerate(textwrap.wrap(heading, chars - 4)):
            y += 16 if j == 0 else 15
            out.append(_text(x, y, line, size=12, weight="bold"))
        y += 4
        for shape, colour, label in items:
            lines = textwrap.wrap(label, chars - 4)
            y += 20
            out.append(_symbol(shape, x + 10, y - 4, colour))
            for j, line in enumerate(lines):
                out.append(_text(x + 28, y + 14 * j, line, size=11.5))
            y += 14 * (len(lines) - 1)
        ys[c] = y + 8
    out.append("</g>")
    out.append('<g class="remarks">')
    for heading, rows in pic.remarks:
        c = 0 if len(ys) == 1 else 1 + int(np.argmin(ys[1:]))
        x, y = lay.legend_columns[c], ys[c]
        for j, line in enumerate(textwrap.wrap(heading, chars - 4)):
            y += 16 if j == 0 else 15
            out.append(_text(x, y, line, size=12, weight="bold"))
        for row in rows:
            for j, line in enumerate(textwrap.wrap(row, chars, subsequent_indent="   ")):
                y += 15
                out.append(_text(x, y, ("• " if j == 0 else "") + line, size=11))
        ys[c] = y + 8
    out.append("</g>")
    out.append("</svg>")
    height = f"{max(MIN_HEIGHT if not lay.legend_below else 0.0, max(ys) + 4, ny + 4):.0f}"
    out[0] = out[0].replace("HEIGHT", height)
    out[2] = f'<rect width="{width}" height="{height}" fill="white"/>'
    return "".join(out)


def municipality_map(data: MunicipalityData, needs: NeedsResult, *, year: int | None = None,
                     service_id: str | None = None, layer: str = "skick", schedule: Mapping[str, int] | None = None,
                     title: str | None = None, layout: Layout = WIDE) -> str:
    """The map as SVG: :func:`build_map` then :func:`map_svg`.

    Examples
    --------
    >>> from hushall.examples import exempelkommun
    >>> from hushall.needs import analyse_needs
    >>> data = exempelkommun()
    >>> svg = municipality_map(data, analyse_needs(data), service_id="forskola")
    >>> svg.startswith("<svg") and "Centralorten" in svg and "Teckenförklaring" in svg
    True
    """
    return map_svg(build_map(data, needs, year=year, service_id=service_id, layer=layer, schedule=schedule,
                             title=title, layout=layout))


def map_png(svg: str, scale: float = 2.0) -> bytes:
    """The SVG rasterised for the plan document (vl-convert's resvg: no browser, no network), through the chart
    cache (:func:`hushall.reports.charts.svg_png`)."""
    from hushall.reports.charts import svg_png

    return svg_png(svg, scale)


def save_map_png(svg: str, path: Path, scale: float = 2.0) -> Path:
    """:func:`map_png` written to ``path`` (atomically)."""
    write_bytes_atomic(path, map_png(svg, scale))
    return path


def plan_in_use_year(data: MunicipalityData, schedule: Mapping[str, int] | None) -> int | None:
    """The first year all of the plan's projects are in use (start + construction years), at most the last plan
    year; ``None`` without a plan. The year a plan's map shows by default.

    Examples
    --------
    >>> from hushall.examples import exempelkommun
    >>> plan_in_use_year(exempelkommun(), {"P-07": 2026})  # two construction years
    2028
    """
    if not schedule:
        return None
    proj = data.projects.set_index(data.projects["project_id"].astype(str))
    in_use = [int(start) + int(proj.loc[p, "duration_years"]) for p, start in schedule.items() if p in proj.index]
    return min(max(in_use), data.last_year) if in_use else None


def worst_year(data: MunicipalityData, years: Sequence[int]) -> int:
    """Of ``years``, the one with the most places short within reach (all services, no projects); the first on a
    tie. One solve: without projects the capacity is the same every year."""
    from hushall.optimize.candidates import unmet_places_without_projects
    from hushall.optimize.inputs import capacity_block

    cb = capacity_block(data)
    if cb is None or not len(cb.demand_district):
        return int(years[0])
    per_year = dict(zip((int(y) for y in data.years), unmet_places_without_projects(cb)[0].sum(axis=0),
                        strict=True))
    totals = [float(per_year.get(int(y), 0.0)) for y in years]
    return int(years[int(np.argmax(totals))])


__all__ = ["LAYERS", "MapPicture", "build_map", "map_png", "map_svg", "municipality_map", "places_short_within_reach",
           "plan_in_use_year", "save_map_png", "worst_year"]
