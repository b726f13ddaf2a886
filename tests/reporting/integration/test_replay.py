"""Replay from offset zero into a fresh database equals the live projection, exactly."""

from __future__ import annotations

import time
from typing import Any

import pytest
from msa_contracts.reference import load_reference
from msa_reporting.adapters.mongo import OUTCOMES, PUBLISHED, TRUE, MongoStore
from msa_reporting.domain.projection import figures_of
from msa_reporting.replay import replay

from tests.kit.support import unique
from tests.reporting.integration.conftest import Running
from tests.reporting.integration.test_live_projection import restarted_projection

pytestmark = pytest.mark.integration


async def documents(db: Any, collection: str) -> list[dict[str, Any]]:
    return await db[collection].find({}).sort("_id", 1).to_list()


@pytest.mark.parametrize("workers", [1, 2])
async def test_replay_from_offset_zero_gives_the_same_figures_as_the_live_projection(
    running: Running, workers: int
) -> None:
    live_db = running.reporting.runtime.db
    await running.reporting.refresh()
    fresh = unique("replay")
    lines: list[str] = []
    # in two processes however short the log: a second one reads a share of the ledger
    result = await replay(running.reporting.settings, fresh, progress=lines.append,
                          workers=workers, parallel_from=0)  # fmt: skip
    rebuilt = running.reporting.runtime.client[fresh]
    try:
        assert any(line.startswith("a second process reads") for line in lines) == (workers == 2)
        assert result.events == running.reporting.live.count
        for collection in (TRUE, PUBLISHED, OUTCOMES):
            assert await documents(rebuilt, collection) == await documents(live_db, collection), (
                collection
            )
        live_events = await MongoStore(live_db).load_events()
        rebuilt_events = await MongoStore(rebuilt).load_events()  # archived in chunks
        assert rebuilt_events.keys() == live_events.keys()
        assert {k: s.event for k, s in rebuilt_events.items()} == {
            k: s.event for k, s in live_events.items()
        }
        restarted = restarted_projection(running, MongoStore(rebuilt))
        await restarted.load()
        assert restarted.count == result.events
        reference, threshold = load_reference(), running.reporting.settings.suppression_threshold
        assert figures_of(restarted.world, reference, threshold, restarted.count) == result.figures
    finally:
        await running.reporting.runtime.client.drop_database(fresh)


async def test_replay_refuses_a_database_that_is_not_empty(running: Running) -> None:
    from msa_reporting.replay import NotEmpty

    other = unique("replay")
    client = running.reporting.runtime.client
    await client[other]["figures"].insert_one({"_id": "left over"})
    try:
        with pytest.raises(NotEmpty):
            await replay(running.reporting.settings, other)
        result = await replay(running.reporting.settings, other, drop=True)  # collections only
        assert await client[other]["figures"].find_one({"_id": "left over"}) is None
        assert result.events > 0
    finally:
        await client.drop_database(other)


async def test_replay_never_writes_into_the_database_the_service_serves(
    running: Running,
) -> None:
    from msa_reporting.replay import LiveTarget

    with pytest.raises(LiveTarget):
        await replay(running.reporting.settings, running.reporting.settings.database, drop=True)


async def test_replay_reports_its_progress_and_speed(running: Running) -> None:
    lines: list[str] = []
    fresh = unique("replay")
    began = time.monotonic()
    try:
        result = await replay(running.reporting.settings, fresh, progress=lines.append)
    finally:
        await running.reporting.runtime.client.drop_database(fresh)
    assert any(line.startswith("read ") for line in lines)
    assert result.records >= result.events > 0
    assert result.seconds <= time.monotonic() - began
