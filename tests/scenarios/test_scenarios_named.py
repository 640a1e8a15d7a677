"""Named scenarios: the library, reading YAML and sheets, applying to a copy, and the sign of each effect."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hushall.errors import DataValidationError
from hushall.finance import forecast
from hushall.model import MunicipalityData, Parameter
from hushall.projects import Schedule
from hushall.scenarios import (
    SCENARIO_PARAMETERS,
    Override,
    Scenario,
    apply,
    builtin_scenarios,
    read_scenarios,
    select,
)
from hushall.scenarios.scenarios import override_parameter


def test_library_names_sources_and_parameters() -> None:
    lib = builtin_scenarios()
    assert {"hög_ränta", "byggkostnadschock", "låg_befolkning", "svagt_skatteunderlag"} <= set(lib)
    for s in lib.values():
        assert s.name and s.description and s.overrides
        for ov in s.overrides:
            assert ov.parameter in SCENARIO_PARAMETERS
            assert ov.source, f"{s.key}: {ov.parameter} has no source"


def _snapshot(data: MunicipalityData) -> dict[str, object]:
    return {
        "assumptions": {k: (dict(p.values), dict(p.overrides)) for k, p in data.assumptions.items()},
        "population": data.population.copy(),
        "projects": data.projects.copy(),
        "targets": data.targets.copy(),
        "facilities": data.facilities.copy(),
    }


def test_apply_changes_a_copy_and_inputs_only(data: MunicipalityData) -> None:
    before = copy.deepcopy(_snapshot(data))
    everything = Scenario("alla", "Alla", overrides=tuple(ov for s in builtin_scenarios().values()
                                                          for ov in s.overrides))
    changed = apply(data, everything)
    after = _snapshot(data)
    assert before["assumptions"] == after["assumptions"]
    for key in ("population", "projects", "targets", "facilities"):
        pd.testing.assert_frame_equal(before[key], after[key])  # type: ignore[arg-type]
    assert changed is not data
    # Only inputs change; the outputs of later stages are never touched (there are none on the data).
    pd.testing.assert_frame_equal(changed.targets, data.targets)
    pd.testing.assert_frame_equal(changed.components, data.components)
    assert changed.assumption("ränta")[-1] > data.assumption("ränta")[-1]
    assert changed.population["count"].sum() < data.population["count"].sum()
    assert changed.projects["cost_kr"].sum() == pytest.approx(1.17 * data.projects["cost_kr"].sum())


def _fc(data: MunicipalityData, key: str, plan: Schedule) -> tuple[object, object]:
    return forecast(data, plan), forecast(apply(data, builtin_scenarios()[key]), plan)


def test_high_interest_raises_interest_cost_and_lowers_the_result(data: MunicipalityData, plan: Schedule) -> None:
    base, high = _fc(data, "hög_ränta", plan)
    years = np.asarray(base.years)  # type: ignore[attr-defined]
    before, after = years < 2027, years >= 2027
    cost_b = -base.income_statement.loc["finansiella_kostnader"].to_numpy()  # type: ignore[attr-defined]
    cost_h = -high.income_statement.loc["finansiella_kostnader"].to_numpy()  # type: ignore[attr-defined]
    res_b = base.income_statement.loc["årets_resultat"].to_numpy()  # type: ignore[attr-defined]
    res_h = high.income_statement.loc["årets_resultat"].to_numpy()  # type: ignore[attr-defined]
    np.testing.assert_allclose(res_h[before], res_b[before])
    assert (cost_h[after] > cost_b[after]).all()
    assert (res_h[after][:4] < res_b[after][:4]).all()  # the first years: debt costs more than cash earns
    # No claim on the 30-year total: once the example's cash pile grows, higher rates also earn more on it.


def test_construction_shock_makes_the_same_plan_dearer(data: MunicipalityData, plan: Schedule) -> None:
    base, shock = _fc(data, "byggkostnadschock", plan)
    inv = "investering_materiella_anläggningstillgångar"
    b = -base.cash_flow.loc[inv].to_numpy()  # type: ignore[attr-defined]
    s = -shock.cash_flow.loc[inv].to_numpy()  # type: ignore[attr-defined]
    years = np.asarray(base.years)  # type: ignore[attr-defined]
    np.testing.assert_allclose(s[years < 2026], b[years < 2026])
    paying = (years >= 2026) & (b > 0)
    g = float(data.assumption("byggprisindex")[list(years).index(2026)])
    # One year of 15 percentage points more growth: the price level stays that much higher afterwards.
    np.testing.assert_allclose(s[paying] / b[paying], (1 + g + 0.15) / (1 + g), rtol=1e-12)


def test_low_population_and_weak_tax_base_lower_tax_revenue(data: MunicipalityData, plan: Schedule) -> None:
    for key, first in (("låg_befolkning", 2025), ("svagt_skatteunderlag", 2026)):
        base, low = _fc(data, key, plan)
        years = np.asarray(base.years)  # type: ignore[attr-defined]
        si_b = base.income_statement.loc["skatteintäkter"].to_numpy()  # type: ignore[attr-defined]
        si_l = low.income_statement.loc["skatteintäkter"].to_numpy()  # type: ignore[attr-defined]
        assert (si_l[years >= first] < si_b[years >= first]).all(), key
        np.testing.assert_allclose(si_l[years < first], si_b[years < first])
        res_b = base.income_statement.loc["årets_resultat"].to_numpy()  # type: ignore[attr-defined]
        res_l = low.income_statement.loc["årets_resultat"].to_numpy()  # type: ignore[attr-defined]
        assert res_l.sum() < res_b.sum(), key
    _, low = _fc(data, "låg_befolkning", plan)
    pop = low.drivers.loc["invånare"].to_numpy()  # type: ignore[attr-defined]
    base_pop = forecast(data, plan).drivers.loc["invånare"].to_numpy()
    np.testing.assert_allclose(pop / base_pop, 0.995 ** np.arange(1, pop.size + 1))


@settings(max_examples=40, deadline=None)
@given(lo=st.integers(2024, 2040), span=st.one_of(st.none(), st.integers(0, 12)),
       value=st.floats(-0.05, 0.05, allow_nan=False), mode=st.sampled_from(["sätt", "lägg_till", "multiplicera"]))
def test_override_changes_exactly_its_years(lo: int, span: int | None, value: float, mode: str) -> None:
    p = Parameter("ränta", {2000: 0.03, 2030: 0.035, 2033: 0.04})
    hi = None if span is None else lo + span
    q = override_parameter(p, Override("ränta", value, mode, lo, hi), 2025)
    years = np.arange(2020, 2060)
    base, new = p.series(years), q.series(years)
    inside = (years >= lo) & ((years <= hi) if hi is not None else True)
    expected = {"sätt": np.full(years.size, value), "lägg_till": base + value, "multiplicera": base * value}[mode]
    np.testing.assert_allclose(new[inside], expected[inside])
    np.testing.assert_allclose(new[~inside], base[~inside])


def test_read_yaml_csv_and_xlsx(tmp_path: Path) -> None:
    yml = tmp_path / "s.yaml"
    yml.write_text("""
scenarier:
  dyr_ränta:
    namn: Dyr ränta
    beskrivning: Räntan 5 %
    ändringar:
      - {parameter: ränta, från_år: 2026, sätt: sätt, värde: 0.05, källa: test}
  enkel:
    värden: {byggprisindex: {2026: 0.2, 2027: 0.03}}
""", encoding="utf-8")
    got = read_scenarios(yml)
    assert got["dyr_ränta"].overrides[0] == Override("ränta", 0.05, "sätt", 2026, None, "test")
    assert [o.from_year for o in got["enkel"].overrides] == [2026, 2027]

    csv = tmp_path / "Scenarier.csv"
    csv.write_text("scenario;parameter;från_år;till_år;värde;sätt;källa\n"
                   "Ränta upp;ränta;2027;;0,02;lägg_till;Kommuninvest\n"
                   "Ränta upp;ränta_likvida_medel;2027;;0,02;lägg_till;\n"
                   "Färre;befolkning_tillväxt;2025;2030;−0,01;lägg_till;SCB\n", encoding="utf-8")
    got = read_scenarios(csv)
    assert set(got) == {"ränta_upp", "färre"}
    assert got["ränta_upp"].overrides[0].value == pytest.approx(0.02)
    assert got["färre"].overrides[0] == Override("befolkning_tillväxt", -0.01, "lägg_till", 2025, 2030, "SCB")

    xlsx = tmp_path / "kommun.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Scenarier"
    ws.append(["scenario", "parameter", "från_år", "värde", "sätt"])
    ws.append(["Dyrt", "projektkostnad", None, 1.3, "multiplicera"])
    wb.save(xlsx)
    assert read_scenarios(xlsx)["dyrt"].overrides[0].value == pytest.approx(1.3)


def test_bad_rows_are_all_reported_with_their_row(tmp_path: Path) -> None:
    csv = tmp_path / "s.csv"
    csv.write_text("scenario,parameter,från_år,till_år,värde,sätt\n"
                   "A,räntan,2026,,0.01,lägg_till\n"
                   "A,ränta,2030,2026,0.01,lägg_till\n"
                   "B,befolkning,2026,,x,multiplicera\n"
                   "B,befolkning,2026,,0.9,lägg_till\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_scenarios(csv)
    found = {(p.row, p.column, p.code) for p in info.value.problems}
    assert found == {(2, "parameter", "E_SCENARIO_PARAMETER"), (3, "till_år", "E_YEAR_RANGE"),
                     (4, "värde", "E_TYPE"), (5, "sätt", "E_SCENARIO_MODE")}
    assert all(p.sheet == "Scenarier" and p.file == "s.csv" for p in info.value.problems)


def test_select_by_name_or_key_and_unknown_names() -> None:
    lib = builtin_scenarios()
    assert [s.key for s in select(lib, ["Hög ränta", "låg_befolkning"])] == ["hög_ränta", "låg_befolkning"]
    with pytest.raises(DataValidationError, match="Okänt scenario"):
        select(lib, ["Marsinvasion"])


def test_a_validated_table_with_internal_names() -> None:
    from hushall.scenarios.scenarios import scenarios_from_frame

    frame = pd.DataFrame({"scenario": ["Dyrt", "Dyrt"], "parameter": ["byggprisindex", "ränta"],
                          "from_year": [2026, 2027], "to_year": [2026, pd.NA], "value": [0.1, 0.01],
                          "mode": ["lägg_till", "lägg_till"], "source": ["BPI", ""], "_row": [2, 3]})
    got = scenarios_from_frame(frame)["dyrt"]
    assert got.overrides == (Override("byggprisindex", 0.1, "lägg_till", 2026, 2026, "BPI"),
                             Override("ränta", 0.01, "lägg_till", 2027, None, ""))
