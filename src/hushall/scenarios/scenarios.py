"""Named scenarios: small, sourced changes of a municipality's inputs, applied to a copy of the baseline.

A :class:`Scenario` is a name, a description and a list of :class:`Override`\\ s, each one change of one input
parameter over a span of years (calliope ``scenarios.yaml``, openfisca ``Reform``). :func:`apply` returns a changed
*copy* of the :class:`~hushall.model.MunicipalityData`; scenarios touch inputs only, so every later stage (needs,
projects, the financial model, the optimiser) runs unchanged under any scenario.

Parameters a scenario may change (:data:`SCENARIO_PARAMETERS`):

* every year-keyed assumption of sheet ``Antaganden`` (:data:`hushall.data.schema.ASSUMPTION_PARAMETERS`:
  ``ränta``, ``byggprisindex``, ``skatteunderlag_tillväxt`` …) with ``sätt`` (set), ``lägg_till`` (add) or
  ``multiplicera`` (multiply) over ``från_år … till_år``;
* ``befolkning``: the population forecast (sheet ``Befolkning``, every district and age) multiplied by ``värde`` in
  ``från_år … till_år``;
* ``befolkning_tillväxt``: the population grows ``värde`` faster (+) or slower (−) per year than the forecast
  from ``från_år``; the counts of year ``y`` are multiplied by ``(1 + värde)^(min(y, till_år) − från_år + 1)``;
* ``projektkostnad``: the cost of every project of sheet ``Projekt`` multiplied by ``värde`` (years unused).

Year spans: ``från_år`` empty = the first plan year; ``till_år`` empty = open-ended. A year-keyed parameter holds its
value until its next key (:class:`~hushall.model.Parameter`), so an override writes new keys at ``från_år`` and at
every existing key inside the span, and restores the baseline's value at ``till_år + 1``.

Scenarios come from the built-in library (``hushall/data/defaults/scenarios.yaml``, :func:`builtin_scenarios`), from a
YAML file of the same shape, or from a sheet ``Scenarier`` (.xlsx, or ``Scenarier.csv``) with the columns of
:data:`SHEET_COLUMNS` (:func:`read_scenarios`).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> data = exempelkommun()
>>> high = apply(data, builtin_scenarios()["hög_ränta"])
>>> i = data.years.tolist().index(2027)
>>> round(float(high.assumption("ränta")[i] - data.assumption("ränta")[i]), 6)
0.02
>>> float(data.assumption("ränta")[2])  # the baseline is untouched
0.03
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml

from hushall.data.defaults import load as load_defaults
from hushall.data.schema import ASSUMPTION_PARAMETERS
from hushall.errors import DataValidationError, Problem
from hushall.model import MunicipalityData, Parameter

Mode = Literal["sätt", "lägg_till", "multiplicera"]

#: Ways an override changes a value.
MODES: tuple[str, ...] = ("sätt", "lägg_till", "multiplicera")

#: Inputs a scenario may change beyond the year-keyed assumptions, and the modes each allows.
SPECIAL_PARAMETERS: dict[str, tuple[str, ...]] = {
    "befolkning": ("multiplicera",),
    "befolkning_tillväxt": ("lägg_till",),
    "projektkostnad": ("multiplicera",),
}

#: Every parameter a scenario may change.
SCENARIO_PARAMETERS: tuple[str, ...] = (*ASSUMPTION_PARAMETERS, *SPECIAL_PARAMETERS)

#: The sheet ``Scenarier`` (one row per change; a scenario is the rows sharing its name): header → description.
#: Proposed to the owner of :mod:`hushall.data.schema` as a ``TableSpec`` (``required=False``).
SHEET_NAME = "Scenarier"
SHEET_COLUMNS: dict[str, str] = {
    "scenario": "Scenariots namn (rader med samma namn bildar ett scenario).",
    "beskrivning": "Vad scenariot beskriver (frivillig; första ifyllda raden per scenario gäller).",
    "parameter": "Vad som ändras: en parameter i Antaganden, befolkning, befolkning_tillväxt eller projektkostnad.",
    "från_år": "Första år ändringen gäller (tomt = första planåret).",
    "till_år": "Sista år ändringen gäller (tomt = resten av planen).",
    "värde": "Värdet (andelar som decimaltal, t.ex. 0,02 = 2 procentenheter).",
    "sätt": "sätt (ersätt värdet), lägg_till (addera) eller multiplicera. Tomt = sätt.",
    "källa": "Källa eller motivering (frivillig).",
}
_REQUIRED_COLUMNS = ("scenario", "parameter", "värde")


@dataclass(frozen=True)
class Override:
    """One change of one input parameter over ``from_year … to_year`` (``None`` = open)."""

    parameter: str
    value: float
    mode: str = "sätt"
    from_year: int | None = None
    to_year: int | None = None
    source: str = ""

    def transform(self) -> Callable[[float], float]:
        """The change as a function of the baseline value."""
        v = self.value
        if self.mode == "lägg_till":
            return lambda x: x + v
        if self.mode == "multiplicera":
            return lambda x: x * v
        return lambda x: v

    def to_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "från_år": self.from_year, "till_år": self.to_year,
                "värde": self.value, "sätt": self.mode, "källa": self.source}


@dataclass(frozen=True)
class Scenario:
    """A named combination of small overrides of the baseline's inputs."""

    key: str
    name: str
    description: str = ""
    overrides: tuple[Override, ...] = field(default_factory=tuple)

    @property
    def sources(self) -> str:
        return "; ".join(dict.fromkeys(o.source for o in self.overrides if o.source))

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "description": self.description,
                "overrides": [o.to_dict() for o in self.overrides]}


#: The baseline as a scenario without overrides.
BASELINE = Scenario("basprognos", "Basprognos", "Kommunens egna antaganden utan ändringar.")


# --- Parsing ----------------------------------------------------------------------------------------------------


def _key(name: str) -> str:
    return "_".join(str(name).strip().lower().split())


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        x = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("−", "-")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            x = float(text)
        except ValueError:
            return None
    return x if math.isfinite(x) else None


def _year(value: Any) -> tuple[int | None, bool]:
    """``(year, ok)``; an empty cell is ``(None, True)``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    x = _number(value)
    if x is None or not x.is_integer() or not 1800 <= x <= 2200:
        return None, False
    return int(x), True


def _override(row: Mapping[str, Any], where: dict[str, Any], problems: list[Problem]) -> Override | None:
    """Check one change (sheet row or YAML entry); add every problem found."""
    before = len(problems)
    parameter = str(row.get("parameter") or "").strip().lower()
    if parameter not in SCENARIO_PARAMETERS:
        problems.append(Problem("E_SCENARIO_PARAMETER", "Okänd parameter. Tillåtna: " + ", ".join(SCENARIO_PARAMETERS)
                                + ".", column="parameter", value=parameter or None, **where))
    mode = str(row.get("sätt") or "sätt").strip().lower()
    if mode not in MODES:
        problems.append(Problem("E_SCENARIO_MODE", "Okänt sätt. Tillåtna: sätt, lägg_till, multiplicera.",
                                column="sätt", value=mode, **where))
    elif parameter in SPECIAL_PARAMETERS and mode not in SPECIAL_PARAMETERS[parameter]:
        problems.append(Problem("E_SCENARIO_MODE", f"{parameter} ändras med sätt "
                                + " eller ".join(SPECIAL_PARAMETERS[parameter]) + ".", column="sätt", value=mode,
                                **where))
    value = _number(row.get("värde"))
    if value is None:
        problems.append(Problem("E_TYPE", "Värdet måste vara ett tal (decimalkomma eller -punkt).", column="värde",
                                value=row.get("värde"), **where))
    elif mode == "multiplicera" and value < 0:
        problems.append(Problem("E_RANGE", "En faktor får inte vara negativ.", column="värde", value=value, **where))
    years: list[int | None] = []
    for col in ("från_år", "till_år"):
        y, ok = _year(row.get(col))
        if not ok:
            problems.append(Problem("E_TYPE", "Året måste vara ett årtal (1800–2200) eller tomt.", column=col,
                                    value=row.get(col), **where))
        years.append(y)
    lo, hi = years
    if lo is not None and hi is not None and lo > hi:
        problems.append(Problem("E_YEAR_RANGE", "från_år är senare än till_år.", column="till_år", value=hi, **where))
    if len(problems) > before or value is None:
        return None
    return Override(parameter, float(value), mode, lo, hi, str(row.get("källa") or "").strip())


def scenarios_from_rows(rows: Iterable[tuple[int | None, Mapping[str, Any]]], *, file: str | None = None,
                        sheet: str | None = SHEET_NAME) -> dict[str, Scenario]:
    """Scenarios from rows of sheet ``Scenarier`` (header → cell, with the row number the user sees).

    Raises
    ------
    hushall.errors.DataValidationError
        With every problem found (file, sheet, row, column, value, reason).
    """
    problems: list[Problem] = []
    names: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    changes: dict[str, list[Override]] = {}
    for number, row in rows:
        where: dict[str, Any] = {"file": file, "sheet": sheet, "row": number}
        name = str(row.get("scenario") or "").strip()
        if not name:
            problems.append(Problem("E_REQUIRED", "Scenariots namn saknas.", column="scenario", **where))
            continue
        key = _key(name)
        names.setdefault(key, name)
        description = str(row.get("beskrivning") or "").strip()
        if description and key not in descriptions:
            descriptions[key] = description
        ov = _override(row, where, problems)
        changes.setdefault(key, [])
        if ov is not None:
            changes[key].append(ov)
    if problems:
        raise DataValidationError(problems)
    return {k: Scenario(k, names[k], descriptions.get(k, ""), tuple(v)) for k, v in changes.items()}


#: Internal column names of the proposed ``Scenarier`` TableSpec → the sheet's headers.
FRAME_COLUMNS: dict[str, str] = {"scenario": "scenario", "description": "beskrivning", "parameter": "parameter",
                                 "from_year": "från_år", "to_year": "till_år", "value": "värde", "mode": "sätt",
                                 "source": "källa"}


def scenarios_from_frame(frame: Any, *, file: str | None = None) -> dict[str, Scenario]:
    """Scenarios from a validated ``Scenarier`` table with internal column names (:data:`FRAME_COLUMNS`; a
    ``_row`` column, as the validator adds, gives the row numbers of the messages) or the sheet's headers."""
    import pandas as pd

    df = pd.DataFrame(frame).rename(columns=FRAME_COLUMNS)
    numbers = df["_row"].tolist() if "_row" in df else [None] * len(df)

    def cell(v: Any) -> Any:
        return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

    rows = ((n, {str(k): cell(v) for k, v in r.items() if k != "_row"})
            for n, r in zip(numbers, df.to_dict("records"), strict=True))
    return scenarios_from_rows(rows, file=file)


def scenarios_from_mapping(document: Mapping[str, Any], *, file: str | None = None) -> dict[str, Scenario]:
    """Scenarios from a parsed YAML document.

    Two shapes are read under ``scenarier`` (or ``scenarios``): a list of changes with the sheet's columns
    (``ändringar``), or a mapping parameter → {från_år: värde} (``sätt``, as openfisca's parameters)::

        scenarier:
          hög_ränta:
            namn: Hög ränta
            ändringar:
              - {parameter: ränta, från_år: 2027, sätt: lägg_till, värde: 0.02, källa: Kommuninvest}
          dyr_bygg:
            värden: {byggprisindex: {2026: 0.18, 2027: 0.03}}
    """
    body = document.get("scenarier", document.get("scenarios")) if isinstance(document, Mapping) else None
    if not isinstance(body, Mapping):
        raise DataValidationError.single(
            "E_SCENARIO_FILE", "Filen ska ha en nyckel 'scenarier' med ett scenario per namn.", file=file)
    problems: list[Problem] = []
    out: dict[str, Scenario] = {}
    for raw_key, spec in body.items():
        key = _key(str(raw_key))
        where: dict[str, Any] = {"file": file, "sheet": str(raw_key), "row": None}
        if not isinstance(spec, Mapping):
            problems.append(Problem("E_SCENARIO_FILE", "Scenariot ska vara en mappning med namn, beskrivning och "
                                    "ändringar.", **where))
            continue
        overrides: list[Override] = []
        for i, change in enumerate(spec.get("ändringar", spec.get("overrides", [])) or [], start=1):
            if not isinstance(change, Mapping):
                problems.append(Problem("E_SCENARIO_FILE", "Varje ändring ska vara en mappning.", **{**where, "row": i}))
                continue
            ov = _override(change, {**where, "row": i}, problems)
            if ov is not None:
                overrides.append(ov)
        for parameter, by_year in (spec.get("värden", spec.get("values", {})) or {}).items():
            if not isinstance(by_year, Mapping):
                problems.append(Problem("E_SCENARIO_FILE", "Värden anges som {år: värde}.", column=str(parameter),
                                        **where))
                continue
            for year, value in sorted(by_year.items(), key=lambda kv: str(kv[0])):
                ov = _override({"parameter": parameter, "från_år": year, "värde": value, "sätt": "sätt",
                                "källa": spec.get("källa", "")}, where, problems)
                if ov is not None:
                    overrides.append(ov)
        name = str(spec.get("namn", spec.get("name", raw_key)))
        out[key] = Scenario(key, name, str(spec.get("beskrivning", spec.get("description", ""))).strip(),
                            tuple(overrides))
    if problems:
        raise DataValidationError(problems)
    return out


@cache
def _builtin() -> dict[str, Scenario]:
    return scenarios_from_mapping(load_defaults("scenarios"), file="scenarios.yaml")


def builtin_scenarios() -> dict[str, Scenario]:
    """Hushåll's named scenarios (``hushall/data/defaults/scenarios.yaml``), keyed by their identifier."""
    return dict(_builtin())


def read_scenarios(path: str | Path) -> dict[str, Scenario]:
    """Read scenarios from a YAML file, a CSV file of sheet ``Scenarier``, a folder holding ``Scenarier.csv``, or
    an .xlsx workbook with a sheet ``Scenarier`` (the only sheet read).

    Raises
    ------
    hushall.errors.DataValidationError
        When the file is missing or unreadable, or for every bad row.
    """
    from hushall.data.io import read_raw

    p = Path(path)
    if not p.exists():
        raise DataValidationError.single("E_FILE_MISSING", "Scenariofilen finns inte.", file=str(p))
    if p.suffix.lower() in {".yaml", ".yml"}:
        try:
            document = yaml.safe_load(p.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise DataValidationError.single("E_FILE_UNREADABLE", f"YAML-filen kunde inte läsas: {exc}",
                                             file=p.name) from exc
        return scenarios_from_mapping(document, file=p.name)
    if p.suffix.lower() == ".csv":
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(p, Path(tmp) / f"{SHEET_NAME}.csv")
            book = read_raw(tmp)
    else:
        book = read_raw(p)
    table = next((t for name, t in book.tables.items() if name.lower() == SHEET_NAME.lower()), None)
    if table is None:
        raise DataValidationError.single("E_SHEET_MISSING", f"Fliken {SHEET_NAME} saknas.", file=p.name)
    return _from_table(table.header, table.rows, table.row_numbers, p.name)


def workbook_scenarios(path: str | Path) -> dict[str, Scenario]:
    """The scenarios of a municipality's own workbook or CSV folder (sheet ``Scenarier``); empty when absent."""
    from hushall.data.io import read_raw

    p = Path(path)
    if p.is_dir() and not (p / f"{SHEET_NAME}.csv").exists():
        return {}
    book = read_raw(p)
    table = next((t for name, t in book.tables.items() if name.lower() == SHEET_NAME.lower()), None)
    if table is None:
        return {}
    return _from_table(table.header, table.rows, table.row_numbers, p.name)


def _from_table(header: Sequence[str], rows: Sequence[Sequence[Any]], numbers: Sequence[int], file: str
                ) -> dict[str, Scenario]:
    headers = [h.strip().lower() for h in header]
    missing = [c for c in _REQUIRED_COLUMNS if c not in headers]
    unknown = [h for h in headers if h and h not in SHEET_COLUMNS and h != "kommentar"]
    problems = [Problem("E_COLUMN_MISSING", f"Obligatorisk kolumn saknas: {c} ({SHEET_COLUMNS[c]})", file=file,
                        sheet=SHEET_NAME, row=1, column=c) for c in missing]
    problems += [Problem("E_COLUMN_UNKNOWN", "Okänd kolumn. Tillåtna kolumner: " + ", ".join(SHEET_COLUMNS) + ".",
                         file=file, sheet=SHEET_NAME, row=1, column=h) for h in unknown]
    if problems:
        raise DataValidationError(problems)
    records = ((n, dict(zip(headers, r, strict=False))) for n, r in zip(numbers, rows, strict=True))
    return scenarios_from_rows(records, file=file)


def select(scenarios: Mapping[str, Scenario], names: Sequence[str]) -> list[Scenario]:
    """The scenarios named (by identifier or display name, case-insensitive), in the order given.

    Raises
    ------
    hushall.errors.DataValidationError
        For a name that matches no scenario.
    """
    by_name = {**{_key(s.name): s for s in scenarios.values()}, **dict(scenarios)}
    out, problems = [], []
    for name in names:
        s = by_name.get(_key(name))
        if s is None:
            problems.append(Problem("E_SCENARIO_UNKNOWN", "Okänt scenario. Tillgängliga: "
                                    + ", ".join(sc.name for sc in scenarios.values()) + ".", value=name))
        else:
            out.append(s)
    if problems:
        raise DataValidationError(problems)
    return out


# --- Applying ---------------------------------------------------------------------------------------------------


def override_parameter(parameter: Parameter, override: Override, first_year: int, label: str = "") -> Parameter:
    """A year-keyed parameter with one override applied (see the module docstring for the year rules).

    Examples
    --------
    >>> p = Parameter("ränta", {2000: 0.03, 2030: 0.04})
    >>> q = override_parameter(p, Override("ränta", 0.01, "lägg_till", 2027, 2031), 2025)
    >>> q.series([2026, 2027, 2029, 2030, 2031, 2032]).round(3).tolist()
    [0.03, 0.04, 0.04, 0.05, 0.05, 0.04]
    """
    lo = first_year if override.from_year is None else override.from_year
    hi = override.to_year
    if hi is not None and hi < lo:
        return parameter
    fn = override.transform()
    keys = [lo] + [k for k in parameter.values if k > lo and (hi is None or k <= hi)]
    values = dict(parameter.values)
    for k in keys:
        values[k] = float(fn(float(parameter.series([k])[0])))
    if hi is not None and (hi + 1) not in parameter.values:
        values[hi + 1] = float(parameter.series([hi + 1])[0])
    note = f"Scenario {label}: {override.source}".strip().rstrip(":") if label else override.source
    sources = dict(parameter.overrides)
    sources.update(dict.fromkeys(keys, note))
    return Parameter(parameter.name, values, parameter.unit, parameter.reference, sources)


def population_factor(years: np.ndarray, override: Override, first_year: int) -> np.ndarray:
    """The factor on the population counts of each year for a ``befolkning`` or ``befolkning_tillväxt`` override.

    Examples
    --------
    >>> population_factor(np.arange(2024, 2029), Override("befolkning_tillväxt", -0.1, "lägg_till", 2025, 2026),
    ...                   2025).round(3).tolist()
    [1.0, 0.9, 0.81, 0.81, 0.81]
    """
    yrs = np.asarray(years, dtype=np.int64)
    lo = first_year if override.from_year is None else override.from_year
    hi = np.iinfo(np.int64).max if override.to_year is None else override.to_year
    if override.parameter == "befolkning":
        return np.where((yrs >= lo) & (yrs <= hi), override.value, 1.0)
    n = np.clip(np.minimum(yrs, hi) - lo + 1, 0, None)
    return (1.0 + override.value) ** n


def apply(data: MunicipalityData, scenario: Scenario) -> MunicipalityData:
    """A copy of ``data`` with the scenario's overrides applied (inputs only; ``data`` is unchanged).

    Overrides of the same parameter apply in the order given, each to the result of the one before.
    """
    if not scenario.overrides:
        return data.replace()
    assumptions = dict(data.assumptions)
    population = data.population
    projects = data.projects
    for ov in scenario.overrides:
        if ov.parameter in assumptions:
            assumptions[ov.parameter] = override_parameter(assumptions[ov.parameter], ov, data.first_year,
                                                           scenario.name)
        elif ov.parameter in ("befolkning", "befolkning_tillväxt"):
            population = population.copy()
            factor = population_factor(population["year"].to_numpy(), ov, data.first_year)
            population["count"] = population["count"].to_numpy(dtype=float) * factor
        elif ov.parameter == "projektkostnad":
            projects = projects.copy()
            if len(projects):
                projects["cost_kr"] = projects["cost_kr"].astype(float) * ov.value
        else:  # pragma: no cover - parsing rejects unknown parameters
            raise ValueError(f"unknown scenario parameter {ov.parameter!r}")
    return data.replace(assumptions=assumptions, population=population, projects=projects)


__all__ = [
    "BASELINE",
    "FRAME_COLUMNS",
    "MODES",
    "SCENARIO_PARAMETERS",
    "SHEET_COLUMNS",
    "SHEET_NAME",
    "Override",
    "Scenario",
    "apply",
    "builtin_scenarios",
    "override_parameter",
    "population_factor",
    "read_scenarios",
    "scenarios_from_frame",
    "scenarios_from_mapping",
    "scenarios_from_rows",
    "select",
    "workbook_scenarios",
]
