"""The Component protocol, the external (env-provided) servers, and choosing a backend."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Protocol

from msa_ops.infra.containers import ContainerServer, docker_available
from msa_ops.infra.errors import InfraError
from msa_ops.infra.java import Reporter
from msa_ops.infra.kafka_local import LocalKafka
from msa_ops.infra.mongo_local import LocalMongo
from msa_ops.infra.probes import answers
from msa_ops.infra.settings import BACKEND_ENV, KAFKA_ENV, MONGO_ENV, InfraSettings


class Component(Protocol):
    """A Kafka broker or MongoDB-wire server, however it is provided."""

    @property
    def name(self) -> str:
        """'kafka' or 'mongo'."""

    @property
    def backend(self) -> str:
        """How it is provided: 'local', 'secantusdb', 'mongod', 'testcontainers', 'external'."""

    @property
    def address(self) -> str:
        """Bootstrap servers (Kafka) or connection URI (MongoDB)."""

    def ensure_started(self) -> bool:
        """Start it unless it runs, wait until ready; True if it was started by this call."""

    def healthy(self) -> bool:
        """True when it answers a real protocol request."""

    def stop(self) -> bool:
        """Stop it cleanly (containers are removed); True if something was stopped."""

    def kill(self) -> bool:
        """Crash it (SIGKILL), keeping its data; True if something was killed."""

    def restart(self, hard: bool = False) -> None:
        """Stop (kill, when hard) and start again on the same data; wait until ready."""


class External:
    """A server given by KAFKA_BOOTSTRAP_SERVERS / MONGODB_URI: used as is, never managed."""

    backend = "external"

    def __init__(self, name: str, address: str, env_var: str, wait_s: float = 30.0) -> None:
        self.name = name
        self.address = address
        self.env_var = env_var
        self.wait_s = wait_s

    def ensure_started(self) -> bool:
        """Wait until the server answers (it is not started here); always False."""
        deadline = time.monotonic() + self.wait_s
        while not self.healthy():
            if time.monotonic() > deadline:
                raise InfraError(
                    f"{self.env_var}={self.address} does not answer; start that "
                    f"server or unset {self.env_var} to use a local one"
                )
            time.sleep(0.5)
        return False

    def healthy(self) -> bool:
        """True when the server answers."""
        return answers(self.name, self.address)

    def _refuse(self) -> bool:
        raise InfraError(f"{self.name} comes from {self.env_var} and is not managed here")

    def stop(self) -> bool:
        """Refuse: an external server is not ours to stop."""
        return self._refuse()

    def kill(self) -> bool:
        """Refuse: an external server is not ours to kill."""
        return self._refuse()

    def restart(self, hard: bool = False) -> None:
        """Refuse: an external server is not ours to restart."""
        self._refuse()


def choose_backend(env: Mapping[str, str] | None = None) -> str:
    """'local' or 'containers': $MSA_INFRA_BACKEND, else containers if Docker answers."""
    env = os.environ if env is None else env
    wanted = env.get(BACKEND_ENV, "auto").strip().lower() or "auto"
    if wanted not in ("auto", "local", "containers"):
        raise InfraError(f"{BACKEND_ENV}={wanted!r}: use auto, local or containers")
    if wanted == "auto":
        return "containers" if docker_available() else "local"
    return wanted


def make_components(
    settings: InfraSettings, report: Reporter, env: Mapping[str, str] | None = None
) -> tuple[Component, Component]:
    """Build (kafka, mongo): external where the env names a server, else per the backend."""
    env = os.environ if env is None else env
    kafka_addr, mongo_uri = env.get(KAFKA_ENV, "").strip(), env.get(MONGO_ENV, "").strip()
    backend = "external" if kafka_addr and mongo_uri else choose_backend(env)
    kafka: Component
    mongo: Component
    if kafka_addr:
        kafka = External("kafka", kafka_addr, KAFKA_ENV)
    elif backend == "containers":
        kafka = ContainerServer("kafka", settings.kafka_port, settings.start_timeout)
    else:
        kafka = LocalKafka(settings, report)
    if mongo_uri:
        mongo = External("mongo", mongo_uri, MONGO_ENV)
    elif backend == "containers":
        mongo = ContainerServer("mongo", settings.mongo_port, settings.start_timeout)
    else:
        mongo = LocalMongo(settings, report)
    return kafka, mongo
