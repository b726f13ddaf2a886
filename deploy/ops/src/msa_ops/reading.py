"""Read topics from the beginning to the end they have now, outside any consumer group.

"Read until nothing arrives for a while" is not the same: on a busy machine the first fetch
can take longer than the quiet period, and such a read returns early and incomplete. Here
the end offsets are taken first and every partition is read up to them, so the result is
everything written before the call, or an error naming the partitions that fell short.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

Record: TypeAlias = "ConsumerRecord[bytes, bytes]"


async def partitions_of(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    """The partitions of ``topic`` as the broker knows them (metadata refreshed if needed)."""
    known = consumer.partitions_for_topic(topic)
    if not known:
        await consumer._client.force_metadata_update()
        known = consumer.partitions_for_topic(topic)
    if not known:
        raise ValueError(f"topic {topic!r} does not exist on the broker")
    return set(known)


async def read_to_end(
    bootstrap: str,
    topics: Iterable[str] = (),
    *,
    prefix: str | None = None,
    timeout_s: float = 120.0,
    fetch_bytes: int = 4 << 20,
    committed_only: bool = False,
) -> list[Record]:
    """Every record of ``topics`` (and of every topic named ``prefix``...) from offset zero
    up to the end offsets at the time of the call. Raises ``TimeoutError`` naming the
    partitions not read to their end within ``timeout_s``. ``committed_only`` reads as the
    services do (``read_committed``): records of aborted transactions are left out."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False,
        auto_offset_reset="earliest", max_partition_fetch_bytes=fetch_bytes,
        isolation_level="read_committed" if committed_only else "read_uncommitted",
    )  # fmt: skip
    await consumer.start()
    try:
        names = list(dict.fromkeys(topics))
        if prefix is not None:
            names += sorted(t for t in await consumer.topics() if t.startswith(prefix))
        parts = [TopicPartition(t, p) for t in dict.fromkeys(names)
                 for p in sorted(await partitions_of(consumer, t))]  # fmt: skip
        if not parts:
            return []
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)
        await consumer.seek_to_beginning(*parts)
        return await _drain(consumer, ends, timeout_s)
    finally:
        await consumer.stop()


async def _drain(
    consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int], timeout_s: float
) -> list[Record]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    out: list[Record] = []
    behind = [tp for tp, end in ends.items() if await consumer.position(tp) < end]
    while behind:
        if loop.time() > deadline:
            left = {f"{tp.topic}[{tp.partition}]": ends[tp] for tp in behind}
            raise TimeoutError(f"not read to the end within {timeout_s}s: {left}")
        batch = await consumer.getmany(*behind, timeout_ms=500)
        for tp, records in batch.items():
            out.extend(r for r in records if r.offset < ends[tp])
        behind = [tp for tp in behind if await consumer.position(tp) < ends[tp]]
    return out
