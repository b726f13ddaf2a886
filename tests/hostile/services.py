"""The four services assembled in this process through their own composition roots, on the
real store (a fresh database each) but without starting a broker: what each consumes (its
real subscriptions, recorded as it registers them) and its real HTTP app.

Shared by the hostile-input, role-matrix and HTTP-fuzzing proofs, which enumerate topics and
routes from here, so a new subscription or endpoint is covered (or fails a test) at once.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from msa_billing.bootstrap import build as build_billing
from msa_billing.settings import BillingSettings
from msa_casework.bootstrap import build as build_casework
from msa_casework.settings import CaseworkSettings
from msa_contracts.reference import ReferenceData
from msa_intake.bootstrap import build as build_intake
from msa_intake.settings import IntakeSettings
from msa_kit.processing import Disposition, Subscription
from msa_kit.records import RawRecord
from msa_kit.runtime import ServiceRuntime
from msa_kit.settings import KitSettings
from msa_reporting.bootstrap import build as build_reporting
from msa_reporting.settings import ReportingSettings

SERVICES = ("intake", "casework", "billing", "reporting")


class RecordingRuntime(ServiceRuntime):
    """The kit's runtime, remembering every subscription its service registers."""

    def __init__(self, settings: KitSettings) -> None:
        super().__init__(settings)
        self.subscriptions: dict[str, Subscription] = {}

    def subscribe(self, topics: Sequence[str], sub: Subscription, *, title: str) -> None:
        super().subscribe(topics, sub, title=title)
        for topic in topics:
            assert topic not in self.subscriptions, f"{topic} subscribed twice"
            self.subscriptions[topic] = sub


@dataclass
class Assembled:
    """One service: its runtime (with processor and outbox), subscriptions and HTTP app."""

    name: str
    runtime: RecordingRuntime
    app: FastAPI
    offsets: dict[str, int] = field(default_factory=dict)

    @property
    def topics(self) -> list[str]:
        return sorted(self.runtime.subscriptions)

    async def process(self, topic: str, key: bytes | None, value: bytes | None,
                      headers: Sequence[tuple[str, bytes]]) -> Disposition:  # fmt: skip
        """One record through the kit's Processor and the service's real subscription."""
        offset = self.offsets[topic] = self.offsets.get(topic, -1) + 1
        raw = RawRecord(topic, 0, offset, key, value, tuple(headers))
        return await self.runtime.processor.process(raw, self.runtime.subscriptions[topic])

    def endpoints(self) -> list[Endpoint]:
        """The service's own endpoints (probes and metrics excluded: they take no input)."""
        found = sorted(set(_walk(self.app.routes, "")))
        return [e for e in found if e.path not in PROBES]


PROBES = {"/healthz", "/readyz", "/metrics"}


@dataclass(frozen=True, order=True)
class Endpoint:
    method: str
    path: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _walk(routes: Sequence[Any], prefix: str) -> Iterator[Endpoint]:
    # FastAPI 0.16x keeps included routers as branches (no public accessor): descend into them.
    for route in routes:
        if isinstance(route, APIRoute):
            for method in sorted(set(route.methods or ()) - {"HEAD"}):
                yield Endpoint(method, prefix + route.path)
        elif hasattr(route, "original_router"):
            context = getattr(route, "include_context", None)
            inner = prefix + str(getattr(context, "prefix", "") or "")
            yield from _walk(route.original_router.routes, inner)


def settings_for(name: str, env: dict[str, str], run: str) -> KitSettings:
    values: dict[str, Any] = {k.lower(): v for k, v in env.items()}
    values |= {"mongodb_database": f"{run}_{name}", "retry_backoff_s": 0.0, "max_attempts": 2}
    kinds: dict[str, type[KitSettings]] = {
        "intake": IntakeSettings, "casework": CaseworkSettings,
        "billing": BillingSettings, "reporting": ReportingSettings,
    }  # fmt: skip
    return kinds[name](**values)


def _assemble(name: str, settings: KitSettings, reference: ReferenceData) -> Assembled:
    runtime = RecordingRuntime(settings)
    if name == "intake":
        assert isinstance(settings, IntakeSettings)
        app = build_intake(settings, runtime=runtime).http_app()
    elif name == "casework":
        assert isinstance(settings, CaseworkSettings)
        app = build_casework(settings, reference=reference, runtime=runtime).http_app()
    elif name == "billing":
        assert isinstance(settings, BillingSettings)
        app = build_billing(settings, reference=reference, runtime=runtime).http_app()
    else:
        assert isinstance(settings, ReportingSettings)
        app = build_reporting(settings, reference=reference, runtime=runtime).http_app()
    return Assembled(name, runtime, app)


@asynccontextmanager
async def assembled(
    env: dict[str, str], reference: ReferenceData, run: str | None = None
) -> AsyncIterator[dict[str, Assembled]]:
    """All four services on fresh databases; their stores' indexes are created (the start-up
    hooks), but no consumer, relay or producer runs. The databases are dropped afterwards."""
    run = run or f"hostile{uuid.uuid4().hex[:6]}"
    services = {n: _assemble(n, settings_for(n, env, run), reference) for n in SERVICES}
    try:
        for service in services.values():
            await service.runtime.outbox.ensure_indexes()
            for hook in service.runtime.startup_hooks:
                if getattr(hook, "__name__", "") != "start_live":
                    await hook()
        yield services
    finally:
        for service in services.values():
            client = service.runtime.client
            for db in await client.list_database_names():
                if db.startswith(f"{run}_"):
                    await client.drop_database(db)
            await client.close()
