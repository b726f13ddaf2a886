"""The secured broker of the access-control proofs: started once per test session.

It is a second, separate broker (ports 19392/19393 unless MSA_SECURE_KAFKA_PORT and
MSA_SECURE_KAFKA_CONTROLLER_PORT say otherwise, folder var/secure-kafka/), so it never
touches the plain broker of the `infra` fixture; it is stopped at the end of the session.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from msa_ops.infra.aio import run_sync
from msa_ops.infra.secure_kafka import SecureKafka

from tests.security.clients import producer, send


def _report(message: str) -> None:
    print(f"[secure-kafka] {message}", file=sys.stderr, flush=True)


async def _seed(kafka: SecureKafka) -> None:
    """One record in every topic, written by the super user, so that an allowed read returns
    at once (and a wrongly allowed one fails as such instead of waiting for data)."""
    async with producer(kafka, "admin") as client:
        for topic in kafka.catalogue.all_topics():
            await send(client, topic.name)


@pytest.fixture(scope="session")
def secure_kafka() -> Iterator[SecureKafka]:
    """A running broker with SCRAM users, the catalogue's topics (one record each) and ACLs."""
    with SecureKafka(report=_report) as kafka:
        run_sync(lambda: _seed(kafka))
        yield kafka
