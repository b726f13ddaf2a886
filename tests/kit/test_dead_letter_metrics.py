"""Dead letters are counted per source topic and reason code, once per record that landed on
the dead-letter topic, in both consumption modes, on the real broker and store."""

from __future__ import annotations

from typing import Any

import pytest
from msa_contracts.topics import dead_letter_topic

from tests.kit.demo import build_demo, until_effects
from tests.kit.metrics_support import holds, sample
from tests.kit.support import (
    departed,
    produce,
    read_topic,
    record_of,
    service_topics,
    unique,
    wait_for,
)

pytestmark = pytest.mark.integration


async def test_each_dead_letter_counts_once_under_its_source_topic_and_code(
    infra: Any, service: str, batch_max: int
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    poison = (b"P-x", b'{"person_ref": 42}', [("ce_id", b"bad-1")])  # headers missing
    await produce(
        infra.kafka_bootstrap, src,
        poison, record_of(departed(1)), record_of(departed(2)), record_of(departed(3)),
    )  # fmt: skip
    runtime = build_demo(
        infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
        processing_batch_max=batch_max, reject_on=frozenset({departed(2).person_ref}),
        fail_on=frozenset({departed(3).person_ref}), max_attempts=2, metrics_lag_interval_s=0.2,
    )  # fmt: skip
    await runtime.start()
    try:
        await until_effects(runtime, 1)
        letters = await read_topic(infra.kafka_bootstrap, dead_letter_topic(service), expect=3)
        group = runtime.settings.consumer_group
        lag = {"group": group, "topic": src, "partition": "0"}
        await wait_for(holds(lambda: sample("msa_consumer_lag_records", **lag) == 0))
    finally:
        await runtime.stop()

    assert len(letters) == 3
    counted = {
        code: sample("msa_dead_letters_total", topic=src, code=code)
        for code in ("missing-header", "person-unknown", "handler-failed")
    }
    assert counted == {"missing-header": 1, "person-unknown": 1, "handler-failed": 1}
    assert sample("msa_dead_letters_total", topic=out, code="handler-failed") is None
