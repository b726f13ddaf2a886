"""The latest day the clock announced: a service's "today" for the decisions that need one.

Kept in the service's own database (collection ``clock``), written in the transaction of the
tick that moved it. Ticks may repeat or come late, so the day only ever moves forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from msa_kit.city_day import city_midnight
from msa_kit.logging import get_logger
from msa_kit.metrics import CLOCK_DAY

log = get_logger("msa_kit.day_store")


class Days(Protocol):
    async def latest(self) -> date | None: ...
    async def advance(self, day: date) -> date:
        """Keep the later of the stored day and ``day``; returns the day kept."""
        ...


class MongoDays:
    """The day in the service's database, read and written in ``session``'s transaction."""

    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], session: AsyncClientSession | None
    ) -> None:
        self._coll, self._session = db["clock"], session

    async def latest(self) -> date | None:
        doc = await self._coll.find_one({"_id": "clock"}, session=self._session)
        return date.fromisoformat(doc["day"]) if doc else None

    async def advance(self, day: date) -> date:
        latest = await self.latest()
        if latest is not None and latest >= day:
            return latest
        await self._coll.replace_one(
            {"_id": "clock"}, {"day": day.isoformat()}, upsert=True, session=self._session
        )
        return day


@dataclass
class MemoryDays:
    """The day in memory, for tests."""

    day: date | None = None

    async def latest(self) -> date | None:
        return self.day

    async def advance(self, day: date) -> date:
        if self.day is None or day > self.day:
            self.day = day
        return self.day


async def take_tick(days: Days, day: date) -> date | None:
    """The day a tick for ``day`` puts the service on, or None for a tick earlier than the
    day already reached: such a tick (a rogue or stale producer, a restored topic) is never
    applied, only logged. A repeat of the latest day is taken again (what falls due on a day
    is idempotent, and a repeated tick decides entries still held)."""
    latest = await days.latest()
    if latest is not None and day < latest:
        log.warning("tick ignored: earlier than the day already reached",
                    day=day.isoformat(), latest=latest.isoformat())  # fmt: skip
        return None
    kept = await days.advance(day)
    show_day(kept)
    return kept


async def show_stored_day(days: Days) -> None:
    """At start: export the day the service's store holds, before any tick arrives."""
    show_day(await days.latest())


def show_day(day: date | None) -> None:
    """Export the service's clock day (``msa_clock_day_timestamp_seconds``)."""
    if day is not None:
        CLOCK_DAY.set(city_midnight(day).timestamp())
