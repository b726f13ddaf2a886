"""The runtime a service's composition root assembles: broker, store, outbox relay,
processor and HTTP app with one lifespan. Every part can be replaced for tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from msa_kit.app import service_app
from msa_kit.auth import TokenVerifier, Verifier
from msa_kit.batch import BatchProcessor
from msa_kit.commit import Commit
from msa_kit.consumers import Consumer
from msa_kit.inbox import Inbox
from msa_kit.kafka import Batching, make_broker, make_producer, subscribe
from msa_kit.lag import LagMonitor, broker_consumers
from msa_kit.logging import get_logger
from msa_kit.mongo import connect, ping
from msa_kit.oidc import OidcOptions, OidcVerifier
from msa_kit.outbox import Outbox
from msa_kit.processing import Clock, Processor, Subscription
from msa_kit.relay import OutboxRelay
from msa_kit.settings import KitSettings
from msa_kit.tracing import Tracing

log = get_logger("msa_kit.runtime")
Hook = Callable[[], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


class ServiceRuntime:
    """Owns the service's connections and background work; ``http_app()`` runs it all."""

    def __init__(
        self,
        settings: KitSettings,
        *,
        clock: Clock = utc_now,
        client: AsyncMongoClient[dict[str, Any]] | None = None,
        broker: KafkaBroker | None = None,
        producer: AIOKafkaProducer | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self.settings = settings
        self.service = settings.service_name
        self.clock = clock
        self.tracing = tracing or Tracing.from_env(self.service)
        self.client = client or connect(settings.mongodb_uri, app_name=f"msa-{self.service}")
        self.db: AsyncDatabase[dict[str, Any]] = self.client[settings.database]
        self.broker = broker or make_broker(
            settings.kafka_bootstrap_servers,
            service=self.service,
            graceful_timeout_s=settings.graceful_timeout_s,
            security=settings.kafka_security,
        )
        self.producer = producer or make_producer(
            settings.kafka_bootstrap_servers,
            service=self.service,
            linger_ms=settings.kafka_linger_ms,
            security=settings.kafka_security,
            compression=settings.kafka_compression,
            max_batch_bytes=settings.kafka_max_batch_bytes,
        )
        self.outbox = Outbox(self.db, source=f"/msa/{self.service}")
        self.inbox = Inbox(self.db)
        self.relay = OutboxRelay(
            self.db, self.producer, poll_s=settings.outbox_poll_s, batch=settings.outbox_batch,
            retention_s=settings.outbox_retention_s, namespace=settings.namespace,
        )  # fmt: skip
        self.processor = Processor(
            self.client, self.inbox, self.outbox,
            service=self.service, clock=clock, max_attempts=settings.max_attempts,
            retry_backoff_s=settings.retry_backoff_s,
            infra_backoff_max_s=settings.infra_backoff_max_s,
            not_yet_wait_s=settings.not_yet_wait_s, on_commit=self.relay.notify,
            tracing=self.tracing,
        )  # fmt: skip
        self.commit = Commit(self.client, self.outbox, clock, self.relay.notify)
        self.batches = BatchProcessor(
            self.processor, self.client, self.inbox, self.outbox,
            service=self.service, clock=clock, on_commit=self.relay.notify,
        )  # fmt: skip
        self.lag = LagMonitor(
            broker_consumers(self.broker), interval_s=settings.metrics_lag_interval_s,
            namespace=settings.namespace,
        )  # fmt: skip
        self.startup_hooks: list[Hook] = []
        self.shutdown_hooks: list[Hook] = []

    def subscribe(self, topics: Sequence[str], sub: Subscription, *, title: str) -> None:
        """Consume ``topics`` in this service's consumer group, in batches unless
        ``PROCESSING_BATCH_MAX`` is 1 (then one transaction per record)."""
        batching = Batching(
            self.settings.processing_batch_max, self.settings.processing_batch_wait_ms
        )
        subscribe(
            self.broker, self.batches if batching.max_records > 1 else self.processor,
            topics, sub, batching=batching, title=title,
            group_id=self.settings.consumer_group, namespace=self.settings.namespace,
        )  # fmt: skip

    def subscribe_all(self, consumers: Iterable[Consumer]) -> None:
        """Register each of a service's consumers (see ``subscribe``)."""
        for consumer in consumers:
            self.subscribe(consumer.topics, consumer.subscription, title=consumer.title)

    async def start(self) -> None:
        await self.outbox.ensure_indexes()
        for hook in self.startup_hooks:
            await hook()
        await self.producer.start()
        self.relay.start()
        await self.broker.start()
        self.lag.start()
        log.info("service started", service=self.service)

    async def stop(self) -> None:
        """Stop consuming, then the relay, flush what is pending and close the connections.

        Every step is bounded, so a broker or store that does not answer cannot hold the
        shutdown (a consumer leaving its group can wait on a coordinator; a flush on a
        partition without a leader). Giving up loses nothing: unmarked outbox records stay
        pending for the next instance, uncommitted offsets are read again (and dropped by
        the inbox). The step that was stuck is logged with its bound."""
        log.info("service stopping", service=self.service)
        bound = self.settings.graceful_timeout_s
        await _step("consumer lag", self.lag.stop(), bound)
        # the broker first waits up to ``bound`` for handlers in flight, then closes consumers
        await _step("consumers", self.broker.stop(), 2 * bound)
        await _step("relay", self.relay.stop(), bound)
        await _step("last outbox flush", self.relay.publish_pending(), bound)
        await _step("producer", self.producer.stop(), bound)
        for hook in self.shutdown_hooks:
            await _step(getattr(hook, "__qualname__", "shutdown hook"), hook(), bound)
        await _step("store connection", self.client.close(), bound)
        await _step("trace export", asyncio.to_thread(self.tracing.shutdown), bound)
        log.info("service stopped", service=self.service)

    async def mongo_ready(self) -> bool:
        return await ping(self.db)

    async def kafka_ready(self) -> bool:
        return bool(await self.broker.ping(timeout=2.0))

    def verifier(self) -> TokenVerifier:
        """OIDC when ``AUTH_OIDC_ISSUER_URL`` is set, else the PEM files (local runs, tests)."""
        s = self.settings
        if s.auth_oidc_issuer_url:
            return OidcVerifier(s.auth_oidc_issuer_url, OidcOptions(
                audience=s.auth_audience, leeway_s=s.auth_leeway_s, timeout_s=s.auth_oidc_timeout_s,
                jwks_cache_s=s.auth_jwks_cache_s, refresh_cooldown_s=s.auth_jwks_refresh_cooldown_s,
                retry_after_s=s.auth_oidc_retry_s, claims=s.claim_rules,
            ))  # fmt: skip
        files = [Path(p) for p in s.auth_public_key_files.split(",") if p.strip()]
        return Verifier.from_files(s.auth_issuer, files, audience=s.auth_audience,
                                   leeway_s=s.auth_leeway_s, claims=s.claim_rules)  # fmt: skip

    def http_app(self, routers: Sequence[APIRouter] = (), **fastapi_args: Any) -> FastAPI:
        """The ASGI app: the service's routes, probes and metrics; its lifespan runs the rest."""
        verifier = self.verifier()

        async def start() -> None:
            if isinstance(verifier, OidcVerifier):  # keys ready for the first request
                await asyncio.to_thread(verifier.warm)
            await self.start()

        app = service_app(
            f"MSA {self.service}", start=start, stop=self.stop, routers=routers,
            checks={"mongodb": self.mongo_ready, "kafka": self.kafka_ready},
            tracing=self.tracing, **fastapi_args,
        )  # fmt: skip
        app.state.verifier = verifier
        return app


async def _step(name: str, work: Awaitable[Any], bound_s: float) -> None:
    """Await one shutdown step for at most ``bound_s``; a failure or timeout is logged, and
    the shutdown goes on."""
    began = asyncio.get_running_loop().time()
    try:
        await asyncio.wait_for(work, bound_s)
    except TimeoutError:
        log.error("shutdown step gave up", step=name, bound_s=bound_s)
        return
    except Exception as exc:
        log.warning("shutdown step failed", step=name, error=repr(exc)[:300])
        return
    log.debug(
        "shutdown step done", step=name, took_s=round(asyncio.get_running_loop().time() - began, 3)
    )
