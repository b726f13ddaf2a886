"""Configuration of the secured local broker: SASL/SCRAM listeners and Kafka's ACL authorizer.

Clients log in with SCRAM-SHA-512 (SASL_PLAINTEXT); the loopback controller listener takes
SASL/PLAIN with one static user, the admin, so no listener knows an ANONYMOUS principal.
`User:admin` is the only super user; all others get exactly the catalogue's ACLs.
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from msa_ops.infra.errors import InfraError
from msa_ops.infra.kafka_config import SINGLE_NODE

ADMIN = "admin"
MECHANISM = "SCRAM-SHA-512"
BROKER_JVM = ("-Xmx384m", "-XX:+UseG1GC", "-Djava.awt.headless=true")
TOOL_JVM = ("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")  # short-lived tools
AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
_SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule"
_PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule"

_PROPERTIES = """\
# Written by msa_ops.infra.secure_kafka on every start; edit msa_ops/infra/secure_config.py.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:{controller}
listeners=CLIENTS://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=CLIENTS://127.0.0.1:{port}
listener.security.protocol.map=CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=CLIENTS
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms={mechanism}
sasl.mechanism.inter.broker.protocol={mechanism}
listener.name.clients.{mechanism_lower}.sasl.jaas.config={broker_jaas}
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config={controller_jaas}
authorizer.class.name={authorizer}
super.users=User:{admin}
allow.everyone.if.no.acl.found=false
offsets.topic.num.partitions=1
"""


def java_command(java: str, jvm: Sequence[str], kafka_dir: Path, lib: Path) -> list[str]:
    """java with JVM flags, the broker's log4j2 configuration and the Kafka jars."""
    log4j = f"-Dlog4j2.configurationFile={kafka_dir / 'log4j2.xml'}"
    return [java, *jvm, log4j, "-cp", f"{lib}/*"]


def format_command(
    base: list[str], properties: Path, cluster_id: str, passwords: Mapping[str, str]
) -> list[str]:
    """`kafka-storage format` of a standalone voter, with a SCRAM credential per user."""
    args = ["-t", cluster_id, "-c", str(properties), "--standalone"]
    return [*base, "kafka.tools.StorageTool", "format", *args, *scram_arguments(passwords)]


def acl_list_command(base: list[str], bootstrap: str, command_config: Path) -> list[str]:
    """Kafka's own AclCommand listing every ACL, logged in with a `--command-config` file."""
    login = ["--bootstrap-server", bootstrap, "--command-config", str(command_config)]
    return [*base, "org.apache.kafka.tools.AclCommand", *login, "--list"]


def run_tool(argv: list[str], what: str) -> str:
    """Run one of Kafka's command-line classes; return its output or raise with its tail."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise InfraError(f"{what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner may read (it holds a password)."""
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(text)


def new_password() -> str:
    """A random password of URL-safe characters (safe in JAAS and `--add-scram` syntax)."""
    return secrets.token_urlsafe(18)


def render_secure_properties(port: int, controller: int, data: Path, admin_password: str) -> str:
    """server.properties of a single combined node with SCRAM clients and the ACL authorizer."""
    pw = admin_password
    return _PROPERTIES.format(
        port=port,
        controller=controller,
        admin=ADMIN,
        mechanism=MECHANISM,
        mechanism_lower=MECHANISM.lower(),
        authorizer=AUTHORIZER,
        broker_jaas=f'{_SCRAM_LOGIN} required username="{ADMIN}" password="{pw}";',
        controller_jaas=(
            f'{_PLAIN_LOGIN} required username="{ADMIN}" password="{pw}" user_{ADMIN}="{pw}";'
        ),
    ) + SINGLE_NODE.format(data=data, io_threads=2)


def scram_arguments(passwords: Mapping[str, str]) -> list[str]:
    """`kafka-storage format` arguments that store a SCRAM credential for every user."""
    args: list[str] = []
    for user, password in sorted(passwords.items()):
        args += ["--add-scram", f"{MECHANISM}=[name={user},password={password}]"]
    return args


def command_config(admin_password: str) -> str:
    """Client properties for Kafka's Java tools (`--command-config`), logged in as admin."""
    return (
        "security.protocol=SASL_PLAINTEXT\n"
        f"sasl.mechanism={MECHANISM}\n"
        f'sasl.jaas.config={_SCRAM_LOGIN} required username="{ADMIN}" '
        f'password="{admin_password}";\n'
    )


def sasl_settings(user: str, password: str) -> dict[str, Any]:
    """aiokafka client keyword arguments that log in as one SCRAM user."""
    return {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": MECHANISM,
        "sasl_plain_username": user,
        "sasl_plain_password": password,
    }
