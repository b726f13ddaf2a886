"""Time as an event: the simulator's clock, or the production scheduler, ticks once a day."""

from __future__ import annotations

from datetime import date, datetime

from msa_contracts.events.base import Event


class DayStarted(Event):
    """A (simulated or real) day started; time-driven behaviour reacts to it."""

    day: date
    at: datetime

    def subject(self) -> str:
        return "clock"
