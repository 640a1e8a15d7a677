"""Shared fixtures (the helpers themselves live in tests/helpers.py)."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from tests.helpers import SHARED_DATA, Tables, tiny_tables

# every chart the tests draw is checked against the Vega-Lite schema, also in the commands they run
# (hushall.reports.charts.to_vega_lite; at run time the check is off)
os.environ["HUSHALL_VALIDATE_CHARTS"] = "1"


@pytest.fixture
def tables() -> Tables:
    return copy.deepcopy(tiny_tables())


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"shared test data not found at {SHARED_DATA} (../shared/data beside the repo)")
    return SHARED_DATA


# --- long tests -----------------------------------------------------------------------------------------------
# Tests marked ``slow`` (the whole malformed-input corpus, the screenshot round of every page, the plain-language
# scan of a real optimised plan, …) are left out of the default run so that the README's test command and CI stay
# lean; ``python -m pytest --run-slow`` (or HUSHALL_RUN_SLOW=1) runs them too, ``-m slow`` only them.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run the tests marked slow (left out by default)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    import os

    markexpr = str(config.getoption("-m") or "")
    if config.getoption("--run-slow") or os.environ.get("HUSHALL_RUN_SLOW") == "1" or "slow" in markexpr:
        return
    skip = pytest.mark.skip(reason="long test: run with --run-slow (or -m slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
