"""A fresh billing per test: own topics, consumer group and database, on the real broker
and store; entries are held for 3 clock days."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from msa_billing.bootstrap import build
from msa_billing.settings import BillingSettings
from msa_contracts.topics import dead_letter_topic

from tests.auth import Issuer
from tests.billing.integration.support import Running, all_topics, topics_for
from tests.kit.support import Tail, create_topics, unique

HOLD_DAYS = 3


@pytest.fixture
async def running(infra: Any, issuer: Issuer) -> AsyncIterator[Running]:
    service = unique("billing")
    topics = topics_for(unique("t-bill"))
    names = all_topics(topics)
    await create_topics(infra.kafka_bootstrap, *names, dead_letter_topic(service), partitions=1)
    settings = BillingSettings(
        service_name=service, kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri, auth_public_key_files=str(issuer.public_key_file),
        billing_cases_topic=topics.cases, billing_clock_topic=topics.clock,
        billing_ledger_topic=topics.ledger, billing_provider_topic_prefix=topics.provider_prefix,
        billing_hold_days=HOLD_DAYS, retry_backoff_s=0.01, outbox_poll_s=0.1,
        graceful_timeout_s=5,
    )  # fmt: skip
    billing = build(settings)
    tail = Tail(
        infra.kafka_bootstrap,
        [topics.ledger, *(topics.feedback(p) for p in ("caritas", "diakonie", "awo", "drk"))],
    )
    await tail.start()
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    await billing.runtime.start()
    transport = httpx.ASGITransport(app=billing.http_app())
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://billing") as http:
            yield Running(billing, topics, tail, producer, http)
    finally:
        await billing.runtime.stop()
        await producer.stop()
        await tail.stop()
