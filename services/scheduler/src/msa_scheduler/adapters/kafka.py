"""The clock topic on Kafka: read the last committed tick, publish ticks transactionally.

The producer has a fixed ``transactional.id``: when a second instance starts (a rollout
overlapping, a split brain), the broker fences the first, whose next commit fails with
``ProducerFenced`` instead of writing a second tick. Ticks are read back with
``read_committed``, so a tick of a transaction that was aborted (or fenced) is never seen
as published, by the scheduler or by any service.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import InvalidProducerEpoch, ProducerFenced, TransactionCoordinatorFenced
from msa_contracts.envelope import InvalidMessage, decode, encode
from msa_contracts.events import DayStarted
from msa_contracts.events.clock import tick_id
from msa_kit.kafka_security import KafkaSecurity
from msa_kit.logging import get_logger

from msa_scheduler.ports import Fenced

log = get_logger("msa_scheduler.kafka")
FENCING_ERRORS = (ProducerFenced, InvalidProducerEpoch, TransactionCoordinatorFenced)
SOURCE = "/msa/scheduler"
PLAINTEXT = KafkaSecurity()
METADATA_TRIES = 5
FIRST_WINDOW = 64  # records read back from the end at first; doubled until a tick is found


class TopicMissing(Exception):
    """The clock topic does not exist (topics are created by the platform, not by us)."""


class KafkaTickLog:
    """``TickLog`` on a Kafka topic."""

    def __init__(
        self, bootstrap: str, topic: str, *, transactional_id: str,
        security: KafkaSecurity = PLAINTEXT, read_timeout_s: float = 30.0,
    ) -> None:  # fmt: skip
        self._bootstrap, self.topic = bootstrap, topic
        self._transactional_id = transactional_id
        self._security = security
        self._read_timeout_s = read_timeout_s
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Start the transactional producer; the broker fences any older instance now."""
        producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap,
            client_id="msa-scheduler",
            transactional_id=self._transactional_id,
            enable_idempotence=True,
            request_timeout_ms=15000,
            **self._security.for_aiokafka(),
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer

    async def stop(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def publish(self, tick: DayStarted) -> None:
        if self._producer is None:
            raise RuntimeError("the tick log is not started")
        record = encode(tick, event_id=tick_id(tick.day), source=SOURCE, time=tick.at)
        try:
            async with self._producer.transaction():
                await self._producer.send_and_wait(
                    self.topic, record.value, key=record.key, headers=list(record.headers)
                )
        except FENCING_ERRORS as exc:
            raise Fenced(f"transactional id {self._transactional_id!r} taken over") from exc

    async def last_day(self) -> date | None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            client_id="msa-scheduler-reader",
            isolation_level="read_committed",
            enable_auto_commit=False,
            **self._security.for_aiokafka(),
        )
        await consumer.start()
        try:
            return await asyncio.wait_for(self._latest(consumer), self._read_timeout_s)
        finally:
            await consumer.stop()

    async def _latest(self, consumer: AIOKafkaConsumer) -> date | None:
        partitions = consumer.partitions_for_topic(self.topic)
        for _ in range(METADATA_TRIES):  # a topic created a moment ago may not be known yet
            if partitions:
                break
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(self.topic)
            await asyncio.sleep(0 if partitions else 0.2)
        if not partitions:
            raise TopicMissing(f"topic {self.topic!r} does not exist")
        tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        begins, ends = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
        found = [await _latest_in(consumer, tp, begins[tp], ends[tp]) for tp in tps]
        days = [d for d in found if d is not None]
        return max(days) if days else None

    async def reachable(self) -> bool:
        if self._producer is None:
            return False
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._producer.client.fetch_all_metadata(), 2.0)
            return True
        return False


async def _latest_in(
    consumer: AIOKafkaConsumer, tp: TopicPartition, begin: int, end: int
) -> date | None:
    """The latest day among the committed ticks of one partition, read back from its end in
    growing windows (a window can hold only transaction markers and aborted records)."""
    window, upper = FIRST_WINDOW, end
    while upper > begin:
        lower = max(begin, upper - window)
        days = await _days_between(consumer, tp, lower, upper)
        if days:
            return max(days)
        upper, window = lower, window * 2
    return None


async def _days_between(
    consumer: AIOKafkaConsumer, tp: TopicPartition, lower: int, upper: int
) -> list[date]:
    consumer.seek(tp, lower)
    days: list[date] = []
    while await consumer.position(tp) < upper:
        batch = await consumer.getmany(tp, timeout_ms=500)
        for record in batch.get(tp, []):
            if record.offset >= upper:
                return days
            with contextlib.suppress(InvalidMessage):
                event = decode(
                    record.headers, record.value, allowed_types={DayStarted.ce_type()}
                ).event
                if isinstance(event, DayStarted):
                    days.append(event.day)
    return days
