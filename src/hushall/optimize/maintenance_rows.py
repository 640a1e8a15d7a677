r"""The maintenance debt the chosen projects clear, with a component two projects claim counted once — in the
maintenance-debt rows and in the objective's reward for not postponing.

The maintenance-debt targets (:mod:`hushall.optimize.finance_link`) read the aggregate ``maintenance_relief``,
``REL_t = Σ_j ρ_t R^0_{p(j), c(j), t} x_j``, each project with the components it claims on its own
(:func:`hushall.projects.maintenance.project_relief`). Where two chosen projects claim the same components — an
ombyggnad of a facility and a reinvestment in some of its components, say — that sum counts them twice, and the
row would see a debt lower than the forecast's (:func:`hushall.projects.maintenance.plan_maintenance_debt`, which
clears a component once, whichever project clears it). So the shared components leave the columns' effect and
enter once, through a pool variable per year:

    :math:`y_{k,t} \le \sum_j a_{j,k,t} x_j`,   :math:`0 \le y_{k,t} \le 1`,
    :math:`\mathrm{REL}_t = \sum_j \rho_t R^{0,\text{own}}_{p(j),c(j),t} x_j + \sum_k \rho_t v_k y_{k,t}`

with pools ``k`` of the shared components by claimant set, first due year and lifetime
(:class:`hushall.projects.maintenance.SharedRelief`) and ``a_{j,k,t} = 1`` when column ``j`` clears pool ``k`` in
year ``t``. ``y`` is "pool cleared by some chosen project" (an OR: the first row is its upper bound; a tiny reward
per unit makes it as large as the plan allows, so the row is exactly the forecast's).

The objective rewards the debt a column clears (``problem.debt_relief_kr``,
:func:`hushall.optimize.inputs.column_debt_relief`: the components each project claims on its own) and the shared
pools once, through the same ``y``: cost :math:`\sum_{k,t} w_t \rho_t v_k y_{k,t} / \kappa` with ``w_t`` =
``straff_underhållsskuld_andel`` × discount factor (``problem.shared_relief_weight``) and ``κ`` kr per point. The
reward of a plan is then :math:`\sum_t w_t (B^{pol}_t - B_t)` with ``B`` the forecast's maintenance debt
(:func:`hushall.projects.maintenance.plan_maintenance_debt`), whichever projects share components.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hushall.optimize.linear import VarBlock

FloatArray = NDArray[np.float64]

MKR = 1.0e6
#: Points per pool-year cleared: only so that ``y`` takes the value the plan allows (the rows read it).
CLEARED_TIE_BREAKER = 1.0e-7


def shared_relief_points(problem: object) -> FloatArray:
    """``(K T,)`` the objective's reward (points) per pool and year cleared: ``w_t ρ_t v_k / κ`` (module
    docstring); zeros without ``problem.shared_relief_weight``."""
    sr = problem.shared_relief  # type: ignore[attr-defined]
    weight = getattr(problem, "shared_relief_weight", None)
    if weight is None:
        return np.zeros(sr.relief_kr.size)
    n_t = sr.relief_kr.shape[1]
    kpp = problem.kr_per_point  # type: ignore[attr-defined]
    return np.asarray(sr.relief_kr * np.asarray(weight, dtype=float)[None, :n_t] / kpp, dtype=float).reshape(-1)


def define_shared_relief(bm: object, agg: dict[str, VarBlock]) -> None:
    """Add the pools of ``bm.problem.shared_relief``: their reward in the objective and, when a maintenance-debt
    target needs it, their debt to the aggregate ``maintenance_relief`` (module docstring)."""
    problem = bm.problem  # type: ignore[attr-defined]
    sr = getattr(problem, "shared_relief", None)
    rows = "maintenance_relief" in agg
    if sr is None or not sr.relief_kr.shape[0]:
        return
    points = shared_relief_points(problem)
    if not rows and not points.any():
        return
    m = bm.lm  # type: ignore[attr-defined]
    n_k, n_t = sr.relief_kr.shape
    tt = np.arange(n_t)
    # the tie-breaker only where the rows read y (for the objective alone its reward suffices)
    y = m.add_variables("maintenance_relief:shared", lower=0.0, upper=1.0,
                        cost=points + (CLEARED_TIE_BREAKER if rows else 0.0), size=n_k * n_t,
                        coords={"pool": np.repeat(np.arange(n_k), n_t), "year": np.tile(tt, n_k)})
    done = np.minimum(problem.col_start + problem.duration[problem.col_project] - 1, n_t)
    a = sr.cleared[problem.col_project, np.maximum(done, 0)]  # (N, K, T)
    j, k, t = np.nonzero(a)
    m.add_constraints("maintenance_relief:shared", rows=np.concatenate([np.arange(n_k * n_t), k * n_t + t]),
                      cols=np.concatenate([y.index(), bm.x.index(j)]),  # type: ignore[attr-defined]
                      vals=np.concatenate([np.ones(n_k * n_t), -np.ones(j.size)]), upper=np.zeros(n_k * n_t),
                      coords={"pool": np.repeat(np.arange(n_k), n_t), "year": np.tile(tt, n_k)})
    if not rows:
        return
    # REL_t − Σ_j (own relief) x_j − Σ_k ρ_t v_k y_{k,t} = 0
    m.add_entries("agg:maintenance_relief", np.tile(tt, n_k), y.index(), -(sr.relief_kr / MKR).reshape(-1))
