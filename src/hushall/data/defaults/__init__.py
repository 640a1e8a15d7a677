"""Hushåll's defaults: one folder of YAML files, each with its unit and source, read by one validated loader.

=================== ============================================================== ===============================
file                what                                                           read by
=================== ============================================================== ===============================
``parameters.yaml`` component lifetimes, condition → remaining life, value shares,  :mod:`hushall.model.parameters`
                    default services, the assumptions of sheet Antaganden
``projects.yaml``   component split of a project's expenditure, types expensed      :mod:`hushall.projects`
``finance.yaml``    cost per place of a service (the demographic demand index)       :mod:`hushall.finance`
``montecarlo.yaml`` the uncertain drivers, their distributions and correlation       :mod:`hushall.scenarios`
``scenarios.yaml``  the built-in named scenarios                                     :mod:`hushall.scenarios`
=================== ============================================================== ===============================

:func:`load` reads a file once and checks it against its schema (pydantic models, unknown keys refused), so a
mistyped key or a value of the wrong kind stops the program with a message naming the file, the place in it and
what is wrong, instead of surfacing as a ``KeyError`` deep in a stage. The names of the drivers of sheet
Antaganden (:func:`assumption_names`) and of the Monte Carlo drivers come from these files; Python does not list
them again.

Examples
--------
>>> "ränta" in assumption_names() and load("montecarlo")["drivers"]["ränta"]["kind"]
'ar1'
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hushall.errors import ConfigError

FOLDER = "hushall.data.defaults"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Metadata(_Strict):
    unit: str | None = None
    reference: str | None = None


class _Section(_Strict):
    description: str
    metadata: Metadata | None = None


# --- parameters.yaml --------------------------------------------------------------------------------------------


class Lifetime(_Strict):
    lifetime_years: float = Field(gt=0)
    weibull_shape: float = Field(gt=0)


class Lifetimes(_Section):
    values: dict[str, Lifetime]


class RemainingLife(_Section):
    values: dict[int, float]

    @field_validator("values")
    @classmethod
    def _grades(cls, v: dict[int, float]) -> dict[int, float]:
        if sorted(v) != [1, 2, 3, 4, 5] or not all(0.0 <= x <= 1.0 for x in v.values()):
            raise ValueError("skick 1–5, var och en en andel 0–1")
        return v


class Shares(_Section):
    values: dict[str, float]

    @field_validator("values")
    @classmethod
    def _sum_to_one(cls, v: dict[str, float]) -> dict[str, float]:
        if abs(sum(v.values()) - 1.0) > 1e-6 or min(v.values()) < 0:
            raise ValueError(f"andelarna ska vara ≥ 0 och summera till 1 (summa {sum(v.values()):g})")
        return v


class Service(_Strict):
    name: str
    age_from: int = Field(ge=0)
    age_to: int = Field(ge=0)
    coverage: float = Field(ge=0, le=1)
    max_distance_km: float = Field(gt=0)
    critical_in_power_cut: bool
    source: str


class Services(_Section):
    values: dict[str, Service]


class Assumption(_Strict):
    values: dict[int, float]
    metadata: Metadata = Metadata()


class Assumptions(_Section):
    values: dict[str, Assumption]


class ParametersFile(_Strict):
    component_lifetimes: Lifetimes
    condition_remaining_life: RemainingLife
    default_value_shares: Shares
    services: Services
    assumptions: Assumptions


# --- projects.yaml ----------------------------------------------------------------------------------------------


class ComponentSplit(_Section):
    by_project_type: dict[str, dict[str, float]]
    by_facility_category: dict[str, dict[str, float]]


class NotCapitalised(_Section):
    values: list[str]


class ProjectsFile(_Strict):
    component_split: ComponentSplit
    not_capitalised: NotCapitalised


# --- finance.yaml -----------------------------------------------------------------------------------------------


class CostPerPlace(_Section):
    values: dict[str, float]
    keywords: dict[str, list[str]]

    @model_validator(mode="after")
    def _default_and_keywords(self) -> CostPerPlace:
        if "default" not in self.values:
            raise ValueError("values saknar 'default' (kostnaden för en tjänst utan eget värde)")
        unknown = sorted(set(self.keywords) - set(self.values))
        if unknown:
            raise ValueError(f"keywords för tjänster utan kostnad: {', '.join(unknown)}")
        return self


class FinanceFile(_Strict):
    service_cost_per_place: CostPerPlace


# --- montecarlo.yaml --------------------------------------------------------------------------------------------


class DriverSpec(BaseModel):
    """One uncertain driver; its numbers (``sd``, ``persistence`` …) are extra keys, each a number."""

    model_config = ConfigDict(extra="allow")
    label: str
    kind: Literal["ar1", "trend", "overrun", "execution"]
    parameters: dict[str, float] = {}
    unit: str = ""
    reference: str = ""

    @model_validator(mode="after")
    def _numbers(self) -> DriverSpec:
        for key, value in (self.model_extra or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{key} ska vara ett tal, inte {value!r}")
        if self.kind == "ar1" and not self.parameters:
            raise ValueError("en ar1-drivare behöver parameters (vilka antaganden den flyttar)")
        return self


class Correlation(_Strict):
    description: str = ""
    reference: str = ""
    order: list[str]
    matrix: list[list[float]]


class MonteCarloFile(_Strict):
    drivers: dict[str, DriverSpec]
    correlation: Correlation

    @model_validator(mode="after")
    def _matrix(self) -> MonteCarloFile:
        order, m = self.correlation.order, self.correlation.matrix
        if sorted(order) != sorted(self.drivers):
            raise ValueError(f"correlation.order ({', '.join(order)}) ska nämna varje drivare en gång")
        n = len(order)
        if len(m) != n or any(len(r) != n for r in m):
            raise ValueError(f"correlation.matrix ska vara {n} × {n}")
        if any(abs(m[i][j] - m[j][i]) > 1e-12 for i in range(n) for j in range(n)) or any(
                m[i][i] != 1.0 for i in range(n)):
            raise ValueError("correlation.matrix ska vara symmetrisk med ettor på diagonalen")
        return self


# --- scenarios.yaml ---------------------------------------------------------------------------------------------


class Change(BaseModel):
    """One change of sheet Scenarier (checked in full, with row-level messages, by :mod:`hushall.scenarios`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    parameter: str
    from_year: int | None = Field(None, alias="från_år")
    to_year: int | None = Field(None, alias="till_år")
    how: Literal["sätt", "lägg_till", "multiplicera"] = Field(alias="sätt")
    value: float = Field(alias="värde")
    source: str = Field(alias="källa")


class NamedScenario(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = Field(alias="namn")
    description: str = Field(alias="beskrivning")
    changes: list[Change] = Field(alias="ändringar")


class ScenariosFile(_Strict):
    scenarier: dict[str, NamedScenario]


#: Each file of the folder and its schema.
SCHEMAS: dict[str, type[BaseModel]] = {
    "parameters": ParametersFile,
    "projects": ProjectsFile,
    "finance": FinanceFile,
    "montecarlo": MonteCarloFile,
    "scenarios": ScenariosFile,
}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(hela filen)"


def validate(name: str, document: Any, file: str | None = None) -> dict[str, Any]:
    """``document`` checked against the schema of defaults file ``name``; returned as it is.

    Raises
    ------
    ConfigError
        Naming the file, each place in it that is wrong and why.

    Examples
    --------
    >>> validate("finance", {"service_cost_per_place": {"description": "x", "values": {"default": "dyr"},
    ...                                                   "keywords": {}}})
    Traceback (most recent call last):
    ...
    hushall.errors.ConfigError: Standardvärdena i finance.yaml är felaktiga: service_cost_per_place.values.default: Input should be a valid number, unable to parse string as a number (värde 'dyr')
    """
    file = file or f"{name}.yaml"
    if not isinstance(document, Mapping):
        raise ConfigError(f"Standardvärdena i {file} är felaktiga: filen ska vara en YAML-mappning (nyckel: värde).")
    try:
        SCHEMAS[name].model_validate(document)
    except ValidationError as exc:
        problems = [f"{_where(e['loc'])}: {e['msg']}" + (f" (värde {_short(e['input'])})" if e["type"] != "missing"
                                                          and not isinstance(e["input"], (dict, list)) else "")
                    for e in exc.errors()]
        raise ConfigError(f"Standardvärdena i {file} är felaktiga: " + "; ".join(problems)) from None
    return dict(document)


def read(path: str | Path, name: str) -> dict[str, Any]:
    """A defaults file of kind ``name`` read from ``path`` and validated (:func:`validate`)."""
    p = Path(path)
    try:
        document = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"Standardvärdena i {p.name} kunde inte läsas: {exc}") from None
    return validate(name, document, p.name)


@cache
def load(name: str) -> dict[str, Any]:
    """The package's defaults file ``name`` (a key of :data:`SCHEMAS`), read and validated once.

    Callers must not change the returned mapping (it is shared).
    """
    if name not in SCHEMAS:
        raise KeyError(f"no defaults file {name!r}; the files are {', '.join(SCHEMAS)}")
    return read(Path(str(resources.files(FOLDER).joinpath(f"{name}.yaml"))), name)


def assumption_names() -> tuple[str, ...]:
    """The drivers of sheet Antaganden, in the order of ``parameters.yaml``."""
    return tuple(load("parameters")["assumptions"]["values"])


def assumption_unit(name: str) -> str:
    """The unit of assumption ``name`` (``"andel per år"`` …)."""
    return str(load("parameters")["assumptions"]["values"][name].get("metadata", {}).get("unit", ""))
