"""Shared fixtures (the helpers themselves live in tests/helpers.py)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.helpers import SHARED_DATA, Tables, tiny_tables


@pytest.fixture
def tables() -> Tables:
    return copy.deepcopy(tiny_tables())


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"shared test data not found at {SHARED_DATA} (../shared/data beside the repo)")
    return SHARED_DATA
