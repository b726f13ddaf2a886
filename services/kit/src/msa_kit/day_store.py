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
