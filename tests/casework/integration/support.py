"""Helpers for casework's tests on the real broker and store: a fresh instance that starts
at the end of the shared topics, a tap that decodes what casework publishes, a producer.
They name logical topics; on the wire they use the session's namespace (MSA_ENV), as the
service does."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from msa_contracts.envelope import InvalidMessage, Record, decode, encode
from msa_contracts.events import Event
from msa_contracts.namespace import Namespace

E = TypeVar("E", bound=Event)


async def partitions(bootstrap: str, names: Sequence[str]) -> list[TopicPartition]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        return [
            TopicPartition(name, p)
            for name in map(Namespace.from_env().topic, names)
            for p in sorted(await producer.partitions_for(name))
        ]  # fmt: skip
    finally:
        await producer.stop()


@dataclass(frozen=True)
class Seen:
    topic: str
    event: Event


class Tap:
    """Reads topics from their end at ``start()`` on, decoding every record it can."""

    def __init__(self, bootstrap: str, names: Sequence[str]) -> None:
        self._bootstrap, self._names = bootstrap, list(names)
        self.seen: list[Seen] = []
        self.undecodable: list[Any] = []
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        tps = await partitions(self._bootstrap, self._names)
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=None,
                                          enable_auto_commit=False)  # fmt: skip
        await self._consumer.start()
        self._consumer.assign(tps)
        await self._consumer.seek_to_end(*tps)
        for tp in tps:
            await self._consumer.position(tp)  # fix the start now, before anything is sent
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer:
            await self._consumer.stop()

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            for records in batch.values():
                for rec in records:
                    headers = [(k, bytes(v or b"")) for k, v in rec.headers or ()]
                    try:
                        envelope = decode(headers, rec.value)
                    except InvalidMessage:
                        self.undecodable.append(rec)
                        continue
                    self.seen.append(Seen(Namespace.from_env().logical(rec.topic), envelope.event))

    def about(self, case_id: str, topic: str | None = None) -> list[Seen]:
        return [
            s for s in self.seen
            if getattr(s.event, "case_id", None) == case_id and topic in (None, s.topic)
        ]  # fmt: skip

    async def wait_for(
        self, case_id: str, kind: type[E], *, topic: str, count: int = 1,
        where: Callable[[E], bool] = lambda _e: True, timeout_s: float = 20.0,
    ) -> list[E]:  # fmt: skip
        """The events of ``kind`` about ``case_id`` on ``topic``, once ``count`` arrived."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            found = [
                s.event for s in self.about(case_id, topic)
                if isinstance(s.event, kind) and where(s.event)
            ]  # fmt: skip
            if len(found) >= count:
                return found
            if asyncio.get_running_loop().time() > deadline:
                names = [type(s.event).__name__ for s in self.about(case_id, topic)]
                raise AssertionError(f"no {count}x {kind.__name__} for {case_id} on {topic}; "
                                     f"seen: {names}")  # fmt: skip
            await asyncio.sleep(0.05)

    def names(self, case_id: str, topic: str) -> list[str]:
        return [type(s.event).__name__ for s in self.about(case_id, topic)]


class Publisher:
    """Publishes contract events (CloudEvents binary mode) as intake, the clock or a provider."""

    def __init__(self, bootstrap: str) -> None:
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(self, topic: str, *events: Event) -> None:
        for event in events:
            record = encode(event, event_id=str(uuid.uuid4()), source="/tests",
                            time=datetime.now(UTC))  # fmt: skip
            await self.send_record(topic, record)

    async def send_record(self, topic: str, record: Record) -> None:
        await self._producer.send_and_wait(Namespace.from_env().topic(topic), record.value,
                                           key=record.key,
                                           headers=list(record.headers))  # fmt: skip
