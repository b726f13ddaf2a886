"""Units of work over MongoDB: one transaction spanning intake's database and its key
database, with the events emitted written to the outbox in that same transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from msa_contracts.events import Event
from msa_kit.outbox import Outgoing
from msa_kit.processing import Context
from msa_kit.runtime import ServiceRuntime
from pymongo.asynchronous.client_session import AsyncClientSession

from msa_intake.adapters.access_store import MongoAccessRequests
from msa_intake.adapters.crypto import KeyWrapper
from msa_intake.adapters.keystore import MongoKeyStore
from msa_intake.adapters.stores import (
    MongoAuditLog,
    MongoCaseHolders,
    MongoIdentityIndex,
    MongoPersonStore,
)

T = TypeVar("T")


@dataclass
class MongoUnit:
    now: datetime
    persons: MongoPersonStore
    index: MongoIdentityIndex
    keys: MongoKeyStore
    audit: MongoAuditLog
    access: MongoAccessRequests
    holders: MongoCaseHolders
    emit_to: Callable[[Event, str], None]
    topic: str

    def emit(self, event: Event, topic: str | None = None) -> None:
        self.emit_to(event, topic or self.topic)


class MongoUnits:
    """Units bound to a consumed record's transaction (``bind``) or to a new one (``run``)."""

    def __init__(
        self, runtime: ServiceRuntime, *, keys_database: str, wrapper: KeyWrapper, topic: str
    ) -> None:
        self._runtime = runtime
        self._keys_db = runtime.client[keys_database]
        self._wrapper = wrapper
        self._topic = topic

    def bind(self, ctx: Context) -> MongoUnit:
        return self._unit(ctx.session, ctx.now, lambda event, topic: ctx.emit(topic, event))

    async def run(self, work: Callable[[MongoUnit], Awaitable[T]]) -> T:
        async def transaction(
            session: AsyncClientSession, now: datetime
        ) -> tuple[T, list[Outgoing]]:
            pending: list[Outgoing] = []
            unit = self._unit(session, now, lambda e, t: pending.append(Outgoing(t, e)))
            return await work(unit), pending

        return await self._runtime.commit(transaction)

    def _unit(
        self, session: AsyncClientSession, now: datetime, emit: Callable[[Event, str], None]
    ) -> MongoUnit:
        db: Any = self._runtime.db
        return MongoUnit(
            now=now,
            persons=MongoPersonStore(db, session),
            index=MongoIdentityIndex(db, session),
            keys=MongoKeyStore(self._keys_db, session, self._wrapper, now),
            audit=MongoAuditLog(db, session),
            access=MongoAccessRequests(db, session),
            holders=MongoCaseHolders(db, session),
            emit_to=emit,
            topic=self._topic,
        )
