"""The tick log on the real broker: transactional ticks read back with read_committed, a
second instance fencing the first, and the scheduler catching up after days down."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from msa_contracts.envelope import encode
from msa_contracts.events import DayStarted
from msa_contracts.events.clock import tick_id
from msa_kit.city_day import city_midnight
from msa_ops.reading import read_to_end
from msa_scheduler.adapters.kafka import KafkaTickLog, TopicMissing
from msa_scheduler.bootstrap import Scheduler, build
from msa_scheduler.ports import Fenced
from msa_scheduler.settings import SchedulerSettings

from tests.kit.support import create_topics, unique
from tests.scheduler.support import MovableClock, until

pytestmark = pytest.mark.integration


def _tick(day: date) -> DayStarted:
    return DayStarted(day=day, at=city_midnight(day))


async def _log(infra: Any, topic: str, txn: str) -> KafkaTickLog:
    log = KafkaTickLog(infra.kafka_bootstrap, topic, transactional_id=txn)
    await log.start()
    return log


async def _days_on(infra: Any, topic: str) -> list[date]:
    records = await read_to_end(infra.kafka_bootstrap, [topic], committed_only=True)
    return [DayStarted.model_validate_json(r.value).day for r in records]


async def test_the_last_committed_day_is_read_back_and_aborted_ticks_are_not(infra: Any) -> None:
    topic, txn = unique("clock"), unique("txn")
    await create_topics(infra.kafka_bootstrap, topic, partitions=1)
    log = await _log(infra, topic, txn)
    try:
        assert await log.last_day() is None
        for day in (date(2026, 4, 1), date(2026, 4, 2)):
            await log.publish(_tick(day))
        producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap,
                                    transactional_id=unique("other"))  # fmt: skip
        await producer.start()
        try:  # a later day in a transaction that is aborted: never "published"
            rec = encode(_tick(date(2026, 4, 9)), event_id="aborted", source="/test",
                         time=datetime.now(UTC))  # fmt: skip
            await producer.begin_transaction()
            await producer.send_and_wait(topic, rec.value, key=rec.key, headers=list(rec.headers))
            await producer.abort_transaction()
        finally:
            await producer.stop()
        assert await log.last_day() == date(2026, 4, 2)
    finally:
        await log.stop()


async def test_a_second_instance_fences_the_first_whose_tick_is_never_committed(
    infra: Any,
) -> None:
    topic, txn = unique("clock"), unique("txn")
    await create_topics(infra.kafka_bootstrap, topic, partitions=1)
    first = await _log(infra, topic, txn)
    day = date(2026, 4, 1)
    await first.publish(_tick(day))
    second = await _log(infra, topic, txn)  # same transactional id: the broker fences `first`
    try:
        await second.publish(_tick(date(2026, 4, 2)))
        with pytest.raises(Fenced):
            await first.publish(_tick(date(2026, 4, 2)))
        assert await _days_on(infra, topic) == [date(2026, 4, 1), date(2026, 4, 2)]
        records = await read_to_end(infra.kafka_bootstrap, [topic], committed_only=True)
        ids = [dict(r.headers)["ce_id"] for r in records]  # the id comes from the day
        times = [dict(r.headers)["ce_time"] for r in records]  # the day's local midnight, UTC
        assert ids == [tick_id(date(2026, 4, 1)).encode(), tick_id(date(2026, 4, 2)).encode()]
        assert times == [b"2026-03-31T22:00:00Z", b"2026-04-01T22:00:00Z"]
    finally:
        await first.stop()
        await second.stop()


async def test_a_missing_clock_topic_is_named(infra: Any) -> None:
    log = await _log(infra, unique("clock-missing"), unique("txn"))
    try:
        with pytest.raises(TopicMissing, match="does not exist"):
            await log.last_day()
    finally:
        await log.stop()


async def test_the_scheduler_stopped_three_days_publishes_them_in_order_on_restart(
    infra: Any,
) -> None:
    topic, txn = unique("clock"), unique("txn")
    await create_topics(infra.kafka_bootstrap, topic, partitions=1)
    clock = MovableClock(now=datetime(2026, 4, 1, 8, tzinfo=UTC))
    settings = SchedulerSettings(kafka_bootstrap_servers=infra.kafka_bootstrap,
                                 scheduler_transactional_id=txn, scheduler_poll_s=0.05)  # fmt: skip
    for now in (datetime(2026, 4, 1, 8, tzinfo=UTC), datetime(2026, 4, 4, 8, tzinfo=UTC)):
        clock.now = now
        tick_log = KafkaTickLog(infra.kafka_bootstrap, topic, transactional_id=txn)
        sched = build(settings, clock=clock, tick_log=tick_log)
        await sched.start()
        await until(partial(_reached, sched, now.date()), 30, f"caught up to {now.date()}")
        await sched.stop()
    assert await _days_on(infra, topic) == [date(2026, 4, d) for d in (1, 2, 3, 4)]


def _reached(sched: Scheduler, day: date) -> bool:
    return sched.ticker.status.last_day == day
