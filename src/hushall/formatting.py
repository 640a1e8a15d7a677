r"""Numbers as a person reads them, in the language they read: the one formatting module of Hushåll.

Swedish (``lang="sv"``, the default): no-break space as thousands separator, decimal comma, the minus sign ``−``
and a no-break space before the unit — ``1 234,5 Mkr``, ``1,0 %``. English (``lang="en"``): ``1,234.5 MSEK``,
``1.0 %``. A value that rounds to zero carries no minus sign; a missing or non-finite value is ``–``.

Amounts are kr everywhere inside Hushåll; tkr and Mkr exist only here, in presentation. The module sits at the
start of the pipeline (beside :mod:`hushall.errors`) so that every stage's messages format numbers the same way.

Examples
--------
>>> fmt_kr(1234567.4)
'1\xa0234\xa0567\xa0kr'
>>> fmt_mkr(-12_345_678), fmt_mkr(-12_345_678, lang="en")
('−12,3\xa0Mkr', '−12.3\xa0MSEK')
>>> fmt_pct(0.01), fmt_pct(0.01, lang="en")
('1,0\xa0%', '1.0\xa0%')
"""

from __future__ import annotations

import math
from typing import Any

NBSP = "\u00a0"
MINUS = "\u2212"
#: Languages numbers can be written in.
LANGUAGES = ("sv", "en")
#: Unit names per language.
UNITS: dict[str, dict[str, str]] = {
    "sv": {"kr": "kr", "tkr": "tkr", "Mkr": "Mkr"},
    "en": {"kr": "SEK", "tkr": "kSEK", "Mkr": "MSEK"},
}


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


def fmt_number(x: float | None, decimals: int = 0, lang: str = "sv", *, trim: bool = False) -> str:
    r"""A number with the language's separators; ``–`` for a missing or non-finite value; ``trim`` drops
    trailing zeros (for values a person typed, in messages about them).

    Examples
    --------
    >>> fmt_number(1234567.891, 2), fmt_number(1234567.891, 2, lang="en")
    ('1\xa0234\xa0567,89', '1,234,567.89')
    >>> fmt_number(-0.04, 1)  # rounds to zero: no minus sign
    '0,0'
    >>> fmt_number(float("nan"))
    '–'
    >>> fmt_number(0.3, 2, trim=True), fmt_number(2 / 3.7, 2, trim=True), fmt_number(60.0, 2, trim=True)
    ('0,3', '0,54', '60')
    """
    if x is None or not math.isfinite(float(x)):
        return "–"
    text = f"{float(x):,.{decimals}f}"
    negative = text.startswith("-")
    digits = text.lstrip("-")
    sign = MINUS if negative and any(ch not in "0.," for ch in digits) else ""
    if trim and "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    if lang == "en":
        return sign + digits
    return sign + digits.replace(",", NBSP).replace(".", ",")


def _with_unit(number: str, unit: str) -> str:
    """A formatted number and its unit; a missing value (``–``) alone, without a unit ("–" rather than "– %")."""
    return number if number == "–" else f"{number}{NBSP}{unit}"


def fmt_kr(x: float | None, decimals: int = 0, lang: str = "sv") -> str:
    r"""Kronor.

    Examples
    --------
    >>> fmt_kr(1500), fmt_kr(-250.5, 1), fmt_kr(1500, lang="en"), fmt_kr(None)
    ('1\xa0500\xa0kr', '−250,5\xa0kr', '1,500\xa0SEK', '–')
    """
    return _with_unit(fmt_number(x, decimals, lang), UNITS[lang]["kr"])


def fmt_tkr(x: float | None, decimals: int = 0, lang: str = "sv") -> str:
    r"""Thousands of kronor (the argument is in kr).

    Examples
    --------
    >>> fmt_tkr(1_234_567)
    '1\xa0235\xa0tkr'
    """
    return _with_unit(fmt_number(None if x is None else float(x) / 1e3, decimals, lang), UNITS[lang]["tkr"])


def fmt_mkr(x: float | None, decimals: int = 1, lang: str = "sv") -> str:
    r"""Millions of kronor (the argument is in kr).

    Examples
    --------
    >>> fmt_mkr(126_000_000), fmt_mkr(126_000_000, lang="en")
    ('126,0\xa0Mkr', '126.0\xa0MSEK')
    >>> fmt_mkr(2_345_678_901, 0)
    '2\xa0346\xa0Mkr'
    """
    return _with_unit(fmt_number(None if x is None else float(x) / 1e6, decimals, lang), UNITS[lang]["Mkr"])


def fmt_amount(x: float | None, lang: str = "sv") -> str:
    r"""An amount in kr as a person reads it beside larger ones: Mkr with one decimal, or tkr where that would
    read 0,0 Mkr (below 50 000 kr) — a target broken by 23 000 kr is not "0,0 Mkr".

    Examples
    --------
    >>> fmt_amount(61_800_000), fmt_amount(23_400), fmt_amount(49_999), fmt_amount(50_000)
    ('61,8\xa0Mkr', '23\xa0tkr', '50\xa0tkr', '0,1\xa0Mkr')
    """
    if x is not None and abs(float(x)) < 50_000:
        return fmt_tkr(x, 0, lang)
    return fmt_mkr(x, 1, lang)


def fmt_pct(x: float | None, decimals: int = 1, lang: str = "sv") -> str:
    r"""A share as per cent (``0.123`` → 12,3 %).

    Examples
    --------
    >>> fmt_pct(0.1234), fmt_pct(-0.02, 0)
    ('12,3\xa0%', '−2\xa0%')
    """
    return _with_unit(fmt_number(None if x is None else float(x) * 100, decimals, lang), "%")


def fmt_pp(x: float | None, decimals: int = 1, lang: str = "sv") -> str:
    r"""A difference of two shares in percentage points (``0.004`` → 0,4 procentenheter): a standard error of a
    probability, a change of a share.

    Examples
    --------
    >>> fmt_pp(0.004), fmt_pp(0.0123, 2, lang="en")
    ('0,4\xa0procentenheter', '1.23\xa0percentage points')
    """
    unit = "percentage points" if lang == "en" else "procentenheter"
    return _with_unit(fmt_number(None if x is None else float(x) * 100, decimals, lang), unit)


def fmt_places(x: float | None, lang: str = "sv") -> str:
    r"""A number of places (whole numbers).

    Examples
    --------
    >>> fmt_places(1234.4)
    '1\xa0234'
    """
    return fmt_number(x, 0, lang)

