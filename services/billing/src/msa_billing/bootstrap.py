"""The composition root: every dependency of billing is made here, and each can be replaced
(runtime, store, command runner, reference data, clock) by tests or other deployments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import FastAPI
from msa_contracts.reference import ReferenceData, load_reference
from msa_contracts.topics import catalogue
from msa_kit.access_requests import Collect, access_consumer
from msa_kit.city_day import city_day
from msa_kit.consumers import Consumer
from msa_kit.day_store import show_stored_day
from msa_kit.processing import Clock
from msa_kit.runtime import ServiceRuntime, utc_now

from msa_billing.adapters.access import MongoAccess
from msa_billing.adapters.commands import TransactionalCommands
from msa_billing.adapters.store import MongoStore
from msa_billing.domain.budgets import check_warning
from msa_billing.domain.checks import Policy
from msa_billing.domain.retention import Periods
from msa_billing.domain.rules import Tariff
from msa_billing.entrypoints.http import Api, billing_router
from msa_billing.entrypoints.kafka import consumers
from msa_billing.handlers import Handlers
from msa_billing.handlers.deps import Deps
from msa_billing.ports import Commands, Store
from msa_billing.settings import BillingSettings


@dataclass
class Billing:
    """The assembled service."""

    settings: BillingSettings
    runtime: ServiceRuntime
    store: Store
    commands: Commands
    policy: Policy
    handlers: Handlers
    consumers: list[Consumer]
    api: Api

    def http_app(self) -> FastAPI:
        """The ASGI app: billing's API, probes and metrics; its lifespan runs the consumers."""
        return self.runtime.http_app(
            [billing_router(self.api)], version="1",
            description="Hour entries, budgets and monthly invoices (Fachleistungsstunden).",
        )  # fmt: skip


def policy_of(reference: ReferenceData, settings: BillingSettings) -> Policy:
    """The billing rules of the reference data with the service's tolerances."""
    return Policy(
        tariff=Tariff.of(reference.billing),
        contracts={p.id: p for p in reference.providers},
        hold_days=settings.billing_hold_days,
        future_tolerance_days=settings.billing_future_tolerance_days,
        warning_percent=check_warning(reference.billing.budget_warning_percent),
    )


def build(
    settings: BillingSettings | None = None,
    *,
    clock: Clock = utc_now,
    reference: ReferenceData | None = None,
    runtime: ServiceRuntime | None = None,
    store: Store | None = None,
    commands: Commands | None = None,
    access: Collect | None = None,
) -> Billing:
    """Assemble billing. Nothing connects here; ``runtime.start()`` (or the app's lifespan)
    starts consuming."""
    settings = settings or BillingSettings()
    reference = reference or load_reference()
    runtime = runtime or ServiceRuntime(settings, clock=clock)
    store = store or MongoStore(runtime.db)
    topics = settings.topics
    commands = commands or TransactionalCommands(runtime, store, topics)
    policy = policy_of(reference, settings)
    periods = Periods(settings.hours_retention_days, settings.invoice_retention_years)
    handlers = Handlers(Deps(store, policy, topics, periods))
    providers = [p.id for p in reference.providers]
    answers = access_consumer("billing", catalogue(providers), access or MongoAccess(runtime.db))
    subscribed = consumers(handlers, topics, providers, runtime.clock, answers)
    runtime.subscribe_all(subscribed)
    runtime.startup_hooks.append(store.ensure_indexes)

    runtime.startup_hooks.append(lambda: show_stored_day(store.unit(None).days))

    async def today() -> date:
        return await store.unit(None).days.latest() or city_day(runtime.clock())

    api = Api(store, commands, today, {p.id: p.name for p in reference.providers},
              {d.id.value: d.de for d in reference.domains})  # fmt: skip
    return Billing(settings, runtime, store, commands, policy, handlers, subscribed, api)
