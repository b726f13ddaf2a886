"""Reading reporting's figures straight from its database, for checks inside the system.

``true_figures`` returns the unsuppressed tables: for tests and for the simulated quarter's
ground-truth comparison only. They never leave the service over HTTP or Kafka.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pymongo import AsyncMongoClient

from msa_reporting.adapters.mongo import MongoStore
from msa_reporting.domain.table import FigureTable, PublishedTable

DEFAULT_DATABASE = "msa_reporting"
T = TypeVar("T")


async def true_figures(
    mongodb_uri: str, database: str = DEFAULT_DATABASE
) -> dict[str, FigureTable]:
    """Every figure's table before suppression, as the live projection last saved it."""
    return await _with_store(mongodb_uri, database, lambda s: s.load_true())


async def published_figures(
    mongodb_uri: str, database: str = DEFAULT_DATABASE
) -> dict[str, PublishedTable]:
    """Every figure's table as published (suppressed)."""
    return await _with_store(mongodb_uri, database, lambda s: s.load_published())


async def _with_store(uri: str, database: str, read: Callable[[MongoStore], Awaitable[T]]) -> T:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
    try:
        return await read(MongoStore(client[database]))
    finally:
        await client.close()
