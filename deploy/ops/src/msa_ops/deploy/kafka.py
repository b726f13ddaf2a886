"""Strimzi custom resources from the catalogue: a KafkaTopic per topic, a KafkaUser per actor.

Replicas are 1 here (the base, as in dev); the prod overlay patches every KafkaTopic to 3.
In a topic namespace (``msa deploy kafka --env``) the resources' names, topics, users and
ACLs carry the environment, so several environments can share one cluster.
"""

from __future__ import annotations

import re
from typing import Any

from msa_contracts.namespace import NO_NAMESPACE, Namespace
from msa_contracts.topics import Catalogue, Topic

from msa_ops.deploy.acls import acls_for, actors
from msa_ops.deploy.naming import KAFKA_CLUSTER, PART_OF, is_service, kafka_user, provider_id

STRIMZI = "kafka.strimzi.io/v1beta2"
BASE_REPLICAS = 1
_INT = re.compile(r"^-?\d+$")

Manifest = dict[str, Any]


def config_value(value: str) -> int | str:
    """Numeric topic settings as integers (as Strimzi documents them), the rest as text."""
    return int(value) if _INT.match(value) else value


def kafka_topic(topic: Topic) -> Manifest:
    labels = {"strimzi.io/cluster": KAFKA_CLUSTER, "app.kubernetes.io/part-of": PART_OF}
    if topic.provider is not None:
        labels["msa.example.org/provider"] = topic.provider
    return {
        "apiVersion": STRIMZI,
        "kind": "KafkaTopic",
        "metadata": {
            "name": topic.name,
            "labels": labels,
            "annotations": {
                "msa.example.org/description": topic.description,
                "msa.example.org/key": topic.key,
                "msa.example.org/producers": ",".join(topic.producers),
                "msa.example.org/consumers": ",".join(topic.consumers),
            },
        },
        "spec": {
            "topicName": topic.name,
            "partitions": topic.partitions,
            "replicas": BASE_REPLICAS,
            "config": {k: config_value(v) for k, v in sorted(topic.config.items())},
        },
    }


def kafka_user_manifest(cat: Catalogue, actor: str, ns: Namespace = NO_NAMESPACE) -> Manifest:
    pid = provider_id(actor)
    kind = "service" if is_service(actor) else "provider" if pid else "external"
    labels = {
        "strimzi.io/cluster": KAFKA_CLUSTER,
        "app.kubernetes.io/part-of": PART_OF,
        "msa.example.org/actor-kind": kind,
    }
    if pid is not None:
        labels["msa.example.org/provider"] = pid
    return {
        "apiVersion": STRIMZI,
        "kind": "KafkaUser",
        "metadata": {
            "name": ns.name(kafka_user(actor)),
            "labels": labels,
            "annotations": {"msa.example.org/actor": actor},
        },
        "spec": {
            "authentication": {"type": "scram-sha-512"},
            "authorization": {
                "type": "simple",
                "acls": [acl.as_strimzi() for acl in acls_for(cat, actor, ns)],
            },
        },
    }


def kafka_topics(cat: Catalogue, ns: Namespace = NO_NAMESPACE) -> list[Manifest]:
    return [kafka_topic(t) for t in cat.on_wire(ns)]


def kafka_users(cat: Catalogue, ns: Namespace = NO_NAMESPACE) -> list[Manifest]:
    return [kafka_user_manifest(cat, a, ns) for a in actors(cat)]
