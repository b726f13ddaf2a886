"""Every service that follows the clock exports the day it is on
(``msa_clock_day_timestamp_seconds``: the start of that day in the city), through its real
``build()``: casework, billing and reporting when a tick arrives, the scheduler when it
publishes one. The value is the city's midnight, summer time included."""

from __future__ import annotations

from datetime import date

from msa_contracts.events import DayStarted
from msa_contracts.reference import load_reference
from msa_kit.city_day import city_midnight
from msa_scheduler.adapters.memory import MemoryTopic
from prometheus_client import REGISTRY

from tests.billing.harness import harness as billing_harness
from tests.casework.harness import harness as casework_harness
from tests.reporting.unit.harness import harness as reporting_harness
from tests.scheduler.support import MovableClock, scheduler


def exported_day() -> float | None:
    return REGISTRY.get_sample_value("msa_clock_day_timestamp_seconds")


def tick(day: date) -> DayStarted:
    return DayStarted(day=day, at=city_midnight(day))


async def test_casework_exports_the_day_a_tick_moved_it_to() -> None:
    day = date(2031, 3, 30)  # summer time begins that day: its midnight is still +01:00
    async with casework_harness(load_reference()) as h:
        await h.send(tick(day))
    assert exported_day() == city_midnight(day).timestamp()


async def test_billing_exports_the_day_a_tick_moved_it_to() -> None:
    day = date(2031, 10, 26)  # summer time ends that day: its midnight is still +02:00
    async with billing_harness(load_reference()) as h:
        await h.day(day)
    assert exported_day() == city_midnight(day).timestamp()


async def test_reporting_exports_the_day_its_projection_folded() -> None:
    day = date(2031, 11, 2)
    async with reporting_harness(load_reference()) as h:
        await h.send(tick(day))
    assert exported_day() == city_midnight(day).timestamp()


async def test_the_scheduler_exports_the_day_it_published() -> None:
    day = date(2031, 11, 3)
    clock = MovableClock(now=city_midnight(day))
    clock.to(day, hours=0.5)
    sched, log = scheduler(clock, MemoryTopic(), start_day=day)
    await log.start()
    assert await sched.ticker.round() == [day]
    assert exported_day() == city_midnight(day).timestamp()
