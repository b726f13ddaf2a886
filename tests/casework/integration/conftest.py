"""One casework instance for the integration package, on the real broker and store.

It has its own name (so its own consumer group, database and dead-letter topic), starts at
the end of the shared catalogue topics, and runs with reference data in which region Süd
has exactly two places (awo), so that the waiting list is easy to reach there. Tests use
fresh person refs; only the waiting-list test uses Süd's districts.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from msa_casework.bootstrap import Casework, build
from msa_casework.settings import CaseworkSettings
from msa_contracts import topics
from msa_contracts.reference import ReferenceData
from msa_contracts.topics import dead_letter_topic
from msa_contracts.values import Region
from msa_ops.groups import start_group_at_end

from tests.auth import Issuer
from tests.casework.builders import contract, reference_with
from tests.casework.integration.support import Publisher, Tap
from tests.kit.support import create_topics

PROVIDERS = ("caritas", "diakonie", "awo", "drk")


def integration_reference() -> ReferenceData:
    return reference_with(
        contract("caritas", [Region.MITTE], 100, ["de", "ar", "fa", "en"]),
        contract("diakonie", [Region.NORD, Region.MITTE], 100, ["de", "uk", "ru", "en"]),
        contract("awo", [Region.SUED], 2, ["de", "ar", "ti"]),
        contract("drk", [Region.NORD, Region.WEST], 100, ["de", "prs", "ps", "tr"]),
    )


@dataclass
class Running:
    casework: Casework
    tap: Tap
    publish: Publisher
    http: httpx.AsyncClient
    issuer: Issuer
    dead_letters: Tap


@pytest.fixture(scope="package")
async def running(infra: Any, issuer: Issuer) -> AsyncIterator[Running]:
    service = f"casework-it-{uuid.uuid4().hex[:8]}"
    bootstrap = infra.kafka_bootstrap
    settings = CaseworkSettings(
        service_name=service, kafka_bootstrap_servers=bootstrap, mongodb_uri=infra.mongodb_uri,
        auth_public_key_files=str(issuer.public_key_file), outbox_poll_s=0.1,
        retry_backoff_s=0.01, graceful_timeout_s=5,
    )  # fmt: skip
    casework = build(settings, reference=integration_reference())
    await create_topics(bootstrap, dead_letter_topic(service))
    wire = settings.namespace
    consumed = [wire.topic(name) for c in casework.consumers for name in c.topics]
    await start_group_at_end(bootstrap, settings.consumer_group, consumed)
    tap = Tap(bootstrap, [topics.CASES, *(topics.assignments(p) for p in PROVIDERS)])
    dead_letters = Tap(bootstrap, [dead_letter_topic(service)])
    publisher = Publisher(bootstrap)
    for part in (tap, dead_letters, publisher):
        await part.start()
    await casework.runtime.start()
    transport = httpx.ASGITransport(app=casework.http_app())
    http = httpx.AsyncClient(transport=transport, base_url="http://casework")
    try:
        yield Running(casework, tap, publisher, http, issuer, dead_letters)
    finally:
        await http.aclose()
        await casework.runtime.stop()
        for part in (publisher, dead_letters, tap):
            await part.stop()
