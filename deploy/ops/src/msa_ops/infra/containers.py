"""Kafka and MongoDB in Docker via testcontainers (used when a Docker engine answers).

Containers get fixed names and fixed host ports (the same ports as the local processes), so
`msa infra up` reuses them, `msa infra down` removes them, and they survive the CLI process
(the Ryuk reaper is disabled). testcontainers and docker are imported lazily: they are dev
dependencies, and most machines here have no Docker engine.
"""

from __future__ import annotations

import time
from typing import Any

from msa_ops.infra.container_specs import MONGO_INNER_PORT, start_container
from msa_ops.infra.errors import InfraError
from msa_ops.infra.mongo_rs import ensure_primary
from msa_ops.infra.probes import answers


def docker_available() -> bool:
    """True when testcontainers is installed and a Docker engine answers a ping."""
    try:
        import docker
        import testcontainers  # noqa: F401
    except ImportError:
        return False
    try:
        client = docker.from_env(timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # DockerException, connection and permission errors: no engine
        return False


class ContainerServer:
    """One named container (component 'kafka' or 'mongo') bound to a fixed host port."""

    backend = "testcontainers"

    def __init__(self, name: str, port: int, start_timeout: float) -> None:
        from testcontainers.core.docker_client import DockerClient

        self.name = name
        self.port = port
        self.start_timeout = start_timeout
        self.container_name = f"msa-{name}"
        self.host = DockerClient().host()

    @property
    def address(self) -> str:
        """Bootstrap servers (Kafka) or URI (MongoDB) for clients on this machine."""
        if self.name == "kafka":
            return f"{self.host}:{self.port}"
        return f"mongodb://{self.host}:{self.port}/?directConnection=true"

    def existing(self) -> Any:
        """The docker SDK container of this name, or None."""
        import docker
        from docker.errors import NotFound

        try:
            return docker.from_env().containers.get(self.container_name)
        except NotFound:
            return None

    def ensure_started(self) -> bool:
        """Reuse the running container of this name (restart it if stopped), else create it."""
        existing = self.existing()
        started = existing is None or existing.status != "running"
        if existing is None:
            start_container(self.name, self.container_name, self.port, self.host)
        elif started:
            existing.start()
        self.wait_ready()
        return started

    def wait_ready(self) -> None:
        """Block until Kafka lists its broker / MongoDB is a replica-set primary."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.healthy():
                if self.name == "mongo":
                    member = f"127.0.0.1:{MONGO_INNER_PORT}"
                    ensure_primary(self.address, "rs0", member, self.start_timeout)
                return
            time.sleep(0.5)
        raise InfraError(f"container {self.container_name} not ready at {self.address}")

    def healthy(self) -> bool:
        """True when the service in the container answers."""
        return answers(self.name, self.address)

    def stop(self) -> bool:
        """Remove the container together with its data (what `msa infra down` does)."""
        existing = self.existing()
        if existing is not None:
            existing.remove(force=True, v=True)
        return existing is not None

    def kill(self) -> bool:
        """Crash the service (SIGKILL); the container and its data stay for a restart."""
        existing = self.existing()
        if existing is not None:
            existing.kill()
        return existing is not None

    def restart(self, hard: bool = False) -> None:
        """Stop (or kill, when hard) the container and start it again with its data."""
        existing = self.existing()
        if existing is not None and hard:
            existing.kill()
        elif existing is not None:
            existing.stop(timeout=30)
        self.ensure_started()
