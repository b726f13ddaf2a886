"""KEDA autoscaling on consumer-group lag, capped by the partitions a service consumes.

A consumer group cannot use more consumers than a topic has partitions. A service's group
subscribes to all its topics at once, so a replica idles only when it gets no partition of
any of them: the cap is the largest partition count among the topics the service works
through. The one-partition clock is left out of that: it is a control stream that one
member handles while the others work on their share of the rest.
"""

from __future__ import annotations

from typing import Any

from msa_contracts.topics import CLOCK, Catalogue, consumer_group

from msa_ops.deploy.naming import KAFKA_BOOTSTRAP, KAFKA_CA_SECRET, kafka_user, labels, workload

KEDA = "keda.sh/v1alpha1"
LAG_THRESHOLD = 100

Manifest = dict[str, Any]


CONTROL_TOPICS = frozenset({CLOCK})


def max_replicas(cat: Catalogue, service: str) -> int:
    """The largest partition count among the work topics ``service`` consumes."""
    consumed = [t for t in cat.consumed_by(service) if t.name not in CONTROL_TOPICS]
    if not consumed:
        raise ValueError(f"{service} consumes no work topic: nothing to scale on")
    return max(t.partitions for t in consumed)


def consumers(cat: Catalogue, services: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s for s in services if cat.consumed_by(s))


def trigger_authentication(service: str) -> Manifest:
    return {
        "apiVersion": KEDA,
        "kind": "TriggerAuthentication",
        "metadata": {"name": f"{workload(service)}-kafka", "labels": labels(service)},
        "spec": {
            "secretTargetRef": [
                {"parameter": "password", "name": kafka_user(service), "key": "password"},
                {"parameter": "ca", "name": KAFKA_CA_SECRET, "key": "ca.crt"},
            ],
            "env": [
                {"parameter": "username", "name": "KAFKA_SASL_USERNAME", "containerName": service},
            ],
        },
    }


def scaled_object(cat: Catalogue, service: str) -> Manifest:
    trigger = {
        "type": "kafka",
        "metadata": {
            "bootstrapServers": KAFKA_BOOTSTRAP,
            "consumerGroup": consumer_group(service),
            "lagThreshold": str(LAG_THRESHOLD),
            "offsetResetPolicy": "earliest",
            "allowIdleConsumers": "false",
            "sasl": "scram_sha512",
            "tls": "enable",
        },
        "authenticationRef": {"name": f"{workload(service)}-kafka"},
    }
    cap = max_replicas(cat, service)
    limiting = [t.name for t in cat.consumed_by(service)
                if t.partitions == cap and t.name not in CONTROL_TOPICS]  # fmt: skip
    return {
        "apiVersion": KEDA,
        "kind": "ScaledObject",
        "metadata": {
            "name": workload(service),
            "labels": labels(service),
            "annotations": {"msa.example.org/max-replicas-limited-by": ", ".join(limiting)},
        },
        "spec": {
            "scaleTargetRef": {"name": workload(service)},
            "pollingInterval": 15,
            "cooldownPeriod": 300,
            "minReplicaCount": 1,
            "maxReplicaCount": cap,
            "triggers": [trigger],
        },
    }
