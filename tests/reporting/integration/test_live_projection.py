"""The live projection, fed through the real broker, matches hand-computed figures."""

from __future__ import annotations

import pytest
from msa_contracts.reference import load_reference
from msa_reporting.adapters.mongo import MongoStore
from msa_reporting.domain.projection import figures_of, project
from msa_reporting.handlers.live import LiveProjection

from tests.reporting.integration import scenario
from tests.reporting.integration.conftest import Running

pytestmark = pytest.mark.integration


async def test_every_figure_equals_the_hand_computed_value_before_suppression(
    running: Running,
) -> None:
    true = await running.reporting.true_figures()
    found = {key: true[key[0]].values.get(key[1:]) for key in scenario.EXPECTED}
    assert found == scenario.EXPECTED


async def test_duplicates_count_once(running: Running) -> None:
    true = await running.reporting.true_figures()
    assert true["arrivals"].values[("region", "sued", scenario.JAN)] == 6
    assert true["goals_achieved"].values[("measure", "M19", scenario.FEB)] == 5


async def test_published_figures_hide_every_group_under_the_threshold_and_nothing_else_changes(
    running: Running,
) -> None:
    store = running.reporting.store
    true, published = await store.load_true(), await store.load_published()
    for name, table in published.items():
        for key, value in table.values.items():
            if key in table.suppressed:
                assert value is None
            else:
                assert value == true[name].values[key]
                assert not 0 < true[name].units[key] < 5, (name, key)
    assert published["arrivals"].values[("region", "sued", scenario.JAN)] == 6
    assert published["goals_achieved"].values[("total", "total", scenario.MAR)] is None


async def test_the_live_result_is_the_pure_projection_of_the_consumed_events(
    running: Running,
) -> None:
    stored = await running.reporting.store.load_events()
    expected = project(stored, load_reference(), running.reporting.settings.suppression_threshold)
    assert running.reporting.live.count == len(stored)
    assert await running.reporting.store.load_published() == expected.published


async def test_a_restarted_projection_rebuilds_the_same_figures_from_the_store(
    running: Running,
) -> None:
    r = running.reporting
    threshold = r.settings.suppression_threshold
    fresh = restarted_projection(running)
    await fresh.load()
    assert fresh.count == r.live.count
    assert fresh.emitted == r.live.emitted
    rebuilt = figures_of(fresh.world, load_reference(), threshold, fresh.count)
    assert r.live.current is not None
    assert rebuilt.published == r.live.current.published
    assert rebuilt.true == r.live.current.true


async def test_a_redelivered_event_is_folded_once(running: Running) -> None:
    r = running.reporting
    fresh = restarted_projection(running)
    await fresh.load()
    stored = [s async for s in r.store.stream_events()]
    for again in stored[:10]:  # as after a retried transaction or a rebalance
        fresh.add(again)
    await fresh.reconcile()  # nothing past its offsets
    assert fresh.count == len(stored)
    rebuilt = figures_of(fresh.world, load_reference(), 5, fresh.count)
    assert rebuilt.true == figures_of(r.live.world, load_reference(), 5, r.live.count).true


async def test_the_demo_reads_the_summary_and_the_true_figures_from_the_database(
    running: Running,
) -> None:
    from msa_reporting.readout import true_figures
    from msa_reporting.summary import measure_plan_summary

    settings = running.reporting.settings
    rows = await measure_plan_summary(settings.mongodb_uri, settings.database)
    assert [r.measure_id for r in rows if r.field_id == "T04"] == [None, "M19"]
    assert (
        await true_figures(settings.mongodb_uri, settings.database)
        == await running.reporting.true_figures()
    )


def restarted_projection(running: Running, store: MongoStore | None = None) -> LiveProjection:
    """A second live projection on the running service's store, as after a restart."""
    r = running.reporting
    return LiveProjection(
        store or r.store, r.runtime.commit, load_reference(),
        r.settings.suppression_threshold, r.settings.reporting_outcomes_topic,
    )  # fmt: skip
