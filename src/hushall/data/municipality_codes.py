"""Sweden's 290 municipalities and their four-digit codes (kommunkoder), shipped with the package.

``kommunkoder.csv`` beside this module lists the code and name of every municipality as in SCB's official
classification *Kommuner i Sverige (kommunkoder)*, in force unchanged since Knivsta (0330) was formed in 2003.
The list was checked against the 290 municipality names of SCB's tables for 2019 (population by age, tax rates)
that the project's tests use (``shared/data/scb_2019``): every name matches, none is missing. The first two
digits are the county (län) code; no county has the code 00, so codes 0000–0099 never name a real municipality
and Hushåll keeps them for made-up municipalities (the example, training, tests).

References
----------
SCB, "Kommuner i Sverige – kommunkoder" (regional indelning, län och kommuner), Statistiska centralbyrån.

Examples
--------
>>> codes = municipality_codes()
>>> len(codes), codes["0884"], codes["2584"]
(290, 'Vimmerby', 'Kiruna')
>>> is_made_up("0099"), is_made_up("0884")
(True, False)
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

#: Codes that start with 00 belong to no county: free for made-up municipalities.
MADE_UP_PREFIX = "00"


@cache
def municipality_codes() -> dict[str, str]:
    """Kommunkod → the municipality's name, for all 290 municipalities."""
    text = resources.files("hushall.data").joinpath("kommunkoder.csv").read_text(encoding="utf-8")
    return {r["kommunkod"]: r["kommun"] for r in csv.DictReader(io.StringIO(text), delimiter=";")}


def is_made_up(code: str) -> bool:
    """Whether ``code`` is a four-digit code in the range kept for made-up municipalities (0000–0099)."""
    return len(code) == 4 and code.isdigit() and code.startswith(MADE_UP_PREFIX)


__all__ = ["MADE_UP_PREFIX", "is_made_up", "municipality_codes"]
