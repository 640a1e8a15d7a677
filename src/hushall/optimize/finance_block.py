r"""The financial model restated as linear yearly equations — one description, two uses.

A :class:`FinancialBlock` holds the yearly recursion of the long-term financial model as linear equations in a
few yearly variables (result, borrowing, debt, cash, equity, …) and the projects' yearly aggregates
(investment cash, depreciation, operating-cost change). From this one description

* :func:`hushall.optimize.model.define_financial_block` writes the equations and every target in Mål as rows of
  the MILP, and
* :meth:`FinancialBlock.replay` runs the same recursion forward for given project aggregates (vectorised over a
  batch of plans), with the treasury rule of the financial model: borrow exactly what keeps cash at the floor,
  nothing when cash is above it; with a liquidity target, repay debt with the cash above it.

In the MILP, borrowing and repayment are continuous variables (repayment gated by one binary per year); after the
binaries are fixed the write-back takes the repayment from the replay and minimises borrowing, which reproduces
the rule, so the optimiser's statements equal the replay's (and the financial model's) to the krona.

Equation ``e`` in year ``t`` reads

.. math::  \sum_{(v, \ell)} a^e_{v,\ell}(t)\, v(t-\ell) + \sum_{(g, \ell)} b^e_{g,\ell}(t)\, G(t-\ell) = r^e(t)

where ``v(t - ℓ)`` before the first plan year is taken from ``history`` (base-year values) and ``G`` are the
aggregates of :data:`AGGREGATES` (zero before the first plan year). Targets have the same form with ``>=``
or ``<=``.

Examples
--------
>>> import numpy as np
>>> fb = simple_financial_block(np.arange(2025, 2028), base_result_kr=np.full(3, 10.0e6),
...     base_investment_kr=np.zeros(3), base_depreciation_kr=np.zeros(3), interest_rate=np.full(3, 0.05),
...     cash_rate=np.zeros(3), amortisation=np.zeros(3), cash_floor_kr=np.full(3, 5.0e6),
...     initial={"debt": 100e6, "cash": 5e6, "equity": 50e6, "fixed_assets": 145e6}, other_assets_kr=0.0,
...     revenue_kr=np.full(3, 500e6), population=np.full(3, 10_000.0), targets=[])
>>> path = fb.replay({"invest_nominal": np.array([[20e6, 0, 0]])})
>>> path["borrowing"][0].round().tolist()   # 10 Mkr result - 5 interest - 20 invest -> borrow 15
[15000000.0, 0.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hushall.data.target_types import TARGET_TYPES

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Yearly totals of the chosen projects that enter the financial model (kr, nominal except ``invest_real``).
AGGREGATES: tuple[str, ...] = ("invest_nominal", "invest_real", "depreciation", "operating_cost", "expensed",
                                "sale_proceeds", "written_off", "realisation_gain", "maintenance_relief",
                                "renewal_real", "renewal_need_avoided")

#: Aggregates the model defines only when the problem has the effect (targets on them are added only then).
#: ``renewal_real`` is the reinvestment the optimiser decides (:mod:`hushall.optimize.renewal_decisions`);
#: ``renewal_need_avoided`` the renewal need the chosen projects take off (real kr).
OPTIONAL_AGGREGATES: frozenset[str] = frozenset({"maintenance_relief", "renewal_real", "renewal_need_avoided"})

Terms = dict[tuple[str, int], FloatArray]


@dataclass
class Equation:
    """One yearly equation of the recursion (see the module docstring)."""

    name: str
    terms: Terms
    effects: Terms
    rhs: FloatArray


@dataclass
class FinancialTarget:
    """One target of Mål as a yearly linear row ``terms + effects (>= | <=) rhs`` in the years of ``mask``.

    ``label`` says in Swedish what the row means; the row is in kr, so "one more Mkr of room" moves ``rhs``
    by 1 000 000.
    """

    target_id: str
    target_type: str
    label: str
    sense: str  # "ge" or "le"
    terms: Terms
    effects: Terms
    rhs: FloatArray
    mask: NDArray[np.bool_]


@dataclass
class BalanskravTarget:
    """The balanced-budget requirement on the balanskravsresultat ``BKR`` (``FinancialBlock.balanskrav_mode``):
    ``"restore"`` — a negative ``BKR`` is restored within the three following years, first in first out
    (KL 11 kap. 12 §); ``"strict"`` — ``BKR_t >= 0`` from the first plan year (KL 11 kap. 5 §). For restore:

    ``BKR_t = terms + effects + constant_t``. With ``d_t = max(0, -BKR_t)`` and the unrestored deficits
    ``U_t = max(0, U_{t-1} - BKR_t)`` (``U_{-1} = 0``: no deficits known from before the plan), year ``t`` fails
    by ``overdue_t = max(0, U_t - d_t - d_{t-1} - d_{t-2})`` — the rule of :mod:`hushall.finance.targets`.
    In the MILP ``d_t`` is exact through one binary per year (deficit or not) and ``U_t`` is bounded below by the
    recursion; the row ``d_t + d_{t-1} + d_{t-2} - U_t >= 0`` is then the requirement.
    """

    target_id: str
    label: str
    terms: Terms
    effects: Terms
    constant: FloatArray
    mask: NDArray[np.bool_]
    big_m_kr: float


def balanskrav_overdue(bkr: np.ndarray) -> np.ndarray:
    """``overdue_t`` of :class:`BalanskravTarget` for balanskravsresultat ``bkr`` shaped ``(..., T)``.

    >>> balanskrav_overdue(np.array([-10.0, 0.0, 0.0, 4.0, 20.0])).tolist()
    [0.0, 0.0, 0.0, 6.0, 0.0]
    """
    b = np.asarray(bkr, dtype=float)
    d = np.maximum(0.0, -b)
    out = np.zeros_like(b)
    u = np.zeros(b.shape[:-1])
    d1 = np.zeros(b.shape[:-1])
    d2 = np.zeros(b.shape[:-1])
    for t in range(b.shape[-1]):
        u = np.maximum(0.0, u - b[..., t])
        out[..., t] = np.maximum(0.0, u - d[..., t] - d1 - d2)
        d2, d1 = d1, d[..., t]
    return out


@dataclass
class FinancialBlock:
    """The financial model's recursion and targets as linear yearly equations (amounts in kr).

    ``variables`` are yearly unknowns; there is one equation fewer than variables, the remaining degree of
    freedom being ``borrowing`` (>= 0), chosen so that ``cash`` stays at or above ``cash_floor`` — two fewer
    with a treasury that repays (``repayment``, >= 0): cash above ``cash_target`` repays debt.
    """

    years: IntArray
    variables: tuple[str, ...]
    history: dict[str, FloatArray]
    equations: list[Equation]
    targets: list[FinancialTarget]
    cash_floor: FloatArray
    borrowing: str = "borrowing"
    cash: str = "cash"
    source: str = ""
    balanskrav: list[BalanskravTarget] = field(default_factory=list)
    #: ``"restore"`` (default): a deficit is allowed if restored within three years, first in first out
    #: (KL 11 kap. 12 §) — exactly as :mod:`hushall.finance.targets` evaluates it, with one binary per year.
    #: ``"strict"``: the balanskravsresultat is at least 0 in every year from the first plan year through the
    #: target's last year (KL 11 kap. 5 §: revenue exceeds costs) — linear, faster, and sufficient for the
    #: restoration rule.
    balanskrav_mode: str = "restore"
    extra: dict[str, FloatArray] = field(default_factory=dict)
    #: The treasury's extra repayment ``E >= 0`` (a variable of ``variables``), or ``None``: debt is repaid only
    #: by the scheduled amortisation and cash may grow without bound (:func:`simple_financial_block`).
    repayment: str | None = None
    #: The liquidity target per year (kr): cash above it repays debt (with ``repayment``; ``inf``: no target).
    cash_target: FloatArray | None = None
    debt: str = "debt"

    @property
    def n_years(self) -> int:
        return len(self.years)

    def history_value(self, var: str, t: int) -> float:
        """Value of ``var`` in year index ``t < 0`` (``-1`` is the base year)."""
        h = self.history.get(var)
        if h is None or -t > len(h):
            raise KeyError(f"no history for {var!r} at year index {t}")
        return float(h[t])

    # -- replay --------------------------------------------------------------------------------------------
    def _regimes(self) -> list[tuple[str, ...]]:
        """The variables fixed in each regime of the treasury rule, in the order :meth:`replay` tries them.

        Without repayment: borrowing = 0 (0), cash = floor (1). With repayment: borrowing = repayment = 0 (0);
        cash = floor, repayment = 0 (1); borrowing = 0, cash = target (2); borrowing = 0, debt = 0 (3).
        """
        if self.repayment is None:
            return [(self.borrowing,), (self.cash,)]
        return [(self.borrowing, self.repayment), (self.cash, self.repayment), (self.borrowing, self.cash),
                (self.borrowing, self.debt)]

    def _systems(self) -> list[np.ndarray]:
        """Per regime and year, the inverse of the lag-0 system with the regime's variables fixed."""
        k, n_t = len(self.variables), self.n_years
        pos = {v: i for i, v in enumerate(self.variables)}
        free = 1 if self.repayment is None else 2
        if len(self.equations) != k - free:
            raise ValueError(f"{len(self.equations)} equations for {k} variables; need {free} fewer")
        a0 = np.zeros((n_t, k, k))
        for e_i, eq in enumerate(self.equations):
            for (var, lag), coef in eq.terms.items():
                if lag == 0:
                    a0[:, e_i, pos[var]] += coef
        out = []
        for fixed in self._regimes():
            mat = a0.copy()
            for r, var in enumerate(fixed):
                mat[:, k - free + r, pos[var]] = 1.0
            out.append(np.linalg.inv(mat))
        return out

    def _compiled(self) -> dict[str, object]:
        """The recursion as per-year matrices (built once): lag-0 inverses, lag and effect coefficients."""
        cached: dict[str, object] | None = self.__dict__.get("_compiled_cache")
        if cached is not None:
            return cached
        k, n_t, m = len(self.variables), self.n_years, len(self.equations)
        pos = {v: i for i, v in enumerate(self.variables)}
        inverses = self._systems()
        lag_mats: dict[int, np.ndarray] = {}
        eff_mats: dict[int, np.ndarray] = {}
        rhs = np.zeros((n_t, m))
        for e_i, eq in enumerate(self.equations):
            rhs[:, e_i] = eq.rhs
            for (var, lag), coef in eq.terms.items():
                if lag == 0:
                    continue
                mat = lag_mats.setdefault(lag, np.zeros((n_t, m, k)))
                mat[:, e_i, pos[var]] += coef
                for t in range(min(lag, n_t)):
                    if coef[t] != 0:
                        rhs[t, e_i] -= coef[t] * self.history_value(var, t - lag)
            for (g, lag), coef in eq.effects.items():
                mat = eff_mats.setdefault(lag, np.zeros((n_t, m, len(AGGREGATES))))
                mat[:, e_i, AGGREGATES.index(g)] += coef
        for lag, mat in lag_mats.items():
            mat[: min(lag, n_t)] = 0.0  # moved to rhs
        compiled: dict[str, object] = {"inv": inverses, "lag": lag_mats, "eff": eff_mats, "rhs": rhs, "pos": pos}
        self.__dict__["_compiled_cache"] = compiled
        return compiled

    def replay(self, effects: Mapping[str, np.ndarray]) -> dict[str, FloatArray]:
        """Run the recursion forward for a batch of plans, with the treasury rule of
        :func:`hushall.finance.model.run`.

        Each year, first without new loans or extra repayment (``C*``, the cash before borrowing); below the
        floor, borrow to the floor (:math:`B = golv - C^*`); with a liquidity target (``repayment``) and cash above
        it, repay debt down to the target (:math:`E = C^* - mål`) — or all the debt, if that is less
        (:math:`E = L_{t-1} - A_t`, debt 0). Exactly the rule ``B = max(0, golv − C*)``,
        ``E = min(max(0, C* − mål), L_{t−1} − A_t)`` of the financial model.

        Parameters
        ----------
        effects
            Aggregates of the chosen projects, each shaped ``(B, T)`` (or ``(T,)`` for one plan); missing
            aggregates are zero.

        Returns
        -------
        dict
            Every variable shaped ``(B, T)`` (kr).
        """
        c = self._compiled()
        k, n_t = len(self.variables), self.n_years
        m = len(self.equations)
        eff_in = {g: np.atleast_2d(np.asarray(v, dtype=float)) for g, v in effects.items() if g in AGGREGATES}
        batch = max((v.shape[0] for v in eff_in.values()), default=1)
        e = np.zeros((batch, n_t, len(AGGREGATES)))
        for g, v in eff_in.items():
            e[:, :, AGGREGATES.index(g)] = v
        pos: dict[str, int] = c["pos"]  # type: ignore[assignment]
        ib, ic = pos[self.borrowing], pos[self.cash]
        inv: list[np.ndarray] = c["inv"]  # type: ignore[assignment]
        rhs: np.ndarray = c["rhs"]  # type: ignore[assignment]
        lag_mats: dict[int, np.ndarray] = c["lag"]  # type: ignore[assignment]
        eff_mats: dict[int, np.ndarray] = c["eff"]  # type: ignore[assignment]
        target = self.target_path()
        z = np.zeros((batch, n_t, k))
        b = np.zeros((batch, k))
        for t in range(n_t):
            b[:, :m] = rhs[t]
            for lag, mat in lag_mats.items():
                if t - lag >= 0:
                    b[:, :m] -= z[:, t - lag, :] @ mat[t].T
            for lag, mat in eff_mats.items():
                if t - lag >= 0:
                    b[:, :m] -= e[:, t - lag, :] @ mat[t].T
            b[:, m:] = 0.0
            sol = b @ inv[0][t].T
            short = sol[:, ic] < self.cash_floor[t]
            if short.any():
                b1 = b[short].copy()
                b1[:, m] = self.cash_floor[t]
                sol[short] = b1 @ inv[1][t].T
            if self.repayment is not None and np.isfinite(target[t]):
                idebt = pos[self.debt]
                excess = ~short & (sol[:, ic] > target[t]) & (sol[:, idebt] > 0.0)
                if excess.any():
                    b2 = b[excess].copy()
                    b2[:, m + 1] = target[t]
                    s2 = b2 @ inv[2][t].T
                    all_debt = s2[:, idebt] < 0.0
                    if all_debt.any():
                        b3 = b2[all_debt].copy()
                        b3[:, m + 1] = 0.0
                        s2[all_debt] = b3 @ inv[3][t].T
                    sol[excess] = s2
                ir = pos[self.repayment]
                sol[:, ir] = np.maximum(sol[:, ir], 0.0)
            sol[:, ib] = np.maximum(sol[:, ib], 0.0)
            z[:, t, :] = sol
        return {v: z[:, :, i] for v, i in pos.items()}

    def rule_dominates(self) -> bool:
        """Whether the treasury rule of :meth:`replay` is, for a fixed plan, at least as good for every target as
        any other borrowing and repayment the MILP allows (the argument is in
        :func:`hushall.optimize.model.define_financial_block`): the loan portfolio's rate at least the deposit
        rate, ``0 <= a_t <= 1`` and a deposit rate above −100 % in every year. ``False`` when the rates are not
        known (``extra``: ``loan_rate``, ``deposit_rate``, ``amortisation_share``)."""
        try:
            r, rho, a = (np.asarray(self.extra[k], dtype=float)
                         for k in ("loan_rate", "deposit_rate", "amortisation_share"))
        except KeyError:
            return False
        return bool(np.all(r >= rho) and np.all((a >= 0) & (a <= 1)) and np.all(rho > -1))

    def target_path(self) -> FloatArray:
        """The liquidity target per year (kr): cash above it repays debt; ``inf`` where there is none. Never below
        the floor (as :func:`hushall.finance.model.run`)."""
        if self.repayment is None or self.cash_target is None:
            return np.full(self.n_years, np.inf)
        return np.maximum(np.asarray(self.cash_target, dtype=float), np.asarray(self.cash_floor, dtype=float))

    def expression(self, terms: Terms, effects: Terms, path: Mapping[str, np.ndarray],
                   eff: Mapping[str, np.ndarray]) -> FloatArray:
        """``terms + effects`` per plan and year (kr), shaped ``(B, T)``."""
        first = next(iter(path.values()))
        batch, n_t = first.shape
        act = np.zeros((batch, n_t))
        for (var, lag), coef in terms.items():
            shifted = np.empty((batch, n_t))
            if lag:
                shifted[:, lag:] = path[var][:, : n_t - lag]
                for t in range(min(lag, n_t)):
                    shifted[:, t] = self.history_value(var, t - lag) if coef[t] != 0 else 0.0
            else:
                shifted[:] = path[var]
            act += coef[None, :] * shifted
        for (g, lag), coef in effects.items():
            if g in eff:
                shifted = np.zeros((batch, n_t))
                shifted[:, lag:] = eff[g][:, : n_t - lag]
                act += coef[None, :] * shifted
        return act

    def target_activity(
        self, path: Mapping[str, np.ndarray], effects: Mapping[str, np.ndarray]
    ) -> list[tuple[FinancialTarget, FloatArray]]:
        """Each linear target's left-hand side per plan and year (kr), shaped ``(B, T)``."""
        eff = {g: np.atleast_2d(np.asarray(v, dtype=float)) for g, v in effects.items()}
        return [(tg, self.expression(tg.terms, tg.effects, path, eff)) for tg in self.targets]

    def balanskravsresultat(self, bk: BalanskravTarget, path: Mapping[str, np.ndarray],
                            effects: Mapping[str, np.ndarray]) -> FloatArray:
        eff = {g: np.atleast_2d(np.asarray(v, dtype=float)) for g, v in effects.items()}
        return self.expression(bk.terms, bk.effects, path, eff) + bk.constant[None, :]

    def violations(
        self, path: Mapping[str, np.ndarray], effects: Mapping[str, np.ndarray]
    ) -> list[tuple[FinancialTarget | BalanskravTarget, FloatArray]]:
        """Each target's shortfall per plan and year (kr, >= 0; 0 where met or not applicable)."""
        out: list[tuple[FinancialTarget | BalanskravTarget, FloatArray]] = []
        for tg, act in self.target_activity(path, effects):
            gap = (tg.rhs[None, :] - act) if tg.sense == "ge" else (act - tg.rhs[None, :])
            out.append((tg, np.where(tg.mask[None, :], np.maximum(gap, 0.0), 0.0)))
        for bk in self.balanskrav:
            bkr = self.balanskravsresultat(bk, path, effects)
            if self.balanskrav_mode == "restore":
                short = np.where(bk.mask[None, :], balanskrav_overdue(bkr), 0.0)
            else:
                upto = np.arange(self.n_years) <= (np.flatnonzero(bk.mask).max() if bk.mask.any() else -1)
                short = np.where(upto[None, :], np.maximum(-bkr, 0.0), 0.0)
            out.append((bk, short))
        return out


def rolling_terms(var: str, coef: FloatArray, window: int) -> Terms:
    """``sum_{l < window} coef * var(t - l)``, truncated at the first plan year (lags before it get 0)."""
    n_t = len(coef)
    terms: Terms = {}
    for lag in range(window):
        c = np.asarray(coef, dtype=float).copy()
        c[: min(lag, n_t)] = 0.0
        terms[(var, lag)] = c
    return terms


def simple_financial_block(
    years: IntArray,
    base_result_kr: FloatArray,
    base_investment_kr: FloatArray,
    base_depreciation_kr: FloatArray,
    interest_rate: FloatArray,
    cash_rate: FloatArray,
    amortisation: FloatArray,
    cash_floor_kr: FloatArray,
    initial: Mapping[str, float],
    other_assets_kr: float,
    revenue_kr: FloatArray,
    population: FloatArray,
    targets: Sequence[Mapping[str, object]],
) -> FinancialBlock:
    r"""A compact municipal financial model (used by the synthetic municipalities).

    Yearly recursion (kr; ``G``: the chosen projects' aggregates)

    * interest: :math:`i_t = r_t D_{t-1} - \rho_t K_{t-1}`
    * result: :math:`R_t = R^0_t - \mathrm{DEP}_t - \mathrm{OPC}_t - i_t`  (``R^0``: result before the
      projects and before interest, existing depreciation included)
    * debt: :math:`D_t = (1 - a_t) D_{t-1} + B_t`
    * cash: :math:`K_t = K_{t-1} + R_t + \mathrm{DEP}_t + \mathrm{DEP}^0_t - \mathrm{INV}_t - \mathrm{INV}^0_t
      + B_t - a_t D_{t-1}`
    * fixed assets: :math:`F_t = F_{t-1} + \mathrm{INV}_t + \mathrm{INV}^0_t - \mathrm{DEP}_t - \mathrm{DEP}^0_t`
    * equity: :math:`E_t = E_{t-1} + R_t`

    with borrowing :math:`B_t \ge 0` the least that keeps :math:`K_t \ge` the cash floor.

    ``targets`` are dicts with ``target_id``, ``target_type`` (a Mål type), ``limit``, ``period_years`` and a
    boolean ``mask`` over the years.
    """
    years = np.asarray(years)
    n_t = len(years)
    one = np.ones(n_t)
    zero = np.zeros(n_t)
    variables = ("interest", "result", "borrowing", "debt", "cash", "fixed_assets", "equity")
    eqs = [
        Equation("interest", {("interest", 0): one, ("debt", 1): -np.asarray(interest_rate, float),
                              ("cash", 1): np.asarray(cash_rate, float)}, {}, zero.copy()),
        Equation("result", {("result", 0): one, ("interest", 0): one},
                 {("depreciation", 0): one, ("operating_cost", 0): one}, np.asarray(base_result_kr, float)),
        Equation("debt", {("debt", 0): one, ("debt", 1): -(1 - np.asarray(amortisation, float)),
                          ("borrowing", 0): -one}, {}, zero.copy()),
        Equation("cash", {("cash", 0): one, ("cash", 1): -one, ("result", 0): -one, ("borrowing", 0): -one,
                          ("debt", 1): np.asarray(amortisation, float)},
                 {("depreciation", 0): -one, ("invest_nominal", 0): one},
                 np.asarray(base_depreciation_kr, float) - np.asarray(base_investment_kr, float)),
        Equation("fixed_assets", {("fixed_assets", 0): one, ("fixed_assets", 1): -one},
                 {("invest_nominal", 0): -one, ("depreciation", 0): one},
                 np.asarray(base_investment_kr, float) - np.asarray(base_depreciation_kr, float)),
        Equation("equity", {("equity", 0): one, ("equity", 1): -one, ("result", 0): -one}, {}, zero.copy()),
    ]
    history = {k: np.array([float(v)]) for k, v in initial.items()}
    history.setdefault("interest", np.array([0.0]))
    history.setdefault("result", np.array([0.0]))
    history.setdefault("borrowing", np.array([0.0]))
    tgs: list[FinancialTarget] = []
    bks: list[BalanskravTarget] = []
    revenue = np.asarray(revenue_kr, float)
    for spec in targets:
        tid, ttype = str(spec["target_id"]), str(spec["target_type"])
        limit = float(spec["limit"])  # type: ignore[arg-type]
        period = int(spec.get("period_years", 1) or 1)  # type: ignore[call-overload]
        mask = np.asarray(spec.get("mask", np.ones(n_t, bool)), dtype=bool)
        label = TARGET_TYPES[ttype].describe(limit, period)  # the words are the registry's
        if ttype == "resultat_andel":
            tgs.append(FinancialTarget(tid, ttype, label, "ge", {("result", 0): one}, {}, limit * revenue, mask))
        elif ttype == "balanskrav":
            bks.append(BalanskravTarget(tid, label, {("result", 0): one},
                                        {}, np.zeros(n_t), mask, 5.0 * float(np.max(np.abs(revenue)))))
        elif ttype == "självfinansieringsgrad":
            # sum over the window of (result + depreciation) >= limit * sum of investment
            base = np.array([np.sum(base_depreciation_kr[max(0, t - period + 1):t + 1])
                             - limit * np.sum(base_investment_kr[max(0, t - period + 1):t + 1])
                             for t in range(n_t)])
            effects = {**rolling_terms("depreciation", one, period),
                       **rolling_terms("invest_nominal", -limit * one, period)}
            tgs.append(FinancialTarget(tid, ttype, label, "ge", rolling_terms("result", one, period), effects, -base, mask))
        elif ttype == "låneskuld_per_invånare":
            tgs.append(FinancialTarget(tid, ttype, label, "le", {("debt", 0): one}, {}, limit * np.asarray(population, float), mask))
        elif ttype == "soliditet":
            tgs.append(FinancialTarget(tid, ttype, label, "ge",
                                       {("equity", 0): one, ("fixed_assets", 0): -limit * one,
                                        ("cash", 0): -limit * one}, {}, limit * other_assets_kr * one, mask))
    return FinancialBlock(years=years, variables=variables, history=history, equations=eqs, targets=tgs,
                          cash_floor=np.asarray(cash_floor_kr, float), source="hushall.optimize.finance_block",
                          balanskrav=bks)
