"""A billing on its own topics, consumer group and database against the real broker and
store, a producer to feed it, and a tail that collects what it publishes."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import httpx
from aiokafka import AIOKafkaProducer
from msa_billing.bootstrap import Billing
from msa_billing.routing import BillingTopics
from msa_contracts.envelope import Record, encode
from msa_contracts.events import Event, HoursHeld

from tests.billing.builders import tick
from tests.kit.support import Tail

PROVIDERS = ("caritas", "diakonie", "awo", "drk")


def topics_for(prefix: str) -> BillingTopics:
    return BillingTopics(
        cases=f"{prefix}.cases", clock=f"{prefix}.clock", ledger=f"{prefix}.ledger",
        provider_prefix=f"{prefix}.provider",
    )  # fmt: skip


def all_topics(topics: BillingTopics) -> list[str]:
    per_provider = [t for p in PROVIDERS for t in (topics.hours(p), topics.feedback(p))]
    return [topics.cases, topics.clock, topics.ledger, *per_provider]


@dataclass
class Running:
    billing: Billing
    topics: BillingTopics
    tail: Tail
    producer: AIOKafkaProducer
    http: httpx.AsyncClient

    async def send(
        self, topic: str, event: Event, event_id: str | None = None, sent: datetime | None = None
    ) -> str:
        ce_id = event_id or str(uuid.uuid4())
        rec = encode(event, event_id=ce_id, source="/tests", time=sent or datetime.now(UTC))
        await self.send_record(topic, rec)
        return ce_id

    async def send_record(self, topic: str, rec: Record) -> None:
        await self.producer.send_and_wait(topic, rec.value, key=rec.key, headers=list(rec.headers))

    async def case(self, *events: Event) -> None:
        for event in events:
            await self.send(self.topics.cases, event)

    async def day(self, day: date) -> None:
        await self.send(self.topics.clock, tick(day))

    async def hours(
        self, provider: str, event: Event, event_id: str | None = None,
        sent: datetime | None = None,
    ) -> str:  # fmt: skip
        """Send an hour entry, by default sent now (give ``sent`` in simulated time)."""
        return await self.send(self.topics.hours(provider), event, event_id, sent)

    async def answers(self, provider: str, ce_id: str, count: int = 1) -> list[Event]:
        """Wait for ``count`` final answers (accepted or rejected, not ``HoursHeld``) to the
        record ``ce_id`` on the provider's feedback."""
        await self.tail.until(lambda: len(self.final(provider, ce_id)) >= count)
        return self.final(provider, ce_id)

    async def held(self, provider: str, ce_id: str) -> HoursHeld:
        """Wait for the ``HoursHeld`` answer to the record ``ce_id``."""
        await self.tail.until(lambda: self._held(provider, ce_id))
        [held] = self._held(provider, ce_id)
        return held

    def final(self, provider: str, ce_id: str) -> list[Event]:
        """The final answers to the record ``ce_id`` seen so far (no ``HoursHeld``)."""
        found = self.tail.on(self.topics.feedback(provider), ce_id)
        return [e for e in found if not isinstance(e, HoursHeld)]

    def _held(self, provider: str, ce_id: str) -> list[HoursHeld]:
        found = self.tail.on(self.topics.feedback(provider), ce_id)
        return [e for e in found if isinstance(e, HoursHeld)]

    async def quiet(self, seconds: float = 1.5) -> None:
        """Let billing catch up with what was sent (to show that nothing more comes)."""
        await asyncio.sleep(seconds)
