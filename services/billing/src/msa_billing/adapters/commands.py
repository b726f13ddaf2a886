"""Running a command (an HTTP request's work) like a record: state and outbox records in one
transaction, then the relay is woken. The memory variant keeps what would be published."""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime
from typing import TypeVar

from msa_kit.outbox import Outgoing
from msa_kit.runtime import ServiceRuntime
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from msa_billing.domain.facts import Cause
from msa_billing.ports import Store, Work
from msa_billing.routing import BillingTopics, outgoing

T = TypeVar("T")
ATTEMPTS = 3


def command_cause() -> Cause:
    command_id = f"command-{uuid.uuid4()}"
    return Cause(event_id=command_id, correlation_id=command_id)


class TransactionalCommands:
    def __init__(self, runtime: ServiceRuntime, store: Store, topics: BillingTopics) -> None:
        self._runtime, self._store, self._topics = runtime, store, topics

    async def __call__(self, work: Work[T]) -> T:
        cause = command_cause()

        async def transaction(session: AsyncClientSession, _: datetime) -> tuple[T, list[Outgoing]]:
            result, facts = await work(self._store.unit(session))
            return result, outgoing(facts, self._topics, cause)

        for _ in range(ATTEMPTS - 1):
            # a concurrent run (e.g. the clock's) won: redo on its result
            with contextlib.suppress(DuplicateKeyError):
                return await self._runtime.commit(transaction)
        return await self._runtime.commit(transaction)


class MemoryCommands:
    """No transaction; ``published`` collects the records a relay would publish."""

    def __init__(self, store: Store, topics: BillingTopics) -> None:
        self._store, self._topics = store, topics
        self.published: list[Outgoing] = []

    async def __call__(self, work: Work[T]) -> T:
        result, facts = await work(self._store.unit(None))
        self.published += outgoing(facts, self._topics, command_cause())
        return result
