"""In-memory repositories with the same behaviour as the Mongo ones (tests, no I/O).

State is kept as the same JSON documents the Mongo adapter writes, so serialisation is
exercised too. The session is ignored: there is no rollback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from msa_contracts.values import District, Region
from msa_kit.day_store import MemoryDays

from msa_casework.adapters.documents import (
    Document,
    case_document,
    case_from,
    person_document,
    person_from,
)
from msa_casework.domain.case import Case, CaseStatus
from msa_casework.domain.persons import Person
from msa_casework.domain.placement import Caseload
from msa_casework.ports import CaseFilter, Unit


@dataclass
class MemoryData:
    cases: dict[str, Document] = field(default_factory=dict)
    persons: dict[str, Document] = field(default_factory=dict)
    caseload: Document = field(default_factory=dict)
    days: MemoryDays = field(default_factory=MemoryDays)
    audit: list[dict[str, object]] = field(default_factory=list)


def _waiting_order(doc: Document) -> tuple[str, int, str]:
    return (doc["waiting_since"] or "", doc["waiting_seq"] or 0, doc["_id"])


class MemoryCases:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def get(self, case_id: str) -> Case | None:
        doc = self._data.cases.get(case_id)
        return case_from(doc) if doc else None

    async def due(self, day: date) -> list[Case]:
        iso = day.isoformat()
        docs = self._data.cases.values()
        return [case_from(d) for d in docs if d["wake_on"] and d["wake_on"] <= iso]

    async def waiting(self) -> list[Case]:
        docs = [d for d in self._data.cases.values() if d["status"] == CaseStatus.WAITLISTED]
        return [case_from(d) for d in sorted(docs, key=_waiting_order)]

    async def save(self, case: Case) -> None:
        self._data.cases[case.case_id] = case_document(case)

    async def closed_on_or_before(self, day: date) -> list[Case]:
        iso = day.isoformat()
        return [case_from(d) for d in self._data.cases.values()
                if d["status"] == CaseStatus.CLOSED and d["closed_on"] <= iso]  # fmt: skip

    async def mentored_by(self, person_ref: str) -> list[Case]:
        return [case_from(d) for d in self._data.cases.values() if d["mentor_ref"] == person_ref]

    async def delete(self, case_id: str) -> None:
        self._data.cases.pop(case_id, None)


class MemoryAudit:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def append(self, record: dict[str, object]) -> None:
        self._data.audit.append(dict(record))


class MemoryCaseload:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def get(self) -> Caseload:
        return Caseload.model_validate(self._data.caseload)

    async def save(self, caseload: Caseload) -> None:
        self._data.caseload = caseload.model_dump(mode="json")


class MemoryPersons:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def get(self, person_ref: str) -> Person | None:
        doc = self._data.persons.get(person_ref)
        return person_from(doc) if doc else None

    async def speaking(self, district: District, languages: Sequence[str]) -> list[Person]:
        return [
            person_from(d) for d in self._data.persons.values()
            if d["district"] == district and set(d["languages"]) & set(languages)
        ]  # fmt: skip

    async def save(self, person: Person) -> None:
        self._data.persons[person.person_ref] = person_document(person)

    async def remove(self, person_ref: str) -> None:
        self._data.persons.pop(person_ref, None)


class MemoryCaseReader:
    def __init__(self, data: MemoryData) -> None:
        self._data = data

    async def case(self, case_id: str) -> Case | None:
        doc = self._data.cases.get(case_id)
        return case_from(doc) if doc else None

    async def cases(self, where: CaseFilter, *, limit: int, offset: int) -> list[Case]:
        docs = sorted(self._matching(where), key=lambda d: (d["opened_on"], d["_id"]))
        return [case_from(d) for d in docs[offset : offset + limit]]

    async def count(self, where: CaseFilter) -> int:
        return len(self._matching(where))

    async def waiting(self, region: Region | None) -> list[Case]:
        docs = [
            d for d in self._data.cases.values()
            if d["status"] == CaseStatus.WAITLISTED and region in (None, d["region"])
        ]  # fmt: skip
        return [case_from(d) for d in sorted(docs, key=_waiting_order)]

    def _matching(self, where: CaseFilter) -> list[Document]:
        wanted = {"provider_id": where.provider_id, "region": where.region, "status": where.status}
        return [
            d for d in self._data.cases.values()
            if all(v is None or d[k] == v for k, v in wanted.items())
        ]  # fmt: skip


class MemoryStore:
    def __init__(self, data: MemoryData | None = None) -> None:
        self.data = data or MemoryData()

    def unit(self, session: Any) -> Unit:
        data = self.data
        return Unit(MemoryCases(data), MemoryCaseload(data), MemoryPersons(data),
                    data.days, MemoryAudit(data))  # fmt: skip

    def reader(self) -> MemoryCaseReader:
        return MemoryCaseReader(self.data)

    async def ensure_indexes(self) -> None:
        return None

    async def migrate(self) -> None:
        return None
