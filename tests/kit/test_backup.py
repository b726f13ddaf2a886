"""Backups in mongodump's layout with the group's offsets, against the real store and broker:
a restore gives back exactly the documents and indexes dumped, and the offsets saved."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from msa_kit.backup import layout, offsets
from msa_kit.backup.run import prune, restore_backup, take
from msa_kit.kafka_security import KafkaSecurity
from msa_kit.settings import KitSettings
from pymongo import AsyncMongoClient

from tests.kit.support import create_topics, unique

pytestmark = pytest.mark.integration
Client = AsyncMongoClient[dict[str, Any]]
PLAIN = KafkaSecurity()
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def settings_for(infra: Any, service: str) -> KitSettings:
    return KitSettings(service_name=service, mongodb_uri=infra.mongodb_uri,
                       kafka_bootstrap_servers=infra.kafka_bootstrap)  # fmt: skip


async def fill(client: Client, db: str) -> None:
    await client[db]["cases"].insert_many([{"_id": f"C-{n}", "n": n, "at": T0} for n in range(5)])
    await client[db]["cases"].create_index([("n", 1)], name="by_n", unique=True)
    await client[db]["inbox"].insert_one({"_id": "t/e-1", "type": "x"})


async def everything(client: Client, db: str) -> dict[str, list[dict[str, Any]]]:
    return {c: await client[db][c].find({}).sort("_id", 1).to_list()
            for c in sorted(await client[db].list_collection_names())}  # fmt: skip


async def commit(infra: Any, group: str, topic: str, offset: int) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=infra.kafka_bootstrap, group_id=group,
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        for _ in range(50):  # a topic created a moment ago: until the broker's metadata has it
            if await consumer._client.fetch_all_metadata() and topic in (
                consumer._client.cluster.topics()
            ):
                break
            await asyncio.sleep(0.2)
        await consumer.commit({tp: OffsetAndMetadata(offset, "")})
    finally:
        await consumer.stop()


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "plain"])
async def test_a_restore_gives_back_the_documents_indexes_and_offsets_of_the_backup(
    infra: Any, mongo: Client, tmp_path: Path, compress: bool
) -> None:
    service = unique("bk")
    s = settings_for(infra, service)
    db, keys_db = s.database, f"{s.database}_keys"
    topic = unique("bk-topic")
    await create_topics(infra.kafka_bootstrap, topic)
    await commit(infra, s.consumer_group, topic, 3)
    await fill(mongo, db)
    await mongo[keys_db]["data_keys"].insert_one({"_id": "P-1", "wrapped": b"\x00\x01"})
    before = {d: await everything(mongo, d) for d in (db, keys_db)}
    try:
        taken = await take(s, tmp_path, [db, keys_db], keep=3, compress=compress, now=T0)
        suffix = ".gz" if compress else ""
        assert (taken.path / db / f"cases.bson{suffix}").is_file()
        assert (taken.path / db / f"cases.metadata.json{suffix}").is_file()
        assert taken.dumped.documents[f"{db}.cases"] == 5 and taken.partitions == 1

        await mongo[db]["cases"].delete_many({"n": {"$lt": 3}})
        await mongo[db]["later"].insert_one({"_id": 1})
        await mongo[keys_db]["data_keys"].delete_many({})
        await commit(infra, s.consumer_group, topic, 9)

        restored = await restore_backup(s, taken.path, [db, keys_db])

        assert {d: await everything(mongo, d) for d in (db, keys_db)} == before
        indexes = await mongo[db]["cases"].index_information()
        assert indexes["by_n"]["unique"] is True
        assert restored.partitions == 1
        now = await offsets.committed(infra.kafka_bootstrap, PLAIN, s.consumer_group)
        assert now == {topic: {0: 3}}
    finally:
        for name in (db, keys_db):
            await mongo.drop_database(name)


async def test_offsets_are_not_set_while_the_group_has_members(infra: Any) -> None:
    topic, group = unique("bk-topic"), unique("bk-group")
    await create_topics(infra.kafka_bootstrap, topic)
    member = AIOKafkaConsumer(topic, bootstrap_servers=infra.kafka_bootstrap, group_id=group)
    await member.start()
    try:
        await member.getmany(timeout_ms=3000)  # joined
        with pytest.raises(offsets.GroupActive):
            await offsets.set_committed(infra.kafka_bootstrap, PLAIN, group, {topic: {0: 0}})
    finally:
        await member.stop()


def test_pruning_keeps_the_newest_complete_backups_and_drops_leftovers(tmp_path: Path) -> None:
    names = [layout.stamp(T0 + timedelta(days=d)) for d in range(5)]
    for name in names:
        (tmp_path / name).mkdir()
    (tmp_path / f"{layout.PARTIAL}{layout.stamp(T0)}").mkdir()  # a killed run's
    (tmp_path / "lost+found").mkdir()

    pruned = prune(tmp_path, 2)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[-2:], "lost+found"])
    assert len(pruned) == 4


async def test_a_backup_older_than_the_topics_retention_is_refused_before_anything_changes(
    infra: Any, mongo: Client, tmp_path: Path
) -> None:
    from aiokafka import AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete

    service = unique("bk")
    s = settings_for(infra, service)
    topic = unique("bk-topic")
    await create_topics(infra.kafka_bootstrap, topic)
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    try:
        for n in range(6):
            await producer.send_and_wait(topic, str(n).encode())
    finally:
        await producer.stop()
    await commit(infra, s.consumer_group, topic, 2)
    await fill(mongo, s.database)
    try:
        taken = await take(s, tmp_path, [s.database], keep=3, now=T0)
        await mongo[s.database]["later"].insert_one({"_id": 1})
        admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
        await admin.start()
        try:  # what retention does to records older than it: offsets 2-4 go
            await admin.delete_records({TopicPartition(topic, 0): RecordsToDelete(5)})
        finally:
            await admin.close()

        with pytest.raises(offsets.BeyondRetention, match=rf"{topic}\[0\] offsets 2-4"):
            await restore_backup(s, taken.path, [s.database])
        assert await mongo[s.database]["later"].find_one({"_id": 1}) is not None  # untouched

        said: list[str] = []
        await restore_backup(s, taken.path, [s.database], accept_loss=True, say=said.append)
        assert await mongo[s.database]["later"].find_one({"_id": 1}) is None
        assert said[0] == f"missing, accepted: {topic}[0] offsets 2-4"
    finally:
        await mongo.drop_database(s.database)
