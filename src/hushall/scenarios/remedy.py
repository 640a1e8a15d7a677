r"""What it would take: the tax change that keeps the balanced budget under a scenario.

A scenario that breaks the balanskrav does not end there in a real municipality: a negative balanskravsresultat
must be restored within three years and the council must decide how (kommunallagen 11 kap. 12–13 §§, the
åtgärdsplan). Left without a response, the stress scenarios of the example run to a soliditet of about −20 % — a
figure no finance director would present without saying what it would take to avoid it. :func:`required_tax_change`
answers that in the unit a council decides in: the smallest change of the municipal tax rate, in whole öre per
100 kr of taxable income, from one year on, with which the balanskravsresultat is at least zero in every year from
then on — the balanskrav as the data's target of type ``balanskrav`` states it (with its restoration of a deficit
within three years), or, without such a target, a balanskravsresultat of at least zero every year.

Method: the balanskravsresultat :math:`b_t(\ddot o)` rises with the tax change :math:`\ddot o` — the change is
income, and the lower debt it leaves lowers the interest cost (the treasury of :mod:`hushall.finance.model`). One
forecast with a trial change of :data:`TRIAL_ORE` öre gives each year's slope :math:`s_t`; the first candidate is
:math:`\lceil \max_{t \ge t_0} -b_t(0) / s_t \rceil`, checked by the forecast and raised (doubling, then bisection)
until it holds and one öre less does not. Every candidate is the full forecast of the plan, so the answer holds to
the krona under the model, not just in the linear estimate.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> from hushall.scenarios import builtin_scenarios, apply
>>> data = apply(exempelkommun(), builtin_scenarios()["låg_befolkning"])
>>> r = required_tax_change(data)
>>> r.ore is not None and r.ore > 0, r.from_year >= 2026
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from hushall.finance import Forecast, forecast
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import RenewalPlan
from hushall.scenarios.scenarios import Override, Scenario, apply

#: The trial change (öre) whose forecast gives each year's slope.
TRIAL_ORE = 100
#: The largest change searched (öre): 5 kr per 100 kr is far beyond any municipal tax change on record (the
#: largest single-year increases are about 1–2 kr; SCB, kommunalskatter 2000–2025).
MAX_REMEDY_ORE = 500


@dataclass(frozen=True)
class TaxRemedy:
    """The tax change that keeps the balanskrav from ``from_year`` (:func:`required_tax_change`)."""

    #: Whole öre per 100 kr of taxable income; ``None`` when even :data:`MAX_REMEDY_ORE` öre does not suffice.
    ore: int | None
    from_year: int
    #: What the change brings in in ``from_year`` (kr, current prices): the same as lower net costs of that size.
    kr_first_year: float
    #: The years with a negative balanskravsresultat without the change.
    deficit_years: tuple[int, ...]

    def to_dict(self) -> dict[str, object]:
        return {"öre": self.ore, "från_år": self.from_year, "kr_första_året": self.kr_first_year,
                "underskottsår": list(self.deficit_years)}


def _with_tax(data: MunicipalityData, ore: float, from_year: int) -> MunicipalityData:
    if not ore:
        return data
    change = Override("skattesats", ore / 100.0, "lägg_till", from_year,
                      source=f"Skatteförändring som krävs för balanskravet ({ore:g} öre)")
    return apply(data, Scenario("åtgärd_skatt", "Skatteförändring för balanskravet", overrides=(change,)))


def _balance(fc: Forecast) -> np.ndarray:
    """Each year's margin to the balanskrav (kr; negative = broken): the data's balanskrav targets as the forecast
    evaluates them (with their restoration rule), the smallest margin where there are several; without such a
    target, the balanskravsresultat itself."""
    years = np.asarray(fc.statements.years, dtype=int)
    t = fc.targets
    rows = t[t["target_type"] == "balanskrav"] if len(t) else t
    if not len(rows):
        return np.asarray(fc.statements["balanskravsresultat"], dtype=float)
    margin = np.full(len(years), np.inf)
    idx = np.searchsorted(years, rows["year"].to_numpy(dtype=int))
    value = np.where(rows["met"].to_numpy(dtype=bool), np.maximum(rows["margin_kr"].to_numpy(dtype=float), 0.0),
                     np.minimum(rows["margin_kr"].to_numpy(dtype=float), -1.0))
    np.minimum.at(margin, idx, value)
    return np.where(np.isfinite(margin), margin, 0.0)


def required_tax_change(data: MunicipalityData, schedule: Mapping[str, int] | None = None, *,
                        from_year: int | None = None, base: Forecast | None = None,
                        reinvestment_policy: RenewalPlan | None = None) -> TaxRemedy | None:
    """The smallest tax change (whole öre, from ``from_year`` on) with which the plan ``schedule`` keeps the
    balanskrav (:func:`_balance`) in every year from ``from_year``; ``None`` when it already does.

    ``from_year``: by default the plan's second year — the first whose tax the council can still set (the first
    year's budget and tax rate are decided; KL 11 kap. 8 §: the budget is set before the year begins) — so the
    answer is the smallest change that acts in time, not a late jump when the deficit arrives. ``base``: the forecast without the change, when the caller has it.
    ``reinvestment_policy``: as for :func:`hushall.finance.forecast` (the optimiser's renewal of the plan, so
    that the remedy is that of the same reinvestment).
    """
    fc0 = base if base is not None else forecast(data, schedule, reinvestment_policy=reinvestment_policy)
    years = np.asarray(fc0.statements.years, dtype=int)
    b0 = _balance(fc0)
    deficit = years[b0 < -0.5]
    if not deficit.size:
        return None
    t0 = int(from_year if from_year is not None else int(years[0]) + 1)
    span = years >= t0
    if not (b0[span] < -0.5).any():
        return None

    def holds(ore: int) -> tuple[bool, Forecast]:
        fc = forecast(_with_tax(data, ore, t0), schedule, reinvestment_policy=reinvestment_policy)
        return bool((_balance(fc)[span] >= -0.5).all()), fc

    trial = forecast(_with_tax(data, TRIAL_ORE, t0), schedule, reinvestment_policy=reinvestment_policy)
    slope = (_balance(trial) - b0) / TRIAL_ORE
    need = np.where(span & (b0 < 0) & (slope > 0), -b0 / np.where(slope > 0, slope, 1.0), 0.0)
    lo, hi = 0, min(max(math.ceil(float(need.max())), 1), MAX_REMEDY_ORE)
    ok, fc = holds(hi)
    while not ok:
        if hi >= MAX_REMEDY_ORE:
            return TaxRemedy(None, t0, float("nan"), tuple(int(y) for y in years[span & (b0 < -0.5)]))
        lo, hi = hi, min(2 * hi, MAX_REMEDY_ORE)
        ok, fc = holds(hi)
    best = fc
    if hi - lo > 1:  # the linear estimate is usually exact: one öre less must fail
        ok, fc = holds(hi - 1)
        if ok:
            hi, best = hi - 1, fc
        else:
            lo = hi - 1
    while hi - lo > 1:  # the smallest whole öre that holds (lo fails or is 0)
        mid = (lo + hi) // 2
        ok, fc = holds(mid)
        if ok:
            hi, best = mid, fc
        else:
            lo = mid
    i = int(np.flatnonzero(years == t0)[0])
    tax0 = float(np.asarray(fc0.income_statement.loc["skatteintäkter"])[i])
    tax1 = float(np.asarray(best.income_statement.loc["skatteintäkter"])[i])
    return TaxRemedy(int(hi), t0, tax1 - tax0, tuple(int(y) for y in years[span & (b0 < -0.5)]))


__all__ = ["MAX_REMEDY_ORE", "TaxRemedy", "required_tax_change"]
