"""The financial targets of sheet ``Mål``, evaluated every year with pass/fail and the margin in kr.

For each target and year: ``value`` (the measure), ``limit`` (the bound), ``met`` and ``margin_kr`` — how many kr
the measure could worsen (≥ 0) or must improve (< 0) for the target to hold. A year passes when
``margin_kr ≥ −0,5 kr``. Targets with ``period_år`` n > 1 are evaluated on the rolling window of the last n plan
years (shorter in the first years of the plan): ratio targets as the ratio of the window's sums (so that the
margin is linear in the statements — what an optimiser needs), ``margin_kr`` summed over the window for flows
(resultat, självfinansiering, investeringar) and averaged for stocks (låneskuld, soliditet).

========================== ====================================================== ================================
typ                        value                                                  margin_kr
========================== ====================================================== ================================
resultat_andel             Σ årets resultat / Σ (skatter + generella statsbidrag) Σ ÅR − x · Σ (SI + GS)
självfinansieringsgrad     Σ (ÅR + avskrivningar) / Σ nettoinvesteringar          Σ (ÅR + AV) − y · Σ nettoinv.
låneskuld_per_invånare     Σ lån / Σ invånare (kr)                                mean (z · invånare − lån)
soliditet                  Σ eget kapital / Σ tillgångar                          mean (EK − w · tillgångar)
soliditet_inkl_pensioner   Σ (EK − ansvarsförbindelse) / Σ tillgångar             mean (EK − ANSV − w · TA)
investeringstak_kr         mean investering i prisbasårets priser (kr/år)         Σ (tak − investering), fasta pr.
max_parallella_projekt     projekt under byggnad (antal)                          NaN (not kr)
balanskrav                 balanskravsresultat (kr)                               value − limit
underhållsskuld_kr         mean underhållsskuld (kr, prisbasårets priser)         mean (gräns − U)
underhållsskuld_växer_inte mean underhållsskuld / U_0 − 1 (growth since base year) mean ((1 + x) · U_0 − U)
reinvestering_andel_av_    Σ reinvesteringar / Σ förnyelsebehov (fasta priser)    Σ R − x · Σ N
behov
========================== ====================================================== ================================

Maintenance debt (underhållsskuld)
----------------------------------
Two forms of the asset side of god ekonomisk hushållning, on the statements' memo lines in the price base year's
prices (``underhållsskuld_fasta_priser`` ``U_t`` — the plan's debt, :func:`hushall.projects.plan_maintenance_debt`
— ``reinvesteringar_fasta_priser`` ``R_t`` and ``förnyelsebehov_fasta_priser`` ``N_t``, the as-needed schedule):

* **the debt must not grow** — ``underhållsskuld_växer_inte`` with ``gräns`` x: ``U_t ≤ (1 + x) · U_0``, ``U_0``
  the debt at the end of the base year (the value of the components then overdue,
  :attr:`hushall.needs.reinvestment.ReinvestmentPath.debt_base_kr`); x = 0 holds the debt, x = −0,2 asks it to
  fall by a fifth. ``underhållsskuld_kr`` states the same bound as a level in kr: ``U_t ≤ gräns``;
* **reinvestment at least x of the need** — ``reinvestering_andel_av_behov``: ``Σ_W R ≥ x · Σ_W N`` over the
  window (x = 1: renew as fast as the components fall due, so that no new debt arises).

Sources for the forms: Kommuninvest (E. Värja, *Klarar vi underhållsskulden?*, kommuninvest.se, November 2021)
writes that god ekonomisk hushållning is not only financial targets and an efficient organisation but also taking
care of the municipality's assets, and that active maintenance that avoids building up large maintenance debts is
both cheaper and better than putting large things right late; SKR's *Underhållsskuld i kommunernas fastigheter*
(2021) values the maintenance debt as the deferred maintenance at what it costs to put right (the measure ``U``
here, :mod:`hushall.needs.reinvestment`); RKR R15 asks the förvaltningsberättelse to evaluate god ekonomisk
hushållning against the goals the council set. The two forms — the debt against where it stands at the end of
the base year, and the reinvestment against the renewal need — are Hushåll's reading of "taking care of the
assets" in those terms, not wording from the sources; the numbers (level, share) are the council's.

Balanskrav (KL 11 kap. 12 §): a negative balanskravsresultat shall be restored during the following three years.
Deficits are restored first in, first out. ``limit`` is the amount that must be restored in the year at the
latest (deficits from three or more years back still unrestored); the year fails when that amount is not
restored, and ``margin_kr = balanskravsresultat − limit``. A year with ``limit = 0`` always passes, and its margin
is its balanskravsresultat (negative = a new deficit to restore within three years). No deficits from before the
plan are known; deficits whose deadline lies after the last plan year cannot fail. ``kriterievikt`` rows are
weights of the optimiser, not targets, and are skipped.

References
----------
Kommunallagen (2017:725) 11 kap. 1 § (god ekonomisk hushållning, finansiella mål), 12–14 §§ (återställande av
negativt resultat); RKR R15 Förvaltningsberättelse (balanskravsutredning).

Examples
--------
>>> import numpy as np
>>> limit, overdue = balanskrav_requirements(np.array([-10.0, 0.0, 0.0, 4.0, 20.0]))
>>> limit.tolist(), overdue.tolist()
([0.0, 0.0, 0.0, 10.0, 6.0], [0.0, 0.0, 0.0, 6.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hushall.data.target_types import TARGET_TYPES, Aggregation, Sense, TargetType, types_where
from hushall.finance.model import Statements
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import reinvestment_path

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: A year passes when the margin is at least −TOLERANCE_KR (rounding).
TOLERANCE_KR = 0.5

#: Columns of :func:`evaluate_targets` (``scenario`` is added first when the statements have a scenario axis).
TARGET_COLUMNS: tuple[str, ...] = ("target_id", "target_type", "year", "value", "limit", "met", "margin_kr")

#: Target types evaluated here (the registry's :attr:`~hushall.data.target_types.TargetType.evaluated`); the other
#: types of sheet Mål are optimiser weights.
EVALUATED_TYPES: tuple[str, ...] = types_where(evaluated=True)

#: Target types on the maintenance debt and the reinvestment (the asset side; see the module docstring).
MAINTENANCE_TYPES: tuple[str, ...] = ("underhållsskuld_kr", "underhållsskuld_växer_inte",
                                      "reinvestering_andel_av_behov")


def maintenance_debt_limit_kr(target_type: str, limit: float, debt_base_kr: float) -> float:
    """The bound on the maintenance debt (kr, price base year) of a debt target: the limit itself for
    ``underhållsskuld_kr``, ``(1 + limit) · debt_base_kr`` for ``underhållsskuld_växer_inte``.

    >>> maintenance_debt_limit_kr("underhållsskuld_växer_inte", 0.0, 124e6) / 1e6
    124.0
    >>> maintenance_debt_limit_kr("underhållsskuld_kr", 50e6, 124e6) / 1e6
    50.0
    """
    if target_type == "underhållsskuld_växer_inte":
        return (1.0 + float(limit)) * float(debt_base_kr)
    return float(limit)


@dataclass(frozen=True)
class TargetResult:
    """One target over the plan years: arrays ``(T,)`` or ``(S, T)``; ``active`` ``(T,)`` marks the years it
    applies to (från_år … till_år)."""

    target_id: str
    target_type: str
    years: NDArray[np.int64]
    active: BoolArray
    value: FloatArray
    limit: FloatArray
    met: BoolArray
    margin_kr: FloatArray


def _rolling_sum(x: FloatArray, n: int) -> FloatArray:
    cs = np.cumsum(x, axis=-1)
    out = cs.copy()
    if n < x.shape[-1]:
        out[..., n:] -= cs[..., :-n]
    return out


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.full(np.broadcast_shapes(num.shape, den.shape), np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def balanskrav_requirements(balanskravsresultat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Amount that must be restored in each year at the latest, and the amount overdue after the year.

    With ``d_t = max(0, −BKR_t)`` and ``U_t`` the unrestored deficits after year ``t`` (first in, first out):
    ``R_t = U_{t−1} − d_{t−1} − d_{t−2}`` (deficits three or more years old), ``limit_t = max(0, R_t)``,
    ``U_t = max(0, U_{t−1} − BKR_t)`` when ``BKR_t ≥ 0`` else ``U_{t−1} + d_t``, and
    ``overdue_t = max(0, U_t − d_t − d_{t−1} − d_{t−2})``.
    """
    b = np.asarray(balanskravsresultat, dtype=float)
    d = np.maximum(0.0, -b)
    limit = np.zeros_like(b)
    overdue = np.zeros_like(b)
    u = np.zeros(b.shape[:-1])
    d1 = np.zeros(b.shape[:-1])  # d_{t−1}
    d2 = np.zeros(b.shape[:-1])  # d_{t−2}
    for t in range(b.shape[-1]):
        limit[..., t] = np.maximum(0.0, u - d1 - d2)
        u = np.where(b[..., t] >= 0, np.maximum(0.0, u - b[..., t]), u + d[..., t])
        overdue[..., t] = np.maximum(0.0, u - d[..., t] - d1 - d2)
        d2, d1 = d1, d[..., t]
    return limit, overdue


def _line(s: Statements, terms: tuple[tuple[str, float], ...]) -> FloatArray:
    total: FloatArray = np.zeros(s.shape)
    for name, coefficient in terms:
        total = total + coefficient * np.asarray(s[name], dtype=float)
    return total


def ratio_measure(s: Statements, kind: TargetType, limit: float, n: int) -> tuple[FloatArray, FloatArray]:
    """Value and margin (kr) of a ratio target over a rolling window of ``n`` years (the registry's measure):
    ``value = N_W / D_W``, ``margin = sign · (N_W − limit · D_W) / c`` with ``c`` the years in the window for a
    stock and 1 for a flow (:mod:`hushall.data.target_types`)."""
    count = np.minimum(np.arange(1, s.years.size + 1), n).astype(float)
    num_w = _rolling_sum(_line(s, kind.numerator), n)
    den_w = _rolling_sum(_line(s, kind.denominator), n) if kind.denominator else np.broadcast_to(count, s.shape)
    value = _ratio(num_w, den_w) if kind.denominator else num_w / count
    sign = 1.0 if kind.sense is Sense.MIN else -1.0
    margin = sign * (num_w - limit * den_w)
    if kind.aggregation is Aggregation.STOCK:
        margin = margin / count
    return value, margin


def limit_per_unit(s: Statements, kind: TargetType, n: int) -> FloatArray:
    """kr of margin bought by moving a ratio target's limit one unit, per year: ``D_W / c`` (the derivative of
    :func:`ratio_measure`'s margin with respect to the limit, up to its sign)."""
    count = np.minimum(np.arange(1, s.years.size + 1), n).astype(float)
    den_w = _rolling_sum(_line(s, kind.denominator), n) if kind.denominator else count
    return den_w / count if kind.aggregation is Aggregation.STOCK else den_w


#: A rule's result: value, limit, met, margin (kr).
RuleResult = tuple[FloatArray, FloatArray, BoolArray, FloatArray]


@dataclass(frozen=True)
class RuleContext:
    """What a rule may need besides the statements and the limit: the window (``period_år``) and the maintenance
    debt at the end of the base year (kr, price base year; :func:`maintenance_debt_base_kr`)."""

    window: int = 1
    debt_base_kr: float = float("nan")


def _balanskrav(s: Statements, lim: FloatArray, ctx: RuleContext) -> RuleResult:
    value: FloatArray = np.asarray(s["balanskravsresultat"], dtype=float)
    required, overdue = balanskrav_requirements(value)
    return value, required, overdue <= TOLERANCE_KR, value - required


def _projects_at_once(s: Statements, lim: FloatArray, ctx: RuleContext) -> RuleResult:
    value: FloatArray = np.broadcast_to(s["projekt_under_byggnad"], lim.shape).astype(float)
    return value, lim, value <= lim + 1e-9, np.full(lim.shape, np.nan)


def _debt_does_not_grow(s: Statements, lim: FloatArray, ctx: RuleContext) -> RuleResult:
    """The maintenance debt's growth since the base year, ``mean_W U / U_0 − 1``, at most the limit x; the margin in
    kr is ``mean_W ((1 + x) · U_0 − U)`` (the optimiser's row, :mod:`hushall.optimize.finance_link`)."""
    if not np.isfinite(ctx.debt_base_kr):
        raise ValueError("underhållsskuld_växer_inte needs the base year's maintenance debt (debt_base_kr)")
    n = ctx.window
    count = np.minimum(np.arange(1, s.years.size + 1), n).astype(float)
    debt: FloatArray = _rolling_sum(np.broadcast_to(s["underhållsskuld_fasta_priser"], lim.shape).astype(float), n)
    mean_debt = debt / count
    bound = (1.0 + lim) * ctx.debt_base_kr
    margin = bound - mean_debt
    value = mean_debt / ctx.debt_base_kr - 1.0 if ctx.debt_base_kr > 0 else np.where(mean_debt > 0, np.inf, 0.0)
    return value, lim, np.asarray(margin >= -TOLERANCE_KR), margin


#: The target types with a rule of their own (:attr:`Aggregation.RULE`): ``(statements, limit) → (value, limit,
#: met, margin_kr)``. Balanskrav: the limit is the amount that must be restored in the year; projects at once:
#: the count is not kr, so the margin is NaN.
RULES: dict[str, Callable[[Statements, FloatArray, RuleContext], RuleResult]] = {
    "balanskrav": _balanskrav,
    "max_parallella_projekt": _projects_at_once,
    "underhållsskuld_växer_inte": _debt_does_not_grow,
}


def target_results(targets: pd.DataFrame, statements: Statements,
                   debt_base_kr: float = float("nan")) -> list[TargetResult]:
    """Evaluate every target of a ``Mål`` table (internal column names) on the statements, vectorised over
    scenarios. ``debt_base_kr``: the maintenance debt at the end of the base year, for ``underhållsskuld_växer_inte``
    (:func:`maintenance_debt_base_kr`).

    Raises
    ------
    ValueError
        When the table has an ``underhållsskuld_växer_inte`` target and ``debt_base_kr`` is not given.
    """
    s = statements
    years = np.asarray(s.years, dtype=np.int64)
    shape = s.shape
    out: list[TargetResult] = []
    for row in targets.to_dict("records"):
        ttype = str(row["target_type"])
        if ttype not in EVALUATED_TYPES:
            continue
        limit = float(row["limit"])
        period = row.get("period_years")
        n = 1 if period is None or pd.isna(period) else max(1, int(period))
        lo = row.get("from_year")
        hi = row.get("to_year")
        active = np.ones(years.size, dtype=bool)
        if lo is not None and not pd.isna(lo):
            active &= years >= int(lo)
        if hi is not None and not pd.isna(hi):
            active &= years <= int(hi)
        lim = np.full(shape, limit)
        kind = TARGET_TYPES[ttype]
        met: BoolArray
        if kind.aggregation is Aggregation.RULE:
            value, lim, met, margin = RULES[ttype](s, lim, RuleContext(n, debt_base_kr))
        else:
            value, margin = ratio_measure(s, kind, limit, n)
            met = np.asarray(margin >= -TOLERANCE_KR)
        out.append(TargetResult(str(row["target_id"]), ttype, years, active, value, lim, met, margin))
    return out


def maintenance_debt_base_kr(data: MunicipalityData) -> float:
    """The maintenance debt at the end of the base year (kr, price base year; NaN without components)."""
    if not len(data.components):
        return float("nan")
    return float(reinvestment_path(data).debt_base_kr)


def evaluate_targets(data: MunicipalityData, statements: Statements,
                     ratios: dict[str, FloatArray] | None = None) -> pd.DataFrame:
    """Every target of sheet ``Mål`` in every year it applies to.

    Returns a DataFrame with :data:`TARGET_COLUMNS` (plus ``scenario`` first for statements with a scenario axis),
    one row per target, (scenario) and year. ``ratios`` is accepted for symmetry with the forecast; the targets are
    computed from the statements so that period targets use the ratio of sums.
    """
    del ratios
    results = target_results(data.targets, statements, maintenance_debt_base_kr(data))
    frames = []
    for r in results:
        yrs = r.years[r.active]
        cols = {
            "value": r.value[..., r.active], "limit": r.limit[..., r.active],
            "met": r.met[..., r.active], "margin_kr": r.margin_kr[..., r.active],
        }
        if r.value.ndim == 1:
            frame = pd.DataFrame({"target_id": r.target_id, "target_type": r.target_type, "year": yrs, **cols})
        else:
            n_s = r.value.shape[0]
            frame = pd.DataFrame({
                "scenario": np.repeat(np.arange(n_s), yrs.size),
                "target_id": r.target_id, "target_type": r.target_type, "year": np.tile(yrs, n_s),
                **{k: v.reshape(-1) for k, v in cols.items()},
            })
        frames.append(frame)
    columns = list(TARGET_COLUMNS) if len(statements.shape) == 1 else ["scenario", *TARGET_COLUMNS]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    df = pd.concat(frames, ignore_index=True)[columns]
    df["met"] = df["met"].astype(bool)
    return df
