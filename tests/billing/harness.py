"""Drive the real ``build()`` without a broker or database: records go through billing's own
subscriptions (allowed types, provider identity, rejector, handler) against the memory store.
Like the kit's inbox, a record id seen before on a topic is dropped."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time
from typing import Any, cast

from msa_billing.adapters.commands import MemoryCommands
from msa_billing.adapters.memory import MemoryStore
from msa_billing.bootstrap import Billing, build
from msa_billing.domain.case_view import CaseView
from msa_billing.domain.entry import Entry
from msa_billing.handlers.invoicing import RunResult, run_invoices
from msa_billing.routing import BillingTopics
from msa_billing.settings import BillingSettings
from msa_contracts.envelope import InvalidMessage, Record, decode, encode
from msa_contracts.events import Event
from msa_contracts.reference import ReferenceData
from msa_kit.outbox import Outgoing
from msa_kit.processing import Context, Subscription
from msa_kit.records import RawRecord
from pymongo.asynchronous.client_session import AsyncClientSession

from tests.billing.builders import tick

NOW = datetime(2026, 3, 20, 9, tzinfo=UTC)
TOPICS = BillingTopics()
LEDGER = TOPICS.ledger


def feedback(provider: str) -> str:
    return TOPICS.feedback(provider)


class Harness:
    def __init__(self, billing: Billing, store: MemoryStore, commands: MemoryCommands) -> None:
        self.billing = billing
        self.store = store
        self.commands = commands
        self._offsets = itertools.count()
        self._seen: set[tuple[str, str]] = set()
        self._today: date | None = None  # the latest tick: providers send "today"

    async def hours(
        self, provider: str, event: Event, *, event_id: str | None = None,
        sent: datetime | None = None,
    ) -> list[Outgoing]:  # fmt: skip
        """Deliver an hour entry on ``provider``'s own hours topic, sent at ``sent`` (by
        default at 8:00 on the latest day ticked, as a provider would)."""
        if sent is None:
            sent = datetime.combine(self._today, time(8), UTC) if self._today else NOW
        return await self.deliver(TOPICS.hours(provider), record_of(event, event_id, sent))

    async def case(self, *events: Event) -> list[Outgoing]:
        emitted = []
        for event in events:
            emitted += await self.deliver(TOPICS.cases, record_of(event))
        return emitted

    async def day(self, day: date) -> list[Outgoing]:
        self._today = max(day, self._today or day)
        return await self.deliver(TOPICS.clock, record_of(tick(day)))

    async def deliver(self, topic: str, record: Record) -> list[Outgoing]:
        sub = self.subscription(topic)
        raw = RawRecord(topic, 0, next(self._offsets), record.key, record.value, record.headers)
        provider = sub.provider_of(topic)
        try:
            envelope = decode(record.headers, record.value, allowed_types=sub.allowed_types)
        except InvalidMessage as invalid:
            return sub.rejector(invalid, raw, provider) if sub.rejector else []
        if (topic, envelope.id) in self._seen:
            return []
        self._seen.add((topic, envelope.id))
        ctx = Context(envelope, raw, cast(AsyncClientSession, None), NOW, provider)
        await sub.handler(ctx)
        return ctx.emitted

    def subscription(self, topic: str) -> Subscription:
        return next(c.subscription for c in self.billing.consumers if topic in c.topics)

    async def run(self, period: str, on: date) -> RunResult:
        return await self.commands(lambda unit: run_invoices(unit, period, on))

    async def entry(self, provider: str, entry_id: str) -> Entry:
        found = await self.store.unit(None).entries.get(provider, entry_id)
        assert found is not None, f"no entry {provider}/{entry_id}"
        return found

    async def view(self, case_id: str) -> CaseView:
        found = await self.store.unit(None).cases.get(case_id)
        assert found is not None, f"no case {case_id}"
        return found


def record_of(event: Event, event_id: str | None = None, sent: datetime = NOW) -> Record:
    return encode(event, event_id=event_id or str(uuid.uuid4()), source="/tests", time=sent)


def events(emitted: list[Outgoing], topic: str | None = None) -> list[Any]:
    return [o.event for o in emitted if topic in (None, o.topic)]


def names(emitted: list[Outgoing], topic: str | None = None) -> list[str]:
    return [type(e).__name__ for e in events(emitted, topic)]


def only(emitted: list[Outgoing], kind: type[Any], topic: str) -> Any:
    found = [e for e in events(emitted, topic) if isinstance(e, kind)]
    assert len(found) == 1, f"expected one {kind.__name__} on {topic}, got {len(found)}"
    return found[0]


@asynccontextmanager
async def harness(reference: ReferenceData, **settings: Any) -> AsyncIterator[Harness]:
    store = MemoryStore()
    commands = MemoryCommands(store, TOPICS)
    billing = build(BillingSettings(**settings), reference=reference, store=store,
                    commands=commands, clock=lambda: NOW)  # fmt: skip
    try:
        yield Harness(billing, store, commands)
    finally:
        await billing.runtime.producer.stop()
        await billing.runtime.client.close()
