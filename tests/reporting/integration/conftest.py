"""Reporting services on their own topics, databases and consumer groups, fed through the
real broker and store, shared by the integration tests of this package.

Package-scoped: the services stop right after this package's tests, before any later
synchronous tests would pause the event loop their Kafka consumers heartbeat on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from msa_contracts.reference import load_reference
from msa_reporting.bootstrap import Reporting, build
from msa_reporting.replay import ReplayResult, replay
from msa_reporting.settings import ReportingSettings
from pymongo import AsyncMongoClient

from tests.kit.support import unique
from tests.reporting import synthetic
from tests.reporting.integration import scenario
from tests.reporting.support import Issuer, Topics, eventually, publish

pytestmark = pytest.mark.integration
QUARTER_PERSONS = 500


@dataclass
class Running:
    reporting: Reporting
    topics: Topics
    issuer: Issuer
    infra: Any
    http: httpx.AsyncClient
    app: FastAPI


@pytest.fixture(scope="session")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Issuer:
    return Issuer.create(Path(tmp_path_factory.mktemp("issuer")))


async def start(infra: Any, issuer: Issuer, events: list[tuple[Any, str]], expect: int) -> Running:
    """A reporting service on fresh topics, after it consumed ``events`` and refreshed."""
    service, topics = unique("reporting"), Topics.fresh()
    await topics.create(infra.kafka_bootstrap, service)
    reporting = build(topics.settings(infra, issuer, service))
    app = reporting.http_app()
    await reporting.runtime.start()
    try:
        await publish(infra.kafka_bootstrap, topics, events)

        async def consumed() -> bool:
            return reporting.live.count == expect

        await eventually(consumed, timeout_s=90)
        await reporting.refresh()
    except BaseException:
        await reporting.runtime.stop()
        raise
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporting")
    return Running(reporting, topics, issuer, infra, http, app)


@dataclass
class Quarter:
    """A larger synthetic quarter on fresh topics, replayed into a fresh database."""

    events: list[Any]
    settings: ReportingSettings
    result: ReplayResult


@pytest.fixture(scope="package")
async def quarter(infra: Any, issuer: Issuer) -> AsyncIterator[Quarter]:
    events = synthetic.quarter(load_reference(), persons=QUARTER_PERSONS)
    topics = Topics.fresh()
    service = unique("reporting")
    await topics.create(infra.kafka_bootstrap, service)
    await publish(infra.kafka_bootstrap, topics, [(e, "") for e in events])
    settings = topics.settings(infra, issuer, service)
    result = await replay(settings, unique("replayed"), progress=print)
    yield Quarter(events, settings, result)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri)
    await client.drop_database(result.database)
    await client.close()


@pytest.fixture(scope="package")
async def busy(infra: Any, issuer: Issuer, quarter: Quarter) -> AsyncIterator[Running]:
    """Reporting serving the replayed quarter: started on the rebuilt database (as an
    operator would after a replay), on fresh, empty input topics."""
    service, topics = unique("reporting"), Topics.fresh()
    await topics.create(infra.kafka_bootstrap, service)
    settings = topics.settings(infra, issuer, service, mongodb_database=quarter.result.database)
    reporting = build(settings)
    app = reporting.http_app()
    await reporting.runtime.start()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporting")
    try:
        yield Running(reporting, topics, issuer, infra, http, app)
    finally:
        await http.aclose()
        await reporting.runtime.stop()


@pytest.fixture(scope="package")
async def running(infra: Any, issuer: Issuer) -> AsyncIterator[Running]:
    """Reporting live, after it consumed the whole scenario and refreshed its figures."""
    service = await start(infra, issuer, scenario.events(), scenario.distinct_inputs())
    try:
        yield service
    finally:
        await service.http.aclose()
        await service.reporting.runtime.stop()
