"""The Kubernetes manifests: each overlay builds, every core resource passes
`kubernetes-validate --strict`, every custom resource its schema, and the workloads meet
the platform's rules (restricted pods, secret references only, network isolation)."""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from msa_contracts.topics import SERVICES

from tests.deploy.support import CRD_SCHEMAS, CUSTOM_KINDS, OVERLAYS, Doc, Tree, run

K8S_VERSION = "1.33.0"
GRACEFUL_TIMEOUT_S = 15
DATABASES = {s: [f"msa_{s}"] for s in SERVICES} | {
    "intake": ["msa_intake", "msa_intake_keys"],
    "reporting": ["msa_reporting", "msa_reporting_rebuild"],  # the rebuild's pair
}


@cache
def validator(kind: str) -> Draft202012Validator:
    schema = json.loads((CRD_SCHEMAS / f"{kind}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def by_name(tree: Tree, overlay: str, kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in tree.docs(overlay, kind)}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kustomize_build_succeeds_and_renders_every_service(tree: Tree, overlay: str) -> None:
    docs = tree.docs(overlay)
    namespaces = {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"}
    assert namespaces == {f"msa-{overlay}"}
    for kind in ("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget",
                 "NetworkPolicy", "ConfigMap", "ServiceMonitor"):  # fmt: skip
        names = set(by_name(tree, overlay, kind))
        assert {f"msa-{s}" for s in SERVICES} <= names, kind


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_core_resources_pass_kubernetes_validate_strict(tree: Tree, overlay: str) -> None:
    path = tree.rendered_file(overlay)
    cmd = [sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet", "-k", K8S_VERSION]
    done = run([*cmd, str(path)])
    assert done.returncode == 0, done.stdout + done.stderr
    unvalidated = set(re.findall(r"schema for kind (\w+) with api version", done.stdout))
    assert unvalidated <= CUSTOM_KINDS, f"kinds checked by neither validator: {unvalidated}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_custom_resources_match_their_crd_schemas(tree: Tree, overlay: str) -> None:
    core_groups = ("apps/", "policy/", "networking.k8s.io/")
    custom = [d for d in tree.docs(overlay) if "." in d["apiVersion"].split("/")[0]
              and not d["apiVersion"].startswith(core_groups)]  # fmt: skip
    assert {d["kind"] for d in custom} == CUSTOM_KINDS
    errors = [
        f"{d['kind']}/{d['metadata']['name']}: {'.'.join(map(str, e.path))}: {e.message}"
        for d in custom
        for e in validator(d["kind"]).iter_errors(d)
    ]
    assert not errors, "\n".join(errors)


def test_crd_schemas_reject_a_misspelt_field() -> None:
    topic = {"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "KafkaTopic",
             "metadata": {"name": "t"}, "spec": {"partition": 3}}  # fmt: skip
    assert list(validator("KafkaTopic").iter_errors(topic))


def _containers(deploy: Doc) -> list[dict[str, Any]]:
    spec = deploy["spec"]["template"]["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_meet_the_restricted_pod_security_standard(tree: Tree, overlay: str) -> None:
    for name, deploy in by_name(tree, overlay, "Deployment").items():
        pod = deploy["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert pod["terminationGracePeriodSeconds"] > GRACEFUL_TIMEOUT_S, name
        assert not pod.get("hostNetwork") and not pod.get("hostPID"), name
        for c in _containers(deploy):
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["runAsNonRoot"] is True and sc["runAsUser"] > 0, name
            assert sc["capabilities"] == {"drop": ["ALL"]}, name
            assert {m["mountPath"] for m in c["volumeMounts"]} >= {"/tmp"}, name
            assert {"cpu", "memory"} <= set(c["resources"]["requests"]), name
            assert {"cpu", "memory"} <= set(c["resources"]["limits"]), name
            assert c["readinessProbe"]["httpGet"]["path"] == "/readyz", name
            assert c["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        tmp = [v for v in pod["volumes"] if v["name"] == "tmp"]
        assert tmp and "emptyDir" in tmp[0], name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_credentials_are_secret_references_only(tree: Tree, overlay: str) -> None:
    assert not tree.docs(overlay, "Secret"), "no Secret may be committed"
    sensitive = re.compile(r"(^|_)(PASSWORD|URI|SECRET|TOKEN)(_|$)")
    for name, deploy in by_name(tree, overlay, "Deployment").items():
        service = name.removeprefix("msa-")
        env = {e["name"]: e for c in _containers(deploy) for e in c.get("env", [])}
        assert env["KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == name
        if service == "scheduler":  # keeps no database: its state is the clock topic
            assert "MONGODB_URI" not in env
        else:
            uri = env["MONGODB_URI"]["valueFrom"]["secretKeyRef"]["name"]
            assert uri == f"msa-{service}-mongodb"
        assert not [k for k, e in env.items() if sensitive.search(k) and "value" in e], name
    for cm in tree.docs(overlay, "ConfigMap"):
        assert not [k for k in cm.get("data", {}) if sensitive.search(k)]


def test_intake_reads_its_identity_keys_from_a_mounted_secret(tree: Tree) -> None:
    deploy = by_name(tree, "prod", "Deployment")["msa-intake"]
    volumes = {v["name"]: v for v in deploy["spec"]["template"]["spec"]["volumes"]}
    secret = volumes["intake-keys"]["secret"]
    assert secret["secretName"] == "msa-intake-keys"
    settings = by_name(tree, "prod", "ConfigMap")["msa-intake"]["data"]
    mounted = {f"/etc/msa/intake-keys/{item['path']}" for item in secret["items"]}
    keys = ("INTAKE_PRIVATE_KEY_FILE", "INTAKE_MASTER_KEY_FILE", "INTAKE_PEPPER_FILE")
    assert {settings[k] for k in keys} == mounted
    for name, cm in by_name(tree, "prod", "ConfigMap").items():
        if name in ("msa-backup", "msa-dashboard"):  # backup retention; Grafana's dashboard
            continue
        if name != "msa-scheduler":  # serves no authenticated API
            assert cm["data"]["AUTH_PUBLIC_KEY_FILES"] == "/etc/msa/auth/issuer.pem", name
        assert cm["data"]["AUTH_ISSUER"] == "msa-prod", name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_deny_by_default_and_allow_only_kafka_mongodb_otlp_dns(
    tree: Tree, overlay: str
) -> None:
    policies = by_name(tree, overlay, "NetworkPolicy")
    deny = policies["default-deny-all"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    for s in SERVICES:
        spec = policies[f"msa-{s}"]["spec"]
        assert spec["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": f"msa-{s}"}
        assert [p["port"] for rule in spec["ingress"] for p in rule["ports"]] == [8000]
        egress_ports = sorted({p["port"] for rule in spec["egress"] for p in rule["ports"]})
        assert egress_ports == [53, 4318, 9093, 27017]
        assert all("ipBlock" not in peer for rule in spec["egress"] for peer in rule["to"])
        [otlp] = [
            rule for rule in spec["egress"] if rule["ports"] == [{"protocol": "TCP", "port": 4318}]
        ]
        assert otlp["to"] == [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}}
        ]  # the collector's only
    clock = policies["msa-scheduler"]["spec"]
    clock_ports = sorted({p["port"] for rule in clock["egress"] for p in rule["ports"]})
    assert clock_ports == [53, 4318, 9093]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_traces_are_off_until_an_overlay_names_the_collector(tree: Tree, overlay: str) -> None:
    for name, cm in by_name(tree, overlay, "ConfigMap").items():
        if not name.startswith("msa-") or "SERVICE_NAME" not in cm.get("data", {}):
            continue
        data = cm["data"]
        assert data["OTEL_SERVICE_NAME"] == data["SERVICE_NAME"], name
        assert data["OTEL_TRACES_SAMPLER"] == "parentbased_always_on", name
        expected = "http://otel-collector.observability.svc:4318" if overlay == "prod" else ""
        assert data["OTEL_EXPORTER_OTLP_ENDPOINT"] == expected, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_is_scraped_and_protected_by_a_disruption_budget(
    tree: Tree, overlay: str
) -> None:
    monitors = by_name(tree, overlay, "ServiceMonitor")
    services = by_name(tree, overlay, "Service")
    for s in SERVICES:
        (endpoint,) = monitors[f"msa-{s}"]["spec"]["endpoints"]
        assert endpoint["path"] == "/metrics"
        assert endpoint["port"] in {p["name"] for p in services[f"msa-{s}"]["spec"]["ports"]}
        assert (
            by_name(tree, overlay, "PodDisruptionBudget")[f"msa-{s}"]["spec"]["maxUnavailable"] >= 1
        )


@pytest.mark.parametrize(("overlay", "nodes", "min_isr"), [("dev", 1, 1), ("prod", 3, 2)])
def test_kafka_cluster_size_and_min_isr_per_overlay(
    tree: Tree, overlay: str, nodes: int, min_isr: int
) -> None:
    (pool,) = tree.docs(overlay, "KafkaNodePool")
    (kafka,) = tree.docs(overlay, "Kafka")
    config = kafka["spec"]["kafka"]["config"]
    assert pool["spec"]["replicas"] == nodes
    assert set(pool["spec"]["roles"]) == {"controller", "broker"}
    assert config["min.insync.replicas"] == min_isr
    assert config["default.replication.factor"] == nodes
    assert kafka["spec"]["kafka"]["authorization"]["type"] == "simple"
    assert kafka["metadata"]["annotations"]["strimzi.io/kraft"] == "enabled"
    for topic in tree.docs(overlay, "KafkaTopic"):
        assert min_isr <= topic["spec"]["replicas"] <= nodes


@pytest.mark.parametrize(("overlay", "members"), [("dev", 1), ("prod", 3)])
def test_mongodb_replica_set_has_one_user_per_service_on_its_own_database(
    tree: Tree, overlay: str, members: int
) -> None:
    (mongo,) = tree.docs(overlay, "MongoDBCommunity")
    spec = mongo["spec"]
    assert spec["type"] == "ReplicaSet" and spec["members"] == members
    users = {u["name"]: u for u in spec["users"]}
    assert sorted(users) == sorted([*(f"msa-{s}" for s in SERVICES), "msa-backup"])
    for s in SERVICES:
        user = users[f"msa-{s}"]
        assert user["roles"] == [{"name": "readWrite", "db": db} for db in DATABASES[s]]
        assert user["connectionStringSecretName"] == f"msa-{s}-mongodb"
    assert users["msa-backup"]["roles"] == [{"name": "backup", "db": "admin"}]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_scheduler_runs_as_exactly_one_pod_replaced_not_rolled(
    tree: Tree, overlay: str
) -> None:
    deploy = by_name(tree, overlay, "Deployment")["msa-scheduler"]
    assert deploy["spec"]["replicas"] == 1
    assert deploy["spec"]["strategy"] == {"type": "Recreate"}
    scaled = {d["spec"]["scaleTargetRef"]["name"] for d in tree.docs(overlay, "ScaledObject")}
    assert "msa-scheduler" not in scaled, "KEDA must never scale the clock"
    assert by_name(tree, overlay, "ServiceMonitor")["msa-scheduler"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_front_desk_finance_and_dashboard_are_reachable_over_tls_only(
    tree: Tree, overlay: str
) -> None:
    (ingress,) = tree.docs(overlay, "Ingress")
    services = by_name(tree, overlay, "Service")
    assert ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"]
    backends = {
        rule["host"]: path["backend"]["service"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert {b["name"] for b in backends.values()} == {"msa-intake", "msa-billing", "msa-reporting"}
    for backend in backends.values():
        assert backend["port"]["number"] in {
            p["port"] for p in services[backend["name"]]["spec"]["ports"]
        }
    tls_hosts = {h for entry in ingress["spec"]["tls"] for h in entry["hosts"]}
    assert tls_hosts == set(backends), "every published host has a certificate"
