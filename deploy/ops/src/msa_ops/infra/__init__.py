"""Local infrastructure: a real Kafka 4.x broker and a MongoDB-wire server, started by the
project itself (env-given servers, testcontainers, or local processes under var/)."""

from msa_ops.infra.components import Component, External, choose_backend
from msa_ops.infra.containers import ContainerServer, docker_available
from msa_ops.infra.core import Infra, start_infra
from msa_ops.infra.errors import InfraError
from msa_ops.infra.kafka_local import LocalKafka
from msa_ops.infra.manage import (
    ComponentStatus,
    infra_status,
    restart_kafka,
    restart_mongo,
    stop_infra,
)
from msa_ops.infra.mongo_local import LocalMongo
from msa_ops.infra.settings import InfraSettings
from msa_ops.infra.topics import TopicSpec, ensure_topics, probe_kafka, topic_specs

__all__ = [
    "Component",
    "ComponentStatus",
    "ContainerServer",
    "External",
    "Infra",
    "InfraError",
    "InfraSettings",
    "LocalKafka",
    "LocalMongo",
    "TopicSpec",
    "choose_backend",
    "docker_available",
    "ensure_topics",
    "infra_status",
    "probe_kafka",
    "restart_kafka",
    "restart_mongo",
    "start_infra",
    "stop_infra",
    "topic_specs",
]
