"""Effectively-once processing through FastStream subscribers on the real broker:
duplicates dropped, poison dead-lettered with the reason, later records still processed."""

from __future__ import annotations

from typing import Any

import pytest
from msa_contracts.topics import dead_letter_topic

from tests.kit.demo import build_demo, effects, until_effects
from tests.kit.support import (
    departed,
    header,
    produce,
    read_topic,
    record_of,
    service_topics,
    unique,
    wait_for,
)

pytestmark = pytest.mark.integration


async def test_duplicate_has_no_second_effect_and_poison_goes_to_dead_letter_topic(
    infra: Any, service: str, batch_max: int
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    first = record_of(departed(1))
    poison = (b"P-x", b'{"person_ref": 42}', [("ce_id", b"bad-1")])  # headers missing
    schema_poison = record_of(departed(3))
    schema_poison = type(schema_poison)(
        schema_poison.key, schema_poison.value.replace(b'"moved-away"', b'"abducted"'),
        schema_poison.headers,
    )  # fmt: skip
    await produce(
        infra.kafka_bootstrap, src,
        first, first, poison, schema_poison, record_of(departed(2)),
    )  # fmt: skip

    runtime = build_demo(infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
                         processing_batch_max=batch_max)  # fmt: skip
    await runtime.start()
    try:
        await until_effects(runtime, 2)
        letters = await read_topic(infra.kafka_bootstrap, dead_letter_topic(service), expect=2)
        forwarded = await read_topic(infra.kafka_bootstrap, out, expect=2)
        counted = await effects(runtime)
        pending = await runtime.outbox.pending_count()
    finally:
        await runtime.stop()

    assert counted == {departed(1).person_ref: 1, departed(2).person_ref: 1}
    assert len(forwarded) == 2
    assert [header(r, "dlq_code") for r in letters] == ["missing-header", "schema-violation"]
    assert "ce_type" in (header(letters[0], "dlq_reason") or "")
    assert "reason" in (header(letters[1], "dlq_reason") or "")
    assert letters[1].value == schema_poison.value  # the original bytes, untouched
    assert header(letters[1], "dlq_topic") == src
    assert pending == 0


async def test_a_failing_handler_is_retried_then_dead_lettered_and_consumption_goes_on(
    infra: Any, service: str, batch_max: int
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    await produce(infra.kafka_bootstrap, src, record_of(departed(7)), record_of(departed(8)))
    runtime = build_demo(
        infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
        processing_batch_max=batch_max,
        fail_on=frozenset({departed(7).person_ref}), max_attempts=3,
    )  # fmt: skip
    await runtime.start()
    try:

        async def later_processed() -> bool:
            return departed(8).person_ref in await effects(runtime)

        await wait_for(later_processed)
        letters = await read_topic(infra.kafka_bootstrap, dead_letter_topic(service), expect=1)
        counted = await effects(runtime)
    finally:
        await runtime.stop()
    assert len(letters) == 1
    assert header(letters[0], "dlq_code") == "handler-failed"
    assert header(letters[0], "dlq_attempts") == "3"
    assert "RuntimeError" in (header(letters[0], "dlq_reason") or "")
    assert departed(7).person_ref not in counted


async def test_an_unprocessable_record_is_dead_lettered_at_once_with_the_handlers_reason(
    infra: Any, service: str, batch_max: int
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    await produce(infra.kafka_bootstrap, src, record_of(departed(11)), record_of(departed(12)))
    runtime = build_demo(
        infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
        processing_batch_max=batch_max,
        reject_on=frozenset({departed(11).person_ref}), max_attempts=5, retry_backoff_s=5.0,
    )  # fmt: skip
    await runtime.start()
    try:

        async def later_processed() -> bool:
            return departed(12).person_ref in await effects(runtime)

        await wait_for(later_processed, timeout_s=20.0)  # no 5 s + 10 s + ... of backoff
        letters = await read_topic(infra.kafka_bootstrap, dead_letter_topic(service), expect=1)
        forwarded = await read_topic(infra.kafka_bootstrap, out, expect=1)
    finally:
        await runtime.stop()
    assert [header(r, "dlq_code") for r in letters] == ["person-unknown"]
    assert header(letters[0], "dlq_attempts") == "1"
    assert header(letters[0], "dlq_reason") == f"no such person {departed(11).person_ref}"
    assert len(forwarded) == 1  # the rejected record's emits were rolled back


async def test_headers_that_are_not_utf8_are_dead_lettered_not_redelivered_forever(
    infra: Any, service: str, batch_max: int
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    good = record_of(departed(9))
    broken = (good.key, good.value, [*good.headers[:-1], ("ce_type", b"\xff\xfe\x00")])
    await produce(infra.kafka_bootstrap, src, broken, record_of(departed(10)))
    runtime = build_demo(infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
                         processing_batch_max=batch_max)  # fmt: skip
    await runtime.start()
    try:

        async def later_processed() -> bool:
            return departed(10).person_ref in await effects(runtime)

        await wait_for(later_processed)
        letters = await read_topic(infra.kafka_bootstrap, dead_letter_topic(service), expect=1)
    finally:
        await runtime.stop()
    assert [header(r, "dlq_code") for r in letters] == ["bad-header"]


async def test_a_reply_to_header_does_not_make_the_consumer_publish_around_the_outbox(
    infra: Any, service: str, batch_max: int
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    first = record_of(departed(11))
    with_reply = type(first)(first.key, first.value, (*first.headers, ("reply_to", b"no-such")))
    await produce(infra.kafka_bootstrap, src, with_reply, record_of(departed(12)))
    runtime = build_demo(infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
                         processing_batch_max=batch_max)  # fmt: skip
    await runtime.start()
    try:
        await until_effects(runtime, 2)
    finally:
        await runtime.stop()
