"""Kafka readiness probe and idempotent topic creation (aiokafka admin client)."""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from msa_ops.infra.errors import InfraError

_TOPIC_ALREADY_EXISTS = 36


class TopicSpec(Protocol):
    """What ensure_topics needs to know about a topic."""

    @property
    def name(self) -> str: ...

    @property
    def partitions(self) -> int: ...

    @property
    def config(self) -> dict[str, str]: ...


def topic_specs(namespace: str = "") -> list[TopicSpec]:
    """Topics `msa infra up` creates: msa_contracts.topics.catalogue(), if it exists yet,
    named as on the wire in the topic namespace ``namespace`` (none: the logical names)."""
    try:
        module = importlib.import_module("msa_contracts.topics")
        space = importlib.import_module("msa_contracts.namespace")
    except ImportError:
        return []
    return list(module.catalogue().on_wire(space.Namespace(namespace)))


async def probe_kafka(
    bootstrap: str, timeout_ms: int = 3000, *, client: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Return the brokers a metadata call lists; raise if the cluster does not answer.

    `client` holds extra admin-client settings, e.g. SASL credentials."""
    aiokafka_log = logging.getLogger("aiokafka")
    level = aiokafka_log.level
    aiokafka_log.setLevel(logging.CRITICAL)  # connection refusals are expected while polling
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=timeout_ms, **(client or {})
    )
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
    finally:
        await admin.close()
        aiokafka_log.setLevel(level)
    brokers: list[dict[str, Any]] = cluster.get("brokers") or []
    if not brokers:
        raise InfraError(f"Kafka at {bootstrap} answers but lists no registered broker yet")
    return brokers


def _all_led(described: list[dict[str, Any]]) -> bool:
    return all(
        t.get("error_code", 0) == 0
        and t.get("partitions")
        and all(p.get("leader", -1) >= 0 for p in t["partitions"])
        for t in described
    )


async def _wait_leaders(admin: AIOKafkaAdminClient, names: list[str], limit_s: float) -> None:
    try:
        async with asyncio.timeout(limit_s):
            while names:
                if _all_led(await admin.describe_topics(names)):
                    return
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise InfraError(f"topics {names} were created but got no partition leaders") from None


async def ensure_topics(
    bootstrap: str,
    topics: Iterable[TopicSpec],
    *,
    replication_factor: int = 1,
    limit_s: float = 30.0,
    client: Mapping[str, Any] | None = None,
) -> list[str]:
    """Create the topics that do not exist yet; return the names created (idempotent).

    A spec may carry its own `replication_factor`; otherwise the argument is used. Topics
    that already exist (or are created concurrently) are left untouched, even when their
    partitions or config differ from the spec. `client` holds extra admin-client settings,
    e.g. SASL credentials.
    """
    wanted = {spec.name: spec for spec in topics}
    if not wanted:
        return []
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=int(limit_s * 1000), **(client or {})
    )
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [spec for name, spec in wanted.items() if name not in existing]
        if not missing:
            return []
        new = [
            NewTopic(
                spec.name,
                spec.partitions,
                getattr(spec, "replication_factor", None) or replication_factor,
                topic_configs=dict(spec.config),
            )
            for spec in missing
        ]
        response = await admin.create_topics(new, timeout_ms=int(limit_s * 1000))
        created: list[str] = []
        for entry in response.topic_errors:
            name, code = entry[0], entry[1]
            message = entry[2] if len(entry) > 2 else ""
            if code == 0:
                created.append(name)
            elif code != _TOPIC_ALREADY_EXISTS:
                raise InfraError(f"could not create topic {name!r}: error {code}: {message}")
        await _wait_leaders(admin, created, limit_s)
        return sorted(created)
    finally:
        await admin.close()
