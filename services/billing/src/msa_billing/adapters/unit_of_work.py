"""A unit of work per transaction: the cases, entries and clock day that the records of one
batch read and write by id are kept in memory, loaded in bulk where the batch is known in
advance, and written once, with one bulk write per collection, before the commit.

Repositories hand out fresh models built from the cached documents, exactly as a database
read would; queries other than by id write the buffered entries first, so they see them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from msa_kit.day_store import MongoDays
from msa_kit.mongo import id_chunks
from pymongo import ReplaceOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from msa_billing.adapters.documents import (
    Document,
    case_document,
    case_from,
    entry_document,
    entry_from,
    entry_key,
)
from msa_billing.adapters.mongo import (
    Db,
    MongoCounters,
    MongoEntries,
    MongoInvoices,
    MongoRuns,
    Session,
)
from msa_billing.domain.case_view import CaseView
from msa_billing.domain.entry import Entry
from msa_billing.ports import BufferedUnit, Unit

WriteOp = ReplaceOne[Document] | UpdateOne


class CachedDocs:
    """One collection's documents by id as this transaction sees them; writes buffered."""

    def __init__(
        self, coll: AsyncCollection[Document], session: Session,
        write: Callable[[Document], WriteOp], new: Callable[[Document], Document],
    ) -> None:  # fmt: skip
        self._coll, self._session, self._write, self._new = coll, session, write, new
        self._docs: dict[str, Document | None] = {}
        self._dirty: dict[str, None] = {}
        self._stored: set[str] = set()  # ids this transaction read from (or wrote to) the store

    async def get(self, key: str) -> Document | None:
        if key not in self._docs:
            self._docs[key] = await self._coll.find_one({"_id": key}, session=self._session)
            if self._docs[key] is not None:
                self._stored.add(key)
        return self._docs[key]

    async def load(self, keys: Iterable[str]) -> None:
        missing = sorted({k for k in keys if k not in self._docs})
        if missing:
            found: dict[str, Document] = {}
            for chunk in id_chunks(missing):
                cursor = self._coll.find({"_id": {"$in": chunk}}, session=self._session)
                found.update([(d["_id"], d) async for d in cursor])
            self._docs.update({k: found.get(k) for k in missing})
            self._stored.update(found)

    def put(self, doc: Document) -> None:
        if doc["_id"] not in self._docs:  # not read by id (e.g. found by a query): upsert it
            self._stored.add(doc["_id"])
        self._docs[doc["_id"]] = doc
        self._dirty[doc["_id"]] = None

    async def flush(self) -> None:
        """Insert what is new (much cheaper than an upsert), update the rest."""
        dirty = [(k, doc) for k in self._dirty if (doc := self._docs[k]) is not None]
        self._dirty.clear()
        new = [self._new(doc) for k, doc in dirty if k not in self._stored]
        ops = [self._write(doc) for k, doc in dirty if k in self._stored]
        self._stored.update(k for k, _ in dirty)
        if new:
            await self._coll.insert_many(new, ordered=True, session=self._session)
        if ops:
            await self._coll.bulk_write(ops, ordered=True, session=self._session)


def _case_write(doc: Document) -> WriteOp:
    """Always a real write (the revision counts up), so that two transactions deciding on the
    same case conflict and one is retried, even when the view itself is unchanged."""
    fields = {k: v for k, v in doc.items() if k not in ("_id", "revision")}
    return UpdateOne({"_id": doc["_id"]}, {"$set": fields, "$inc": {"revision": 1}}, upsert=True)


def _case_new(doc: Document) -> Document:
    return {**doc, "revision": 1}


def _entry_write(doc: Document) -> WriteOp:
    return ReplaceOne({"_id": doc["_id"]}, doc, upsert=True)


class BufferedCases:
    def __init__(self, docs: CachedDocs) -> None:
        self._docs = docs

    async def get(self, case_id: str) -> CaseView | None:
        doc = await self._docs.get(case_id)
        return case_from(doc) if doc else None

    async def save(self, case: CaseView) -> None:
        self._docs.put(case_document(case))


class BufferedEntries(MongoEntries):
    """Entries by id from the cache; every query writes the buffered entries first."""

    def __init__(self, db: Db, session: Session, docs: CachedDocs) -> None:
        super().__init__(db, session)
        self._docs = docs

    async def get(self, provider_id: str, entry_id: str) -> Entry | None:
        doc = await self._docs.get(entry_key(provider_id, entry_id))
        return entry_from(doc) if doc else None

    async def save(self, entry: Entry) -> None:
        self._docs.put(entry_document(entry))

    async def _find(self, query: dict[str, Any], order: list[tuple[str, int]]) -> list[Entry]:
        await self._docs.flush()
        return await super()._find(query, order)

    async def uninvoiced_months(self) -> set[str]:
        await self._docs.flush()
        return await super().uninvoiced_months()


class CachedDays(MongoDays):
    """The clock day, read once per transaction."""

    _unread = object()

    def __init__(self, db: Db, session: Session) -> None:
        super().__init__(db, session)
        self._latest: Any = self._unread

    async def latest(self) -> date | None:
        if self._latest is self._unread:
            self._latest = await super().latest()
        result: date | None = self._latest
        return result

    async def advance(self, day: date) -> date:
        self._latest = await super().advance(day)
        result: date = self._latest
        return result


def buffered_unit(db: Db, session: Session) -> BufferedUnit:
    """Repositories for one transaction attempt, with what ``flush`` and ``preload`` need."""
    cases = CachedDocs(db["cases"], session, _case_write, _case_new)
    entries = CachedDocs(db["entries"], session, _entry_write, dict)
    unit = Unit(BufferedCases(cases), BufferedEntries(db, session, entries),
                MongoInvoices(db, session), MongoRuns(db, session), MongoCounters(db, session),
                CachedDays(db, session))  # fmt: skip

    async def flush() -> None:
        await entries.flush()
        await cases.flush()

    async def preload(entry_ids: Iterable[tuple[str, str]], case_ids: Iterable[str]) -> None:
        await entries.load(entry_key(p, e) for p, e in entry_ids)
        await cases.load(case_ids)

    return BufferedUnit(unit, flush, preload)
