"""The small objects around each Deployment: ConfigMap, Service, ServiceAccount,
PodDisruptionBudget, NetworkPolicy and the Prometheus ServiceMonitor."""

from __future__ import annotations

from typing import Any

from msa_ops.deploy.files import mounted_files
from msa_ops.deploy.naming import (
    HTTP_PORT,
    KAFKA_BOOTSTRAP,
    KAFKA_CLUSTER,
    KAFKA_PORT,
    MONGODB_POD_LABEL,
    MONGODB_PORT,
    OTLP_HTTP_PORT,
    OTLP_NAMESPACE,
    PART_OF,
    SCHEDULER,
    labels,
    selector,
    workload,
)

Manifest = dict[str, Any]


def _meta(service: str) -> dict[str, Any]:
    return {"name": workload(service), "labels": labels(service)}


def config_map(service: str) -> Manifest:
    data = {
        "SERVICE_NAME": service,
        "HTTP_HOST": "0.0.0.0",
        "HTTP_PORT": str(HTTP_PORT),
        "KAFKA_BOOTSTRAP_SERVERS": KAFKA_BOOTSTRAP,
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "GRACEFUL_TIMEOUT_S": "15",
        "LOG_LEVEL": "INFO",
        "LOG_JSON": "true",
        "AUTH_ISSUER": "msa",
        "MSA_CITY_TIME_ZONE": "Europe/Berlin",
        # traces: off while the endpoint is empty; an overlay names the collector
        "OTEL_EXPORTER_OTLP_ENDPOINT": "",
        "OTEL_SERVICE_NAME": service,
        "OTEL_RESOURCE_ATTRIBUTES": f"service.namespace={PART_OF}",
        "OTEL_TRACES_SAMPLER": "parentbased_always_on",
    }
    if service != SCHEDULER:
        data["MONGODB_DATABASE"] = f"msa_{service}"
    for files in mounted_files(service):
        data |= files.settings()
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(service), "data": data}


def service(name: str) -> Manifest:
    port = {"name": "http", "port": HTTP_PORT, "targetPort": "http", "protocol": "TCP"}
    spec = {"type": "ClusterIP", "selector": selector(name), "ports": [port]}
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name), "spec": spec}


def service_account(name: str) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _meta(name),
        "automountServiceAccountToken": False,
    }


def pod_disruption_budget(name: str) -> Manifest:
    """At most one pod down at a time (a single-replica consumer may still be drained)."""
    spec = {"maxUnavailable": 1, "selector": {"matchLabels": selector(name)}}
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": _meta(name),
            "spec": spec}  # fmt: skip


def _tcp(port: int) -> dict[str, Any]:
    return {"protocol": "TCP", "port": port}


def network_policy(name: str) -> Manifest:
    """Ingress on the HTTP port only (probes, Prometheus, the Ingress controller); egress to
    Kafka, MongoDB (not for the scheduler, which keeps no database), the OpenTelemetry
    collector's OTLP/HTTP port in its namespace, and DNS."""
    dns = {
        "to": [{
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }],
        "ports": [{"protocol": "UDP", "port": 53}, _tcp(53)],
    }  # fmt: skip
    kafka = {"strimzi.io/cluster": KAFKA_CLUSTER, "strimzi.io/kind": "Kafka"}
    collectors = {"kubernetes.io/metadata.name": OTLP_NAMESPACE}
    otlp = {"to": [{"namespaceSelector": {"matchLabels": collectors}}],
            "ports": [_tcp(OTLP_HTTP_PORT)]}  # fmt: skip
    spec = {
        "podSelector": {"matchLabels": selector(name)},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [{"ports": [_tcp(HTTP_PORT)]}],
        "egress": [
            {"to": [{"podSelector": {"matchLabels": kafka}}], "ports": [_tcp(KAFKA_PORT)]},
            *_store_egress(name),
            otlp,
            dns,
        ],
    }  # fmt: skip
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": _meta(name), "spec": spec}  # fmt: skip


def _store_egress(name: str) -> list[dict[str, Any]]:
    if name == SCHEDULER:
        return []
    store = {"podSelector": {"matchLabels": {"app": MONGODB_POD_LABEL}}}
    return [{"to": [store], "ports": [_tcp(MONGODB_PORT)]}]


def service_monitor(name: str) -> Manifest:
    endpoint = {"port": "http", "path": "/metrics", "interval": "30s", "scrapeTimeout": "10s"}
    spec = {"selector": {"matchLabels": selector(name)}, "endpoints": [endpoint]}
    return {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
            "metadata": _meta(name), "spec": spec}  # fmt: skip
