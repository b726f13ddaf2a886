"""Run the four services as separate processes, the way an operator would: start, wait for
readiness, kill (for fault tests), restart, stop gracefully. Logs go to var/logs/."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from msa_contracts.namespace import Namespace

from msa_ops.groups import consumed_topics, start_group_at_end

SERVICES = ("intake", "casework", "billing", "reporting")
SCHEDULER = "scheduler"
BASE_PORT = 8100
_OFFSETS = {name: i + 1 for i, name in enumerate((*SERVICES, SCHEDULER))}


def port_of(name: str, base_port: int = BASE_PORT) -> int:
    """A service's HTTP port in a stack: base + 1..4 for the services, + 5 the scheduler."""
    return base_port + _OFFSETS[name]


@dataclass
class ServiceProcess:
    """One service process: ``python -m msa_<name>`` with its environment."""

    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", f"msa_{self.name}"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited; see {self.log_path}:\n{self.tail()}")
            if self.ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout_s:.0f}s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks run, like a crashed node."""
        if self.proc and self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout_s: float = 30.0) -> None:
        """SIGTERM, then wait for the graceful shutdown; SIGKILL if it hangs."""
        if not self.proc or not self.alive():
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def restart(self) -> None:
        self.kill()
        self.restarts += 1
        self.start()

    def tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Stack:
    """The services of one run, sharing infrastructure and keys."""

    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        names: Sequence[str],
        *,
        env: Mapping[str, str],
        log_dir: Path,
        base_port: int = BASE_PORT,
        extra: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Stack:
        stack = cls()
        for i, name in enumerate(names):
            port = port_of(name, base_port) if name in _OFFSETS else base_port + 10 + i
            service_env = {
                **os.environ,
                **env,
                "SERVICE_NAME": name,
                "HTTP_PORT": str(port),
                "LOG_JSON": "true",
                **(extra or {}).get(name, {}),
            }
            stack.processes[name] = ServiceProcess(name, port, service_env, log_dir / f"{name}.log")
        return stack

    @classmethod
    async def fresh(
        cls, names: Sequence[str], *, run: str, bootstrap: str, env: Mapping[str, str],
        log_dir: Path, base_port: int = BASE_PORT,
        extra: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Stack:  # fmt: skip
        """Services with their own databases (``<run>_<service>``) and consumer groups
        (``<run>-<service>``) that start at the end of their topics (those of the topic
        namespace MSA_ENV in ``env``, else in the environment): a clean run on a broker and
        store that earlier runs have used."""
        namespace = Namespace.from_env({**os.environ, **env})
        for name in names:
            await start_group_at_end(bootstrap, f"{run}-{name}", consumed_topics(name, namespace))
        per_service = {
            n: {
                "MONGODB_DATABASE": f"{run}_{n}",
                "KAFKA_CONSUMER_GROUP": f"{run}-{n}",
                **(extra or {}).get(n, {}),
            }
            for n in names
        }
        return cls.create(names, env=env, log_dir=log_dir, base_port=base_port, extra=per_service)

    def add_instance(self, name: str, port: int) -> ServiceProcess:
        """Another process of service ``name`` (same database and consumer group, so the
        group's partitions are shared), serving HTTP on ``port``. Keyed ``<name>#<n>``; not
        started."""
        first = self.processes[name]
        n = 1 + sum(1 for p in self.processes.values() if p.name == name)
        key = f"{name}#{n}"
        env = {**first.env, "HTTP_PORT": str(port)}
        log_path = first.log_path.with_name(f"{name}-{n}.log")
        self.processes[key] = ServiceProcess(name, port, env, log_path)
        return self.processes[key]

    def busy_ports(self) -> list[tuple[str, int]]:
        """The processes whose HTTP port another program holds (a readiness probe there
        would answer for the wrong process)."""
        busy = []
        for p in self.processes.values():
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", p.port))
                except OSError:
                    busy.append((p.name, p.port))
        return busy

    def start(self, timeout_s: float = 90.0) -> None:
        for p in self.processes.values():
            p.start()
        for p in self.processes.values():
            p.wait_ready(timeout_s)

    def stop(self) -> None:
        for p in self.processes.values():
            if p.proc and p.alive():
                p.proc.send_signal(signal.SIGTERM)
        for p in self.processes.values():
            p.stop()

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.processes[name]
