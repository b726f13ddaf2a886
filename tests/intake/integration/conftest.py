"""One intake, running for the whole session on its own topics, databases and consumer
group, against the real broker and store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from msa_contracts.topics import dead_letter_topic
from msa_intake.bootstrap import build
from msa_intake.keys import LocalKeyPaths
from msa_kit.auth import Role

from tests.intake.integration.helpers import Running
from tests.intake.support import Issuer, settings
from tests.kit.support import Tail, create_topics, unique


@pytest.fixture(scope="session")
async def running(infra: Any, intake_keys: LocalKeyPaths, issuer: Issuer) -> AsyncIterator[Running]:
    service = unique("intake")
    notices, persons, cases = unique("t-notices"), unique("t-persons"), unique("t-cases")
    await create_topics(infra.kafka_bootstrap, notices, persons, cases, partitions=3)
    await create_topics(infra.kafka_bootstrap, dead_letter_topic(service))
    config = settings(
        intake_keys, issuer, service_name=service, intake_notices_topic=notices,
        intake_persons_topic=persons, intake_cases_topic=cases,
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri,
    )  # fmt: skip
    intake = build(config)
    app = intake.http_app()
    tail = Tail(infra.kafka_bootstrap, (persons, dead_letter_topic(service)))
    await tail.start()
    await intake.runtime.start()
    transport = httpx.ASGITransport(app=app)
    headers = issuer.headers(Role.FRONT_DESK)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://intake", headers=headers
        ) as http:
            yield Running(intake, http, tail, intake_keys, infra.kafka_bootstrap)
    finally:
        try:  # the runtime bounds each step of its stop; a stop past 60 s is a defect
            await asyncio.wait_for(intake.runtime.stop(), 60)
        finally:
            await tail.stop()
