"""The compacted topic of measure outcomes: a fresh consumer gets the current state."""

from __future__ import annotations

import json

import pytest
from msa_contracts.envelope import decode
from msa_contracts.events import MeasureOutcomeReported

from tests.reporting.integration.conftest import Running
from tests.reporting.support import eventually, read_all

pytestmark = pytest.mark.integration


async def test_a_fresh_consumer_from_the_beginning_gets_the_current_state_per_key(
    running: Running,
) -> None:
    reporting = running.reporting

    async def relayed() -> bool:
        return await reporting.runtime.outbox.pending_count() == 0

    await eventually(relayed)
    records = await read_all(running.infra.kafka_bootstrap, running.topics.outcomes)
    latest: dict[str, MeasureOutcomeReported] = {}
    for rec in records:
        event = decode(rec.headers, rec.value).event
        assert isinstance(event, MeasureOutcomeReported)
        assert rec.key.decode() == f"{event.measure_id}:{event.period}"
        latest[rec.key.decode()] = event
    current = reporting.live.current
    assert current is not None
    expected = {k: o for k, o in current.outcomes.items() if not o.is_empty()}
    assert set(latest) == set(expected)
    for key, event in latest.items():
        assert event.figures == expected[key].figures, key
        assert tuple(event.suppressed) == expected[key].suppressed, key


async def test_suppressed_measure_figures_are_null_and_named(running: Running) -> None:
    records = await read_all(running.infra.kafka_bootstrap, running.topics.outcomes)
    bodies = [json.loads(r.value) for r in records]
    m30_march = [b for b in bodies if b["measure_id"] == "M30" and b["period"] == "2026-03"][-1]
    assert m30_march["figures"]["goals_achieved"] is None
    assert "goals_achieved" in m30_march["suppressed"]
    assert all(b["figures"][name] is None for b in bodies for name in b["suppressed"])


async def test_an_unchanged_measure_is_not_emitted_again(running: Running) -> None:
    before = len(await read_all(running.infra.kafka_bootstrap, running.topics.outcomes))
    await running.reporting.refresh()
    await eventually(lambda: _no_pending(running))
    assert len(await read_all(running.infra.kafka_bootstrap, running.topics.outcomes)) == before


async def _no_pending(running: Running) -> bool:
    return await running.reporting.runtime.outbox.pending_count() == 0
