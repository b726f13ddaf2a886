"""Reporting's handlers and live projection through the real composition root, with the
memory store: what is kept, what the figures say, what a refresh publishes."""

from __future__ import annotations

from datetime import date

from msa_contracts import events as ev
from msa_contracts.reference import ReferenceData
from msa_contracts.topics import OUTCOMES

from tests.reporting.builders import achieved, arrival, assigned, case, goal, opened, plan
from tests.reporting.unit.harness import harness

JAN, FEB = date(2026, 1, 10), date(2026, 2, 20)


async def test_consumed_arrivals_are_kept_and_counted_in_their_region(
    reference: ReferenceData,
) -> None:
    async with harness(reference) as h:
        await h.send(*(arrival(n, JAN) for n in range(6)))
        figures = await h.reporting.refresh()
        published = await h.store.load_published()
    assert figures.events == 6
    assert len(h.store.events) == 6
    assert published["arrivals"].values[("region", "sued", "2026-01")] == 6


async def test_an_event_no_figure_reads_is_acknowledged_but_not_kept(
    reference: ReferenceData,
) -> None:
    expired = ev.FachleistungExpired(
        approval_id="A-1", case_id=case(1), provider_id="caritas", expired_on=JAN
    )
    async with harness(reference) as h:
        await h.send(expired)
    assert h.store.events == {}


async def test_a_refresh_publishes_each_changed_measure_outcome_once(
    reference: ReferenceData,
) -> None:
    history = [
        e for n in range(5) for e in (
            arrival(n, JAN), opened(n, JAN), assigned(n, JAN), plan(n, JAN, [goal(f"g{n}")]),
            achieved(n, f"g{n}", FEB, JAN),
        )
    ]  # fmt: skip
    async with harness(reference) as h:
        await h.send(*history)
        await h.reporting.refresh()
        first = list(h.commit.published)
        await h.reporting.refresh()
    reported = [o.event for o in first if isinstance(o.event, ev.MeasureOutcomeReported)]
    assert reported and all(o.topic == OUTCOMES for o in first)
    assert {(e.measure_id, e.period) for e in reported} >= {("M19", "2026-02")}
    assert h.commit.published == first  # nothing changed, nothing published again
    assert set(await h.store.load_outcomes()) == {f"{e.measure_id}:{e.period}" for e in reported}
