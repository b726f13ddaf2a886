"""Names shared by the generated manifests: cluster, users, groups, secrets, labels."""

from __future__ import annotations

from msa_contracts.topics import SERVICES, consumer_group

KAFKA_CLUSTER = "msa-kafka"
KAFKA_BOOTSTRAP = f"{KAFKA_CLUSTER}-kafka-bootstrap:9093"
KAFKA_PORT = 9093
KAFKA_CA_SECRET = f"{KAFKA_CLUSTER}-cluster-ca-cert"
MONGODB = "msa-mongodb"
MONGODB_POD_LABEL = f"{MONGODB}-svc"
MONGODB_PORT = 27017
HTTP_PORT = 8000
#: Where an OpenTelemetry collector receives OTLP/HTTP: its namespace (egress is allowed to
#: it) and port. The endpoint itself is empty (tracing off) until an overlay sets it.
OTLP_NAMESPACE = "observability"
OTLP_HTTP_PORT = 4318
PART_OF = "msa"
PROVIDER_PREFIX = "provider:"


SCHEDULER = "scheduler"
#: what runs as a Deployment of ours: the four consuming services and the daily clock
DEPLOYED = (*SERVICES, SCHEDULER)
#: actors whose producer is transactional, with their fixed transactional.id (fencing)
TRANSACTIONAL_IDS = {SCHEDULER: "msa-scheduler"}


def is_service(actor: str) -> bool:
    return actor in DEPLOYED


def provider_id(actor: str) -> str | None:
    """The provider id of a ``provider:<id>`` actor, else None."""
    return actor.removeprefix(PROVIDER_PREFIX) if actor.startswith(PROVIDER_PREFIX) else None


def kafka_user(actor: str) -> str:
    """The Kafka principal (and KafkaUser / credentials Secret name) of an actor."""
    if is_service(actor):
        return f"msa-{actor}"
    pid = provider_id(actor)
    return f"provider-{pid}" if pid is not None else f"msa-{actor}"


def group_acl(actor: str) -> tuple[str, str]:
    """(group name, pattern type) an actor may consume with: a service its own group, any
    other actor every group under its own user-name prefix."""
    if is_service(actor):
        return consumer_group(actor), "literal"
    return f"{kafka_user(actor)}-", "prefix"


def workload(service: str) -> str:
    """Deployment, Service, ServiceAccount, ConfigMap ... name of a service."""
    return f"msa-{service}"


def mongodb_secret(service: str) -> str:
    """The connection-string Secret the MongoDB operator writes for the service's user."""
    return f"msa-{service}-mongodb"


def labels(service: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": workload(service),
        "app.kubernetes.io/component": service,
        "app.kubernetes.io/part-of": PART_OF,
    }


def selector(service: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": workload(service)}
