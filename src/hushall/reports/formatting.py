r"""Swedish number formatting for text output: space (no-break) as thousands separator, decimal comma, the
minus sign ``−`` and a no-break space before the unit.

Amounts are kr everywhere inside Hushåll; tkr and Mkr exist only here, in presentation.

Examples
--------
>>> fmt_kr(1234567.4)
'1\xa0234\xa0567\xa0kr'
>>> fmt_mkr(-12_345_678)
'−12,3\xa0Mkr'
"""

from __future__ import annotations

import math
from typing import Any

NBSP = "\u00a0"
MINUS = "\u2212"


def finite_or_none(x: Any) -> float | None:
    """``x`` as a finite float, or ``None`` (missing, not a number, infinite): what the texts can show.

    Examples
    --------
    >>> finite_or_none("2.5"), finite_or_none(None), finite_or_none(float("nan"))
    (2.5, None, None)
    """
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def fmt_number(x: float | None, decimals: int = 0) -> str:
    r"""A number with Swedish separators; ``–`` for a missing or non-finite value.

    Examples
    --------
    >>> fmt_number(1234567.891, 2)
    '1\xa0234\xa0567,89'
    >>> fmt_number(-0.04, 1)  # rounds to zero: no minus sign
    '0,0'
    >>> fmt_number(float("nan"))
    '–'
    """
    if x is None or not math.isfinite(float(x)):
        return "–"
    text = f"{float(x):,.{decimals}f}"
    negative = text.startswith("-")
    digits = text.lstrip("-")
    if negative and any(ch not in "0.," for ch in digits):
        sign = MINUS
    else:
        sign = ""
    return sign + digits.replace(",", NBSP).replace(".", ",")


def fmt_kr(x: float | None, decimals: int = 0) -> str:
    r"""Kronor.

    Examples
    --------
    >>> fmt_kr(1500)
    '1\xa0500\xa0kr'
    >>> fmt_kr(-250.5, 1)
    '−250,5\xa0kr'
    """
    return f"{fmt_number(x, decimals)}{NBSP}kr"


def fmt_tkr(x: float | None, decimals: int = 0) -> str:
    r"""Thousands of kronor (the argument is in kr).

    Examples
    --------
    >>> fmt_tkr(1_234_567)
    '1\xa0235\xa0tkr'
    """
    return f"{fmt_number(None if x is None else float(x) / 1e3, decimals)}{NBSP}tkr"


def fmt_mkr(x: float | None, decimals: int = 1) -> str:
    r"""Millions of kronor (the argument is in kr).

    Examples
    --------
    >>> fmt_mkr(126_000_000)
    '126,0\xa0Mkr'
    >>> fmt_mkr(2_345_678_901, 0)
    '2\xa0346\xa0Mkr'
    """
    return f"{fmt_number(None if x is None else float(x) / 1e6, decimals)}{NBSP}Mkr"


def fmt_pct(x: float | None, decimals: int = 1) -> str:
    r"""A share as per cent (``0.123`` → 12,3 %).

    Examples
    --------
    >>> fmt_pct(0.1234)
    '12,3\xa0%'
    >>> fmt_pct(-0.02, 0)
    '−2\xa0%'
    """
    return f"{fmt_number(None if x is None else float(x) * 100, decimals)}{NBSP}%"


def fmt_places(x: float | None) -> str:
    r"""A number of places (whole numbers).

    Examples
    --------
    >>> fmt_places(1234.4)
    '1\xa0234'
    """
    return fmt_number(x, 0)
