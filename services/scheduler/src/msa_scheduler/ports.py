"""What the scheduler needs from the outside world."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol

from msa_contracts.events import DayStarted

Clock = Callable[[], datetime]


class Fenced(Exception):
    """Another instance with the same transactional id took over; this one must stop."""


class TickLog(Protocol):
    """The clock topic as the scheduler sees it: what was published last, and publishing
    one tick atomically (committed or not at all)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def last_day(self) -> date | None:
        """The latest day any committed tick on the topic announced, or None."""
        ...

    async def publish(self, tick: DayStarted) -> None:
        """Publish one tick in its own transaction (its id from its day, its CloudEvents
        time its ``at``); raises ``Fenced`` when superseded."""
        ...

    async def reachable(self) -> bool: ...
