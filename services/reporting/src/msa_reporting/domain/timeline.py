"""Time-versioned attributes: a value from a date on, as recorded in the log."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class Timeline(Generic[T]):
    """Entries in log order; the value on a day is the latest one valid from then or before.

    Before the first entry the earliest value applies if ``carry_back`` (e.g. the status at
    arrival, valid from a date before the arrival itself), else there is none. Equal dates:
    the later log entry wins.
    """

    carry_back: bool = True
    entries: list[tuple[date, T]] = field(default_factory=list)
    _days: list[date] | None = field(default=None, repr=False, compare=False)
    _values: list[T] = field(default_factory=list, repr=False, compare=False)

    def add(self, since: date, value: T) -> None:
        self.entries.append((since, value))
        self._days = None

    def at(self, day: date) -> T | None:
        if not self.entries:
            return None
        if len(self.entries) == 1:  # most timelines: no index to build and keep
            since, value = self.entries[0]
            return value if self.carry_back or since <= day else None
        if self._days is None:
            ordered = sorted(enumerate(self.entries), key=lambda e: (e[1][0], e[0]))
            self._days = [since for _, (since, _v) in ordered]
            self._values = [value for _, (_s, value) in ordered]
        index = bisect_right(self._days, day) - 1
        if index < 0:
            return self._values[0] if self.carry_back else None
        return self._values[index]
