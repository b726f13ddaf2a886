"""Backups, restores and reporting's rebuild, as CronJobs in each service's own image.

Per service with a database: a PersistentVolumeClaim ``msa-<service>-backups``; a CronJob
``msa-<service>-backup`` (nightly, city time) that runs ``python -m msa_kit.backup dump``:
the service's databases at one point in time (a snapshot session: ``mongodump --oplog``
gives that only for a whole instance, never per database) in mongodump's layout, with the
consumer group's offsets, keeping the ``BACKUP_KEEP`` newest; and a suspended CronJob
``msa-<service>-restore``, a template run by hand (``kubectl create job --from=...``) that
restores the newest backup, or ``BACKUP_NAME``. Reporting's rebuild from Kafka is the
suspended CronJob ``msa-reporting-rebuild``. The backup reads with the Mongo user
``msa-backup`` (role ``backup`` only); a restore and the rebuild write with the service's own
user; Kafka with the service's KafkaUser (its own group's offsets). One NetworkPolicy lets
these pods reach MongoDB, Kafka and DNS, and nothing reach them.
"""

from __future__ import annotations

from typing import Any

from msa_contracts.topics import SERVICES
from msa_kit.backup.run import DEFAULT_KEEP

from msa_ops.deploy.files import KAFKA_CA
from msa_ops.deploy.naming import (
    KAFKA_CLUSTER,
    KAFKA_PORT,
    MONGODB_POD_LABEL,
    MONGODB_PORT,
    PART_OF,
    kafka_user,
    mongodb_secret,
    workload,
)
from msa_ops.deploy.workloads import UID, container_security

Manifest = dict[str, Any]
BACKUP_USER_SECRET = "msa-backup-mongodb"
BACKUP_ROOT = "/backups"
SETTINGS = "msa-backup"  # the ConfigMap of BACKUP_KEEP
JOB_COMPONENTS = ("backup", "restore", "rebuild")
#: nightly, one service after the other (city time), so dumps do not overlap
SCHEDULES = {"intake": "10 2 * * *", "casework": "25 2 * * *", "billing": "40 2 * * *",
             "reporting": "55 2 * * *"}  # fmt: skip
TIME_ZONE = "Europe/Berlin"
NEVER = "0 0 31 2 *"  # 31 February: a suspended template never fires by itself either


RESOURCES = {
    "requests": {"cpu": "100m", "memory": "256Mi", "ephemeral-storage": "64Mi"},
    "limits": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "256Mi"},
}
#: the replay folds in memory and keeps the hour entries' keys in /tmp (adapters/entry_spill)
REBUILD_RESOURCES = {
    "requests": {"cpu": "500m", "memory": "1Gi", "ephemeral-storage": "512Mi"},
    "limits": {"cpu": "2", "memory": "3Gi", "ephemeral-storage": "4Gi"},
}
REBUILD_TMP = "3Gi"


def databases(service: str) -> list[str]:
    own = f"msa_{service}"
    return [own, f"{own}_keys"] if service == "intake" else [own]


def _labels(service: str, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": f"{workload(service)}-{component}",
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
        "msa.dresden.de/service": service,
    }


def _secret_env(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def _container(service: str, component: str, args: list[str], mongo_secret: str,
               extra_env: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "name": component,
        "image": workload(service),
        "imagePullPolicy": "Always",
        "command": ["python", "-m", *args],
        "envFrom": [
            {"configMapRef": {"name": workload(service)}},
            {"configMapRef": {"name": SETTINGS}},
        ],
        "env": [
            {"name": "KAFKA_SASL_USERNAME", "value": kafka_user(service)},
            _secret_env("KAFKA_SASL_PASSWORD", kafka_user(service), "password"),
            _secret_env("MONGODB_URI", mongo_secret, "connectionString.standard"),
            *(extra_env or []),
        ],
        "resources": REBUILD_RESOURCES if component == "rebuild" else RESOURCES,
        "securityContext": container_security(),
        "volumeMounts": [
            {"name": "tmp", "mountPath": "/tmp"},
            KAFKA_CA.mount_spec(),
            *([{"name": "backups", "mountPath": BACKUP_ROOT}] if component != "rebuild" else []),
        ],
    }


def _pod(service: str, component: str, main: dict[str, Any]) -> dict[str, Any]:
    tmp = REBUILD_TMP if component == "rebuild" else "64Mi"
    volumes = [{"name": "tmp", "emptyDir": {"sizeLimit": tmp}}, KAFKA_CA.volume_spec()]
    if component != "rebuild":
        claim = {"claimName": backups_claim(service)}
        volumes.append({"name": "backups", "persistentVolumeClaim": claim})
    return {
        "metadata": {"labels": _labels(service, component)},
        "spec": {
            "serviceAccountName": "msa-jobs",
            "automountServiceAccountToken": False,
            "restartPolicy": "Never",
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": UID,
                "runAsGroup": UID,
                "fsGroup": UID,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [main],
            "volumes": volumes,
        },
    }


def _cron_job(service: str, component: str, main: dict[str, Any], *, schedule: str,
              suspend: bool, deadline_s: int) -> Manifest:  # fmt: skip
    job = {
        "backoffLimit": 2 if component == "backup" else 0,
        "activeDeadlineSeconds": deadline_s,
        "ttlSecondsAfterFinished": 7 * 24 * 3600,
        "template": _pod(service, component, main),
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {
            "name": f"{workload(service)}-{component}",
            "labels": _labels(service, component),
        },
        "spec": {
            "schedule": schedule,
            "timeZone": TIME_ZONE,
            "suspend": suspend,
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 3600,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {"metadata": {"labels": _labels(service, component)}, "spec": job},
        },
    }


def backups_claim(service: str) -> str:
    return f"{workload(service)}-backups"


def backup_cron_job(service: str) -> Manifest:
    dbs = [a for db in databases(service) for a in ("--database", db)]
    args = ["msa_kit.backup", "dump", "--root", BACKUP_ROOT, *dbs]
    main = _container(service, "backup", args, BACKUP_USER_SECRET)
    return _cron_job(service, "backup", main, schedule=SCHEDULES[service], suspend=False,
                     deadline_s=3600)  # fmt: skip


def restore_cron_job(service: str) -> Manifest:
    """Restores ``BACKUP_NAME`` (a stamp; default ``latest``) with the service's own user."""
    dbs = [a for db in databases(service) for a in ("--database", db)]
    args = ["msa_kit.backup", "restore", "--root", BACKUP_ROOT, "--from", "$(BACKUP_NAME)", *dbs]
    chosen = [{"name": "BACKUP_NAME", "value": "latest"}]
    main = _container(service, "restore", args, mongodb_secret(service), chosen)
    return _cron_job(service, "restore", main, schedule=NEVER, suspend=True, deadline_s=3600)


def rebuild_cron_job() -> Manifest:
    """Reporting's rebuild from its archive and the topics past it into the other database
    of its pair, refused while reporting still consumes (its group must have no members)."""
    args = ["msa_reporting.replay", "--drop", "--require-stopped"]
    main = _container("reporting", "rebuild", args, mongodb_secret("reporting"))
    return _cron_job("reporting", "rebuild", main, schedule=NEVER, suspend=True,
                     deadline_s=4 * 3600)  # fmt: skip


def backups_claim_manifest(service: str) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": backups_claim(service), "labels": _labels(service, "backup")},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
    }


def settings_config_map() -> Manifest:
    """Not ``part-of: msa``: the overlays' patches of the services' ConfigMaps select that."""
    labels = {"app.kubernetes.io/name": SETTINGS, "app.kubernetes.io/component": "backup"}
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": SETTINGS, "labels": labels},
            "data": {"BACKUP_KEEP": str(DEFAULT_KEEP)}}  # fmt: skip


def service_account() -> Manifest:
    labels = {"app.kubernetes.io/name": "msa-jobs", "app.kubernetes.io/part-of": PART_OF}
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "msa-jobs", "labels": labels},
            "automountServiceAccountToken": False}  # fmt: skip


def network_policy() -> Manifest:
    """No ingress; egress to MongoDB, Kafka (the group's offsets; the rebuild's topics) and
    DNS only."""
    selector = {"matchLabels": {"app.kubernetes.io/part-of": PART_OF},
                "matchExpressions": [{"key": "app.kubernetes.io/component", "operator": "In",
                                      "values": list(JOB_COMPONENTS)}]}  # fmt: skip
    kafka = {"strimzi.io/cluster": KAFKA_CLUSTER, "strimzi.io/kind": "Kafka"}
    mongo = {"podSelector": {"matchLabels": {"app": MONGODB_POD_LABEL}}}
    dns = {
        "to": [{
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }],
        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
    }  # fmt: skip
    spec = {
        "podSelector": selector,
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [],
        "egress": [
            {"to": [mongo], "ports": [{"protocol": "TCP", "port": MONGODB_PORT}]},
            {"to": [{"podSelector": {"matchLabels": kafka}}],
             "ports": [{"protocol": "TCP", "port": KAFKA_PORT}]},
            dns,
        ],
    }  # fmt: skip
    labels = {"app.kubernetes.io/name": "msa-jobs", "app.kubernetes.io/part-of": PART_OF}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "msa-jobs", "labels": labels}, "spec": spec}  # fmt: skip


def job_manifests() -> list[Manifest]:
    per_service = [m for s in SERVICES for m in (backups_claim_manifest(s), backup_cron_job(s),
                                                 restore_cron_job(s))]  # fmt: skip
    return [settings_config_map(), service_account(), network_policy(), *per_service,
            rebuild_cron_job()]  # fmt: skip
