r"""Monte Carlo: one plan over thousands of possible futures, with the vectorised financial model.

Each future (a *draw*) moves the uncertain drivers around the municipality's own baseline
(``hushall/data/defaults/montecarlo.yaml`` holds every distribution, its default and its source):

* **ränta** (and the deposit rate with it), **byggprisindex**, **skatteunderlag_tillväxt**: yearly mean-reverting
  AR(1) deviations from the baseline path;
* **befolkning**: one growth deviation per future, compounding over the plan (inhabitants, demographic demand index
  and the demand for places);
* **kostnadsavvikelse**: a log-normal cost factor per project (mean +17 %), with a part common to all projects;
* **genomförandegrad**, the execution rule: every year each project due to start starts with probability ``e``,
  otherwise it slips a year — postponed work moves forward whole (outlays, completion, depreciation, operating
  cost, places, sale), outlays pushed past the plan drop out, and the maintenance debt the project would have
  cleared stays longer (:mod:`hushall.scenarios.plan`).

Shocks are standard normal, correlated across drivers with the Cholesky factor of the correlation matrix.
Draws go through :func:`hushall.finance.build_inputs` / :func:`hushall.finance.run` with a leading draw axis
(``(S, T)`` arrays), in chunks, so memory stays bounded whatever the number of draws.

Results (:class:`MonteCarloResult`): per target and year the probability that it holds, with its standard error
``√(p(1 − p)/n)``; P10/P50/P90 per year of årets resultat, låneskuld, låneskuld per invånare, soliditet,
underhållsskuld and missing places (exact percentiles up to a memory budget, else from fine histograms — see
:func:`simulate`); and which driver moves the outcome most (:attr:`MonteCarloResult.tornado`): for each driver,
the driver's own effect on the mean outcome when its shock falls in its lowest and in its highest tenth, the
other drivers held at their average — ``ȳ ± β_k · E[Z | Z > z_0,9]`` with ``β`` the least-squares coefficients of
the outcome on all drivers' standard-normal shocks at once (so that a driver correlated with another, as the
interest rate with the tax base, is not credited with the other's effect), and the first-order variance share
``Var(E[Y | X_k]) / Var(Y)`` estimated over the ten deciles (this one does include what moves with the driver).

Reproducibility: draw ``i`` uses the random stream of block ``i // BLOCK`` (``SeedSequence(seed,
spawn_key=(block,))``), so a seed gives the same numbers whatever the chunk size.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> res = simulate(exempelkommun(), n_draws=500, seed=1)
>>> res.n_draws, sorted(res.percentiles["line"].unique())[:2]
(500, ['låneskuld_per_invånare', 'långfristiga_skulder'])
>>> p = res.probabilities
>>> bool(((p["probability"] >= 0) & (p["probability"] <= 1)).all())
True
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit, logit, ndtri

from hushall.data.defaults import assumption_names, assumption_unit
from hushall.data.defaults import load as load_defaults
from hushall.data.target_types import TARGET_TYPES, Sense, types_where
from hushall.finance import DRIVER_FIELDS, FinanceInputs, build_inputs, ratios, run, target_results
from hushall.finance.targets import maintenance_debt_base_kr
from hushall.followup import MeasuredRates, follow_up, measured_rates
from hushall.followup.replan import project_committees
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import RenewalPlan, reinvestment_path
from hushall.projects import ProjectCatalog, Schedule, cumulative_index
from hushall.scenarios.plan import PlanArrays, plan_arrays, realise

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Draws per random-number block: the unit of reproducibility (chunks are cut from whole streams of blocks).
BLOCK = 1024

#: Per-draw lines summarised with percentiles, in order.
LINES: tuple[str, ...] = (
    "årets_resultat",
    "resultat_andel_av_skatter_och_bidrag",
    "långfristiga_skulder",
    "låneskuld_per_invånare",
    "soliditet",
    "underhållsskuld",
    "platser_saknas",
)

#: Scalar outcomes of each draw for the tornado.
OUTCOMES: dict[str, str] = {
    "resultat_summa": "Summa årets resultat över planen (kr)",
    "låneskuld_slut": "Låneskuld sista planåret (kr)",
    "soliditet_slut": "Soliditet sista planåret",
    "underhållsskuld_slut": "Underhållsskuld sista planåret (kr, prisbasårets priser)",
    "mål_uppfyllda_andel": "Andel mål-år som uppfylls",
}

#: Targets bounded from below (the rest — låneskuld per invånare, investeringstak, projekt samtidigt — from above).
LOWER_BOUND_TARGETS: frozenset[str] = frozenset(types_where(sense=Sense.MIN))

DEFAULT_QUANTILES: tuple[float, ...] = (0.1, 0.5, 0.9)

#: Memory allowed for keeping every draw's lines (exact percentiles); above it, histograms are used.
EXACT_BUDGET_BYTES = 64 * 2**20

HISTOGRAM_BINS = 4096
DECILE_EDGES = ndtri(np.arange(1, 10) / 10.0)
#: E[Z | Z > z_0,9] of a standard normal Z: the mean shock in the highest tenth (−: in the lowest).
TENTH_MEAN = float(np.exp(-0.5 * DECILE_EDGES[-1] ** 2) / np.sqrt(2.0 * np.pi) / 0.1)


# --- Specification ----------------------------------------------------------------------------------------------

#: Year-keyed drivers an ``ar1`` driver may move → field of :class:`hushall.finance.FinanceInputs`: the rates of
#: sheet Antaganden (unit ``andel per år`` in the defaults) that the financial model reads.
_FIELD = {name: DRIVER_FIELDS[name] for name in assumption_names()
          if name in DRIVER_FIELDS and assumption_unit(name) == "andel per år"}


@dataclass(frozen=True)
class Driver:
    """One uncertain driver: its kind (``ar1``, ``trend``, ``overrun``, ``execution``), its numbers and source."""

    key: str
    label: str
    kind: str
    params: Mapping[str, float]
    parameters: tuple[str, ...] = ()
    loadings: tuple[float, ...] = ()
    unit: str = ""
    reference: str = ""

    def param(self, name: str, default: float = 0.0) -> float:
        return float(self.params.get(name, default))

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "kind": self.kind, "params": dict(self.params),
                "parameters": dict(zip(self.parameters, self.loadings, strict=True)), "unit": self.unit,
                "reference": self.reference}


_NON_PARAMS = {"label", "kind", "parameters", "unit", "reference"}


@dataclass(frozen=True, eq=False)
class MonteCarloSpec:
    """The uncertain drivers and the correlation of their shocks."""

    drivers: tuple[Driver, ...]
    correlation: FloatArray
    correlation_reference: str = ""
    #: Per project id, how its measured group differs from the pooled rates (:meth:`with_project_rates`):
    #: ``execution_logit_shift``, ``execution_sd_ratio``, ``overrun_log_shift``; ``None`` = every project alike.
    project_rates: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        k = len(self.drivers)
        c = np.asarray(self.correlation, dtype=float)
        if c.shape != (k, k) or not np.allclose(c, c.T) or not np.allclose(np.diag(c), 1.0):
            raise ValueError(f"the correlation matrix must be a symmetric ({k}, {k}) matrix with a unit diagonal")
        try:
            np.linalg.cholesky(c)
        except np.linalg.LinAlgError as exc:
            raise ValueError("the correlation matrix is not positive definite") from exc
        for d in self.drivers:
            if d.kind not in ("ar1", "trend", "overrun", "execution"):
                raise ValueError(f"driver {d.key!r}: unknown kind {d.kind!r}")
            unknown = [p for p in d.parameters if p not in _FIELD]
            if unknown:
                raise ValueError(f"driver {d.key!r}: cannot move {', '.join(unknown)}; an ar1 driver moves "
                                 f"{', '.join(_FIELD)}")

    @classmethod
    def default(cls) -> MonteCarloSpec:
        """The defaults of ``hushall/data/defaults/montecarlo.yaml``."""
        doc = load_defaults("montecarlo")
        drivers = []
        for key, spec in doc["drivers"].items():
            loads = {str(p): float(v) for p, v in (spec.get("parameters") or {}).items()}
            drivers.append(Driver(
                key=str(key), label=str(spec.get("label", key)), kind=str(spec["kind"]),
                params={k: float(v) for k, v in spec.items() if k not in _NON_PARAMS},
                parameters=tuple(loads), loadings=tuple(loads.values()), unit=str(spec.get("unit", "")),
                reference=" ".join(str(spec.get("reference", "")).split()),
            ))
        order = list(doc["correlation"]["order"])
        matrix = np.asarray(doc["correlation"]["matrix"], dtype=float)
        pos = [order.index(d.key) for d in drivers]
        return cls(tuple(drivers), matrix[np.ix_(pos, pos)],
                   " ".join(str(doc["correlation"].get("reference", "")).split()))

    @classmethod
    def for_data(cls, data: MunicipalityData) -> MonteCarloSpec:
        """The defaults, with the execution rate and cost overrun measured in ``data``'s outcomes (sheet
        ``Utfall``) when it has any (:meth:`with_measured`); otherwise exactly :meth:`default`.

        >>> from hushall.examples import exempelkommun
        >>> spec = MonteCarloSpec.for_data(exempelkommun())
        >>> round(spec.driver("genomförandegrad").param("mean"), 2), spec.driver("genomförandegrad").param("years")
        (0.6, 1.0)
        """
        spec = cls.default()
        if data.outcomes.empty:
            return spec
        rates = measured_rates(follow_up(data))
        return spec.with_measured(rates).with_project_rates(data, rates)

    def with_project_rates(self, data: MunicipalityData, rates: MeasuredRates) -> MonteCarloSpec:
        """A copy where each project of sheet Projekt takes the execution rate, spread and cost overrun of its
        nämnd or project type (:meth:`hushall.followup.MeasuredRates.for_projects`: a group's number when it has
        enough observations, else the pooled one), as shifts from the pooled numbers::

            logit e_p = logit ē + (logit ḡ_p − logit ḡ) + s_λ (s_λ,p / s_λ) z       ln(1 + o_p) − ln(1 + ō) added
                                                                                  to the cost factor's log mean

        so scaling or removing a driver's spread (:meth:`scaled`, :meth:`without`) moves every project alike.

        >>> from hushall.examples import exempelkommun
        >>> spec = MonteCarloSpec.for_data(exempelkommun())
        >>> round(float(spec.project_rates.loc["P-12", "execution_logit_shift"]), 2)
        -0.72
        """
        if not len(data.projects):
            return self
        per = rates.for_projects(project_committees(data), data.projects["project_type"].astype(str).tolist())
        pooled = min(max(rates.execution_mean, 0.01), 0.99)
        rate = per["execution_rate"].astype(float).clip(0.01, 0.99)
        sd_pooled = rates.execution_sd_logit
        sd = per["execution_sd_logit"].astype(float)
        o_pooled = 0.0 if rates.overrun_mean is None else rates.overrun_mean
        overrun = per["overrun_mean"].astype(float).fillna(o_pooled)
        table = pd.DataFrame({
            "execution_logit_shift": logit(rate) - logit(pooled),
            "execution_sd_ratio": (sd / sd_pooled).fillna(1.0) if sd_pooled else 1.0,
            "overrun_log_shift": np.log1p(overrun) - math.log1p(o_pooled),
            "execution_basis": per["execution_basis"], "overrun_basis": per["overrun_basis"],
        })
        table.index = pd.Index(data.projects["project_id"].astype(str), name="project_id")
        return replace(self, project_rates=table)

    def with_measured(self, rates: MeasuredRates) -> MonteCarloSpec:
        """A copy whose ``execution`` and ``overrun`` drivers take the rates measured in the outcomes.

        Execution: the measured yearly rate ``ḡ`` (outcome against the budget including carry-overs) is the share
        of a *one*-year plan carried out within the year, so ``years = 1`` and the start probability is ``e = ḡ``:
        under the execution rule a project due this year — first planned or carried over — starts with
        probability ``e``, so the year's outcome over its revised budget is ``e`` on average. ``sd_logit`` is the
        spread of ``logit g_t`` between the reported years. Overrun: ``mean = ō`` of the finished projects; their
        log spread ``s_o`` is split between the common and the project part in the proportion of the defaults
        (``s_c² + s_p² = s_o²``). A number that cannot be measured (one year, no finished project) keeps its
        default. See :mod:`hushall.followup.learning`.
        """
        out = self
        for d in self.drivers:
            if d.kind == "execution":
                params: dict[str, float] = {"mean": min(max(rates.execution_mean, 0.01), 1.0), "years": 1.0}
                if rates.execution_sd_logit is not None:
                    params["sd_logit"] = rates.execution_sd_logit
                out = out._measured(d.key, params, rates.source)
            elif d.kind == "overrun" and rates.overrun_mean is not None:
                params = {"mean": rates.overrun_mean}
                if rates.overrun_sd_log is not None:
                    c, p = d.param("sd_common"), d.param("sd_project")
                    norm = math.hypot(c, p) or 1.0
                    params.update(sd_common=rates.overrun_sd_log * c / norm,
                                  sd_project=rates.overrun_sd_log * p / norm)
                out = out._measured(d.key, params, rates.source)
        return out

    def _measured(self, key: str, params: Mapping[str, float], source: str) -> MonteCarloSpec:
        d = self.with_driver(key, **params).driver(key)
        new = replace(d, reference=source)
        return replace(self, drivers=tuple(new if x.key == key else x for x in self.drivers))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.drivers)

    def driver(self, key: str) -> Driver:
        for d in self.drivers:
            if d.key == key:
                return d
        raise KeyError(f"unknown driver {key!r}; known: {', '.join(self.keys)}")

    def with_driver(self, key: str, **params: float) -> MonteCarloSpec:
        """A copy with some numbers of one driver changed."""
        d = self.driver(key)
        new = replace(d, params={**d.params, **{k: float(v) for k, v in params.items()}})
        return replace(self, drivers=tuple(new if x.key == key else x for x in self.drivers))

    def scaled(self, factor: float) -> MonteCarloSpec:
        """A copy with every spread (``sd``, ``sd_common``, ``sd_project``, ``sd_logit``) multiplied by ``factor``."""
        out = self
        for d in self.drivers:
            out = out.with_driver(d.key, **{k: v * factor for k, v in d.params.items() if k.startswith("sd")})
        return out

    def deterministic(self) -> MonteCarloSpec:
        """No uncertainty at all: every draw is the baseline forecast (no spread, no overrun, no slippage)."""
        out = replace(self.scaled(0.0), project_rates=None)
        for d in self.drivers:
            if d.kind == "overrun":
                out = out.with_driver(d.key, mean=0.0)
            elif d.kind == "execution":
                out = out.with_driver(d.key, mean=1.0)
        return out

    def without(self, *keys: str) -> MonteCarloSpec:
        """A copy where the named drivers take their central value (no spread; overrun and slippage kept)."""
        out = self
        for key in keys:
            d = self.driver(key)
            out = out.with_driver(key, **{k: 0.0 for k in d.params if k.startswith("sd")})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"drivers": [d.to_dict() for d in self.drivers], "correlation": self.correlation.tolist(),
                "correlation_reference": self.correlation_reference}


def execution_probability(share: FloatArray | float, years: int = 3) -> FloatArray:
    """The yearly start probability ``e`` such that a ``years``-year plan carries out ``share`` of its investment
    within those years under the execution rule (``1 − (q + … + q^n)/n = share``, ``q = 1 − e``).

    Examples
    --------
    >>> round(float(execution_probability(0.64, 3)), 3)
    0.43
    >>> float(execution_probability(1.0, 3))
    1.0
    """
    r = np.clip(np.asarray(share, dtype=float), 0.0, 1.0)
    target = years * (1.0 - r)
    lo, hi = np.zeros_like(r), np.ones_like(r)
    for _ in range(40):  # bisection: q + q² + … + q^n is increasing in q
        mid = 0.5 * (lo + hi)
        value = np.zeros_like(mid)
        for _ in range(years):  # Horner: q (1 + q (1 + …))
            value = mid * (1.0 + value)
        below = value < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return np.where(r >= 1.0, 1.0, 1.0 - 0.5 * (lo + hi))


# --- Random numbers ---------------------------------------------------------------------------------------------


def _block_numbers(seed: int, block: int, n_t: int, n_k: int, n_p: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    z = rng.standard_normal((BLOCK, n_t, n_k))
    eta = rng.standard_normal((BLOCK, n_p))
    u = 1.0 - rng.random((BLOCK, n_p))  # (0, 1]
    return z, eta, u


def draw_numbers(seed: int, start: int, stop: int, n_t: int, n_k: int, n_p: int
                 ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Independent standard normals ``(S, T, K)``, project normals ``(S, P)`` and uniforms ``(S, P)`` of draws
    ``start … stop − 1``: the same numbers for a draw whichever chunk it is computed in."""
    parts = [_block_numbers(seed, b, n_t, n_k, n_p) for b in range(start // BLOCK, (stop - 1) // BLOCK + 1)]
    z, eta, u = (np.concatenate(x, axis=0) for x in zip(*parts, strict=True))
    a = start - (start // BLOCK) * BLOCK
    s = slice(a, a + stop - start)
    return z[s], eta[s], u[s]


# --- The model of one chunk -------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Context:
    data: MunicipalityData
    spec: MonteCarloSpec
    plan: PlanArrays
    base: FinanceInputs
    chol: FloatArray
    cons_base: float
    price_base: float
    baseline: dict[str, FloatArray]
    seed: int


def _context(data: MunicipalityData, schedule: Any, spec: MonteCarloSpec, seed: int,
             renewal: RenewalPlan | None = None) -> _Context:
    sched = Schedule.committed(ProjectCatalog.from_data(data)) if schedule is None else schedule
    plan = plan_arrays(data, sched, renewal)
    base = build_inputs(data)
    cons_base = float(cumulative_index(data.assumptions["byggprisindex"], [data.base_year], data.price_base_year)[0])
    price_base = float(cumulative_index(data.assumptions["prisindex"], [data.base_year], data.price_base_year)[0])
    baseline = {p: data.assumption(p) for d in spec.drivers if d.kind == "ar1" for p in d.parameters}
    chol = np.asarray(np.linalg.cholesky(spec.correlation), dtype=np.float64)
    return _Context(data, spec, plan, base, chol, cons_base, price_base, baseline, seed)


def _project_shifts(spec: MonteCarloSpec, plan: PlanArrays) -> dict[str, FloatArray]:
    """The plan's projects' shifts from the pooled rates (zeros, ratio 1 without :attr:`project_rates`)."""
    n_p = plan.n_projects
    out = {"execution_logit_shift": np.zeros(n_p), "execution_sd_ratio": np.ones(n_p),
           "overrun_log_shift": np.zeros(n_p)}
    if spec.project_rates is not None and n_p:
        table = spec.project_rates.reindex(list(plan.project_ids))
        for key, empty in (("execution_logit_shift", 0.0), ("execution_sd_ratio", 1.0), ("overrun_log_shift", 0.0)):
            out[key] = table[key].astype(float).fillna(empty).to_numpy()
    return out


def _chunk(ctx: _Context, start: int, stop: int) -> dict[str, Any]:
    """Every per-draw quantity of draws ``start … stop − 1``."""
    spec, plan, data = ctx.spec, ctx.plan, ctx.data
    n_t, n_p, n_k = plan.n_years, plan.n_projects, len(spec.drivers)
    n_s = stop - start
    z, eta, u = draw_numbers(ctx.seed, start, stop, n_t, n_k, n_p)
    w = z @ ctx.chol.T  # correlated shocks (S, T, K)
    summary = w.sum(axis=1) / math.sqrt(n_t)  # (S, K), each N(0, 1)
    changes: dict[str, FloatArray] = {}
    pop_factor = np.ones((n_s, n_t))
    overrun = np.ones((n_s, n_p))
    delay = np.zeros((n_s, n_p), dtype=np.int64)
    exec_prob = np.ones(n_s)
    shift = _project_shifts(spec, plan)
    for k, d in enumerate(spec.drivers):
        if d.kind == "ar1":
            phi, sd = d.param("persistence"), d.param("sd")
            x = np.empty((n_s, n_t))
            prev = np.zeros(n_s)
            for t in range(n_t):
                prev = phi * prev + sd * w[:, t, k]
                x[:, t] = prev
            lower = d.params.get("lower")
            for p, loading in zip(d.parameters, d.loadings, strict=True):
                value = ctx.baseline[p][None, :] + (x if loading == 1.0 else loading * x)
                if p in changes:  # a parameter moved by two drivers takes both deviations
                    value = value + (changes[p] - ctx.baseline[p][None, :])
                changes[p] = value if lower is None else np.maximum(value, float(lower))
        elif d.kind == "trend":
            growth = d.param("sd") * summary[:, k]
            pop_factor = pop_factor * (1.0 + growth[:, None]) ** np.arange(1, n_t + 1)[None, :]
        elif d.kind == "overrun":
            sc, sp = d.param("sd_common"), d.param("sd_project")
            mu = math.log1p(d.param("mean")) - 0.5 * (sc * sc + sp * sp)
            overrun = overrun * np.exp(mu + shift["overrun_log_shift"][None, :] + sc * summary[:, k:k + 1]
                                       + sp * eta)
        elif d.kind == "execution":
            mean, sdl = d.param("mean", 1.0), d.param("sd_logit")
            if mean >= 1.0:
                continue
            # (S, P): one common shock per draw, each project shifted to its group (with_project_rates)
            share = expit(logit(mean) + shift["execution_logit_shift"][None, :]
                          + sdl * shift["execution_sd_ratio"][None, :] * summary[:, k:k + 1])
            prob = execution_probability(share, int(d.param("years", 3)))
            exec_prob = prob.mean(axis=1) if n_p else execution_probability(expit(logit(mean) + sdl * summary[:, k]),
                                                                             int(d.param("years", 3)))
            q = 1.0 - prob
            with np.errstate(divide="ignore"):
                steps = np.floor(np.log(u) / np.log(q))
            delay = np.where(q > 0, np.minimum(steps, n_t), 0).astype(np.int64)
        else:
            raise ValueError(f"unknown driver kind {d.kind!r}")
    base = ctx.base
    fields: dict[str, Any] = {}
    for p, value in changes.items():
        fields[_FIELD[p]] = value
    if "construction_growth" in fields:
        fields["construction_index"] = ctx.cons_base * np.cumprod(1.0 + fields["construction_growth"], axis=-1)
    if "price_growth" in fields:  # as build_inputs: the indices follow their growth
        fields["price_index"] = ctx.price_base * np.cumprod(1.0 + fields["price_growth"], axis=-1)
    ci = fields.get("construction_index", base.construction_index)
    pi = fields.get("price_index", base.price_index)
    if not np.all(pop_factor == 1.0):
        fields["population"] = base.population[None, :] * pop_factor
        fields["demand_index"] = base.demand_index[None, :] * pop_factor
    eff = realise(plan, np.broadcast_to(ci, (n_s, n_t)), np.broadcast_to(pi, (n_s, n_t)), overrun, delay,
                  pop_factor)
    taken_over = plan.renewal_change_real_kr is not None
    if plan.decided is not None:  # the optimiser's renewal, each pool's as far as the draw's late projects allow
        fields.update(reinvestment_kr=eff["decided_renewal_kr"],
                      reinvestment_capitalised_by_component_kr=eff["decided_renewal_kr"][:, None, :],
                      reinvestment_depreciation_by_component_kr=eff["decided_renewal_depreciation_kr"][:, None, :])
    elif "construction_index" in fields or taken_over:  # the reinvestment is priced with the draw's construction prices
        spend, cap, dep = reinvestment_path(ctx.data).nominal(ci, pooled=True)
        if taken_over:  # under behov the renewal a project takes over leaves from its completion year in the draw
            spend = spend + eff["renewal_change_kr"]
            cap = cap + eff["renewal_change_kr"][:, None, :]
            dep = dep + eff["renewal_change_depreciation_kr"][:, None, :]
        fields.update(reinvestment_kr=spend, reinvestment_capitalised_by_component_kr=cap,
                      reinvestment_depreciation_by_component_kr=dep)
    if base.renewal_need_kr is not None and plan.renewal_need_change_real_kr is not None:
        # the plan's own need: what the draw's projects close or renew leaves it from their completion year
        fields["renewal_need_kr"] = np.asarray(base.renewal_need_kr, dtype=float) + eff["renewal_need_change_real_kr"]
    fields.update(
        investment_kr=eff["investment_kr"], expensed_kr=eff["expensed_kr"],
        operating_cost_change_kr=eff["operating_cost_kr"], sale_proceeds_kr=eff["sale_proceeds_kr"],
        written_off_kr=eff["written_off_kr"], existing_depreciation_stopped_kr=eff["existing_depreciation_stopped_kr"],
        realisation_gains_kr=eff["realisation_gains_kr"],
        capitalised_by_component_kr=eff["capitalised_kr"][:, None, :],
        new_depreciation_by_component_kr=eff["depreciation_kr"][:, None, :],
        projects_under_construction=eff["projects_under_construction"], places_change=eff["places"],
        component_types=("alla",), maintenance_debt_kr=eff["maintenance_debt_kr"],
    )
    st = run(base.replace(**fields))
    rat = ratios(st)
    targets = target_results(data.targets, st, maintenance_debt_base_kr(data))
    lines = {
        "årets_resultat": st["årets_resultat"],
        "resultat_andel_av_skatter_och_bidrag": rat["resultat_andel_av_skatter_och_bidrag"],
        "långfristiga_skulder": st["långfristiga_skulder"],
        "låneskuld_per_invånare": rat["låneskuld_per_invånare"],
        "soliditet": rat["soliditet"],
        "underhållsskuld": eff["maintenance_debt_kr"],
        "platser_saknas": eff["missing_places"],
    }
    met_share = np.zeros(n_s)
    n_active = sum(int(r.active.sum()) for r in targets)
    for r in targets:
        met_share += np.broadcast_to(r.met, (n_s, n_t))[:, r.active].sum(axis=1)
    outcomes = {
        "resultat_summa": st["årets_resultat"].sum(axis=1),
        "låneskuld_slut": st["långfristiga_skulder"][:, -1],
        "soliditet_slut": rat["soliditet"][:, -1],
        "underhållsskuld_slut": eff["maintenance_debt_kr"][:, -1],
        "mål_uppfyllda_andel": met_share / n_active if n_active else np.ones(n_s),
    }
    return {"statements": st, "ratios": rat, "targets": targets, "lines": lines, "outcomes": outcomes,
            "summary": summary, "overrun": overrun, "delay": delay, "execution_probability": exec_prob,
            "population_factor": pop_factor, "effects": eff}


def simulate_chunk(data: MunicipalityData, schedule: Any = None, spec: MonteCarloSpec | None = None, *,
                   seed: int = 1, start: int = 0, stop: int = 1000,
                   reinvestment_policy: RenewalPlan | None = None) -> dict[str, Any]:
    """The raw per-draw results of draws ``start … stop − 1``: statements, ratios, target results, lines,
    outcomes and the drivers' draws (for tests and for looking at single futures); ``reinvestment_policy`` as
    for :func:`simulate`."""
    ctx = _context(data, schedule, spec or MonteCarloSpec.for_data(data), seed, reinvestment_policy)
    return _chunk(ctx, start, stop)


# --- Accumulators -----------------------------------------------------------------------------------------------


class _Quantiles:
    """Quantiles per (line, year): every value kept (exact) or fine histograms fixed on the first chunk."""

    def __init__(self, n_lines: int, n_t: int, exact: bool, bins: int = HISTOGRAM_BINS) -> None:
        self.exact = exact
        self.n_lines, self.n_t, self.bins = n_lines, n_t, bins
        self.kept: list[FloatArray] = []
        self.counts: IntArray | None = None
        self.lo = self.hi = np.zeros(0)
        self.vmin = np.full((n_lines, n_t), np.inf)
        self.vmax = np.full((n_lines, n_t), -np.inf)
        self.finite = np.zeros((n_lines, n_t), dtype=np.int64)

    def add(self, values: FloatArray) -> None:  # (S, L, T)
        finite = np.isfinite(values)
        self.finite += finite.sum(axis=0)
        self.vmin = np.minimum(self.vmin, np.where(finite, values, np.inf).min(axis=0))
        self.vmax = np.maximum(self.vmax, np.where(finite, values, -np.inf).max(axis=0))
        if self.exact:
            self.kept.append(values)
            return
        if self.counts is None:
            span = np.where(np.isfinite(self.vmax - self.vmin), self.vmax - self.vmin, 0.0)
            pad = np.maximum(span * 0.5, np.where(np.isfinite(self.vmin), np.abs(self.vmin), 0.0) * 1e-3 + 1e-9)
            self.lo = np.where(np.isfinite(self.vmin), self.vmin, 0.0) - pad
            self.hi = np.where(np.isfinite(self.vmax), self.vmax, 0.0) + pad
            self.counts = np.zeros((self.n_lines, self.n_t, self.bins + 2), dtype=np.int64)
        pos = (values - self.lo) / (self.hi - self.lo) * self.bins
        b = np.where(finite, np.clip(np.floor(np.nan_to_num(pos, nan=-1.0)), -1, self.bins) + 1, -1).astype(np.int64)
        cell = np.arange(self.n_lines * self.n_t).reshape(self.n_lines, self.n_t)[None] * (self.bins + 2)
        flat = (cell + b)[finite]
        self.counts += np.bincount(flat, minlength=self.counts.size).reshape(self.counts.shape)

    def quantiles(self, qs: Sequence[float]) -> FloatArray:  # (Q, L, T)
        if self.exact:
            allv = np.concatenate(self.kept, axis=0) if self.kept else np.zeros((0, self.n_lines, self.n_t))
            if not allv.shape[0]:
                return np.full((len(qs), self.n_lines, self.n_t), np.nan)
            flat = allv.reshape(allv.shape[0], -1)
            out = np.full((len(qs), flat.shape[1]), np.nan)
            clean = np.isfinite(flat).all(axis=0)
            if clean.any():
                out[:, clean] = np.quantile(flat[:, clean], qs, axis=0)
            for c in np.flatnonzero(~clean):  # columns with undefined values (a ratio over zero): the rest only
                col = flat[:, c][np.isfinite(flat[:, c])]
                if col.size:
                    out[:, c] = np.quantile(col, qs)
            return out.reshape(len(qs), self.n_lines, self.n_t)
        out = np.full((len(qs), self.n_lines, self.n_t), np.nan)
        if self.counts is None:
            return out
        cum = np.cumsum(self.counts, axis=-1)
        width = (self.hi - self.lo) / self.bins
        n = self.finite
        for i, q in enumerate(qs):
            rank = q * (n - 1)  # numpy's linear method, on counts
            k = np.argmax(cum > rank[..., None], axis=-1)
            before = np.take_along_axis(cum, k[..., None], axis=-1)[..., 0] - np.take_along_axis(
                self.counts, k[..., None], axis=-1)[..., 0]
            inside = np.take_along_axis(self.counts, k[..., None], axis=-1)[..., 0]
            frac = np.where(inside > 0, (rank - before + 0.5) / np.maximum(inside, 1), 0.5)
            value = self.lo + (k - 1 + np.clip(frac, 0.0, 1.0)) * width
            value = np.where(k == 0, self.vmin, np.where(k == self.bins + 1, self.vmax, value))
            out[i] = np.where(n > 0, np.clip(value, self.vmin, self.vmax), np.nan)
        same = self.vmin == self.vmax
        out[:, same] = self.vmin[same]
        return out


# --- Results ----------------------------------------------------------------------------------------------------


def quantile_name(q: float) -> str:
    """Column name of a quantile: ``p10``, ``p50``, ``p2_5``.

    >>> quantile_name(0.1), quantile_name(0.025)
    ('p10', 'p2_5')
    """
    return f"p{100 * q:g}".replace(".", "_")


#: The Swedish headers of :meth:`MonteCarloResult.to_frames` and the robust plan's tables (the workbook's and the
#: CSV files' columns).
FRAME_HEADERS: dict[str, str] = {
    "target_id": "mål_id", "target_type": "måltyp", "year": "år", "limit": "gräns", "probability": "sannolikhet",
    "standard_error": "standardfel", "line": "post", "mean": "medelvärde", "value": "värde", "outcome": "utfall",
    "driver": "osäkerhet_id", "label": "namn", "low": "lägsta_tiondelen", "high": "högsta_tiondelen",
    "swing": "skillnad", "variance_share": "andel_av_variansen", "sd": "standardavvikelse",
    "baseline": "utan_osäkerhet", "key": "id", "kind": "slag", "params": "parametrar", "parameters": "påverkar",
    "unit": "enhet", "reference": "källa", "description": "beskrivning",
    # the robust plan's tables (:class:`hushall.scenarios.robust.RobustResult`)
    "margin": "marginal", "min_probability": "lägsta_sannolikhet", "n_projects": "antal_projekt",
    "project_id": "projekt_id", "base_start": "startår_utan_marginal", "robust_start": "startår_robust",
    "change": "ändring",
}


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """The plan over ``n_draws`` futures (see the module docstring).

    Attributes
    ----------
    probabilities
        One row per target and year it applies to: ``target_id, target_type, year, limit, probability,
        standard_error``.
    joint
        Per year, the probability that every target applying that year holds (``year, probability,
        standard_error``); :attr:`all_years_probability` every target in every year.
    percentiles
        ``line, year, mean, p10, p50, p90`` (one column per quantile asked for) for each of :data:`LINES`.
    target_quantiles
        With ``simulate(..., target_quantiles=True)``: the same quantiles of each target's margin
        (``target_id, target_type, year, mean, p10, …``): kr the measure could worsen (≥ 0) or must improve (< 0)
        for the target to hold (:func:`hushall.finance.target_results`), projects below the ceiling for
        ``max_parallella_projekt``.
    baseline
        ``line, year, value``: the plan without uncertainty (the deterministic forecast).
    tornado
        ``outcome, driver, label, low, high, swing, variance_share`` per outcome of :data:`OUTCOMES` and driver:
        the driver's own effect on the mean outcome with its shock in its lowest / highest tenth (the others at
        their average; least squares on all shocks), their difference, and the first-order variance share.
    outcomes
        ``outcome, label, mean, sd, baseline`` of the scalar outcomes.
    renewal_decided
        The draws renewed as the optimiser decided (``simulate(..., reinvestment_policy=RenewalPlan)``), not
        under the data's reinvestment policy.
    reinvestment_policy
        The reinvestment of every draw: ``"plan"`` (the optimiser's renewal) or the data's policy
        (:data:`hushall.needs.reinvestment.POLICIES`), so that every output can say which.
    """

    years: tuple[int, ...]
    n_draws: int
    seed: int
    chunk_size: int
    quantiles: tuple[float, ...]
    exact_quantiles: bool
    probabilities: pd.DataFrame
    joint: pd.DataFrame
    all_years_probability: float
    all_years_standard_error: float
    percentiles: pd.DataFrame
    target_quantiles: pd.DataFrame
    baseline: pd.DataFrame
    tornado: pd.DataFrame
    outcomes: pd.DataFrame
    spec: MonteCarloSpec
    schedule: dict[str, int]
    elapsed_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    renewal_decided: bool = False
    reinvestment_policy: str = ""

    def probability(self, target_id: str) -> pd.Series:
        """P(target holds) per year."""
        p = self.probabilities
        return p[p["target_id"] == target_id].set_index("year")["probability"]

    def line(self, name: str) -> pd.DataFrame:
        """Percentiles of one line, indexed by year."""
        p = self.percentiles
        return p[p["line"] == name].drop(columns="line").set_index("year")

    def max_standard_error(self) -> float:
        return float(self.probabilities["standard_error"].max()) if len(self.probabilities) else 0.0

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Tidy tables for a workbook or CSV files, with Swedish headers (:data:`FRAME_HEADERS`): a reader of the
        workbook sees ``sannolikhet``, not ``probability``."""
        drivers = pd.DataFrame([{**d.to_dict(), "params": ", ".join(f"{k}={v:g}" for k, v in d.params.items()),
                                 "parameters": ", ".join(f"{p} ×{w:g}" for p, w in zip(d.parameters, d.loadings,
                                                                                     strict=True))}
                                for d in self.spec.drivers])
        frames = {"sannolikheter": self.probabilities, "alla_mål": self.joint, "percentiler": self.percentiles,
                  "målvärden": self.target_quantiles, "basprognos": self.baseline, "tornado": self.tornado,
                  "utfall": self.outcomes, "drivare": drivers}
        # the target margins' quantiles are computed only when asked for: no empty sheet otherwise
        return {name: df.rename(columns=FRAME_HEADERS) for name, df in frames.items()
                if len(df) or name != "målvärden"}

    def to_json_dict(self) -> dict[str, Any]:
        def recs(df: pd.DataFrame) -> list[dict[str, Any]]:
            from hushall.needs import records

            return records(df)

        return {
            "years": list(self.years), "n_draws": self.n_draws, "seed": self.seed, "chunk_size": self.chunk_size,
            "quantiles": list(self.quantiles), "exact_quantiles": self.exact_quantiles,
            "elapsed_s": round(self.elapsed_s, 3), "schedule": dict(self.schedule),
            "renewal_decided": self.renewal_decided, "reinvestment_policy": self.reinvestment_policy,
            "probabilities": recs(self.probabilities), "joint": recs(self.joint),
            "all_years_probability": self.all_years_probability,
            "all_years_standard_error": self.all_years_standard_error,
            "max_standard_error": self.max_standard_error(),
            "percentiles": recs(self.percentiles), "target_quantiles": recs(self.target_quantiles),
            "baseline": recs(self.baseline), "tornado": recs(self.tornado), "outcomes": recs(self.outcomes),
            "drivers": [d.to_dict() for d in self.spec.drivers],
            "correlation": {"order": list(self.spec.keys), "matrix": self.spec.correlation.tolist(),
                            "reference": self.spec.correlation_reference},
        }


def _margin(r: Any, n_s: int, n_t: int) -> FloatArray:
    """A target's margin per draw and year: kr (≥ 0 = holds), or projects under the ceiling."""
    if TARGET_TYPES[r.target_type].unit == "count":
        return np.broadcast_to(r.limit, (n_s, n_t)) - np.broadcast_to(r.value, (n_s, n_t))
    return np.broadcast_to(r.margin_kr, (n_s, n_t))


def _se(p: FloatArray, n: int) -> FloatArray:
    return np.sqrt(np.clip(p * (1.0 - p), 0.0, None) / max(n, 1))


def simulate(
    data: MunicipalityData,
    schedule: Mapping[str, int] | None = None,
    spec: MonteCarloSpec | None = None,
    *,
    n_draws: int = 10_000,
    seed: int = 1,
    chunk_size: int = 10_000,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    exact_quantiles: bool | None = None,
    target_quantiles: bool = False,
    threads: int = 1,
    reinvestment_policy: RenewalPlan | None = None,
) -> MonteCarloResult:
    """Simulate a plan over ``n_draws`` futures.

    Parameters
    ----------
    data
        The municipality (its baseline: sheet ``Antaganden``, ``Befolkning``, ``Projekt``, ``Mål``).
    schedule
        Project id → start year; ``None`` = the projects already decided.
    spec
        The uncertain drivers (default: :meth:`MonteCarloSpec.for_data`: the stated defaults, with the execution
        rate and cost overrun measured in sheet ``Utfall`` when the municipality has outcomes).
    n_draws, seed
        Number of futures and the seed: the same seed gives the same numbers.
    chunk_size
        Draws computed at once (memory ≈ 30 kB per draw for Exempelkommun); does not change any result. Fewer
        draws than ``threads × chunk_size`` are split evenly over the threads.
    reinvestment_policy
        The optimiser's renewal of this plan (:meth:`hushall.optimize.OptimizationResult.renewal_plan`) when it
        decided the reinvestment: every draw renews each pool of components as the plan says, as far as the
        draw's late projects allow (:mod:`hushall.scenarios.plan`), so the draw without uncertainty is
        ``forecast(data, schedule, reinvestment_policy=...)`` to the krona. ``None``: the data's policy.
    threads
        Chunks computed side by side in threads (at most one per core); does not change any result. NumPy
        releases the GIL in its loops, so two threads help on an idle two-core machine, but each holds a chunk
        in memory and they slow down when the cores are busy: one by default.
    quantiles
        The percentiles reported (default P10, P50, P90).
    target_quantiles
        Also give the percentiles of every target's margin per year (:attr:`MonteCarloResult.target_quantiles`;
        used by :mod:`hushall.scenarios.robust`).
    exact_quantiles
        Keep every draw's lines and compute exact percentiles; default: when they take at most
        :data:`EXACT_BUDGET_BYTES`, else per-year histograms of 4 096 bins fixed on the first chunk's range
        (widened by half of it on both sides; the resolution is about 1/2 000 of the first chunk's range).
    """
    if n_draws < 1:
        raise ValueError("n_draws must be at least 1")
    t0 = time.perf_counter()
    spec = spec or MonteCarloSpec.for_data(data)
    sched = Schedule.committed(ProjectCatalog.from_data(data)) if schedule is None else Schedule(schedule)
    ctx = _context(data, sched, spec, seed, reinvestment_policy)
    n_t = ctx.plan.n_years
    years = tuple(int(y) for y in data.years)
    qs = tuple(float(q) for q in quantiles)
    workers = max(1, min(int(threads), os.cpu_count() or 1, 8))
    # Split small runs over the threads too (chunking never changes a result).
    chunk_size = max(1, min(int(chunk_size), max(BLOCK, -(-n_draws // workers))))

    # The plan without uncertainty, through the same engine (also tells which targets there are).
    det = _chunk(replace(ctx, spec=spec.deterministic()), 0, 1)
    target_meta = det["targets"]
    n_targets = len(target_meta)
    n_lines = len(LINES) + (n_targets if target_quantiles else 0)
    if exact_quantiles is None:
        exact_quantiles = n_draws * n_lines * n_t * 8 <= EXACT_BUDGET_BYTES
    acc = _Quantiles(n_lines, n_t, exact_quantiles)
    sums = np.zeros((n_lines, n_t))
    finite_counts = np.zeros((n_lines, n_t))
    met = np.zeros((n_targets, n_t), dtype=np.int64)
    joint = np.zeros(n_t, dtype=np.int64)
    all_years = 0
    n_k = len(spec.drivers)
    outcome_keys = list(OUTCOMES)
    n_o = len(outcome_keys)
    o_sum = np.zeros(n_o)
    o_sq = np.zeros(n_o)
    bin_n = np.zeros((n_k, 10), dtype=np.int64)
    bin_sum = np.zeros((n_o, n_k, 10))
    xtx = np.zeros((n_k + 1, n_k + 1))  # Σ x xᵀ, x = (1, shocks): the least squares of the drivers' own effects
    xty = np.zeros((n_o, n_k + 1))
    active = np.array([r.active for r in target_meta]).reshape(n_targets, n_t)

    def consume(res: dict[str, Any]) -> None:
        nonlocal all_years
        n_s = res["summary"].shape[0]
        extra = [_margin(r, n_s, n_t) for r in res["targets"]] if target_quantiles else []
        values = np.stack([*(res["lines"][k] for k in LINES), *extra], axis=1)
        acc.add(values)
        finite = np.isfinite(values)
        sums[...] += np.where(finite, values, 0.0).sum(axis=0)
        finite_counts[...] += finite.sum(axis=0)
        ok = np.ones((n_s, n_t), dtype=bool)
        for i, r in enumerate(res["targets"]):
            m = np.broadcast_to(r.met, (n_s, n_t))
            met[i] += m.sum(axis=0)
            ok &= m | ~active[i][None, :]
        joint[...] += ok.sum(axis=0)
        all_years += int(ok.all(axis=1).sum())
        y = np.stack([np.asarray(res["outcomes"][k], dtype=float) for k in outcome_keys])  # (O, S)
        o_sum[...] += y.sum(axis=1)
        o_sq[...] += (y * y).sum(axis=1)
        bins = np.searchsorted(DECILE_EDGES, res["summary"])  # (S, K)
        x = np.column_stack([np.ones(n_s), res["summary"]])
        xtx[...] += x.T @ x
        xty[...] += y @ x
        for k in range(n_k):
            bin_n[k] += np.bincount(bins[:, k], minlength=10)
            for o in range(n_o):
                bin_sum[o, k] += np.bincount(bins[:, k], weights=y[o], minlength=10)

    starts = range(0, n_draws, chunk_size)
    if workers == 1 or len(starts) == 1:
        for a in starts:
            consume(_chunk(ctx, a, min(n_draws, a + chunk_size)))
    else:
        # NumPy releases the GIL in its array loops: chunks run side by side, and are consumed in order so that
        # every sum is the same as in one thread. At most ``workers`` chunks are held at once.
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: deque[Any] = deque()
            for a in starts:
                pending.append(pool.submit(_chunk, ctx, a, min(n_draws, a + chunk_size)))
                if len(pending) >= workers:
                    consume(pending.popleft().result())
            while pending:
                consume(pending.popleft().result())

    n = n_draws
    target_ids = [r.target_id for r in target_meta]
    target_types = [r.target_type for r in target_meta]
    prob_rows = []
    for i, r in enumerate(target_meta):
        p = met[i] / n
        se = _se(p, n)
        lim = np.asarray(r.limit, dtype=float).reshape(-1, n_t)[0]
        for t in (int(x) for x in np.flatnonzero(r.active)):
            prob_rows.append({"target_id": r.target_id, "target_type": r.target_type, "year": years[t],
                              "limit": float(lim[t]) if r.target_type != "balanskrav" else 0.0,
                              "probability": float(p[t]), "standard_error": float(se[t])})
    probabilities = pd.DataFrame(prob_rows, columns=["target_id", "target_type", "year", "limit", "probability",
                                                     "standard_error"])
    any_active = active.any(axis=0)
    pj = joint / n
    joint_df = pd.DataFrame({"year": np.asarray(years)[any_active], "probability": pj[any_active],
                             "standard_error": _se(pj, n)[any_active]})
    qv = acc.quantiles(qs)  # (Q, L, T)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / finite_counts
    pct_rows: dict[str, list[Any]] = {"line": [], "year": [], "mean": []}
    for q in qs:
        pct_rows[quantile_name(q)] = []
    tq_rows: dict[str, list[Any]] = {"target_id": [], "target_type": [], "year": [], "mean": []}
    for q in qs:
        tq_rows[quantile_name(q)] = []
    for li in range(n_lines):
        head: dict[str, str]
        if li < len(LINES):
            rows, head = pct_rows, {"line": LINES[li]}
            ts = list(range(n_t))
        else:
            i = li - len(LINES)
            rows, head = tq_rows, {"target_id": target_ids[i], "target_type": target_types[i]}
            ts = [int(x) for x in np.flatnonzero(active[i])]
        for t in ts:
            for column, v in head.items():
                rows[column].append(v)
            rows["year"].append(years[t])
            rows["mean"].append(float(means[li, t]))
            for qi, q in enumerate(qs):
                rows[quantile_name(q)].append(float(qv[qi, li, t]))
    percentiles = pd.DataFrame(pct_rows)
    target_quantiles = pd.DataFrame(tq_rows)

    baseline = pd.DataFrame({
        "line": np.repeat(np.asarray(LINES, dtype=object), n_t),
        "year": np.tile(np.asarray(years), len(LINES)),
        "value": np.concatenate([np.asarray(det["lines"][k], dtype=float)[0] for k in LINES]),
    })
    mean_o = o_sum / n
    var_o = np.maximum(o_sq / n - mean_o**2, 0.0)
    beta = np.linalg.lstsq(xtx, xty.T, rcond=None)[0]  # (K + 1, O)
    tornado_rows = []
    for o, outcome in enumerate(outcome_keys):
        for k, d in enumerate(spec.drivers):
            counts = bin_n[k]
            with np.errstate(invalid="ignore", divide="ignore"):
                bin_mean = bin_sum[o, k] / counts
            own = float(beta[1 + k, o]) * TENTH_MEAN
            low, high = float(mean_o[o]) - own, float(mean_o[o]) + own
            filled = counts > 0
            between = float((counts[filled] * (bin_mean[filled] - mean_o[o]) ** 2).sum() / n)
            # Between-bin variance of pure noise is about (bins − 1)/n of the total: remove that bias.
            share = (between - (filled.sum() - 1) / n * var_o[o]) / var_o[o] if var_o[o] > 0 else 0.0
            tornado_rows.append({"outcome": outcome, "driver": d.key, "label": d.label, "low": low, "high": high,
                                 "swing": high - low, "variance_share": float(np.clip(share, 0.0, 1.0))})
    tornado = pd.DataFrame(tornado_rows)
    outcomes = pd.DataFrame({"outcome": outcome_keys, "label": [OUTCOMES[k] for k in outcome_keys],
                             "mean": mean_o, "sd": np.sqrt(var_o),
                             "baseline": [float(np.asarray(det["outcomes"][k])[0]) for k in outcome_keys]})
    p_all = all_years / n
    return MonteCarloResult(
        years=years, n_draws=n, seed=seed, chunk_size=chunk_size, quantiles=qs, exact_quantiles=exact_quantiles,
        probabilities=probabilities, joint=joint_df, all_years_probability=float(p_all),
        all_years_standard_error=float(_se(np.array(p_all), n)), percentiles=percentiles,
        target_quantiles=target_quantiles, baseline=baseline, tornado=tornado, outcomes=outcomes, spec=spec,
        schedule=dict(sched.items()), elapsed_s=time.perf_counter() - t0,
        renewal_decided=reinvestment_policy is not None,
        reinvestment_policy="plan" if reinvestment_policy is not None else reinvestment_path(data).policy,
    )


__all__ = [
    "BLOCK",
    "DEFAULT_QUANTILES",
    "LINES",
    "LOWER_BOUND_TARGETS",
    "OUTCOMES",
    "Driver",
    "MonteCarloResult",
    "MonteCarloSpec",
    "draw_numbers",
    "execution_probability",
    "quantile_name",
    "simulate",
    "simulate_chunk",
]
