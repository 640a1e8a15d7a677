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


number_cells = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["77.5", " 12 ", "1,5", "1 234", "1\u00a0234", "−3", "-3", "1e3", "1_000", "inf", "nan",
                     "0x10", "+4", "2.0", "12.5", "-0"]),
    st.integers(0, 200).map(str), st.floats(0, 1e6, allow_nan=False).map(repr))


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(number_cells, max_size=6),
       column=st.sampled_from(["count", "age_from", "year", "district_id"]))
def test_a_plain_number_column_converts_at_once_exactly_as_cell_by_cell(cells: list[Any], column: str) -> None:
    """:func:`hushall.model.validate._plain_column` (the fast path for a whole column of numbers or texts) gives what
    :func:`hushall.model.validate._convert` and the range check give cell by cell, or leaves the column to them."""
    from hushall.data.schema import TABLES as SCHEMA
    from hushall.model.validate import _convert, _plain_column, _range_reason

    col = next(c for c in SCHEMA["population"].columns if c.name == column)
    fast = _plain_column(cells, col)
    if fast is None:
        return
    for value, got in zip(cells, fast, strict=True):
        if value is None:
            assert not col.required and got == col.default
            continue
        converted, reason = _convert(value, col)
        assert reason is None, (value, reason)
        assert col.dtype == "str" or _range_reason(float(converted), col) is None, value
        assert type(got) is type(converted) and got == converted, (value, got, converted)


def test_the_fast_path_takes_the_example_and_leaves_a_decimal_comma_to_the_cell_by_cell_path() -> None:
    from hushall.data.schema import TABLES as SCHEMA
    from hushall.model.validate import _plain_column

    count = next(c for c in SCHEMA["population"].columns if c.name == "count")
    assert _plain_column(["77.5", 3, " 12 "], count) == [77.5, 3.0, 12.0]
    length = next(c for c in SCHEMA["components"].columns if c.name == "length_m")
    assert not length.required and _plain_column(["2.5", None], length) == [2.5, length.default]
    for other in (["77,5"], ["1 234"], ["−3"], [True], ["inf"], [-1.0], ["x"], [None]):  # count is required
        assert _plain_column(other, count) is None, other
