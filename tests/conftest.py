"""Session-wide fixtures: the real Kafka broker and MongoDB-wire server.

`infra` starts them (or reuses ones already running: env-given, our containers, or our local
processes under var/), creates the catalogue's topics in the session's own topic namespace
(MSA_ENV if set, else ``test<time><pid>``), and exports KAFKA_BOOTSTRAP_SERVERS / MONGODB_URI /
MSA_ENV so subprocesses use them too: a session never shares a topic with a demo or another
session on the same broker. At the end it stops only what this session started itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from msa_ops.infra import Infra, start_infra


def _report(message: str) -> None:
    print(f"[infra] {message}", file=sys.stderr, flush=True)


_used: list[Infra] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which real servers the integration tests produced to, consumed from and wrote to."""
    for running in _used:
        terminalreporter.write_sep("-", "real infrastructure used by the integration tests")
        terminalreporter.write_line(
            f"Kafka broker {running.kafka_bootstrap} ({running.kafka_backend}); "
            f"MongoDB-wire server {running.mongodb_uri} ({running.mongo_backend})"
        )


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    """The running infrastructure (started or reused once per test session)."""
    namespace = os.environ.get("MSA_ENV") or f"test{datetime.now(UTC):%Y%m%d%H%M%S}{os.getpid()}"
    running = start_infra(report=_report, namespace=namespace)
    _used.append(running)
    _report(
        f"kafka={running.kafka_bootstrap} ({running.kafka_backend}), "
        f"mongo={running.mongodb_uri} ({running.mongo_backend}), topics msa.{namespace}.…, "
        f"started here: {sorted(running.started) or 'nothing (reused)'}"
    )
    exported = running.env()
    previous = {key: os.environ.get(key) for key in exported}
    os.environ.update(exported)
    try:
        yield running
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        stopped = running.stop()
        if stopped:
            _report(f"stopped {', '.join(stopped)} (started by this session)")
