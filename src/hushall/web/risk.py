"""How likely a plan is to hold: the compact risk summary a plan result keeps, and how the plan page shows it.

The worker simulates the optimiser's plan over possible futures (:func:`hushall.scenarios.simulate`) and keeps a
small JSON summary with the result (:func:`risk_entry`, key ``risk`` of
:data:`hushall.web.planning.RESULT_KEYS`). Every number comes from the Monte Carlo result; this module only picks,
labels and phrases them. The charts are :mod:`hushall.reports.risk_charts`' own, drawn from the summary through
:class:`hushall.study.risk.StoredMonteCarlo`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from hushall.model import MunicipalityData
from hushall.reports.plan_reasons import target_names
from hushall.reports.plan_tables import target_short_label
from hushall.reports.risk_charts import LINE_DISPLAY
from hushall.web.i18n import number, pct, translate

#: Lines whose spread the summary keeps (names of :data:`hushall.scenarios.montecarlo.LINES`).
RISK_LINES: tuple[str, ...] = ("årets_resultat", "låneskuld_per_invånare", "soliditet")
#: Outcomes whose drivers the summary keeps: the share of target-years met (what threatens the plan) and the sum
#: of årets resultat (the tornado of the plan document).
RISK_OUTCOMES: tuple[str, ...] = ("mål_uppfyllda_andel", "resultat_summa")
#: The seed of every plan's simulation: the same plan gives the same figures.
SEED = 1
#: Fan charts of the plan page: chart name in the address → line.
FAN_CHARTS: dict[str, str] = {"resultat": "årets_resultat", "laneskuld": "låneskuld_per_invånare",
                              "soliditet": "soliditet"}


def _number(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v + 0.0 if math.isfinite(v) else None


def _numbers(values: Any) -> list[float | None]:
    return [_number(v) for v in values]


def _shown_id(target_id: str) -> str:
    """The target's id as the reader knows it from the data (a variant's own targets have none)."""
    return "" if target_id.startswith("variant-") else target_id


def risk_entry(mc: Any, data: MunicipalityData) -> dict[str, Any]:
    """The compact, JSON-safe summary of a Monte Carlo result (:class:`hushall.scenarios.MonteCarloResult`) that
    a plan result keeps.

    Keys: ``draws``, ``seed``, ``quantiles``, ``years``, ``all_years_probability`` and
    ``all_years_standard_error`` (every target holds every year), ``max_standard_error``; ``joint`` (per year,
    every target applying that year holds); ``targets`` (per target: ``target_id``, ``target_type``, ``label``,
    ``name``, ``years``, ``probability``, ``standard_error``, ``lowest`` and ``lowest_year``); ``lines`` (per line
    of :data:`RISK_LINES`: ``p10``, ``p50``, ``p90``, ``mean``, ``baseline`` per year); ``drivers`` (per outcome of
    :data:`RISK_OUTCOMES`: its ``label``, ``mean`` and the drivers by falling variance share, each with
    ``driver``, ``label``, ``variance_share``, ``low``, ``high``).
    """
    from hushall.scenarios.montecarlo import OUTCOMES, quantile_name

    names = target_names(data, with_ids=False)
    t = data.targets
    periods = {str(r.target_id): r.period_years for r in t.itertuples(index=False)}
    targets = []
    for (tid, ttype), g in mc.probabilities.groupby(["target_id", "target_type"], sort=False):
        g = g.sort_values("year")
        worst = g.loc[g["probability"].idxmin()]
        limit = float(g["limit"].iloc[0])
        targets.append({
            "target_id": _shown_id(str(tid)), "target_type": str(ttype),
            "label": target_short_label(str(ttype), limit, periods.get(str(tid), 1)),
            "name": names.get(str(tid), target_short_label(str(ttype), limit)),
            "years": [int(y) for y in g["year"]], "probability": _numbers(g["probability"]),
            "standard_error": _numbers(g["standard_error"]),
            "lowest": _number(worst["probability"]), "lowest_year": int(worst["year"]),
        })
    years = [int(y) for y in mc.years]
    qnames = [quantile_name(q) for q in mc.quantiles]
    lines: dict[str, dict[str, list[float | None]]] = {}
    base = mc.baseline.set_index(["line", "year"])["value"]
    for line in RISK_LINES:
        q = mc.line(line).reindex(years)
        if not len(q):
            continue
        lines[line] = {**{c: _numbers(q[c]) for c in [*qnames, "mean"] if c in q.columns},
                       "baseline": _numbers(base.get((line, y), float("nan")) for y in years)}
    means = mc.outcomes.set_index("outcome")["mean"]
    drivers: dict[str, dict[str, Any]] = {}
    for outcome in RISK_OUTCOMES:
        rows = mc.tornado[mc.tornado["outcome"] == outcome].sort_values("variance_share", ascending=False)
        if not len(rows):
            continue
        drivers[outcome] = {"label": OUTCOMES.get(outcome, outcome), "mean": _number(means.get(outcome)),
                            "drivers": [{"driver": str(r.driver), "label": str(r.label),
                                         "variance_share": _number(r.variance_share), "low": _number(r.low),
                                         "high": _number(r.high)} for r in rows.itertuples()]}
    joint = mc.joint
    return {
        "draws": int(mc.n_draws), "seed": int(mc.seed), "quantiles": [float(q) for q in mc.quantiles],
        "years": years, "all_years_probability": _number(mc.all_years_probability),
        "all_years_standard_error": _number(mc.all_years_standard_error),
        "max_standard_error": _number(mc.max_standard_error()),
        "joint": {"years": [int(y) for y in joint["year"]], "probability": _numbers(joint["probability"])},
        "targets": targets, "lines": lines, "drivers": drivers,
        "elapsed_s": round(float(getattr(mc, "elapsed_s", 0.0)), 3),
    }


def simulate_plan(data: MunicipalityData, schedule: Mapping[str, int], n_draws: int) -> dict[str, Any]:
    """Simulate a plan over ``n_draws`` futures (seed :data:`SEED`) and summarise it (:func:`risk_entry`)."""
    from hushall.scenarios import simulate

    return risk_entry(simulate(data, dict(schedule), n_draws=n_draws, seed=SEED), data)


# --- The plan page -----------------------------------------------------------------------------------------------

#: Drivers that explain less than this share of the spread are not named as threats.
NAMED_SHARE = 0.05


def _pct(x: float | None, lang: str) -> str:
    """A probability in whole per cent, with one decimal near 0 and 100 % (so that 0,4 % is not shown as 0 %
    and 99,6 % not as 100 %).

    Examples
    --------
    >>> _pct(0.43, "sv"), _pct(0.004, "sv"), _pct(0.9996, "sv"), _pct(1.0, "sv")
    ('43\\xa0%', '0,4\\xa0%', '99,96\\xa0%', '100\\xa0%')
    """
    if x is None:
        return "–"
    if 0 < x < 0.01 or 0.99 < x < 1:
        decimals = 1 if 0.001 <= x <= 0.999 else 2
        return pct(x, lang, decimals)
    return pct(x, lang, 0)


def risk_view(risk: Mapping[str, Any] | None, lang: str = "sv") -> dict[str, Any] | None:
    """What the plan page shows of a stored risk summary: the headline sentence, one row per target (weakest
    first), the threats (drivers) in words and the precision. ``None`` for results without one."""
    if not isinstance(risk, Mapping) or not risk.get("targets"):
        return None
    draws = int(risk.get("draws") or 0)
    targets = sorted(risk["targets"], key=lambda t: (t.get("lowest") is None, t.get("lowest") or 0.0))
    rows = [{"target_id": t.get("target_id") or "", "label": t.get("label") or t.get("name") or "",
             "lowest": _pct(t.get("lowest"), lang), "lowest_year": t.get("lowest_year"),
             "last": _pct((t.get("probability") or [None])[-1], lang),
             "last_year": (t.get("years") or [None])[-1]} for t in targets]
    p_all = _number(risk.get("all_years_probability"))
    weakest = targets[0]
    futures = number(draws, lang)
    years = risk.get("years") or []
    period = f"{years[0]}–{years[-1]}" if years else ""
    sentence = translate("I {p} av {n} möjliga framtider håller alla mål varje år {period}.", lang,
                         p=_pct(p_all, lang), n=futures, period=period)
    if weakest.get("lowest") is not None and (weakest["lowest"] or 0.0) < 1.0:
        sentence = translate("I {p} av {n} möjliga framtider håller alla mål varje år {period}; svagast är "
                             "{target}, som håller i {q} av framtiderna år {year}.", lang, p=_pct(p_all, lang),
                             n=futures, period=period, target=weakest.get("name") or weakest.get("label"),
                             q=_pct(weakest["lowest"], lang), year=weakest.get("lowest_year"))
    drivers = risk.get("drivers") or {}
    result = drivers.get("resultat_summa") or {}
    return {
        "sentence": sentence, "rows": rows, "strict": p_all is not None and p_all < 0.5,
        "threats": threats_text(drivers.get("mål_uppfyllda_andel"), lang),
        "result_threats": threats_text(result, lang),
        "draws": futures, "seed": risk.get("seed"),
        "standard_error": pct(_number(risk.get("max_standard_error")), lang, 1),
        "period": period,
        "fans": [(name, translate(LINE_DISPLAY[line][0], lang)) for name, line in FAN_CHARTS.items()
                 if line in (risk.get("lines") or {})],
        "has_tornado": bool(result.get("drivers")),
    }


def threats_text(entry: Mapping[str, Any] | None, lang: str = "sv", most: int = 3) -> str:
    """The drivers that explain most of an outcome's spread, in words with their shares.

    Examples
    --------
    >>> threats_text({"drivers": [{"label": "Skatteunderlag", "variance_share": 0.28},
    ...                           {"label": "Befolkning", "variance_share": 0.25},
    ...                           {"label": "Ränta", "variance_share": 0.01}]})
    'skatteunderlag (28\xa0%) och befolkning (25\xa0%)'
    """
    named = [f"{translate(str(d.get('label')), lang).lower()} ({pct(d.get('variance_share'), lang, 0)})"
             for d in (entry or {}).get("drivers") or [] if (_number(d.get("variance_share")) or 0.0) >= NAMED_SHARE]
    named = named[:most]
    if len(named) < 2:
        return "".join(named)
    return f"{', '.join(named[:-1])} {translate('och', lang)} {named[-1]}"


def all_years_probability(result: Mapping[str, Any] | None) -> float | None:
    """The probability that every target holds every year, of a stored plan result (``None`` without risk)."""
    risk = (result or {}).get("risk")
    return _number(risk.get("all_years_probability")) if isinstance(risk, Mapping) else None


__all__ = ["FAN_CHARTS", "RISK_LINES", "RISK_OUTCOMES", "SEED", "all_years_probability", "risk_entry",
           "risk_view", "simulate_plan", "threats_text"]


# --- What a safer plan costs ---------------------------------------------------------------------------------------


def robust_entry(data: MunicipalityData, level: float, years: int, time_limit_s: float, mip_gap: float,
                 n_draws: int = 2000, optimization: Any = None) -> dict[str, Any]:
    """Search the safer plan (:func:`hushall.scenarios.robust.robust_plan` with the optimiser as planner): every
    target holding with probability ≥ ``level`` in each of the first ``years`` plan years, starting from the
    plan of ``optimization`` (the optimiser's result being shown; ``None``: optimised anew). A compact JSON
    summary: the level reached by the plan and by the safer one, what the safer plan gives up (value, projects)
    and the target that limits it."""
    from hushall.scenarios.robust import OptimiserPlanner, choice_from_optimization, robust_plan

    base = None if optimization is None else choice_from_optimization(optimization)
    rb = robust_plan(data, OptimiserPlanner(time_limit=time_limit_s, mip_gap=mip_gap), level=level,
                     n_draws=n_draws, seed=SEED, years=years, base=base)
    doc = rb.to_json_dict()
    last = rb.last_year
    p = rb.robust_mc.probabilities
    if last is not None:
        p = p[p["year"] <= last]
    weakest = p.sort_values("probability", kind="stable").iloc[0] if len(p) else None
    base_value = _number(doc["base"]["value"])
    cost = _number(doc["value_cost"])
    names = target_names(data, with_ids=False)
    return {
        "level": float(level), "first_year": int(data.first_year), "last_year": last, "status": rb.status,
        "reached": rb.robust_probability >= level - 1e-12,
        "base_probability": _number(rb.base_probability), "robust_probability": _number(rb.robust_probability),
        "base_projects": len(doc["base"]["schedule"]), "robust_projects": len(doc["robust"]["schedule"]),
        "value_cost_share": None if cost is None or not base_value else cost / base_value,
        "value_cost_kr": _number(doc["value_cost_kr"]),
        "changes": doc["changes"],
        "weakest": None if weakest is None else {
            "target_id": str(weakest["target_id"]), "name": names.get(str(weakest["target_id"]), ""),
            "year": int(weakest["year"]), "probability": _number(weakest["probability"])},
        "elapsed_s": _number(doc["elapsed_s"]),
    }


def robust_sentences(entry: Mapping[str, Any] | None, lang: str = "sv") -> list[str]:
    """What a safer plan costs, in words (empty for results without one)."""
    if not isinstance(entry, Mapping) or entry.get("robust_probability") is None:
        return []
    level = pct(_number(entry.get("level")), lang, 0)
    period = f"{entry.get('first_year')}–{entry.get('last_year')}"
    dropped = sum(1 for c in entry.get("changes") or [] if c.get("change") == "borttaget")
    moved = sum(1 for c in entry.get("changes") or [] if c.get("change") == "flyttat")
    cost = _number(entry.get("value_cost_share"))
    out = [translate("Säkrare plan: alla mål ska hålla med minst {level} sannolikhet varje år {period}. Planen "
                     "ovan klarar det svagaste målet i {p} av framtiderna.", lang, level=level, period=period,
                     p=_pct(_number(entry.get("base_probability")), lang))]
    if entry.get("status") == "basplanen_räcker":
        out.append(translate("Den räcker redan: en säkrare plan kostar ingenting.", lang))
        return out
    change = translate("Den säkraste plan optimeraren hittade har {n} projekt i stället för {m} ({d} borttagna, "
                       "{k} senarelagda) och ger {c} mindre nytta.", lang, n=entry.get("robust_projects"),
                       m=entry.get("base_projects"), d=dropped, k=moved,
                       c="–" if cost is None else pct(max(cost, 0.0), lang, 0))
    if entry.get("reached"):
        out.append(change + " " + translate("Då håller alla mål med minst {level} sannolikhet.", lang, level=level))
        return out
    weakest = entry.get("weakest") or {}
    out.append(change + " " + translate(
        "Ändå håller {target} bara i {q} av framtiderna år {year}: det avgörs av osäkerheten i omvärlden "
        "(skatteunderlag, befolkning, priser), inte av vilka projekt som görs. Att nå {level} kräver andra "
        "beslut, t.ex. om skattesats, kostnader eller målens nivå.", lang,
        target=weakest.get("name") or weakest.get("target_id") or "", q=_pct(_number(weakest.get("probability")), lang),
        year=weakest.get("year"), level=level))
    return out
