"""Time as an event: the simulator's clock, or the production scheduler, ticks once a day."""

from __future__ import annotations

from datetime import date, datetime

from msa_contracts.events.base import Event

TICK_ID_PREFIX = "msa-day-"


class DayStarted(Event):
    """A (simulated or real) city day started; time-driven behaviour reacts to it. ``day``
    is the day in Europe/Berlin, ``at`` the instant it began there (local midnight, with
    its offset, for the scheduler's ticks)."""

    day: date
    at: datetime

    def subject(self) -> str:
        return "clock"


def tick_id(day: date) -> str:
    """The CloudEvents id of ``day``'s tick, derived from the day alone: a tick published
    again (a restart, a second scheduler, the simulator and the scheduler) has the same id,
    so every consumer's inbox drops the repeat."""
    return f"{TICK_ID_PREFIX}{day.isoformat()}"
