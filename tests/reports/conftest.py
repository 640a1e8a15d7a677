"""Fixtures of the report tests: the hand-made municipality ``tests/data/small`` and Exempelkommun."""

from __future__ import annotations

from pathlib import Path

import pytest

from hushall.model import MunicipalityData, load
from hushall.needs import NeedsResult, analyse_needs

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"


@pytest.fixture(scope="session")
def small() -> MunicipalityData:
    return load(SMALL)


@pytest.fixture(scope="session")
def small_needs(small: MunicipalityData) -> NeedsResult:
    return analyse_needs(small)


@pytest.fixture(scope="session")
def example() -> MunicipalityData:
    from hushall.examples import exempelkommun

    return exempelkommun()


@pytest.fixture(scope="session")
def example_needs(example: MunicipalityData) -> NeedsResult:
    return analyse_needs(example)
