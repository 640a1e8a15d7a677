"""Stage 1: the description of a municipality's tables, reading them, and the Excel template."""

from __future__ import annotations

from hushall.data.schema import SHEETS, TABLES, ColumnSpec, TableSpec

__all__ = ["SHEETS", "TABLES", "ColumnSpec", "TableSpec"]
