"""MongoDB stores of intake's main database: persons, the identity index, the audit log.

Each store is bound to one transaction's session. A person document holds the pseudonymous
record in clear and the personal fields only as ciphertext (``sealed``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from msa_intake.domain.audit import AuditEntry
from msa_intake.domain.errors import Conflicting, rejection
from msa_intake.domain.person import Person
from msa_intake.ports import Sealed

PERSONS, INDEX, AUDIT, HOLDERS = "persons", "identity_index", "audit", "case_holders"
Db = AsyncDatabase[dict[str, Any]]


async def ensure_indexes(db: Db) -> None:
    await db[INDEX].create_index([("person_ref", ASCENDING)])
    await db[AUDIT].create_index([("person_ref", ASCENDING), ("at", DESCENDING)])
    await db[HOLDERS].create_index([("person_ref", ASCENDING)])


class MongoPersonStore:
    """Persons with optimistic versions: a concurrent change makes ``save`` fail."""

    def __init__(self, db: Db, session: AsyncClientSession) -> None:
        self._coll = db[PERSONS]
        self._session = session
        self._versions: dict[str, int] = {}

    async def get(self, ref: str) -> Person | None:
        doc = await self._coll.find_one({"_id": ref}, {"sealed": 0}, session=self._session)
        if doc is None:
            return None
        self._versions[ref] = doc.pop("version")
        del doc["_id"]
        return Person.model_validate(doc)

    async def add(self, person: Person, sealed: Sealed) -> None:
        doc = {"_id": person.ref, **person.model_dump(mode="json"), "sealed": sealed, "version": 1}
        await self._coll.insert_one(doc, session=self._session)

    async def save(self, person: Person) -> None:
        version = self._versions[person.ref]
        result = await self._coll.update_one(
            {"_id": person.ref, "version": version},
            {"$set": {**person.model_dump(mode="json"), "version": version + 1}},
            session=self._session,
        )
        if result.matched_count != 1:
            raise rejection(Conflicting, "concurrent-update", f"{person.ref} changed meanwhile")
        self._versions[person.ref] = version + 1

    async def sealed(self, ref: str) -> Sealed:
        doc = await self._coll.find_one({"_id": ref}, {"sealed": 1}, session=self._session)
        return {k: bytes(v) for k, v in (doc or {}).get("sealed", {}).items()}

    async def remove(self, ref: str) -> None:
        await self._coll.delete_one({"_id": ref}, session=self._session)
        self._versions.pop(ref, None)


class MongoIdentityIndex:
    def __init__(self, db: Db, session: AsyncClientSession) -> None:
        self._coll = db[INDEX]
        self._session = session

    async def find(self, blind: str) -> str | None:
        doc = await self._coll.find_one({"_id": blind}, session=self._session)
        return None if doc is None else str(doc["person_ref"])

    async def add(self, blind: str, ref: str) -> None:
        await self._coll.insert_one({"_id": blind, "person_ref": ref}, session=self._session)

    async def remove(self, ref: str) -> None:
        await self._coll.delete_many({"person_ref": ref}, session=self._session)


class MongoAuditLog:
    """Insert and find; no code path deletes an entry, and the one update is the deletion
    period's replacement of the person's reference."""

    def __init__(self, db: Db, session: AsyncClientSession) -> None:
        self._coll = db[AUDIT]
        self._session = session

    async def append(self, entry: AuditEntry) -> None:
        doc = {"_id": str(uuid.uuid4()), **entry.model_dump()}
        await self._coll.insert_one(doc, session=self._session)

    async def entries(self, person_ref: str | None, limit: int) -> Sequence[AuditEntry]:
        query = {} if person_ref is None else {"person_ref": person_ref}
        cursor = self._coll.find(query, {"_id": 0}, session=self._session)
        docs = await cursor.sort("at", DESCENDING).limit(limit).to_list()
        return [AuditEntry.model_validate(d) for d in docs]

    async def pseudonymise(self, person_ref: str, replacement: str) -> int:
        done = await self._coll.update_many(
            {"person_ref": person_ref}, {"$set": {"person_ref": replacement}},
            session=self._session,
        )  # fmt: skip
        return done.modified_count


class MongoCaseHolders:
    """One document per case: ``{_id: case_id, person_ref, provider_id}`` (None while the
    case waits); a closed case's document is deleted."""

    def __init__(self, db: Db, session: AsyncClientSession) -> None:
        self._coll = db[HOLDERS]
        self._session = session

    async def assign(self, case_id: str, person_ref: str, provider_id: str) -> None:
        await self._coll.update_one(
            {"_id": case_id}, {"$set": {"person_ref": person_ref, "provider_id": provider_id}},
            upsert=True, session=self._session,
        )  # fmt: skip

    async def move(self, case_id: str, provider_id: str | None) -> None:
        await self._coll.update_one(
            {"_id": case_id}, {"$set": {"provider_id": provider_id}}, session=self._session
        )

    async def close(self, case_id: str) -> None:
        await self._coll.delete_one({"_id": case_id}, session=self._session)

    async def holder_of(self, person_ref: str) -> str | None:
        doc = await self._coll.find_one(
            {"person_ref": person_ref, "provider_id": {"$ne": None}}, session=self._session
        )
        return None if doc is None else str(doc["provider_id"])
