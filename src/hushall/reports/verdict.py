"""The verdict of :mod:`hushall.finance.verdict` in Swedish: one sentence with all three parts, and the details.

Every place that says whether a plan is sound (the terminal summaries, the plan document, the web) prints
:func:`verdict_sentence`, so no place can say "ja" about the targets while keeping quiet about the maintenance debt
or the risk: the sentence always carries the targets, the assets and the risk, and it calls the plan god ekonomisk
hushållning only when all three hold.

Examples
--------
>>> from hushall.finance.verdict import AssetOutcome, TargetOutcome, Verdict, with_risk
>>> t = (TargetOutcome("M1", "resultat_andel", (2025, 2026), (), 1e6),)
>>> a = AssetOutcome(2024, 2026, 2024, "ram", 100e6, 150e6, 150e6, 2026, 80e6, 160e6)
>>> from hushall.formatting import NBSP
>>> v = with_risk(Verdict(2025, 2026, t, a), 0.9, 1000)
>>> print(verdict_sentence(v).replace(NBSP, " "))  # doctest: +NORMALIZE_WHITESPACE
Delvis, god ekonomisk hushållning enligt de finansiella målen men inte för tillgångarna: det finansiella målet
uppfylls varje år 2025–2026, men underhållsskulden växer från 100,0 Mkr (2024) till 150,0 Mkr (2026) i 2024 års
priser – reinvesteringarna är 50,0 % av förnyelsebehovet; alla mål håller varje år i 90,0 % av 1 000 möjliga
framtider.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np

from hushall.finance.targets import TOLERANCE_KR
from hushall.finance.verdict import (
    BUDGET_BALANCE_LAW,
    DEBT_GROWTH_TOLERANCE,
    LOW_PROBABILITY,
    AssetOutcome,
    Deficit,
    RiskOutcome,
    Verdict,
)
from hushall.formatting import fmt_mkr, fmt_number, fmt_pct
from hushall.needs.reinvestment import POLICIES
from hushall.reports.plan_reasons import year_ranges

#: Heading used wherever the verdict is shown.
VERDICT_TITLE = "Håller god ekonomisk hushållning?"


def _targets_clause(v: Verdict) -> str:
    n = len(v.targets)
    if not n:
        return "fliken Mål har inga finansiella mål att pröva planen mot"
    if v.targets_hold:
        which = f"alla {n} finansiella mål" if n > 1 else "det finansiella målet"
        return f"{which} uppfylls varje år {v.first_year}–{v.last_year}"
    failed = v.failed_targets
    return (f"{len(failed)} av {n} finansiella mål uppfylls inte varje år {v.first_year}–{v.last_year} "
            f"(första gången {v.first_failed_year})")


def _balance_clause(v: Verdict) -> str:
    """The budgeted deficits in a clause ("" when every year's budget balances)."""
    if v.budget_balances:
        return ""
    worst = min(v.deficits, key=lambda d: d.balanskravsresultat_kr)
    one = len(v.deficits) == 1  # the year is said once: in the list of years
    low, when = ("", "") if one else ("som lägst ", f"{worst.year}; ")
    return (f"budgeten går med underskott {year_ranges([d.year for d in v.deficits])}: balanskravsresultatet är "
            f"{low}{fmt_mkr(worst.balanskravsresultat_kr)} ({when}löpande priser), och {BUDGET_BALANCE_LAW} kräver "
            "en budget i balans utom vid synnerliga skäl")


def deficit_details(v: Verdict) -> list[str]:
    """One line per budgeted deficit: the year, the balanskravsresultat, the write-offs in it, and the law.

    >>> from hushall.finance.verdict import Deficit
    >>> from hushall.formatting import NBSP
    >>> v = Verdict(2025, 2027, (), None, deficits=(Deficit(2026, -22.4e6, 30.0e6),))
    >>> print(deficit_details(v)[0].replace(NBSP, " "))  # doctest: +NORMALIZE_WHITESPACE
    Budgetunderskott 2026: balanskravsresultat −22,4 Mkr (löpande priser), varav realisationsförluster och
    utrangeringar −30,0 Mkr. Budgeten ska ha intäkter som överstiger kostnaderna (kommunallagen 11 kap. 5 §);
    fullmäktige kan besluta om undantag bara vid synnerliga skäl, och ett negativt balanskravsresultat ska
    återställas inom tre år (12 §).
    """
    def one(d: Deficit) -> str:
        losses = (f", varav realisationsförluster och utrangeringar {fmt_mkr(-d.realisation_losses_kr)}"
                  if d.realisation_losses_kr > TOLERANCE_KR else "")
        return f"{d.year}: balanskravsresultat {fmt_mkr(d.balanskravsresultat_kr)} (löpande priser){losses}"

    if v.budget_balances:
        return []
    return [f"Budgetunderskott {'; '.join(one(d) for d in v.deficits)}. Budgeten ska ha intäkter som överstiger "
            f"kostnaderna ({BUDGET_BALANCE_LAW}); fullmäktige kan besluta om undantag bara vid synnerliga skäl, "
            "och ett negativt balanskravsresultat ska återställas inom tre år (12 §)."]


def _share_text(a: AssetOutcome) -> str:
    share = a.share_of_need
    if share is None:
        return "inget förnyelsebehov under planperioden"
    return f"reinvesteringarna är {fmt_pct(share)} av förnyelsebehovet"


def _assets_clause(v: Verdict) -> str:
    a = v.assets
    if a is None:
        return "underhållsskulden kan inte bedömas (inga komponenter att förnya i data)"
    peak = (f", som mest {fmt_mkr(a.debt_peak_kr)} ({a.peak_year})" if a.peaks_above_both_ends else "")
    prices = f"{a.price_base_year} års priser"
    if a.grows:
        return (f"underhållsskulden växer från {fmt_mkr(a.debt_base_kr)} ({a.base_year}) till "
                f"{fmt_mkr(a.debt_last_kr)} ({a.last_year}){peak} i {prices} – {_share_text(a)}")
    if a.years_above_base:  # held at the end, but not on the way: say how long it stands above
        n_years = a.last_year - a.base_year
        return (f"underhållsskulden växer inte till planens slut: {fmt_mkr(a.debt_base_kr)} ({a.base_year}), "
                f"{fmt_mkr(a.debt_last_kr)} ({a.last_year}), men ligger över {a.base_year} års nivå "
                f"{len(a.years_above_base)} av {n_years} år{peak} i {prices} – {_share_text(a)}")
    return (f"underhållsskulden växer inte: {fmt_mkr(a.debt_base_kr)} ({a.base_year}), {fmt_mkr(a.debt_last_kr)} "
            f"({a.last_year}){peak} i {prices} – {_share_text(a)}")


def _risk_clause(r: RiskOutcome | None) -> str:
    if r is None:
        return "sannolikheten att målen håller i osäkra framtider är inte prövad (Monte Carlo)"
    futures = f"{fmt_number(r.n_draws)} möjliga framtider"
    if r.low:
        return f"alla mål håller varje år bara i {fmt_pct(r.probability)} av {futures}"
    return f"alla mål håller varje år i {fmt_pct(r.probability)} av {futures}"


def verdict_sentence(v: Verdict) -> str:
    """The verdict in one Swedish sentence: an answer (Ja, Ja i prognosen, Delvis, Nej) and all three parts.

    The sentence calls the plan god ekonomisk hushållning without reservation only when :attr:`Verdict.sound`;
    otherwise the same sentence says which part does not hold.
    """
    targets, assets, risk = _targets_clause(v), _assets_clause(v), _risk_clause(v.risk)
    balance = _balance_clause(v)
    if not v.targets_hold:
        return f"Nej, inte god ekonomisk hushållning: {targets}; {balance + '; ' if balance else ''}{assets}; {risk}."
    if v.sound:
        return f"Ja, god ekonomisk hushållning i alla tre delarna: {targets}, {assets}, och {risk}."
    if v.budget_balances and v.assets_hold is not False and v.risk is None:
        return f"Ja i prognosen utan osäkerhet: {targets} och {assets}; men {risk}."
    weak = []
    if not v.budget_balances:
        weak.append("med en budget i balans varje år")
    if v.assets_hold is False:
        weak.append("för tillgångarna")
    if v.risk_holds is False:
        weak.append(f"med marginal för osäkerheten (under {fmt_pct(LOW_PROBABILITY, 0)} sannolikhet)")
    if balance:
        body = f"{targets}, men {balance}; {assets}; {risk}"
    elif v.assets_hold is False:
        body = f"{targets}, men {assets}; {risk}"
    else:
        body = f"{targets} och {assets}, men {risk}"
    return (f"Delvis, god ekonomisk hushållning enligt de finansiella målen men inte {' och inte '.join(weak)}: "
            f"{body}.")


def reinvestment_text(policy: str, short: bool = False) -> str:
    """Which reinvestment a forecast or a Monte Carlo analysis ran under, in Swedish: ``"plan"`` — the
    optimiser's decisions (:class:`hushall.needs.reinvestment.RenewalPlan`) — or a policy code of
    :data:`hushall.needs.reinvestment.POLICIES` (the data's); ``short`` for a summary line.

    >>> reinvestment_text("ram"), reinvestment_text("plan", short=True)
    ('underlagets reinvesteringspolicy, dagens reinvesteringsram', 'optimeringens beslut (förnya, skjuta upp eller avveckla)')
    """
    from hushall.study.study import RENEWAL_DECIDED  # on call: the study imports the optimiser

    if policy in ("plan", RENEWAL_DECIDED):
        return ("optimeringens beslut (förnya, skjuta upp eller avveckla)" if short else
                "optimeringens reinvesteringsbeslut: förnya, skjuta upp eller avveckla per anläggningsgrupp och år")
    label = POLICIES.get(policy, policy)
    return label if short else f"underlagets reinvesteringspolicy, {label}"


def verdict_details(v: Verdict, names: Mapping[str, str] | None = None, *,
                    with_reinvestment: bool = True) -> list[str]:
    """The lines under the sentence: each failing target with its years, and (``with_reinvestment``) the
    reinvestment over the plan against the need, with the policy."""
    names = names or {}
    lines = deficit_details(v)
    for t in v.failed_targets:
        label = names.get(t.target_id, t.target_id)
        lines.append(f"{label[:1].upper()}{label[1:]}: uppfylls inte {len(t.failed_years)} av {len(t.years)} år "
                     f"({year_ranges(t.failed_years)}).")
    a = v.assets
    if a is not None and with_reinvestment:
        taken = taken_over_text(a)
        lines.append(f"Reinvesteringar {v.first_year}–{v.last_year}: {fmt_mkr(a.reinvestment_kr)} mot "
                     f"{need_text(a)} ({a.price_base_year} års priser).{' ' + taken if taken else ''} "
                     f"Reinvestering: {reinvestment_text(a.policy)}.{' ' + LESS_THAN_NEED if _below_need(a) else ''}")
    return lines


#: Why a plan can renew less than its need without a growing debt (said when it does).
LESS_THAN_NEED = ("Mindre än behovet utan att skulden växer: det som skjuts upp förnyas senare och faller då inte "
                  "till förnyelse igen inom planperioden, eller förnyas aldrig när anläggningen avvecklas.")


def _below_need(a: AssetOutcome) -> bool:
    """The reinvestment is clearly below the plan's need while the debt does not grow (:data:`LESS_THAN_NEED`)."""
    share = a.share_of_need
    return share is not None and share < 1.0 - DEBT_GROWTH_TOLERANCE and not a.grows


def need_text(a: AssetOutcome) -> str:
    """The renewal need the share is taken of: the plan's own when its projects take over some of the need
    without the plan (:attr:`hushall.finance.verdict.AssetOutcome.need_taken_over_kr`; :func:`taken_over_text`).

    >>> from hushall.finance.verdict import AssetOutcome
    >>> from hushall.formatting import NBSP
    >>> a = AssetOutcome(2024, 2054, 2024, "ram", 0.0, 0.0, 0.0, 2054, 80e6, 100e6, 130e6)
    >>> need_text(a).replace(NBSP, " ")
    'planens förnyelsebehov på 100,0 Mkr'
    >>> taken_over_text(a).replace(NBSP, " ")
    'Utan planen är förnyelsebehovet 130,0 Mkr: 30,0 Mkr behöver inte förnyas när planens projekt avvecklar, ersätter eller bygger om anläggningarna.'
    """
    if not taken_over_text(a):
        return f"ett förnyelsebehov på {fmt_mkr(a.renewal_need_kr)}"
    return f"planens förnyelsebehov på {fmt_mkr(a.renewal_need_kr)}"


def taken_over_text(a: AssetOutcome) -> str:
    """How much of the renewal need without the plan its projects take over, as a sentence ("" when none)."""
    taken = a.need_taken_over_kr
    if not np.isfinite(taken) or taken <= TOLERANCE_KR:
        return ""
    return (f"Utan planen är förnyelsebehovet {fmt_mkr(a.need_without_plan_kr)}: {fmt_mkr(taken)} behöver inte "
            "förnyas när planens projekt avvecklar, ersätter eller bygger om anläggningarna.")


def verdict_lines(v: Verdict, names: Mapping[str, str] | None = None, *,
                  with_reinvestment: bool = True) -> list[str]:
    """The sentence and its details, for a terminal or a bullet list."""
    return [verdict_sentence(v), *verdict_details(v, names, with_reinvestment=with_reinvestment)]


def verdict_block(v: Verdict, names: Mapping[str, str] | None = None, *, title: str = VERDICT_TITLE,
                  width: int = 110) -> list[str]:
    """The verdict as terminal lines: the title, the sentence wrapped at ``width``, the details indented."""
    out = [title]
    for i, text in enumerate(verdict_lines(v, names)):
        first, rest = ("", "") if i == 0 else ("  ", "    ")
        out += textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest)
    return out


__all__ = ["BUDGET_BALANCE_LAW", "VERDICT_TITLE", "deficit_details", "need_text", "reinvestment_text", "taken_over_text", "verdict_block", "verdict_details", "verdict_lines", "verdict_sentence"]
