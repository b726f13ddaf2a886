"""A handler that says "not yet" (what it depends on comes on another topic) makes its record
wait, on the real broker and store: no attempt is used up, nothing is dead-lettered, the
records behind it wait too, and after the longest wait the handler decides with what it has."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from msa_contracts.topics import dead_letter_topic

from tests.kit.demo import build_demo, effects, until_effects
from tests.kit.support import (
    departed,
    produce,
    read_topic,
    record_of,
    service_topics,
    unique,
)

pytestmark = pytest.mark.integration


async def test_a_record_waits_without_using_attempts_until_what_it_needs_has_come(
    infra: Any, service: str, batch_max: int
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    await produce(infra.kafka_bootstrap, src, record_of(departed(21)), record_of(departed(22)))
    arrived = asyncio.Event()
    runtime = build_demo(
        infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
        processing_batch_max=batch_max, max_attempts=1, not_yet_wait_s=60,
        not_yet=lambda e: e.person_ref == departed(21).person_ref and not arrived.is_set(),
    )  # fmt: skip
    await runtime.start()
    try:
        await asyncio.sleep(3)  # several pauses of waiting: with one attempt, no dead letter
        waiting = await effects(runtime)
        arrived.set()
        await until_effects(runtime, 2)
        forwarded = await read_topic(infra.kafka_bootstrap, out, expect=2)
        letters = await read_topic(
            infra.kafka_bootstrap, dead_letter_topic(service), expect=1, timeout_s=2
        )
        counted = await effects(runtime)
    finally:
        await runtime.stop()
    assert waiting == {}  # the record behind the waiting one (same partition) waited too
    assert counted == {departed(21).person_ref: 1, departed(22).person_ref: 1}
    assert [r.key for r in forwarded] == [departed(21).person_ref.encode(),
                                          departed(22).person_ref.encode()]  # fmt: skip
    assert letters == []


async def test_after_the_longest_wait_the_handler_decides_with_what_it_has(
    infra: Any, service: str, batch_max: int
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    await produce(infra.kafka_bootstrap, src, record_of(departed(23)), record_of(departed(24)))
    runtime = build_demo(
        infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
        processing_batch_max=batch_max, max_attempts=1, not_yet_wait_s=1.0,
        not_yet=lambda e: e.person_ref == departed(23).person_ref,  # never comes
    )  # fmt: skip
    await runtime.start()
    try:
        await until_effects(runtime, 2, timeout_s=20)
        letters = await read_topic(
            infra.kafka_bootstrap, dead_letter_topic(service), expect=1, timeout_s=2
        )
        counted = await effects(runtime)
    finally:
        await runtime.stop()
    assert counted == {departed(23).person_ref: 1, departed(24).person_ref: 1}
    assert letters == []
