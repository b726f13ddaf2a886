"""The broker's server.properties and the one-time KRaft storage format."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import uuid
from pathlib import Path

from msa_ops.infra.errors import InfraError
from msa_ops.infra.settings import InfraSettings

_PROPERTIES = """\
# Written by `msa infra up` on every start; edit msa_ops/infra/kafka_local.py instead.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:{controller}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
"""

# What both local brokers (this one and the SASL/ACL one of msa_ops.infra.secure_config) share:
# a single combined node on one disk, every internal topic with one replica, quick to restart.
SINGLE_NODE = """\
log.dirs={data}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# A SIGKILLed broker's old registration must expire before it can re-register: keep it short.
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
auto.create.topics.enable=false
num.network.threads=2
num.io.threads={io_threads}
log.cleaner.dedupe.buffer.size=16777216
# Retention is checked every 5 s (Kafka's default: 5 min), so a topic whose retention a test
# shortens is trimmed within seconds (tests/retention/test_expiry_scan.py).
log.retention.check.interval.ms=5000
"""


def render_properties(settings: InfraSettings, data: Path) -> str:
    """Return server.properties for a single combined node on 127.0.0.1."""
    head = _PROPERTIES.format(port=settings.kafka_port, controller=settings.controller_port)
    return head + SINGLE_NODE.format(data=data, io_threads=4)


def new_cluster_id() -> str:
    """Return a random Kafka cluster id (base64url of 16 random bytes, like Uuid.randomUuid).

    Like Kafka's own, never one that starts with '-': the storage tool would read it as an
    option ("--cluster-id: expected one argument"), which failed one start in 64."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def format_storage(java_base: list[str], properties: Path) -> str:
    """Format the KRaft storage named by properties (standalone voter); return the cluster id."""
    cluster_id = new_cluster_id()
    argv = [
        *java_base,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        cluster_id,
        "-c",
        str(properties),
        "--standalone",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise InfraError(f"formatting Kafka storage failed ({' '.join(argv)}):\n{tail}")
    return cluster_id


def cds_flags(home: Path, java: str, lib: Path) -> list[str]:
    """JVM flags for an application class-data archive, which halves the broker's startup.

    Without an archive, the JVM writes `<archive>.tmp` when it exits; finish_cds() keeps it
    only after a clean stop. The archive is keyed by the java executable and the jar set, so
    a new JDK or new jars get a fresh one (the JVM ignores an archive it cannot use).
    """
    marker = lib / ".msa-complete"
    jars = marker.read_text() if marker.is_file() else ""
    key = hashlib.sha256(f"{java}|{lib}|{jars}".encode()).hexdigest()[:12]
    archive = home / f"classes-{key}.jsa"
    quiet = "-Xlog:cds*=off"  # thousands of "Skipping ..." warnings otherwise
    if archive.is_file():
        return [quiet, f"-XX:SharedArchiveFile={archive}"]
    return [quiet, f"-XX:ArchiveClassesAtExit={archive}.tmp"]


def finish_cds(home: Path, clean_stop: bool) -> None:
    """Keep archives written during a clean stop; drop ones a kill may have cut short."""
    for partial in home.glob("classes-*.jsa.tmp"):
        if clean_stop:
            partial.replace(partial.with_suffix(""))
        else:
            partial.unlink(missing_ok=True)
