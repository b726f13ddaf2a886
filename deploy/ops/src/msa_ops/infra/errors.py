"""Errors raised by the local infrastructure layer, each naming the fix."""

from __future__ import annotations


class InfraError(RuntimeError):
    """The infrastructure could not be started, reached or stopped; the message says why."""


def port_conflict(port: int, env_var: str, component: str) -> InfraError:
    """Build the error for a port held by a process that is not ours."""
    return InfraError(
        f"port {port} on 127.0.0.1 is already in use by another process, not by our "
        f"{component}. Stop that process, or choose another port with {env_var}=<port> "
        f"(e.g. `{env_var}={port + 100} msa infra up`)."
    )


def missing_java() -> InfraError:
    """Build the error for a machine without a Java runtime."""
    return InfraError(
        "`java` was not found (needed to run the local Kafka broker). Install OpenJDK 17 or "
        "newer, e.g. `apt-get install openjdk-17-jre-headless`, or set JAVA_HOME. "
        "Alternatively point KAFKA_BOOTSTRAP_SERVERS at an existing broker."
    )


def old_java(version: str) -> InfraError:
    """Build the error for a Java runtime older than 17."""
    return InfraError(
        f"Kafka 4.x needs Java 17 or newer, but `java -version` reports {version!r}. Install "
        "OpenJDK 17+, e.g. `apt-get install openjdk-17-jre-headless`, and put it first on "
        "PATH or set JAVA_HOME."
    )


def missing_maven() -> InfraError:
    """Build the error for a machine without Maven when the Kafka jars are missing."""
    return InfraError(
        "`mvn` was not found, and the Kafka jars in deploy/kafka/target/lib are missing or "
        "incomplete. Install Maven, e.g. `apt-get install maven`, then rerun `msa infra up`."
    )
