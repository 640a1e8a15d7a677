"""Hypothesis fuzzing of the workbook reader: random values of random types in random cells of a small valid
workbook give either a valid model or a DataValidationError naming the sheet — nothing else."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hushall.errors import DataValidationError
from hushall.model import MunicipalityData, load
from tests.helpers import tiny_tables, write_xlsx

TABLES = tiny_tables()
CELLS = [(sheet, i, col) for sheet, rows in TABLES.items() for i, row in enumerate(rows) for col in row]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(min_size=2_000, max_size=2_500, alphabet="ab"),
    st.sampled_from(["=1+1", "=HYPERLINK(\"x\",\"y\")", "ja", "nej", "0884", "1,5", "−3", "1e20", " ", "#N/A",
                    "S1", "B1", "C", "V", "skola", "S1-tak"]),  # ids of other rows: duplicates, references
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)


def _excel_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # Excel has no NaN or infinity cells; a user can still type the text
    if isinstance(value, str):
        return "".join(c for c in value if c.isprintable() or c in "\t\n")  # XML forbids control characters
    return value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.sampled_from(CELLS), values), min_size=1, max_size=6))
def test_random_cells_give_a_model_or_a_validation_error(edits: list[tuple[tuple[str, int, str], Any]]) -> None:
    tables = {sheet: [dict(r) for r in rows] for sheet, rows in TABLES.items()}
    for (sheet, i, col), value in edits:
        tables[sheet][i][col] = _excel_safe(value)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(Path(tmp) / "k.xlsx", tables)
        try:
            data = load(path)
        except DataValidationError as exc:
            assert exc.problems  # noqa: PT017 - either outcome is right, so no pytest.raises
            for p in exc.problems:
                assert p.sheet or p.file, p
                assert "datetime." not in str(p) and "Timestamp(" not in str(p), p
        else:
            assert isinstance(data, MunicipalityData)
            assert data.summary()
