"""The scheduler's rounds on the in-memory tick log, with a clock the test moves."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from msa_scheduler.adapters.memory import MemoryTopic

from tests.scheduler.support import MovableClock, scheduler, until


def _clock(day: date, hours: float = 0.0) -> MovableClock:
    clock = MovableClock(now=None)  # type: ignore[arg-type]
    clock.to(day, hours=hours)
    return clock


async def test_each_city_day_is_published_once_at_local_midnight() -> None:
    clock, topic = _clock(date(2026, 4, 1), hours=0.01), MemoryTopic()
    sched, log = scheduler(clock, topic)
    await log.start()
    assert await sched.ticker.round() == [date(2026, 4, 1)]
    assert await sched.ticker.round() == []
    clock.to(date(2026, 4, 1), hours=23.99)
    assert await sched.ticker.round() == []
    clock.to(date(2026, 4, 2))
    assert await sched.ticker.round() == [date(2026, 4, 2)]
    assert log.days == [date(2026, 4, 1), date(2026, 4, 2)]


async def test_each_days_tick_carries_the_local_offset_of_its_midnight() -> None:
    clock, topic = _clock(date(2026, 3, 29), hours=5), MemoryTopic()
    sched, log = scheduler(clock, topic, start_day=date(2026, 3, 28))
    await log.start()
    await sched.ticker.round()
    clock.to(date(2026, 3, 30))
    await sched.ticker.round()
    assert log.days == [date(2026, 3, d) for d in (28, 29, 30)]
    offsets = [t.at.utcoffset() for t in topic.ticks]
    assert offsets == [timedelta(hours=1), timedelta(hours=1), timedelta(hours=2)]  # DST on 29th


async def test_a_restart_after_three_days_publishes_the_three_days_in_order() -> None:
    clock, topic = _clock(date(2026, 4, 1), hours=1), MemoryTopic()
    first, log = scheduler(clock, topic)
    await log.start()
    await first.ticker.round()
    await log.stop()
    clock.to(date(2026, 4, 4), hours=8)
    second, log2 = scheduler(clock, topic)  # a new process: it knows only the topic
    await log2.start()
    assert await second.ticker.round() == [date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 4)]
    assert log2.days == [date(2026, 4, d) for d in (1, 2, 3, 4)]


async def test_a_second_instance_fences_the_first_and_no_day_is_published_twice() -> None:
    clock, topic = _clock(date(2026, 4, 1), hours=1), MemoryTopic()
    first, log1 = scheduler(clock, topic)
    stopped: list[str] = []
    first.ticker.on_fenced = lambda: stopped.append("first")
    runs = [asyncio.create_task(first.ticker.run())]
    await until(lambda: log1.days == [date(2026, 4, 1)])
    second, log2 = scheduler(clock, topic)
    runs.append(asyncio.create_task(second.ticker.run()))
    await until(lambda: second.ticker.status.caught_up)
    clock.to(date(2026, 4, 2), hours=0.5)
    await until(lambda: first.ticker.status.fenced and len(log2.days) == 2)
    for run in runs:
        run.cancel()
    await asyncio.gather(*runs, return_exceptions=True)
    assert log2.days == [date(2026, 4, 1), date(2026, 4, 2)]
    assert stopped == ["first"] and not await first.ready()


async def test_a_failed_commit_is_read_back_before_anything_is_published_again() -> None:
    clock, topic = _clock(date(2026, 4, 1), hours=1), MemoryTopic(fail_next=1)
    sched, log = scheduler(clock, topic)
    run = asyncio.create_task(sched.ticker.run())
    await until(lambda: sched.ticker.status.caught_up)
    run.cancel()
    await asyncio.gather(run, return_exceptions=True)
    assert log.days == [date(2026, 4, 1)]


async def test_a_topic_ahead_of_the_clock_is_never_gone_back_on() -> None:
    clock, topic = _clock(date(2026, 4, 10), hours=1), MemoryTopic()
    ahead, log = scheduler(clock, topic)
    await log.start()
    await ahead.ticker.round()
    clock.to(date(2026, 4, 5))
    later, log2 = scheduler(clock, topic)
    await log2.start()
    assert await later.ticker.round() == []
    assert log2.days == [date(2026, 4, 10)]
