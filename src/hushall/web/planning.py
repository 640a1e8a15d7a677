"""Plan variants as input overrides, and the planner the worker runs.

A variant's settings are small overrides of the municipality's inputs (as a calliope scenario or an openfisca
reform): target limits and ceilings, criteria weights and the projects that must be done. :func:`apply_variant`
applies them to a copy of the data, so the optimiser runs unchanged on any variant.

The worker calls a *planner* — ``planner(data, settings, progress) -> dict`` —: :func:`optimise_plan`, which runs
the plan study (:func:`hushall.study.run_study`) and returns :meth:`~hushall.study.PlanStudy.to_json`: that is what
the worker stores (tests run a worker with a fast stand-in through the app's dependency
:func:`hushall.web.deps.job_worker`). The pages render a study with :func:`plan_view` (the keys of
:data:`RESULT_KEYS`); results stored before the study layer (version 0) and the stand-in's already have those keys
and are shown as they are (:func:`is_study`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hushall.data.target_types import TARGET_TYPES, TargetType
from hushall.formatting import finite_or_none, fmt_number, fmt_pct
from hushall.model import MunicipalityData
from hushall.optimize.result import OptimizationResult
from hushall.reports.plan_reasons import (
    MARGINAL_ROWS,
    NOT_IN_GIVEN_PLAN,
    NOT_KEPT_REASON,
    OPTIMISED_METHOD,
    PLAIN_STATUS,
    comparison_sentences,
    constraint_sentences,
    marginal_highlights,
    marginal_rows,
    marginal_sentences,
    marginal_table,
    project_reasons,
    ranking_comparison,
    short_target_names,
    target_names,
)
from hushall.study.migrate import LABEL as MIGRATED_LABEL
from hushall.study.request import PlanRequest
from hushall.study.settings import (  # the variant pages read these from here
    REINVESTMENT_CHOICES as REINVESTMENT_CHOICES,
)
from hushall.study.settings import apply_settings, balanskrav_of, renewal_decisions_of
from hushall.study.settings import clean_settings as clean_settings
from hushall.study.settings import default_settings as default_settings
from hushall.study.settings import parse_number as parse_number
from hushall.study.study import PlanStudy, project_investments, run_study
from hushall.web.config import SolverLimits, mc_draws_from_env, robust_level_from_env
from hushall.web.risk import labelled_risk, named_robust

Progress = Callable[[float, str], None]
Planner = Callable[[MunicipalityData, dict[str, Any], Progress], dict[str, Any]]

#: Keys of a plan result (all amounts kr, one entry per plan year in the per-year lists).
RESULT_KEYS: dict[str, str] = {
    "status": "optimal | feasible | targets_infeasible | no_solution (the optimiser's status)",
    "message": "the status in plain Swedish",
    "method": "what produced the plan (e.g. 'MILP (HiGHS)')",
    "years": "plan years",
    "schedule": "chosen projects: project_id, name, start_year, cost_kr, explanation",
    "not_chosen": "projects not chosen: project_id, name, cost_kr, explanation",
    "investments_kr": "investment spending per year",
    "result_kr": "årets resultat per year",
    "debt_kr": "låneskuld per year",
    "ratios": "name -> list per year (resultat_andel, självfinansieringsgrad, soliditet, …)",
    "places_short": "places short per year (all services)",
    "maintenance_debt_kr": "underhållsskuld per year",
    "value": "objective value (weighted benefit, points) of the plan",
    "bound": "best bound proven by the optimiser (no plan scores higher)",
    "gap": "relative gap between value and bound",
    "binding": "per year: the targets and ceilings that limit the plan (short Swedish names)",
    "explanations": "plain-Swedish sentences about the plan as a whole, for the board (no solver terms)",
    "officials": "sentences in the optimiser's terms (method, points, gap, LP estimates, the ranking comparison)",
    "price_base_year": "the price base year of the fixed prices",
    "cost_kr": "the chosen projects' cost, fixed prices (price base year)",
    "cost_nominal_kr": "the chosen projects' outlay over the plan years, current prices",
    "risk": "how likely the plan is to hold: the Monte Carlo summary of hushall.study.risk.risk_summary with the "
            "targets named (hushall.web.risk.labelled_risk): draws, probability that every target holds every "
            "year, per target and year, P10/P50/P90 of the main lines, the drivers; None when not simulated",
    "robust": "what a safer plan costs (study.risk.robust_summary): level, probabilities of the plan and of the safer "
              "one, projects and value given up, the limiting target; None when not searched",
}


@dataclass(frozen=True)
class TargetField:
    """How one target type is shown in the variant form: its name and the unit a limit is typed in (per cent,
    Mkr, kr or a count), from the registry :mod:`hushall.data.target_types`."""

    kind: TargetType

    @property
    def target_type(self) -> str:
        return self.kind.key

    @property
    def label(self) -> str:
        return self.kind.name["sv"]  # the pages translate it (:data:`hushall.web.i18n.ENGLISH`)

    @property
    def unit(self) -> str:
        return self.kind.input_unit("sv")

    @property
    def lower_bound(self) -> bool:
        return self.kind.lower_bound

    def to_display(self, limit: float | None) -> float | None:
        return self.kind.to_display(limit)

    def from_display(self, shown: float) -> float:
        return self.kind.from_display(shown)


#: The targets a variant sets: every evaluated type with a limit the council chooses.
TARGET_FIELDS: tuple[TargetField, ...] = tuple(TargetField(t) for t in TARGET_TYPES.values()
                                               if t.evaluated and t.has_limit)
TARGET_FIELD = {f.target_type: f for f in TARGET_FIELDS}


def apply_variant(data: MunicipalityData, settings: dict[str, Any]) -> MunicipalityData:
    """A copy of ``data`` with the variant's settings (:func:`hushall.study.settings.apply_settings`: the one
    place where settings are applied, shared with ``hushall optimize --installningar``)."""
    return apply_settings(data, settings)


#: How many left-out or postponed projects the optimiser explains one by one (the re-solves behind them share
#: the explanation time of :class:`~hushall.web.config.SolverLimits`).
MAX_EXPLAINED_PROJECTS = 25



def study_request(limits: SolverLimits | None = None, mc_draws: int | None = None,
                  robust_level: float | None = None, renewal_decisions: bool | None = None,
                  balanskrav: str = "restore") -> PlanRequest:
    """The plan study of a variant: optimised within ``limits`` (default :meth:`SolverLimits.from_env`, which the
    web process sets for its workers), simulated over ``mc_draws`` futures (default ``HUSHALL_WEB_MC_DRAWS``; 0 =
    none) and searched for a safer plan at ``robust_level`` (default ``HUSHALL_WEB_ROBUST_LEVEL``; 0 = none);
    ``renewal_decisions`` and ``balanskrav`` as the variant's settings say
    (:func:`hushall.study.settings.renewal_decisions_of`, :func:`hushall.study.settings.balanskrav_of`)."""
    limits = limits or SolverLimits.from_env()
    return PlanRequest(
        source="optimised", time_limit_s=limits.time_limit_s, mip_gap=limits.mip_gap, explain_s=limits.explain_s,
        max_explained=MAX_EXPLAINED_PROJECTS, explain_project_s=max(0.5, min(3.0, limits.explain_s / 3)),
        draws=mc_draws_from_env() if mc_draws is None else int(mc_draws),
        robust_level=robust_level_from_env() if robust_level is None else float(robust_level),
        renewal_decisions=renewal_decisions, balanskrav=balanskrav)


def optimise_plan(data: MunicipalityData, settings: dict[str, Any], progress: Progress,
                  limits: SolverLimits | None = None, mc_draws: int | None = None,
                  robust_level: float | None = None) -> dict[str, Any]:
    """Run the plan study of a variant (:func:`study_request`, :func:`hushall.study.run_study`) and return it as
    JSON for the worker to store. Progress goes to ``progress`` as a fraction and a Swedish line."""
    limits = limits or SolverLimits.from_env()
    request = study_request(limits, mc_draws, robust_level, renewal_decisions_of(settings), balanskrav_of(settings))
    study = run_study(data, request, progress,
                      solver_progress=ProgressRelay(progress, limits))
    return study.to_json()


def is_study(stored: Mapping[str, Any] | None) -> bool:
    """Whether a stored plan result is a plan study (:meth:`~hushall.study.PlanStudy.to_json`), not a result of
    version 0 (the page's keys themselves, as stored before the study layer and by test planners)."""
    return isinstance(stored, Mapping) and "study_version" in stored


def stored_schedule(stored: Mapping[str, Any] | None) -> dict[str, int] | None:
    """Project id → start year of a stored plan result of any version (``None`` without one)."""
    if not stored:
        return None
    return PlanStudy.from_json(stored).schedule


class ProgressRelay:
    """The optimiser's progress reports (:class:`hushall.optimize.solve.Progress`) as a fraction and a Swedish
    line for the job's progress display. The solve fills 10–70 % in proportion to its time limit (a solve
    that closes its gap early jumps ahead); the explanations follow."""

    START, SOLVED = 0.1, 0.7

    def __init__(self, report: Progress, limits: SolverLimits) -> None:
        self.report = report
        self.limits = limits
        self.fraction = self.START

    def __call__(self, p: Any) -> None:
        phase = str(getattr(p, "phase", ""))
        elapsed = float(getattr(p, "elapsed_s", 0.0) or 0.0)
        if phase == "done":
            fraction = self.SOLVED
            message = (f"Planen är hittad; tar fram förklaringarna (högst {_sv(self.limits.explain_s)} s) …"
                       if self.limits.explain_s > 0 else "Planen är hittad.")
        else:
            share = min(1.0, elapsed / self.limits.time_limit_s) if self.limits.time_limit_s > 0 else 1.0
            fraction = self.START + (self.SOLVED - self.START) * share
            message = f"{progress_line(p)} ({_sv(elapsed)} s av högst {_sv(self.limits.time_limit_s)} s)"
        self.fraction = max(self.fraction, min(fraction, self.SOLVED))
        self.report(self.fraction, message)


def progress_line(p: Any) -> str:
    """One progress report of the optimiser in plain Swedish.

    Examples
    --------
    >>> from hushall.optimize.solve import Progress
    >>> progress_line(Progress("mip", 3.0, objective=54.0, bound=54.5, gap=0.0093))
    'Söker bästa planen: hittills 54,0 poäng, högst möjligt 54,5 (skillnad 0,9\\xa0%)'
    >>> progress_line(Progress("bound", 59.0, bound=5376.26))
    'Skärpt övre gräns för planens nytta: högst möjligt 5\\xa0376,3'
    """
    phase = str(getattr(p, "phase", ""))
    objective, bound, gap = (finite_or_none(getattr(p, k, None)) for k in ("objective", "bound", "gap"))
    if phase == "lp":
        return "Räknar ut en övre gräns för planens nytta"
    if phase == "warm_start":
        chosen = str(getattr(p, "message", "") or "")
        return f"Startplan: {chosen}" if chosen else "Bygger en startplan"
    if phase == "violation":
        return "Målen kan inte nås samtidigt: söker planen som bryter dem minst"
    if phase == "bound" and bound is not None:
        return f"Skärpt övre gräns för planens nytta: högst möjligt {_sv(bound, 1)}"
    head = "Förbättrar planen" if phase == "neighbourhood" else "Söker bästa planen"
    parts = []
    if objective is not None:
        parts.append(f"hittills {_sv(objective, 1)} poäng")
    if bound is not None:
        parts.append(f"högst möjligt {_sv(bound, 1)}")
    text = f"{head}: {', '.join(parts)}" if parts else head
    if gap is not None:
        text += f" (skillnad {fmt_pct(gap, 1)})"
    return text


def _sv(x: float, decimals: int = 0) -> str:
    return fmt_number(x, decimals)


def plan_view(study: PlanStudy, data: MunicipalityData) -> dict[str, Any]:
    """What the pages show of a plan study (see :data:`RESULT_KEYS`): the plan's cost at the top with its price
    basis, every project with its reason (:func:`hushall.reports.plan_reasons.project_reasons`, the plan
    document's reasons too), the plan as a whole in plain words for the board (``explanations``) and the solver's
    own terms for officials (``officials``), the figures per year, and the risk and the safer plan with their
    targets named (the variant's targets have no ids a reader knows)."""
    outcome = study.optimization
    schedule = study.schedule
    explanations: Mapping[str, Any] = outcome.explanations if outcome is not None else {}
    names = target_names(data, with_ids=False)
    default = NOT_KEPT_REASON if study.plan.label == MIGRATED_LABEL else NOT_IN_GIVEN_PLAN
    reasons = project_reasons(data, outcome, schedule, names, default_left_out=default)
    projects = data.projects.set_index(data.projects["project_id"].astype(str))
    chosen, not_chosen = [], []
    for pid, row in projects.iterrows():
        entry: dict[str, Any] = {"project_id": pid, "name": str(row["name"]), "cost_kr": float(row["cost_kr"])}
        if pid in schedule:
            chosen.append({**entry, "start_year": schedule[pid], "explanation": reasons.chosen.get(pid, "")})
        else:
            not_chosen.append({**entry, "explanation": reasons.left_out.get(pid, "")})
    chosen.sort(key=lambda r: (r["start_year"], r["project_id"]))
    status = outcome.status if outcome is not None else ""
    nominal = project_investments(data, schedule) if schedule else None
    result: dict[str, Any] = {
        "status": status,
        "message": PLAIN_STATUS.get(status, outcome.message if outcome is not None else ""),
        "method": OPTIMISED_METHOD if outcome is not None else study.plan.label,
        "years": [int(y) for y in data.years],
        "price_base_year": int(data.price_base_year),
        "cost_kr": float(sum(r["cost_kr"] for r in chosen)),
        "cost_nominal_kr": float(nominal["amount_kr"].sum()) if nominal is not None else 0.0,
        "schedule": chosen,
        "not_chosen": not_chosen,
        "value": finite_or_none(outcome.objective) if outcome is not None else None,
        "bound": finite_or_none(outcome.bound) if outcome is not None else None,
        "gap": finite_or_none(outcome.gap) if outcome is not None else None,
        "risk": labelled_risk(study.risk, data),
        "robust": named_robust(study.robust, data),
    }
    if study.figures is not None:
        figures = study.figures.to_json()
        result.update({k: figures[k] for k in ("years", "investments_kr", "result_kr", "debt_kr", "ratios",
                                                "places_short", "maintenance_debt_kr")})
    result["binding"] = _binding_by_year(explanations, short_target_names(data))
    result["explanations"] = plan_sentences(outcome, result, names)
    result["officials"] = official_sentences(outcome, result, names) + list(study.notes)
    return result


def _binding_by_year(explanations: Any, names: Mapping[str, str]) -> list[dict[str, Any]]:
    binding = explanations.get("binding_by_year") if isinstance(explanations, Mapping) else None
    if not isinstance(binding, Mapping):
        return []
    return [{"year": int(y), "targets": [names.get(str(t), str(t)) for t in ts]}
            for y, ts in sorted(binding.items(), key=lambda kv: int(kv[0])) if ts]


def plan_sentences(outcome: OptimizationResult | None, result: dict[str, Any], names: Mapping[str, str]
                   ) -> list[str]:
    """The plan as a whole in plain Swedish for the board: what limits it and what more room would give — no
    solver terms (those are in :func:`official_sentences`; the page states the plan's status and cost above)."""
    out: list[str] = []
    if outcome is None:
        return out
    explanations = outcome.explanations
    out += constraint_sentences(explanations, names)
    records = [r for r in explanations.get("marginal_value") or [] if isinstance(r, Mapping)]
    if records:
        out += marginal_highlights(marginal_table(records, names), finite_or_none(outcome.objective))
    return out


def official_sentences(outcome: OptimizationResult | None, result: dict[str, Any], names: Mapping[str, str]
                       ) -> list[str]:
    """The plan in the optimiser's own terms, for officials: the method, the value in points against the proven
    bound and the gap, what more room is worth in points, and the comparison with a benefit-per-krona ranking."""
    out = [f"Metod: {result['method']}."] if result.get("method") else []
    value, bound, gap = result.get("value"), result.get("bound"), result.get("gap")
    if value is not None and bound is not None and gap is not None:
        out.append(f"Planens nytta är {_sv(value, 1)} poäng (kriteriepoäng med rådets vikter, plus undviken "
                   f"underhållsskuld och saknade platser); ingen plan kan nå mer än {_sv(bound, 1)} poäng "
                   f"(gap {fmt_pct(gap, 2)}).")
    if outcome is None:
        return out
    explanations = outcome.explanations
    records = [r for r in explanations.get("marginal_value") or [] if isinstance(r, Mapping)]
    if records:
        table = marginal_table(records, names)
        out += marginal_sentences(records, finite_or_none(outcome.kr_per_point), min(len(table), MARGINAL_ROWS))
        out += [f"{r[0]} {r[1]}, {r[2]}: med samma projekt {r[3]} poäng (exakt), skuggpris (LP) {r[4]} poäng, "
                f"omräknat {r[5]}." for r in marginal_rows(table)]
    ranking = outcome.ranking
    if isinstance(ranking, Mapping):
        comparison = ranking_comparison(outcome, len(result.get("schedule") or ()), ranking, names)
        out += comparison_sentences(comparison)
    return out
