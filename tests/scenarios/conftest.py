"""Fixtures of the scenario tests: Exempelkommun, a plan with projects, and a financially healthy variant."""

from __future__ import annotations

import pytest

from hushall.examples import exempelkommun
from hushall.model import MunicipalityData
from hushall.projects import Schedule
from hushall.scenarios import Override, Scenario, apply

#: Renewals, a new building, an extension and a closure: every kind of effect (places, debt relief, sale).
PLAN = {"P-01": 2027, "P-04": 2026, "P-11": 2026, "P-12": 2025, "P-13": 2026, "P-14": 2025, "P-18": 2025,
        "P-20": 2027}


@pytest.fixture(scope="session")
def data() -> MunicipalityData:
    return exempelkommun()


@pytest.fixture(scope="session")
def plan() -> Schedule:
    return Schedule(PLAN)


@pytest.fixture(scope="session")
def healthy(data: MunicipalityData) -> MunicipalityData:
    """Exempelkommun with the tax rate 1 percentage point higher: room for projects, so that the plan decides
    whether the targets hold."""
    return apply(data, Scenario("skatt", "Skatt +1", overrides=(Override("skattesats", 1.0, "sätt", 2025),)))
