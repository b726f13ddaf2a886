"""One store of a service on either backend, with a dump of everything it holds: the
memory fake, or the real store in a database of its own (dropped afterwards). Tests that
scan a store for what must be gone (deletion periods) run on both."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

import pytest
from bson import json_util
from pymongo import AsyncMongoClient

Dump = Callable[[], Awaitable[str]]
#: both params of a backend fixture: the memory fake, and the real store (integration)
BACKENDS = ["memory", pytest.param("mongo", marks=pytest.mark.integration)]


class MemoryBacked(Protocol):
    data: Any


class MongoBacked(Protocol):
    async def ensure_indexes(self) -> None: ...


async def store_on_backend(
    request: pytest.FixtureRequest,
    memory: Callable[[], MemoryBacked],
    mongo: Callable[[Any], MongoBacked],
    prefix: str,
) -> AsyncIterator[tuple[Any, Dump]]:
    """Yield ``(store, dump)`` for the fixture's param (see ``BACKENDS``)."""
    if request.param == "memory":
        fake = memory()

        async def dump_memory() -> str:
            return repr(fake.data)

        yield fake, dump_memory
        return
    infra: Any = request.getfixturevalue("infra")
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri, tz_aware=True)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    store = mongo(client[name])
    await store.ensure_indexes()

    async def dump_mongo() -> str:
        db = client[name]
        return "".join([json_util.dumps(d) for c in await db.list_collection_names()
                        async for d in db[c].find({})])  # fmt: skip

    try:
        yield store, dump_mongo
    finally:
        await client.drop_database(name)
        await client.close()
