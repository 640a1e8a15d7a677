"""Risk charts: every definition builds a valid Vega-Lite specification from real results."""

from __future__ import annotations

from hushall.model import MunicipalityData
from hushall.projects import Schedule
from hushall.reports.charts import to_vega_lite
from hushall.reports.risk_charts import (
    comparison_text,
    fan_charts,
    montecarlo_text,
    probability_chart,
    scenario_chart,
    tornado_chart,
)
from hushall.scenarios import builtin_scenarios, compare, simulate


def test_charts_and_text_from_results(data: MunicipalityData, plan: Schedule) -> None:
    mc = simulate(data, plan, n_draws=300, seed=1)
    cmp = compare(data, [builtin_scenarios()["hög_ränta"]], plan)
    for chart in (fan_charts(mc), probability_chart(mc, 0.9), tornado_chart(mc), scenario_chart(cmp)):
        spec = to_vega_lite(chart)
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert "P10" in montecarlo_text(mc) and "Hög ränta" in comparison_text(cmp)


def test_the_tornado_lists_the_drivers_in_the_order_of_their_variance_share() -> None:
    """The order of the table beside it and of the terminal (before: by the width of the bar, so a driver with
    0 % of the variance could be on top)."""
    from hushall.examples import exempelkommun
    from hushall.scenarios.montecarlo import simulate

    mc = simulate(exempelkommun(), n_draws=500, seed=3)
    spec = tornado_chart(mc).to_dict()
    shown = spec["encoding"]["y"]["sort"]
    t = mc.tornado[mc.tornado["outcome"] == "resultat_summa"].sort_values("variance_share", ascending=False)
    assert [s.split(" (")[0] for s in shown] == list(t["label"])
