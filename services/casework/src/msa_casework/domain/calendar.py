"""Calendar arithmetic on business dates."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def months_after(start: date, months: int) -> date:
    """The last day of a period of ``months`` months beginning on ``start`` (inclusive)."""
    return add_months(start, months) - ONE_DAY
