"""The age of the oldest unsent outbox record: it grows while nothing is published (broker
unreachable, the lease held by another instance) and is 0 once the outbox is drained."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError
from msa_kit.kafka import make_producer
from msa_kit.mongo import in_transaction
from msa_kit.outbox import Outbox, Outgoing
from msa_kit.outbox_age import OldestUnsent
from msa_kit.relay import LEASES, OutboxRelay
from prometheus_client import REGISTRY

from tests.kit.metrics_support import holds
from tests.kit.support import create_topics, departed, read_topic, unique, wait_for

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def exported_age() -> float:
    value = REGISTRY.get_sample_value("msa_outbox_oldest_unsent_age_seconds")
    assert value is not None
    return value


def test_the_age_runs_from_the_oldest_pending_write_and_is_zero_when_none_is_pending() -> None:
    wall = {"ns": 1_000 * 10**9}
    oldest = OldestUnsent(wall_ns=lambda: wall["ns"])
    assert oldest.age_s() == 0.0
    oldest.saw(990 * 10**9)
    assert oldest.age_s() == 10.0
    wall["ns"] += 5 * 10**9  # no poll since: the age keeps growing
    assert oldest.age_s() == 15.0
    oldest.saw(None)
    assert oldest.age_s() == 0.0


def test_a_write_stamped_ahead_of_this_clock_counts_as_fresh() -> None:
    oldest = OldestUnsent(wall_ns=lambda: 100)
    oldest.saw(200)
    assert oldest.age_s() == 0.0


def test_the_exported_age_is_the_last_started_relays() -> None:
    first, second = OldestUnsent(wall_ns=lambda: 50 * 10**9), OldestUnsent(lambda: 9 * 10**9)
    first.saw(20 * 10**9)
    second.saw(8 * 10**9)
    first.export()
    assert exported_age() == 30.0
    second.export()
    assert exported_age() == 1.0


class UnreachableBroker:
    """A producer whose broker never answers (as aiokafka fails a send to a dead cluster)."""

    def __init__(self) -> None:
        self.tries = 0

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        self.tries += 1
        raise KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 9)]")


async def pending_record(mongo: Any, db: Any, topic: str) -> None:
    outbox = Outbox(db, source="/msa/test")
    await outbox.ensure_indexes()

    async def work(session: Any) -> None:
        await outbox.add(session, [Outgoing(topic, departed(1), "corr-age")], NOW)

    await in_transaction(mongo, work)


async def ages_over(seconds: float) -> tuple[float, float]:
    first = exported_age()
    await asyncio.sleep(seconds)
    return first, exported_age()


@pytest.mark.integration
async def test_the_age_grows_while_the_broker_is_unreachable_and_is_zero_once_published(
    infra: Any, mongo: Any
) -> None:
    topic = unique("t-age")
    await create_topics(infra.kafka_bootstrap, topic)
    db = mongo[unique("db")]
    await pending_record(mongo, db, topic)

    broker = UnreachableBroker()
    stuck = OutboxRelay(db, broker, poll_s=0.05, lease_s=0.5)
    stuck.start()
    try:
        await wait_for(holds(lambda: broker.tries > 0))
        first, later = await ages_over(1.0)
    finally:
        await stuck.stop()
    print(f"oldest unsent age while the broker is unreachable: {first:.2f} s, then {later:.2f} s")
    assert first > 0 and later >= first + 0.9

    producer = make_producer(infra.kafka_bootstrap, service="test", linger_ms=5)
    await producer.start()
    relay = OutboxRelay(db, producer, poll_s=0.05)
    relay.start()
    try:
        await wait_for(lambda: outbox_drained(db))  # once the stuck one's lease ran out
        await wait_for(holds(lambda: exported_age() == 0.0))
    finally:
        await relay.stop()
        await producer.stop()
    assert len(await read_topic(infra.kafka_bootstrap, topic, expect=1)) == 1


async def outbox_drained(db: Any) -> bool:
    return await Outbox(db, source="/msa/test").pending_count() == 0


@pytest.mark.integration
async def test_an_instance_without_the_lease_shows_the_age_of_what_the_holder_leaves(
    infra: Any, mongo: Any
) -> None:
    db = mongo[unique("db")]
    await pending_record(mongo, db, unique("t-age"))
    held = {"owner": "a-stuck-instance", "until": datetime.now(UTC) + timedelta(minutes=5)}
    await db[LEASES].insert_one({"_id": "outbox-relay", **held})

    broker = UnreachableBroker()  # never asked: this instance may not publish
    standby = OutboxRelay(db, broker, poll_s=0.05)
    standby.start()
    try:
        await wait_for(holds(lambda: exported_age() > 0))
        first, later = await ages_over(1.0)
    finally:
        await standby.stop()
    assert broker.tries == 0
    assert later >= first + 0.9
