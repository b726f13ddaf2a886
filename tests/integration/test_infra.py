"""The infrastructure layer against the real broker and MongoDB-wire server."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from msa_ops.infra import (
    Infra,
    InfraError,
    InfraSettings,
    LocalKafka,
    LocalMongo,
    choose_backend,
    ensure_topics,
    start_infra,
)
from msa_ops.infra.components import make_components
from msa_ops.infra.java import java_major
from pymongo import AsyncMongoClient


@dataclass(frozen=True)
class Spec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


def _unique(prefix: str) -> str:
    return f"test.infra.{prefix}.{uuid.uuid4().hex[:8]}"


# --- unit level: no servers needed -------------------------------------------------------


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port held by a listening socket that is not ours."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def _settings(
    tmp_path: Path, kafka_port: int = 19092, controller_port: int = 19093, mongo_port: int = 27217
) -> InfraSettings:
    return InfraSettings(
        root=InfraSettings.from_env().root,
        var_dir=tmp_path / "var",
        kafka_port=kafka_port,
        controller_port=controller_port,
        mongo_port=mongo_port,
        port_grace_s=0.2,
    )


def test_kafka_port_conflict_names_port_and_env_var(tmp_path: Path, busy_port: int) -> None:
    kafka = LocalKafka(_settings(tmp_path, kafka_port=busy_port), report=lambda _: None)
    with pytest.raises(InfraError) as err:
        kafka.ensure_started()
    assert f"port {busy_port}" in str(err.value)
    assert "MSA_KAFKA_PORT" in str(err.value)
    assert not (tmp_path / "var" / "kafka" / "kafka.pid").exists()


def test_controller_port_conflict_names_its_env_var(tmp_path: Path, busy_port: int) -> None:
    settings = _settings(tmp_path, kafka_port=_free_port(), controller_port=busy_port)
    with pytest.raises(InfraError, match=f"port {busy_port}.*MSA_KAFKA_CONTROLLER_PORT"):
        LocalKafka(settings, report=lambda _: None).ensure_started()


def test_mongo_port_conflict_names_port_and_env_var(tmp_path: Path, busy_port: int) -> None:
    mongo = LocalMongo(_settings(tmp_path, mongo_port=busy_port), report=lambda _: None)
    with pytest.raises(InfraError, match=f"port {busy_port}.*MSA_MONGO_PORT"):
        mongo.ensure_started()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_292"', 8),
        ('openjdk version "21" 2023-09-19', 21),
    ],
)
def test_java_version_parsing(output: str, major: int) -> None:
    assert java_major(output) == major


def test_backend_selection(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    env = {"KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9092", "MONGODB_URI": "mongodb://db/"}
    kafka, mongo = make_components(settings, lambda _: None, env)
    assert (kafka.backend, kafka.address) == ("external", "kafka.example:9092")
    assert (mongo.backend, mongo.address) == ("external", "mongodb://db/")
    kafka, mongo = make_components(settings, lambda _: None, {"MSA_INFRA_BACKEND": "local"})
    assert isinstance(kafka, LocalKafka) and isinstance(mongo, LocalMongo)
    with pytest.raises(InfraError, match="MSA_INFRA_BACKEND"):
        choose_backend({"MSA_INFRA_BACKEND": "k8s"})


# --- integration: the real servers -------------------------------------------------------


@pytest.fixture
async def topic_names(infra: Infra) -> AsyncIterator[Callable[[str], str]]:
    """Unique topic names; the topics are deleted after the test."""
    made: list[str] = []

    def make(prefix: str) -> str:
        made.append(_unique(prefix))
        return made[-1]

    yield make
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        await admin.delete_topics(made)
    finally:
        await admin.close()


@pytest.mark.integration
def test_environment_is_exported_to_subprocesses(infra: Infra) -> None:
    code = "import os; print(os.environ['KAFKA_BOOTSTRAP_SERVERS'], os.environ['MONGODB_URI'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [infra.kafka_bootstrap, infra.mongodb_uri]


@pytest.mark.integration
def test_start_infra_reuses_running_servers(infra: Infra) -> None:
    if "external" in (infra.kafka_backend, infra.mongo_backend):
        pytest.skip("servers come from the environment")
    env = {
        k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")
    }
    again = start_infra(env=env, report=lambda _: None, create_topics=False)
    assert again.started == frozenset()
    assert (again.kafka_bootstrap, again.mongodb_uri) == (infra.kafka_bootstrap, infra.mongodb_uri)


@pytest.mark.integration
async def test_idempotent_produce_and_consume_on_real_broker(
    infra: Infra, topic_names: Callable[[str], str]
) -> None:
    topic = topic_names("roundtrip")
    assert await ensure_topics(infra.kafka_bootstrap, [Spec(topic, 3)]) == [topic]
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        sent = [
            await producer.send_and_wait(topic, f"v{i}".encode(), key=f"k{i % 5}".encode())
            for i in range(30)
        ]
    finally:
        await producer.stop()
    offsets: dict[int, list[int]] = {}
    for meta in sent:
        offsets.setdefault(meta.partition, []).append(meta.offset)
    print(f"broker {infra.kafka_bootstrap} ({infra.kafka_backend}) offsets: {offsets}")
    # a real log: per partition, offsets count up from 0 without gaps or duplicates
    assert all(offs == list(range(len(offs))) for offs in offsets.values())
    assert sum(map(len, offsets.values())) == 30 and len(offsets) > 1

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infra.kafka_bootstrap,
        group_id=_unique("group"),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        got: dict[tuple[int, int], bytes] = {}
        for _ in range(50):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                got.update({(r.partition, r.offset): r.value for r in records})
            if len(got) >= 30:
                break
        await consumer.commit()
    finally:
        await consumer.stop()
    assert got == {(m.partition, m.offset): f"v{i}".encode() for i, m in enumerate(sent)}


async def _topic_config(bootstrap: str, topic: str) -> dict[str, Any]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    entries = response.resources[0][4]
    return {"partitions": len(described[0]["partitions"]), **{e[0]: e[1] for e in entries}}


@pytest.mark.integration
async def test_ensure_topics_is_idempotent(infra: Infra, topic_names: Callable[[str], str]) -> None:
    specs = [
        Spec(topic_names("a"), 2, {"retention.ms": "3600000"}),
        Spec(topic_names("b"), 1, {"cleanup.policy": "compact"}),
    ]
    created = await ensure_topics(infra.kafka_bootstrap, specs)
    assert created == sorted(s.name for s in specs)
    assert await ensure_topics(infra.kafka_bootstrap, specs) == []
    assert await ensure_topics(infra.kafka_bootstrap, [Spec(specs[0].name, 5)]) == []
    first = await _topic_config(infra.kafka_bootstrap, specs[0].name)
    assert (first["partitions"], first["retention.ms"]) == (2, "3600000")
    second = await _topic_config(infra.kafka_bootstrap, specs[1].name)
    assert second["cleanup.policy"] == "compact"


@pytest.mark.integration
async def test_multi_document_transactions_commit_and_abort(infra: Infra) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri)
    db = client[_unique("txn").replace(".", "_")]
    try:
        cases, ledger = db.cases, db.ledger
        await cases.insert_one({"_id": "seed"})  # collections exist before the transactions
        await ledger.insert_one({"_id": "seed"})
        async with client.start_session() as session, await session.start_transaction():
            await cases.insert_one({"_id": "c1", "state": "open"}, session=session)
            await ledger.insert_one({"_id": "l1", "case": "c1"}, session=session)
            assert await cases.find_one({"_id": "c1"}) is None  # invisible until commit
        assert await cases.find_one({"_id": "c1"}) == {"_id": "c1", "state": "open"}
        assert await ledger.count_documents({"case": "c1"}) == 1

        async with client.start_session() as session:
            await session.start_transaction()
            await cases.insert_one({"_id": "c2"}, session=session)
            await ledger.update_one({"_id": "l1"}, {"$set": {"case": "c2"}}, session=session)
            await session.abort_transaction()
        with pytest.raises(RuntimeError, match="boom"):
            async with client.start_session() as session, await session.start_transaction():
                await cases.delete_one({"_id": "c1"}, session=session)
                raise RuntimeError("boom")
        assert await cases.count_documents({}) == 2  # seed and c1: both aborts left no trace
        assert await ledger.find_one({"_id": "l1"}) == {"_id": "l1", "case": "c1"}
    finally:
        await client.drop_database(db.name)
        await client.close()


def _managed(infra: Infra) -> None:
    if "external" in (infra.kafka_backend, infra.mongo_backend):
        pytest.skip("servers come from the environment: not ours to restart")


@pytest.mark.integration
async def test_mongo_keeps_committed_data_across_a_crash(infra: Infra) -> None:
    _managed(infra)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri)
    coll = client[_unique("crash").replace(".", "_")].docs
    await coll.insert_one({"_id": 1, "v": "before"})
    await client.close()
    await asyncio.to_thread(infra.restart_mongo, True)  # SIGKILL, then start on the same data
    client = AsyncMongoClient(infra.mongodb_uri)
    coll = client[coll.database.name].docs
    try:
        assert await coll.find_one({"_id": 1}) == {"_id": 1, "v": "before"}
        await coll.insert_one({"_id": 2})
    finally:
        await client.drop_database(coll.database.name)
        await client.close()


@pytest.mark.integration
async def test_kafka_keeps_records_across_a_restart(
    infra: Infra, topic_names: Callable[[str], str]
) -> None:
    _managed(infra)
    topic = topic_names("restart")
    await ensure_topics(infra.kafka_bootstrap, [Spec(topic, 1)])
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    first = await producer.send_and_wait(topic, b"before")
    await producer.stop()
    await asyncio.to_thread(infra.restart_kafka, True)  # SIGKILL, then start on the same data
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    second = await producer.send_and_wait(topic, b"after")
    await producer.stop()
    assert (first.offset, second.offset) == (0, 1)
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=infra.kafka_bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        values = [(await consumer.getone()).value for _ in range(2)]
    finally:
        await consumer.stop()
    assert values == [b"before", b"after"]
