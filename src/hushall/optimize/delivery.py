r"""Delivery capacity per nämnd: the plan promises no more than the organisation has shown it can build.

A ``leveranstak_nämnd_kr`` row of sheet Mål (column ``nämnd``) caps, every year it applies, the investment of the
nämnd's projects in price-base-year prices, over a rolling window of ``period_år`` years like
``investeringstak_kr``::

    Σ_{τ ∈ W_t} Σ_{j : n(p_j) = n} I^{real}_{j,τ} x_j  ≤  |W_t| · L_n                  for every active year t

``n(p)`` is the project's nämnd (:func:`hushall.followup.replan.project_committees`: column ``nämnd`` of
Projekt, else the nämnd of its rows in Utfall). The reinvestment policy's frame is not a nämnd's and is not
counted. ``L_n`` is the council's number, or the one learned from the outcomes
(:func:`hushall.followup.learning.learned_delivery_ceilings`). The rows are elastic like every ceiling (a
violation is reported, never an infeasible model).

Examples
--------
>>> import numpy as np
>>> c = DeliveryCeiling("L1", "Tekniska nämnden", np.full(3, 2e6), np.array([True, False]))
>>> c.active(3).tolist()
[True, True, True]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hushall.followup.replan import project_committees
from hushall.optimize.finance_link import _period, target_mask

if TYPE_CHECKING:
    from hushall.model import MunicipalityData
    from hushall.optimize.model import BuiltModel

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: The Mål target type (sheet Mål, column typ).
TARGET_TYPE = "leveranstak_nämnd_kr"


@dataclass(frozen=True)
class DeliveryCeiling:
    """One nämnd's delivery ceiling: ``limit`` kr per year (price base year), the projects it counts."""

    target_id: str
    committee: str
    limit: FloatArray
    projects: BoolArray
    mask: BoolArray | None = None
    window: int = 1

    def active(self, n_years: int) -> BoolArray:
        m = np.ones(n_years, dtype=bool) if self.mask is None else np.asarray(self.mask, dtype=bool)
        return m & np.isfinite(np.asarray(self.limit, dtype=float))


def delivery_ceilings(data: MunicipalityData) -> list[DeliveryCeiling]:
    """The ``leveranstak_nämnd_kr`` rows of Mål as ceilings over the projects of their nämnd (names compared
    without case or surrounding spaces)."""
    t = data.targets
    if not len(t) or "committee" not in t:
        return []
    rows = t[t["target_type"] == TARGET_TYPE]
    if not len(rows):
        return []
    years = np.asarray(data.years, dtype=np.int64)
    committees = project_committees(data).str.strip().str.casefold().to_numpy()
    out = []
    for row in rows.to_dict("records"):
        name = str(row.get("committee") or "").strip()
        out.append(DeliveryCeiling(str(row["target_id"]), name, np.full(len(years), float(row["limit"])),
                                   committees == name.casefold(), target_mask(row, years), _period(row)))
    return out


def define_delivery_ceilings(bm: BuiltModel) -> None:
    """The rows of the module's equation, one family per ceiling (``ceiling:<id>:delivery``)."""
    from hushall.optimize.model import MKR, _add_limit_rows

    problem = bm.problem
    t_count = problem.n_years
    for c in getattr(problem, "delivery_ceilings", ()):
        years = np.flatnonzero(c.active(t_count))
        if not years.size:
            continue
        n = max(int(c.window), 1)
        window = sp.csr_matrix(np.tril(np.triu(np.ones((t_count, t_count))), n - 1))  # [tau, t]
        counted = sp.diags(np.asarray(c.projects, dtype=float)[problem.col_project])
        a = (counted @ sp.csc_matrix(problem.invest_real) @ window)[:, years] / MKR
        count = np.minimum(np.arange(1, t_count + 1), n)[years]
        coo = sp.csc_matrix(a).T.tocoo()
        _add_limit_rows(bm, f"ceiling:{c.target_id}:delivery", "ceiling", c.target_id, TARGET_TYPE,
                        f"{c.committee}: investeringar högst nämndens leveranskapacitet", "le", coo.row,
                        bm.x.index(coo.col), coo.data, np.asarray(c.limit, dtype=float)[years] * count / MKR,
                        years, "kr", MKR, bm.violation_penalty)

