"""Fixtures of the import tests: the example municipality as a workbook the imports go into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hushall.data.io import read_raw
from hushall.data.template import write_template
from hushall.examples import example_path
from hushall.model.validate import validate_workbook

_CACHE: dict[str, Path] = {}


@pytest.fixture
def example_xlsx(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of Exempelkommun as an annotated workbook (written once per test session)."""
    if "x" not in _CACHE:
        frames, _ = validate_workbook(read_raw(example_path()))
        _CACHE["x"] = write_template(tmp_path_factory.mktemp("example") / "exempel.xlsx", frames)
    target = tmp_path / "kommun.xlsx"
    shutil.copy(_CACHE["x"], target)
    return target
