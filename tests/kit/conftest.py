from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from tests.kit.support import unique


@pytest.fixture
async def mongo(infra: Any) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri, tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
def service() -> str:
    """A unique service name, so each test has its own database and dead-letter topic."""
    return unique("kittest")


@pytest.fixture(params=[1, 100], ids=["per-record", "batched"])
def batch_max(request: pytest.FixtureRequest) -> int:
    """Tests that take it run with one transaction per record and with batches."""
    return int(request.param)
