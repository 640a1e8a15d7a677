r"""Operating consequences of each project (driftkonsekvenser): what it costs every year once it is in use.

For a project ``p`` with capitalised cost ``K`` (price base year kr), component split ``w_k`` and component
lifetimes ``L_k``, in the first full year after completion (all amounts a year, price base year kr)::

    avskrivning_p  = Σ_k K · w_k / L_k                       straight line per component (RKR R4)
    ränta_p        = r̄ · K                                   interest at the loan portfolio's rate
    kapitalkostnad = avskrivning_p + ränta_p
    drift_p        = driftkonsekvens_kr_år                     operation, maintenance, staff (+) or savings (−)
    summa_p        = kapitalkostnad + drift_p

The interest is what financing the whole investment with loans costs in the year it is completed (the financial
model charges interest on the debt, not per project; this is the capital cost a nämnd is charged as internal
rent, with the same rate). A closure or sale ends the capital cost of the facility it takes out of use: the
depreciation its components would have had in the first year after (:attr:`ProjectCatalog.removed_depreciation_kr`,
from the register, :mod:`hushall.needs.book_value`) and the interest on their book value at closure count as
savings (negative, kr as booked), beside the negative ``drift``. These are the quantities the financial model and the optimiser already carry (:mod:`hushall.projects.effects`); this table
states them per project for the plan's readers (SKR, *Kapitalkostnader och internränta*; RKR R4).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> t = operating_consequences(exempelkommun(), {"P-01": 2026, "P-11": 2027}, loan_rate=0.03)
>>> list(t["projekt_id"])
['P-01', 'P-11']
>>> bool(t.loc[0, "kapitalkostnad_kr_år"] > 0), bool(t.loc[1, "kapitalkostnad_kr_år"] < 0)
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from hushall.model import MunicipalityData
from hushall.projects.catalog import ProjectCatalog

COLUMNS = ("projekt_id", "i_bruk_från", "avskrivning_kr_år", "ränta_kr_år", "kapitalkostnad_kr_år",
           "drift_kr_år", "summa_kr_år")


def operating_consequences(data: MunicipalityData, schedule: Mapping[str, int],
                           loan_rate: float | Mapping[int, float]) -> pd.DataFrame:
    """One row per project of ``schedule`` (start-year order): the yearly costs of the module docstring.

    ``loan_rate`` is a rate, or a rate per year (the completion year's is used; e.g. the forecast's
    ``ränta_låneportfölj``).
    """
    cat = ProjectCatalog.from_data(data)
    rows = []
    for pid, start in sorted(schedule.items(), key=lambda kv: (kv[1], kv[0])):
        i = cat.index(pid)
        done = int(start) + int(cat.duration_years[i]) - 1
        rate = float(loan_rate.get(done, np.nan) if isinstance(loan_rate, Mapping) else loan_rate)
        if not np.isfinite(rate):
            rate = float(next(iter(loan_rate.values()))) if isinstance(loan_rate, Mapping) and loan_rate else 0.0
        cost = float(cat.cost_kr[i]) if bool(cat.capitalised[i]) else 0.0
        dep = float(np.sum(cost * cat.component_split[i] / np.asarray(cat.lifetimes_years, float)))
        interest = rate * cost
        t = done - cat.first_year  # the completion year's index in the plan
        if cat.removed_book_value_kr is not None and cat.removed_depreciation_kr is not None \
                and 0 <= t < cat.removed_depreciation_kr.shape[1]:  # a sale or closure: its capital cost ends
            after = cat.removed_depreciation_kr[i, t + 1] if t + 1 < cat.removed_depreciation_kr.shape[1] else 0.0
            dep -= float(after)
            interest -= rate * float(cat.removed_book_value_kr[i, t + 1])
        operation = float(cat.operating_cost_change_kr[i])
        rows.append((pid, done + 1, dep, interest, dep + interest, operation, dep + interest + operation))
    return pd.DataFrame(rows, columns=list(COLUMNS))
