r"""Is the plan sound? One verdict in three parts: the financial targets, the assets and the risk.

God ekonomisk hushållning (KL 11 kap. 1 §) is more than the financial targets of sheet Mål: a plan that meets every
target by letting its buildings decay hands the bill to later years (SKR: underhållsskulden), and a plan that meets
them only in the forecast without uncertainty meets them by luck. Every place in Hushåll that says whether a plan is
sound reads this one verdict, so the three parts are always said together:

1. **targets** — each financial target of sheet Mål, year by year: which hold, which fail and when
   (:func:`hushall.finance.evaluate_targets`); and the law's own requirement that every year's budget balances,
   whatever sheet Mål says (KL 11 kap. 5 §: the budget's revenue exceeds its costs, exceptions only for
   *synnerliga skäl*). A plan year is a budget year to come, so a year with a negative balanskravsresultat is a
   budgeted deficit (:attr:`Verdict.deficits`, :class:`Deficit`) — even when target ``balanskrav`` holds, because
   that target asks a deficit to be restored within three years (KL 11 kap. 12 §), the rule for an outcome::

       deficit year  ⇔  BKR_t < −0,5 kr        BKR = årets resultat − realisationsvinster + resultatreserv used

   The deficit's realisation losses and utrangeringar (``varav_realisationsförluster``) are kept beside it: a
   closure's write-off is the usual cause, and the reader should see it;
2. **assets** — the maintenance debt at the end of the base year against the end of the plan, its peak and the
   years it stands above the base year's, and the reinvestment over the plan as a share of the plan's own renewal
   need (the statements' memo lines ``underhållsskuld_fasta_priser``, ``reinvesteringar_fasta_priser`` and
   ``förnyelsebehov_fasta_priser``, all in the price base year's prices, under the plan's reinvestment policy).
   The need is the plan's own — what its projects close, replace or renew needs no renewal from their completion
   year (:func:`hushall.projects.maintenance.plan_need_change`) — so the share is of what is left to renew::

       share = Σ_t R_t / Σ_t (N_t + ΔN_t)       N: the need without the plan, ΔN ≤ 0 what the plan takes over

   The need without the plan is kept beside it (:attr:`AssetOutcome.need_without_plan_kr`) so that a reader can
   see how much of it the plan takes over;
3. **risk** — the probability that every target holds every year, from the Monte Carlo analysis of
   :mod:`hushall.scenarios` when it was run (:func:`with_risk`); ``None`` says it was not.

Thresholds
----------
The debt *grows* when it ends the plan more than :data:`DEBT_GROWTH_TOLERANCE` above the base year's debt, in real
terms::

    grows  ⇔  U_T > U_0 · (1 + ε) + 0,5 kr,   ε = 1 %

A debt held within 1 % has been held: that is finer than the component values and lifetimes it is estimated from,
and finer than a report shows (one decimal of Mkr on a few hundred Mkr); anything more is growth and is named. The
0,5 kr is the rounding tolerance of the targets (:data:`hushall.finance.targets.TOLERANCE_KR`), so a debt of zero
that stays zero does not grow.

The probability is *low* below :data:`LOW_PROBABILITY` = 50 %: then some target breaks in some year in more
futures than not, and the forecast's "every target holds" is the exception rather than the rule.

The plan is **sound** only when every target holds every year, every year's budget balances, the debt does not
grow, and the probability has been measured and is not low.

References
----------
Kommunallagen (2017:725) 11 kap. 1 § (god ekonomisk hushållning), 5 § (budgeten i balans), 12–14 §§ (negativt
balanskravsresultat återställs); SKR (2021)
*Underhållsskuld i kommunernas fastigheter*; RKR R15 *Förvaltningsberättelse* (utvärdering av god ekonomisk
hushållning).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> from hushall.finance import forecast
>>> data = exempelkommun()
>>> v = assess(data, forecast(data, reinvestment_policy="ingen"))
>>> v.assets.grows, v.risk is None, v.deficits, v.sound
(True, True, (), False)
>>> with_risk(v, 0.9, 1000).risk.low
False
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hushall.finance.forecast import Forecast
from hushall.finance.model import FloatArray, Statements
from hushall.finance.targets import TOLERANCE_KR
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import reinvestment_path

#: The maintenance debt grows when it ends the plan more than this share above the base year's (module docstring).
DEBT_GROWTH_TOLERANCE = 0.01
#: A probability that every target holds every year below this is low (module docstring).
LOW_PROBABILITY = 0.5
#: The law's balance requirement on the budget, as every text cites it (:attr:`Verdict.deficits`).
BUDGET_BALANCE_LAW = "kommunallagen 11 kap. 5 §"


@dataclass(frozen=True)
class Deficit:
    """A plan year whose balanskravsresultat is negative: a budgeted deficit (KL 11 kap. 5 §), kr in current
    prices. ``realisation_losses_kr`` (≥ 0) is the year's realisation losses and utrangeringar in it."""

    year: int
    balanskravsresultat_kr: float
    realisation_losses_kr: float = 0.0


@dataclass(frozen=True)
class TargetOutcome:
    """One financial target over the years it applies to."""

    target_id: str
    target_type: str
    years: tuple[int, ...]
    failed_years: tuple[int, ...]
    worst_margin_kr: float  # the smallest margin over its years (negative: short by that much); NaN when not kr

    @property
    def holds(self) -> bool:
        return not self.failed_years

    @property
    def first_failed(self) -> int | None:
        return self.failed_years[0] if self.failed_years else None


@dataclass(frozen=True)
class AssetOutcome:
    """The maintenance debt and the reinvestment over the plan, kr in the price base year's prices."""

    base_year: int
    last_year: int
    price_base_year: int
    policy: str
    debt_base_kr: float
    debt_last_kr: float
    debt_peak_kr: float
    peak_year: int
    reinvestment_kr: float
    renewal_need_kr: float  # the plan's own need (what its projects take over left out)
    need_without_plan_kr: float = float("nan")  # the need of the components without the plan's projects
    years_above_base: tuple[int, ...] = ()  # years whose debt stands clearly above the base year's

    @property
    def need_taken_over_kr(self) -> float:
        """The renewal need the plan's projects take over (close, replace or renew); NaN when not known."""
        return self.need_without_plan_kr - self.renewal_need_kr

    @property
    def grows(self) -> bool:
        """The debt ends the plan above the base year's (:data:`DEBT_GROWTH_TOLERANCE`)."""
        return self.debt_last_kr > self.debt_base_kr * (1.0 + DEBT_GROWTH_TOLERANCE) + TOLERANCE_KR

    @property
    def peaks_above_both_ends(self) -> bool:
        """The debt is, at some year of the plan, clearly above both the base year's and the last year's."""
        top = max(self.debt_base_kr, self.debt_last_kr)
        return self.debt_peak_kr > top * (1.0 + DEBT_GROWTH_TOLERANCE) + TOLERANCE_KR

    @property
    def share_of_need(self) -> float | None:
        """Reinvestment over the plan / renewal need over the plan (``None`` when nothing is due)."""
        return self.reinvestment_kr / self.renewal_need_kr if self.renewal_need_kr > TOLERANCE_KR else None


@dataclass(frozen=True)
class RiskOutcome:
    """The probability, over ``n_draws`` Monte Carlo futures, that every target holds every year."""

    probability: float
    n_draws: int
    standard_error: float | None = None

    @property
    def low(self) -> bool:
        return self.probability < LOW_PROBABILITY


@dataclass(frozen=True)
class Verdict:
    """Whether a plan is sound, in three parts (module docstring). ``assets`` is ``None`` when the data has no
    components to renew; ``risk`` is ``None`` until :func:`with_risk` adds the Monte Carlo probability;
    ``deficits`` are the plan years budgeted in deficit (the law's balance requirement, part of the targets)."""

    first_year: int
    last_year: int
    targets: tuple[TargetOutcome, ...]
    assets: AssetOutcome | None
    risk: RiskOutcome | None = None
    deficits: tuple[Deficit, ...] = ()

    @property
    def failed_targets(self) -> tuple[TargetOutcome, ...]:
        return tuple(t for t in self.targets if not t.holds)

    @property
    def targets_hold(self) -> bool:
        """Every target holds every year it applies (true when sheet Mål has none)."""
        return not self.failed_targets

    @property
    def first_failed_year(self) -> int | None:
        years = [t.first_failed for t in self.failed_targets if t.first_failed is not None]
        return min(years) if years else None

    @property
    def budget_balances(self) -> bool:
        """Every year's balanskravsresultat is at least zero (KL 11 kap. 5 §; module docstring)."""
        return not self.deficits

    @property
    def assets_hold(self) -> bool | None:
        """The maintenance debt does not grow (``None``: not assessed)."""
        return None if self.assets is None else not self.assets.grows

    @property
    def risk_holds(self) -> bool | None:
        """The probability is not low (``None``: not measured)."""
        return None if self.risk is None else not self.risk.low

    @property
    def sound(self) -> bool:
        """Targets hold every year, every budget balances, the debt does not grow and the probability is measured
        and not low."""
        return bool(self.targets_hold and self.budget_balances and self.assets_hold is not False and self.risk_holds)


def target_outcomes(targets: pd.DataFrame) -> tuple[TargetOutcome, ...]:
    """Per target of a :func:`hushall.finance.evaluate_targets` table (one plan, no scenario axis): the years it
    applies, the years it fails and its worst margin, in the table's order."""
    out = []
    for (tid, ttype), g in targets.groupby(["target_id", "target_type"], sort=False):
        g = g.sort_values("year")
        met = g["met"].astype(bool).to_numpy()
        margins = g["margin_kr"].to_numpy(dtype=float)
        worst = float(np.nanmin(margins)) if np.isfinite(margins).any() else float("nan")
        out.append(TargetOutcome(str(tid), str(ttype), tuple(int(y) for y in g["year"]),
                                 tuple(int(y) for y in g.loc[~met, "year"]), worst))
    return tuple(out)


def asset_outcome(data: MunicipalityData, fc: Forecast, policy: str | None = None) -> AssetOutcome | None:
    """The assets part from the forecast's memo lines; the base year's debt is the value of the components
    overdue at the end of the base year (:attr:`hushall.needs.reinvestment.ReinvestmentPath.debt_base_kr`, the
    same under every policy). ``None`` when the memo lines are missing (no components)."""
    memo = fc.statements.memo
    debt = np.asarray(memo["underhållsskuld_fasta_priser"], dtype=float)
    need = np.asarray(memo["förnyelsebehov_fasta_priser"], dtype=float)
    spend = np.asarray(memo["reinvesteringar_fasta_priser"], dtype=float)
    if debt.ndim != 1 or not debt.size or not np.isfinite(debt).all() or not np.isfinite(need).all():
        return None
    path = reinvestment_path(data, policy)
    peak = int(np.argmax(debt))
    above = debt > path.debt_base_kr * (1.0 + DEBT_GROWTH_TOLERANCE) + TOLERANCE_KR
    return AssetOutcome(
        base_year=int(data.base_year), last_year=int(fc.years[-1]), price_base_year=int(data.price_base_year),
        policy=str(policy or path.policy), debt_base_kr=float(path.debt_base_kr), debt_last_kr=float(debt[-1]),
        debt_peak_kr=float(debt[peak]), peak_year=int(fc.years[peak]), reinvestment_kr=float(np.nansum(spend)),
        renewal_need_kr=float(need.sum()), need_without_plan_kr=float(path.need_real_kr.sum()),
        years_above_base=tuple(int(y) for y, a in zip(fc.years, above, strict=True) if a))


def cumulative_share_of_need(statements: Statements) -> FloatArray:
    """Reinvestment from the first plan year through each year as a share of the renewal need over the same
    years (price base year kr): ``Σ_{τ≤t} R_τ / Σ_{τ≤t} N_τ``, NaN while nothing has fallen due. Its last value is
    :attr:`AssetOutcome.share_of_need`.

    >>> from hushall.examples import exempelkommun
    >>> from hushall.finance import forecast
    >>> data = exempelkommun()
    >>> fc = forecast(data, reinvestment_policy="behov")
    >>> bool(abs(cumulative_share_of_need(fc.statements)[-1] - 1.0) < 1e-9)
    True
    """
    return cumulative_share(statements.memo["reinvesteringar_fasta_priser"],
                            statements.memo["förnyelsebehov_fasta_priser"])


def other_debt_change(statements: Statements) -> FloatArray:
    r"""What moves the maintenance debt besides the year's renewal need and reinvestment (price base year kr)::

        X_t = U_t − U_{t−1} − N_t + R_t,     U before the first plan year counted as 0

    so that a table of the memo lines rolls forward: ``U_t = U_{t−1} + N_t − R_t + X_t``. The first year's need
    holds the debt at the end of the base year (what is overdue falls due in the first plan year), hence ``U = 0``
    before it. ``X`` is the timing of the renewal against the need — renewed before its need year (``X > 0``: the
    spend does not lower the debt) or after it (the need ``N`` counts a component's next renewal a lifetime after
    the need year, the plan's a lifetime after its actual renewal) — and the debt the plan's projects take over
    when they close or rebuild a facility (``X < 0``). NaN where the memo lines are missing.

    >>> from hushall.examples import exempelkommun
    >>> from hushall.finance import forecast
    >>> st = forecast(exempelkommun(), reinvestment_policy="behov").statements
    >>> bool(np.allclose(other_debt_change(st), 0.0, atol=0.5))   # renewing as needed: the need is what is spent
    True
    """
    memo = statements.memo
    debt = np.asarray(memo["underhållsskuld_fasta_priser"], dtype=float)
    before = np.concatenate([np.zeros((*debt.shape[:-1], 1)), debt[..., :-1]], axis=-1)
    return debt - before - np.asarray(memo["förnyelsebehov_fasta_priser"], dtype=float) \
        + np.asarray(memo["reinvesteringar_fasta_priser"], dtype=float)


def cumulative_share(reinvestment: Any, need: Any) -> FloatArray:
    """``Σ_{τ≤t} R_τ / Σ_{τ≤t} N_τ`` of yearly reinvestment and renewal need (same prices, last axis the years),
    NaN while nothing has fallen due (need ≤ :data:`~hushall.finance.targets.TOLERANCE_KR`).

    >>> cumulative_share([30e6, 10e6], [50e6, 30e6]).tolist()
    [0.6, 0.5]
    """
    spend = np.cumsum(np.asarray(reinvestment, dtype=float), axis=-1)
    due = np.cumsum(np.asarray(need, dtype=float), axis=-1)
    out = np.full(np.broadcast_shapes(spend.shape, due.shape), np.nan)
    np.divide(spend, due, out=out, where=due > TOLERANCE_KR)
    return out


def budget_deficits(statements: Statements) -> tuple[Deficit, ...]:
    """The years whose balanskravsresultat is below −:data:`~hushall.finance.targets.TOLERANCE_KR` (one plan, no
    scenario axis), with their realisation losses and utrangeringar (module docstring)."""
    bkr = np.asarray(statements["balanskravsresultat"], dtype=float)
    losses = -np.broadcast_to(np.asarray(statements["varav_realisationsförluster"], dtype=float), bkr.shape)
    return tuple(Deficit(int(y), float(b), float(max(0.0, x)))
                 for y, b, x in zip(statements.years, bkr, losses, strict=True) if b < -TOLERANCE_KR)


def assess(data: MunicipalityData, fc: Forecast, reinvestment_policy: str | None = None) -> Verdict:
    """The targets and assets parts of the verdict on one plan's forecast (``reinvestment_policy`` as given to
    :func:`hushall.finance.forecast`; ``None`` = the data's). Add the risk with :func:`with_risk`."""
    return Verdict(first_year=int(fc.years[0]), last_year=int(fc.years[-1]), targets=target_outcomes(fc.targets),
                   assets=asset_outcome(data, fc, reinvestment_policy), deficits=budget_deficits(fc.statements))


def with_risk(verdict: Verdict, probability: float | None, n_draws: int | None,
              standard_error: float | None = None) -> Verdict:
    """The verdict with its risk part: the Monte Carlo probability that every target holds every year
    (:attr:`hushall.scenarios.MonteCarloResult.all_years_probability`). A missing or non-finite probability
    leaves the risk unmeasured."""
    if probability is None or not np.isfinite(float(probability)) or not n_draws:
        return dataclasses.replace(verdict, risk=None)
    se = None if standard_error is None or not np.isfinite(float(standard_error)) else float(standard_error)
    return dataclasses.replace(verdict, risk=RiskOutcome(float(probability), int(n_draws), se))


def with_monte_carlo(verdict: Verdict, mc: Any) -> Verdict:
    """:func:`with_risk` from a Monte Carlo result (anything with ``all_years_probability`` and ``n_draws``;
    ``None`` leaves the risk unmeasured)."""
    if mc is None:
        return verdict
    return with_risk(verdict, getattr(mc, "all_years_probability", None), getattr(mc, "n_draws", None),
                     getattr(mc, "all_years_standard_error", None))


__all__ = [
    "BUDGET_BALANCE_LAW",
    "DEBT_GROWTH_TOLERANCE",
    "LOW_PROBABILITY",
    "AssetOutcome",
    "Deficit",
    "RiskOutcome",
    "TargetOutcome",
    "Verdict",
    "assess",
    "asset_outcome",
    "budget_deficits",
    "cumulative_share",
    "cumulative_share_of_need",
    "other_debt_change",
    "target_outcomes",
    "with_monte_carlo",
    "with_risk",
]
