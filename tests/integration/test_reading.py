"""``read_to_end`` on the real broker: everything written before the call, across
partitions and topics (a later write is read by a later call), and a clear error for a
topic that does not exist."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from msa_ops.reading import read_to_end

from tests.kit.support import create_topics, unique

pytestmark = pytest.mark.integration


async def test_reads_every_partition_to_the_end_it_had_at_the_call(infra: Any) -> None:
    first, second = unique("reading-a"), unique("reading-b")
    await create_topics(infra.kafka_bootstrap, first, second, partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    try:
        sent = {(t, f"{t}-{n}".encode()) for t in (first, second) for n in range(40)}
        for topic, value in sorted(sent):
            await producer.send_and_wait(topic, value, key=value[-2:])
        got = await read_to_end(infra.kafka_bootstrap, [first, second])
        assert {(r.topic, r.value) for r in got} == sent and len(got) == len(sent)
        assert len({r.partition for r in got}) == 3

        await producer.send_and_wait(first, b"later")
        by_prefix = await read_to_end(infra.kafka_bootstrap, prefix=first)
        assert {r.value for r in by_prefix} == {v for t, v in sent if t == first} | {b"later"}
    finally:
        await producer.stop()


async def test_an_empty_topic_reads_as_nothing_and_a_missing_one_is_an_error(infra: Any) -> None:
    empty = unique("reading-empty")
    await create_topics(infra.kafka_bootstrap, empty, partitions=2)
    assert await read_to_end(infra.kafka_bootstrap, [empty], timeout_s=10) == []
    with pytest.raises(ValueError, match="does not exist"):
        await read_to_end(infra.kafka_bootstrap, [unique("reading-missing")], timeout_s=10)
