"""Kafka wiring: the FastStream broker, the relay's producer, and subscriptions whose
delivery semantics are explicit (own group, offsets committed only after processing)."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.message import StreamMessage
from msa_contracts.namespace import NO_NAMESPACE, Namespace

from msa_kit.batch import BatchProcessor
from msa_kit.consumer_log import log_batch
from msa_kit.kafka_security import KafkaSecurity
from msa_kit.processing import Processor, Subscription
from msa_kit.records import RawRecord

PLAINTEXT = KafkaSecurity()


def make_broker(
    bootstrap: str,
    *,
    service: str,
    graceful_timeout_s: float,
    security: KafkaSecurity = PLAINTEXT,
) -> KafkaBroker:
    """A broker whose producer is idempotent with acks=all, and whose subscribers ack only
    after a record was fully handled (never the auto-commit default)."""
    return KafkaBroker(
        bootstrap,
        client_id=f"msa-{service}",
        enable_idempotence=True,
        acks="all",
        graceful_timeout=graceful_timeout_s,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        logger=logging.getLogger(f"msa.{service}.broker"),
        log_level=logging.DEBUG,  # its lines per message; the kit logs one line per batch
        security=security.for_faststream(),
    )


def make_producer(
    bootstrap: str, *, service: str, linger_ms: int, security: KafkaSecurity = PLAINTEXT,
    compression: str | None = None, max_batch_bytes: int = 256 * 1024,
) -> AIOKafkaProducer:  # fmt: skip
    """The outbox relay's producer: idempotent (acks=all), ordered per partition; records of
    a partition travel in batches of up to ``max_batch_bytes``, optionally compressed."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=f"msa-{service}-relay",
        enable_idempotence=True,
        linger_ms=linger_ms,
        compression_type=compression,
        max_batch_size=max_batch_bytes,
        request_timeout_ms=15000,
        **security.for_aiokafka(),
    )


async def lenient_parser(record: Any, default: Any) -> StreamMessage[Any]:
    """FastStream's own parser, fed headers it cannot choke on.

    Its parser decodes every header as UTF-8 and fails on invalid bytes or null values; with
    a nack-on-error policy that record would be redelivered forever. Here such headers are
    made safe for FastStream's view only: ``raw_message`` keeps the original bytes, which our
    validation rejects into the dead-letter topic.
    """
    if isinstance(record, tuple):  # a batch
        safe: Any = tuple(_safe_record(r) for r in record)
    else:
        safe = _safe_record(record)
    msg: StreamMessage[Any] = await default(safe)
    msg.raw_message = record
    return msg


def _safe_record(record: Any) -> Any:
    return dataclasses.replace(record, headers=[(k, _safe(v)) for k, v in record.headers or ()])


def _safe(value: bytes | None) -> bytes:
    if value is None:
        return b""
    return value.decode("utf-8", errors="replace").encode("utf-8")


async def raw_decoder(msg: StreamMessage[Any], _default: Any) -> bytes:
    return msg.body


@dataclasses.dataclass(frozen=True)
class Batching:
    """How records are consumed: ``max_records`` 1 means one transaction per record."""

    max_records: int = 1
    wait_ms: int = 50


def subscribe(
    broker: KafkaBroker,
    processor: Processor | BatchProcessor,
    topics: Sequence[str],
    sub: Subscription,
    *,
    group_id: str,
    title: str,
    batching: Batching = Batching(),
    namespace: Namespace = NO_NAMESPACE,
) -> None:
    """Consume ``topics`` (logical names; on the wire those of ``namespace``) in consumer
    group ``group_id`` from the earliest offset, handing every record (or batch of records)
    to ``processor``; offsets are committed only after it returns. A batch's offsets are
    committed together after its last record; if it raises, every partition of the batch is
    rewound to the batch's first record there."""

    async def consume(msg: KafkaMessage) -> None:
        began = time.perf_counter()
        if isinstance(processor, BatchProcessor):
            records = [RawRecord.from_consumer_record(r, namespace) for r in msg.raw_message]
            outcomes = await processor.process_batch(records, sub)
        else:
            records = [RawRecord.from_consumer_record(msg.raw_message, namespace)]
            outcomes = [await processor.process(records[0], sub)]
        log_batch(processor.service, records, outcomes, time.perf_counter() - began)

    consume.__name__ = title.replace("-", "_").replace(".", "_")
    wire = [namespace.topic(t) for t in topics]
    common: dict[str, Any] = {
        "group_id": group_id,
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "auto_offset_reset": "earliest",
        # a transactional producer's aborted records (a fenced scheduler's tick) are never seen
        "isolation_level": "read_committed",
        "parser": lenient_parser,
        "decoder": raw_decoder,
        "title": title,
        "max_poll_interval_ms": 10 * 60 * 1000,
        "no_reply": True,  # a reply_to header must never make FastStream publish around the outbox
    }
    if isinstance(processor, BatchProcessor):
        broker.subscriber(
            *wire, batch=True, max_records=batching.max_records,
            batch_timeout_ms=batching.wait_ms, **common,
        )(consume)  # fmt: skip
    else:
        broker.subscriber(*wire, **common)(consume)
