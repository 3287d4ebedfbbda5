"""How the diagnosis writes numbers into its sentences (the same in both languages)."""

from __future__ import annotations

import math
from fractions import Fraction


def fmt_number(value: float | int) -> str:
    """``2500 -> "2,500"``, ``4.5 -> "4.5"``, ``5.0 -> "5"``."""
    if isinstance(value, Fraction):
        value = float(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def fmt_count(value: float) -> str:
    """A monthly count: rounded up from 10 on (you need at least that many), else one decimal."""
    if value >= 10:
        return f"{math.ceil(value - 1e-9):,}"
    return fmt_number(round(value, 1))


def fmt_pct(share: float) -> str:
    """``0.25 -> "25%"``, ``0.175 -> "17.5%"``."""
    return fmt_number(round(share * 100, 1)) + "%"


def exact(value: float | int) -> Fraction:
    """A decimal input (0.25, 0.3) as an exact fraction, so "30% exactly" is not "just over"."""
    return Fraction(str(value))


def fmt_fte(value: float) -> str:
    """People's workload: two decimals under one person (``0.12``), else one (``1.4``)."""
    if value < 1:
        return f"{value:.2f}"
    return fmt_number(round(value, 1))
