"""Retention notices on the real store: the stored events (single and archived in chunks)
lose the case and the person, and the figures, live and rebuilt, do not move."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from bson import json_util
from msa_contracts.reference import load_reference
from msa_reporting.adapters.mongo import MongoStore
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tests.reporting.builders import Log, case, ref
from tests.reporting.unit.harness import harness
from tests.reporting.unit.test_retention import expired, history

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(infra: Any) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri, tz_aware=True)
    name = f"reporting_retention_{uuid.uuid4().hex[:8]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()


async def dump(db: AsyncDatabase[dict[str, Any]]) -> bytes:
    parts = []
    for name in await db.list_collection_names():
        async for doc in db[name].find({}):
            parts.append(json_util.dumps(doc).encode())
            parts += [bytes(v) for v in doc.values() if isinstance(v, bytes)]
    return b"".join(parts)


async def test_stored_events_lose_the_ids_and_live_and_rebuilt_figures_stay(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    reference = load_reference()
    store = MongoStore(db)
    async with harness(reference, store=store) as h:
        await h.send(*history())
        before = await h.reporting.refresh()
        await h.send(expired(0))
        assert (await h.reporting.refresh()).true == before.true
    stored = await dump(db)
    assert case(0).encode() not in stored and ref(0).encode() not in stored
    assert case(1).encode() in stored
    async with harness(reference, store=MongoStore(db)) as rebuilt:
        await rebuilt.reporting.live.load()
        assert (await rebuilt.reporting.refresh()).true == before.true


async def test_archived_chunks_are_anonymised_in_place(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    store = MongoStore(db)
    log = Log().add(*history())
    await store.insert_event_chunk(1, list(log.stored.values()))

    changed = await store.anonymise({case(2): "C-f000000000000002", ref(2): "P-f000000000000002"},
                                    None)  # fmt: skip

    assert changed == 1
    streamed = [s async for s in store.stream_events()]
    assert len(streamed) == len(log.stored)
    text = repr([s.event for s in streamed])
    assert case(2) not in text and ref(2) not in text and "C-f000000000000002" in text
    assert case(3) in text
