"""A second local Kafka broker with SASL/SCRAM and Kafka's ACL authorizer, for access proofs.

It runs beside the plain broker of `msa infra up` (own ports, own folder var/secure-kafka/,
fresh storage on every start) and is set up from the topic catalogue alone: one SCRAM user
per generated Strimzi KafkaUser plus the super user `admin` (stored at format time with
`kafka-storage format --add-scram`), the catalogue's topics, and exactly the ACL bindings
those KafkaUser manifests declare. Passwords are random per start and kept in memory.
Usage: `with SecureKafka() as k: AIOKafkaProducer(**k.client("provider-caritas"))`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from msa_contracts.topics import Catalogue, catalogue

from msa_ops.deploy.kafka import kafka_users
from msa_ops.infra import secure_config as cfg
from msa_ops.infra.aio import run_sync
from msa_ops.infra.errors import InfraError, port_conflict
from msa_ops.infra.java import Reporter, ensure_kafka_jars, require_java
from msa_ops.infra.kafka_config import cds_flags, finish_cds, new_cluster_id
from msa_ops.infra.ports import wait_port_free
from msa_ops.infra.procs import ManagedProcess, log_tail
from msa_ops.infra.secure_acls import AclBinding, bindings, parse_acl_listing
from msa_ops.infra.secure_protocol import create_acls
from msa_ops.infra.settings import InfraSettings, _port
from msa_ops.infra.topics import TopicSpec, ensure_topics, probe_kafka

SECURE_PORT_ENV = "MSA_SECURE_KAFKA_PORT"
SECURE_CONTROLLER_PORT_ENV = "MSA_SECURE_KAFKA_CONTROLLER_PORT"


class SecureKafka:
    """The secured broker process: start() provisions users, topics and ACLs; stop() ends it."""

    def __init__(
        self,
        settings: InfraSettings | None = None,
        *,
        home: Path | None = None,
        port: int | None = None,
        controller_port: int | None = None,
        cat: Catalogue | None = None,
        report: Reporter = print,
    ) -> None:
        self.settings = settings or InfraSettings.from_env()
        env = os.environ
        self.port = port or _port(env, SECURE_PORT_ENV, 19392)
        self.controller_port = controller_port or _port(env, SECURE_CONTROLLER_PORT_ENV, 19393)
        self.home = home or self.settings.var_dir / "secure-kafka"
        self.properties = self.home / "server.properties"
        self.data = self.home / "data"
        self.admin_config = self.home / "admin.properties"
        self.process = ManagedProcess(
            self.home / "kafka.pid", self.home / "kafka.log", str(self.properties)
        )
        self.report = report
        self.catalogue = cat or catalogue()
        self.kafka_users = kafka_users(self.catalogue)  # the Strimzi manifests, as generated
        self.acls: list[AclBinding] = bindings(self.kafka_users)
        names = [cfg.ADMIN, *(u["metadata"]["name"] for u in self.kafka_users)]
        self.passwords = {name: cfg.new_password() for name in names}
        self._tool: list[str] = []  # java command line of Kafka's command-line tools

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def client(self, user: str, password: str | None = None) -> dict[str, Any]:
        """aiokafka keyword arguments logging in as user (with its password unless given)."""
        secret = self.passwords[user] if password is None else password
        return {"bootstrap_servers": self.address, **cfg.sasl_settings(user, secret)}

    def start(self) -> None:
        """Format fresh storage with the SCRAM users, start the broker, create topics and ACLs."""
        if (pid := self.process.pid()) is not None:
            raise InfraError(f"a secure Kafka broker already runs from {self.home}: kill {pid}")
        ports = ((self.port, SECURE_PORT_ENV), (self.controller_port, SECURE_CONTROLLER_PORT_ENV))
        for port, env in ports:
            if not wait_port_free(port, self.settings.port_grace_s):
                raise port_conflict(port, env, "secure Kafka broker")
        java = require_java()
        lib = ensure_kafka_jars(self.settings.kafka_dir, self.report)
        cds = cds_flags(self.home, java, lib)  # the broker's class-data archive, when there is one
        shared = [flag for flag in cds if not flag.startswith("-XX:ArchiveClassesAtExit")]
        self._tool = cfg.java_command(java, [*cfg.TOOL_JVM, *shared], self.settings.kafka_dir, lib)
        shutil.rmtree(self.data, ignore_errors=True)
        self.home.mkdir(parents=True, exist_ok=True)
        secret = self.passwords[cfg.ADMIN]
        props = cfg.render_secure_properties(self.port, self.controller_port, self.data, secret)
        cfg.write_private(self.properties, props)
        cfg.write_private(self.admin_config, cfg.command_config(secret))
        argv = cfg.format_command(self._tool, self.properties, new_cluster_id(), self.passwords)
        cfg.run_tool(argv, "formatting the secure broker's storage")
        self.report(f"starting the secure Kafka broker on {self.address} ({self.process.logfile})")
        broker = cfg.java_command(java, [*cfg.BROKER_JVM, *cds], self.settings.kafka_dir, lib)
        self.process.spawn([*broker, "kafka.Kafka", str(self.properties)], cwd=self.home)
        try:
            self._wait_ready()
            admin = cfg.sasl_settings(cfg.ADMIN, secret)
            topics = self.catalogue.all_topics()
            run_sync(lambda: provision(self.address, admin, topics, self.acls, self.client))
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        admin = cfg.sasl_settings(cfg.ADMIN, self.passwords[cfg.ADMIN])
        deadline = time.monotonic() + self.settings.start_timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.pid() is None:
                raise InfraError(f"the secure broker exited:\n{log_tail(self.process.logfile)}")
            try:
                run_sync(lambda: probe_kafka(self.address, client=admin))
                return
            except Exception as exc:  # not ready yet: keep polling
                last = exc
            time.sleep(0.25)
        tail = log_tail(self.process.logfile)
        raise InfraError(f"the secure broker is not ready ({last!r}):\n{tail}")

    def list_acls(self) -> list[AclBinding]:
        """The broker's ACLs as Kafka's own AclCommand lists them (logged in as admin)."""
        argv = cfg.acl_list_command(self._tool, self.address, self.admin_config)
        return parse_acl_listing(cfg.run_tool(argv, "listing ACLs with AclCommand"))

    def stop(self) -> bool:
        """Stop the broker (SIGTERM, SIGKILL after the stop timeout) and drop its storage."""
        stopped = self.process.stop(self.settings.stop_timeout)
        finish_cds(self.home, clean_stop=stopped and not self.process.killed)
        shutil.rmtree(self.data, ignore_errors=True)
        self.admin_config.unlink(missing_ok=True)
        return stopped

    def __enter__(self) -> SecureKafka:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


async def provision(
    bootstrap: str,
    admin: Mapping[str, Any],
    topics: Iterable[TopicSpec],
    rules: list[AclBinding],
    login: Callable[[str], dict[str, Any]],
) -> None:
    """Create the topics and the ACL bindings as admin, then wait until the broker enforces
    them: it applies ACL records shortly after the controller commits them, so poll until
    the last topic rule works for its user (`login(user)` gives that user's client settings).
    """
    await ensure_topics(bootstrap, topics, client=admin)
    await create_acls(bootstrap, admin, rules)
    last = [b for b in rules if b.resource == "TOPIC"][-1]
    client = AIOKafkaAdminClient(**login(last.principal.removeprefix("User:")))
    try:
        await client.start()
        for _ in range(150):
            if not (await client.describe_topics([last.name]))[0].get("error_code"):
                return
            await asyncio.sleep(0.1)
    finally:
        await client.close()
    raise InfraError(f"the ACLs were created but {last} is not enforced after 15 s")
