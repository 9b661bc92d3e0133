"""Calendar-month arithmetic on ``datetime.date``."""

from __future__ import annotations

import calendar
from datetime import date


def end_of_month(day: date) -> date:
    """Return the last day of the month that ``day`` falls in."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """Return the date ``months`` calendar months after ``day`` (before it, if negative).

    The day of the month is clamped to the last day of the target month.
    """
    year, month0 = divmod(day.year * 12 + (day.month - 1) + months, 12)
    if not date.min.year <= year <= date.max.year:
        raise ValueError(f"year {year} is out of range")
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def months_between(start: date, end: date) -> int:
    """Return the number of whole months from ``start`` to ``end`` (negative if earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months
