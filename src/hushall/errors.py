"""The one exceptions module of Hushåll.

Every error a user can cause carries a stable code, says *where* (file, sheet, row, column, value) and *why*
in plain Swedish, and how to fix it. Presentation layers (CLI, web) print these; they never show a traceback.

Examples
--------
>>> p = Problem(code="E_TYPE", message="Värdet måste vara ett heltal.", file="k.xlsx", sheet="Anläggningar",
...             row=5, column="byggår", value="nitton")
>>> print(p)
k.xlsx › Anläggningar › rad 5 › kolumn byggår › värde 'nitton': Värdet måste vara ett heltal. [E_TYPE]

Values are shown as the person wrote them (a date as a date, a number with decimal comma, long text cut):

>>> import datetime
>>> print(Problem("E_TYPE", "Värdet måste vara ett heltal.", sheet="Anläggningar", row=2, column="byggår",
...               value=datetime.datetime(2026, 1, 1)))
Anläggningar › rad 2 › kolumn byggår › värde 2026-01-01: Värdet måste vara ett heltal. [E_TYPE]

A warning does not stop the work; it is shown with the data loaded:

>>> print(Problem("W_TARGET_PERCENT", "Menade du 30 %?", sheet="Mål", row=5, column="gräns", value=30.0,
...               severity="warning"))
Varning: Mål › rad 5 › kolumn gräns › värde 30: Menade du 30 %? [W_TARGET_PERCENT]
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from hushall.formatting import fmt_number

Severity = Literal["error", "warning"]

#: Longest value or column name quoted in a message (a 32 000-character cell is cut, with its length said).
MAX_SHOWN_CHARS = 60


def _cut(text: str) -> str:
    if len(text) <= MAX_SHOWN_CHARS:
        return text
    count = fmt_number(len(text))
    return f"{text[:MAX_SHOWN_CHARS]}… ({count} tecken)"


def format_value(value: Any) -> str:
    """A cell's value as the person wrote it: text quoted, dates as dates, numbers with decimal comma.

    Examples
    --------
    >>> format_value("nitton"), format_value(2026.0), format_value(0.3), format_value(1e20)
    ("'nitton'", '2026', '0,3', '100\xa0000\xa0000\xa0000\xa0000\xa0000\xa0000')
    >>> format_value(dt.date(2026, 1, 31)), format_value(dt.datetime(2026, 1, 31, 12, 30)), format_value(True)
    ('2026-01-31', '2026-01-31 12:30', 'ja')
    >>> format_value("x" * 32000).endswith("… (32\u00a0000 tecken)'")
    True
    """
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        x = float(value)
        if not math.isfinite(x):
            return str(value)
        if x.is_integer() and abs(x) >= 1e6:
            return fmt_number(x)
        if x.is_integer():
            return str(int(x))
        return f"{x:.10g}".replace(".", ",")
    if isinstance(value, str):
        return "'" + " ".join(_cut(value).splitlines()) + "'"
    return _cut(str(value))


@dataclass(frozen=True)
class Problem:
    """One problem found in the user's data.

    ``row`` is the row number the user sees: the Excel row (header = row 1) or the CSV line.
    """

    code: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    severity: Severity | str = "error"  # "error" or "warning"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.column:
            parts.append(f"kolumn {_cut(str(self.column))}")
        if self.value is not None and self.value != "":
            parts.append(f"värde {format_value(self.value)}")
        return " › ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message} [{self.code}]" if loc else f"{self.message} [{self.code}]"
        return f"Varning: {text}" if self.is_warning else text

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["value"] is not None and not isinstance(d["value"], (int, float, str, bool)):
            d["value"] = format_value(d["value"])
        return d


class HushallError(Exception):
    """Base class of every error Hushåll raises on purpose."""

    code = "E_HUSHALL"


class DataValidationError(HushallError):
    """The user's data has one or more problems; ``problems`` lists every one of them (errors), ``warnings`` the
    warnings found beside them."""

    code = "E_VALIDATION"

    def __init__(self, problems: Sequence[Problem], warnings: Sequence[Problem] = ()):
        self.problems = list(problems)
        self.warnings = list(warnings)
        n = len(self.problems)
        head = f"{n} problem i indata" if n != 1 else "1 problem i indata"
        text = head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)
        if self.warnings:
            text += "\n" + "\n".join(f"  - {p}" for p in self.warnings)
        super().__init__(text)

    @classmethod
    def single(cls, code: str, message: str, **where: Any) -> DataValidationError:
        return cls([Problem(code=code, message=message, **where)])


class PlanError(HushallError):
    """A plan or project list that cannot be used (unknown project, start year outside its window …)."""

    code = "E_PLAN"


class OutputExistsError(HushallError):
    """An output would replace a file that must not be replaced (an existing file without ``--force``, or an
    input)."""

    code = "E_OUTPUT_EXISTS"


class ConfigError(HushallError):
    """A setting (an environment variable, a defaults file) that cannot be used; the message names it, its value
    and what is allowed."""

    code = "E_CONFIG"


class SolverError(HushallError):
    """The optimiser could not produce a result (solver missing, crashed …)."""

    code = "E_SOLVER"


def raise_if_problems(problems: Iterable[Problem]) -> None:
    """Raise :class:`DataValidationError` when ``problems`` holds an error (warnings alone do not stop the work)."""
    problems = list(problems)
    errors = [p for p in problems if not p.is_warning]
    if errors:
        raise DataValidationError(errors, [p for p in problems if p.is_warning])
