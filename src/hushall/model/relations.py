"""Checks of the relations between projects (sheet Projekt) that no plan can satisfy.

The optimiser (:mod:`hushall.optimize.model`) requires every must-do project to start once, at most one project of
each group of alternatives (``alternativgrupp``), and a project to start only after the project it depends on
(``beroende_av``) is complete: :math:`s_B \\ge s_A + d_A` for B depending on A. Some sets of relations make that
impossible whatever the money allows; they are found here, before any solve, and named:

* two must-do projects in the same group of alternatives — directly, or through a project a must-do project
  depends on (which then must be done too);
* a must-do project that depends on a project that cannot be complete before the must-do project's last possible
  start (its window, its fixed start year, the plan's horizon), following chains of dependencies;
* a project that is not must-do but can never start for the same reason is a warning: it will never be chosen.

Dependency cycles and references to unknown projects are checked in :mod:`hushall.model.validate`.
:func:`project_conflicts` runs the same checks on a municipality's projects after loading (the optimiser's
command line names the conflicts when a model built outside validation proves infeasible).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from hushall.data.schema import TABLES
from hushall.errors import Problem

if TYPE_CHECKING:
    from hushall.model.municipality import MunicipalityData
    from hushall.model.validate import Collector


def _int(x: Any) -> int | None:
    return None if x is None or x is pd.NA or (isinstance(x, float) and x != x) else int(x)


def check_project_relations(proj: pd.DataFrame, base_year: int | None, horizon: int | None, out: Collector) -> None:
    """Add an error for each impossible set of relations of sheet Projekt (a warning for a project that can never
    be chosen)."""
    if proj is None or not len(proj):
        return
    sheet = TABLES["projects"].sheet
    first = proj.drop_duplicates("project_id")
    rows: dict[str, int | None] = (dict(zip(first["project_id"], first["_row"].astype(int), strict=True))
                                   if "_row" in first else dict.fromkeys(first["project_id"]))
    depends = {p: d for p, d in zip(first["project_id"], first["depends_on"], strict=True) if d and d in rows}
    must = [p for p, m in zip(first["project_id"], first["must_do"], strict=True) if isinstance(m, bool) and m]
    # the projects that must be done: the must-do ones and, through the chains, those they depend on
    forced: dict[str, str] = {}
    for p in must:
        cur: str | None = p
        while cur is not None and cur not in forced:
            forced[cur] = p
            cur = depends.get(cur)

    def who(p: str) -> str:
        return p if forced[p] == p else f"{p} (som det måste-märkta projektet {forced[p]} beror av)"

    groups: dict[str, list[str]] = {}
    for p, g in zip(first["project_id"], first["exclusive_group"], strict=True):
        if g and p in forced:
            groups.setdefault(str(g), []).append(p)
    for g, members in groups.items():
        if len(members) > 1:
            names = ", ".join(who(p) for p in members[:-1]) + " och " + who(members[-1])
            out.add("E_PROJECT_CONFLICT", f"Ingen plan är möjlig: {names} måste genomföras men har samma "
                    f"alternativgrupp '{g}', där högst ett projekt kan väljas. Ta bort måste på något av dem eller "
                    "ge dem olika alternativgrupper.", sheet=sheet, row=rows[members[-1]], column="alternativgrupp",
                    value=g)
    if base_year is None or horizon is None:
        return
    first_year, last_year = base_year + 1, base_year + horizon
    window: dict[str, tuple[int, int, int]] = {}
    for r in first.to_dict("records"):
        d = max(1, _int(r["duration_years"]) or 1)
        fixed = _int(r["fixed_start"])
        if fixed is not None:
            window[r["project_id"]] = (fixed, fixed, d)
        else:
            e = _int(r["earliest_start"]) or first_year
            window[r["project_id"]] = (e, max(e, _int(r["latest_start"]) or last_year - d + 1), d)
    ready: dict[str, int] = {}  # earliest year a project can start, its dependencies done

    def earliest(p: str, seen: tuple[str, ...] = ()) -> int:
        if p in ready:
            return ready[p]
        e = window[p][0]
        dep = depends.get(p)
        if dep is not None and dep not in seen:
            e = max(e, earliest(dep, (*seen, p)) + window[dep][2])
        ready[p] = e
        return e

    for p, dep in depends.items():
        latest = window[p][1]
        done = earliest(dep) + window[dep][2]
        if done <= latest:
            continue
        text = (f"{p} beror av {dep}, som tidigast är klart {done - 1} (start {earliest(dep)}, byggtid "
                f"{window[dep][2]} år), så {p} kan starta tidigast {done}, men senast {latest}")
        if p in forced:
            out.add("E_PROJECT_CONFLICT", f"Ingen plan är möjlig: {who(p)} måste genomföras, men {text}. Flytta "
                    "startåren eller ta bort beroendet.", sheet=sheet, row=rows[p], column="beroende_av", value=dep)
        else:
            out.warn("W_PROJECT_NEVER", f"Projektet kan aldrig väljas: {text}.", sheet=sheet, row=rows[p],
                     column="beroende_av", value=dep)


def project_conflicts(data: MunicipalityData) -> list[Problem]:
    """The errors of :func:`check_project_relations` for a loaded municipality's projects.

    >>> from hushall.examples import exempelkommun
    >>> project_conflicts(exempelkommun())
    []
    """
    from hushall.model.validate import Collector

    out = Collector(file=None)
    check_project_relations(data.projects, data.base_year, data.horizon_years, out)
    return [p for p in out.problems if not p.is_warning]
