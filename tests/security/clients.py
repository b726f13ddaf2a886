"""Real aiokafka clients of the secured broker, each logged in as one SCRAM user, with
bounded waits so that no proof can hang."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete
from msa_contracts.topics import catalogue, consumer_group
from msa_ops.deploy.naming import is_service, kafka_user
from msa_ops.infra.secure_kafka import SecureKafka
from msa_ops.reading import partitions_of

CAT = catalogue()  # the provider registry's providers, as deployed
LIMIT_S = 20.0  # an allowed operation finishes well within this; a denied one fails fast
_CLIENT: dict[str, Any] = {"request_timeout_ms": 10_000, "retry_backoff_ms": 50}


def pt(provider: str, kind: str) -> str:
    """A provider's topic, e.g. pt("caritas", "hours") -> msa.provider.caritas.hours."""
    return CAT.provider_topic(provider, kind)


def user_of(provider: str) -> str:
    """The Kafka user of a provider, e.g. provider-caritas."""
    return kafka_user(f"provider:{provider}")


def own_group(actor: str) -> str:
    """The consumer group an actor is meant to use: a service's own, else one under the
    actor's user-name prefix."""
    return consumer_group(actor) if is_service(actor) else f"{kafka_user(actor)}-acl-proof"


@asynccontextmanager
async def producer(
    kafka: SecureKafka, user: str, password: str | None = None, **options: Any
) -> AsyncIterator[Any]:
    """A started producer logged in as user (with its own password unless given)."""
    client = AIOKafkaProducer(**kafka.client(user, password), **_CLIENT, **options)
    try:
        async with asyncio.timeout(LIMIT_S):
            await client.start()
        yield client
    finally:
        await client.stop()


async def send(client: Any, topic: str, value: bytes | None = None) -> bytes:
    """Produce one record and wait for the broker's acknowledgement; return its value."""
    value = value or uuid.uuid4().hex.encode()
    async with asyncio.timeout(LIMIT_S):
        await client.send_and_wait(topic, value, key=b"acl-proof")
    return value


async def produce(kafka: SecureKafka, user: str, topic: str, **options: Any) -> bytes:
    """Produce one record as user; return its value."""
    async with producer(kafka, user, None, **options) as client:
        return await send(client, topic)


async def consume(
    kafka: SecureKafka, user: str, topic: str, group: str, want: bytes | None = None
) -> list[bytes]:
    """Join group as user, subscribed to topic, and read from the beginning until a record
    (the record `want`, when given) arrives; return the values read."""
    client = AIOKafkaConsumer(
        topic,
        **kafka.client(user),
        **_CLIENT,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=50,
    )
    seen: list[bytes] = []
    try:
        async with asyncio.timeout(LIMIT_S):
            await client.start()
            while not seen or (want is not None and want not in seen):
                batch = await client.getmany(timeout_ms=500)
                seen += [record.value for records in batch.values() for record in records]
    finally:
        await client.stop()
    return seen


async def trim(kafka: SecureKafka, user: str, topic: str) -> int:
    """As user, delete every record of topic before each partition's current end (Kafka
    DeleteRecords); return the sum of the partitions' new start offsets."""
    admin = AIOKafkaAdminClient(**kafka.client(user), request_timeout_ms=10_000)
    reader = AIOKafkaConsumer(**kafka.client(user), **_CLIENT)
    try:
        async with asyncio.timeout(LIMIT_S):
            await admin.start()
            await reader.start()
            parts = [TopicPartition(topic, p) for p in await partitions_of(reader, topic)]
            ends = await reader.end_offsets(parts)
            starts = await admin.delete_records({p: RecordsToDelete(e) for p, e in ends.items()})
            return sum(starts.values())
    finally:
        await reader.stop()
        await admin.close()
