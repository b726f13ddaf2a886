"""The Ingress for the people-facing APIs: the front desk (intake), finance (billing) and
the dashboard (reporting), one host each, TLS certificates from cert-manager.

Hosts are placeholders under ``msa.example.org``; an overlay replaces them with the city's
names (a JSON patch on ``spec.rules`` and ``spec.tls``) and, if it differs, the issuer.
The consumers' probes, metrics and the scheduler stay cluster-internal.
"""

from __future__ import annotations

from typing import Any

from msa_ops.deploy.naming import HTTP_PORT, PART_OF, workload

INGRESS_CLASS = "nginx"
CLUSTER_ISSUER = "msa-tls"
DOMAIN = "msa.example.org"
#: service -> the host name part its people know it by
PUBLISHED = {"intake": "frontdesk", "billing": "finance", "reporting": "dashboard"}


def host(service: str) -> str:
    return f"{PUBLISHED[service]}.{DOMAIN}"


def tls_secret(service: str) -> str:
    return f"{workload(service)}-tls"


def ingress() -> dict[str, Any]:
    rules = [
        {
            "host": host(s),
            "http": {"paths": [{
                "path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": workload(s), "port": {"number": HTTP_PORT}}},
            }]},
        }
        for s in PUBLISHED
    ]  # fmt: skip
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": "msa",
            "labels": {"app.kubernetes.io/part-of": PART_OF},
            "annotations": {
                "cert-manager.io/cluster-issuer": CLUSTER_ISSUER,
                "nginx.ingress.kubernetes.io/ssl-redirect": "true",
                "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
                "nginx.ingress.kubernetes.io/proxy-body-size": "1m",
            },
        },
        "spec": {
            "ingressClassName": INGRESS_CLASS,
            "tls": [{"hosts": [host(s)], "secretName": tls_secret(s)} for s in PUBLISHED],
            "rules": rules,
        },
    }
