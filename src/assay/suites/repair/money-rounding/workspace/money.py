"""Money amounts held as integer cents."""

from __future__ import annotations


def to_cents(amount: str) -> int:
    """Convert a decimal amount such as ``"12.345"`` to whole cents, rounding half to even.

    Raises ``ValueError`` for strings that are not finite decimal numbers.
    """
    return round(float(amount) * 100)


def format_cents(cents: int) -> str:
    """Format cents as an amount with two decimal places: ``-105`` gives ``"-1.05"``."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def total(amounts: list[str]) -> int:
    """Return the sum, in cents, of amounts each rounded to the cent first."""
    return sum(to_cents(a) for a in amounts)


def allocate(cents: int, parts: int) -> list[int]:
    """Split ``cents`` into ``parts`` shares that differ by at most one cent.

    The shares add up to ``cents``; the larger shares come first.
    """
    if parts < 1:
        raise ValueError("parts must be at least 1")
    share, extra = divmod(cents, parts)
    return [share + 1] * extra + [share] * (parts - extra)
