"""The backup CronJobs, the restore templates and reporting's rebuild, as the overlays
render them: the right databases and users, restricted pods, retention, network isolation."""

from __future__ import annotations

from typing import Any

import pytest
from msa_contracts.topics import SERVICES
from msa_reporting.replay import default_target

from tests.deploy.support import OVERLAYS, Doc, Tree
from tests.deploy.test_manifests import by_name

Container = dict[str, Any]
#: a service's databases (reporting's rebuild target is rebuilt from Kafka, not backed up)
BACKED_UP = {s: [f"msa_{s}"] for s in SERVICES} | {"intake": ["msa_intake", "msa_intake_keys"]}


def pod_of(cron: Doc) -> dict[str, Any]:
    spec: dict[str, Any] = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return spec


def only_container(cron: Doc) -> Container:
    (container,) = pod_of(cron)["containers"]
    found: Container = container
    return found


def env_of(container: Container) -> dict[str, Any]:
    return {e["name"]: e for e in container["env"]}


def secret_of(container: Container, name: str) -> str:
    return str(env_of(container)[name]["valueFrom"]["secretKeyRef"]["name"])


def databases_in(command: list[str]) -> list[str]:
    return [command[i + 1] for i, arg in enumerate(command) if arg == "--database"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_is_backed_up_nightly_with_the_backup_user_into_its_own_volume(
    tree: Tree, overlay: str
) -> None:
    crons, claims = (
        by_name(tree, overlay, "CronJob"),
        by_name(tree, overlay, "PersistentVolumeClaim"),
    )
    for s in SERVICES:
        cron = crons[f"msa-{s}-backup"]
        spec = cron["spec"]
        assert spec["suspend"] is False and spec["concurrencyPolicy"] == "Forbid"
        assert spec["timeZone"] == "Europe/Berlin"
        container = only_container(cron)
        assert container["command"][:4] == ["python", "-m", "msa_kit.backup", "dump"]
        assert databases_in(container["command"]) == BACKED_UP[s]
        assert secret_of(container, "MONGODB_URI") == "msa-backup-mongodb"
        assert secret_of(container, "KAFKA_SASL_PASSWORD") == f"msa-{s}"  # its group's offsets
        volumes = {v["name"]: v for v in pod_of(cron)["volumes"]}
        claim = volumes["backups"]["persistentVolumeClaim"]["claimName"]
        assert claim in claims and claim == f"msa-{s}-backups"
        assert {"configMapRef": {"name": "msa-backup"}} in container["envFrom"]
    assert by_name(tree, overlay, "ConfigMap")["msa-backup"]["data"]["BACKUP_KEEP"] == "7"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_restores_and_the_rebuild_are_suspended_templates_writing_as_the_service(
    tree: Tree, overlay: str
) -> None:
    crons = by_name(tree, overlay, "CronJob")
    for s in SERVICES:
        cron = crons[f"msa-{s}-restore"]
        assert cron["spec"]["suspend"] is True
        container = only_container(cron)
        assert container["command"][3] == "restore"
        assert databases_in(container["command"])[0] == f"msa_{s}"
        assert secret_of(container, "MONGODB_URI") == f"msa-{s}-mongodb"
        assert env_of(container)["BACKUP_NAME"]["value"] == "latest"
    rebuild = crons["msa-reporting-rebuild"]
    assert rebuild["spec"]["suspend"] is True
    command = only_container(rebuild)["command"]
    assert command == ["python", "-m", "msa_reporting.replay", "--drop", "--require-stopped"]
    assert secret_of(only_container(rebuild), "MONGODB_URI") == "msa-reporting-mongodb"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_reporting_may_write_the_rebuilds_default_target_and_switch_to_it(
    tree: Tree, overlay: str
) -> None:
    (mongo,) = tree.docs(overlay, "MongoDBCommunity")
    users = {u["name"]: u for u in mongo["spec"]["users"]}
    writable = {r["db"] for r in users["msa-reporting"]["roles"] if r["name"] == "readWrite"}
    served = by_name(tree, overlay, "ConfigMap")["msa-reporting"]["data"]["MONGODB_DATABASE"]
    assert {served, default_target(served), default_target(default_target(served))} <= writable


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_job_pods_are_restricted_and_reach_only_mongodb_kafka_and_dns(
    tree: Tree, overlay: str
) -> None:
    for name, cron in by_name(tree, overlay, "CronJob").items():
        pod = pod_of(cron)
        assert pod["automountServiceAccountToken"] is False, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        sc = only_container(cron)["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
        assert sc["capabilities"] == {"drop": ["ALL"]}, name
        resources = only_container(cron)["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) <= set(resources["limits"]), name
        component = cron["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"][
            "app.kubernetes.io/component"
        ]
        assert component in {"backup", "restore", "rebuild"}, name
    policies = by_name(tree, overlay, "NetworkPolicy")
    jobs = policies["msa-jobs"]["spec"]
    assert jobs["ingress"] == [] and set(jobs["policyTypes"]) == {"Ingress", "Egress"}
    assert sorted({p["port"] for rule in jobs["egress"] for p in rule["ports"]}) == [
        53,
        9093,
        27017,
    ]
    (admitted,) = policies["msa-mongodb"]["spec"]["ingress"][0]["from"][1]["podSelector"][
        "matchExpressions"
    ]
    assert {"backup", "restore", "rebuild"} <= set(admitted["values"])
