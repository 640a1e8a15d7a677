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
from typing import TYPE_CHECKING

from hushall.model import MunicipalityData, build
from hushall.model.municipality import load_frames

if TYPE_CHECKING:
    import pandas as pd

    from hushall.errors import Problem


def example_path(name: str = "exempelkommun") -> Path:
    """The folder of CSV files behind an example municipality."""
    return Path(str(resources.files("hushall.examples").joinpath(name)))


@cache
def _exempelkommun_validated() -> tuple[dict[str, pd.DataFrame], tuple[Problem, ...]]:
    return load_frames(example_path("exempelkommun"))


@cache
def _exempelkommun() -> MunicipalityData:
    frames, warnings = _exempelkommun_validated()
    return build(frames, source=str(example_path("exempelkommun")), warnings=warnings)


def exempelkommun() -> MunicipalityData:
    """Exempelkommun: a fictional small, shrinking and ageing municipality calibrated on Vimmerby kommun.

    See ``hushall/examples/exempelkommun/SOURCES.md`` for every calibration figure and its source.
    The model is immutable, so the cached instance is shared safely.
    """
    return _exempelkommun()


def exempelkommun_frames() -> dict[str, pd.DataFrame]:
    """Exempelkommun's validated tables (copies; internal column names), as :func:`hushall.model.load` read them
    for :func:`exempelkommun`: what ``hushall template --example`` and ``hushall demo`` write to a workbook,
    without reading and validating the files again.

    Examples
    --------
    >>> len(exempelkommun_frames()["districts"]) == len(exempelkommun().districts)
    True
    """
    frames, _ = _exempelkommun_validated()
    return {key: frame.copy() for key, frame in frames.items()}


__all__ = ["example_path", "exempelkommun", "exempelkommun_frames"]
