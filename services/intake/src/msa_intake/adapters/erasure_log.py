"""The erasure record on Kafka: every ``PersonErased`` on intake's persons topic, read from
offset zero up to the end offsets taken when reading starts, outside any consumer group."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from msa_contracts.envelope import InvalidMessage, decode
from msa_contracts.events import PersonErased
from msa_kit.kafka_security import KafkaSecurity
from msa_kit.logging import get_logger

log = get_logger("msa_intake.erasure_log")
ERASED = PersonErased.ce_type()
ANY_VERSION = ERASED.rsplit(".v", 1)[0] + ".v"  # older versions are upcast by decode


class ErasureLogUnavailable(RuntimeError):
    """The persons topic cannot be read (broker away, topic missing)."""


@dataclass(frozen=True)
class KafkaErasureLog:
    """``topic`` is the name on the wire (namespace applied)."""

    topic: str
    bootstrap: str
    security: KafkaSecurity
    client_id: str = "msa-intake-erasures"
    metadata_timeout_s: float = 30.0

    async def erasures(self) -> AsyncIterator[PersonErased]:
        consumer = AIOKafkaConsumer(
            self.topic, bootstrap_servers=self.bootstrap, group_id=None,
            enable_auto_commit=False, auto_offset_reset="earliest", client_id=self.client_id,
            max_poll_records=2000, **self.security.for_aiokafka(),
        )  # fmt: skip
        await consumer.start()  # no group: every partition of the topic is assigned
        try:
            parts = await self._partitions(consumer)
            await consumer.seek_to_beginning(*parts)
            end = await consumer.end_offsets(parts)
            pending = {tp for tp in parts if await consumer.position(tp) < end[tp]}
            while pending:
                fetched = await consumer.getmany(*pending, timeout_ms=1000)
                for tp, records in fetched.items():
                    for rec in records:
                        if rec.offset < end[tp] and (event := _erasure(rec)) is not None:
                            yield event
                pending = {tp for tp in pending if await consumer.position(tp) < end[tp]}
        finally:
            await consumer.stop()

    async def _partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        deadline = time.monotonic() + self.metadata_timeout_s
        while not (parts := sorted(consumer.assignment())):
            if time.monotonic() > deadline:
                raise ErasureLogUnavailable(f"topic {self.topic} not found")
            await asyncio.sleep(0.1)
        return parts


def _erasure(rec: ConsumerRecord[bytes, bytes]) -> PersonErased | None:
    """The record's ``PersonErased``; other types are skipped before decoding."""
    if not (_type(rec) or "").startswith(ANY_VERSION):
        return None
    try:
        event = decode(rec.headers, rec.value, allowed_types={ERASED}).event
    except InvalidMessage as exc:  # intake wrote it: a defect, never a reason to stop
        log.error("unreadable erasure on the persons topic", partition=rec.partition,
                  offset=rec.offset, reason=str(exc)[:200])  # fmt: skip
        return None
    return event if isinstance(event, PersonErased) else None


def _type(rec: ConsumerRecord[bytes, bytes]) -> str | None:
    for name, value in rec.headers:
        if name.lower() == "ce_type" and value is not None:
            ce_type: str = value.decode()
            return ce_type
    return None
