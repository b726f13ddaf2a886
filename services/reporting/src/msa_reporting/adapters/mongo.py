"""The projection's MongoDB store: stored input events and the projection documents.

Collections: ``events`` (the input events reporting keeps, one per topic and event id),
``figures`` (true tables, internal), ``published`` (suppressed tables, what the API
serves), ``outcomes`` (the last emitted state per measure-outcome key) and ``meta``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import datetime
from typing import Any

from pymongo import ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from msa_reporting.adapters import documents as docs
from msa_reporting.domain.anonymise import replaced
from msa_reporting.domain.outcomes import MeasureOutcome
from msa_reporting.domain.projection import Figures
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.table import FigureTable, PublishedTable

EVENTS, TRUE, PUBLISHED, OUTCOMES, META = "events", "figures", "published", "outcomes", "meta"
CHUNK, PACKED, BODIES = "chunk", "packed", "bodies"
BATCH = 1000


class MongoStore:
    """Reporting's database (the port ``Store``, plus the replay's bulk writes)."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.db = db

    async def save_event(self, stored: Stored, session: AsyncClientSession | None) -> None:
        doc = docs.event_doc(stored)
        await self.db[EVENTS].update_one(
            {"_id": doc["_id"]}, {"$setOnInsert": doc}, upsert=True, session=session
        )

    async def anonymise(
        self, replacements: Mapping[str, str], session: AsyncClientSession | None
    ) -> int:
        """A scan of the stored events' bodies (once per notice, not per figure); archived
        chunks are rewritten in place, their rows unchanged (same lengths)."""
        changed = 0
        pattern = "|".join(re.escape(original) for original in replacements)
        cursor = self.db[EVENTS].find({"body": {"$regex": pattern}}, session=session)
        async for doc in cursor:
            body = replaced(doc["body"].encode(), replacements).decode()
            await self.db[EVENTS].update_one(
                {"_id": doc["_id"]}, {"$set": {"body": body}}, session=session
            )
            changed += 1
        chunks = {"$or": [{CHUNK: {"$exists": True}}, {PACKED: {"$exists": True}}]}
        async for doc in self.db[EVENTS].find(chunks, session=session):
            update = _anonymised_chunk(doc, replacements)
            if update:
                await self.db[EVENTS].update_one(
                    {"_id": doc["_id"]}, {"$set": update}, session=session
                )
                changed += 1
        return changed

    async def load_events(self) -> dict[str, Stored]:
        """Every stored event, whether kept one by one (live) or in chunks (replay)."""
        found: dict[str, Stored] = {}
        async for doc in self.db[EVENTS].find({}, batch_size=BATCH):
            for item in _items(doc):
                stored = docs.stored_of(item)
                if stored is not None:
                    found.setdefault(stored.key, stored)
        return found

    async def stream_events(
        self, after: Mapping[tuple[str, int], int] | None = None
    ) -> AsyncIterator[Stored]:
        """Stored events, each partition in offset order, one decoded at a time: the replay's
        chunks in batch order, then single events by log position. With ``after`` (the last
        folded offset per topic and partition) only single events past it."""
        if after is None:
            chunks = {"$or": [{CHUNK: {"$exists": True}}, {PACKED: {"$exists": True}}]}
            async for doc in self.db[EVENTS].find(chunks, batch_size=10).sort("_id", 1):
                for item in _items(doc):
                    if (stored := docs.stored_of(item)) is not None:
                        yield stored
        query: dict[str, Any] = {CHUNK: {"$exists": False}, PACKED: {"$exists": False}}
        if after:
            query["$or"] = [{"topic": t, "partition": p, "offset": {"$gt": o}}
                            for (t, p), o in after.items()]  # fmt: skip
            query["$or"].append({"$nor": [{"topic": t, "partition": p} for t, p in after]})
        order = [("topic", 1), ("partition", 1), ("offset", 1)]
        async for doc in self.db[EVENTS].find(query, batch_size=BATCH).sort(order):
            if (stored := docs.stored_of(doc)) is not None:
                yield stored

    async def single_positions(self) -> dict[tuple[str, int], int]:
        """The last offset per topic and partition of the events stored one by one (what the
        live service consumed): a snapshot, taken before ``stream_archive`` reads up to it."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {CHUNK: {"$exists": False}, PACKED: {"$exists": False}}},
            {"$group": {"_id": {"t": "$topic", "p": "$partition"}, "last": {"$max": "$offset"}}},
        ]
        cursor = await self.db[EVENTS].aggregate(pipeline)
        return {(d["_id"]["t"], d["_id"]["p"]): d["last"] async for d in cursor}

    async def stream_archive(self, until: Mapping[tuple[str, int], int]) -> AsyncIterator[Stored]:
        """The archive a rebuild starts from: every archived chunk in batch order, then the
        single events up to ``until`` (``single_positions``), each partition in offset order;
        what the live service stores meanwhile is past ``until`` and read from the topics."""
        chunks = {"$or": [{CHUNK: {"$exists": True}}, {PACKED: {"$exists": True}}]}
        in_chunks: dict[tuple[str, int], int] = {}
        async for doc in self.db[EVENTS].find(chunks, batch_size=10).sort("_id", 1):
            for item in _items(doc):
                if (stored := docs.stored_of(item)) is not None:
                    place = (stored.topic, stored.partition)
                    in_chunks[place] = max(in_chunks.get(place, -1), stored.offset)
                    yield stored
        if not until:
            return
        query: dict[str, Any] = {
            CHUNK: {"$exists": False}, PACKED: {"$exists": False},
            "$or": [{"topic": t, "partition": p, "offset": {"$lte": o}}
                    for (t, p), o in until.items()],
        }  # fmt: skip
        order = [("topic", 1), ("partition", 1), ("offset", 1)]
        async for doc in self.db[EVENTS].find(query, batch_size=BATCH).sort(order):
            # after a switch-over the service stores again what it consumes up to the
            # rebuild's end: those records are in the chunks already
            if doc["offset"] <= in_chunks.get((doc["topic"], doc["partition"]), -1):
                continue
            if (stored := docs.stored_of(doc)) is not None:
                yield stored

    async def insert_event_chunk(self, number: int, stored: list[Stored]) -> None:
        """Replay: one document holds a fetched batch of events, packed into two binary
        values (thousands of small documents, even nested in one, cost the store far more
        than the replay's fold); ``load_events`` and ``stream_events`` read every form."""
        if stored:
            rows, bodies = docs.packed(stored)
            document = {"_id": f"{CHUNK}/{number:09d}", PACKED: rows, BODIES: bodies}
            await self.db[EVENTS].insert_one(document)

    async def drop_from_chunks(self, records: Mapping[int, set[tuple[str, int, int]]]) -> None:
        """Replay: take records (topic, partition, offset) out of archived chunks, by number."""
        for number, dropped in records.items():
            chunk_id = f"{CHUNK}/{number:09d}"
            doc = await self.db[EVENTS].find_one({"_id": chunk_id})
            if doc is not None:
                rows, bodies = docs.without(doc[PACKED], doc[BODIES], dropped)
                await self.db[EVENTS].replace_one({"_id": chunk_id}, {PACKED: rows, BODIES: bodies})

    async def save_figures(
        self, figures: Figures, now: datetime, session: AsyncClientSession | None,
        previous: Figures | None = None,
    ) -> None:  # fmt: skip
        """Replace the table documents that differ from ``previous`` (all without it)."""
        await _replace(self.db[TRUE], [
            docs.true_doc(t) for name, t in figures.true.items()
            if previous is None or previous.true.get(name) != t
        ], session)  # fmt: skip
        await _replace(self.db[PUBLISHED], [
            docs.published_doc(t) for name, t in figures.published.items()
            if previous is None or previous.published.get(name) != t
        ], session)  # fmt: skip
        meta = docs.meta_doc(figures, now)
        await self.db[META].replace_one({"_id": "projection"}, meta, upsert=True, session=session)

    async def save_outcomes(
        self, outcomes: Iterable[MeasureOutcome], session: AsyncClientSession | None
    ) -> None:
        await _replace(self.db[OUTCOMES], [docs.outcome_doc(o) for o in outcomes], session)

    async def load_outcomes(self) -> dict[str, MeasureOutcome]:
        return {d["_id"]: docs.outcome_of(d) async for d in self.db[OUTCOMES].find({})}

    async def load_true(self) -> dict[str, FigureTable]:
        return {d["_id"]: docs.true_table(d) async for d in self.db[TRUE].find({})}

    async def load_published(self) -> dict[str, PublishedTable]:
        return {d["_id"]: docs.published_table(d) async for d in self.db[PUBLISHED].find({})}

    async def meta(self) -> Mapping[str, Any]:
        return await self.db[META].find_one({"_id": "projection"}) or {}

    async def insert_projection(
        self, figures: Figures, outcomes: Iterable[MeasureOutcome], now: datetime
    ) -> None:
        """Write the projection documents into an empty store (replay)."""
        await asyncio.gather(
            _insert(self.db[TRUE], [docs.true_doc(t) for t in figures.true.values()]),
            _insert(
                self.db[PUBLISHED], [docs.published_doc(t) for t in figures.published.values()]
            ),
            _insert(self.db[OUTCOMES], [docs.outcome_doc(o) for o in outcomes]),
            _insert(self.db[META], [docs.meta_doc(figures, now)]),
        )


def _anonymised_chunk(doc: dict[str, Any], replacements: Mapping[str, str]) -> dict[str, Any]:
    """The fields of an archived chunk that change (packed rows and bodies, or the bodies
    of an earlier form's items)."""
    if PACKED in doc and BODIES in doc:
        rows, bodies, at, kept = json.loads(doc[PACKED]), bytes(doc[BODIES]), 0, []
        for row in rows:
            kept.append(replaced(bodies[at : at + row[-1]], replacements))
            at += row[-1]
        joined = b"".join(kept)
        return {BODIES: joined} if joined != bodies else {}
    if PACKED in doc:  # an earlier form: each body as text in its row
        rows = json.loads(doc[PACKED])
        for row in rows:
            row[-1] = replaced(row[-1].encode(), replacements).decode()
        blob = json.dumps(rows).encode()
        return {PACKED: blob} if blob != bytes(doc[PACKED]) else {}
    items = [{**i, "body": replaced(i["body"].encode(), replacements).decode()}
             for i in doc[CHUNK]]  # fmt: skip
    return {CHUNK: items} if items != doc[CHUNK] else {}


def _items(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The event documents in a stored document: packed, chunked or itself."""
    if PACKED in doc:
        return docs.unpacked(doc[PACKED], doc.get(BODIES))
    return doc.get(CHUNK) or [doc]


async def _replace(
    coll: Any, documents: list[dict[str, Any]], session: AsyncClientSession | None
) -> None:
    if documents:
        requests = [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in documents]
        await coll.bulk_write(requests, ordered=False, session=session)


async def _insert(coll: Any, documents: list[dict[str, Any]]) -> int:
    if documents:
        await coll.insert_many(documents, ordered=False)
    return len(documents)
