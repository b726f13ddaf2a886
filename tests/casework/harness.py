"""Drive the real ``build()`` without a broker or database: records go through casework's
own subscriptions (allowed types, provider identity, handler) against the memory store."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, cast

from msa_casework.adapters.memory import MemoryStore
from msa_casework.bootstrap import Casework, build
from msa_casework.domain.case import Case
from msa_casework.settings import CaseworkSettings
from msa_contracts import topics
from msa_contracts.envelope import InvalidMessage, Record, decode, encode
from msa_contracts.events import DayStarted, Event
from msa_contracts.reference import ReferenceData
from msa_kit.outbox import Outgoing
from msa_kit.processing import Context, Subscription
from msa_kit.records import RawRecord
from pymongo.asynchronous.client_session import AsyncClientSession

NOW = datetime(2026, 1, 15, 9, tzinfo=UTC)


class Harness:
    def __init__(self, casework: Casework, store: MemoryStore) -> None:
        self.casework = casework
        self.store = store
        self._offsets = itertools.count()

    async def send(
        self, event: Event, *, provider: str | None = None, sent: datetime = NOW,
        patient: bool = True,
    ) -> list[Outgoing]:  # fmt: skip
        """Deliver ``event`` (sent at ``sent``) on the topic it belongs to; returns what
        casework emitted. ``patient`` False: the record has waited as long as it may."""
        record = record_of(event, sent)
        return await self.deliver(self.topic_for(event, provider), record, patient=patient)

    async def deliver(self, topic: str, record: Record, *, patient: bool = True) -> list[Outgoing]:
        sub = self.subscription(topic)
        raw = RawRecord(topic, 0, next(self._offsets), record.key, record.value, record.headers)
        provider = sub.provider_of(topic)
        try:
            envelope = decode(record.headers, record.value, allowed_types=sub.allowed_types)
        except InvalidMessage as invalid:
            return sub.rejector(invalid, raw, provider) if sub.rejector else []
        session = cast(AsyncClientSession, None)
        ctx = Context(envelope, raw, session, NOW, provider, patient=patient)
        await sub.handler(ctx)
        return ctx.emitted

    def subscription(self, topic: str) -> Subscription:
        return next(c.subscription for c in self.casework.consumers if topic in c.topics)

    @staticmethod
    def topic_for(event: Event, provider: str | None) -> str:
        if provider is not None:
            return topics.reports(provider)
        return topics.CLOCK if isinstance(event, DayStarted) else topics.PERSONS

    async def case(self, case_id: str) -> Case:
        case = await self.store.reader().case(case_id)
        assert case is not None, f"no case {case_id}"
        return case


def record_of(event: Event, sent: datetime = NOW) -> Record:
    return encode(event, event_id=str(uuid.uuid4()), source="/tests", time=sent)


def names(emitted: list[Outgoing], topic: str | None = None) -> list[str]:
    """Event names in emission order, optionally only those for ``topic``."""
    return [type(o.event).__name__ for o in emitted if topic in (None, o.topic)]


def only(emitted: list[Outgoing], kind: type[Any], topic: str = topics.CASES) -> Any:
    """The single event of ``kind`` emitted on ``topic``."""
    found = [o.event for o in emitted if isinstance(o.event, kind) and o.topic == topic]
    assert len(found) == 1, f"expected one {kind.__name__} on {topic}, got {len(found)}"
    return found[0]


@asynccontextmanager
async def harness(reference: ReferenceData, **settings: Any) -> AsyncIterator[Harness]:
    store = MemoryStore()
    casework = build(CaseworkSettings(**settings), reference=reference, store=store)
    try:
        yield Harness(casework, store)
    finally:
        await casework.runtime.producer.stop()
        await casework.runtime.client.close()
