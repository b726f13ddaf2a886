"""Reporting's composition root: every dependency is built here, and each can be replaced."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass

from fastapi import FastAPI
from msa_contracts.reference import ReferenceData, load_reference
from msa_contracts.topics import catalogue
from msa_kit.access_requests import access_consumer
from msa_kit.commit import Committer
from msa_kit.consumers import Consumer
from msa_kit.logging import get_logger
from msa_kit.processing import Clock
from msa_kit.runtime import ServiceRuntime, utc_now

from msa_reporting.access import StoredEventsAccess
from msa_reporting.adapters.migrations import upcast_archive
from msa_reporting.adapters.mongo import MongoStore
from msa_reporting.domain.projection import Figures
from msa_reporting.domain.table import FigureTable
from msa_reporting.entrypoints import dashboard, http
from msa_reporting.entrypoints.kafka import consumers
from msa_reporting.handlers.live import LiveProjection
from msa_reporting.handlers.record import make_recorder
from msa_reporting.ports import Store
from msa_reporting.settings import ReportingSettings

log = get_logger("msa_reporting.bootstrap")


async def _migrated(migration: Awaitable[int]) -> None:
    if changed := await migration:
        log.info("rewrote archived events of superseded versions", documents=changed)


@dataclass
class Reporting:
    """The assembled service. ``http_app()`` serves API and dashboard; its lifespan runs the
    consumers, the outbox relay and the live projection."""

    settings: ReportingSettings
    runtime: ServiceRuntime
    store: Store
    live: LiveProjection
    reference: ReferenceData
    consumers: list[Consumer]

    def http_app(self) -> FastAPI:
        return self.runtime.http_app(
            [http.router(self.store, self.reference), dashboard.router(self.store, self.reference)],
            version="1",
            description="Measure-plan figures with small-cell suppression, and a dashboard.",
        )

    async def true_figures(self) -> dict[str, FigureTable]:
        """The unsuppressed tables, as last saved. Internal: for tests and the quarter's
        ground-truth check, never served over HTTP."""
        return await self.store.load_true()

    async def refresh(self) -> Figures:
        """Recompute now (tests use it instead of waiting for the quiet spell)."""
        return await self.live.refresh()


def build(
    settings: ReportingSettings,
    *,
    clock: Clock = utc_now,
    runtime: ServiceRuntime | None = None,
    reference: ReferenceData | None = None,
    store: Store | None = None,
    commit: Committer | None = None,
) -> Reporting:
    """Assemble reporting from ``settings``; ``store`` and ``commit`` default to the
    runtime's database and its transactions."""
    reference = reference or load_reference()
    runtime = runtime or ServiceRuntime(settings, clock=clock)
    if store is None:
        store, db = MongoStore(runtime.db), runtime.db
        runtime.startup_hooks.append(lambda: _migrated(upcast_archive(db)))
    live = LiveProjection(
        store, commit or runtime.commit, reference, settings.suppression_threshold,
        settings.reporting_outcomes_topic, quiet_s=settings.reporting_refresh_s,
        reconcile_s=settings.reporting_reconcile_s,
    )  # fmt: skip
    subscribed = consumers(settings.input_topics, make_recorder(store, live))
    access = StoredEventsAccess(store, settings.suppression_threshold)
    subscribed.append(access_consumer("reporting", catalogue(providers=()), access))
    runtime.subscribe_all(subscribed)

    async def start_live() -> None:
        await live.load()
        live.start()

    runtime.startup_hooks.append(start_live)
    runtime.shutdown_hooks.append(live.stop)
    return Reporting(settings, runtime, store, live, reference, subscribed)
