"""Intake's composition root: every dependency is built here, and each can be replaced."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI
from msa_kit.consumers import Consumer
from msa_kit.logging import get_logger
from msa_kit.processing import Clock
from msa_kit.runtime import ServiceRuntime, utc_now

from msa_intake.access_requests import AccessDeps
from msa_intake.adapters.access_store import ensure_access_indexes
from msa_intake.adapters.crypto import IdentityOpener, KeyWrapper, RequestKeys, Vault
from msa_intake.adapters.erasure_log import KafkaErasureLog
from msa_intake.adapters.migrations import seal_clear_vulnerabilities
from msa_intake.adapters.stores import ensure_indexes
from msa_intake.adapters.trimming import NoticeTrimmer
from msa_intake.adapters.units import MongoUnits
from msa_intake.entrypoints.http import router
from msa_intake.entrypoints.http_access import access_router
from msa_intake.entrypoints.http_errors import install_error_handlers
from msa_intake.entrypoints.kafka import Opener, consumers
from msa_intake.erasures import ErasureReplay
from msa_intake.handlers import Deps
from msa_intake.keys import IntakeKeys
from msa_intake.ports import ErasureRecord, Units
from msa_intake.settings import IntakeSettings

log = get_logger("msa_intake.bootstrap")


async def _migrated(migration: Awaitable[int]) -> None:
    if changed := await migration:
        log.info("sealed clear vulnerabilities of stored persons", persons=changed)


def new_person_ref() -> str:
    """A random pseudonym, never derived from the identity."""
    return f"P-{secrets.token_hex(8)}"


def new_request_id() -> str:
    return f"AR-{secrets.token_hex(8)}"


@dataclass
class Intake:
    """The assembled service. ``http_app()`` serves the API; its lifespan runs the rest."""

    settings: IntakeSettings
    runtime: ServiceRuntime
    units: Units
    deps: Deps
    access: AccessDeps
    consumers: list[Consumer]
    erasures: ErasureReplay

    def http_app(self) -> FastAPI:
        app = self.runtime.http_app(
            [router(self.units, self.deps), access_router(self.units, self.access)],
            version="1",
            description="Registers arrivals; holds the only copy of personal data, encrypted.",
        )
        install_error_handlers(app)
        return app


def build(
    settings: IntakeSettings,
    *,
    clock: Clock = utc_now,
    runtime: ServiceRuntime | None = None,
    keys: IntakeKeys | None = None,
    units: Units | None = None,
    new_ref: Callable[[], str] = new_person_ref,
    vault: Vault | None = None,
    open_identity: Opener | None = None,
    erasure_record: ErasureRecord | None = None,
    request_keys: RequestKeys | None = None,
    new_request: Callable[[], str] = new_request_id,
) -> Intake:
    """Assemble intake from ``settings``; keys default to the files the settings name.
    Every erasure on the persons topic is re-applied on start, before anything else runs
    (``INTAKE_REAPPLY_ERASURES``)."""
    keys = keys or IntakeKeys.from_settings(settings)
    runtime = runtime or ServiceRuntime(settings, clock=clock)
    vault = vault or Vault()
    if units is None:
        wrapper = KeyWrapper(keys.master_key)
        units = MongoUnits(
            runtime, keys_database=settings.keys_database,
            wrapper=wrapper, topic=settings.intake_persons_topic,
        )  # fmt: skip
        db, keys_db = runtime.db, runtime.client[settings.keys_database]
        runtime.startup_hooks.append(lambda: ensure_indexes(db))
        runtime.startup_hooks.append(lambda: ensure_access_indexes(db))
        runtime.startup_hooks.append(
            lambda: _migrated(seal_clear_vulnerabilities(db, keys_db, wrapper, vault))
        )
        if settings.trims_notices:
            trimmer = NoticeTrimmer.on_broker(
                topic=settings.namespace.topic(settings.intake_notices_topic),
                bootstrap=settings.kafka_bootstrap_servers,
                security=settings.kafka_security, group=settings.consumer_group,
                interval_s=settings.intake_trim_interval_s,
            )  # fmt: skip
            runtime.startup_hooks.append(trimmer.start)
            runtime.shutdown_hooks.append(trimmer.stop)
    erasures = ErasureReplay(
        erasure_record or KafkaErasureLog(
            settings.namespace.topic(settings.intake_persons_topic),
            settings.kafka_bootstrap_servers, settings.kafka_security,
        ),
        units, backoff_max_s=settings.infra_backoff_max_s,
    )  # fmt: skip
    if settings.intake_reapply_erasures:  # the first hook: before the trimmer, relay, consumers
        runtime.startup_hooks.insert(0, erasures.on_start)
    deps = Deps(pepper=keys.pepper, new_ref=new_ref, vault=vault)
    access = AccessDeps(
        vault=deps.vault, keys=request_keys or RequestKeys(), new_id=new_request,
        timeout=timedelta(seconds=settings.intake_access_timeout_s),
    )  # fmt: skip
    opener = open_identity or IdentityOpener(keys.private_keys)
    subscribed = consumers(
        settings.intake_notices_topic, settings.intake_cases_topic, units, deps, opener
    )
    runtime.subscribe_all(subscribed)
    return Intake(settings, runtime, units, deps, access, subscribed, erasures)
