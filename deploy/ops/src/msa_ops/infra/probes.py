"""Whether a broker or store answers a real protocol request (used by every backend)."""

from __future__ import annotations

from msa_ops.infra.aio import run_sync
from msa_ops.infra.mongo_rs import ping
from msa_ops.infra.topics import probe_kafka


def kafka_answers(bootstrap: str) -> bool:
    """True when the Kafka cluster at ``bootstrap`` answers a metadata call with a broker."""
    try:
        run_sync(lambda: probe_kafka(bootstrap, timeout_ms=2000))
    except Exception:
        return False
    return True


def answers(component: str, address: str) -> bool:
    """True when ``component`` ("mongo" or "kafka") at ``address`` answers."""
    return ping(address) if component == "mongo" else kafka_answers(address)
