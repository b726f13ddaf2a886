"""Consumer lag per group, topic and partition: the monitor against a fake consumer, and the
kit's own consumers against the real broker."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from msa_contracts.events import PersonDeparted
from msa_contracts.namespace import Namespace
from msa_kit.lag import LagMonitor, broker_consumers, measure
from msa_kit.processing import Context, Subscription
from msa_kit.runtime import ServiceRuntime
from msa_kit.settings import KitSettings
from prometheus_client import REGISTRY

from tests.kit.metrics_support import holds
from tests.kit.support import departed, produce, record_of, service_topics, unique, wait_for


@dataclass
class FakeConsumer:
    """Offsets as a consumer would answer them: end and committed per partition."""

    ends: dict[TopicPartition, int]
    commits: dict[TopicPartition, int | None]
    starts: dict[TopicPartition, int] = field(default_factory=dict)

    def assignment(self) -> set[TopicPartition]:
        return set(self.commits)

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.ends[tp] for tp in partitions}

    async def beginning_offsets(
        self, partitions: list[TopicPartition]
    ) -> dict[TopicPartition, int]:
        return {tp: self.starts.get(tp, 0) for tp in partitions}

    async def committed(self, partition: TopicPartition) -> int | None:
        return self.commits[partition]


def lag(group: str, topic: str, partition: int) -> float | None:
    labels = {"group": group, "topic": topic, "partition": str(partition)}
    return REGISTRY.get_sample_value("msa_consumer_lag_records", labels)


async def test_lag_is_the_end_offset_minus_the_committed_offset_per_partition() -> None:
    wire = "msa.t.casework.cases"  # logical: msa.casework.cases
    a0, a1 = TopicPartition(wire, 0), TopicPartition(wire, 1)
    consumer = FakeConsumer(ends={a0: 10, a1: 7}, commits={a0: 4, a1: 7})
    lags = await measure("g", consumer, Namespace("t"))
    assert {(x.topic, x.partition, x.records) for x in lags} == {
        ("msa.casework.cases", 0, 6),
        ("msa.casework.cases", 1, 0),
    }


async def test_a_partition_never_committed_counts_from_its_log_start() -> None:
    tp = TopicPartition("cases", 0)
    consumer = FakeConsumer(ends={tp: 50}, commits={tp: None}, starts={tp: 30})
    (only,) = await measure("g", consumer)
    assert only.records == 20


async def test_the_monitor_exports_each_partition_and_withdraws_one_moved_elsewhere() -> None:
    group = unique("g")
    p0, p1 = TopicPartition("hours", 0), TopicPartition("hours", 1)
    consumer = FakeConsumer(ends={p0: 5, p1: 9}, commits={p0: 2, p1: 9})
    monitor = LagMonitor(lambda: [(group, consumer)], interval_s=0.01)

    await monitor.observe()
    assert (lag(group, "hours", 0), lag(group, "hours", 1)) == (3, 0)

    del consumer.commits[p1]  # a rebalance gave partition 1 to another instance
    consumer.commits[p0] = 5
    await monitor.observe()
    assert (lag(group, "hours", 0), lag(group, "hours", 1)) == (0, None)


async def test_the_monitor_runs_at_its_interval_and_survives_a_failed_round() -> None:
    group, tp = unique("g"), TopicPartition("ledger", 0)
    consumer = FakeConsumer(ends={tp: 3}, commits={tp: 1})
    calls = {"n": 0}

    def consumers() -> list[tuple[str, FakeConsumer]]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("coordinator moving")
        return [(group, consumer)]

    monitor = LagMonitor(consumers, interval_s=0.02)
    monitor.start()
    try:
        await wait_for(holds(lambda: lag(group, "ledger", 0) == 2), timeout_s=5)
    finally:
        await monitor.stop()
    assert calls["n"] >= 2


def test_an_interval_of_zero_measures_nothing() -> None:
    monitor = LagMonitor(lambda: [], interval_s=0)
    monitor.start()
    assert monitor._task is None


# --- the kit's consumers on the real broker --------------------------------------------


@pytest.mark.integration
async def test_lag_of_a_partition_with_unconsumed_records_goes_up_then_back_to_zero(
    infra: Any, service: str
) -> None:
    """A handler held at the first record leaves the rest unconsumed: the group's lag is
    every record not yet committed; once released and consumed, it is 0."""
    topic = unique("t-lag")
    await service_topics(infra.kafka_bootstrap, service, topic)
    settings = KitSettings(
        service_name=service, kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri, processing_batch_max=1, outbox_poll_s=0.1,
        graceful_timeout_s=5, metrics_lag_interval_s=0.2,
    )  # fmt: skip
    runtime = ServiceRuntime(settings)
    released, handled = asyncio.Event(), []

    async def held(ctx: Context) -> None:
        await released.wait()
        handled.append(ctx.envelope.id)

    allowed = {PersonDeparted.ce_type()}
    runtime.subscribe([topic], Subscription(held, allowed_types=allowed), title="lag-test")
    group = settings.consumer_group
    records = [record_of(departed(i), event_id=str(uuid.uuid4())) for i in range(5)]
    await produce(infra.kafka_bootstrap, topic, *records)
    await runtime.start()
    try:
        await wait_for(holds(lambda: (lag(group, topic, 0) or 0) == 5), timeout_s=30)
        print(f"lag with 5 records unconsumed: {lag(group, topic, 0)}")
        released.set()
        await wait_for(holds(lambda: len(handled) == 5), timeout_s=30)
        await wait_for(holds(lambda: lag(group, topic, 0) == 0), timeout_s=30)
        print(f"lag after consumption: {lag(group, topic, 0)}")
        assert [g for g, _ in broker_consumers(runtime.broker)()] == [group]
    finally:
        released.set()
        await runtime.stop()
    assert lag(group, topic, 0) is None, "a stopped consumer reports no partitions"


@pytest.mark.integration
async def test_a_transactional_topic_consumed_to_its_end_shows_at_most_its_last_marker(
    infra: Any, service: str, batch_max: int
) -> None:
    """The clock topic is written in transactions, whose commit markers take offsets too.
    Batched consumption commits past the last marker (lag 0); one record at a time commits
    the record, and the marker after the last one stays counted until the next record comes
    (lag 1, steady: never a growing lag)."""
    topic = unique("t-txlag")
    await service_topics(infra.kafka_bootstrap, service, topic)
    producer = AIOKafkaProducer(
        bootstrap_servers=infra.kafka_bootstrap, transactional_id=unique("tx"),
        enable_idempotence=True,
    )  # fmt: skip
    await producer.start()
    try:
        for n in range(2):
            rec = record_of(departed(n))
            async with producer.transaction():
                await producer.send(topic, rec.value, key=rec.key, headers=list(rec.headers))
    finally:
        await producer.stop()
    settings = KitSettings(
        service_name=service, kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri, processing_batch_max=batch_max, graceful_timeout_s=5,
        metrics_lag_interval_s=0.2,
    )  # fmt: skip
    runtime, handled = ServiceRuntime(settings), []

    async def count(ctx: Context) -> None:
        handled.append(ctx.envelope.id)

    allowed = {PersonDeparted.ce_type()}
    runtime.subscribe([topic], Subscription(count, allowed_types=allowed), title="tx-lag")
    await runtime.start()
    try:
        await wait_for(holds(lambda: len(handled) == 2), timeout_s=30)
        marker = 0 if batch_max > 1 else 1
        await wait_for(holds(lambda: lag(settings.consumer_group, topic, 0) == marker), 10)
        await asyncio.sleep(1.0)  # and it stays there
        assert lag(settings.consumer_group, topic, 0) == marker
    finally:
        await runtime.stop()
