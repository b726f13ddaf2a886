"""The one commit step outside a consumed record: state and the outbox records that go with
it in one MongoDB transaction, then the relay is woken to publish them. (A consumed record's
inbox record joins that transaction in the ``Processor``.) Never publish in the write path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from msa_kit.mongo import in_transaction
from msa_kit.outbox import Outbox, Outgoing

T = TypeVar("T")
#: The work of one transaction attempt: it gets the session and the attempt's ``now`` and
#: returns its result with the records to publish if it commits.
Work = Callable[[AsyncClientSession, datetime], Awaitable[tuple[T, Sequence[Outgoing]]]]


class Committer(Protocol):
    async def __call__(self, work: Work[T]) -> T: ...


@dataclass(frozen=True)
class Commit:
    """Runs a ``Work`` in one transaction with its outbox records, then wakes the relay."""

    client: AsyncMongoClient[dict[str, Any]]
    outbox: Outbox
    clock: Callable[[], datetime]
    on_commit: Callable[[], None] = lambda: None

    async def __call__(self, work: Work[T]) -> T:
        async def transaction(session: AsyncClientSession) -> T:
            now = self.clock()
            result, records = await work(session, now)
            await self.outbox.add(session, list(records), now)
            return result

        result = await in_transaction(self.client, transaction)
        self.on_commit()
        return result


@dataclass
class MemoryCommit:
    """No transaction, for tests with memory stores: the work runs without a session and
    ``published`` collects the records a relay would publish."""

    clock: Callable[[], datetime]
    published: list[Outgoing] = field(default_factory=list)

    async def __call__(self, work: Work[T]) -> T:
        result, records = await work(cast(AsyncClientSession, None), self.clock())
        self.published += records
        return result
