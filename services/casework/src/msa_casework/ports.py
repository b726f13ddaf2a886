"""What the handlers and the read API need from storage, and the unit of work over it.

A ``Store`` hands out a ``Unit`` bound to the kit's transaction (the session), so state,
inbox and outbox commit together. Adapters: Mongo (production) and memory (tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from msa_contracts.values import District, Region
from msa_kit.day_store import Days

from msa_casework.domain.case import Case, CaseStatus
from msa_casework.domain.facts import Outcome
from msa_casework.domain.persons import Person, PersonFile
from msa_casework.domain.placement import Capacity, Caseload


class CaseRepository(Protocol):
    async def get(self, case_id: str) -> Case | None: ...
    async def due(self, day: date) -> list[Case]: ...
    async def waiting(self) -> list[Case]: ...
    async def save(self, case: Case) -> None: ...
    async def closed_on_or_before(self, day: date) -> list[Case]: ...
    async def mentored_by(self, person_ref: str) -> list[Case]: ...
    async def delete(self, case_id: str) -> None: ...


class RetentionAudit(Protocol):
    """One record per deletion or anonymisation, without personal data."""

    async def append(self, record: dict[str, object]) -> None: ...


class CaseloadRepository(Protocol):
    async def get(self) -> Caseload: ...
    async def save(self, caseload: Caseload) -> None: ...


class PersonRepository(Protocol):
    async def get(self, person_ref: str) -> Person | None: ...
    async def speaking(self, district: District, languages: Sequence[str]) -> list[Person]: ...
    async def save(self, person: Person) -> None: ...
    async def remove(self, person_ref: str) -> None: ...


@dataclass(frozen=True)
class CaseFilter:
    provider_id: str | None = None
    region: Region | None = None
    status: CaseStatus | None = None


class CaseReader(Protocol):
    """The read side for the HTTP API (outside any transaction)."""

    async def case(self, case_id: str) -> Case | None: ...
    async def cases(self, where: CaseFilter, *, limit: int, offset: int) -> list[Case]: ...
    async def count(self, where: CaseFilter) -> int: ...
    async def waiting(self, region: Region | None) -> list[Case]: ...


class Store(Protocol):
    def unit(self, session: Any) -> Unit: ...
    def reader(self) -> CaseReader: ...
    async def ensure_indexes(self) -> None: ...
    async def migrate(self) -> None:
        """Bring documents stored by an earlier version up to the current shape."""
        ...


@dataclass
class Unit:
    """Repositories bound to one transaction, with an identity map so that a case loaded
    twice (e.g. due today and waiting) is one object and its changes are not lost."""

    case_repo: CaseRepository
    caseloads: CaseloadRepository
    persons: PersonRepository
    days: Days
    audit: RetentionAudit
    _seen: dict[str, Case] = field(default_factory=dict)

    async def case(self, case_id: str) -> Case | None:
        if case_id not in self._seen:
            case = await self.case_repo.get(case_id)
            if case is None:
                return None
            self._seen[case_id] = case
        return self._seen[case_id]

    async def due(self, day: date) -> list[Case]:
        return self._track(await self.case_repo.due(day))

    async def capacity(self) -> Capacity:
        """The caseload and the waiting cases."""
        caseload = await self.caseloads.get()
        return Capacity(caseload, self._track(await self.case_repo.waiting()))

    async def person_file(self, person_ref: str, case_id: str) -> PersonFile:
        case = await self.case(case_id)
        person = await self.persons.get(person_ref)
        mentor = await self.persons.get(case.mentor_ref) if case and case.mentor_ref else None
        return PersonFile(case, person, mentor)

    async def save(self, outcome: Outcome, capacity: Capacity | None = None) -> None:
        for case in outcome.cases:
            await self.case_repo.save(case)
        for person in outcome.persons:
            if person.person_ref not in outcome.forgotten:
                await self.persons.save(person)
        for person_ref in outcome.forgotten:
            await self.persons.remove(person_ref)
        if capacity is not None:
            await self.caseloads.save(capacity.caseload)

    async def delete(self, case_id: str) -> None:
        self._seen.pop(case_id, None)
        await self.case_repo.delete(case_id)

    def _track(self, cases: list[Case]) -> list[Case]:
        return [self._seen.setdefault(c.case_id, c) for c in cases]
