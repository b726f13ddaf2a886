"""What a decision produces: public events, who must hear them, and what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from msa_contracts.events import Event

from msa_casework.domain.case import Case
from msa_casework.domain.persons import Person


@dataclass(frozen=True)
class Fact:
    """A contract event and the providers whose assignment topic must carry it too."""

    event: Event
    providers: tuple[str, ...] = ()


def to(provider_id: str | None) -> tuple[str, ...]:
    """The audience of one provider, or nobody."""
    return (provider_id,) if provider_id else ()


@dataclass
class Outcome:
    """The facts of one decision and the state it changed, saved in one transaction."""

    facts: list[Fact] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)

    def tell(self, event: Event, *providers: str | None) -> None:
        self.facts.append(Fact(event, tuple(p for p in providers if p)))

    def changed(self, *cases: Case) -> None:
        self.cases.extend(c for c in cases if all(c is not seen for seen in self.cases))

    def merge(self, other: Outcome) -> Outcome:
        self.facts.extend(other.facts)
        self.changed(*other.cases)
        self.persons.extend(other.persons)
        self.forgotten.extend(other.forgotten)
        return self
