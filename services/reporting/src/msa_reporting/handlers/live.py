"""The live projection: consumed events folded into one in-memory world as they come.

Handlers store each input event (in the kit's transaction, so the store holds exactly the
committed events) and fold it at once into the world, as the replay does; an event is
folded once per partition position (the last folded offset per partition), so a retried
transaction folds nothing twice. On start the world is rebuilt from the store, streamed in
per-partition offset order: a SIGKILL loses or doubles nothing. ``run`` waits until no event
arrived for ``quiet_s`` (at most ten spells), computes the figures from the world (in a
worker thread; events arriving meanwhile wait in a small pending list and are folded right
after), and in one transaction replaces the table documents that changed, records the
measure outcomes that changed and puts them in the outbox for the compacted topic. Every
``reconcile_s`` it folds stored events past its offsets (another instance's partitions).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from msa_contracts.events import DayStarted, Event
from msa_contracts.reference import ReferenceData
from msa_kit.commit import Committer
from msa_kit.day_store import show_day
from msa_kit.logging import get_logger
from msa_kit.outbox import Outgoing
from pymongo.asynchronous.client_session import AsyncClientSession

from msa_reporting.domain.fold import apply
from msa_reporting.domain.outcomes import MeasureOutcome, changed
from msa_reporting.domain.projection import Figures, figures_of
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.world import World
from msa_reporting.ports import Store

log = get_logger("msa_reporting.live")


@dataclass
class LiveProjection:
    store: Store
    commit: Committer
    reference: ReferenceData
    threshold: int
    topic: str
    quiet_s: float = 0.5
    reconcile_s: float = 60.0
    world: World = field(default_factory=World)
    folded: dict[tuple[str, int], int] = field(default_factory=dict)  # last offset folded
    count: int = 0
    emitted: dict[str, MeasureOutcome] = field(default_factory=dict)
    current: Figures | None = None
    refreshes: int = 0
    _pending: list[Stored] | None = None  # while figures are computed from the world
    _dirty: asyncio.Event = field(default_factory=asyncio.Event)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _task: asyncio.Task[None] | None = None

    def add(self, stored: Stored) -> None:
        """Fold a consumed event (kept only while figures are being computed)."""
        if self._pending is not None:
            self._pending.append(stored)
        else:
            self._fold(stored)
        self._dirty.set()

    def _fold(self, stored: Stored) -> None:
        partition = (stored.topic, stored.partition)
        if stored.offset > self.folded.get(partition, -1):
            self._note_tick(stored.event)
            apply(self.world, stored.event)
            self.folded[partition] = stored.offset
            self.count += 1

    def _note_tick(self, event: Event) -> None:
        """The clock only moves forward (the fold keeps the latest day): an earlier tick is
        logged, never applied; the day reached is exported for ``msa clock status``."""
        if not isinstance(event, DayStarted):
            return
        if self.world.clock is not None and event.day < self.world.clock:
            log.warning("tick ignored: earlier than the day already reached",
                        day=event.day.isoformat(), latest=self.world.clock.isoformat())  # fmt: skip
            return
        show_day(event.day)

    async def load(self) -> None:
        """Rebuild the world from what earlier runs stored; read what they emitted."""
        async for stored in self.store.stream_events():
            self._fold(stored)
        self.emitted = await self.store.load_outcomes()
        self._dirty.set()

    async def reconcile(self) -> None:
        """Fold events that another instance stored (partitions past this one's offsets)."""
        before = self.count
        async for stored in self.store.stream_events(after=dict(self.folded)):
            self.add(stored)
        if self.count != before:
            self._dirty.set()

    async def refresh(self) -> Figures:
        """Recompute, save what changed and emit changed measure outcomes; returns the figures."""
        async with self._lock:  # one at a time: an outcome is emitted once per change
            return await self._refresh()

    async def _refresh(self) -> Figures:
        self._pending = []
        try:
            figures = await asyncio.to_thread(
                figures_of, self.world, self.reference, self.threshold, self.count
            )
        finally:
            pending, self._pending = self._pending, None
            for stored in pending:
                self._fold(stored)
        news = changed(figures.outcomes, self.emitted)

        async def work(session: AsyncClientSession, now: datetime) -> tuple[None, list[Outgoing]]:
            await self.store.save_figures(figures, now, session, previous=self.current)
            await self.store.save_outcomes(news, session)
            return None, [Outgoing(self.topic, o.event(now)) for o in news]

        await self.commit(work)
        self.emitted.update({o.key: o for o in news})
        self.current, self.refreshes = figures, self.refreshes + 1
        log.info("figures refreshed", events=figures.events, outcomes_emitted=len(news))
        return figures

    async def run(self) -> None:
        last_reconcile = asyncio.get_running_loop().time()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._dirty.wait(), timeout=self.reconcile_s)
            await self._quiet()
            if asyncio.get_running_loop().time() - last_reconcile >= self.reconcile_s:
                await self.reconcile()
                last_reconcile = asyncio.get_running_loop().time()
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
            count = self.count + len(self._pending or ())
            await asyncio.sleep(self.quiet_s)
            if self.count + len(self._pending or ()) == count:
                return

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="reporting-live-projection")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
