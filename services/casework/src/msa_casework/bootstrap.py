"""The composition root: every dependency of casework is made here, and each can be
replaced (runtime, store, reference data, clock) by tests or other deployments."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from msa_contracts.reference import ReferenceData, load_reference
from msa_contracts.topics import catalogue
from msa_kit.access_requests import Collect
from msa_kit.consumers import Consumer
from msa_kit.day_store import show_stored_day
from msa_kit.processing import Clock
from msa_kit.runtime import ServiceRuntime, utc_now

from msa_casework.adapters.access import MongoAccess
from msa_casework.adapters.mongo import MongoStore
from msa_casework.domain.retention import Periods
from msa_casework.domain.rules import Rules
from msa_casework.entrypoints.http import cases_router
from msa_casework.entrypoints.kafka import consumers
from msa_casework.handlers import Handlers
from msa_casework.handlers.deps import Deps
from msa_casework.ports import Store
from msa_casework.settings import CaseworkSettings


@dataclass
class Casework:
    """The assembled service."""

    settings: CaseworkSettings
    runtime: ServiceRuntime
    store: Store
    rules: Rules
    handlers: Handlers
    consumers: list[Consumer]

    def http_app(self) -> FastAPI:
        """The ASGI app: read API, probes and metrics; its lifespan runs the consumers."""
        return self.runtime.http_app([cases_router(self.store.reader())])


def build(
    settings: CaseworkSettings | None = None,
    *,
    clock: Clock = utc_now,
    reference: ReferenceData | None = None,
    runtime: ServiceRuntime | None = None,
    store: Store | None = None,
    access: Collect | None = None,
) -> Casework:
    """Assemble casework. Nothing connects here; ``runtime.start()`` (or the app's lifespan)
    starts consuming."""
    settings = settings or CaseworkSettings()
    reference = reference or load_reference()
    runtime = runtime or ServiceRuntime(settings, clock=clock)
    store = store or MongoStore(runtime.db)
    rules = Rules(
        reference,
        report_tolerance_days=settings.report_tolerance_days,
        max_target_months=settings.plan_max_target_months,
    )
    periods = Periods(case_file_days=settings.case_file_retention_days)
    handlers = Handlers(Deps(store, rules, periods))
    access = access or MongoAccess(runtime.db)
    subscribed = consumers(handlers, catalogue(p.id for p in reference.providers), access)
    runtime.subscribe_all(subscribed)
    runtime.startup_hooks.append(store.ensure_indexes)
    runtime.startup_hooks.append(store.migrate)
    runtime.startup_hooks.append(lambda: show_stored_day(store.unit(None).days))
    return Casework(settings, runtime, store, rules, handlers, subscribed)
