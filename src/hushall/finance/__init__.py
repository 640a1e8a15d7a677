"""Stage 5: the long-term financial model — statements, key ratios and financial targets.

Starting from the base year's statements (sheet ``Ekonomi``), :func:`run` rolls the resultaträkning,
balansräkning and kassaflödesanalys forward over every plan year under the drivers of sheet ``Antaganden`` and an
investment plan (:mod:`hushall.projects`); :func:`ratios` gives the key ratios and :func:`evaluate_targets` checks
the targets of sheet ``Mål``. :func:`forecast` does it all for one plan and returns tables.

The model is vectorised over an optional leading scenario axis (:func:`build_inputs` with ``(S, T)`` overrides),
and :func:`run_reference` is its plain-Python twin. Equations and simplifications: :mod:`hushall.finance.model`.

Examples
--------
>>> from hushall.examples import exempelkommun
>>> import numpy as np
>>> data = exempelkommun()
>>> f = forecast(data)
>>> bool(f.balance_sheet.loc["summa_tillgångar"].iloc[0] > 0)
True
>>> rates = np.linspace(0.02, 0.05, 4)[:, None] * np.ones(data.horizon_years)
>>> st = run(build_inputs(data, overrides={"ränta": rates}))
>>> st["årets_resultat"].shape
(4, 30)
"""

from __future__ import annotations

from hushall.finance.forecast import Forecast, forecast
from hushall.finance.inputs import (
    DRIVER_FIELDS,
    FinanceInputs,
    build_inputs,
    demand_index,
    opening_balance,
)
from hushall.finance.model import (
    BALANCE_SHEET_LINES,
    CASH_FLOW_LINES,
    COMPONENT_LINES,
    INCOME_STATEMENT_LINES,
    MEMO_LINES,
    Statements,
    reserve_name,
    run,
)
from hushall.finance.ratios import RATIO_LINES, ratios
from hushall.finance.reference import run_reference
from hushall.finance.targets import (
    TARGET_COLUMNS,
    TargetResult,
    balanskrav_requirements,
    evaluate_targets,
    target_results,
)

__all__ = [
    "BALANCE_SHEET_LINES",
    "CASH_FLOW_LINES",
    "COMPONENT_LINES",
    "DRIVER_FIELDS",
    "INCOME_STATEMENT_LINES",
    "MEMO_LINES",
    "RATIO_LINES",
    "TARGET_COLUMNS",
    "FinanceInputs",
    "Forecast",
    "Statements",
    "TargetResult",
    "balanskrav_requirements",
    "build_inputs",
    "demand_index",
    "evaluate_targets",
    "forecast",
    "opening_balance",
    "ratios",
    "reserve_name",
    "run",
    "run_reference",
    "target_results",
]
