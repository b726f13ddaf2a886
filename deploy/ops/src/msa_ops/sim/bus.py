"""The simulator's Kafka side: publish contract events, follow topics from "now" on."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from msa_contracts.envelope import Envelope, InvalidMessage, decode, encode
from msa_contracts.events import Event
from msa_contracts.namespace import Namespace


class Bus:
    """One producer for everything the simulator sends; one consumer that follows topics.

    Topics are named by their logical names; on the wire they are those of ``namespace``
    (default: MSA_ENV from the environment)."""

    def __init__(
        self, bootstrap: str, follow: Sequence[str], namespace: Namespace | None = None
    ) -> None:
        self._bootstrap = bootstrap
        self._ns = Namespace.from_env() if namespace is None else namespace
        self._follow = [self._ns.topic(t) for t in follow]
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5
        )
        self._consumer = AIOKafkaConsumer(  # as the services read: no aborted transaction
            bootstrap_servers=bootstrap, enable_auto_commit=False, isolation_level="read_committed"
        )
        self.seen: list[tuple[str, Envelope]] = []
        self._task: asyncio.Task[None] | None = None
        self.changed = asyncio.Event()

    async def start(self) -> None:
        await self._producer.start()
        await self._consumer.start()
        partitions = []
        for topic in self._follow:
            for p in self._consumer.partitions_for_topic(topic) or await self._partitions(topic):
                partitions.append(TopicPartition(topic, p))
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for tp in partitions:  # resolve the end offsets now, before anything is sent
            await self._consumer.position(tp)
        self._task = asyncio.create_task(self._pump())

    async def _partitions(self, topic: str) -> set[int]:
        await self._consumer._client.force_metadata_update()
        return self._consumer.partitions_for_topic(topic) or set()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()
        await self._producer.stop()

    async def send(
        self,
        topic: str,
        event: Event,
        *,
        source: str,
        event_id: str | None = None,
        at: datetime | None = None,
    ) -> str:
        """Publish ``event``; returns its ce_id (the causation id of the answer)."""
        ce_id = event_id or str(uuid.uuid4())
        rec = encode(event, event_id=ce_id, source=source, time=at or datetime.now(UTC))
        await self._producer.send_and_wait(
            self._ns.topic(topic), rec.value, key=rec.key, headers=list(rec.headers)
        )
        return ce_id

    async def _pump(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            for records in batch.values():
                for r in records:
                    with contextlib.suppress(InvalidMessage):
                        self.seen.append((self._ns.logical(r.topic), decode(r.headers, r.value)))
            if batch:
                self.changed.set()

    async def until(self, predicate: object, *, timeout_s: float, what: str) -> None:
        """Wait until ``predicate()`` holds for what was seen so far."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not predicate():  # type: ignore[operator]
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"simulator waited {timeout_s:.0f}s for {what}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout=min(remaining, 0.5))
