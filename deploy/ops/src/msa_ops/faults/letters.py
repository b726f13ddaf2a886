"""Read the dead-letter topics between two points in time, relay duplicates dropped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

Offsets = dict[TopicPartition, int]


@dataclass(frozen=True)
class Letter:
    """One dead letter: where it lies, its own id, the original ce_id and the reason."""

    topic: str
    dlq_id: str
    ce_id: str
    code: str
    reason: str


async def end_offsets(bootstrap: str, topics: Sequence[str]) -> Offsets:
    """The current end offset of every partition of ``topics``."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [TopicPartition(t, p) for t in topics
                 for p in sorted(consumer.partitions_for_topic(t) or ())]  # fmt: skip
        return dict(await consumer.end_offsets(parts))
    finally:
        await consumer.stop()


async def read_letters(bootstrap: str, since: Offsets) -> list[Letter]:
    """Every dead letter written after ``since``, once per ``dlq_id``."""
    until = await end_offsets(bootstrap, sorted({tp.topic for tp in since}))
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: dict[str, Letter] = {}
    try:
        wanted = {tp: end for tp, end in until.items() if end > since.get(tp, 0)}
        if not wanted:
            return []
        consumer.assign(list(wanted))
        for tp in wanted:
            consumer.seek(tp, since.get(tp, 0))
        done: set[TopicPartition] = set()
        while len(done) < len(wanted):
            batch = await consumer.getmany(timeout_ms=1000)
            for tp, records in batch.items():
                for r in records:
                    headers = {k: v.decode(errors="replace") for k, v in r.headers}
                    letter = Letter(r.topic, headers.get("dlq_id", f"{tp}@{r.offset}"),
                                    headers.get("ce_id", ""), headers.get("dlq_code", ""),
                                    headers.get("dlq_reason", ""))  # fmt: skip
                    found.setdefault(letter.dlq_id, letter)
                    if r.offset + 1 >= wanted[tp]:
                        done.add(tp)
    finally:
        await consumer.stop()
    return list(found.values())
