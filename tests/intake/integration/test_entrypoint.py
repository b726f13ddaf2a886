"""``python -m msa_intake`` serves, gets ready against the real broker and store, and stops
cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from typing import Any

import httpx
import pytest
from msa_contracts.topics import dead_letter_topic
from msa_intake.keys import LocalKeyPaths

from tests.intake.support import ISSUER, Issuer
from tests.kit.support import create_topics, unique

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_service_process_gets_ready_and_stops_on_sigterm(
    infra: Any, intake_keys: LocalKeyPaths, issuer: Issuer
) -> None:
    service, notices, persons = unique("intake"), unique("t-notices"), unique("t-persons")
    await create_topics(infra.kafka_bootstrap, notices, persons, dead_letter_topic(service))
    port = free_port()
    env = os.environ | intake_keys.env() | {
        "SERVICE_NAME": service, "HTTP_PORT": str(port), "LOG_JSON": "true",
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap, "MONGODB_URI": infra.mongodb_uri,
        "INTAKE_NOTICES_TOPIC": notices, "INTAKE_PERSONS_TOPIC": persons,
        "AUTH_ISSUER": ISSUER, "AUTH_PUBLIC_KEY_FILES": str(issuer.public_file),
    }  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "msa_intake", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(150):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("intake did not get ready")
            unauthenticated = await http.get("/audit")
        proc.send_signal(signal.SIGTERM)
        # uvicorn re-raises the signal after its graceful shutdown
        assert await asyncio.wait_for(proc.wait(), timeout=20) in {0, -signal.SIGTERM}
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert unauthenticated.json()["code"] == "missing-token"
    assert proc.stderr is not None
    log = await proc.stderr.read()
    assert b"service started" in log and b"Application shutdown complete" in log
