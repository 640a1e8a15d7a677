"""Example municipalities shipped with Hushåll.

They are the demo, the template's example and the test fixtures (as PyPSA's and calliope's ``examples``).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> k = exempelkommun()
>>> k.name, k.base_year
('Exempelkommun', 2024)
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from hushall.model import MunicipalityData, load


def example_path(name: str = "exempelkommun") -> Path:
    """The folder of CSV files behind an example municipality."""
    return Path(str(resources.files("hushall.examples").joinpath(name)))


@cache
def _exempelkommun() -> MunicipalityData:
    return load(example_path("exempelkommun"))


def exempelkommun() -> MunicipalityData:
    """Exempelkommun: a fictional small, shrinking and ageing municipality calibrated on Vimmerby kommun.

    See ``hushall/examples/exempelkommun/SOURCES.md`` for every calibration figure and its source.
    The model is immutable, so the cached instance is shared safely.
    """
    return _exempelkommun()


__all__ = ["example_path", "exempelkommun"]
