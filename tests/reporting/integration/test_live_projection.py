"""The live projection, fed through the real broker, matches hand-computed figures."""

from __future__ import annotations

import pytest
from msa_contracts.reference import load_reference
from msa_reporting.domain.projection import project

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
    live = running.reporting.live
    expected = project(
        live.events, load_reference(), running.reporting.settings.suppression_threshold
    )
    assert await running.reporting.store.load_published() == expected.published


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
