"""Where the infrastructure lives (repo root, var/) and which ports it uses."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from msa_ops.infra.errors import InfraError

KAFKA_PORT_ENV = "MSA_KAFKA_PORT"
CONTROLLER_PORT_ENV = "MSA_KAFKA_CONTROLLER_PORT"
MONGO_PORT_ENV = "MSA_MONGO_PORT"
BACKEND_ENV = "MSA_INFRA_BACKEND"
KAFKA_ENV = "KAFKA_BOOTSTRAP_SERVERS"
NAMESPACE_ENV = "MSA_ENV"
MONGO_ENV = "MONGODB_URI"


def repo_root() -> Path:
    """Return the workspace root: $MSA_ROOT, else the first parent holding deploy/kafka/pom.xml."""
    override = os.environ.get("MSA_ROOT")
    if override:
        return Path(override).resolve()
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if (candidate / "deploy" / "kafka" / "pom.xml").is_file():
                return candidate
    raise InfraError("cannot find the repository root (deploy/kafka/pom.xml); set MSA_ROOT")


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise InfraError(f"{name}={raw!r} is not a port number") from None
    if not 0 < port < 65536:
        raise InfraError(f"{name}={port} is outside 1..65535")
    return port


@dataclass(frozen=True)
class InfraSettings:
    """Paths, ports and timeouts of the locally started infrastructure."""

    root: Path
    var_dir: Path
    kafka_port: int = 19092
    controller_port: int = 19093
    mongo_port: int = 27217
    kafka_heap: str = "512m"
    # SecantusDB loses the last acknowledged writes on SIGKILL unless it fsyncs each commit;
    # crash tests need committed data to survive, like a journaled mongod replica set.
    sync_on_commit: bool = True
    start_timeout: float = 90.0
    port_grace_s: float = 2.0  # how long a taken port may take to free up (e.g. after a kill)
    stop_timeout: float = 30.0
    namespace: str = ""  # MSA_ENV: the topic namespace of what runs against these servers

    @property
    def kafka_dir(self) -> Path:
        """Folder of the Maven project that fetches the broker jars."""
        return self.root / "deploy" / "kafka"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> InfraSettings:
        """Read ports and the var/ folder from the environment (defaults otherwise)."""
        env = os.environ if env is None else env
        root = repo_root()
        var_dir = Path(env.get("MSA_VAR_DIR") or root / "var").resolve()
        return cls(
            root=root,
            var_dir=var_dir,
            kafka_port=_port(env, KAFKA_PORT_ENV, 19092),
            controller_port=_port(env, CONTROLLER_PORT_ENV, 19093),
            mongo_port=_port(env, MONGO_PORT_ENV, 27217),
            kafka_heap=env.get("MSA_KAFKA_HEAP", "512m"),
            sync_on_commit=env.get("MSA_SECANTUS_SYNC_ON_COMMIT", "1") != "0",
            start_timeout=float(env.get("MSA_INFRA_START_TIMEOUT", "90")),
            namespace=env.get(NAMESPACE_ENV, "").strip(),
        )
