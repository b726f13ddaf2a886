"""The live projection: the stored events in memory, recomputed after each quiet spell.

Handlers add events as they commit; ``run`` waits until none arrived for ``quiet_s``,
recomputes every figure with the pure ``project`` (in a worker thread), and in one
transaction replaces the table documents that changed, records the measure outcomes that
changed and puts them in the outbox for the compacted topic. Every ``reconcile_s`` it
re-reads the stored events, so events stored by another instance are not missed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from msa_contracts.reference import ReferenceData
from msa_kit.logging import get_logger
from msa_kit.mongo import in_transaction
from msa_kit.outbox import Outbox, Outgoing
from msa_kit.processing import Clock
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from msa_reporting.adapters.store import ProjectionStore
from msa_reporting.domain.outcomes import Outcome, changed
from msa_reporting.domain.projection import Figures, project
from msa_reporting.domain.stored import Stored

log = get_logger("msa_reporting.live")


@dataclass
class LiveProjection:
    store: ProjectionStore
    client: AsyncMongoClient[dict[str, Any]]
    outbox: Outbox
    reference: ReferenceData
    threshold: int
    topic: str
    clock: Clock
    quiet_s: float = 0.5
    reconcile_s: float = 60.0
    on_commit: Callable[[], None] = lambda: None
    events: dict[str, Stored] = field(default_factory=dict)
    emitted: dict[str, Outcome] = field(default_factory=dict)
    current: Figures | None = None
    refreshes: int = 0
    _dirty: asyncio.Event = field(default_factory=asyncio.Event)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _task: asyncio.Task[None] | None = None

    def add(self, stored: Stored) -> None:
        if stored.key not in self.events:
            self.events[stored.key] = stored
            self._dirty.set()

    async def load(self) -> None:
        """Read what earlier runs stored and emitted."""
        self.events.update(await self.store.load_events())
        self.emitted = await self.store.load_outcomes()
        self._dirty.set()

    async def refresh(self) -> Figures:
        """Recompute, save what changed and emit changed measure outcomes; returns the figures."""
        async with self._lock:  # one at a time: an outcome is emitted once per change
            return await self._refresh()

    async def _refresh(self) -> Figures:
        snapshot = dict(self.events)
        figures = await asyncio.to_thread(project, snapshot, self.reference, self.threshold)
        news = changed(figures.outcomes, self.emitted)
        now = self.clock()

        async def work(session: AsyncClientSession) -> None:
            await self.store.save_figures(figures, now, session, previous=self.current)
            await self.store.save_outcomes(news, session)
            await self.outbox.add(session, [Outgoing(self.topic, o.event(now)) for o in news], now)

        await in_transaction(self.client, work)
        self.on_commit()
        self.emitted.update({o.key: o for o in news})
        self.current, self.refreshes = figures, self.refreshes + 1
        log.info("figures refreshed", events=len(snapshot), outcomes_emitted=len(news))
        return figures

    async def run(self) -> None:
        last_reconcile = asyncio.get_running_loop().time()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._dirty.wait(), timeout=self.reconcile_s)
            await self._quiet()
            if asyncio.get_running_loop().time() - last_reconcile >= self.reconcile_s:
                before = len(self.events)
                self.events.update(await self.store.load_events())
                last_reconcile = asyncio.get_running_loop().time()
                if len(self.events) != before:
                    self._dirty.set()
            if not self._dirty.is_set():
                continue
            self._dirty.clear()
            try:
                await self.refresh()
            except Exception as exc:  # database away: keep the events, try again later
                log.warning("refresh failed, will retry", error=repr(exc)[:300])
                self._dirty.set()
                await asyncio.sleep(min(5.0, self.reconcile_s))

    async def _quiet(self) -> None:
        """Wait until no event arrived for ``quiet_s`` (at most 10 quiet spells)."""
        for _ in range(10):
            count = len(self.events)
            await asyncio.sleep(self.quiet_s)
            if len(self.events) == count:
                return

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="reporting-live-projection")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
