"""MongoDB access with PyMongo's native async API, and transactions with retry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    NetworkTimeout,
    PyMongoError,
    ServerSelectionTimeoutError,
    WaitQueueTimeoutError,
)
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from msa_kit.store_writes import StoreWrites

T = TypeVar("T")
Document = dict[str, Any]

#: Errors meaning "the database is not reachable right now": retry, never dead-letter.
INFRA_ERRORS: tuple[type[BaseException], ...] = (
    AutoReconnect,
    ConnectionFailure,
    NetworkTimeout,
    ServerSelectionTimeoutError,
    WaitQueueTimeoutError,
)


#: Server error codes that mean "not now" (shutdown, failover, a transaction lost to a
#: restart), not "this record is bad".
UNAVAILABLE_CODES = frozenset(
    {6, 7, 89, 91, 189, 251, 262, 9001, 10107, 11600, 11602, 13435, 13436}
)


class DatabaseUnavailable(Exception):
    """The database could not serve the work right now; retry later, never dead-letter."""


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is away rather than the work being wrong."""
    if isinstance(exc, INFRA_ERRORS):
        return True
    if isinstance(exc, PyMongoError):
        labelled = exc.has_error_label("TransientTransactionError") or exc.has_error_label(
            "RetryableWriteError"
        )
        return labelled or getattr(exc, "code", None) in UNAVAILABLE_CODES
    return False


def connect(uri: str, *, app_name: str) -> AsyncMongoClient[Document]:
    """A client with majority writes and short selection timeouts so outages surface fast;
    the documents it writes are counted on ``/metrics`` (``msa_store_writes_total``)."""
    return AsyncMongoClient(
        uri,
        appname=app_name,
        serverSelectionTimeoutMS=5000,
        connectTimeoutMS=3000,
        retryWrites=True,
        tz_aware=True,
        event_listeners=[StoreWrites()],
    )


async def in_transaction(
    client: AsyncMongoClient[Document],
    work: Callable[[AsyncClientSession], Awaitable[T]],
) -> T:
    """Run ``work`` in one multi-document transaction, retried on transient errors."""
    async with client.start_session() as session:
        return await session.with_transaction(
            work,
            read_concern=ReadConcern("snapshot"),
            write_concern=WriteConcern("majority"),
        )


#: Ids per ``_id: {$in: [...]}`` query. SecantusDB checks every document it finds against
#: the whole list, so one query for n ids costs n²: 400 ids took ~200 ms where eight
#: queries of 50 take ~30 ms. Chunks cost mongod only a few more round trips.
IN_CHUNK = 50


def id_chunks(ids: Sequence[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    """``ids`` in lists of at most ``size``, in order, for ``$in`` queries."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


async def ping(db: AsyncDatabase[Document]) -> bool:
    try:
        await db.command("ping")
    except Exception:
        return False
    return True
