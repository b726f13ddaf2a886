"""The age of the oldest unsent outbox record (``msa_outbox_oldest_unsent_age_seconds``).

The relay notes, at each poll, the write time of the oldest record still pending (its
``order``: wall-clock nanoseconds at the write, never earlier). The exported age is computed
at each scrape from that note, so it keeps growing while the relay cannot publish (broker
away, lease held by a stuck instance, relay loop stalled), and drops to 0 at the first poll
that finds nothing pending.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from msa_kit.metrics import OUTBOX_OLDEST_AGE

PENDING: dict[str, Any] = {"published": False, "parked": {"$ne": True}}


class OldestUnsent:
    def __init__(self, wall_ns: Callable[[], int] = time.time_ns) -> None:
        self._wall_ns = wall_ns
        self._oldest_ns: int | None = None

    def saw(self, order_ns: int | None) -> None:
        """The oldest pending record's ``order`` at this poll (None: nothing pending)."""
        self._oldest_ns = order_ns

    def age_s(self) -> float:
        if self._oldest_ns is None:
            return 0.0
        return max(0.0, (self._wall_ns() - self._oldest_ns) / 1e9)

    def export(self) -> None:
        """Make this the process's exported age (one relay per service process)."""
        OUTBOX_OLDEST_AGE.set_function(self.age_s)


async def oldest_pending_order(outbox: AsyncCollection[dict[str, Any]]) -> int | None:
    """The ``order`` of the oldest pending record (the outbox's (published, order) index)."""
    doc = await outbox.find_one(PENDING, sort=[("order", 1)], projection={"order": 1})
    return int(doc["order"]) if doc else None
