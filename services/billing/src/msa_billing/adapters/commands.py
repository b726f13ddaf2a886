"""Running a command (an HTTP request's work) like a record: state and outbox records in one
transaction, then the relay is woken. The memory variant keeps what would be published."""

from __future__ import annotations

import uuid
from typing import TypeVar

from msa_kit.mongo import in_transaction
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

        async def transaction(session: AsyncClientSession) -> T:
            result, facts = await work(self._store.unit(session))
            records = outgoing(facts, self._topics, cause)
            await self._runtime.outbox.add(session, records, self._runtime.clock())
            return result

        for attempt in range(1, ATTEMPTS + 1):
            try:
                result = await in_transaction(self._runtime.client, transaction)
                break
            except DuplicateKeyError:  # a concurrent run (e.g. the clock's) won: redo on its result
                if attempt == ATTEMPTS:
                    raise
        self._runtime.relay.notify()
        return result


class MemoryCommands:
    """No transaction; ``published`` collects the records a relay would publish."""

    def __init__(self, store: Store, topics: BillingTopics) -> None:
        self._store, self._topics = store, topics
        self.published: list[Outgoing] = []

    async def __call__(self, work: Work[T]) -> T:
        result, facts = await work(self._store.unit(None))
        self.published += outgoing(facts, self._topics, command_cause())
        return result
