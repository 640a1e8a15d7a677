"""The result object: JSON export and immutability."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from hushall.model import MunicipalityData
from hushall.needs import NeedsResult, analyse_needs


def test_json_dict_is_plain(example_needs: NeedsResult) -> None:
    d = example_needs.to_json_dict()
    text = json.dumps(d, allow_nan=False)  # plain types only, no NaN
    assert json.loads(text) == d
    for key in ("renewal", "renewal_expected", "maintenance_debt_kr", "maintenance_debt_by_year", "capacity",
                "readiness"):
        assert key in d
    assert set(d["renewal"][0]) >= {"year", "amount_kr"}
    assert set(d["capacity"][0]) >= {"year", "district", "service", "demand", "capacity", "surplus", "utilisation"}
    assert isinstance(d["maintenance_debt_kr"], float)
    assert d["maintenance_debt_kr"] == pytest.approx(example_needs.maintenance_debt_kr)
    assert len(d["renewal"]) == len(example_needs.years)


def test_json_turns_nan_into_none(small: MunicipalityData) -> None:
    fac = small.facilities.copy()
    fac.loc[fac["facility_id"] == "F2", "service_id"] = ""
    d = analyse_needs(small.replace(facilities=fac)).to_json_dict()
    json.dumps(d, allow_nan=False)
    sabo = [r for r in d["capacity"] if r["service"] == "sabo"]
    assert all(r["utilisation"] is None for r in sabo)
    forskola = [r for r in d["capacity"] if r["service"] == "forskola"]
    assert all(isinstance(r["utilisation"], float) and not math.isnan(r["utilisation"]) for r in forskola)


def test_small_json_by_hand(small_needs: NeedsResult) -> None:
    d = small_needs.to_json_dict()
    assert d["maintenance_debt_kr"] == 1_000_000.0
    assert [r["amount_kr"] for r in d["renewal"]][:3] == [1_000_000.0, 100_000.0, 700_000.0]
    assert d["readiness"][0]["facility_id"] == "F2"
    assert isinstance(d["readiness"][0]["critical_in_power_cut"], bool)


def test_result_is_frozen(small_needs: NeedsResult) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        small_needs.maintenance_debt_kr = 0.0  # type: ignore[misc]
