"""`hushall template --example` writes a workbook that loads back to the same model."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from hushall.cli.main import cli
from hushall.examples import exempelkommun
from hushall.model import load

TABLES = ["districts", "population", "services", "facilities", "components", "projects", "finance", "targets"]


def test_example_workbook_loads_back_to_the_same_model(tmp_path: Path) -> None:
    f = tmp_path / "exempel.xlsx"
    r = CliRunner().invoke(cli, ["template", "--example", str(f)])
    assert r.exit_code == 0, r.stderr
    a, b = load(f), exempelkommun()
    assert (a.name, a.code, a.base_year, a.horizon_years, a.price_base_year) == (
        b.name, b.code, b.base_year, b.horizon_years, b.price_base_year)
    for key in TABLES:
        pd.testing.assert_frame_equal(getattr(a, key), getattr(b, key), obj=key)
    assert a.assumptions == b.assumptions


def test_example_is_the_shape_the_issue_asks_for() -> None:
    k = exempelkommun()
    assert 7 <= len(k.districts) - 1 <= 9  # a central town and 7–9 rural districts
    assert 25 <= len(k.facilities) <= 40
    assert {"va", "gata"} <= set(k.facilities["category"])
    pop = k.population_total()
    assert 14_500 <= pop[k.base_year] <= 16_500
    assert pop[k.last_year] < pop[k.base_year]  # shrinking
    old = k.population[k.population["age_from"] >= 80].groupby("year")["count"].sum()
    assert old[k.base_year + 10] > 1.1 * old[k.base_year]  # ageing
    built = k.facilities[~k.facilities["category"].isin(["va", "gata"])]["year_built"].astype(int)
    assert ((built >= 1960) & (built <= 1980)).mean() >= 0.5  # the renovation hump
