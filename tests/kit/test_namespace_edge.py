"""The topic namespace is applied at the kit's Kafka edge only: a service subscribes to and
emits logical names; on the wire they are its environment's topics."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from msa_contracts.envelope import decode
from msa_contracts.namespace import Namespace
from msa_contracts.topics import dead_letter_topic
from msa_kit.processing import Context, Subscription
from msa_kit.runtime import ServiceRuntime
from msa_kit.settings import KitSettings

from tests.kit.support import (
    create_topics,
    departed,
    produce,
    read_topic,
    record_of,
    unique,
    wait_for,
)

pytestmark = pytest.mark.integration
PERSONS, CASES = "msa.intake.persons", "msa.casework.cases"


async def test_a_service_in_an_environment_reads_and_writes_only_that_environments_topics(
    infra: Any,
) -> None:
    ns = Namespace(f"k{uuid.uuid4().hex[:8]}")
    service = unique("edge")
    await create_topics(infra.kafka_bootstrap, ns.topic(PERSONS), ns.topic(CASES),
                        dead_letter_topic(service))  # fmt: skip
    await produce(infra.kafka_bootstrap, ns.topic(PERSONS), record_of(departed(1)))
    runtime = ServiceRuntime(KitSettings(
        service_name=service, kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri, mongodb_database=unique("edge").replace("-", "_"),
        msa_env=ns.env, outbox_poll_s=0.1, graceful_timeout_s=5,
    ))  # fmt: skip
    seen: list[str] = []

    async def forward(ctx: Context) -> None:
        seen.append(ctx.record.topic)
        ctx.emit(CASES, ctx.event)

    runtime.subscribe([PERSONS], Subscription(forward), title="edge")
    await runtime.start()
    try:

        async def handled() -> bool:
            return bool(seen)

        await wait_for(handled)
        out = await read_topic(infra.kafka_bootstrap, ns.topic(CASES), expect=1)
    finally:
        await runtime.stop()
    assert seen == [PERSONS]  # handlers, inbox and provider_of see the logical name
    assert [decode(r.headers, r.value).event for r in out] == [departed(1)]
    assert runtime.settings.consumer_group == f"msa-{ns.env}-{service}"
