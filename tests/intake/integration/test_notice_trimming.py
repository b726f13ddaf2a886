"""On the real broker: a notice intake has processed is deleted from the notices topic (its
sealed identity would otherwise outlive the registration, and an erasure, there); no
partition is ever trimmed past intake's committed offset; intake consumes on as before."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from msa_ops.reading import read_to_end

from tests.intake.integration.helpers import Running, wait_for
from tests.intake.support import identity, notice, record
from tests.kit.support import header, produce

pytestmark = pytest.mark.integration


async def _registered(running: Running, n: int) -> str:
    """Send person ``n``'s notice and wait until intake registered the person; its ce_id."""
    rec = record(notice(running.keys, identity(n)))
    await produce(running.bootstrap, running.notices, rec)
    notice_id = header(rec, "ce_id") or ""
    await running.settle(notice_id)
    caused = [r for r in running.tail.records if header(r, "ce_causationid") == notice_id]
    assert [r.topic for r in caused] == [running.persons]
    return notice_id


async def _on_topic(running: Running) -> set[str | None]:
    return {header(r, "ce_id") for r in await read_to_end(running.bootstrap, [running.notices])}


async def _starts_and_commits(running: Running) -> list[tuple[int, int]]:
    """Per partition of the notices topic: (its start offset, intake's committed offset)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=running.bootstrap)
    reader = AIOKafkaConsumer(bootstrap_servers=running.bootstrap)
    await admin.start()
    await reader.start()
    try:
        parts = [TopicPartition(running.notices, p) for p in range(3)]
        group = running.intake.settings.consumer_group
        committed = await admin.list_consumer_group_offsets(group, partitions=parts)
        starts = await reader.beginning_offsets(parts)
        return [(starts[tp], committed[tp].offset) for tp in parts]
    finally:
        await reader.stop()
        await admin.close()


async def test_a_processed_notice_is_deleted_and_nothing_past_intakes_offset(
    running: Running,
) -> None:
    first = await _registered(running, 41)
    await wait_for(lambda: _gone(running, first))
    assert all(
        start <= max(committed, 0) for start, committed in await _starts_and_commits(running)
    )
    second = await _registered(running, 42)  # intake consumes on after a trim
    await wait_for(lambda: _gone(running, second))


async def _gone(running: Running, notice_id: str) -> bool:
    return notice_id not in await _on_topic(running)
