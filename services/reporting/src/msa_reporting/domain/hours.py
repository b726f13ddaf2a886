"""Accepted hours, kept compact: the bulk of the log (about nine in ten input events).

Each accepted entry is one 64-bit number in its case's array (day, kind, minutes), where a
kind is one (provider, domain, activity) of the few the log names, so an entry costs
8 bytes instead of an object with its own attributes. Hours are only ever summed, so an
entry of more minutes than one number holds is kept as several that add up to it.

A repeated entry key counts once (the first). The live projection checks each key as it
folds; the replay cannot keep a million keys in memory, so its book folds every entry
(``keys=None``) and later drops those that repeat an earlier one (``drop``), as worked
out on disk by ``adapters.entry_spill``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

Kind = tuple[str, str, str]  # provider, domain, activity

_MINUTE_BITS, _KIND_BITS = 25, 16
_MAX_MINUTES = (1 << _MINUTE_BITS) - 1
_MAX_KINDS = 1 << _KIND_BITS
_DROPPED = -1  # every kept entry is a non-negative number


class TooManyKinds(RuntimeError):
    """More distinct (provider, domain, activity) than an entry can name."""


class Entry(NamedTuple):
    """One accepted entry as the figures read it."""

    on: date
    provider: str
    domain: str
    activity: str
    minutes: int


@dataclass
class HourBook:
    """Every case's accepted entries, and the entry keys already folded (first one wins)."""

    by_case: dict[str, array[int]] = field(default_factory=dict)
    kinds: list[Kind] = field(default_factory=list)
    keys: set[str] | None = field(default_factory=set, repr=False)  # None: settled later
    first_day: date | None = None
    last_day: date | None = None
    _kind_of: dict[Kind, int] = field(default_factory=dict, repr=False, compare=False)

    def first(self, key: str) -> bool:
        """True once per entry key: a repeated entry counts once (always true without keys:
        repeats are dropped later)."""
        if self.keys is None:
            return True
        if key in self.keys:
            return False
        self.keys.add(key)
        return True

    def add(self, case_id: str, on: date, kind: Kind, minutes: int) -> None:
        entries = self.by_case.get(case_id)
        if entries is None:
            entries = self.by_case[case_id] = array("q")
        index = self._index(kind)
        while True:  # an entry always counts, even with zero minutes
            part = min(minutes, _MAX_MINUTES)
            entries.append(((on.toordinal() << _KIND_BITS | index) << _MINUTE_BITS) | part)
            minutes -= part
            if not minutes:
                break
        self.first_day = on if self.first_day is None else min(self.first_day, on)
        self.last_day = on if self.last_day is None else max(self.last_day, on)

    def size(self, case_id: str) -> int:
        """How many numbers the case's entries take (an entry's place is from one size to
        the next)."""
        return len(self.by_case.get(case_id, ()))

    def drop(self, case_id: str, start: int, stop: int) -> None:
        """Forget the entry at ``start:stop`` of the case (a repeat found later)."""
        entries = self.by_case[case_id]
        for index in range(start, stop):
            entries[index] = _DROPPED

    def respan(self) -> None:
        """First and last day from the entries kept (after ``drop``)."""
        low, high = date.max.toordinal() + 1, 0
        for entries in self.by_case.values():
            for packed in entries:
                if packed != _DROPPED:
                    day = packed >> (_KIND_BITS + _MINUTE_BITS)
                    low, high = min(low, day), max(high, day)
        self.first_day = date.fromordinal(low) if high else None
        self.last_day = date.fromordinal(high) if high else None

    def absorb(self, other: HourBook) -> dict[str, int]:
        """Add another book's entries (folded from other partitions); returns how far each
        case's entries of ``other`` moved (where this book had entries of that case)."""
        remap = [self._index(kind) for kind in other.kinds]
        identity = remap == list(range(len(remap)))
        shift: dict[str, int] = {}
        for case_id, entries in other.by_case.items():
            if not identity:
                entries = array("q", (p if p == _DROPPED else _with_kind(p, remap)
                                      for p in entries))  # fmt: skip
            mine = self.by_case.get(case_id)
            if mine is None:
                self.by_case[case_id] = entries
            else:
                shift[case_id] = len(mine)
                mine.extend(entries)
        for day in (other.first_day, other.last_day):
            if day is not None:
                self.first_day = day if self.first_day is None else min(self.first_day, day)
                self.last_day = day if self.last_day is None else max(self.last_day, day)
        return shift

    def of(self, case_id: str) -> Iterator[Entry]:
        for packed in self.by_case.get(case_id, ()):
            if packed == _DROPPED:
                continue
            rest, minutes = packed >> _MINUTE_BITS, packed & _MAX_MINUTES
            provider, domain, activity = self.kinds[rest & (_MAX_KINDS - 1)]
            yield Entry(date.fromordinal(rest >> _KIND_BITS), provider, domain, activity, minutes)

    def _index(self, kind: Kind) -> int:
        index = self._kind_of.get(kind)
        if index is None:
            if len(self.kinds) == _MAX_KINDS:
                raise TooManyKinds(f"more than {_MAX_KINDS} provider, domain and activity")
            index = self._kind_of[kind] = len(self.kinds)
            self.kinds.append(kind)
        return index


def _with_kind(packed: int, remap: list[int]) -> int:
    """``packed`` with its kind renumbered (the day above it, the minutes below it kept)."""
    rest = packed >> _MINUTE_BITS
    kind = remap[rest & (_MAX_KINDS - 1)]
    return (((rest >> _KIND_BITS) << _KIND_BITS | kind) << _MINUTE_BITS) | (packed & _MAX_MINUTES)
