"""Which days are due: never backwards, never a day skipped, nothing ahead of today."""

from __future__ import annotations

from datetime import date, timedelta


class ClockBehind(Exception):
    """The log holds a day after today: the host clock (or the injected one) is behind."""

    def __init__(self, last: date, today: date) -> None:
        super().__init__(f"the last day published is {last}, after today ({today})")
        self.last, self.today = last, today


def due_days(last: date | None, today: date, start: date | None = None) -> list[date]:
    """The days to publish now, in order.

    After ``last`` (the latest day already published) every day up to and including
    ``today``; with nothing published yet, from ``start`` (default: today) on. A ``start``
    after today publishes nothing until that day comes. A ``last`` after today publishes
    nothing either (and is reported by ``behind``): the clock never goes backwards.
    """
    first = last + timedelta(days=1) if last is not None else (start or today)
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def behind(last: date | None, today: date) -> ClockBehind | None:
    """A ``ClockBehind`` when the log is ahead of ``today``, else None."""
    return ClockBehind(last, today) if last is not None and last > today else None
