"""The optimiser's reasons in Swedish sentences: why a project is left out or starts later, which targets bind,
what one more Mkr of room is worth, and how the plan compares with a benefit/cost ranking list.

Presentation only, and the one place these sentences are phrased: the plan document, the terminal summary and
the web pages all use it. Every number comes from :func:`hushall.optimize.optimize` (its ``explanations`` and
``ranking``); targets are named in words with their limit (``resultatmålet (M1: resultat ≥ 1,0 %)``), years
are grouped into ranges and each figure says honestly what it is — an LP estimate, or a re-solve: one value
where it is exact at the precision shown, else the interval the true value lies in
(:func:`hushall.optimize.explain.gain_interval`).

Examples
--------
>>> names = {"M6": "investeringstaket (M6: investeringar ≤ 120 Mkr/år)"}
>>> breaks_text([{"target": "M6", "year": 2026, "violation": 9.8e6, "unit": "kr"},
...              {"target": "M6", "year": 2027, "violation": 2e6, "unit": "kr"}], names)
'investeringstaket (M6: investeringar ≤ 120 Mkr/år) år 2026–2027, avvikelse upp till 9,8\\xa0Mkr'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hushall.data.target_types import TARGET_TYPES
from hushall.formatting import finite_or_none, fmt_amount, fmt_mkr, fmt_number, fmt_pct
from hushall.model import MunicipalityData
from hushall.optimize.result import OptimizationResult
from hushall.reports.plan_tables import target_short_label

#: Below this (kr) a value or a cost counts as nothing (rounding in the solver).
NEGLIGIBLE_KR = 5_000.0
#: Below this (kr) a marginal value is not worth a sentence of its own (it would read "0,0 Mkr").
NOTEWORTHY_KR = 50_000.0
#: Below this (points) a marginal value counts as nothing (rounding in the solver).
NEGLIGIBLE_POINTS = 1e-3
#: Below this share of the plan's benefit a marginal value is not worth a sentence for a board member.
NOTEWORTHY_SHARE = 5e-4
#: Marginal values shown in the document (the largest LP estimates first).
MARGINAL_ROWS = 8
#: Decimals of the optimiser's points in the officials' tables.
POINT_DECIMALS = 3

#: Target types in words, as a council would say them (the registry's ``words``).
TARGET_WORDS: dict[str, str] = {k: t.words["sv"] for k, t in TARGET_TYPES.items() if t.words["sv"]}

_num = finite_or_none  # the name the terminal summary imports


#: How an optimised plan was made, for officials (the web's officials' section: the solver's terms).
OPTIMISED_METHOD = "Optimering (MILP med HiGHS)"
#: The same in plain words, for the plan document and the terminal summary that the board reads.
OPTIMISED_METHOD_PLAIN = ("Optimering – den plan som ger mest nytta inom alla mål och tak, beräknad med "
                          "optimeringsprogrammet HiGHS")
#: The optimality gap in plain words, the term after them (the plan document and the terminal summary).
GAP_LABEL = "Högst så mycket bättre kan en annan plan vara (optimalitetsgap)"

#: The optimiser's status as a board member reads it: no solver terms (the officials' section gives the gap).
PLAIN_STATUS: dict[str, str] = {
    "optimal": "Den bästa planen inom målen och taken.",
    "feasible": "En plan som håller alla mål och tak. Räknetiden tog slut innan det var visat att ingen bättre "
                "plan finns; en bättre kan finnas, men inte mycket bättre (se avsnittet för tjänstepersoner).",
    "targets_infeasible": "Ingen plan håller alla mål och tak. Planen bryter dem så lite som möjligt.",
    "no_solution": "Ingen plan hittades inom räknetiden.",
}

#: Why a project is not in a plan that was not optimised here (a plan from a file, or chosen elsewhere).
NOT_IN_GIVEN_PLAN = "Ingår inte i den angivna planen."
#: Why a project is not in an optimised plan whose explanations were not kept (results stored before version 1).
NOT_KEPT_REASON = ("Valdes inte av optimeringen. Skälet sparades inte med den här äldre körningen; kör "
                   "optimeringen igen för att se det.")


def join_sv(parts: Sequence[str]) -> str:
    """Items as Swedish lists them.

    Examples
    --------
    >>> join_sv(["a", "b", "c"]), join_sv(["a"]), join_sv([])
    ('a, b och c', 'a', '')
    """
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def year_ranges(years: Sequence[int] | Any) -> str:
    """Years as ranges.

    Examples
    --------
    >>> year_ranges([2028, 2029, 2030, 2047, 2049, 2050])
    '2028–2030, 2047 och 2049–2050'
    """
    ys = sorted({int(y) for y in years})
    parts: list[str] = []
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        parts.append(str(ys[i]) if i == j else f"{ys[i]}–{ys[j]}")
        i = j + 1
    return join_sv(parts)


def target_name(target_id: str, target_type: str, limit: float, period: Any = 1, *, with_id: bool = True,
                price_base_year: int | None = None) -> str:
    """A target in words with its limit, as every text names it; a limit in the price base year's prices says so
    when ``price_base_year`` is given (the statements beside it are in current prices).

    Examples
    --------
    >>> target_name("M2", "självfinansieringsgrad", 0.6, 5)
    'målet för självfinansieringsgrad (M2: självfinansiering ≥ 60\\xa0%, 5 år)'
    >>> target_name("M5", "balanskrav", 0.0), target_name("x", "investeringstak_kr", 1.2e8, with_id=False)
    ('balanskravet (M5)', 'investeringstaket (investeringar ≤ 120\\xa0Mkr/år)')
    >>> target_name("M6", "investeringstak_kr", 1.85e8, price_base_year=2024)
    'investeringstaket (M6: investeringar ≤ 185\\xa0Mkr/år i 2024 års priser)'
    """
    words = TARGET_WORDS.get(target_type)
    if target_type in TARGET_TYPES and TARGET_TYPES[target_type].unit == "count":  # the words say what is counted
        label = f"högst {fmt_number(limit)}"
    else:
        label = target_short_label(target_type, limit, period)
        label = label[:1].lower() + label[1:]
    if period is not None and not pd.isna(period) and int(period) > 1:
        label = label.replace(f" ({int(period)} år)", f", {int(period)} år")
    if price_base_year and target_type in TARGET_TYPES and TARGET_TYPES[target_type].fixed_prices:
        label += f" i {price_base_year} års priser"
    if words is None:
        return f"{target_id} {label}" if with_id else label
    if words.lower() == label.lower() or not TARGET_TYPES[target_type].has_limit:
        return f"{words} ({target_id})" if with_id else words
    return f"{words} ({target_id}: {label})" if with_id else f"{words} ({label})"


def target_names(data: MunicipalityData, *, with_ids: bool = True) -> dict[str, str]:
    """Target id → the target in words with its limit (:func:`target_name`); ``with_ids=False`` leaves the ids
    out (where the reader never sees them, as in the web's plan variants)."""
    t = data.targets
    if not len(t):
        return {}
    return {str(r.target_id): target_name(str(r.target_id), str(r.target_type), float(r.limit), r.period_years,
                                          with_id=with_ids, price_base_year=int(data.price_base_year))
            for r in t.itertuples(index=False) if str(r.target_type) != "kriterievikt"}


def short_target_names(data: MunicipalityData) -> dict[str, str]:
    """Target id → the target in a word or two (``investeringstaket``), for short lists."""
    t = data.targets
    if not len(t):
        return {}
    return {str(r.target_id): TARGET_WORDS.get(str(r.target_type), str(r.target_id))
            for r in t.itertuples(index=False) if str(r.target_type) != "kriterievikt"}


def _name(names: Mapping[str, str], target: Any) -> str:
    """The name of a target id or of an optimiser record (``target``, ``target_type``, ``label``)."""
    if not isinstance(target, Mapping):
        return names.get(str(target), str(target))
    tid = str(target.get("target", target.get("target_id", "")))
    if tid in names:
        return names[tid]
    return TARGET_WORDS.get(str(target.get("target_type", ""))) or str(target.get("label") or tid)


def breaks_text(breaks: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> str:
    """The targets a change would break, grouped by target with their years and the largest excess."""
    by_target: dict[str, list[Mapping[str, Any]]] = {}
    for b in breaks:
        by_target.setdefault(_name(names, b), []).append(b)
    parts = []
    for name, rows in by_target.items():
        years = year_ranges([int(r.get("year", 0)) for r in rows])
        worst = max((_num(r.get("violation")) or 0.0) for r in rows)
        if all(r.get("unit") == "kr" for r in rows) and worst >= NEGLIGIBLE_KR:
            excess = f", avvikelse upp till {fmt_amount(worst)}"
        elif all(r.get("unit") == "projekt" for r in rows) and worst > 0:
            excess = f", {fmt_number(worst)} projekt för många" if worst > 1 else ", ett projekt för många"
        else:
            excess = ""
        parts.append(f"{name} år {years}{excess}")
    return "; ".join(parts)


def interval_text(low: Any, high: Any, fmt: Any, negligible: float) -> str | None:
    """A re-solved difference known to lie in ``[low, high]`` (``high`` ``None``: no upper end known) as it is
    read: one value where both ends read the same under ``fmt``, ``upp till`` when the low end is
    ``negligible``, ``minst`` without a high end, else ``a–b``; ``None`` when nothing is known.

    Examples
    --------
    >>> three = lambda v: fmt_number(v, 3)
    >>> interval_text(0.0071, 0.00712, three, 1e-3), interval_text(0.0, 0.031, three, 1e-3)
    ('0,007', 'upp till 0,031')
    >>> interval_text(0.004, 0.031, three, 1e-3), interval_text(0.004, None, three, 1e-3)
    ('0,004–0,031', 'minst 0,004')
    """
    lo, hi = _num(low), _num(high)
    if lo is None:
        return None
    if hi is None:
        return f"minst {fmt(lo)}" if lo >= negligible else None
    if fmt(lo) == fmt(hi):
        return fmt(hi)
    return f"upp till {fmt(hi)}" if lo < negligible else f"{fmt(lo)}–{fmt(hi)}"


def interval_kind(low: Any, high: Any, fmt: Any) -> str:
    """``exakt`` when both ends of a re-solved interval read the same under ``fmt``, ``intervall`` when they
    do not, ``ej omräknat`` when there is no re-solve."""
    lo, hi = _num(low), _num(high)
    if lo is None:
        return "ej omräknat"
    return "exakt" if hi is not None and fmt(lo) == fmt(hi) else "intervall"


def cost_mkr(value: float) -> str:
    """A cost of forcing a project in as the reports read it (Mkr, one decimal): :func:`interval_kind` and
    :func:`interval_text` judge its interval at this precision."""
    return fmt_mkr(value, 1)


def _cost_of_forcing(rec: Mapping[str, Any], start: Any) -> str:
    low, high = _num(rec.get("cost_of_forcing_low_kr")), _num(rec.get("cost_of_forcing_high_kr"))
    if low is None:
        return ""
    if high is not None and high < NEGLIGIBLE_KR:
        return f" Med start {start} och resten av planen omlagd finns en plan som är nästan lika bra."
    amount = interval_text(low, high, cost_mkr, NEGLIGIBLE_KR)
    if amount is None:
        return ""
    return f" Med start {start} och resten av planen omlagd blir planens nytta {amount} lägre."


def _notes_text(notes: Sequence[str]) -> list[str]:
    """The optimiser's notes (``ersätter P-06 (alternativ)``, ``kräver P-01``) as sentences."""
    out = []
    for note in notes:
        words = str(note).split()
        if len(words) >= 2 and words[0] == "ersätter":
            out.append(f"Projektet är ett alternativ till {words[1]}, som ingår i planen; båda kan inte genomföras.")
        elif len(words) >= 2 and words[0] == "kräver":
            out.append(f"Projektet kräver {words[1]}, som inte ingår i planen.")
        else:
            out.append(str(note).capitalize() + ".")
    return out


def project_reason(rec: Mapping[str, Any], names: Mapping[str, str], objective: float | None = None) -> str:
    """Why a project is left out or starts later than it could, in Swedish sentences, from one record of the
    optimiser's ``explanations["projects"]``: what it would break, the optimiser's notes and, where the optimiser
    re-solved with the project forced in, what that costs the plan. Where the change with the rest of the plan
    unchanged breaks nothing, how much less the plan gives, as a share of its benefit ``objective`` (points):
    "upp till", since that plan is valued with a good reinvestment, not always its best."""
    text = rec.get("explanation") or rec.get("reason") or rec.get("text")
    if text:
        return str(text)
    status = str(rec.get("status", ""))
    breaks = list(rec.get("breaks_if_added") or [])
    relations = [str(r) for r in rec.get("relations_broken_if_added") or []]
    start = rec.get("forced_start", rec.get("earliest_start"))
    value = _num(rec.get("value_if_added_unchanged"))
    sentences: list[str] = []
    if status == "senarelagt":
        sentences.append(f"Startar {rec.get('chosen_start')} i stället för tidigast {rec.get('earliest_start')}.")
        if relations:
            sentences.append(f"Med start {start} och resten av planen oförändrad bryts ett villkor: "
                             f"{'; '.join(relations)}.")
        if breaks:
            sentences.append(f"Med start {start} och resten av planen oförändrad bryts: {breaks_text(breaks, names)}.")
        elif not relations and value is not None and value > NEGLIGIBLE_POINTS:
            # the plan is proven only within its gap: a better plan one step away is said as it is
            sentences.append(f"Med start {start} bryts inga mål och planens nytta blir {_points(value)} poäng "
                             "större; optimeringen stannade inom sitt gap innan den prövade det.")
        elif not relations:
            sentences.append(f"Med start {start} och resten av planen oförändrad bryts inga mål, men "
                             f"{_less_text(value, objective)}.")
    else:
        notes = [str(n) for n in rec.get("notes") or []]
        sentences.append("Valdes inte.")
        sentences += _notes_text(notes)
        replaced = [n.split()[1] for n in notes if n.startswith("ersätter ") and len(n.split()) > 1]
        how = (f"Tas det med i stället för {', '.join(replaced)}, med start {start} och resten av planen "
               "oförändrad, bryts" if replaced else
               f"Läggs projektet till med start {start} och resten av planen oförändrad bryts")
        if relations:
            sentences.append(f"{how} ett villkor: {'; '.join(relations)}.")
        if breaks:
            sentences.append(f"{how}: {breaks_text(breaks, names)}.")
        elif not relations and value is not None and value > NEGLIGIBLE_POINTS:
            sentences.append(f"{how} inga mål och planens nytta blir {_points(value)} poäng större; optimeringen "
                             "stannade inom sitt gap innan den prövade det.")
        elif not relations and value is not None and value < 0:
            sentences.append(f"{how} inga mål, men {_less_text(value, objective)}.")
        elif not relations:
            sentences.append("Projektet ger mindre nytta än andra inom samma ekonomiska ramar.")
        return " ".join(sentences) + _cost_of_forcing(rec, start)
    sentences += _notes_text([str(n) for n in rec.get("notes") or []])
    return " ".join(sentences) + _cost_of_forcing(rec, start)


def _less_text(value: float | None, objective: float | None) -> str:
    """How much less a plan gives when ``value`` (points, below zero) is what a change costs it, as a share of
    the plan's benefit ``objective``; without the figures, that it gives less."""
    loss, base = (None if value is None else -value), _num(objective)
    if loss is None or loss < NEGLIGIBLE_POINTS or base is None or base <= 0:
        return "planen som helhet ger mindre nytta"
    return f"planens nytta blir upp till {_share_text(loss, base)} mindre"


@dataclass(frozen=True)
class ProjectReasons:
    """Every project's reason in one plan, as the web's plan page and the plan document both show it.

    ``chosen``: project id → why it is in the plan and why it starts when it does; ``postponed``: those of
    ``chosen`` that start later than they could; ``left_out``: project id → why it is not in the plan."""

    chosen: dict[str, str]
    left_out: dict[str, str]
    postponed: dict[str, str]


def project_reasons(data: MunicipalityData, result: OptimizationResult | None, schedule: Mapping[str, int],
                    names: Mapping[str, str], *, default_left_out: str = NOT_IN_GIVEN_PLAN) -> ProjectReasons:
    """The one place a project's reason is phrased, for the plan page and the plan document alike.

    With the optimiser's ``result``: a left-out or postponed project has the optimiser's own explanation
    (:func:`project_reason`: what forcing it in would break or cost); a project that can never start within the
    plan period, or that gives nothing under the council's weights, says so; any other left-out project is
    outranked by others within the same targets. A chosen project says whether it must be done, when it comes
    into use and how much maintenance debt it removes (price base year prices). Without a result (a plan chosen
    elsewhere) every left-out project gets ``default_left_out``.
    """
    pby = data.price_base_year
    projects = data.projects.set_index(data.projects["project_id"].astype(str))
    explanations: Mapping[str, Any] = result.explanations if result is not None else {}
    records = {str(r.get("project")): r for r in explanations.get("projects") or [] if isinstance(r, Mapping)}
    rows = result.schedule if result is not None else None
    info = (rows.set_index(rows["project"].astype(str)) if rows is not None and "project" in rows.columns
            else None)
    unschedulable = set(map(str, result.unschedulable)) if result is not None else set()
    weights = result.weights if result is not None else {}
    objective = _num(result.objective) if result is not None else None
    chosen: dict[str, str] = {}
    left_out: dict[str, str] = {}
    postponed: dict[str, str] = {}
    for pid, row in projects.iterrows():
        pid = str(pid)
        rec = records.get(pid)
        if pid in schedule:
            parts = []
            must = row.get("must_do")
            if must is not None and not pd.isna(must) and bool(must):
                parts.append("Måste genomföras (bundet i underlaget).")
            if rec is not None and rec.get("status") == "senarelagt":
                postponed[pid] = project_reason(rec, names, objective)
                parts.append(postponed[pid])
            facts = []
            if info is not None and pid in info.index:
                avoided = _num(info.loc[pid].get("maintenance_debt_avoided_kr"))
                if avoided is not None and avoided >= NOTEWORTHY_KR:
                    facts.append(f"minskar underhållsskulden med {fmt_mkr(avoided)} ({pby} års priser)")
                in_use = _num(info.loc[pid].get("in_use_year"))
                if in_use is not None:
                    facts.append(f"i bruk {int(in_use)}")
            if facts:
                text = "; ".join(facts)
                parts.append(text[:1].upper() + text[1:] + ".")
            chosen[pid] = " ".join(parts)
        elif result is None:
            left_out[pid] = default_left_out
        elif pid in unschedulable:
            left_out[pid] = "Kan inte starta inom planperioden med sina tidigaste och senaste startår."
        elif rec is not None:
            left_out[pid] = project_reason(rec, names, objective)
        elif isinstance(weights, Mapping) and weights and sum(
                float(w) * (_num(row.get(f"score_{c}")) or 0.0) for c, w in weights.items()) <= 0:
            left_out[pid] = "Valdes inte. Projektet ger ingen nytta med de valda kriterievikterna."
        else:
            left_out[pid] = "Valdes inte. Inom målen och taken ger andra projekt mer nytta för pengarna."
    return ProjectReasons(chosen=chosen, left_out=left_out, postponed=postponed)


def binding_sentences(binding: Mapping[Any, Sequence[str]], names: Mapping[str, str]) -> list[str]:
    """The targets and ceilings that bind the plan, by target with their years."""
    years_by_target: dict[str, list[int]] = {}
    for year, targets in binding.items():
        for t in targets:
            years_by_target.setdefault(str(t), []).append(int(year))
    if not years_by_target:
        return []
    parts = [f"{_name(names, t)} år {year_ranges(ys)}" for t, ys in sorted(years_by_target.items())]
    return ["Det som begränsar planen är de mål och tak som inte har något utrymme kvar (bindande): "
            + "; ".join(parts) + ". Fler eller tidigare projekt skulle bryta något av dem."]


def constraint_sentences(explanations: Mapping[str, Any], names: Mapping[str, str]) -> list[str]:
    """What the targets do to the plan: the targets it breaks when no plan meets them all
    (:func:`infeasibility_sentences`) and the targets that bind it (:func:`binding_sentences`)."""
    out: list[str] = []
    infeasible = explanations.get("infeasibility")
    if isinstance(infeasible, Mapping):
        out += infeasibility_sentences(infeasible, names)
    binding = explanations.get("binding_by_year")
    if isinstance(binding, Mapping):
        out += binding_sentences(binding, names)
    return out


def infeasibility_sentences(infeasibility: Mapping[str, Any], names: Mapping[str, str]) -> list[str]:
    """When no plan meets every target: the optimiser's message and the targets the plan breaks, by target
    with their years and the largest excess."""
    if infeasibility.get("feasible", True):
        return []
    out = [str(infeasibility["message"])] if infeasibility.get("message") else []
    violations = [v for v in infeasibility.get("violations") or [] if isinstance(v, Mapping)]
    if violations:
        out.append(f"Planen bryter: {breaks_text(violations, names)}.")
    return out


def _points(value: float) -> str:
    return fmt_number(value, POINT_DECIMALS)


def marginal_table(records: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> pd.DataFrame:
    """What one more Mkr of room (one more project for the ceiling on projects in parallel) in a binding target
    is worth in the plan's benefit, in the optimiser's points (criteria scores under the council's weights — not
    kronor): exactly with the plan's projects and start years held (``samma_projekt_poäng``: only the
    reinvestment and the financing move, :func:`hushall.optimize.explain.held_plan_gains`; none for the ceiling
    on projects in parallel), the LP estimate (``skuggpris_lp_poäng``) and, where the optimiser re-solved, the
    interval the true value lies in (``omräknat_lägst_poäng`` … ``omräknat_högst_poäng``; the plan and the
    re-solve are each proven only within their gap), with the projects the re-solved plan has more
    (``projekt_till``) and what the re-solve is (``omräkning``: ``exakt`` when both ends read the same,
    ``intervall``, ``ej omräknat``). Largest first."""
    out = []
    for r in records:
        low, high = _num(r.get("resolved_low_points")), _num(r.get("resolved_high_points"))
        kind = interval_kind(low, high, _points)
        added = _num(r.get("resolved_projects_added"))
        out.append({
            "mål_id": str(r.get("target", "")),
            "mål": _name(names, r),
            "år": int(r.get("year", 0)),
            "mer_utrymme": "+1 projekt" if str(r.get("unit", "kr")) == "projekt" else "+1 Mkr",
            "samma_projekt_poäng": _num(r.get("held_value_points")),
            "skuggpris_lp_poäng": _num(r.get("lp_value_points")),
            "omräknat_lägst_poäng": low,
            "omräknat_högst_poäng": None if low is None else high,
            "projekt_till": None if added is None or low is None else int(added),
            "omräkning": kind,
        })
    frame = pd.DataFrame(out, columns=MARGINAL_COLUMNS)
    # by what is known at least: a re-solve's low end, not its high end ("upp till" may be nothing)
    order = frame[["samma_projekt_poäng", "skuggpris_lp_poäng", "omräknat_lägst_poäng"]].astype(float).fillna(
        0.0).max(axis=1)
    return frame.loc[order.sort_values(ascending=False, kind="stable").index].reset_index(drop=True)


#: The columns of :func:`marginal_table`.
MARGINAL_COLUMNS = ("mål_id", "mål", "år", "mer_utrymme", "samma_projekt_poäng", "skuggpris_lp_poäng",
                    "omräknat_lägst_poäng", "omräknat_högst_poäng", "projekt_till", "omräkning")
#: Its columns of values (points): a row is worth showing when one of them is (the re-solve's high end: what it
#: may be worth).
MARGINAL_VALUE_COLUMNS = ("samma_projekt_poäng", "skuggpris_lp_poäng", "omräknat_högst_poäng")
#: The headers of :func:`marginal_rows`' cells (the document's and the web's table).
MARGINAL_HEADERS = ("Mål eller tak", "År", "Mer utrymme", "Samma projekt (exakt), poäng", "Skuggpris (LP), poäng",
                    "Omräknat, poäng")


def marginal_rows(table: pd.DataFrame, rows: int = MARGINAL_ROWS) -> list[list[str]]:
    """The first ``rows`` rows of :func:`marginal_table` as the document's cells (:data:`MARGINAL_HEADERS`;
    points; a re-solve as one value or as the interval it lies in, :func:`interval_text`)."""
    def value(v: Any) -> str:
        return "–" if _num(v) is None else _points(v)

    cells = []
    for r in table.head(rows).itertuples(index=False):
        again = interval_text(r.omräknat_lägst_poäng, r.omräknat_högst_poäng, _points, NEGLIGIBLE_POINTS) or "–"
        cells.append([r.mål, str(r.år), r.mer_utrymme, value(r.samma_projekt_poäng), value(r.skuggpris_lp_poäng),
                      again])
    return cells


def marginal_sentences(records: Sequence[Mapping[str, Any]], kr_per_point: float | None, shown: int) -> list[str]:
    """How to read :func:`marginal_table` (for officials: it names the LP relaxation and the re-solves)."""
    if not records:
        return []
    table = marginal_table(records, {})
    resolved = table[table["omräkning"] != "ej omräknat"]
    ranges = resolved[resolved["omräkning"] == "intervall"]
    text = ("Vad skulle planen vinna om ett bindande mål eller tak fick 1 Mkr mer utrymme (ett projekt till för "
            "taket på samtidiga projekt)? Svaret är planens nytta i poäng: projektens kriteriepoäng med rådets "
            "vikter, plus den underhållsskuld och de saknade platser de undviker. Poäng är inte kronor")
    if kr_per_point:
        text += (f"; en poäng kostar i snitt {fmt_mkr(kr_per_point, 1)} bland projekten, men det är ett snitt och "
                 "inget pris på nyttan")
    held = table["samma_projekt_poäng"].astype(float)
    if held.notna().any():
        text += (". Samma projekt betyder att projekten och startåren hålls som i planen och bara reinvesteringarna "
                 "och finansieringen får ändras; det värdet är exakt")
        if (held >= NEGLIGIBLE_POINTS).any():
            text += (", och där det är större än noll kan reinvesteringar göras tidigare, så att underhållsskulden "
                     "blir mindre")
    text += (". Skuggpriset kommer från LP-relaxationen, där projekt får delas; det är en uppskattning av vad "
             "utrymmet ger om också projekten planeras om, oftast för hög, eftersom hela projekt inte kan tas med "
             "för en enda miljon.")
    if len(resolved):
        text += (" Omräknat betyder att hela optimeringen gjordes om med den flyttade gränsen. Både planen och "
                 "omräkningen är bevisade bara inom sina gap, så svaret är ett intervall där det verkliga värdet "
                 "ligger; ett enda tal betyder att intervallets ändar är lika med tre decimaler.")
    if len(ranges):
        text += (f" {len(ranges)} av {len(resolved)} omräkningar ger ett intervall: skillnaden är mindre än vad "
                 "planens eget gap lämnar öppet, och \"upp till\" betyder att värdet kan vara noll.")
    if len(records) > shown:
        text += f" Tabellen visar de {shown} största av {len(records)}; alla finns i arbetsboken."
    return [text]


def _share_text(value: float, base: float | None) -> str:
    """A gain in points as a share of the plan's benefit ``base`` (points when there is none)."""
    if base is None or base <= 0:
        return f"{fmt_number(value, 2)} poäng"
    share = value / base
    return fmt_pct(share, 1 if share >= 0.01 else 2)


def marginal_highlights(table: pd.DataFrame, objective: float | None = None, most: int = 3) -> list[str]:
    """The largest values of :func:`marginal_table` in plain words, for a board member: one sentence per target
    (at its most valuable year, the other years where more room pays named after it), for the ``most`` most
    valuable targets. The gain is said as a share of the plan's benefit (``objective``, points) and, where the
    optimiser re-solved, with the projects the larger room makes space for; without a re-solve, the exact gain
    with the same projects where there is one (the reinvestment made earlier), else the LP estimate, said to be
    an estimate. No solver terms.

    Examples
    --------
    >>> t = marginal_table([{"target": "M6", "target_type": "investeringstak_kr", "year": 2030, "unit": "kr",
    ...                      "lp_value_points": 0.5, "resolved_low_points": 0.4, "resolved_high_points": 0.4,
    ...                      "resolved_projects_added": 1}], {"M6": "investeringstaket"})
    >>> marginal_highlights(t, objective=40.0)
    ['Med 1 Mkr mer utrymme i investeringstaket 2030 ryms 1 projekt till och planens nytta blir 1,0\xa0% större.']

    A re-solve whose interval reaches down to nothing says less than the estimate, which is then said instead:

    >>> t = marginal_table([{"target": "M6", "target_type": "investeringstak_kr", "year": 2030, "unit": "kr",
    ...                      "lp_value_points": 0.6, "resolved_low_points": 0.0, "resolved_high_points": 0.9,
    ...                      "resolved_projects_added": 0}], {"M6": "investeringstaket"})
    >>> marginal_highlights(t, objective=40.0)[0].endswith("ungefär 1,5\xa0% större (en uppskattning, oftast för hög).")
    True

    Without a re-solve, the exact gain with the plan's projects held comes before the estimate:

    >>> t = marginal_table([{"target": "M1", "target_type": "resultatmal_andel", "year": 2030, "unit": "kr",
    ...                      "lp_value_points": 0.0, "held_value_points": 0.04}], {"M1": "resultatmålet"})
    >>> marginal_highlights(t, objective=40.0)[0]
    'Med 1 Mkr mer utrymme i resultatmålet 2030 blir planens nytta 0,10\xa0% större redan med samma projekt, \
eftersom reinvesteringar kan göras tidigare och underhållsskulden blir mindre.'
    """
    by_target: dict[str, list[tuple[float, Any]]] = {}
    for r in table.itertuples(index=False):
        low = _num(r.omräknat_lägst_poäng)
        if low is not None and low < NEGLIGIBLE_POINTS and r.omräkning == "intervall":
            r = r._replace(omräkning="ej omräknat")  # the interval says less than the estimate
        value = low if r.omräkning != "ej omräknat" else _num(r.skuggpris_lp_poäng)
        held = _num(r.samma_projekt_poäng)
        if r.omräkning == "ej omräknat" and held is not None and held >= NEGLIGIBLE_POINTS:
            r, value = r._replace(omräkning="samma projekt"), held  # exact, where the estimate is only one
        if value is not None and value >= NEGLIGIBLE_POINTS:
            by_target.setdefault(str(r.mål_id), []).append((value, r))
    ranked = sorted(by_target.values(), key=lambda valued: -max(v for v, _ in valued))
    base = _num(objective)
    out = []
    for valued in ranked[:most]:
        valued.sort(key=lambda v: -v[0])
        value, r = valued[0]
        if base is not None and base > 0 and value / base < NOTEWORTHY_SHARE:
            continue
        room = "ett projekt till samtidigt" if r.mer_utrymme == "+1 projekt" else f"1 Mkr mer utrymme i {r.mål}"
        how = _share_text(value, base)
        if r.omräkning == "intervall":
            high = _num(r.omräknat_högst_poäng)
            how = (f"minst {how}" if high is None
                   else f"mellan {_share_text(value, base)} och {_share_text(high, base)}")
        elif r.omräkning == "ej omräknat":
            how = f"ungefär {how}"
        gain = f"blir planens nytta {how} större"
        if r.omräkning == "samma projekt":
            gain += (" redan med samma projekt, eftersom reinvesteringar kan göras tidigare och underhållsskulden "
                     "blir mindre")
        added = _num(getattr(r, "projekt_till", None))
        if r.omräkning in ("exakt", "intervall") and added is not None and added > 0:
            gain = f"ryms {fmt_number(added)} projekt till och planens nytta blir {how} större"
        if r.omräkning == "ej omräknat":
            gain += " (en uppskattning, oftast för hög)"
        others = [int(o.år) for _, o in valued[1:]]
        also = f"; mer utrymme lönar sig också {year_ranges(others)}" if others else ""
        out.append(f"Med {room} {int(r.år)} {gain}{also}.")
    return out


def ranking_comparison(result: OptimizationResult, schedule_size: int, ranking: Mapping[str, Any],
                       names: Mapping[str, str]) -> pd.DataFrame:
    """The optimised plan against the benefit/cost ranking list as municipalities use it (the financial targets
    not looked at) and the same list funded only as far as every target still holds (``ranking``: the
    result's ``ranking``)."""
    def broken(violations: Any) -> str:
        records = list(violations or [])
        return breaks_text(records, names) if records else "inga"

    objective = _num(result.objective)

    def row(label: str, n: Any, value: Any, meets: bool, violations: Any) -> dict[str, Any]:
        v = _num(value)
        return {"plan": label, "antal_projekt": None if n is None else int(n), "värde_poäng": v,
                "uppfyller_alla_mål": meets, "mål_som_bryts": broken(violations),
                "skillnad_mot_optimerad": None if v is None or not objective else (v - objective) / abs(objective)}

    own = list(result.violations)
    rows = [row("Optimerad plan", schedule_size, objective, not own, own)]
    rank_schedule = ranking.get("schedule")
    rows.append(row("Rangordning efter nytta per krona", ranking.get(
        "n_projects", len(rank_schedule) if rank_schedule is not None else None), ranking.get("objective"),
        bool(ranking.get("meets_targets", False)), ranking.get("violations")))
    within = ranking.get("within_targets")
    if isinstance(within, Mapping) and within:
        rows.append(row("Rangordning så långt alla mål håller", within.get("n_projects"), within.get("objective"),
                        bool(within.get("meets_targets", False)), within.get("violations")))
    out = pd.DataFrame(rows, columns=["plan", "antal_projekt", "värde_poäng", "uppfyller_alla_mål",
                                      "mål_som_bryts", "skillnad_mot_optimerad"])
    out.attrs["keeps_policy_renewal"] = bool(ranking.get("keeps_policy_renewal", False))
    return out


def comparison_sentences(comparison: pd.DataFrame) -> list[str]:
    """How to read :func:`ranking_comparison`, and what it shows: how much less (or more) each ranking list
    gives than the optimised plan, and which targets it breaks."""
    text = ("Jämförelse med hur många kommuner prioriterar i dag: projekten i ordning efter viktad poäng per krona, "
            "de nödvändiga först, vart och ett vid första år då investeringstaket (och taket för samtidiga projekt) "
            "räcker; de finansiella målen prövas inte.")
    if len(comparison) > 2:
        text += (" Den tredje raden är samma lista men ett projekt tas bara med så länge alla mål fortfarande "
                 "håller (högst tre års väntan).")
    if comparison.attrs.get("keeps_policy_renewal"):
        text += (" Rangordningarna behåller dagens reinvestering (kommunens reinvesteringspolicy i Antaganden) och "
                 "finansierar projekten med det som blir över; den optimerade planen bestämmer reinvesteringen "
                 "själv, bredvid projekten.")
    out = [text]
    for r in comparison.iloc[1:].itertuples(index=False):
        diff = _num(r.skillnad_mot_optimerad)
        if diff is None:
            continue
        if abs(diff) < 0.0005:
            sentence = f"{r.plan} ger lika stor nytta som den optimerade planen"
        else:
            sentence = (f"{r.plan} ger {fmt_pct(abs(diff), 1)} {'mindre' if diff < 0 else 'mer'} nytta än den "
                        "optimerade planen")
        broken = str(r.mål_som_bryts)
        out.append(sentence + (f" och bryter {broken}." if not r.uppfyller_alla_mål and broken != "inga" else "."))
    return out


__all__ = [
    "GAP_LABEL",
    "MARGINAL_ROWS",
    "NEGLIGIBLE_KR",
    "NEGLIGIBLE_POINTS",
    "NOTEWORTHY_KR",
    "NOTEWORTHY_SHARE",
    "NOT_IN_GIVEN_PLAN",
    "NOT_KEPT_REASON",
    "OPTIMISED_METHOD",
    "OPTIMISED_METHOD_PLAIN",
    "PLAIN_STATUS",
    "TARGET_WORDS",
    "ProjectReasons",
    "binding_sentences",
    "breaks_text",
    "comparison_sentences",
    "constraint_sentences",
    "infeasibility_sentences",
    "join_sv",
    "marginal_highlights",
    "marginal_rows",
    "marginal_sentences",
    "marginal_table",
    "project_reason",
    "project_reasons",
    "ranking_comparison",
    "short_target_names",
    "target_name",
    "target_names",
    "year_ranges",
]
