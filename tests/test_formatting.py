"""Number formatting in Swedish and English (:mod:`hushall.formatting`)."""

from __future__ import annotations

import pytest

from hushall.formatting import fmt_amount, fmt_kr, fmt_mkr, fmt_number, fmt_pct, fmt_tkr

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, f"1{NB}000"),
        (1234567.891, 2, f"1{NB}234{NB}567,89"),
        (-1234.5, 1, f"−1{NB}234,5"),
        (-0.004, 2, "0,00"),
        (0.5, 0, "0"),  # Python's round-half-even formatting; amounts are never exact halves in practice
        (float("inf"), 0, "–"),
        (None, 0, "–"),
    ],
)
def test_fmt_number(value: float | None, decimals: int, text: str) -> None:
    assert fmt_number(value, decimals) == text


def test_units() -> None:
    assert fmt_kr(126_000_000) == f"126{NB}000{NB}000{NB}kr"
    assert fmt_tkr(126_000_000) == f"126{NB}000{NB}tkr"
    assert fmt_mkr(126_000_000) == f"126,0{NB}Mkr"
    assert fmt_mkr(-2_500_000, 2) == f"−2,50{NB}Mkr"
    assert fmt_pct(0.8667) == f"86,7{NB}%"
    assert fmt_pct(float("nan")) == "–"  # a missing value is a dash alone, no unit


def test_an_amount_too_small_for_mkr_is_said_in_tkr() -> None:
    """Would have caught "avvikelse upp till 0,0 Mkr" for a target broken by 47 000 kr."""
    assert fmt_amount(47_000) == f"47{NB}tkr"
    assert fmt_amount(-12_000) == f"−12{NB}tkr"
    assert fmt_amount(61_800_000) == f"61,8{NB}Mkr"
    assert fmt_amount(None) == fmt_mkr(None)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234567.891, 2, "1,234,567.89"),
        (-1234.5, 1, "−1,234.5"),
        (-0.004, 2, "0.00"),  # rounds to zero: no minus sign in English either
        (float("nan"), 0, "–"),
    ],
)
def test_fmt_number_in_english(value: float, decimals: int, text: str) -> None:
    assert fmt_number(value, decimals, lang="en") == text


def test_units_in_english() -> None:
    assert fmt_kr(1500, lang="en") == f"1,500{NB}SEK"
    assert fmt_tkr(1_234_567, lang="en") == f"1,235{NB}kSEK"
    assert fmt_mkr(126_000_000, lang="en") == f"126.0{NB}MSEK"
    assert fmt_pct(0.01, lang="en") == f"1.0{NB}%"


def test_only_one_module_formats_numbers() -> None:
    """Thousands separators and decimal commas are written in :mod:`hushall.formatting` alone."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src" / "hushall"
    pattern = '.replace(",", "\\u00a0")'
    found = [str(p.relative_to(src)) for p in src.rglob("*.py")
             if pattern in p.read_text(encoding="utf-8") and p.name != "formatting.py"]
    assert found == []


def test_a_missing_amount_or_share_is_a_dash_alone() -> None:
    """Not "– %" or "– kr" (the assumptions table showed a parameter left empty that way)."""
    from hushall.formatting import fmt_amount, fmt_kr, fmt_mkr, fmt_pct, fmt_pp, fmt_tkr

    for fmt in (fmt_kr, fmt_tkr, fmt_mkr, fmt_pct, fmt_pp, fmt_amount):
        assert fmt(None) == "–" and fmt(float("nan")) == "–", fmt
    assert fmt_pct(0.0) == "0,0\u00a0%" and fmt_kr(0) == "0\u00a0kr"
