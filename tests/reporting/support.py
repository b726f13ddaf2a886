"""Helpers of reporting's integration tests: tokens, topics, settings, publishing, reading."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from msa_contracts.events import Event
from msa_contracts.topics import CASES as CASES_TOPIC
from msa_contracts.topics import CLOCK as CLOCK_TOPIC
from msa_contracts.topics import LEDGER as LEDGER_TOPIC
from msa_contracts.topics import OUTCOMES as OUTCOMES_TOPIC
from msa_contracts.topics import PERSONS as PERSONS_TOPIC
from msa_contracts.topics import catalogue, dead_letter_topic
from msa_kit.auth import Role, issue_token
from msa_ops.reading import read_to_end
from msa_reporting.settings import ReportingSettings

from tests.kit.support import unique
from tests.reporting.builders import CASES, CLOCK, LEDGER, PERSONS, record, topic_of

ISSUER = "msa-test"


@dataclass(frozen=True)
class Issuer:
    """Signs test tokens with an ES256 key whose public half the app trusts."""

    private_pem: str
    public_file: Path

    @classmethod
    def create(cls, directory: Path) -> Issuer:
        key = ec.generate_private_key(ec.SECP256R1())
        public = directory / "issuer-public.pem"
        public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return cls(private.decode(), public)

    def headers(self, role: Role) -> dict[str, str]:
        token = issue_token(
            self.private_pem,
            issuer=ISSUER,
            subject=f"{role.value}-1",
            role=role,
            now=datetime.now(UTC),
            provider_id="caritas" if role is Role.PROVIDER else None,
        )
        return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Topics:
    """A test's own copies of reporting's topics, configured as in the catalogue."""

    persons: str
    cases: str
    ledger: str
    clock: str
    outcomes: str

    @classmethod
    def fresh(cls) -> Topics:
        return cls(
            *(unique(f"t-{kind}") for kind in ("persons", "cases", "ledger", "clock", "outcomes"))
        )

    def actual(self, catalogue_topic: str) -> str:
        return {PERSONS: self.persons, CASES: self.cases, LEDGER: self.ledger, CLOCK: self.clock}[
            catalogue_topic
        ]

    async def create(self, bootstrap: str, service: str) -> None:
        known = catalogue(())
        pairs = [
            (self.persons, PERSONS_TOPIC),
            (self.cases, CASES_TOPIC),
            (self.ledger, LEDGER_TOPIC),
            (self.clock, CLOCK_TOPIC),
            (self.outcomes, OUTCOMES_TOPIC),
        ]
        new = [
            NewTopic(name, known.topic(like).partitions, 1, topic_configs=known.topic(like).config)
            for name, like in pairs
        ]
        new.append(NewTopic(dead_letter_topic(service), 1, 1))
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.create_topics(new)
        finally:
            await admin.close()

    def settings(
        self, infra: Any, issuer: Issuer, service: str, **overrides: Any
    ) -> ReportingSettings:
        values: dict[str, Any] = {
            "service_name": service,
            "kafka_bootstrap_servers": infra.kafka_bootstrap,
            "mongodb_uri": infra.mongodb_uri,
            "auth_issuer": ISSUER,
            "auth_public_key_files": str(issuer.public_file),
            "reporting_persons_topic": self.persons,
            "reporting_cases_topic": self.cases,
            "reporting_ledger_topic": self.ledger,
            "reporting_clock_topic": self.clock,
            "reporting_outcomes_topic": self.outcomes,
            "reporting_refresh_s": 0.2,
            "retry_backoff_s": 0.01,
            "outbox_poll_s": 0.1,
            "graceful_timeout_s": 5,
        }
        return ReportingSettings(**(values | overrides))


async def publish(bootstrap: str, topics: Topics, events: list[tuple[Event, str]]) -> None:
    """Publish (event, salt) pairs to the test's topics; equal salt and content = same ce_id."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        sends = []
        for event, salt in events:
            rec = record(event, salt)
            sends.append(
                await producer.send(
                    topics.actual(topic_of(event)),
                    rec.value,
                    key=rec.key,
                    headers=list(rec.headers),
                )
            )
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def read_all(bootstrap: str, topic: str) -> list[Any]:
    """Every record of ``topic`` from the beginning to its current end."""
    return await read_to_end(bootstrap, [topic])


async def eventually(check: Any, timeout_s: float = 30.0, every_s: float = 0.2) -> None:
    """Await ``check()`` until it returns truthy (or fail with its last answer)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    last: Any = None
    while asyncio.get_running_loop().time() < deadline:
        last = await check()
        if last:
            return
        await asyncio.sleep(every_s)
    raise AssertionError(f"not reached within {timeout_s}s: {last!r}")
