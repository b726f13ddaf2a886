"""The scheduler's loop: each round finds the due days and publishes their ticks in order.

Load, decide, publish: the last day comes from the tick log (read back from the topic at
start and after any failure whose outcome is uncertain), the decision is
``domain.calendar.due_days``, and each tick is committed before the next one is tried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from msa_contracts.events import DayStarted
from msa_kit.city_day import city_day, city_midnight, next_city_midnight
from msa_kit.day_store import show_day
from msa_kit.logging import get_logger

from msa_scheduler import metrics
from msa_scheduler.domain.calendar import behind, due_days
from msa_scheduler.ports import Clock, Fenced, TickLog

log = get_logger("msa_scheduler.ticker")
MAX_BACKOFF_S = 30.0


@dataclass
class Status:
    """What ``/clock`` and the probes report."""

    last_day: date | None = None
    last_published_at: datetime | None = None
    started: bool = False
    caught_up: bool = False
    fenced: bool = False
    error: str | None = None


class Ticker:
    """Publishes one ``DayStarted`` per city day; never backwards, never a day skipped."""

    def __init__(
        self, log_: TickLog, clock: Clock, zone: ZoneInfo, *, start_day: date | None,
        poll_s: float, on_fenced: Callable[[], None] = lambda: None,
    ) -> None:  # fmt: skip
        self.tick_log, self.clock, self.zone = log_, clock, zone
        self.start_day, self.poll_s, self.on_fenced = start_day, poll_s, on_fenced
        self.status = Status()
        self._known = False  # whether status.last_day reflects the topic
        self._warned_behind: date | None = None
        metrics.TICK_AGE.set_function(lambda: _nan_if_none(self.age_s()))

    async def round(self) -> list[date]:
        """Publish every due day; returns the days published."""
        if not self._known:
            self.status.last_day = await self.tick_log.last_day()
            self._known = True
            show_day(self.status.last_day)
            log.info("clock read back", last_day=_iso(self.status.last_day))
        today = city_day(self.clock(), self.zone)
        self._warn_if_behind(today)
        due = due_days(self.status.last_day, today, self.start_day)
        for day in due:
            await self._publish(day, catching_up=day < today)
        self.status.caught_up, self.status.error = True, None
        return due

    async def _publish(self, day: date, *, catching_up: bool) -> None:
        tick = DayStarted(day=day, at=city_midnight(day, self.zone))
        try:
            await self.tick_log.publish(tick)
        except Fenced:
            raise
        except BaseException:
            self._known = False  # the commit may or may not have happened: read back first
            raise
        self.status.last_day, self.status.last_published_at = day, self.clock()
        show_day(self.status.last_day)
        metrics.TICKS.inc()
        log.info("tick published", day=day.isoformat(), at=tick.at.isoformat(),
                 catching_up=catching_up)  # fmt: skip

    async def run(self) -> None:
        """Rounds until cancelled or fenced; failures back off and are retried."""
        backoff = self.poll_s
        await self.tick_log.start()
        self.status.started = True
        try:
            while True:
                try:
                    await self.round()
                    backoff = self.poll_s
                except Fenced as exc:
                    self._fenced(exc)
                    return
                except Exception as exc:  # the broker away, the topic missing: retried
                    backoff = await self._failed(exc, backoff)
                    continue
                await asyncio.sleep(self._pause())
        finally:
            self.status.started = False

    def _fenced(self, exc: Fenced) -> None:
        self.status.fenced, self.status.caught_up = True, False
        metrics.FENCED.set(1)
        log.error("fenced by another scheduler instance: no more ticks from this one",
                  error=str(exc))  # fmt: skip
        self.on_fenced()

    async def _failed(self, exc: Exception, backoff: float) -> float:
        self.status.caught_up, self.status.error = False, repr(exc)[:300]
        metrics.ROUND_FAILURES.inc()
        log.warning("tick round failed; retrying", error=repr(exc)[:300], retry_in_s=backoff)
        await asyncio.sleep(backoff)
        try:  # a producer whose transaction failed may be unusable: start a fresh one
            await self.tick_log.stop()
            await self.tick_log.start()
        except Exception as again:
            log.warning("tick log restart failed", error=repr(again)[:300])
        return min(backoff * 2, MAX_BACKOFF_S)

    def _pause(self) -> float:
        """Poll, but wake at midnight, whichever is first."""
        now = self.clock().astimezone(UTC)  # in UTC: a difference of two local times is wall-clock
        until_midnight = (next_city_midnight(now, self.zone).astimezone(UTC) - now).total_seconds()
        return max(0.05, min(self.poll_s, until_midnight))

    def _warn_if_behind(self, today: date) -> None:
        ahead = behind(self.status.last_day, today)
        if ahead is not None and self._warned_behind != today:
            self._warned_behind = today
            log.warning("the clock topic is ahead of today; waiting, never going back",
                        last_day=ahead.last.isoformat(), today=today.isoformat())  # fmt: skip

    def age_s(self) -> float | None:
        """Seconds since the last published day began (None before the first tick)."""
        last = self.status.last_day
        if last is None:
            return None
        began = city_midnight(last, self.zone).astimezone(UTC)
        return (self.clock().astimezone(UTC) - began) / timedelta(seconds=1)


def _nan_if_none(value: float | None) -> float:
    return float("nan") if value is None else value


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
