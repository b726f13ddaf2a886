"""A single combined KRaft broker+controller, run from the Maven jars as a local process."""

from __future__ import annotations

import time

from msa_ops.infra.aio import run_sync
from msa_ops.infra.errors import InfraError, port_conflict
from msa_ops.infra.java import Reporter, ensure_kafka_jars, require_java
from msa_ops.infra.kafka_config import (
    cds_flags,
    finish_cds,
    format_storage,
    render_properties,
)
from msa_ops.infra.ports import port_open, wait_port_free
from msa_ops.infra.probes import kafka_answers
from msa_ops.infra.procs import ManagedProcess, log_tail
from msa_ops.infra.settings import CONTROLLER_PORT_ENV, KAFKA_PORT_ENV, InfraSettings
from msa_ops.infra.topics import probe_kafka


def _print(message: str) -> None:
    print(message, flush=True)


class LocalKafka:
    """Kafka broker process under var/kafka: start (or reuse), stop, kill, restart."""

    name = "kafka"
    backend = "local"

    def __init__(self, settings: InfraSettings, report: Reporter = _print) -> None:
        self.settings = settings
        self.report = report
        self.home = settings.var_dir / "kafka"
        self.properties = self.home / "server.properties"
        self.data = self.home / "data"
        self.process = ManagedProcess(
            self.home / "kafka.pid", self.home / "kafka.log", str(self.properties)
        )

    @property
    def address(self) -> str:
        """Bootstrap servers string for clients."""
        return f"127.0.0.1:{self.settings.kafka_port}"

    def pid(self) -> int | None:
        """The running broker's pid (None when not running)."""
        return self.process.pid()

    def running_port(self) -> int | None:
        """Broker port of our running process (from its properties), or None if not running."""
        if self.process.pid() is None:
            return None
        for line in self.properties.read_text().splitlines():
            if line.startswith("advertised.listeners="):
                return int(line.rsplit(":", 1)[1])
        return None

    def ensure_started(self) -> bool:
        """Start the broker unless ours already runs; wait until ready. True if started now."""
        running = self.running_port()
        if running is not None:
            if running != self.settings.kafka_port:
                raise InfraError(
                    f"our local Kafka already runs on port {running}, not {KAFKA_PORT_ENV}="
                    f"{self.settings.kafka_port}; run `msa infra down` first"
                )
            self.wait_ready()
            return False
        for port, env in (
            (self.settings.kafka_port, KAFKA_PORT_ENV),
            (self.settings.controller_port, CONTROLLER_PORT_ENV),
        ):
            if not wait_port_free(port, self.settings.port_grace_s):
                raise port_conflict(port, env, "Kafka broker")
        java = require_java()
        lib = ensure_kafka_jars(self.settings.kafka_dir, self.report)
        self.home.mkdir(parents=True, exist_ok=True)
        self.properties.write_text(render_properties(self.settings, self.data))
        base = [
            java,
            f"-Dlog4j2.configurationFile={self.settings.kafka_dir / 'log4j2.xml'}",
            "-cp",
            f"{lib}/*",
        ]
        if not (self.data / "meta.properties").is_file():
            self.report(f"formatting Kafka storage in {self.data}")
            format_storage(base, self.properties)
        heap = self.settings.kafka_heap
        self.report(f"starting Kafka on {self.address} (logs: {self.process.logfile})")
        self.process.spawn(
            [
                *base[:1],
                f"-Xmx{heap}",
                f"-Xms{heap}",
                "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20",
                "-Djava.awt.headless=true",
                *cds_flags(self.home, java, lib),
                *base[1:],
                "kafka.Kafka",
                str(self.properties),
            ],
            cwd=self.home,
        )
        try:
            self.wait_ready()
        except BaseException:
            self.kill()  # leave no half-started broker behind
            raise
        return True

    def wait_ready(self) -> None:
        """Block until a metadata call lists the broker; raise with the log tail on timeout."""
        deadline = time.monotonic() + self.settings.start_timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.pid() is None:
                raise InfraError(
                    f"Kafka exited during startup; last lines of {self.process.logfile}:\n"
                    f"{log_tail(self.process.logfile)}"
                )
            if port_open(self.settings.kafka_port):
                try:
                    run_sync(lambda: probe_kafka(self.address))
                    return
                except Exception as exc:  # not ready yet: keep polling
                    last = exc
            time.sleep(0.25)
        raise InfraError(
            f"Kafka on {self.address} not ready after {self.settings.start_timeout:.0f}s "
            f"(last error: {last!r}); last lines of {self.process.logfile}:\n"
            f"{log_tail(self.process.logfile)}"
        )

    def healthy(self) -> bool:
        """True when the broker answers a metadata call."""
        return kafka_answers(self.address)

    def stop(self) -> bool:
        """Controlled shutdown (SIGTERM, then SIGKILL after the stop timeout)."""
        stopped = self.process.stop(self.settings.stop_timeout)
        finish_cds(self.home, clean_stop=stopped and not self.process.killed)
        return stopped

    def kill(self) -> bool:
        """Crash the broker (SIGKILL)."""
        killed = self.process.kill()
        finish_cds(self.home, clean_stop=False)
        return killed

    def restart(self, hard: bool = False) -> None:
        """Stop (SIGKILL when hard, else SIGTERM) and start again on the same data."""
        if hard:
            self.kill()
        else:
            self.stop()
        self.ensure_started()
