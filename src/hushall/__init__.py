"""Hushåll: långsiktig planering av kommunala anläggningstillgångar.

Needs, the long-term financial plan and the best investment plan between them, for Swedish municipalities.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hushall")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

from hushall.model import MunicipalityData, load

__all__ = ["MunicipalityData", "__version__", "load"]
