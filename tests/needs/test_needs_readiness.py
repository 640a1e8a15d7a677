"""Preparedness: critical facilities lacking backup power.

Småby: F1 (förskola, not critical), F2 (SÄBO, critical by its service, no backup power), F3 (town hall, critical by
its own column, has backup power) → exactly F2.
"""

from __future__ import annotations

from hushall.model import MunicipalityData
from hushall.needs import NeedsResult, analyse_needs


def test_small_by_hand(small_needs: NeedsResult) -> None:
    assert small_needs.readiness["facility_id"].tolist() == ["F2"]
    assert small_needs.readiness["name"].tolist() == ["Ekbackens äldreboende"]


def test_exactly_critical_without_backup(example: MunicipalityData, example_needs: NeedsResult) -> None:
    expected = [
        f.facility_id for f in example.facilities.itertuples() if f.critical_in_power_cut and not f.backup_power
    ]
    assert example_needs.readiness["facility_id"].tolist() == expected
    assert example_needs.readiness["critical_in_power_cut"].all()
    assert not example_needs.readiness["backup_power"].any()


def test_backup_power_removes_facility(small: MunicipalityData) -> None:
    fac = small.facilities.copy()
    fac["backup_power"] = True
    assert len(analyse_needs(small.replace(facilities=fac)).readiness) == 0
