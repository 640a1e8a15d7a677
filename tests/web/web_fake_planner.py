"""A fast stand-in for the optimiser, run by the web tests' job worker ``web_fake_worker`` (``fake_planner(app)``
overrides the app's dependency ``job_worker``).

It returns a plan result with every key the pages read (see ``hushall.web.planning.RESULT_KEYS``): the
must-do projects plus the best-scoring others within the investment ceiling, each at its earliest start.
``HUSHALL_FAKE_PLANNER_SECONDS`` makes it take a while (to watch progress or stop it midway);
``HUSHALL_FAKE_PLANNER_FAIL`` makes it fail.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np


def plan(data: Any, settings: dict[str, Any], progress: Any) -> dict[str, Any]:
    seconds = float(os.environ.get("HUSHALL_FAKE_PLANNER_SECONDS", "0"))
    steps = 10
    for i in range(steps):
        progress(0.1 + 0.8 * i / steps, f"Steg {i + 1} av {steps}")
        if seconds:
            time.sleep(seconds / steps)
    if os.environ.get("HUSHALL_FAKE_PLANNER_FAIL"):
        raise RuntimeError("planeraren gick sönder med flit")
    projects = data.projects.copy()
    weights = settings.get("weights", {})
    projects["score"] = sum(projects[f"score_{c}"].fillna(0) * float(w) for c, w in weights.items())
    must = set(settings.get("must_do", []))
    ceiling = (settings.get("targets") or {}).get("investeringstak_kr") or float("inf")
    chosen, total = [], 0.0
    order = sorted(projects.itertuples(), key=lambda p: (p.project_id not in must, -p.score))
    years = [int(y) for y in data.years]
    for p in order:
        if p.project_id in must or total + p.cost_kr <= 3 * ceiling:
            total += p.cost_kr
            start = int(p.earliest_start) if p.earliest_start is not None and p.earliest_start == p.earliest_start \
                else years[0]
            if p.latest_start is not None and p.latest_start == p.latest_start:
                start = min(start, int(p.latest_start))
            chosen.append({"project_id": p.project_id, "name": p.name, "start_year": max(start, years[0]),
                           "cost_kr": float(p.cost_kr), "explanation": "Måste genomföras." if p.project_id in must
                           else f"Hög nytta per krona (poäng {p.score:.2f})."})
    chosen_ids = {c["project_id"] for c in chosen}
    not_chosen = [{"project_id": p.project_id, "name": p.name, "cost_kr": float(p.cost_kr),
                   "explanation": "Ryms inte under investeringstaket."} for p in projects.itertuples()
                  if p.project_id not in chosen_ids]
    n = len(years)
    invest = np.zeros(n)
    for c in chosen:
        invest[years.index(c["start_year"])] += c["cost_kr"]
    return {
        "status": "feasible", "method": "Testplanerare (ingen optimering)", "years": years, "schedule": chosen,
        "not_chosen": not_chosen, "investments_kr": invest.tolist(),
        "places_short": np.linspace(40, 5, n).round(1).tolist(),
        "maintenance_debt_kr": np.linspace(3e8, 1e8, n).tolist(),
        "value": float(sum(projects.set_index("project_id").loc[list(chosen_ids), "score"])),
        "explanations": [f"{len(chosen)} projekt valdes.", "=HYPERLINK(\"http://example.invalid\") ska inte bli en formel."],
    }
