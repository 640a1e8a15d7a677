"""The plan under each named scenario, side by side: targets met, result, debt, ratios, places, maintenance debt.

:func:`evaluate_scenario` applies one scenario to a copy of the municipality (:func:`hushall.scenarios.apply`), takes
the chosen plan — or re-plans under the scenario with a planner (the optimiser) — and runs the stages unchanged:
the financial forecast (:func:`hushall.finance.forecast`), the maintenance debt left and the places missing under
the plan (:mod:`hushall.scenarios.plan`). :func:`compare` does it for the baseline and every scenario, locally or
on a Dask client (:mod:`hushall.scenarios.distributed`); the results are the same either way.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> from hushall.scenarios import builtin_scenarios
>>> cmp = compare(exempelkommun(), [builtin_scenarios()["hög_ränta"]])
>>> cmp.summary()[["scenario", "resultat_summa_kr"]].shape
(2, 2)
>>> s = cmp.summary().set_index("scenario")["räntekostnader_summa_kr"]
>>> bool(s["hög_ränta"] > s["basprognos"])
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hushall.finance import Forecast, forecast
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import RenewalPlan
from hushall.projects import ProjectCatalog, Schedule
from hushall.scenarios.plan import plan_arrays, realise
from hushall.scenarios.remedy import TaxRemedy, required_tax_change
from hushall.scenarios.scenarios import BASELINE, Scenario, apply

#: Parameters of sheet Antaganden that set the reinvestment policy: a scenario changing one of them is run under
#: its policy, not under the optimiser's renewal (:func:`evaluate_scenario`).
REINVESTMENT_PARAMETERS: frozenset[str] = frozenset({"reinvestering_efter_behov", "reinvestering_ram_kr"})

#: Yearly lines of :meth:`ScenarioComparison.yearly`, with where they come from.
YEARLY_LINES: tuple[str, ...] = (
    "årets_resultat",
    "balanskravsresultat",
    "långfristiga_skulder",
    "likvida_medel",
    "resultat_andel_av_skatter_och_bidrag",
    "låneskuld_per_invånare",
    "soliditet",
    "självfinansieringsgrad",
    "underhållsskuld",
    "platser_saknas",
    "investeringar",
)


@dataclass(frozen=True, eq=False)
class ScenarioOutcome:
    """One scenario's plan and what it gives."""

    scenario: Scenario
    schedule: Schedule
    forecast: Forecast
    maintenance_debt_kr: np.ndarray
    missing_places: np.ndarray
    planner_value: float | None = None
    planner_status: str = ""
    #: The tax change that would keep the balanskrav under this scenario (:mod:`hushall.scenarios.remedy`);
    #: ``None`` when the plan keeps it.
    remedy: TaxRemedy | None = None
    #: The optimiser's renewal of the plan (:class:`hushall.needs.reinvestment.RenewalPlan`) when it decided the
    #: reinvestment; ``None``: the data's reinvestment policy.
    renewal: RenewalPlan | None = None

    @property
    def renewal_decided(self) -> bool:
        return self.renewal is not None

    def yearly(self) -> dict[str, np.ndarray]:
        f = self.forecast
        st, rat = f.statements, f.ratios
        return {
            "årets_resultat": np.asarray(st["årets_resultat"]),
            "balanskravsresultat": np.asarray(st["balanskravsresultat"]),
            "långfristiga_skulder": np.asarray(st["långfristiga_skulder"]),
            "likvida_medel": np.asarray(st["likvida_medel"]),
            "resultat_andel_av_skatter_och_bidrag": rat.loc["resultat_andel_av_skatter_och_bidrag"].to_numpy(),
            "låneskuld_per_invånare": rat.loc["låneskuld_per_invånare"].to_numpy(),
            "soliditet": rat.loc["soliditet"].to_numpy(),
            "självfinansieringsgrad": rat.loc["självfinansieringsgrad"].to_numpy(),
            "underhållsskuld": self.maintenance_debt_kr,
            "platser_saknas": self.missing_places,
            "investeringar": np.asarray(st["investering_materiella_anläggningstillgångar"]) * -1.0,
        }

    def summary(self) -> dict[str, Any]:
        t = self.forecast.targets
        y = self.yearly()
        failing = t[~t["met"].astype(bool)] if len(t) else t
        return {
            "scenario": self.scenario.key,
            "namn": self.scenario.name,
            "projekt": len(self.schedule),
            "mål_uppfyllda_andel": float(t["met"].mean()) if len(t) else 1.0,
            "mål_som_bryts": ", ".join(dict.fromkeys(str(x) for x in failing["target_id"])) if len(t) else "",
            "första_år_mål_bryts": int(failing["year"].min()) if len(failing) else None,
            "resultat_summa_kr": float(y["årets_resultat"].sum()),
            "resultat_lägsta_kr": float(y["årets_resultat"].min()),
            "räntekostnader_summa_kr": float(-np.asarray(self.forecast.statements["finansiella_kostnader"]).sum()),
            "låneskuld_slut_kr": float(y["långfristiga_skulder"][-1]),
            "låneskuld_per_invånare_slut_kr": float(y["låneskuld_per_invånare"][-1]),
            "soliditet_slut": float(y["soliditet"][-1]),
            "underhållsskuld_slut_kr": float(y["underhållsskuld"][-1]),
            "platser_saknas_max": float(y["platser_saknas"].max()),
            "planvärde": self.planner_value,
            "skatteförändring_för_balanskrav_öre": None if self.remedy is None else self.remedy.ore,
            "skatteförändring_från_år": None if self.remedy is None else self.remedy.from_year,
            "skatteförändring_första_året_kr": None if self.remedy is None else self.remedy.kr_first_year,
        }


def _num(x: Any) -> Any:
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(float(x)) else None
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


@dataclass(frozen=True, eq=False)
class ScenarioComparison:
    """The baseline and every scenario (:func:`compare`)."""

    years: tuple[int, ...]
    outcomes: tuple[ScenarioOutcome, ...]
    reoptimised: bool

    def summary(self) -> pd.DataFrame:
        """One row per scenario: targets met (share of target-years), the targets broken, result, debt, ratios,
        maintenance debt and missing places."""
        return pd.DataFrame([o.summary() for o in self.outcomes])

    def yearly(self) -> pd.DataFrame:
        """``scenario, year, line, value`` for :data:`YEARLY_LINES`."""
        frames = []
        for o in self.outcomes:
            for line, values in o.yearly().items():
                frames.append(pd.DataFrame({"scenario": o.scenario.key, "year": self.years, "line": line,
                                            "value": np.asarray(values, dtype=float)}))
        return pd.concat(frames, ignore_index=True)

    def targets(self) -> pd.DataFrame:
        """Every target and year under every scenario (:func:`hushall.finance.evaluate_targets` columns)."""
        return pd.concat([o.forecast.targets.assign(scenario=o.scenario.key) for o in self.outcomes],
                         ignore_index=True)

    def schedules(self) -> pd.DataFrame:
        """``scenario, project_id, start_year`` (differs between scenarios only when re-planned)."""
        rows = [{"scenario": o.scenario.key, "project_id": p, "start_year": y}
                for o in self.outcomes for p, y in o.schedule.items()]
        return pd.DataFrame(rows, columns=["scenario", "project_id", "start_year"])

    def scenarios(self) -> pd.DataFrame:
        """The scenarios' changes with their sources (sheet ``Scenarier`` columns)."""
        rows = [{"scenario": o.scenario.key, "namn": o.scenario.name, "beskrivning": o.scenario.description,
                 **ov.to_dict()} for o in self.outcomes for ov in o.scenario.overrides]
        return pd.DataFrame(rows, columns=["scenario", "namn", "beskrivning", "parameter", "från_år", "till_år",
                                           "värde", "sätt", "källa"])

    def to_frames(self) -> dict[str, pd.DataFrame]:
        return {"jämförelse": self.summary(), "år_för_år": self.yearly(), "mål": self.targets(),
                "planer": self.schedules(), "scenarier": self.scenarios()}

    def to_json_dict(self) -> dict[str, Any]:
        from hushall.needs import records

        return {
            "years": list(self.years),
            "reoptimised": self.reoptimised,
            "scenarios": [
                {**{k: _num(v) for k, v in o.summary().items()},
                 "description": o.scenario.description,
                 "overrides": [ov.to_dict() for ov in o.scenario.overrides],
                 "schedule": dict(o.schedule.items()),
                 "planner_status": o.planner_status,
                 "renewal_decided": o.renewal_decided,
                 "yearly": {k: [_num(float(x)) for x in v] for k, v in o.yearly().items()},
                 "targets": records(o.forecast.targets)}
                for o in self.outcomes
            ],
        }


def evaluate_scenario(data: MunicipalityData, scenario: Scenario, schedule: Mapping[str, int] | None = None,
                      planner: Any = None, renewal: RenewalPlan | None = None) -> ScenarioOutcome:
    """One scenario: apply it, plan (the given schedule, or ``planner(changed data)``), forecast, and compute the
    maintenance debt and missing places under the plan, and — when the plan breaks the balanskrav — the tax change
    that would keep it (:func:`hushall.scenarios.remedy.required_tax_change`). A top-level function, so Dask can
    ship it.

    The reinvestment is the plan's: ``renewal`` (the optimiser's renewal of the given schedule), or the renewal
    the planner decided for its plan (:attr:`hushall.scenarios.robust.PlanChoice.renewal`), else the data's
    policy. A scenario that changes prices and rates does not change which components the plan renews, so the
    same renewal per pool and year is replayed under it; a scenario that sets the reinvestment itself (one of
    :data:`REINVESTMENT_PARAMETERS`, e.g. *Reinvestering efter behov*) is run under the policy it sets."""
    changed = apply(data, scenario)
    value: float | None = None
    status = ""
    if planner is not None:
        from hushall.scenarios.robust import as_choice

        choice = as_choice(planner(changed))
        sched, value, status, renewal = choice.schedule, choice.value, choice.status, choice.renewal
    elif schedule is None:
        sched = Schedule.committed(ProjectCatalog.from_data(changed))
    else:
        sched = Schedule(schedule)
    if any(o.parameter in REINVESTMENT_PARAMETERS for o in scenario.overrides):
        renewal = None
    fc = forecast(changed, sched, reinvestment_policy=renewal)
    eff = realise(plan_arrays(changed, sched, renewal), fc.inputs.construction_index, fc.inputs.price_index)
    remedy = required_tax_change(changed, sched, base=fc, reinvestment_policy=renewal)
    debt = eff["maintenance_debt_kr"] if renewal is None else fc.statements["underhållsskuld_fasta_priser"]
    return ScenarioOutcome(scenario, sched, fc, np.asarray(debt, dtype=float),
                           np.asarray(eff["missing_places"]), value, status, remedy, renewal)


def _evaluate(args: tuple[MunicipalityData, Scenario, Mapping[str, int] | None, Any, RenewalPlan | None]
              ) -> ScenarioOutcome:
    return evaluate_scenario(*args)


def compare(
    data: MunicipalityData,
    scenarios: Sequence[Scenario] | None = None,
    schedule: Mapping[str, int] | None = None,
    *,
    planner: Any = None,
    client: Any = None,
    include_baseline: bool = True,
    renewal: RenewalPlan | None = None,
) -> ScenarioComparison:
    """The plan under the baseline and each scenario.

    Parameters
    ----------
    data
        The municipality.
    scenarios
        Default: every built-in scenario (:func:`hushall.scenarios.builtin_scenarios`).
    schedule
        The plan (project id → start year); ``None`` = the projects already decided. Ignored with ``planner``.
    planner
        Re-plan under each scenario with ``planner(data) -> schedule | PlanChoice`` (e.g.
        :class:`hushall.scenarios.robust.OptimiserPlanner`).
    client
        A ``dask.distributed.Client``: the scenarios are evaluated on its workers (same results as locally).
    renewal
        The optimiser's renewal of ``schedule`` (:meth:`hushall.optimize.OptimizationResult.renewal_plan`),
        replayed under every scenario; ``None``: the data's reinvestment policy (with ``planner``: the renewal
        the planner decides in each scenario).
    """
    from hushall.scenarios.distributed import map_ordered
    from hushall.scenarios.scenarios import builtin_scenarios

    chosen = list(builtin_scenarios().values()) if scenarios is None else list(scenarios)
    if include_baseline:
        chosen = [BASELINE, *[s for s in chosen if s.key != BASELINE.key]]
    sched = None if schedule is None else dict(schedule.items())
    outcomes = map_ordered(_evaluate, [(data, s, sched, planner, renewal) for s in chosen], client=client)
    return ScenarioComparison(tuple(int(y) for y in data.years), tuple(outcomes), planner is not None)


__all__ = ["YEARLY_LINES", "ScenarioComparison", "ScenarioOutcome", "compare", "evaluate_scenario"]
