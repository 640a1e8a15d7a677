"""How likely a plan is to hold, on the plan page: the study's risk summary with its targets named, and in words.

The plan study keeps a compact JSON summary of the plan's Monte Carlo analysis
(:func:`hushall.study.risk.risk_summary`) and of the search for a safer plan
(:func:`hushall.study.risk.robust_summary`); :func:`labelled_risk` and :func:`named_robust` name their targets for
a reader, and the rest of this module phrases them. The charts are :mod:`hushall.reports.risk_charts`' own, drawn
from the summary through :class:`hushall.study.risk.StoredMonteCarlo`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hushall.formatting import fmt_number, fmt_pct, fmt_pp
from hushall.model import MunicipalityData
from hushall.reports.plan_reasons import target_names
from hushall.reports.plan_tables import target_short_label
from hushall.reports.risk_charts import LINE_DISPLAY
from hushall.study.risk import finite_number as _number
from hushall.web.i18n import translate

#: Fan charts of the plan page: chart name in the address → line.
FAN_CHARTS: dict[str, str] = {"resultat": "årets_resultat", "laneskuld": "låneskuld_per_invånare",
                              "soliditet": "soliditet"}


def labelled_risk(risk: Mapping[str, Any] | None, data: MunicipalityData) -> dict[str, Any] | None:
    """The study's risk summary with every target's ``label`` (short, with its limit) and ``name`` (in words, as
    the plan's sentences name it); ``None`` stays ``None``."""
    if risk is None:
        return None
    names = target_names(data, with_ids=False)
    targets = []
    for t in risk.get("targets") or []:
        ttype, limit = str(t.get("target_type", "")), float(t.get("limit") or 0.0)
        targets.append({**t, "label": target_short_label(ttype, limit, t.get("period_years") or 1),
                        "name": names.get(str(t.get("source_id")), target_short_label(ttype, limit))})
    return {**risk, "targets": targets}


def named_robust(robust: Mapping[str, Any] | None, data: MunicipalityData) -> dict[str, Any] | None:
    """The study's robust summary with its weakest target named."""
    if robust is None:
        return None
    weakest = robust.get("weakest")
    if not isinstance(weakest, Mapping):
        return dict(robust)
    names = target_names(data, with_ids=False)
    return {**robust, "weakest": {**weakest, "name": names.get(str(weakest.get("target_id")), "")}}


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
        return fmt_pct(x, decimals, lang=lang)
    return fmt_pct(x, 0, lang=lang)


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
    futures = fmt_number(draws, lang=lang)
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
        "all_years": _pct(p_all, lang),  # the one way the probability that every target holds is written
        "threats": threats_text(drivers.get("mål_uppfyllda_andel"), lang),
        "result_threats": threats_text(result, lang),
        "draws": futures, "seed": risk.get("seed"),
        "standard_error": fmt_pp(_number(risk.get("max_standard_error")), 1, lang),
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
    named = [f"{translate(str(d.get('label')), lang).lower()} ({fmt_pct(d.get('variance_share'), 0, lang=lang)})"
             for d in (entry or {}).get("drivers") or [] if (_number(d.get("variance_share")) or 0.0) >= NAMED_SHARE]
    named = named[:most]
    if len(named) < 2:
        return "".join(named)
    return f"{', '.join(named[:-1])} {translate('och', lang)} {named[-1]}"


def all_years_probability(result: Mapping[str, Any] | None) -> float | None:
    """The probability that every target holds every year, of a stored plan result (``None`` without risk)."""
    risk = (result or {}).get("risk")
    return _number(risk.get("all_years_probability")) if isinstance(risk, Mapping) else None


__all__ = ["FAN_CHARTS", "all_years_probability", "labelled_risk", "named_robust", "risk_view", "robust_sentences",
           "threats_text"]


# --- What a safer plan costs ---------------------------------------------------------------------------------------


def robust_sentences(entry: Mapping[str, Any] | None, lang: str = "sv") -> list[str]:
    """What a safer plan costs, in words (empty for results without one)."""
    if not isinstance(entry, Mapping) or entry.get("robust_probability") is None:
        return []
    level = fmt_pct(_number(entry.get("level")), 0, lang)
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
                       c="–" if cost is None else fmt_pct(max(cost, 0.0), 0, lang=lang))
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
