"""Fixtures of the import tests: the example municipality as a workbook the imports go into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from hushall.data.io import read_raw
from hushall.data.template import write_template
from hushall.examples import example_path
from hushall.model.validate import validate_workbook

_CACHE: dict[str, Path] = {}


@pytest.fixture
def example_xlsx(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of Exempelkommun as an annotated workbook (written once per test session).

    Its population is summed into the services' age bands (2 000 rows instead of 25 000), which keeps the
    workbook valid and the openpyxl round trips of these tests fast.
    """
    if "x" not in _CACHE:
        frames, _ = validate_workbook(read_raw(example_path()))
        pop = frames["population"]
        bands = [(0, 0), (1, 5), (6, 12), (13, 15), (16, 18), (19, 64), (65, 79), (80, 120)]
        parts = []
        for lo, hi in bands:
            part = pop[(pop.age_from >= lo) & (pop.age_to <= hi)].groupby(["district_id", "year"], as_index=False)[
                "count"].sum()
            parts.append(part.assign(age_from=lo, age_to=hi))
        frames["population"] = pd.concat(parts, ignore_index=True)
        _CACHE["x"] = write_template(tmp_path_factory.mktemp("example") / "exempel.xlsx", frames)
    target = tmp_path / "kommun.xlsx"
    shutil.copy(_CACHE["x"], target)
    return target
