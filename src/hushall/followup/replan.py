r"""Re-plan from today: the outcomes (sheet ``Utfall``) turned into fixed decisions for the next plan.

What is finished is sunk, what is under way is committed; the optimiser (:func:`hushall.optimize.replan.replan`)
plans the rest from the first plan year with the money actually left — the base year's accounts (sheet
``Ekonomi``) already hold every outcome up to the base year, in the balance sheet and in the cash spent.

Rules
-----
Per project of sheet Utfall at its last reported year (:attr:`FollowUp.projects`), with ``A`` the accumulated
expenditure, ``P`` the forecast total, ``k`` the (forecast) completion year, ``T₀`` the base year and
``I_c(T₀)`` the construction price index of the base year (1 in the price base year)::

    avslutat     sunk: leaves the candidates; no outlay in the plan (A is in the base year's accounts).
                 Reported at its actual start (first year with an outcome) with A spent.
    pågående     committed: måste = ja, fast_startår = T₀ + 1, byggtid = max(1, k − T₀) år,
                 kostnad_kr = max(0, P − A) / I_c(T₀)          (the remaining cost, price-base-year prices),
                 spread evenly (a project's own cash profile is kept when its duration is unchanged).
                 Places, operating consequence and components are kept from sheet Projekt; a project only in
                 Utfall joins Projekt with its name, type and nämnd from Utfall, in the first district, without
                 places or operating consequence (Utfall does not say them).
    ej_påbörjat  a candidate as before (its window starts in the plan at the earliest); a project only in Utfall
                 is no candidate (Utfall does not say its effects: add it to sheet Projekt).

A dependency on a finished project is met (the finished project is no longer a candidate).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> r = replanning(exempelkommun())
>>> sorted(r.committed.index)
['P-12', 'U-2301', 'U-2302', 'U-2401']
>>> float(r.committed.loc["P-12", "remaining_kr"]), int(r.committed.loc["P-12", "duration_years"])
(74800000.0, 3)
>>> len(r.finished), float(r.finished["spent_kr"].sum())
(6, 82500000.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hushall.followup.outcomes import NO_COMMITTEE, UNKNOWN_TYPE, FollowUp, follow_up
from hushall.model import MunicipalityData
from hushall.projects import cumulative_index

#: Project type given to a project only in Utfall whose type is unknown there (capitalised like a rebuild).
FALLBACK_TYPE = "ombyggnad"


@dataclass(frozen=True)
class Replanning:
    """The municipality prepared for a re-plan from today (see the module's rules).

    Attributes
    ----------
    data
        The municipality whose sheet Projekt holds the committed projects (must-do, locked to the first plan year,
        their remaining cost) and the candidates; finished projects are gone from it.
    finished
        Indexed by project id: ``name``, ``committee``, ``actual_start`` (first year with an outcome),
        ``completion_year``, ``spent_kr`` (A) — sunk.
    committed
        Indexed by project id: ``name``, ``committee``, ``spent_kr`` (A), ``remaining_kr`` (P − A, kr of the base
        year), ``start_year``, ``duration_years``, ``over_decided_kr`` (P − D, positive = over the decided total),
        ``in_projects`` (whether sheet Projekt had it).
    """

    data: MunicipalityData
    original: MunicipalityData
    follow: FollowUp
    finished: pd.DataFrame
    committed: pd.DataFrame

    @property
    def committed_kr(self) -> float:
        """What the projects under way still cost (kr of the base year)."""
        return float(self.committed["remaining_kr"].sum()) if len(self.committed) else 0.0

    @property
    def sunk_kr(self) -> float:
        """What the finished projects cost (kr, in the accounts up to the base year)."""
        return float(self.finished["spent_kr"].sum()) if len(self.finished) else 0.0


def project_committees(data: MunicipalityData) -> pd.Series:
    """The nämnd of each project of sheet Projekt (in its order): column ``nämnd`` of Projekt, else the nämnd of
    the project's latest row in Utfall, else ``""``."""
    projects = data.projects
    own = (projects["committee"].fillna("").astype(str).str.strip() if "committee" in projects
           else pd.Series("", index=projects.index))
    if len(data.outcomes):
        last = data.outcomes.sort_values("year").groupby("project_id")["committee"].last().astype(str).str.strip()
        from_outcomes = projects["project_id"].astype(str).map(last).fillna("")
        own = own.where(own != "", from_outcomes)
    return own.reset_index(drop=True)


def _first_spend_year(follow: FollowUp) -> pd.Series:
    py = follow.project_years
    spent = py[py["outcome_kr"] > 0]
    first = spent.groupby("project_id")["year"].min()
    return first.reindex(follow.projects.index).fillna(follow.projects["first_year"]).astype(int)


def replanning(data: MunicipalityData, follow: FollowUp | None = None) -> Replanning:
    """``data`` with its outcomes turned into fixed decisions (the module's rules); ``data`` unchanged when it
    has no outcomes."""
    follow = follow_up(data) if follow is None else follow
    empty = pd.DataFrame()
    if follow.empty:
        return Replanning(data, data, follow, empty, empty)
    p = follow.projects
    first_plan = data.first_year
    base = data.base_year
    deflate = float(cumulative_index(data.assumptions["byggprisindex"], [base], data.price_base_year)[0])
    committee = p["committee"].where(p["committee"] != NO_COMMITTEE, "")
    done = p["status"] == "avslutat"
    under_way = p["status"] == "pågående"
    finished = pd.DataFrame({
        "name": p["name"], "committee": committee, "actual_start": _first_spend_year(follow),
        "completion_year": p["completion_year"].astype(int), "spent_kr": p["accumulated_kr"].astype(float),
    })[done]
    completion = p["completion_year"].astype(float).to_numpy()
    committed = pd.DataFrame({
        "name": p["name"], "committee": committee, "spent_kr": p["accumulated_kr"].astype(float),
        "remaining_kr": p["remaining_kr"].astype(float), "start_year": first_plan,
        "duration_years": np.maximum(1, completion - base).astype(int),
        "over_decided_kr": (p["forecast_total_kr"] - p["decided_total_kr"]).astype(float),
    })[under_way]
    projects = data.projects.copy()
    if "committee" not in projects:
        projects["committee"] = ""
    ids = projects["project_id"].astype(str)
    committed["in_projects"] = committed.index.isin(ids)
    projects = projects[~ids.isin(finished.index)].reset_index(drop=True)
    ids = projects["project_id"].astype(str)
    new_rows = []
    for pid, r in committed.iterrows():
        cost = r["remaining_kr"] / deflate
        if r["in_projects"]:
            i = int(np.flatnonzero(ids == pid)[0])
            if int(projects.at[i, "duration_years"]) != int(r["duration_years"]):
                projects.at[i, "cash_profile"] = ""
            projects.at[i, "cost_kr"] = cost
            projects.at[i, "duration_years"] = int(r["duration_years"])
            projects.at[i, "must_do"] = True
            projects.at[i, "fixed_start"] = first_plan
            projects.at[i, "earliest_start"] = first_plan
            projects.at[i, "latest_start"] = first_plan
            if not str(projects.at[i, "committee"] or "").strip():
                projects.at[i, "committee"] = r["committee"]
        else:
            ptype = str(p.at[pid, "project_type"])
            new_rows.append({
                "project_id": pid, "name": r["name"],
                "project_type": FALLBACK_TYPE if ptype == UNKNOWN_TYPE else ptype,
                "facility_id": "", "district_id": str(data.districts["district_id"].iloc[0]), "service_id": "",
                "cost_kr": cost, "duration_years": int(r["duration_years"]), "cash_profile": "",
                "earliest_start": first_plan, "latest_start": first_plan, "places_change": 0.0, "area_m2": 0.0,
                "sale_proceeds_kr": 0.0, "operating_cost_change_kr": 0.0, "component_split": "",
                "renews_components": "", "must_do": True, "fixed_start": first_plan, "depends_on": "",
                "exclusive_group": "", "committee": r["committee"],
            })
    if new_rows:
        added = pd.DataFrame(new_rows).reindex(columns=projects.columns)
        for col in projects.columns:  # the schema's defaults for the columns Utfall says nothing about
            if col.startswith("score_"):
                added[col] = 0.0
        projects = pd.concat([projects, added.astype(projects.dtypes.to_dict(), errors="ignore")],
                             ignore_index=True)
    return Replanning(data.replace(projects=projects), data, follow, finished, committed)


#: How a project changed between the decided plan and the re-plan (column ``change`` of :func:`plan_changes`).
CHANGES = ("klart", "pågår", "ny i planen", "utgår", "senare", "tidigare", "oförändrad")


def plan_changes(r: Replanning, decided: Mapping[str, int], replanned: Mapping[str, int],
                 binding: Mapping[int, Sequence[tuple[str, str]]] | None = None) -> pd.DataFrame:
    """What moved between the decided plan and the re-plan, and why (plain Swedish).

    ``decided`` and ``replanned`` map project id → start year; ``binding`` maps a plan year to the targets and
    ceilings binding in the re-plan that year, as (Swedish label, nämnd) — the nämnd of a delivery ceiling, ``""``
    for the others: the reason a project leaves or moves from that year is every binding row that is not another
    nämnd's delivery ceiling.
    Finished and committed projects are listed first; unchanged projects are kept (change ``oförändrad``).
    """
    names = dict(zip(r.original.projects["project_id"].astype(str), r.original.projects["name"].astype(str),
                     strict=True))
    names.update({str(k): str(v) for k, v in r.data.projects.set_index("project_id")["name"].items()})
    binding = binding or {}
    committees = dict(zip(r.data.projects["project_id"].astype(str),
                          project_committees(r.data).str.strip().str.casefold(), strict=True))

    def why_year(pid: str, year: int) -> str:
        own = committees.get(pid, "")
        labels = [label for label, committee in binding.get(year, ())
                  if not committee or committee.strip().casefold() == own]
        if not labels:
            return ""
        more = f" och {len(labels) - 3} till" if len(labels) > 3 else ""
        return "bindande i den nya planen: " + ", ".join(labels[:3]) + more

    committed_first = r.committed["remaining_kr"].sum() if len(r.committed) else 0.0
    rows: list[tuple[Any, ...]] = []

    def mkr(x: float) -> str:
        return f"{x / 1e6:,.1f}".replace(",", "\u00a0").replace(".", ",") + "\u00a0Mkr"

    for pid, f in r.finished.iterrows():
        rows.append((pid, f["name"], decided.get(pid), None, "klart",
                     f"Klart {int(f['completion_year'])} (start {int(f['actual_start'])}); utgiften {mkr(f['spent_kr'])}"
                     f" ligger i bokslutet till och med {r.original.base_year} och belastar inte planen."))
    for pid, c in r.committed.iterrows():
        end = int(c["start_year"]) + int(c["duration_years"]) - 1
        period = f"{int(c['start_year'])}–{end}" if end > int(c["start_year"]) else f"{end}"
        over = (f"; prognosen är {mkr(c['over_decided_kr'])} över beslutad totalutgift"
                if c["over_decided_kr"] > 0.5 else "")
        rows.append((pid, c["name"], decided.get(pid), replanned.get(pid, int(c["start_year"])), "pågår",
                     f"Pågår: {mkr(c['spent_kr'])} utgivet, {mkr(c['remaining_kr'])} kvar, slutförs "
                     f"{period}{over}."))
    fixed = set(r.finished.index) | set(r.committed.index)
    for pid in sorted((set(decided) | set(replanned)) - fixed):
        before, after = decided.get(pid), replanned.get(pid)
        squeeze = (f"de pågående projekten tar {mkr(committed_first)} av utrymmet från {r.data.first_year}"
                   if committed_first > 0 else "utfallen ändrar utgångsläget")
        if before is not None and after is None:
            why = why_year(pid, int(before))
            change, reason = "utgår", (f"Ryms inte längre i planen: år {before} är {why}." if why
                                       else f"Ryms inte längre i planen: {squeeze}.")
        elif before is None and after is not None:
            change, reason = "ny i planen", "Ryms i den nya planen med de pengar som finns kvar."
        elif before is not None and after is not None and after > before:
            why = why_year(pid, int(before))
            change, reason = "senare", (f"Flyttad {before} → {after}: år {before} är {why}." if why
                                        else f"Flyttad {before} → {after}: {squeeze}.")
        elif before is not None and after is not None and after < before:
            change, reason = "tidigare", f"Flyttad {before} → {after}: det finns utrymme tidigare i den nya planen."
        else:
            change, reason = "oförändrad", "Samma startår som i den beslutade planen."
        rows.append((pid, names.get(pid, pid), before, after, change, reason))
    out = pd.DataFrame(rows, columns=["project_id", "name", "decided_start", "new_start", "change", "reason"])
    for col in ("decided_start", "new_start"):
        out[col] = out[col].astype("Int64")
    return out
