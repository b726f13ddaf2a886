"""Replay of a larger quarter: fast, and equal to the pure projection of what was sent."""

from __future__ import annotations

from typing import Any

import pytest
from msa_contracts.reference import load_reference
from msa_reporting.adapters.mongo import MongoStore
from msa_reporting.domain.projection import project
from pymongo import AsyncMongoClient

from tests.reporting.builders import Log
from tests.reporting.integration.conftest import Quarter

pytestmark = pytest.mark.integration


async def test_a_quarter_replays_fast_into_exactly_the_figures_of_the_events_sent(
    quarter: Quarter, capsys: Any
) -> None:
    result = quarter.result
    expected = project(Log().add(*quarter.events).stored, load_reference(), 5)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(quarter.settings.mongodb_uri)
    try:
        store = MongoStore(client[result.database])
        assert await store.load_true() == expected.true
        assert await store.load_published() == expected.published
    finally:
        await client.close()
    with capsys.disabled():
        print(
            f"\n[replay] {result.records:,} records, {result.events:,} events in "
            f"{result.seconds:.2f}s (read {result.read_s:.2f}s, project {result.project_s:.2f}s, "
            f"write {result.write_s:.2f}s): {result.records / result.seconds:,.0f} records/s"
        )
    assert result.records == result.events == len(expected_events(quarter))
    assert result.records / result.seconds > 300  # SecantusDB writes dominate; mongod is faster


def expected_events(quarter: Quarter) -> set[tuple[str, str]]:
    return {(type(e).__name__, e.model_dump_json()) for e in quarter.events}
