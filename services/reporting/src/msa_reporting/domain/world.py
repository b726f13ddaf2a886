"""What reporting knows: persons and cases with their time-versioned attributes, and the
countable outcomes, each once per natural key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from msa_reporting.domain.hours import HourBook
from msa_reporting.domain.timeline import Timeline

T = TypeVar("T")
WAITING = "-"  # the holder of a case without a provider: the waiting list


@dataclass(slots=True)
class PersonFile:
    districts: Timeline[str] = field(default_factory=Timeline)
    statuses: Timeline[str] = field(default_factory=Timeline)


@dataclass(slots=True)
class CaseFile:
    person_ref: str | None = None
    opened_on: date | None = None
    district: str | None = None
    closed_on: date | None = None
    holders: Timeline[str] = field(default_factory=lambda: Timeline(carry_back=False))
    waiting_since: date | None = None
    spells: int = 0


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One countable fact: its business date, value, whose it is and its own attributes."""

    on: date
    case_id: str | None = None
    person_ref: str | None = None
    value: int = 1
    provider: str | None = None
    domain: str | None = None
    measure: str | None = None
    activity: str | None = None


@dataclass
class World:
    persons: dict[str, PersonFile] = field(default_factory=dict)
    cases: dict[str, CaseFile] = field(default_factory=dict)
    outcomes: dict[str, dict[str, Occurrence]] = field(default_factory=dict)
    hours: HourBook = field(default_factory=HourBook)
    clock: date | None = None
    _shared: dict[object, object] = field(default_factory=dict, repr=False, compare=False)

    def shared(self, value: T) -> T:
        """One object per equal value (ids, names, days): memory grows with what is
        distinct, not with the events that repeat it."""
        return self._shared.setdefault(value, value)  # type: ignore[return-value]

    def person(self, ref: str) -> PersonFile:
        return self.persons.setdefault(ref, PersonFile())

    def case(self, case_id: str) -> CaseFile:
        return self.cases.setdefault(case_id, CaseFile())

    def once(self, kind: str, key: str, occurrence: Occurrence) -> None:
        """Keep the first occurrence per key, its attributes shared with other facts."""
        facts = self.outcomes.setdefault(kind, {})
        if key not in facts:
            o, s = occurrence, self.shared
            facts[key] = Occurrence(
                s(o.on), s(o.case_id), s(o.person_ref), o.value,
                s(o.provider), s(o.domain), s(o.measure), s(o.activity),
            )  # fmt: skip

    def absorb(self, other: World) -> dict[str, int]:
        """Add the world folded from other partitions: persons and cases must be other ones
        (every aggregate's events share a partition), a fact already known keeps this
        world's occurrence; returns how far each case's hour entries of ``other`` moved
        (``HourBook.absorb``)."""
        both = self.persons.keys() & other.persons.keys() | self.cases.keys() & other.cases.keys()
        if both:
            raise ValueError(f"folded in two processes: {', '.join(sorted(both)[:3])}")
        self.persons.update(other.persons)
        self.cases.update(other.cases)
        for kind, facts in other.outcomes.items():
            for key, occurrence in facts.items():
                self.once(kind, key, occurrence)
        if other.clock is not None:
            self.clock = other.clock if self.clock is None else max(self.clock, other.clock)
        return self.hours.absorb(other.hours)

    def of(self, kind: str) -> list[Occurrence]:
        return list(self.outcomes.get(kind, {}).values())
