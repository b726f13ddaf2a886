"""Helpers for tests against the real broker and store: unique topics, reading topics."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from msa_contracts.envelope import Envelope, Record, decode, encode
from msa_contracts.events import Event, PersonDeparted
from msa_contracts.topics import dead_letter_topic


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def create_topics(bootstrap: str, *names: str, partitions: int = 1) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(n, num_partitions=partitions, replication_factor=1) for n in names]
        )
    finally:
        await admin.close()


async def service_topics(bootstrap: str, service: str, *names: str) -> None:
    """Create ``names`` plus the dead-letter topic of ``service``."""
    await create_topics(bootstrap, dead_letter_topic(service), *names)


async def read_topic(
    bootstrap: str, topic: str, *, expect: int, timeout_s: float = 30.0
) -> list[Any]:
    """Read ``topic`` from the beginning until ``expect`` records arrived (or time ran out),
    then keep reading briefly so that extra (duplicate) records are seen too."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
        enable_auto_commit=False, group_id=None,
    )  # fmt: skip
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        settle_until: float | None = None
        while True:
            now = asyncio.get_running_loop().time()
            if now > deadline or (settle_until is not None and now > settle_until):
                break
            batch = await consumer.getmany(timeout_ms=300)
            for recs in batch.values():
                records.extend(recs)
            if len(records) >= expect and settle_until is None:
                settle_until = now + 1.0
    finally:
        await consumer.stop()
    return records


RawTuple = tuple[bytes, bytes, list[tuple[str, bytes]]]


async def wait_for(predicate: Any, timeout_s: float = 30.0) -> None:
    """Poll ``predicate()`` (async) until it holds; fail after ``timeout_s``."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.2)


async def produce(bootstrap: str, topic: str, *records: Record | RawTuple) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for rec in records:
            if isinstance(rec, Record):
                await producer.send_and_wait(
                    topic, rec.value, key=rec.key, headers=list(rec.headers)
                )
            else:
                key, value, raw_headers = rec
                await producer.send_and_wait(topic, value, key=key, headers=raw_headers)
    finally:
        await producer.stop()


def departed(n: int) -> PersonDeparted:
    return PersonDeparted(
        person_ref=f"P-{n:016x}", departed_on=date(2026, 3, 1), reason="moved-away"
    )


def record_of(event: PersonDeparted, event_id: str | None = None) -> Record:
    return encode(
        event, event_id=event_id or str(uuid.uuid4()), source="/tests",
        time=datetime(2026, 3, 1, 12, tzinfo=UTC),
    )  # fmt: skip


def header(rec: Any, name: str) -> str | None:
    for k, v in rec.headers:
        if k == name:
            return bytes(v).decode()
    return None


@dataclass
class Tail:
    """Every record of some topics from offset zero on, collected in the background (raw;
    decoded on demand)."""

    bootstrap: str
    topics: Sequence[str]
    records: list[Any] = field(default_factory=list)
    _decoded: dict[int, Envelope] = field(default_factory=dict)
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
                        self.records.extend(recs)
            finally:
                await consumer.stop()

        self._task = asyncio.create_task(run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def on(self, topic: str, caused_by: str | None = None, key: str | None = None) -> list[Event]:
        """The events on ``topic`` (caused by the event ``caused_by``, keyed ``key``); only
        that topic's records are decoded (others may be dead letters)."""
        found = []
        for n, r in enumerate(self.records):
            if r.topic != topic or (key is not None and r.key != key.encode()):
                continue
            if (env := self._decoded.get(n)) is None:
                env = self._decoded[n] = decode(r.headers, r.value)
            if caused_by in (None, env.causation_id):
                found.append(env.event)
        return found

    async def until(self, check: Callable[[], Any], timeout_s: float = 30.0) -> None:
        """Wait until ``check()`` (on what was collected) holds; fail after ``timeout_s``."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not check():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.1)

    def letters(self, topic: str, key: str) -> list[Any]:
        """The raw records on ``topic`` keyed ``key`` (e.g. dead letters)."""
        return [r for r in self.records if r.topic == topic and r.key == key.encode()]
