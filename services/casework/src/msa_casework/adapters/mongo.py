"""MongoDB repositories: cases, the caseload, the persons view and the clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from msa_contracts.values import District
from msa_kit.day_store import MongoDays
from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession

from msa_casework.adapters.documents import (
    LEGACY_FILTERS,
    case_document,
    case_from,
    person_document,
    person_from,
)
from msa_casework.adapters.mongo_reader import WAITING_ORDER, Db, MongoCaseReader
from msa_casework.domain.case import Case, CaseStatus
from msa_casework.domain.persons import Person
from msa_casework.domain.placement import Caseload
from msa_casework.ports import Unit

AUDIT = "retention_audit"


class MongoCases:
    def __init__(self, db: Db, session: AsyncClientSession | None) -> None:
        self._coll, self._session = db["cases"], session

    async def get(self, case_id: str) -> Case | None:
        doc = await self._coll.find_one({"_id": case_id}, session=self._session)
        return case_from(doc) if doc else None

    async def due(self, day: date) -> list[Case]:
        query = {"wake_on": {"$ne": None, "$lte": day.isoformat()}}
        return [case_from(d) async for d in self._coll.find(query, session=self._session)]

    async def waiting(self) -> list[Case]:
        cursor = self._coll.find({"status": CaseStatus.WAITLISTED.value}, session=self._session)
        return [case_from(d) async for d in cursor.sort(WAITING_ORDER)]

    async def save(self, case: Case) -> None:
        doc = case_document(case)
        await self._coll.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=self._session)

    async def closed_on_or_before(self, day: date) -> list[Case]:
        query = {"status": CaseStatus.CLOSED.value, "closed_on": {"$lte": day.isoformat()}}
        return [case_from(d) async for d in self._coll.find(query, session=self._session)]

    async def mentored_by(self, person_ref: str) -> list[Case]:
        cursor = self._coll.find({"mentor_ref": person_ref}, session=self._session)
        return [case_from(d) async for d in cursor]

    async def delete(self, case_id: str) -> None:
        await self._coll.delete_one({"_id": case_id}, session=self._session)


class MongoAudit:
    def __init__(self, db: Db, session: AsyncClientSession | None) -> None:
        self._coll, self._session = db[AUDIT], session

    async def append(self, record: dict[str, object]) -> None:
        await self._coll.insert_one(dict(record), session=self._session)


class MongoCaseload:
    def __init__(self, db: Db, session: AsyncClientSession | None) -> None:
        self._coll, self._session = db["caseload"], session

    async def get(self) -> Caseload:
        doc = await self._coll.find_one({"_id": "caseload"}, session=self._session)
        return Caseload.model_validate({k: v for k, v in (doc or {}).items() if k != "_id"})

    async def save(self, caseload: Caseload) -> None:
        doc = {"_id": "caseload", **caseload.model_dump(mode="json")}
        await self._coll.replace_one({"_id": "caseload"}, doc, upsert=True, session=self._session)


class MongoPersons:
    def __init__(self, db: Db, session: AsyncClientSession | None) -> None:
        self._coll, self._session = db["persons"], session

    async def get(self, person_ref: str) -> Person | None:
        doc = await self._coll.find_one({"_id": person_ref}, session=self._session)
        return person_from(doc) if doc else None

    async def speaking(self, district: District, languages: Sequence[str]) -> list[Person]:
        query = {"district": district.value, "languages": {"$in": list(languages)}}
        return [person_from(d) async for d in self._coll.find(query, session=self._session)]

    async def save(self, person: Person) -> None:
        doc = person_document(person)
        await self._coll.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=self._session)

    async def remove(self, person_ref: str) -> None:
        await self._coll.delete_one({"_id": person_ref}, session=self._session)


class MongoStore:
    """Casework's database: ``cases``, ``caseload``, ``persons``, ``clock``,
    ``retention_audit``."""

    def __init__(self, db: Db) -> None:
        self._db = db

    def unit(self, session: Any) -> Unit:
        db = self._db
        return Unit(MongoCases(db, session), MongoCaseload(db, session),
                    MongoPersons(db, session), MongoDays(db, session),
                    MongoAudit(db, session))  # fmt: skip

    def reader(self) -> MongoCaseReader:
        return MongoCaseReader(self._db)

    async def migrate(self) -> None:
        """Rewrite documents stored with vulnerabilities (casework no longer keeps them)."""
        cases, persons = self._db["cases"], self._db["persons"]
        async for doc in cases.find(LEGACY_FILTERS["cases"]):
            await cases.replace_one({"_id": doc["_id"]}, case_document(case_from(doc)))
        async for doc in persons.find(LEGACY_FILTERS["persons"]):
            await persons.replace_one({"_id": doc["_id"]}, person_document(person_from(doc)))

    async def ensure_indexes(self) -> None:
        cases = self._db["cases"]
        await cases.create_index([("wake_on", ASCENDING)])
        await cases.create_index([("status", ASCENDING), *WAITING_ORDER[:2]])
        await cases.create_index([("provider_id", ASCENDING), ("status", ASCENDING)])
        await cases.create_index([("region", ASCENDING), ("status", ASCENDING)])
        await cases.create_index([("status", ASCENDING), ("closed_on", ASCENDING)])
        await cases.create_index([("mentor_ref", ASCENDING)], sparse=True)
        await cases.create_index([("person_ref", ASCENDING)])  # access requests
        await self._db["persons"].create_index([("district", ASCENDING)])
