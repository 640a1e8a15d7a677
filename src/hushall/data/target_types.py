r"""The target types of sheet ``Mål``: one entry each, read by every stage.

A :class:`TargetType` says everything a stage needs to know about a type, so that no stage decides it again with
an ``if``/``elif`` on the type's name:

* its **sense** — the measure must stay at or above the limit (:attr:`Sense.MIN`, e.g. soliditet) or at or below
  it (:attr:`Sense.MAX`, e.g. the investment ceiling);
* its **unit** and how a person reads a limit (**display scale** and unit: ``0.6`` → 60 %, ``1.2e8`` kr →
  120 Mkr), and its name, long and short labels in **Swedish and English**;
* whether it is a **flow or a stock** — over a window of ``period_år`` n years a flow is summed and a stock
  averaged — and whether the **window** applies at all;
* for a ratio target, its **measure**: numerator and denominator as sums of lines of the financial statements
  (:class:`hushall.finance.model.Statements`), so that the evaluation, the Monte Carlo and robust planning all
  compute it from this one definition.

With the rolling sums :math:`N_W = \sum_W \text{num}` and :math:`D_W = \sum_W \text{den}` over the last n plan
years (:math:`D_W` = the number of years in the window when there is no denominator) the value is
:math:`N_W / D_W` and the margin in kr (≥ 0 when the target holds) is

.. math::

    \text{margin} = s\,(N_W - x D_W) / c, \qquad s = +1 \text{ (MIN)}, -1 \text{ (MAX)}, \qquad
    c = 1 \text{ (flow)}, \; \text{years in the window (stock)}

— linear in the statements, which is what the optimiser needs. Types with their own rule
(:attr:`Aggregation.RULE`: balanskrav, projects at once) and the criteria weights are evaluated where their rule
lives (:mod:`hushall.finance.targets`, :mod:`hushall.optimize`).

Adding a target type is one entry in :data:`TARGET_TYPES`; a ratio of statement lines then is evaluated,
simulated, tightened by robust planning, validated, labelled and offered in the web without further code (the
optimiser holds it once its formulation exists in :mod:`hushall.optimize.finance_link`). A type with its own
rule also needs its rule in :data:`hushall.finance.targets.RULES`.

References
----------
Kommunallagen (2017:725) 11 kap. 1 § (finansiella mål för god ekonomisk hushållning), 12 § (balanskravet).

Examples
--------
>>> t = TARGET_TYPES["investeringstak_kr"]
>>> str(t.sense), str(t.aggregation), t.limit_text(1.2e8), t.limit_text(1.2e8, lang="en")
('max', 'flow', '120,0\xa0Mkr', '120.0\xa0MSEK')
>>> target_type("soliditet").describe(0.3, 4)
'Soliditet minst 30,0\xa0% (rullande 4 år)'
>>> target_type("soliditet").describe(0.3, 4, lang="en")
'Equity ratio at least 30.0\xa0% (rolling 4 years)'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hushall.formatting import NBSP, fmt_number

#: A criterion's weight (the objective) and the investment frame (the yearly ceiling on investment): the rows of Mål
#: a person changes most (Prioritera, :mod:`hushall.optimize.interactive`; the axis of :mod:`hushall.study.frontier`).
WEIGHT_TYPE = "kriterievikt"
FRAME_TYPE = "investeringstak_kr"


class Sense(StrEnum):
    """Which side of its limit a target's measure must stay on."""

    MIN = "min"  # measure ≥ limit
    MAX = "max"  # measure ≤ limit
    NONE = "none"  # not a bound (a weight)


class Aggregation(StrEnum):
    """How a measure is taken over a window of ``period_år`` years."""

    FLOW = "flow"  # summed: the margin of the window is the sum of the years' margins
    STOCK = "stock"  # averaged: the margin is the mean over the window
    RULE = "rule"  # a rule of its own (balanskrav, projects at once): no window
    NONE = "none"  # a weight, not evaluated


#: Terms of a measure: statement line → coefficient.
Terms = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class TargetType:
    """One target type of sheet Mål (see the module docstring)."""

    key: str
    sense: Sense
    aggregation: Aggregation
    #: What a limit is: ``share`` (0.6 = 60 %), ``kr``, ``kr_per_inhabitant``, ``count`` or ``weight``.
    unit: str
    #: The measure's name (web forms and tables).
    name: Mapping[str, str]
    #: The target as a council says it (``"soliditetsmålet"``); empty: its short label says it.
    words: Mapping[str, str]
    #: A sentence with ``{limit}`` (the plan document, the optimiser's rows).
    long: Mapping[str, str]
    #: A few words with ``{limit}`` (chart labels, the reasons' texts).
    short: Mapping[str, str]
    #: A limit as shown: ``limit × display_scale`` with ``decimals`` (``short_decimals`` in short labels) and
    #: ``display_unit`` after it.
    display_scale: float = 1.0
    display_unit: Mapping[str, str] = field(default_factory=lambda: {"sv": "", "en": ""})
    decimals: int = 0
    short_decimals: int = 0
    #: The measure of a ratio target (statement lines); ``denominator`` empty = the number of years.
    numerator: Terms = ()
    denominator: Terms = ()
    #: Evaluated on the statements (every type but the criteria weights).
    evaluated: bool = True
    #: A ceiling on the plan's own projects, held by the optimiser as a constraint on the plan's columns
    #: (``False``: restated through the financial model).
    plan_ceiling: bool = False
    #: Validation: a limit above ``limit_max`` is an error (a share of the balance sheet above 100 %), above
    #: ``plausible_max`` a warning; a positive amount below ``smallest_plausible[0]`` kr was probably given in
    #: ``smallest_plausible[2]`` (× ``smallest_plausible[1]``); ``minimum`` is the smallest allowed limit.
    limit_max: float | None = None
    plausible_max: float | None = None
    smallest_plausible: tuple[float, float, str] | None = None
    minimum: float | None = None
    #: Whether the council sets a limit (``False`` for balanskrav, whose rule is the law's).
    has_limit: bool = True

    @property
    def windowed(self) -> bool:
        """Whether ``period_år`` applies (flows and stocks)."""
        return self.aggregation in (Aggregation.FLOW, Aggregation.STOCK)

    @property
    def lower_bound(self) -> bool:
        return self.sense is Sense.MIN

    @property
    def fixed_prices(self) -> bool:
        """Whether a limit in kr is in the price base year's prices (its measure is a ``*_fasta_priser`` line):
        its name then says so, beside statements in current prices."""
        return self.unit == "kr" and any(line.endswith("_fasta_priser") for line, _ in self.numerator)

    def limit_text(self, limit: float, lang: str = "sv", decimals: int | None = None) -> str:
        """A limit as a person reads it (``0.6`` → ``60,0 %``)."""
        d = self.decimals if decimals is None else decimals
        unit = self.display_unit[lang]
        number = fmt_number(float(limit) * self.display_scale, d, lang)
        return f"{number}{NBSP}{unit}" if unit else number

    def input_unit(self, lang: str = "sv") -> str:
        """The unit a person types a limit in (``%``, ``Mkr``, ``kr``, ``st``)."""
        return self.display_unit[lang] or ({"sv": "st", "en": "pcs"}[lang] if self.unit == "count" else "")

    def to_display(self, limit: float | None) -> float | None:
        """A limit in the unit a person types it in (``0.6`` → 60 for per cent)."""
        return None if limit is None else float(limit) * self.display_scale

    def from_display(self, shown: float) -> float:
        """What a person typed (``60`` per cent) as a limit (``0.6``)."""
        return float(shown) / self.display_scale

    def describe(self, limit: float, period: Any = 1, lang: str = "sv") -> str:
        """The target in a sentence (the plan document, the optimiser's rows).

        Examples
        --------
        >>> target_type("resultat_andel").describe(0.01)
        'Resultat minst 1,0\xa0% av skatter och bidrag'
        """
        text = self.long[lang].format(limit=self.limit_text(limit, lang))
        n = window(period)
        if n > 1 and self.windowed:
            text += f" (rullande {n} år)" if lang == "sv" else f" (rolling {n} years)"
        return text

    def short_label(self, limit: float, period: Any = 1, lang: str = "sv") -> str:
        """The target in a few words (charts, the reasons' texts).

        Examples
        --------
        >>> target_type("självfinansieringsgrad").short_label(0.6, 5)
        'Självfinansiering ≥ 60\xa0% (5 år)'
        """
        text = self.short[lang].format(limit=self.limit_text(limit, lang, self.short_decimals))
        n = window(period)
        if n > 1 and self.windowed:
            text += f" ({n} år)" if lang == "sv" else f" ({n} years)"
        return text


def window(period: Any) -> int:
    """The number of years of a ``period_år`` cell (empty = 1).

    Examples
    --------
    >>> window(None), window(float("nan")), window(3), window(0)
    (1, 1, 3, 1)
    """
    if period is None:
        return 1
    try:
        x = float(period)
    except (TypeError, ValueError):
        return 1
    return 1 if math.isnan(x) else max(1, int(x))


def _sv_en(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


_PCT = _sv_en("%", "%")

#: Every target type of sheet Mål, by the name written in its column ``typ``.
TARGET_TYPES: dict[str, TargetType] = {t.key: t for t in (
    TargetType(
        "resultat_andel", Sense.MIN, Aggregation.FLOW, "share",
        name=_sv_en("Årets resultat, andel av skatter och generella statsbidrag",
                    "Result for the year, share of taxes and general grants"),
        words=_sv_en("resultatmålet", "the result target"),
        long=_sv_en("Resultat minst {limit} av skatter och bidrag", "Result at least {limit} of taxes and grants"),
        short=_sv_en("Resultat ≥ {limit}", "Result ≥ {limit}"),
        display_scale=100.0, display_unit=_PCT, decimals=1, short_decimals=1,
        numerator=(("årets_resultat", 1.0),), denominator=(("skatter_och_generella_statsbidrag", 1.0),),
        limit_max=1.0, plausible_max=0.1),
    TargetType(
        "självfinansieringsgrad", Sense.MIN, Aggregation.FLOW, "share",
        name=_sv_en("Självfinansieringsgrad av investeringarna", "Self-financing ratio of investments"),
        words=_sv_en("målet för självfinansieringsgrad", "the self-financing target"),
        long=_sv_en("Självfinansieringsgrad minst {limit}", "Self-financing ratio at least {limit}"),
        short=_sv_en("Självfinansiering ≥ {limit}", "Self-financing ≥ {limit}"),
        display_scale=100.0, display_unit=_PCT, decimals=1, short_decimals=0,
        # (ÅR + avskrivningar) / nettoinvesteringar; avskrivningar are negative in the statements
        numerator=(("årets_resultat", 1.0), ("avskrivningar", -1.0)), denominator=(("nettoinvesteringar", 1.0),),
        plausible_max=3.0),
    TargetType(
        "låneskuld_per_invånare", Sense.MAX, Aggregation.STOCK, "kr_per_inhabitant",
        name=_sv_en("Låneskuld per invånare", "Debt per inhabitant"),
        words=_sv_en("taket för låneskuld per invånare", "the ceiling on debt per inhabitant"),
        long=_sv_en("Låneskuld högst {limit} per invånare", "Debt at most {limit} per inhabitant"),
        short=_sv_en("Låneskuld ≤ {limit}/inv.", "Debt ≤ {limit}/inh."),
        display_unit=_sv_en("kr", "SEK"),
        numerator=(("långfristiga_skulder", 1.0),), denominator=(("invånare", 1.0),),
        smallest_plausible=(1e3, 1e3, "tusen kr"), minimum=0.0),
    TargetType(
        "soliditet", Sense.MIN, Aggregation.STOCK, "share",
        name=_sv_en("Soliditet", "Equity ratio"),
        words=_sv_en("soliditetsmålet", "the equity ratio target"),
        long=_sv_en("Soliditet minst {limit}", "Equity ratio at least {limit}"),
        short=_sv_en("Soliditet ≥ {limit}", "Equity ratio ≥ {limit}"),
        display_scale=100.0, display_unit=_PCT, decimals=1, short_decimals=1,
        numerator=(("eget_kapital", 1.0),), denominator=(("summa_tillgångar", 1.0),), limit_max=1.0),
    TargetType(
        "soliditet_inkl_pensioner", Sense.MIN, Aggregation.STOCK, "share",
        name=_sv_en("Soliditet inklusive pensionsförpliktelser", "Equity ratio including pension obligations"),
        words=_sv_en("soliditetsmålet inklusive pensionsförpliktelser",
                     "the equity ratio target including pension obligations"),
        long=_sv_en("Soliditet inkl. pensionsförpliktelser minst {limit}",
                    "Equity ratio incl. pension obligations at least {limit}"),
        short=_sv_en("Soliditet inkl. pensioner ≥ {limit}", "Equity ratio incl. pensions ≥ {limit}"),
        display_scale=100.0, display_unit=_PCT, decimals=1, short_decimals=1,
        numerator=(("eget_kapital", 1.0), ("ansvarsförbindelse_pensioner", -1.0)),
        denominator=(("summa_tillgångar", 1.0),), limit_max=1.0),
    TargetType(
        "balanskrav", Sense.MIN, Aggregation.RULE, "kr",
        name=_sv_en("Balanskravsresultat (återställs inom tre år)",
                    "Balance requirement result (restored within three years)"),
        words=_sv_en("balanskravet", "the balance requirement"),
        long=_sv_en("Balanskravet: underskott återställs inom tre år",
                    "The balance requirement: deficits restored within three years"),
        short=_sv_en("Balanskravet", "The balance requirement"),
        display_scale=1e-6, display_unit=_sv_en("Mkr", "MSEK"), decimals=1, has_limit=False),
    TargetType(
        "investeringstak_kr", Sense.MAX, Aggregation.FLOW, "kr",
        name=_sv_en("Investeringstak per år", "Investment ceiling per year"),
        words=_sv_en("investeringstaket", "the investment ceiling"),
        long=_sv_en("Investeringar högst {limit} per år (fasta priser)",
                    "Investment at most {limit} a year (fixed prices)"),
        short=_sv_en("Investeringar ≤ {limit}/år", "Investment ≤ {limit}/year"),
        display_scale=1e-6, display_unit=_sv_en("Mkr", "MSEK"), decimals=1, short_decimals=0,
        # the mean investment in price-base-year prices over the window against the ceiling
        numerator=(("investeringar_fasta_priser", 1.0),), plan_ceiling=True,
        smallest_plausible=(1e5, 1e6, "Mkr"), minimum=0.0),
    TargetType(
        "max_parallella_projekt", Sense.MAX, Aggregation.RULE, "count",
        name=_sv_en("Projekt under byggnad samtidigt", "Projects under construction at once"),
        words=_sv_en("taket för antal projekt samtidigt", "the ceiling on projects at once"),
        long=_sv_en("Högst {limit} projekt under byggnad samtidigt", "At most {limit} projects under construction at once"),
        short=_sv_en("≤ {limit} projekt samtidigt", "≤ {limit} projects at once"),
        plan_ceiling=True, minimum=1.0),
    TargetType(
        "underhållsskuld_kr", Sense.MAX, Aggregation.STOCK, "kr",
        name=_sv_en("Underhållsskuld, prisbasårets priser", "Maintenance debt, base-year prices"),
        words=_sv_en("taket för underhållsskulden", "the ceiling on the maintenance debt"),
        long=_sv_en("Underhållsskuld högst {limit} (fasta priser)", "Maintenance debt at most {limit} (fixed prices)"),
        short=_sv_en("Underhållsskuld ≤ {limit}", "Maintenance debt ≤ {limit}"),
        display_scale=1e-6, display_unit=_sv_en("Mkr", "MSEK"), decimals=1, short_decimals=0,
        numerator=(("underhållsskuld_fasta_priser", 1.0),), smallest_plausible=(1e5, 1e6, "Mkr"), minimum=0.0),
    TargetType(
        # its own rule (the base year's debt U_0 is not a statement line): growth mean_W U / U_0 − 1 ≤ x
        "underhållsskuld_växer_inte", Sense.MAX, Aggregation.RULE, "share",
        name=_sv_en("Underhållsskuldens tillväxt sedan basåret", "Growth of the maintenance debt since the base year"),
        words=_sv_en("målet att underhållsskulden inte ska växa", "the target that the maintenance debt must not grow"),
        long=_sv_en("Underhållsskulden växer högst {limit} från basåret",
                    "The maintenance debt grows at most {limit} from the base year"),
        short=_sv_en("Underhållsskuld växer ≤ {limit}", "Maintenance debt growth ≤ {limit}"),
        display_scale=100.0, display_unit=_PCT, decimals=1, short_decimals=0, plausible_max=1.0, minimum=-1.0),
    TargetType(
        "reinvestering_andel_av_behov", Sense.MIN, Aggregation.FLOW, "share",
        name=_sv_en("Reinvesteringar i förhållande till förnyelsebehovet", "Reinvestment relative to the renewal need"),
        words=_sv_en("målet för reinvesteringar mot förnyelsebehovet", "the reinvestment-to-need target"),
        long=_sv_en("Reinvesteringar minst {limit} av förnyelsebehovet", "Reinvestment at least {limit} of the renewal need"),
        short=_sv_en("Reinvestering ≥ {limit} av behov", "Reinvestment ≥ {limit} of need"),
        display_scale=100.0, display_unit=_PCT, decimals=0, short_decimals=0,
        numerator=(("reinvesteringar_fasta_priser", 1.0),), denominator=(("förnyelsebehov_fasta_priser", 1.0),),
        plausible_max=2.0, minimum=0.0),
    TargetType(
        # a ceiling on one nämnd's projects (column nämnd of Mål), held by the optimiser
        # (:mod:`hushall.optimize.delivery`); not a line of the statements, so not evaluated on them
        "leveranstak_nämnd_kr", Sense.MAX, Aggregation.RULE, "kr",
        name=_sv_en("Leveranstak per nämnd och år", "Delivery ceiling per committee and year"),
        words=_sv_en("nämndens leveranstak", "the committee's delivery ceiling"),
        long=_sv_en("Nämndens investeringar högst {limit} per år (fasta priser)",
                    "The committee's investment at most {limit} a year (fixed prices)"),
        short=_sv_en("Nämnd ≤ {limit}/år", "Committee ≤ {limit}/year"),
        display_scale=1e-6, display_unit=_sv_en("Mkr", "MSEK"), decimals=1, short_decimals=0,
        evaluated=False, smallest_plausible=(1e5, 1e6, "Mkr"), minimum=0.0),
    TargetType(
        "kriterievikt", Sense.NONE, Aggregation.NONE, "weight",
        name=_sv_en("Kriterievikt", "Criterion weight"),
        words=_sv_en("", ""),
        long=_sv_en("Kriterievikt {limit}", "Criterion weight {limit}"),
        short=_sv_en("Vikt {limit}", "Weight {limit}"),
        decimals=2, evaluated=False, minimum=0.0),
)}


def target_type(key: str) -> TargetType:
    """The registry's entry of ``key``.

    Raises
    ------
    KeyError
        For a type that is not in :data:`TARGET_TYPES` (sheet Mål's validation refuses such rows first).
    """
    return TARGET_TYPES[key]


def types_where(**conditions: Any) -> tuple[str, ...]:
    """The keys of the types whose attributes equal ``conditions``, in registry order.

    Examples
    --------
    >>> types_where(plan_ceiling=True)
    ('investeringstak_kr', 'max_parallella_projekt')
    """
    return tuple(k for k, t in TARGET_TYPES.items() if all(getattr(t, a) == v for a, v in conditions.items()))
