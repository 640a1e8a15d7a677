"""Year-keyed parameters with their sources (openfisca style).

A parameter holds values keyed by the year they take effect; a value holds until the next key.

Examples
--------
>>> p = Parameter("ränta", {2000: 0.03, 2030: 0.04}, unit="andel", reference="test")
>>> p.series([2029, 2030, 2031]).tolist()
[0.03, 0.04, 0.04]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from hushall.data.defaults import load as load_defaults


@dataclass(frozen=True)
class Parameter:
    name: str
    values: Mapping[int, float]
    unit: str = ""
    reference: str = ""
    overrides: Mapping[int, str] = field(default_factory=dict)  # year -> source of the user's override

    def series(self, years: Iterable[int]) -> np.ndarray:
        """Value in force in each year (the latest key ≤ year; before the first key, the first value)."""
        keys = np.array(sorted(self.values), dtype=int)
        vals = np.array([self.values[k] for k in keys], dtype=float)
        yrs = np.asarray(list(years), dtype=int)
        idx = np.searchsorted(keys, yrs, side="right") - 1
        return vals[np.clip(idx, 0, len(vals) - 1)]

    def with_overrides(self, values: Mapping[int, float], source: str = "") -> Parameter:
        merged = dict(self.values)
        merged.update({int(k): float(v) for k, v in values.items()})
        ov = dict(self.overrides)
        ov.update({int(k): source for k in values})
        return Parameter(self.name, merged, self.unit, self.reference, ov)


def default_assumptions() -> dict[str, Parameter]:
    out = {}
    for name, spec in load_defaults("parameters")["assumptions"]["values"].items():
        md = spec.get("metadata", {})
        out[name] = Parameter(
            name,
            {int(k): float(v) for k, v in spec["values"].items()},
            unit=str(md.get("unit", "")),
            reference=str(md.get("reference", "")),
        )
    return out


def component_lifetimes() -> dict[str, dict[str, float]]:
    """Default technical lifetime and Weibull shape per component type."""
    return {k: dict(v) for k, v in load_defaults("parameters")["component_lifetimes"]["values"].items()}


def condition_remaining_life() -> dict[int, float]:
    return {int(k): float(v) for k, v in load_defaults("parameters")["condition_remaining_life"]["values"].items()}
