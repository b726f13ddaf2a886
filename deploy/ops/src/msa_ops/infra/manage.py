"""Find the managed servers that run now: status, `down`, and restarts for fault injection."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass

from msa_ops.infra.components import Component, External
from msa_ops.infra.containers import ContainerServer, docker_available
from msa_ops.infra.errors import InfraError
from msa_ops.infra.java import Reporter
from msa_ops.infra.kafka_local import LocalKafka
from msa_ops.infra.lease import Leases, infra_lock
from msa_ops.infra.mongo_local import LocalMongo
from msa_ops.infra.settings import KAFKA_ENV, MONGO_ENV, InfraSettings


@dataclass(frozen=True)
class ComponentStatus:
    """One row of `msa infra status`."""

    name: str
    backend: str
    address: str
    healthy: bool


def running_managed(settings: InfraSettings, report: Reporter = print) -> list[Component]:
    """Local processes (our pid files) and our named containers that run now."""
    found: list[Component] = []
    kafka, mongo = LocalKafka(settings, report), LocalMongo(settings, report)
    if kafka.running_port() is not None:
        found.append(kafka)
    if mongo.running_port() is not None:
        found.append(mongo)
    if docker_available():
        for name, port in (("kafka", settings.kafka_port), ("mongo", settings.mongo_port)):
            server = ContainerServer(name, port, settings.start_timeout)
            if server.existing() is not None:
                found.append(server)
    return found


def infra_status(
    settings: InfraSettings | None = None, env: Mapping[str, str] | None = None
) -> list[ComponentStatus]:
    """Status of Kafka and MongoDB: external (env), managed and running, or 'stopped'."""
    settings = settings or InfraSettings.from_env(env)
    env = os.environ if env is None else env
    managed = {c.name: c for c in running_managed(settings)}
    rows: list[ComponentStatus] = []
    for name, var in (("kafka", KAFKA_ENV), ("mongo", MONGO_ENV)):
        component: Component | None = managed.get(name)
        if env.get(var):
            component = External(name, env[var], var)
        if component is None:
            rows.append(ComponentStatus(name, "stopped", "-", False))
        else:
            rows.append(
                ComponentStatus(name, component.backend, component.address, component.healthy())
            )
    return rows


def stop_infra(
    settings: InfraSettings | None = None, *, wipe: bool = False, report: Reporter = print
) -> list[str]:
    """Stop every managed server (never external ones); with wipe, delete their var/ data."""
    settings = settings or InfraSettings.from_env()
    stopped: list[str] = []
    with infra_lock(settings.var_dir):
        for component in running_managed(settings, report):
            report(f"stopping {component.name} ({component.backend}, {component.address})")
            if component.stop():
                stopped.append(component.name)
        Leases(settings.var_dir).set_pending(set())
    if wipe:
        for sub in ("kafka", "mongo", "secantus", "leases"):
            target = settings.var_dir / sub
            if target.exists():
                report(f"deleting {target}")
                shutil.rmtree(target)
    return stopped


def _restart(name: str, hard: bool, settings: InfraSettings | None) -> None:
    settings = settings or InfraSettings.from_env()
    for component in running_managed(settings):
        if component.name == name:
            component.restart(hard)
            return
    raise InfraError(f"no managed {name} is running (external servers are not restarted)")


def restart_kafka(hard: bool = False, settings: InfraSettings | None = None) -> None:
    """Restart the running managed broker on its data (SIGKILL first when hard)."""
    _restart("kafka", hard, settings)


def restart_mongo(hard: bool = False, settings: InfraSettings | None = None) -> None:
    """Restart the running managed MongoDB-wire server on its data (SIGKILL first when hard)."""
    _restart("mongo", hard, settings)
