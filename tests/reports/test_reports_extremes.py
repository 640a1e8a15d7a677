"""What the first and last years hide is said in words: a loss in a year between them and the peak of the debt
(the summary named only the first and last year, so a plan with a loss in its second year read as sound)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from hushall.finance import forecast
from hushall.formatting import fmt_mkr
from hushall.model import MunicipalityData
from hushall.reports.forecast import extremes_between, forecast_summary

#: Rönnviks skola closed in 2026 (its book value written off) beside the large projects early.
LOSS_IN_2026 = {"P-11": 2026, "P-01": 2026, "P-09": 2027, "P-05": 2027}


def test_a_loss_between_the_first_and_the_last_year_is_named(example: MunicipalityData) -> None:
    fc = forecast(example, LOSS_IN_2026)
    result = fc.income_statement.loc["årets_resultat"]
    low_year = int(result.idxmin())
    assert fc.years[0] < low_year < fc.years[-1] and result.min() < 0
    lines = extremes_between(fc)
    assert any(f"som lägst {fmt_mkr(float(result.min()))} år {low_year}" in t for t in lines), lines
    assert "Mellan åren i tabellen:" in forecast_summary(fc, example)


def test_the_debts_peak_is_named_when_it_is_above_both_ends(example: MunicipalityData) -> None:
    """As in the optimised example plan: the debt rises to 1 132 Mkr in the 2030s and is back at its first
    level by the last year (here the committed projects' forecast with its debt row made so)."""
    fc = forecast(example)
    years = list(fc.years)
    hump = 770e6 + 360e6 * np.sin(np.linspace(0.0, np.pi, len(years)))
    balance = fc.balance_sheet.copy()
    balance.loc["långfristiga_skulder"] = hump
    humped = SimpleNamespace(years=fc.years, income_statement=fc.income_statement, ratios=fc.ratios,
                             balance_sheet=balance)
    peak = int(np.argmax(hump))
    lines = extremes_between(humped)  # type: ignore[arg-type]
    assert any(f"som störst {fmt_mkr(float(hump[peak]))} år {years[peak]}" in t for t in lines), lines
    assert not [t for t in extremes_between(fc) if "Låneskulden" in t]  # falling from its first year: nothing


def test_nothing_is_said_when_the_ends_show_it_all(example: MunicipalityData) -> None:
    fc = forecast(example)  # the committed projects: no loss, the debt falls from its first year
    result = fc.income_statement.loc["årets_resultat"]
    assert result.min() >= 0
    assert not [t for t in extremes_between(fc) if "Årets resultat" in t]
