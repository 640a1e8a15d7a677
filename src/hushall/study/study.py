"""A plan study: one plan for one municipality, with everything the stages say about it.

:func:`run_study` is the one place where the stages are chained for a plan — as PyPSA's ``Network.optimize()``
fills a network with its results — and :class:`PlanStudy` holds what they return. The command line, the plan
document and the web only render a study.

Steps (each a stage's own entry point)::

    plan      optimised  hushall.optimize.optimize(data, …)            → OptimizationResult, its schedule
              committed  Schedule.committed(ProjectCatalog.from_data)  (måste or fast_startår)
              file       hushall.projects.plan_file.read_schedule(path)
              schedule   as given
    forecast  hushall.finance.forecast(data, schedule)                  statements, ratios, targets per year
              (reinvestment_policy=result.renewal_plan(data) when the optimiser decided the reinvestment)
    needs     hushall.needs.analyse_needs(data); the maintenance debt with the plan (the forecast's) and without
              it (hushall.projects.maintenance.plan_maintenance_debt(data, {}))
    effects   hushall.scenarios.plan: places short and maintenance debt per year without delays or overruns
    risk      hushall.scenarios.simulate(data, schedule, n_draws, seed, reinvestment_policy=the same renewal)
              → risk_summary
    verdict   hushall.finance.verdict.assess, with the Monte Carlo probability
    robust    hushall.scenarios.robust.robust_plan from the optimised plan → robust_summary

:meth:`PlanStudy.to_json` keeps the plain parts — the request, the plan, the optimiser's result with its
explanations, the figures per year, the risk and the robust summaries — under a :data:`STUDY_VERSION`;
:meth:`PlanStudy.from_json` reads every version back. The rich parts (the forecast object, the needs tables, the
Monte Carlo draws) live in memory only: :func:`restore_study` recomputes them from the data (the stages are pure
functions of their inputs, so they come back the same to the krona).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> study = run_study(exempelkommun(), PlanRequest(source="committed", draws=200))
>>> again = PlanStudy.from_json(study.to_json())
>>> again.to_json() == study.to_json(), again.plan.source, again.risk["draws"]
(True, 'committed', 200)
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hushall.errors import HushallError, PlanError
from hushall.formatting import fmt_number
from hushall.model import MunicipalityData
from hushall.study.request import ROBUST_MIN_GAP, ROBUST_TIME_LIMIT_S, PlanRequest

#: Version of :meth:`PlanStudy.to_json`. 1: the first. Results stored before the study layer (the web's plan
#: results of version 0, without ``study_version``) are read by :func:`hushall.study.migrate.from_stored`.
STUDY_VERSION = 1

#: ``progress(fraction, message)``: how far the study is, in Swedish.
Progress = Callable[[float, str], None]


def _quiet(_fraction: float, _message: str) -> None:
    return None


def _series(values: Any) -> list[float | None]:
    """Finite floats (``-0.0`` as ``0.0``) and ``None`` for the rest: what JSON takes."""
    return [None if v is None or not math.isfinite(v) else v + 0.0 for v in np.asarray(values, dtype=float).tolist()]


@dataclass
class StudyPlan:
    """The plan of a study: project id → start year, where it comes from (``source`` of :class:`PlanRequest`)
    and its name for a reader (``label``; ``path`` for a plan file)."""

    source: str
    schedule: dict[str, int]
    label: str = ""
    path: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "schedule": dict(self.schedule), "label": self.label, "path": self.path}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> StudyPlan:
        return cls(source=str(raw.get("source", "schedule")),
                   schedule={str(k): int(v) for k, v in (raw.get("schedule") or {}).items()},
                   label=str(raw.get("label") or ""), path=raw.get("path"))


@dataclass
class PlanFigures:
    """The plan's figures per year (kr; ratios as shares): the forecast's investments, årets resultat, låneskuld
    and key ratios; places short and maintenance debt from the scenarios stage's plan effects (the optimiser's own
    places when it gave them); the maintenance debt with the plan (the forecast's, price base year kr) and without
    the plan's projects (the reinvestment policy alone)."""

    years: list[int]
    investments_kr: list[float | None]
    result_kr: list[float | None]
    debt_kr: list[float | None]
    ratios: dict[str, list[float | None]]
    places_short: list[float | None]
    maintenance_debt_kr: list[float | None]
    debt_with_plan_kr: list[float | None] = field(default_factory=list)
    debt_without_plan_kr: list[float | None] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> PlanFigures:
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})


@dataclass
class PlanStudy:
    """One plan and what every stage says about it (see the module docstring).

    JSON parts: ``request``, ``plan``, ``optimization`` (:class:`hushall.optimize.result.OptimizationResult`
    with its explanations, or ``None`` when the plan was not optimised), ``figures`` (:class:`PlanFigures`,
    ``None`` when the forecast could not be made), ``risk`` (:func:`hushall.study.risk.risk_summary`) and
    ``robust`` (:func:`hushall.study.risk.robust_summary`), ``notes`` (what could not be computed, in Swedish).
    In memory: ``forecast`` (:class:`hushall.finance.Forecast`), ``needs`` (:class:`hushall.needs.NeedsResult`),
    ``montecarlo`` (:class:`hushall.scenarios.MonteCarloResult`), ``verdict``, ``consequences`` (the plan's
    operating consequences), ``investments`` (:func:`project_investments`) and ``error`` (why the forecast failed).
    """

    request: PlanRequest
    plan: StudyPlan
    optimization: Any = None
    figures: PlanFigures | None = None
    risk: dict[str, Any] | None = None
    robust: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    version: int = STUDY_VERSION
    #: The price of each choice (:class:`hushall.study.frontier.Frontier`), when computed.
    frontier: Any = None
    # in memory only
    forecast: Any = field(default=None, repr=False, compare=False)
    needs: Any = field(default=None, repr=False, compare=False)
    montecarlo: Any = field(default=None, repr=False, compare=False)
    verdict: Any = field(default=None, repr=False, compare=False)
    consequences: Any = field(default=None, repr=False, compare=False)
    investments: Any = field(default=None, repr=False, compare=False)
    debt_without_kr: Any = field(default=None, repr=False, compare=False)
    error: HushallError | None = field(default=None, repr=False, compare=False)

    @property
    def schedule(self) -> dict[str, int]:
        return self.plan.schedule

    def require_forecast(self) -> Any:
        """The forecast, or the error that kept it from being made."""
        if self.forecast is None:
            raise self.error or HushallError("Planens prognos finns inte i den här studien.")
        return self.forecast

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types only (``json.dumps`` works), with ``study_version``."""
        return {
            "study_version": self.version,
            "request": self.request.to_json(),
            "plan": self.plan.to_json(),
            "optimization": None if self.optimization is None else self.optimization.to_json_dict(),
            "figures": None if self.figures is None else self.figures.to_json(),
            "risk": self.risk,
            "robust": self.robust,
            "notes": list(self.notes),
            **({} if self.frontier is None else {"frontier": self.frontier.to_json()}),
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | str) -> PlanStudy:
        """A study back from :meth:`to_json` (or its text), of this or an older version."""
        from hushall.optimize.result import OptimizationResult

        doc = json.loads(raw) if isinstance(raw, str) else raw
        version = int(doc.get("study_version", 0) or 0)
        if version > STUDY_VERSION:
            raise HushallError(f"Studien är sparad med en nyare version av Hushåll (version {version}; den här "
                               f"versionen läser till och med {STUDY_VERSION}). Uppdatera Hushåll.")
        if version < 1:
            from hushall.study.migrate import from_stored

            return from_stored(doc)
        opt = doc.get("optimization")
        figures = doc.get("figures")
        return cls(request=PlanRequest.from_json(doc.get("request") or {}),
                   plan=StudyPlan.from_json(doc.get("plan") or {}),
                   optimization=None if opt is None else OptimizationResult.from_json_dict(opt),
                   figures=None if figures is None else PlanFigures.from_json(figures),
                   risk=doc.get("risk"), robust=doc.get("robust"), notes=list(doc.get("notes") or []),
                   version=STUDY_VERSION, frontier=_frontier_from_json(doc.get("frontier")))


def _frontier_from_json(raw: Mapping[str, Any] | None) -> Any:
    if raw is None:
        return None
    from hushall.study.frontier import Frontier

    return Frontier.from_json(raw)


# --- the steps ---------------------------------------------------------------------------------------------------


def _optimise(data: MunicipalityData, request: PlanRequest, solver_progress: Any) -> Any:
    from hushall.optimize import optimize

    explain = request.explain_s > 0
    options: dict[str, Any] | None = None
    if explain:
        most = request.max_explained if request.max_explained is not None else max(len(data.projects), 5)
        options = {"total_time": request.explain_s, "max_projects": most}
        if request.explain_project_s is not None:
            options["time_limit"] = request.explain_project_s
    return optimize(data, time_limit=request.time_limit_s, mip_gap=request.mip_gap, progress=solver_progress,
                    explain=explain, ranking=request.ranking, explain_options=options,
                    renewal_decisions=request.renewal_decisions, balanskrav=request.balanskrav)


#: The reinvestment of a plan whose renewal the optimiser decided (what the verdict names as its policy).
RENEWAL_DECIDED = "optimeringens reinvesteringsbeslut"
#: The study's note when its Monte Carlo analysis was handed in made without the optimiser's renewal.
RISK_WITHOUT_RENEWAL_NOTE = (
    "Risken (hur sannolikt planen håller) är beräknad med underlagets reinvesteringspolicy, inte med "
    "optimeringens reinvesteringsbeslut.")


def renewal_policy(data: MunicipalityData, optimization: Any) -> Any:
    """The reinvestment the plan's forecast replays: the optimiser's renewal per pool and year
    (:meth:`hushall.optimize.result.OptimizationResult.renewal_plan`) when it decided the reinvestment, else
    ``None`` (the data's policy, sheet Antaganden)."""
    if optimization is None or getattr(optimization, "renewal", None) is None:
        return None
    return optimization.renewal_plan(data)


def choose_plan(data: MunicipalityData, request: PlanRequest, solver_progress: Any = None,
                optimization: Any = None) -> tuple[StudyPlan, Any]:
    """The plan the request asks for, and the optimiser's result when it was optimised (``optimization``: a
    result already at hand, used instead of optimising again)."""
    from hushall.projects import ProjectCatalog, Schedule

    if request.source == "optimised":
        result = optimization if optimization is not None else _optimise(data, request, solver_progress)
        return StudyPlan("optimised", result.schedule_dict, request.label or "Optimerad plan"), result
    if request.source == "committed":
        schedule = Schedule.committed(ProjectCatalog.from_data(data))
        return StudyPlan("committed", dict(schedule), request.label or "Bundna projekt"), None
    if request.source == "file":
        from hushall.projects.plan_file import read_schedule

        path = Path(str(request.path))
        return StudyPlan("file", dict(read_schedule(path, data)), request.label or f"Plan enligt {path.name}",
                         path=str(path)), None
    assert request.schedule is not None
    given = Schedule(dict(request.schedule))  # checks the ids and start windows when the forecast reads it
    return StudyPlan("schedule", dict(given), request.label or "Angiven plan"), None


def plan_figures(data: MunicipalityData, forecast: Any, schedule: Mapping[str, int], places: Any = None,
                 debt_without_kr: Any = None, renewal_decided: bool = False) -> PlanFigures:
    """The plan's figures per year (:class:`PlanFigures`) from its forecast and the scenarios stage's plan effects
    without delays or overruns (the optimiser's ``places`` table, when given, for the places short). With
    ``renewal_decided`` (the optimiser decided the reinvestment) the maintenance debt is the forecast's, which
    replays the optimiser's backlog (the plan effects here are taken under the data's policy)."""
    from hushall.scenarios.plan import plan_arrays, realise

    years = [int(y) for y in forecast.years]
    ones = np.ones(len(years))
    effects = realise(plan_arrays(data, dict(schedule)), ones, ones)
    if places is not None and len(places) and "unmet" in places.columns:
        short = places.groupby("year")["unmet"].sum().reindex(years, fill_value=0.0).to_numpy(float)
    else:
        short = np.asarray(effects["missing_places"], dtype=float).reshape(-1)
    f = forecast
    return PlanFigures(
        years=years,
        investments_kr=_series(-f.cash_flow.loc["investering_materiella_anläggningstillgångar"]),
        result_kr=_series(f.income_statement.loc["årets_resultat"]),
        debt_kr=_series(f.balance_sheet.loc["långfristiga_skulder"]),
        ratios={str(k): _series(row) for k, row in zip(f.ratios.index, f.ratios.to_numpy(), strict=True)},
        places_short=_series(short),
        maintenance_debt_kr=_series(f.statements["underhållsskuld_fasta_priser"] if renewal_decided
                                    else np.asarray(effects["maintenance_debt_kr"], dtype=float).reshape(-1)),
        debt_with_plan_kr=_series(f.statements["underhållsskuld_fasta_priser"]),
        debt_without_plan_kr=[] if debt_without_kr is None else _series(debt_without_kr),
    )


def project_investments(data: MunicipalityData, schedule: Mapping[str, int]) -> pd.DataFrame:
    """Yearly outlay of each project in the plan (current prices), long format: ``project_id, year, amount_kr``
    (capitalised and expensed: what the project costs) and ``investment_kr`` (the capitalised part alone: what
    the kassaflödesanalys counts as investment; a closure's or a sale's costs are operating costs there); from
    :class:`hushall.projects.UnitEffects`."""
    from hushall.projects import ProjectCatalog, UnitEffects

    years = np.asarray(data.years, dtype=int)
    if not len(schedule):
        return pd.DataFrame({"project_id": pd.Series(dtype=str), "year": pd.Series(dtype=int),
                             "amount_kr": pd.Series(dtype=float), "investment_kr": pd.Series(dtype=float)})
    unit = UnitEffects.from_data(data)
    w = unit.weights(schedule)  # (P, S)
    cat = ProjectCatalog.from_data(data)
    idx = [cat.index(pid) for pid in schedule]
    invested, expensed = (np.einsum("ps,pst->pt", w, unit.array(key))[idx]
                          for key in ("investment_kr", "expensed_kr"))
    return pd.DataFrame({
        "project_id": np.repeat(np.asarray(list(schedule), dtype=object), len(years)),
        "year": np.tile(years, len(idx)),
        "amount_kr": (invested + expensed).reshape(-1),
        "investment_kr": invested.reshape(-1),
    })


def study_needs(data: MunicipalityData) -> Any:
    """The study's needs part (:func:`hushall.needs.analyse_needs`: renewal and places, the plan does not change
    them), for work that starts before the study — ``hushall report`` renders the document's data-only charts
    while the optimiser solves; hand it to :func:`run_study` (``needs=``) so that it is computed once."""
    from hushall.needs import analyse_needs

    return analyse_needs(data)


def _forecast_parts(study: PlanStudy, data: MunicipalityData, needs: Any = None) -> None:
    """Forecast, needs (``needs``: already at hand), maintenance debt without the plan, operating consequences and
    figures (in place); a data problem (e.g. sheet Ekonomi empty) leaves them out with a note and keeps the
    error."""
    from hushall.finance import forecast
    from hushall.projects.consequences import operating_consequences
    from hushall.projects.maintenance import plan_maintenance_debt

    schedule = study.schedule
    study.needs = study_needs(data) if needs is None else needs
    policy = renewal_policy(data, study.optimization)
    try:
        fc = forecast(data, schedule, reinvestment_policy=policy)
    except PlanError:
        raise  # the plan itself is wrong: not a gap in the data to note
    except HushallError as exc:
        study.error = exc
        note = f"Den ekonomiska planen kunde inte räknas fram: {exc}"
        if note not in study.notes:
            study.notes.append(note)
        return
    study.forecast = fc
    study.investments = project_investments(data, schedule)
    study.debt_without_kr = plan_maintenance_debt(data, {})
    study.consequences = operating_consequences(
        data, schedule, dict(zip(fc.years, fc.statements["ränta_låneportfölj"].tolist(), strict=True)))
    places = getattr(study.optimization, "places", None)
    study.figures = plan_figures(data, fc, schedule, places, study.debt_without_kr, policy is not None)


def _risk_parts(study: PlanStudy, data: MunicipalityData, progress: Progress) -> None:
    """The Monte Carlo analysis of the plan and its summary (in place); a plan that cannot be simulated keeps
    a note instead."""
    from hushall.scenarios import simulate
    from hushall.study.risk import risk_summary

    request = study.request
    if request.draws <= 0:
        return
    progress(0.95, f"Simulerar {fmt_number(request.draws)} möjliga framtider …")
    try:
        mc = simulate(data, dict(study.schedule), n_draws=request.draws, seed=request.seed,
                      reinvestment_policy=renewal_policy(data, study.optimization))
    except (HushallError, ValueError, KeyError):
        study.notes.append("Risken (hur sannolikt planen håller) kunde inte beräknas för den här planen.")
        return
    study.montecarlo = mc
    study.risk = risk_summary(mc, data)


def _note_risk_without_renewal(study: PlanStudy) -> None:
    """A Monte Carlo analysis handed to :func:`run_study` that was made under the data's reinvestment policy
    while the optimiser decided the renewal: the study says so (its own analysis replays the renewal,
    :func:`hushall.scenarios.simulate` with ``reinvestment_policy``)."""
    decided = getattr(study.optimization, "renewal", None) is not None
    replayed = bool(getattr(study.montecarlo, "renewal_decided", False))
    if decided and not replayed and RISK_WITHOUT_RENEWAL_NOTE not in study.notes:
        study.notes.append(RISK_WITHOUT_RENEWAL_NOTE)


def renewal_decided(verdict: Any) -> Any:
    """The verdict of a plan whose reinvestment the optimiser decided: its assets part names
    :data:`RENEWAL_DECIDED` as the reinvestment (:func:`hushall.finance.verdict.assess` knows the named policies
    only; its figures are the forecast's, so they are the optimiser's already)."""
    from dataclasses import replace

    if verdict.assets is None:
        return verdict
    return replace(verdict, assets=replace(verdict.assets, policy=RENEWAL_DECIDED))


def _verdict(study: PlanStudy, data: MunicipalityData) -> None:
    from hushall.finance.verdict import assess, with_monte_carlo

    if study.forecast is not None:
        verdict = assess(data, study.forecast)
        if getattr(study.optimization, "renewal", None) is not None:
            verdict = renewal_decided(verdict)
        study.verdict = with_monte_carlo(verdict, study.montecarlo)


def _robust_parts(study: PlanStudy, data: MunicipalityData, progress: Progress) -> None:
    """What a safer plan costs, from the optimised plan (in place; only when asked for and the risk exists)."""
    request = study.request
    if request.robust_level <= 0 or study.optimization is None or study.risk is None:
        return
    from hushall.scenarios.robust import OptimiserPlanner, choice_from_optimization, robust_plan
    from hushall.study.risk import robust_summary

    level = request.robust_level
    progress(0.97, f"Söker en säkrare plan (alla mål med minst {round(100 * level)} % sannolikhet de första "
                   f"{request.robust_years} åren) …")
    planner = OptimiserPlanner(time_limit=min(request.time_limit_s, ROBUST_TIME_LIMIT_S),
                               mip_gap=max(request.mip_gap, ROBUST_MIN_GAP),
                               renewal_decisions=study.optimization.renewal is not None)
    try:
        rb = robust_plan(data, planner, level=level, n_draws=request.draws, seed=request.seed,
                         years=request.robust_years, base=choice_from_optimization(study.optimization, data))
        study.robust = robust_summary(rb, data, level)
    except (HushallError, ValueError, KeyError):
        study.robust = None


def run_study(data: MunicipalityData, request: PlanRequest | None = None, progress: Progress | None = None, *,
              solver_progress: Any = None, optimization: Any = None, montecarlo: Any = None,
              needs: Any = None) -> PlanStudy:
    """Run the stages for the plan ``request`` asks for (default: the optimised plan) and collect their results.

    ``progress(fraction, message)`` hears how far the study is; ``solver_progress`` is passed to the optimiser
    (:func:`hushall.optimize.stderr_progress` on the command line). ``optimization`` and ``montecarlo``: results
    of this plan already at hand (``hushall demo`` shows them before the document), used instead of computing
    them again; ``needs``: the needs analysis already at hand (:func:`study_needs`).

    Raises
    ------
    hushall.errors.PlanError
        When a plan file or a given plan names an unknown project or a start year outside its window.
    """
    request = request or PlanRequest()
    report = progress or _quiet
    if request.source == "optimised" and optimization is None:
        report(0.08, "Bygger optimeringsproblemet …")
    plan, result = choose_plan(data, request, solver_progress, optimization)
    study = PlanStudy(request=request, plan=plan, optimization=result)
    report(0.9, "Räknar fram den ekonomiska planen …")
    _forecast_parts(study, data, needs)
    if montecarlo is not None:
        from hushall.study.risk import risk_summary

        study.montecarlo, study.risk = montecarlo, risk_summary(montecarlo, data)
        _note_risk_without_renewal(study)
    else:
        _risk_parts(study, data, report)
    _verdict(study, data)
    _robust_parts(study, data, report)
    return study


def restore_study(data: MunicipalityData, stored: Mapping[str, Any] | PlanStudy) -> PlanStudy:
    """A stored study with its in-memory parts recomputed from ``data``: the forecast, the needs and the Monte
    Carlo analysis with the stored draws and seed (the same probabilities as when it was stored)."""
    study = stored if isinstance(stored, PlanStudy) else PlanStudy.from_json(stored)
    _forecast_parts(study, data)
    draws = int((study.risk or {}).get("draws") or 0)
    if draws and study.schedule:
        from hushall.scenarios import simulate

        seed = int((study.risk or {}).get("seed") or study.request.seed)
        from hushall.study.risk import risk_summary

        try:
            study.montecarlo = simulate(data, dict(study.schedule), n_draws=draws, seed=seed,
                                        reinvestment_policy=renewal_policy(data, study.optimization))
        except (HushallError, ValueError, KeyError):
            study.montecarlo = None
        else:  # the same draws and seed give the same summary (and one of this version for older results)
            study.risk = risk_summary(study.montecarlo, data)
    _verdict(study, data)
    return study


__all__ = ["RENEWAL_DECIDED", "RISK_WITHOUT_RENEWAL_NOTE", "STUDY_VERSION", "PlanFigures", "PlanStudy", "Progress",
           "StudyPlan", "choose_plan", "plan_figures", "project_investments", "renewal_decided", "renewal_policy",
           "restore_study", "run_study"]
