"""The one exceptions module of Hushåll.

Every error a user can cause carries a stable code, says *where* (file, sheet, row, column, value) and *why*
in plain Swedish, and how to fix it. Presentation layers (CLI, web) print these; they never show a traceback.

Examples
--------
>>> p = Problem(code="E_TYPE", message="Värdet måste vara ett heltal.", file="k.xlsx", sheet="Anläggningar",
...             row=5, column="byggår", value="nitton")
>>> print(p)
k.xlsx › Anläggningar › rad 5 › kolumn byggår › värde 'nitton': Värdet måste vara ett heltal. [E_TYPE]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


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

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.column:
            parts.append(f"kolumn {self.column}")
        if self.value is not None and self.value != "":
            parts.append(f"värde {self.value!r}")
        return " › ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message} [{self.code}]" if loc else f"{self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["value"] is not None and not isinstance(d["value"], (int, float, str, bool)):
            d["value"] = str(d["value"])
        return d


class HushallError(Exception):
    """Base class of every error Hushåll raises on purpose."""

    code = "E_HUSHALL"


class DataValidationError(HushallError):
    """The user's data has one or more problems; ``problems`` lists every one of them."""

    code = "E_VALIDATION"

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem i indata" if n != 1 else "1 problem i indata"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))

    @classmethod
    def single(cls, code: str, message: str, **where: Any) -> DataValidationError:
        return cls([Problem(code=code, message=message, **where)])


class PlanError(HushallError):
    """A plan or project list that cannot be used (unknown project, start year outside its window …)."""

    code = "E_PLAN"


class SolverError(HushallError):
    """The optimiser could not produce a result (solver missing, crashed …)."""

    code = "E_SOLVER"


def raise_if_problems(problems: Iterable[Problem]) -> None:
    """Raise :class:`DataValidationError` when ``problems`` is not empty."""
    problems = list(problems)
    if problems:
        raise DataValidationError(problems)
