"""Casework's view of persons: who arrived when, where, speaking what, mentoring whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from msa_contracts.events import ArrivalRegistered
from msa_contracts.values import AgeBand, District

from msa_casework.domain.case import Case
from msa_casework.domain.state import State

MINOR_BANDS = frozenset({AgeBand.UNDER_6, AgeBand.CHILD})


class Person(State):
    """Needs data of one present person (removed on departure and erasure)."""

    person_ref: str
    arrived_on: date
    district: District
    languages: list[str]
    age_band: AgeBand
    unaccompanied_minor: bool = False
    mentees: list[str] = []

    @classmethod
    def arrived(cls, arrival: ArrivalRegistered) -> Person:
        return cls(
            person_ref=arrival.person_ref, arrived_on=arrival.allocated_on,
            district=arrival.district, languages=list(arrival.languages),
            age_band=arrival.age_band, unaccompanied_minor=arrival.unaccompanied_minor,
        )  # fmt: skip

    @property
    def adult(self) -> bool:
        return self.age_band not in MINOR_BANDS and not self.unaccompanied_minor

    def shared_language(self, other: Person) -> str | None:
        """The first of this person's languages (their order) that ``other`` speaks too."""
        return next((lang for lang in self.languages if lang in other.languages), None)


@dataclass
class PersonFile:
    """What casework holds about one person: the case, the person and their mentor."""

    case: Case | None
    person: Person | None
    mentor: Person | None
