"""Calendar months as report periods, and the cumulative period."""

from __future__ import annotations

from datetime import date, timedelta

CUMULATIVE = "cumulative"


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_end(month: str) -> date:
    year, mon = (int(p) for p in month.split("-"))
    first_next = date(year + mon // 12, mon % 12 + 1, 1)
    return first_next - timedelta(days=1)


def months_between(first: date, last: date) -> tuple[str, ...]:
    """Every month from ``first``'s to ``last``'s, inclusive."""
    months: list[str] = []
    year, mon = first.year, first.month
    while (year, mon) <= (last.year, last.month):
        months.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return tuple(months)


def stock_day(month: str, as_of: date) -> date:
    """The day a stock is counted for ``month``: its last day, or ``as_of`` if earlier."""
    return min(month_end(month), as_of)
