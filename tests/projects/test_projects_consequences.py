"""Operating consequences per project (issue 10, part 3): capital cost = straight-line depreciation of each
component + interest at the loan rate, plus the stated operating change; a closure ends its facility's capital
cost."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.projects import ProjectCatalog
from hushall.projects.consequences import operating_consequences


def test_capital_cost_by_hand() -> None:
    data = exempelkommun()
    cat = ProjectCatalog.from_data(data)
    t = operating_consequences(data, {"P-07": 2027, "P-10": 2030}, loan_rate={2028: 0.02, 2030: 0.05})
    new = t.set_index("projekt_id").loc["P-07"]
    i = cat.index("P-07")
    cost = float(cat.cost_kr[i])
    dep = sum(cost * w / life for w, life in zip(cat.component_split[i], cat.lifetimes_years, strict=True))
    assert new["i_bruk_från"] == 2027 + int(cat.duration_years[i])
    assert new["avskrivning_kr_år"] == pytest.approx(dep)
    assert new["ränta_kr_år"] == pytest.approx(0.02 * cost)  # the completion year's rate (2028)
    assert new["summa_kr_år"] == pytest.approx(dep + 0.02 * cost + float(cat.operating_cost_change_kr[i]))
    closure = t.set_index("projekt_id").loc["P-10"]
    k, c = cat.index("P-10"), 2030 - data.first_year  # closed at the end of 2030: its capital cost ends
    saved = cat.removed_depreciation_kr[k, c + 1] + 0.05 * cat.removed_book_value_kr[k, c + 1]
    assert saved > 0 and closure["kapitalkostnad_kr_år"] == pytest.approx(-saved)
    assert closure["summa_kr_år"] < 0  # a closure saves


def test_depreciation_equals_the_financial_models_first_full_year() -> None:
    """The table's depreciation is what the forecast books in the first full year after completion."""
    from hushall.finance import forecast

    data = exempelkommun()
    base, plan = forecast(data, {}), forecast(data, {"P-07": 2027})
    t = operating_consequences(data, {"P-07": 2027}, loan_rate=0.0)
    year = int(t.loc[0, "i_bruk_från"])
    booked = (plan.income_statement.loc["varav_avskrivningar_nya", year]
              - base.income_statement.loc["varav_avskrivningar_nya", year])
    index = plan.inputs.construction_index[np.flatnonzero(plan.inputs.years == year - 1)[0]]
    # the forecast books current prices at the construction index of the years paid; the table is in
    # price-base-year kr: within the spread of the two construction years' index
    assert -booked / index == pytest.approx(t.loc[0, "avskrivning_kr_år"], rel=0.05)
