"""The tax change that would keep the balanskrav under a stress scenario (hushall.scenarios.remedy)."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from hushall.cli.scenario_commands import scenarios
from hushall.finance import forecast
from hushall.model import MunicipalityData
from hushall.scenarios import apply, builtin_scenarios, evaluate_scenario
from hushall.scenarios.remedy import _balance, _with_tax, required_tax_change


def _broken_years(data: MunicipalityData, ore: int, from_year: int) -> list[int]:
    fc = forecast(_with_tax(data, ore, from_year))
    years = np.asarray(fc.statements.years)
    bal = _balance(fc)
    return [int(y) for y, b in zip(years, bal, strict=True) if y >= from_year and b < -0.5]


@pytest.mark.parametrize("key", ["låg_befolkning", "svagt_skatteunderlag"])
def test_the_change_is_the_smallest_whole_ore_that_keeps_the_balanskrav(data: MunicipalityData, key: str) -> None:
    stressed = apply(data, builtin_scenarios()[key])
    assert _broken_years(stressed, 0, 2026), "the stress scenario breaks the balanskrav without a response"
    r = required_tax_change(stressed)
    assert r is not None and r.ore is not None and r.ore > 0
    assert r.from_year == int(data.years[0]) + 1
    assert _broken_years(stressed, r.ore, r.from_year) == []
    assert _broken_years(stressed, r.ore - 1, r.from_year) != []
    # what it brings in the first year: the tax revenue's difference, about ore/100 of the tax base
    base = forecast(stressed)
    raised = forecast(_with_tax(stressed, r.ore, r.from_year))
    i = list(base.statements.years).index(r.from_year)
    diff = raised.income_statement.loc["skatteintäkter"].iloc[i] - base.income_statement.loc["skatteintäkter"].iloc[i]
    assert r.kr_first_year == pytest.approx(diff, abs=1.0) and r.kr_first_year > 0


def test_a_plan_that_keeps_the_balanskrav_needs_nothing(data: MunicipalityData) -> None:
    assert required_tax_change(data) is None
    outcome = evaluate_scenario(data, builtin_scenarios()["kostnadsöverskridande"])
    assert outcome.remedy is None and outcome.summary()["skatteförändring_för_balanskrav_öre"] is None


def test_a_later_start_needs_more(data: MunicipalityData) -> None:
    stressed = apply(data, builtin_scenarios()["låg_befolkning"])
    early = required_tax_change(stressed)
    late = required_tax_change(stressed, from_year=2030)
    assert early is not None and late is not None and early.ore is not None and late.ore is not None
    assert late.from_year == 2030 and late.ore > early.ore


def test_scenarios_command_says_what_it_would_take(data: MunicipalityData) -> None:
    r = CliRunner().invoke(scenarios, ["--example", "--only", "låg_befolkning"])
    assert r.exit_code == 0, r.stderr
    outcome = evaluate_scenario(data, builtin_scenarios()["låg_befolkning"])
    assert outcome.remedy is not None
    assert "Vad som skulle krävas för att klara balanskravet" in r.stdout
    assert f"Låg befolkning: skatten {outcome.remedy.ore} öre högre från 2026" in r.stdout
