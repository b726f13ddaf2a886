"""The composition root: the tick log, the clock and the ticker, each replaceable by tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from msa_contracts.topics import CLOCK
from msa_kit.app import service_app
from msa_kit.city_day import city_zone
from msa_kit.logging import get_logger

from msa_scheduler.adapters.clocks import FileClock, system_clock
from msa_scheduler.adapters.kafka import KafkaTickLog
from msa_scheduler.entrypoints.http import clock_router
from msa_scheduler.ports import Clock, TickLog
from msa_scheduler.settings import SchedulerSettings
from msa_scheduler.ticker import Ticker

log = get_logger("msa_scheduler.bootstrap")


@dataclass
class Scheduler:
    """The assembled service: ``run()`` ticks until cancelled; ``http_app()`` serves the
    probes, metrics and ``/clock`` and runs the ticker in its lifespan."""

    settings: SchedulerSettings
    tick_log: TickLog
    ticker: Ticker
    _task: asyncio.Task[None] | None = field(default=None, init=False)

    async def start(self) -> None:
        self._task = asyncio.create_task(self.ticker.run(), name="scheduler-ticker")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, self.settings.graceful_timeout_s)
        await self.tick_log.stop()

    async def ready(self) -> bool:
        return self.ticker.status.caught_up and not self.ticker.status.fenced

    def http_app(self) -> FastAPI:
        return service_app(
            "MSA scheduler", start=self.start, stop=self.stop, routers=[clock_router(self.ticker)],
            checks={"kafka": self.tick_log.reachable, "clock": self.ready},
        )  # fmt: skip


def build(
    settings: SchedulerSettings | None = None,
    *,
    clock: Clock | None = None,
    tick_log: TickLog | None = None,
    on_fenced: Callable[[], None] = lambda: None,
) -> Scheduler:
    """Assemble the scheduler. Nothing connects here; ``start()`` or the app's lifespan does."""
    settings = settings or SchedulerSettings()
    if clock is None:
        clock = _clock(settings)
    topic = settings.namespace.topic(CLOCK)  # on the wire
    tick_log = tick_log or KafkaTickLog(
        settings.kafka_bootstrap_servers, topic,
        transactional_id=settings.scheduler_transactional_id, security=settings.kafka_security,
    )  # fmt: skip
    ticker = Ticker(tick_log, clock, city_zone(), start_day=settings.scheduler_start_day,
                    poll_s=settings.scheduler_poll_s, on_fenced=on_fenced)  # fmt: skip
    return Scheduler(settings, tick_log, ticker)


def _clock(settings: SchedulerSettings) -> Clock:
    if not settings.scheduler_now_file:
        return system_clock
    log.warning("the clock is read from a file (tests and rehearsals only)",
                file=settings.scheduler_now_file)  # fmt: skip
    return FileClock(Path(settings.scheduler_now_file))
