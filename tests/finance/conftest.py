"""Fixtures of the finance tests (helpers in ``finance_fixtures``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from finance_fixtures import SHARED_DATA, load_tables, make_inputs, small_tables

from hushall.model import MunicipalityData


@pytest.fixture
def inputs_factory():
    return make_inputs


@pytest.fixture(scope="session")
def small_municipality(tmp_path_factory: pytest.TempPathFactory) -> MunicipalityData:
    return load_tables(tmp_path_factory.mktemp("small"), small_tables())


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"shared test data not found at {SHARED_DATA} (../shared/data beside the repo)")
    return SHARED_DATA
