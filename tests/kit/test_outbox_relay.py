"""The transactional outbox and its relay, against the real broker and store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from msa_contracts.envelope import decode
from msa_kit.kafka import make_producer
from msa_kit.mongo import IN_CHUNK, in_transaction
from msa_kit.outbox import Outbox, Outgoing, RawOutgoing
from msa_kit.relay import OutboxRelay

from tests.kit.support import create_topics, departed, header, read_topic, unique

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def publish_once(bootstrap: str, db: Any, **relay: Any) -> int:
    """One relay round (``publish_pending``) with a producer of its own; what it published."""
    producer = make_producer(bootstrap, service="test", linger_ms=5)
    await producer.start()
    try:
        return await OutboxRelay(db, producer, **relay).publish_pending()
    finally:
        await producer.stop()


async def test_state_and_outbox_commit_together_and_the_relay_publishes_in_order(
    infra: Any, mongo: Any
) -> None:
    topic = unique("t-outbox")
    await create_topics(infra.kafka_bootstrap, topic)
    db = mongo[unique("db")]
    outbox = Outbox(db, source="/msa/test")
    await outbox.ensure_indexes()

    async def work(session: Any) -> None:
        await db["state"].insert_one({"_id": "s1"}, session=session)
        await outbox.add(session, [Outgoing(topic, departed(i), "corr-1") for i in range(5)], NOW)

    await in_transaction(mongo, work)
    assert await publish_once(infra.kafka_bootstrap, db) == 5

    records = await read_topic(infra.kafka_bootstrap, topic, expect=5)
    events = [decode(r.headers, r.value) for r in records]
    assert [e.event.person_ref for e in events] == [departed(i).person_ref for i in range(5)]  # type: ignore[attr-defined]
    assert {e.correlation_id for e in events} == {"corr-1"}
    assert all(header(r, "ce_specversion") == "1.0" for r in records)
    assert records[0].key == departed(0).person_ref.encode()
    assert await outbox.pending_count() == 0
    offsets = [r.offset for r in records]
    print(f"relay published {len(records)} records to {topic}, offsets {offsets}")


async def test_an_aborted_transaction_leaves_no_outbox_record(infra: Any, mongo: Any) -> None:
    db = mongo[unique("db")]
    outbox = Outbox(db, source="/msa/test")

    async def work(session: Any) -> None:
        await db["state"].insert_one({"_id": "s1"}, session=session)
        await outbox.add(session, [Outgoing("t", departed(1))], NOW)
        raise RuntimeError("decision failed after the writes")

    with pytest.raises(RuntimeError):
        await in_transaction(mongo, work)
    assert await outbox.pending_count() == 0
    assert await db["state"].count_documents({}) == 0


async def test_only_one_relay_holds_the_lease(infra: Any, mongo: Any) -> None:
    db = mongo[unique("db")]
    producer = make_producer(infra.kafka_bootstrap, service="test", linger_ms=5)
    first = OutboxRelay(db, producer, lease_s=30)
    second = OutboxRelay(db, producer, lease_s=30)
    assert await first._hold_lease()
    assert not await second._hold_lease()
    assert await first._hold_lease()  # renewing its own lease


async def test_a_lease_renewed_a_moment_ago_is_not_written_again(infra: Any, mongo: Any) -> None:
    db = mongo[unique("db")]
    producer = make_producer(infra.kafka_bootstrap, service="test", linger_ms=5)
    relay = OutboxRelay(db, producer, lease_s=30)
    assert await relay._hold_lease()
    written = await db["leases"].find_one({"_id": "outbox-relay"})
    assert await relay._hold_lease()
    assert await db["leases"].find_one({"_id": "outbox-relay"}) == written
    await db["leases"].update_one({"_id": "outbox-relay"}, {"$set": {"owner": "other"}})
    relay._held_until = datetime.now(UTC) + timedelta(seconds=27)  # a tenth of it gone
    assert not await relay._hold_lease(), "a lease due for renewal is checked in the store"


async def test_one_fact_emitted_to_two_topics_keeps_one_event_id(infra: Any, mongo: Any) -> None:
    first, second = unique("t-a"), unique("t-b")
    await create_topics(infra.kafka_bootstrap, first, second)
    db = mongo[unique("db")]
    outbox = Outbox(db, source="/msa/test")
    event = departed(3)

    async def work(session: Any) -> None:
        await outbox.add(session, [Outgoing(first, event, event_id="e-1"),
                                   Outgoing(second, event, event_id="e-1")], NOW)  # fmt: skip

    await in_transaction(mongo, work)
    assert await publish_once(infra.kafka_bootstrap, db) == 2
    a = await read_topic(infra.kafka_bootstrap, first, expect=1)
    b = await read_topic(infra.kafka_bootstrap, second, expect=1)
    assert header(a[0], "ce_id") == header(b[0], "ce_id") == "e-1"
    assert a[0].value == b[0].value
    assert await db["outbox"].count_documents({}) == 1, "one fact is one outbox record"
    assert await db["outbox"].count_documents({"topic": second, "published": True}) == 1


async def test_facts_to_several_topics_keep_their_order_on_every_topic(
    infra: Any, mongo: Any
) -> None:
    first, second = unique("t-a"), unique("t-b")
    await create_topics(infra.kafka_bootstrap, first, second)
    db = mongo[unique("db")]
    outbox = Outbox(db, source="/msa/test")
    events = [departed(1), departed(1), departed(2)]  # one key twice, then another

    async def work(session: Any) -> None:
        items = [Outgoing(t, e, event_id=f"e-{n}")
                 for n, e in enumerate(events) for t in (first, second)]  # fmt: skip
        assert await outbox.add(session, items, NOW) == [i.event_id for i in items]

    await in_transaction(mongo, work)
    assert await db["outbox"].count_documents({}) == 3
    assert await publish_once(infra.kafka_bootstrap, db) == 6
    for topic in (first, second):
        records = await read_topic(infra.kafka_bootstrap, topic, expect=3)
        assert [header(r, "ce_id") for r in records] == ["e-0", "e-1", "e-2"]


async def test_a_record_stored_by_an_earlier_version_with_one_topic_is_published(
    infra: Any, mongo: Any
) -> None:
    topic = unique("t-legacy")
    await create_topics(infra.kafka_bootstrap, topic)
    db = mongo[unique("db")]
    await db["outbox"].insert_one(
        {"_id": f"{topic}/old-1", "event_id": "old-1", "order": 1, "topic": topic, "key": b"k",
         "value": b"{}", "headers": [["ce_id", b"old-1"]], "type": "t", "created_at": NOW,
         "published": False}
    )  # fmt: skip
    assert await publish_once(infra.kafka_bootstrap, db) == 1
    records = await read_topic(infra.kafka_bootstrap, topic, expect=1)
    assert header(records[0], "ce_id") == "old-1"
    assert await Outbox(db, source="/msa/test").pending_count() == 0


async def test_more_records_than_one_query_chunk_are_all_marked_published(
    infra: Any, mongo: Any
) -> None:
    topic = unique("t-many")
    await create_topics(infra.kafka_bootstrap, topic)
    db = mongo[unique("db")]
    outbox = Outbox(db, source="/msa/test")
    count = IN_CHUNK * 2 + 7

    async def work(session: Any) -> None:
        await outbox.add(session, [Outgoing(topic, departed(i)) for i in range(count)], NOW)

    await in_transaction(mongo, work)
    assert await publish_once(infra.kafka_bootstrap, db, batch=count) == count
    assert await outbox.pending_count() == 0
    assert await db["outbox_keys"].count_documents({}) == count, "one counter per key"


async def test_a_record_the_broker_refuses_is_parked_and_the_rest_is_published(
    infra: Any, mongo: Any
) -> None:
    topic = unique("t-park")
    await create_topics(infra.kafka_bootstrap, topic)
    db = mongo[unique("db")]
    outbox = Outbox(db, source="/msa/test")
    huge = RawOutgoing(topic, b"k1", b"x" * 1_200_000, (), "huge-1", "dead-letter")
    fine = RawOutgoing(topic, b"k2", b"ok", (), "fine-1", "dead-letter")

    async def work(session: Any) -> None:
        await outbox.add_raw(session, [huge, fine], NOW)

    await in_transaction(mongo, work)
    producer = make_producer(infra.kafka_bootstrap, service="test", linger_ms=5)
    await producer.start()
    try:
        relay = OutboxRelay(db, producer)
        first = await relay.publish_pending()
        second = await relay.publish_pending()
    finally:
        await producer.stop()
    assert (first, second) == (0, 1)  # the refused record stops its batch once, then is parked
    assert await outbox.parked_count() == 1
    assert await outbox.pending_count() == 0
    records = await read_topic(infra.kafka_bootstrap, topic, expect=1)
    assert [r.value for r in records] == [b"ok"]


async def test_order_follows_commit_order_per_key_even_when_a_clock_runs_behind(
    infra: Any, mongo: Any, monkeypatch: Any
) -> None:
    db = mongo[unique("db")]
    outbox = Outbox(db, source="/msa/test")

    async def write(n: int) -> None:
        async def work(session: Any) -> None:
            await outbox.add(session, [Outgoing("t", departed(1), event_id=f"e-{n}")], NOW)

        await in_transaction(mongo, work)

    await write(1)
    monkeypatch.setattr("msa_kit.outbox._order", lambda: 1)  # an instance whose clock lags
    await write(2)
    orders = [d["order"] async for d in db["outbox"].find({}).sort("order", 1)]
    ids = [d["event_id"] async for d in db["outbox"].find({}).sort("order", 1)]
    assert ids == ["e-1", "e-2"] and orders[0] < orders[1]


async def test_order_follows_commit_order_per_key_across_topics(
    infra: Any, mongo: Any, monkeypatch: Any
) -> None:
    db = mongo[unique("db")]
    outbox = Outbox(db, source="/msa/test")

    async def write(topic: str, n: int) -> None:
        async def work(session: Any) -> None:
            await outbox.add(session, [Outgoing(topic, departed(1), event_id=f"e-{n}")], NOW)

        await in_transaction(mongo, work)

    await write("t-a", 1)
    monkeypatch.setattr("msa_kit.outbox._order", lambda: 1)  # an instance whose clock lags
    await write("t-b", 2)
    ids = [d["event_id"] async for d in db["outbox"].find({}).sort("order", 1)]
    assert ids == ["e-1", "e-2"]


async def test_published_records_are_pruned_after_the_retention_and_pending_ones_never(
    infra: Any, mongo: Any
) -> None:
    topic = unique("t-prune")
    await create_topics(infra.kafka_bootstrap, topic)
    db = mongo[unique("db")]
    outbox = Outbox(db, source="/msa/test")

    async def work(session: Any) -> None:
        await outbox.add(session, [Outgoing(topic, departed(i)) for i in range(3)], NOW)

    await in_transaction(mongo, work)
    producer = make_producer(infra.kafka_bootstrap, service="test", linger_ms=5)
    await producer.start()
    try:
        relay = OutboxRelay(db, producer, retention_s=3600)
        assert await relay.publish_pending() == 3
    finally:
        await producer.stop()

    async def more(session: Any) -> None:
        await outbox.add(session, [Outgoing(topic, departed(9))], NOW)

    await in_transaction(mongo, more)
    assert await relay.prune_published() == 0, "published a moment ago: kept"
    later = datetime.now(UTC) + timedelta(hours=2)
    assert await relay.prune_published(later) == 3
    assert await db["outbox"].count_documents({}) == 1
    assert await outbox.pending_count() == 1
