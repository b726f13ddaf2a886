"""A billing on its own topics, consumer group and database against the real broker and
store, a producer to feed it, and a tail that collects what it publishes."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from msa_billing.bootstrap import Billing
from msa_billing.routing import BillingTopics
from msa_contracts.envelope import Envelope, Record, decode, encode
from msa_contracts.events import Event

from tests.billing.builders import tick

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
class Tail:
    """Every record of some topics from the beginning, decoded, in the background."""

    bootstrap: str
    topics: list[str]
    seen: list[tuple[str, Envelope]] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(
            *self.topics, bootstrap_servers=self.bootstrap, auto_offset_reset="earliest",
            enable_auto_commit=False, group_id=None, metadata_max_age_ms=1000,
        )  # fmt: skip
        await consumer.start()

        async def run() -> None:
            try:
                while True:
                    for recs in (await consumer.getmany(timeout_ms=100)).values():
                        self.seen.extend((r.topic, decode(r.headers, r.value)) for r in recs)
            finally:
                await consumer.stop()

        self._task = asyncio.create_task(run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def on(self, topic: str, caused_by: str | None = None) -> list[Event]:
        return [
            env.event for t, env in self.seen
            if t == topic and caused_by in (None, env.causation_id)
        ]  # fmt: skip

    async def until(self, check: Callable[[], Any], timeout_s: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not check():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.1)


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
        """Wait for ``count`` answers to the record ``ce_id`` on the provider's feedback."""
        feedback = self.topics.feedback(provider)
        await self.tail.until(lambda: len(self.tail.on(feedback, ce_id)) >= count)
        return self.tail.on(feedback, ce_id)

    async def quiet(self, seconds: float = 1.5) -> None:
        """Let billing catch up with what was sent (to show that nothing more comes)."""
        await asyncio.sleep(seconds)
