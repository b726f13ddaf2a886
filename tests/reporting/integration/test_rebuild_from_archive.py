"""The rebuild starts from reporting's archive, so the shared topics may forget: on the real
broker and store, after retention took every record the service had consumed, a rebuild
from the archive plus the topics' tail equals the live projection, while a rebuild from the
topics alone stops and names what is missing (or, asked to, accepts the loss)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete
from msa_contracts import events as ev
from msa_kit.backup.offsets import committed
from msa_kit.kafka_security import KafkaSecurity
from msa_ops.reading import partitions_of
from msa_reporting.adapters.log_reader import Gap
from msa_reporting.adapters.mongo import OUTCOMES, PUBLISHED, TRUE, MongoStore
from msa_reporting.bootstrap import build
from msa_reporting.domain.stored import Stored
from msa_reporting.replay import LiveTarget, replay
from pymongo import AsyncMongoClient

from tests.kit.support import unique
from tests.reporting import builders as b
from tests.reporting.integration import scenario
from tests.reporting.integration.conftest import Running
from tests.reporting.support import Issuer, Topics, eventually, publish

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


async def documents(db: Any, collection: str) -> list[dict[str, Any]]:
    return await db[collection].find({}).sort("_id", 1).to_list()


async def same_figures(client: Any, rebuilt: str, live: str) -> None:
    for collection in (TRUE, PUBLISHED, OUTCOMES):
        left, right = (
            await documents(client[rebuilt], collection),
            await documents(client[live], collection),
        )
        assert left == right, collection


async def test_a_rebuild_reads_the_archive_and_only_the_topics_past_it(running: Running) -> None:
    settings = running.reporting.settings
    await running.reporting.refresh()
    fresh = unique("rebuilt")
    lines: list[str] = []
    client = running.reporting.runtime.client
    try:
        result = await replay(
            settings, fresh, archive=settings.database, progress=lines.append, parallel_from=0
        )  # the topics' rest in two processes
        assert result.archived == running.reporting.live.count == result.events
        # past the archive only repeats of archived events (the live inbox kept the first)
        assert result.records <= len(scenario.events()) - scenario.distinct_inputs()
        assert any(line.startswith("archive: ") for line in lines)
        await same_figures(client, fresh, settings.database)
    finally:
        await client.drop_database(fresh)
    with pytest.raises(LiveTarget):
        await replay(settings, settings.database, archive=settings.database)


async def forget(bootstrap: str, topics: list[str]) -> None:
    """What retention does once the records are old: every record up to the end goes."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await admin.start()
    await reader.start()
    try:
        parts = [TopicPartition(t, p) for t in topics for p in await partitions_of(reader, t)]
        ends = await reader.end_offsets(parts)
        starts = await admin.delete_records({p: RecordsToDelete(e) for p, e in ends.items()})
        assert starts == ends
    finally:
        await reader.stop()
        await admin.close()


async def end_offsets(bootstrap: str, topics: Topics) -> dict[tuple[str, int], int]:
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await reader.start()
    try:
        names = [topics.persons, topics.cases, topics.ledger, topics.clock]
        parts = [TopicPartition(t, p) for t in names for p in await partitions_of(reader, t)]
        return {(tp.topic, tp.partition): o for tp, o in (await reader.end_offsets(parts)).items()}
    finally:
        await reader.stop()


async def archive_bytes(client: Any, database: str) -> list[bytes]:
    """Every archived event body of ``database``, chunks and single events."""
    found: list[bytes] = []
    async for doc in client[database]["events"].find({}):
        for value in doc.values():
            found.append(value if isinstance(value, bytes) else str(value).encode())
    return found


def distinct(events: list[tuple[Any, str]]) -> int:
    return len({(type(e).__name__, e.model_dump_json(), salt) for e, salt in events})


async def test_after_retention_the_archive_and_the_tail_rebuild_what_the_service_holds(
    infra: Any, issuer: Issuer
) -> None:
    events = scenario.events()
    head, tail = events[: len(events) - 12], events[len(events) - 12 :]
    service, topics = unique("reporting"), Topics.fresh()
    await topics.create(infra.kafka_bootstrap, service)
    settings = topics.settings(infra, issuer, service)
    first = build(settings)
    await first.runtime.start()
    try:
        await publish(infra.kafka_bootstrap, topics, head)

        async def consumed() -> bool:
            return first.live.count == distinct(head)

        await eventually(consumed, timeout_s=90)
        ends = await end_offsets(infra.kafka_bootstrap, topics)

        async def committed_to_the_end() -> bool:  # stored and committed, not only folded
            done = await committed(infra.kafka_bootstrap, KafkaSecurity(), settings.consumer_group)
            return all(done.get(t, {}).get(p, 0) >= o for (t, p), o in ends.items() if o)

        await eventually(committed_to_the_end, timeout_s=60)
    finally:
        await first.runtime.stop()
    inputs = [topics.persons, topics.cases, topics.ledger, topics.clock]
    await forget(infra.kafka_bootstrap, inputs)
    notice = ev.CaseFileExpired(  # person 4's case closed on 10 March; its period ends now
        case_id=b.case(4), person_ref=b.ref(4), closed_on=date(2026, 3, 10),
        expired_on=date(2029, 3, 10), replacement_case_id=f"C-f{4:015x}",
        replacement_person_ref=f"P-f{4:015x}",
    )  # fmt: skip
    # on the topics only, not yet consumed: the rest of the quarter and the expiry notice
    await publish(infra.kafka_bootstrap, topics, [*tail, (notice, "")])

    fresh, partial = unique("rebuilt"), unique("partial")
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri)
    try:
        with pytest.raises(Gap, match="retention deleted records that reporting's archive"):
            await replay(settings, fresh, parallel_from=0)  # the topics alone
        lines: list[str] = []
        accepted = await replay(settings, partial, allow_gap=True, progress=lines.append)
        assert any(line.startswith("missing, accepted: ") for line in lines)
        result = await replay(settings, fresh, archive=settings.database)
        assert result.archived > 0 and result.events > accepted.events

        second = build(settings)  # the service consumes the tail; then it holds everything
        await second.runtime.start()
        try:

            async def caught_up() -> bool:
                return second.live.count == result.events

            await eventually(caught_up, timeout_s=90)
            await second.refresh()
        finally:
            await second.runtime.stop()
        await same_figures(client, fresh, settings.database)
        assert result.events == scenario.distinct_inputs()
        stored = await MongoStore(client[fresh]).load_events()
        assert len(stored) == result.events
        text = " ".join(d.decode(errors="replace") for d in await archive_bytes(client, fresh))
        assert b.case(4) not in text and b.ref(4) not in text  # the notice from the tail
        assert notice.replacement_case_id in text and notice.replacement_person_ref in text
    finally:
        for name in (fresh, partial, settings.database):
            await client.drop_database(name)
        await client.close()


async def test_events_the_service_stored_again_after_a_switch_over_are_read_once(
    infra: Any,
) -> None:
    """After a switch-over the service stores again, one by one, what it consumes up to the
    rebuild's end: the archive yields those records once (from the chunk), the rest after."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri)
    store = MongoStore(client[unique("archive")])
    ticks = [Stored("msa.clock", 0, n, f"tick-{n}", b.tick(date(2026, 1, 1 + n)))
             for n in range(4)]  # fmt: skip
    try:
        await store.insert_event_chunk(1, ticks[:3])
        for stored in ticks[2:]:  # offset 2 again (in the chunk), then offset 3 (new)
            await store.save_event(stored, None)
        read = [s async for s in store.stream_archive(await store.single_positions())]
        assert [(s.offset, s.event_id) for s in read] == [(0, "tick-0"), (1, "tick-1"),
                                                          (2, "tick-2"), (3, "tick-3")]  # fmt: skip
    finally:
        await client.drop_database(store.db.name)
        await client.close()
