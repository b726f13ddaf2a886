"""Authentication at the secured broker: only a known SCRAM user with its own password gets
in; the refusal comes from the SASL exchange itself, before any request is served."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.conn import create_conn
from aiokafka.errors import KafkaConnectionError, SaslAuthenticationFailed
from msa_ops.infra.secure_kafka import SecureKafka

from tests.security.clients import LIMIT_S, producer, user_of

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

CARITAS_USER = user_of("caritas")


@pytest.mark.parametrize("case", ["wrong password", "another user's password", "unknown user"])
async def test_bad_credentials_are_refused_at_authentication(
    secure_kafka: SecureKafka, case: str
) -> None:
    user, password = {
        "wrong password": (CARITAS_USER, "not-the-password"),
        "another user's password": (CARITAS_USER, secure_kafka.passwords[user_of("diakonie")]),
        "unknown user": ("provider-nobody", "whatever"),
    }[case]
    host, port = secure_kafka.address.split(":")

    def login(name: str, secret: str | None = None) -> dict[str, Any]:
        settings = secure_kafka.client(name, secret)
        return {k: v for k, v in settings.items() if k != "bootstrap_servers"}

    good = await create_conn(host, int(port), request_timeout_ms=10_000, **login(CARITAS_USER))
    good.close()  # the right password logs in by the same path
    with pytest.raises(SaslAuthenticationFailed):
        await create_conn(host, int(port), request_timeout_ms=10_000, **login(user, password))
    with pytest.raises(KafkaConnectionError):  # a client cannot even bootstrap
        async with producer(secure_kafka, user, password):
            pass


async def test_client_without_sasl_is_refused(secure_kafka: SecureKafka) -> None:
    client = AIOKafkaProducer(bootstrap_servers=secure_kafka.address, request_timeout_ms=5000)
    try:
        with pytest.raises(KafkaConnectionError):
            async with asyncio.timeout(LIMIT_S):
                await client.start()
    finally:
        await client.stop()
