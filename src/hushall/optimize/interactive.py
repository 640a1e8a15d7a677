"""Interactive re-optimisation: the same municipality solved again and again as a person changes a criterion
weight or an investment frame (issue 14: a plan within 1 % in ≤ 2 s on the example; page Prioritera).

A :class:`Reoptimiser` keeps what a change of those limits leaves as it was:

* the **problem** (:func:`~hushall.optimize.inputs.problem_from_municipality`: columns, effects, places, the
  financial block — 0.11 s of the example's 0.75 s call). A changed weight re-weights the columns' values,
  :math:`v_j = (\\sum_k w_k s_{p(j),k})\\,\\delta_{c(j)}`, and the exchange rate :math:`\\kappa` (kr per point); a
  changed frame is the investment ceiling's right-hand side (:func:`~hushall.optimize.inputs.problem_with_limits`).
  The model is built again from that problem (:func:`~hushall.optimize.model.create_model`, 0.02 s): the
  objective's penalties in points (:math:`1/\\kappa`, the violation penalty) follow the weights exactly as a cold
  build has them, and the matrix is the same;
* the **LP relaxation's basis**: the changed model has the same rows and columns, so its LP starts from the last
  optimal basis (:func:`~hushall.optimize.solve.solve_lp_relaxation`: primal simplex after a changed objective,
  dual after a changed right-hand side; on the example 24–319 iterations instead of ≈ 2 700, 0.13 → 0.02–0.05 s);
* the **last plan**, where the next search starts (``optimize(start=…)``: repaired to the changed ceilings, kept
  when worth more than the greedy start), and with renewal decisions the branch and bound's **renewal** for it
  (:func:`~hushall.optimize.renewal_decisions.carry_solutions`), so that the plan is worth there what it was
  worth (Exempelkommun: 40,84 points with its own renewal, 40,81 with the two LPs' renewal a plan otherwise gets).

Any other change (a financial target, the tax, a project) makes the problem again, still from the last plan. The
re-optimised plan is what :func:`~hushall.optimize.api.optimize` of the changed data finds within the gap asked
for (``tests/optimize/test_optimize_interactive_session.py``).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> session = Reoptimiser(exempelkommun())
>>> first = session.optimise(time_limit=20, mip_gap=0.01)
>>> again = session.reoptimise(weights={"kapacitet": 0.3, "lagkrav": 0.25}, time_limit=2, mip_gap=0.01)
>>> again.weights["kapacitet"], again.gap <= 0.01, session.rebuilt
(0.3, True, False)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from hushall.data.target_types import FRAME_TYPE, WEIGHT_TYPE
from hushall.model import MunicipalityData
from hushall.optimize.api import optimize_model
from hushall.optimize.inputs import (
    changes_only_limits,
    criterion_weights,
    problem_from_municipality,
    problem_with_limits,
)
from hushall.optimize.model import BuiltModel, ModelOptions, create_model
from hushall.optimize.problem import OptimizationProblem
from hushall.optimize.renewal_decisions import carry_solutions
from hushall.optimize.result import OptimizationResult
from hushall.optimize.solve import ProgressFn


class Reoptimiser:
    """One municipality re-optimised after each change of its criterion weights or investment frame, keeping the
    problem, the LP basis and the last plan between calls (see the module docstring). Not shared between threads:
    one session per person (or per worker) at a time.

    Parameters
    ----------
    data
        The municipality as it is before any change.
    balanskrav, renewal_decisions, options
        As :func:`hushall.optimize.optimize` takes them; they hold for every call.
    """

    def __init__(self, data: MunicipalityData, *, balanskrav: str = "restore", renewal_decisions: bool | None = None,
                 options: ModelOptions | None = None) -> None:
        self.data = data
        self.balanskrav = balanskrav
        self.renewal_decisions = renewal_decisions
        self.options = options
        self._problem: OptimizationProblem | None = None
        self._model: BuiltModel | None = None
        #: The last result (its plan is where the next call starts).
        self.result: OptimizationResult | None = None
        #: Whether the last call made the problem again (``False``: only weights or frames changed).
        self.rebuilt = False

    # -- the two calls ----------------------------------------------------------------------------------------
    def optimise(self, *, time_limit: float = 60.0, mip_gap: float = 1e-3, start: Mapping[str, int] | None = None,
                 progress: ProgressFn | None = None, explain: bool = False, ranking: bool = False,
                 log: bool = False) -> OptimizationResult:
        """Optimise the municipality as it is now (the first call, or a longer solve after changes), starting from
        ``start`` or, when not given, from the last plan."""
        t0 = time.perf_counter()
        bm = self._model_of(self.data)
        return self._solve(bm, t0, time_limit=time_limit, mip_gap=mip_gap, start=start, progress=progress,
                           explain=explain, ranking=ranking, log=log)

    def reoptimise(self, data: MunicipalityData | None = None, *, weights: Mapping[str, float] | None = None,
                   frame: float | Mapping[str, float] | None = None, time_limit: float = 2.0, mip_gap: float = 0.01,
                   start: Mapping[str, int] | None = None,
                   progress: ProgressFn | None = None) -> OptimizationResult:
        """The plan after a change, from the last plan (or ``start``) within ``time_limit`` seconds for the whole
        call, stopping at ``mip_gap`` (no explanations, no ranking list: ask :meth:`optimise` for them when the
        person stops changing things).

        Parameters
        ----------
        data
            The changed municipality (e.g. the page's settings applied); ``None``: the session's.
        weights
            New criterion weights, ``{criterion: weight}``, on the ``kriterievikt`` rows of Mål (criteria not
            named keep theirs).
        frame
            A new investment frame, kr per year (``investeringstak_kr``): one amount for every such row, or
            ``{target_id: kr}``.
        """
        t0 = time.perf_counter()
        changed = self.changed_data(self.data if data is None else data, weights=weights, frame=frame)
        bm = self._model_of(changed)
        self.data = changed
        return self._solve(bm, t0, time_limit=time_limit, mip_gap=mip_gap, start=start, progress=progress,
                           explain=False, ranking=False, log=False)

    # -- the changes --------------------------------------------------------------------------------------------
    @staticmethod
    def changed_data(data: MunicipalityData, *, weights: Mapping[str, float] | None = None,
                     frame: float | Mapping[str, float] | None = None) -> MunicipalityData:
        """``data`` with other criterion weights and investment frames on the rows of Mål that hold them.

        Raises
        ------
        KeyError
            For a criterion without a ``kriterievikt`` row, or a ``target_id`` that is not an
            ``investeringstak_kr`` row.
        """
        if not weights and frame is None:
            return data
        t = data.targets.copy()
        kind = t["target_type"].astype(str)
        for criterion, w in (weights or {}).items():
            rows = t.index[(kind == WEIGHT_TYPE) & (t["criterion"].astype(str) == criterion)]
            if not len(rows):
                raise KeyError(f"no kriterievikt row for criterion {criterion!r}")
            t.loc[rows, "limit"] = float(w)
        if frame is not None:
            frames = kind == FRAME_TYPE
            if isinstance(frame, Mapping):
                for tid, kr in frame.items():
                    rows = t.index[frames & (t["target_id"].astype(str) == str(tid))]
                    if not len(rows):
                        raise KeyError(f"no investeringstak_kr row {tid!r}")
                    t.loc[rows, "limit"] = float(kr)
            else:
                t.loc[frames, "limit"] = float(frame)
        return data.replace(targets=t)

    # -- internals ------------------------------------------------------------------------------------------
    def _model_of(self, data: MunicipalityData) -> BuiltModel:
        """The model of ``data``: from the kept problem when only weights and plan ceilings changed, else made
        again; the last LP basis carried over when the shape is the same."""
        previous = self._model
        if self._problem is not None and changes_only_limits(self.data, data):
            problem = self._problem if data is self.data else problem_with_limits(self._problem, data)
            self.rebuilt = False
        else:
            problem = problem_from_municipality(data, balanskrav=self.balanskrav,
                                                renewal_decisions=self.renewal_decisions)
            self.rebuilt = True
        bm = create_model(problem, self.options)
        if previous is not None and (previous.lm.num_vars, previous.lm.num_rows) == (bm.lm.num_vars, bm.lm.num_rows):
            bm.lp_basis = previous.lp_basis
            carry_solutions(previous, bm)
        self._problem = problem
        return bm

    def _solve(self, bm: BuiltModel, t0: float, *, start: Mapping[str, int] | None, **kw: Any) -> OptimizationResult:
        if start is None and self.result is not None and len(self.result.schedule):
            start = self.result.schedule_dict
        _, weights_source = criterion_weights(self.data)
        result = optimize_model(bm, self.data, t0=t0, start=start, weights_source=weights_source, **kw)
        self._model = bm
        self.result = result
        return result
