"""Stage 2: the validated model of a municipality."""

from __future__ import annotations

from hushall.model.municipality import MunicipalityData, build, load
from hushall.model.parameters import Parameter

__all__ = ["MunicipalityData", "Parameter", "build", "load"]
