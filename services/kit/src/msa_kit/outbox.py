"""Transactional outbox: events are stored with the state change, and published later.

``Outbox.add`` runs inside the caller's transaction, so the state change and the record of
what to publish commit together or not at all. ``OutboxRelay`` (relay.py) publishes pending
records in the order they were written and marks them; after a crash it simply publishes
what is still pending, so consumers may see a record twice and drop it by event id.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from msa_contracts.envelope import encode
from msa_contracts.events import Event
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from msa_kit.mongo import id_chunks
from msa_kit.trace_context import TraceContext, current

OUTBOX = "outbox"
OUTBOX_KEYS = "outbox_keys"


@dataclass(frozen=True)
class Outgoing:
    """An event to publish on a topic, with the ids that tie it to its cause. ``trace`` is
    the trace it continues; None: the trace context current when it is added."""

    topic: str
    event: Event
    correlation_id: str | None = None
    causation_id: str | None = None
    event_id: str | None = None
    trace: TraceContext | None = None


def traced(items: list[Outgoing], trace: TraceContext | None) -> list[Outgoing]:
    """``items``, those without a trace of their own continuing ``trace``."""
    if trace is None:
        return items
    return [item if item.trace is not None else replace(item, trace=trace) for item in items]


@dataclass(frozen=True)
class RawOutgoing:
    """Bytes to publish as they are (dead letters keep the original record's bytes)."""

    topic: str
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    event_id: str
    type: str


class _MonotonicNs:
    """Write order across this process: wall-clock nanoseconds, strictly increasing."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        self._last = max(self._last + 1, time.time_ns())
        return self._last


_order = _MonotonicNs()


class Outbox:
    """Writes outgoing events as pending records in the service's ``outbox`` collection.

    One document per fact: an event emitted to several topics (one ``ce_id``, the same
    bytes) is stored once with the list of its topics, so the store writes and the relay
    marks it once. The relay publishes by ascending ``order``, to each topic in turn.

    Per key, ``order`` must follow commit order even across instances with skewed clocks:
    each key has a counter document written in the same transaction, so two transactions
    for one key conflict and the later one re-reads the counter and gets a higher ``order``.
    """

    def __init__(self, db: AsyncDatabase[dict[str, Any]], source: str) -> None:
        self._coll = db[OUTBOX]
        self._keys = db[OUTBOX_KEYS]
        self._source = source

    async def _stamp(self, session: AsyncClientSession, docs: list[dict[str, Any]]) -> None:
        """Give every doc an ``order`` above the last one of its key: reads of the keys'
        counters and one bulk write, however many docs."""
        key_ids = [bytes(doc["key"]).hex() for doc in docs]
        last: dict[str, int] = {}
        for chunk in id_chunks(sorted(set(key_ids))):
            cursor = self._keys.find({"_id": {"$in": chunk}}, session=session)
            last.update([(found["_id"], int(found["last"])) async for found in cursor])
        for doc, key_id in zip(docs, key_ids, strict=True):
            last[key_id] = doc["order"] = max(last.get(key_id, 0) + 1, _order())
        await self._keys.bulk_write(
            [UpdateOne({"_id": k}, {"$set": {"last": v}}, upsert=True) for k, v in last.items()],
            ordered=False, session=session,
        )  # fmt: skip

    async def ensure_indexes(self) -> None:
        await self._coll.create_index([("published", ASCENDING), ("order", ASCENDING)])

    async def add(
        self, session: AsyncClientSession, items: list[Outgoing], now: datetime
    ) -> list[str]:
        """Store ``items`` as pending in the caller's transaction; returns their event ids."""
        if not items:
            return []
        docs = [self._doc(fact, now) for fact in _facts(items)]
        await self._stamp(session, docs)
        await self._coll.insert_many(docs, session=session, ordered=True)
        return [d["event_id"] for d in docs for _ in d["topic"]]

    async def add_raw(
        self, session: AsyncClientSession, items: list[RawOutgoing], now: datetime
    ) -> None:
        """Store pre-encoded records as pending in the caller's transaction."""
        if items:
            docs = [
                {
                    "_id": f"{i.topic}/{i.event_id}", "event_id": i.event_id,
                    "order": _order(), "topic": [i.topic], "key": i.key,
                    "value": i.value, "headers": [[k, v] for k, v in i.headers],
                    "type": i.type, "created_at": now, "published": False,
                }
                for i in items
            ]  # fmt: skip
            await self._stamp(session, docs)
            await self._coll.insert_many(docs, session=session, ordered=True)

    def _doc(self, fact: list[Outgoing], now: datetime) -> dict[str, Any]:
        item = fact[0]
        event_id = item.event_id or str(uuid.uuid4())
        trace = item.trace or current()
        record = encode(
            item.event,
            event_id=event_id,
            source=self._source,
            time=now,
            correlation_id=item.correlation_id,
            causation_id=item.causation_id,
            traceparent=trace.traceparent if trace else None,
            tracestate=trace.tracestate if trace else None,
        )
        return {
            "_id": f"{item.topic}/{event_id}",
            "event_id": event_id,
            "order": _order(),
            "topic": [i.topic for i in fact],
            "key": record.key,
            "value": record.value,
            "headers": [[k, v] for k, v in record.headers],
            "type": item.event.ce_type(),
            "created_at": now,
            "published": False,
        }

    async def pending_count(self) -> int:
        """Records waiting to be published (parked ones excluded: they wait for operators)."""
        return await self._coll.count_documents({"published": False, "parked": {"$ne": True}})

    async def parked_count(self) -> int:
        return await self._coll.count_documents({"parked": True})


def topics_of(doc: dict[str, Any]) -> list[str]:
    """The topics an outbox document goes to (one string in documents of older versions)."""
    topic = doc["topic"]
    return list(topic) if isinstance(topic, list) else [topic]


def _facts(items: list[Outgoing]) -> list[list[Outgoing]]:
    """``items`` in order, those in a row that carry one fact (same event id, event and
    cause) to several topics together."""
    facts: list[list[Outgoing]] = []
    for item in items:
        last = facts[-1][0] if facts else None
        if (
            last is not None and item.event_id is not None and item.event_id == last.event_id
            and item.event == last.event and item.topic not in {o.topic for o in facts[-1]}
            and (item.correlation_id, item.causation_id) == (last.correlation_id, last.causation_id)
            and item.trace == last.trace
        ):  # fmt: skip
            facts[-1].append(item)
        else:
            facts.append([item])
    return facts
