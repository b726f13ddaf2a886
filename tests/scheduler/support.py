"""A clock the test moves, and a scheduler built on the in-memory tick log."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from msa_kit.city_day import city_midnight
from msa_scheduler.adapters.memory import MemoryTickLog, MemoryTopic
from msa_scheduler.bootstrap import Scheduler, build
from msa_scheduler.settings import SchedulerSettings


@dataclass
class MovableClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def to(self, day: date, *, hours: float = 0.0) -> None:
        """Move to ``hours`` after the city's midnight of ``day``."""
        self.now = (city_midnight(day) + timedelta(hours=hours)).astimezone(UTC)


def scheduler(
    clock: MovableClock, topic: MemoryTopic, *, start_day: date | None = None
) -> tuple[Scheduler, MemoryTickLog]:
    log = MemoryTickLog(topic)
    settings = SchedulerSettings(scheduler_start_day=start_day, scheduler_poll_s=0.01)
    return build(settings, clock=clock, tick_log=log), log


async def until(condition: Callable[[], object], timeout_s: float = 10.0, what: str = "") -> None:
    """Wait until ``condition()`` is truthy, or fail naming what did not happen."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not within {timeout_s}s: {what or condition}")
