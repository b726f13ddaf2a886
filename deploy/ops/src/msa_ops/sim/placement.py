"""An independent model of casework's placement, the oracle for open cases and the waiting
list. Written from the documented rules and the reference data, not from casework's code:

* A case is placed with a provider contracted for its MSA region that has a free place
  (capacity = open cases held at once). Among those: one sharing a language with the person
  first, then the most free places, then the lowest provider id.
* No free place in the region: the case waits. The waiting list is served oldest first
  (by the day it joined, then by joining order); a case that is already waiting keeps its
  place in the queue.
* A place frees when its case closes (departure, erasure) or moves to another region; the
  moved case is then placed anew in its new region (its old provider competes too) and the
  waiting list is served at once. A move inside the region changes only the district.

Casework also serves the waiting list on every clock tick; the model does not, because it
serves the list after each freed place already, so a tick never finds a case to place.
The model is only defined for a given order of events: casework decides in the order it
processes them, so the caller must replay events in an order casework is bound to follow
(see ``Scenario``: arrivals are paced).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from msa_contracts.reference import ReferenceData

WAITING = None
T = TypeVar("T")


@dataclass(frozen=True)
class Provider:
    id: str
    regions: frozenset[str]
    capacity: int
    languages: frozenset[str]


@dataclass
class Stay:
    """One case in the model: where it is, who held it from which day, how long it waited."""

    key: str
    opened_on: date
    languages: tuple[str, ...]
    districts: list[tuple[date, str]]
    holders: list[tuple[date, str | None]] = field(default_factory=list)
    place: str | None = None  # the provider holding the case now
    closed_on: date | None = None
    waiting: tuple[date, int] | None = None  # (joined on, joining order) while waiting
    waits: list[tuple[date, date]] = field(default_factory=list)  # (joined, assigned) spells

    @staticmethod
    def at(timeline: Sequence[tuple[date, T]], day: date) -> T | None:
        """The latest value valid on ``day`` (equal days: the later one wins)."""
        found = [value for since, value in sorted(timeline, key=lambda e: e[0]) if since <= day]
        return found[-1] if found else None

    def district_on(self, day: date) -> str:
        return self.at(self.districts, day) or self.districts[0][1]

    def holder_on(self, day: date) -> str | None:
        return self.at(self.holders, day)

    def open_on(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)


class PlacementModel:
    """Cases, places and the waiting list, event by event, in the order given."""

    def __init__(self, reference: ReferenceData) -> None:
        self.providers = [
            Provider(p.id, frozenset(r.value for r in p.regions), p.capacity,
                     frozenset(p.languages))
            for p in reference.providers
        ]  # fmt: skip
        self.region = {d.id.value: d.region.value for d in reference.districts}
        self.stays: dict[str, Stay] = {}
        self.held: dict[str, int] = {p.id: 0 for p in self.providers}
        self._joined = 0

    def arrive(self, key: str, district: str, languages: tuple[str, ...], on: date) -> None:
        """A case opens for ``key`` (a repeated arrival changes nothing)."""
        if key in self.stays:
            return
        stay = Stay(key, on, languages, [(on, district)])
        self.stays[key] = stay
        self._place(stay, on)

    def depart(self, key: str, on: date) -> None:
        stay = self.stays[key]
        if stay.closed_on is not None:
            return
        self._release(stay)
        stay.closed_on, stay.waiting = on, None
        self._serve(on)

    def relocate(self, key: str, district: str, on: date) -> None:
        stay = self.stays[key]
        if stay.closed_on is not None:
            return
        before = self.region[stay.district_on(on)]
        stay.districts.append((on, district))
        if self.region[district] == before:
            return
        self._release(stay)
        self._place(stay, on)
        self._serve(on)

    def open_cases(self, day: date) -> Iterator[Stay]:
        return (s for s in self.stays.values() if s.open_on(day))

    def choose(self, region: str, languages: tuple[str, ...]) -> str | None:
        """The provider a case of ``region`` gets now, or None when every place is taken."""
        free = {p.id: p.capacity - self.held[p.id] for p in self.providers}
        candidates = [p for p in self.providers if region in p.regions and free[p.id] > 0]
        if not candidates:
            return None
        best = min(candidates, key=lambda p: (not set(languages) & p.languages, -free[p.id], p.id))
        return best.id

    def _place(self, stay: Stay, on: date) -> None:
        provider = self.choose(self.region[stay.district_on(on)], stay.languages)
        if provider is None:
            if stay.waiting is None:
                self._joined += 1
                stay.waiting = (on, self._joined)
            stay.holders.append((on, WAITING))
            return
        self.held[provider] += 1
        stay.place = provider
        if stay.waiting is not None:
            stay.waits.append((stay.waiting[0], on))
            stay.waiting = None
        stay.holders.append((on, provider))

    def _release(self, stay: Stay) -> None:
        if stay.place is not None:
            self.held[stay.place] -= 1
            stay.place = None

    def _serve(self, on: date) -> None:
        queue = sorted((s for s in self.stays.values() if s.waiting is not None),
                       key=lambda s: s.waiting or (on, 0))  # fmt: skip
        for stay in queue:
            if self.choose(self.region[stay.district_on(on)], stay.languages) is not None:
                self._place(stay, on)
