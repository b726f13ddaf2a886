"""The Deployment of each service: probes, resources, a restricted pod, secret references.

Credentials are never rendered: the Kafka password comes from the Secret the Strimzi User
Operator writes for the service's KafkaUser (``msa-<service>``, key ``password``), the
MongoDB URI from the Secret the MongoDB operator writes for the service's database user
(``msa-<service>-mongodb``, key ``connectionString.standard``).
"""

from __future__ import annotations

from typing import Any

from msa_ops.deploy.files import mounted_files
from msa_ops.deploy.naming import (
    HTTP_PORT,
    SCHEDULER,
    kafka_user,
    labels,
    mongodb_secret,
    selector,
    workload,
)

UID = 10001
GRACE_S = 30  # > GRACEFUL_TIMEOUT_S (15) + uvicorn's 5 s: in-flight records finish first

Manifest = dict[str, Any]


def _secret_env(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def _probe(path: str, period: int, failures: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": "http"},
        "periodSeconds": period,
        "timeoutSeconds": 3,
        "failureThreshold": failures,
    }


def container(service: str) -> dict[str, Any]:
    return {
        "name": service,
        "image": workload(service),
        "imagePullPolicy": "Always",
        "ports": [{"name": "http", "containerPort": HTTP_PORT, "protocol": "TCP"}],
        "envFrom": [{"configMapRef": {"name": workload(service)}}],
        "env": [
            # a literal here (not in the ConfigMap) so KEDA's TriggerAuthentication can read it
            {"name": "KAFKA_SASL_USERNAME", "value": kafka_user(service)},
            _secret_env("KAFKA_SASL_PASSWORD", kafka_user(service), "password"),
            *_store_env(service),
        ],
        "startupProbe": _probe("/healthz", 2, 30),
        "livenessProbe": _probe("/healthz", 20, 3),
        "readinessProbe": _probe("/readyz", 10, 3),
        "resources": {
            "requests": {"cpu": "100m", "memory": "256Mi", "ephemeral-storage": "64Mi"},
            "limits": {"cpu": "1", "memory": "512Mi", "ephemeral-storage": "256Mi"},
        },
        "securityContext": container_security(),
        "volumeMounts": [
            {"name": "tmp", "mountPath": "/tmp"},
            *(files.mount_spec() for files in mounted_files(service)),
        ],
    }


def container_security() -> dict[str, Any]:
    """The restricted container every pod of ours runs (services and jobs alike)."""
    return {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": UID,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _store_env(service: str) -> list[dict[str, Any]]:
    """The scheduler keeps no database: its state is the clock topic itself."""
    if service == SCHEDULER:
        return []
    return [_secret_env("MONGODB_URI", mongodb_secret(service), "connectionString.standard")]


def _replicas(service: str) -> dict[str, Any]:
    """The consumers: no ``replicas`` (KEDA's ScaledObject owns the count), rolling updates.
    The scheduler: one replica, the old pod gone before the new one starts (``Recreate``);
    its transactional id fences an old instance that is still alive all the same."""
    if service == SCHEDULER:
        return {"replicas": 1, "strategy": {"type": "Recreate"}}
    rolling = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    return {"strategy": rolling}


def deployment(service: str) -> Manifest:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": workload(service), "labels": labels(service)},
        "spec": {
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector(service)},
            **_replicas(service),
            "template": {
                "metadata": {"labels": labels(service)},
                "spec": {
                    "serviceAccountName": workload(service),
                    "automountServiceAccountToken": False,
                    "terminationGracePeriodSeconds": GRACE_S,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": UID,
                        "runAsGroup": UID,
                        "fsGroup": UID,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [container(service)],
                    "volumes": [
                        {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
                        *(files.volume_spec() for files in mounted_files(service)),
                    ],
                },
            },
        },
    }
