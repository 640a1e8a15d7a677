"""Hushåll: långsiktig planering av kommunala anläggningstillgångar.

Needs, the long-term financial plan and the best investment plan between them, for Swedish municipalities.

``import hushall`` is light: the public names (``hushall.load``, ``hushall.MunicipalityData``) are imported on
first use (PEP 562 module ``__getattr__``), so the command line starts without loading pandas or NumPy.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("hushall")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

if TYPE_CHECKING:
    from hushall.model import MunicipalityData, load

#: Public name → the module that defines it, imported when the name is first used.
_LAZY = {"MunicipalityData": "hushall.model", "load": "hushall.model"}

__all__ = ["MunicipalityData", "__version__", "load"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hushall' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
