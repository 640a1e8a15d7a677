"""The investment charts and the workbook's sheet "Investeringar per kategori" show the whole investment: the
projects and, beside them, the reinvestment in the existing assets (before, the optimiser's category chart and
sheet left the reinvestment out, and the plan looked as if nothing was invested after the last project)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from hushall.model import MunicipalityData
from hushall.reports import plan_charts
from hushall.reports.forecast import investment_chart as forecast_investment_chart
from hushall.reports.optimization import describe_optimization, investment_by_category, optimization_sheets
from hushall.reports.plan_charts import PROJECTS_SERIES, REINVESTMENT_SERIES
from tests.reports.test_reports_document import fake_optimization


def chart_rows(chart: Any) -> pd.DataFrame:
    """The rows of a chart's bars: its data set with an amount per year and part."""
    return next(pd.DataFrame(rows) for rows in chart.to_dict()["datasets"].values()
                if rows and {"år", "serie", "mkr"} <= set(rows[0]))


def with_closure_and_sale() -> Any:
    """The stand-in result with a closure (P-11, Rönnviks skola) and a sale (P-20, Björkhults gymnastiksal) in
    its plan: their costs are operating costs in the forecast, not investment."""
    result = fake_optimization()
    schedule = {"P-12": 2025, "P-03": 2025, "P-11": 2026, "P-20": 2026}
    return dataclasses.replace(result, schedule=pd.DataFrame({
        "project": list(schedule), "start_year": list(schedule.values()),
        "in_use_year": [y + 2 for y in schedule.values()], "weighted_score": 0.5,
        "maintenance_debt_avoided_kr": 0.0}))


def test_each_year_of_the_category_table_is_the_forecasts_whole_investment(example: MunicipalityData) -> None:
    plan = describe_optimization(example, with_closure_and_sale())
    assert plan.investments.groupby("project_id")["amount_kr"].sum()[["P-11", "P-20"]].gt(0).all()  # they cost
    table = investment_by_category(plan)
    fc = plan.forecast
    whole = -np.asarray(fc.statements["investering_materiella_anläggningstillgångar"], dtype=float)
    by_year = table.groupby("år")["belopp_kr"].sum().reindex(fc.years, fill_value=0.0).to_numpy()
    assert np.allclose(by_year, whole, atol=1.0)
    reinvest = table[table["kategori"] == REINVESTMENT_SERIES].set_index("år")["belopp_kr"]
    assert np.allclose(reinvest.reindex(fc.years).to_numpy(), fc.statements["reinvesteringar"], atol=1.0)
    # the last years have no project, yet a real investment: the reinvestment
    assert whole[-1] > 0 and reinvest.iloc[-1] == whole[-1]
    sheet = optimization_sheets(plan)["Investeringar per kategori"]
    assert REINVESTMENT_SERIES in sheet.columns and "Avveckling" not in sheet.columns
    assert np.allclose(sheet.drop(columns="år").sum(axis=1).to_numpy(), whole, atol=1.0)


def test_the_investment_chart_splits_the_bars_into_projects_and_reinvestment(example: MunicipalityData) -> None:
    plan = describe_optimization(example, fake_optimization())
    fc = plan.forecast
    chart = forecast_investment_chart(fc)
    rows = chart_rows(chart)
    assert set(rows["serie"]) == {PROJECTS_SERIES, REINVESTMENT_SERIES}
    whole = -np.asarray(fc.statements["investering_materiella_anläggningstillgångar"], dtype=float) / 1e6
    assert np.allclose(rows.groupby("år")["mkr"].sum().to_numpy(), whole)
    fixed = plan_charts.investment_chart(fc.years, fc.statements["investeringar_fasta_priser"],
                                         reinvestment_kr=fc.statements["reinvesteringar_fasta_priser"],
                                         ceiling_kr=185e6, price_base_year=example.price_base_year)
    rows = chart_rows(fixed)
    parts = rows.pivot_table(index="år", columns="serie", values="mkr")
    st = fc.statements
    assert np.allclose(parts[REINVESTMENT_SERIES].to_numpy(), np.asarray(st["reinvesteringar_fasta_priser"]) / 1e6)
    assert np.allclose(parts.sum(axis=1).to_numpy(), np.asarray(st["investeringar_fasta_priser"]) / 1e6)
    assert "investeringstaket 185\xa0Mkr per år" in fixed.to_dict()["title"]["subtitle"][0]
    assert any(layer.get("mark", {}).get("type") == "rule" for layer in fixed.to_dict()["layer"])
