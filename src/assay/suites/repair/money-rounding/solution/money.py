"""Money amounts held as integer cents."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext


def to_cents(amount: str) -> int:
    """Convert a decimal amount such as ``"12.345"`` to whole cents, rounding half to even.

    Raises ``ValueError`` for strings that are not finite decimal numbers.
    """
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {amount!r}")
    with localcontext() as ctx:
        ctx.prec = max(28, len(value.as_tuple().digits))  # scaling by 100 must stay exact
        return int(value.scaleb(2).to_integral_value(rounding=ROUND_HALF_EVEN))


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
