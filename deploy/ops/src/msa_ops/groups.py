"""Consumer-group housekeeping: start a new group at the end of its topics.

A fresh environment on a shared broker (a test run, a new staging copy) must not replay the
history other runs left on the topics. Committing the end offsets for the group before its
first member joins makes it start "now", whatever its ``auto_offset_reset`` says, without
the race of ``latest`` (records sent before the first assignment would be skipped).
"""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from msa_contracts.namespace import NO_NAMESPACE, Namespace
from msa_contracts.topics import catalogue

from msa_ops.reading import partitions_of


async def start_group_at_end(bootstrap: str, group: str, topics: Iterable[str]) -> int:
    """Commit the current end offsets of ``topics`` for ``group``; returns partitions set.

    Partitions are asked of the broker, so any existing topic works (not only the
    catalogue's)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        partitions = [
            TopicPartition(t, p)
            for t in dict.fromkeys(topics)
            for p in sorted(await partitions_of(consumer, t))
        ]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.commit({tp: OffsetAndMetadata(off, "") for tp, off in ends.items()})
    finally:
        await consumer.stop()
    return len(partitions)


def consumed_topics(service: str, namespace: Namespace = NO_NAMESPACE) -> list[str]:
    """The topics ``service`` consumes, as named on the wire in ``namespace``."""
    return [namespace.topic(t.name) for t in catalogue().consumed_by(service)]
