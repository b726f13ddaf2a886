"""Raw Kafka for the benchmark: fresh topics per run, plain produce and plain consume.

The ceilings (a) are these two loops with no processing at all, on the same topics,
partitions and payloads the measured services then read.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from msa_contracts.envelope import Record, encode
from msa_contracts.events import Event
from msa_contracts.topics import catalogue

from msa_ops.infra.topics import ensure_topics

SOURCE = "/msa/bench"


@dataclass(frozen=True)
class BenchTopic:
    name: str
    partitions: int
    config: dict[str, str]


def fresh_topics(run: str, names: Iterable[str]) -> dict[str, BenchTopic]:
    """Catalogue topic name → a run-private copy (``<run>.<name>``), same partitions."""
    known = {t.name: t for t in catalogue().all_topics()}
    return {n: BenchTopic(f"{run}.{n}", known[n].partitions, {"retention.ms": "-1"}) for n in names}


async def create(bootstrap: str, topics: Iterable[BenchTopic]) -> None:
    await ensure_topics(bootstrap, list(topics))


def encoded(event: Event) -> Record:
    return encode(event, event_id=str(uuid.uuid4()), source=SOURCE, time=datetime.now(UTC))


@dataclass(frozen=True)
class Rate:
    records: int
    seconds: float
    nbytes: int = 0

    @property
    def per_s(self) -> float:
        return self.records / max(self.seconds, 1e-9)


def producer(bootstrap: str) -> AIOKafkaProducer:
    """Like the outbox relay's: idempotent, acks=all, a short linger."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,
        linger_ms=5,
        max_batch_size=256 * 1024,
        request_timeout_ms=30000,
    )


async def produce(bootstrap: str, chunks: Iterator[list[tuple[str, Record]]]) -> Rate:
    """Send every chunk, timing only the sending (encoding happens before, untimed)."""
    records = nbytes = 0
    busy = 0.0
    prod = producer(bootstrap)
    await prod.start()
    try:
        for chunk in chunks:
            t0 = time.perf_counter()
            futures = [
                await prod.send(topic, r.value, key=r.key, headers=list(r.headers))
                for topic, r in chunk
            ]
            await asyncio.gather(*futures)
            busy += time.perf_counter() - t0
            records += len(chunk)
            nbytes += sum(len(r.value) for _t, r in chunk)
    finally:
        await prod.stop()
    return Rate(records, busy, nbytes)


def chunked(items: Iterable[tuple[str, Record]], size: int) -> Iterator[list[tuple[str, Record]]]:
    chunk: list[tuple[str, Record]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def consume(bootstrap: str, topics: Iterable[str], batch: int = 5000) -> Rate:
    """Read every partition of ``topics`` from offset zero to its end, without a group and
    without decoding: the consume ceiling."""
    names = sorted(set(topics))
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        max_poll_records=batch,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        parts = [TopicPartition(t, p) for t in names for p in await _partitions(consumer, t)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        end = await consumer.end_offsets(parts)
        pending = {tp for tp in parts if end[tp] > 0}
        records = nbytes = 0
        t0 = time.perf_counter()
        while pending:
            fetched = await consumer.getmany(*pending, timeout_ms=1000, max_records=batch)
            for tp, recs in fetched.items():
                records += len(recs)
                nbytes += sum(len(r.value or b"") for r in recs)
                if recs and recs[-1].offset + 1 >= end[tp]:
                    pending.discard(tp)
        return Rate(records, time.perf_counter() - t0, nbytes)
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[int]:
    for _ in range(50):
        found = consumer.partitions_for_topic(topic)
        if found:
            return sorted(found)
        await consumer._client.force_metadata_update()
    raise RuntimeError(f"topic {topic!r} not found")
