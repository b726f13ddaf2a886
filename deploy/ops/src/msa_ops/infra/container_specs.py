"""What the Kafka and MongoDB containers run (images, environment, command)."""

from __future__ import annotations

from typing import Any

KAFKA_IMAGE = "apache/kafka:4.1.1"
MONGO_IMAGE = "mongo:8.0"
MONGO_INNER_PORT = 27017


def kafka_env(port: int, host: str) -> dict[str, str]:
    """KRaft single-node settings for the official image; it listens on `port` inside too,
    so the advertised address host:port works from the host and from inside the container."""
    return {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": f"PLAINTEXT://0.0.0.0:{port},CONTROLLER://0.0.0.0:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://{host}:{port}",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
        "KAFKA_HEAP_OPTS": "-Xmx512m -Xms512m",
    }


def start_container(component: str, name: str, port: int, host: str) -> None:
    """Create and start the named container with its service bound to host port `port`."""
    from testcontainers.core.config import testcontainers_config
    from testcontainers.core.container import DockerContainer

    testcontainers_config.ryuk_disabled = True  # they outlive this process; down removes them
    container: Any
    if component == "kafka":
        container = DockerContainer(KAFKA_IMAGE).with_envs(**kafka_env(port, host))
        inner = port
    else:
        container = DockerContainer(MONGO_IMAGE).with_command(
            f"--replSet rs0 --bind_ip_all --port {MONGO_INNER_PORT} --wiredTigerCacheSizeGB 0.25"
        )
        inner = MONGO_INNER_PORT
    container.with_name(name).with_bind_ports(inner, port).start()
