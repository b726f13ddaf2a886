"""Files a service reads at run time, mounted read-only from Secrets and ConfigMaps.

The values never enter this repository: an operator (Strimzi) or the cluster admin creates
the source objects (deploy/README.md lists them); the manifests only mount them and point
the service's ``*_FILE(S)`` settings at the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from msa_ops.deploy.naming import KAFKA_CA_SECRET


@dataclass(frozen=True)
class MountedFiles:
    volume: str
    kind: Literal["secret", "configMap"]
    source: str  # the Secret / ConfigMap name
    directory: str
    files: dict[str, str]  # setting (environment variable) -> file name

    def settings(self) -> dict[str, str]:
        return {env: f"{self.directory}/{name}" for env, name in self.files.items()}

    def volume_spec(self) -> dict[str, Any]:
        items = [{"key": name, "path": name} for name in sorted(set(self.files.values()))]
        if self.kind == "secret":
            src: dict[str, Any] = {"secretName": self.source, "items": items, "defaultMode": 0o440}
            return {"name": self.volume, "secret": src}
        return {"name": self.volume, "configMap": {"name": self.source, "items": items}}

    def mount_spec(self) -> dict[str, Any]:
        return {"name": self.volume, "mountPath": self.directory, "readOnly": True}


KAFKA_CA = MountedFiles(
    "kafka-ca", "secret", KAFKA_CA_SECRET, "/etc/msa/kafka-ca", {"KAFKA_SSL_CAFILE": "ca.crt"}
)
AUTH_KEYS = MountedFiles(
    "auth-keys", "configMap", "msa-auth-public-keys", "/etc/msa/auth",
    {"AUTH_PUBLIC_KEY_FILES": "issuer.pem"},
)  # fmt: skip
INTAKE_KEYS = MountedFiles(
    "intake-keys", "secret", "msa-intake-keys", "/etc/msa/intake-keys",
    {
        "INTAKE_PRIVATE_KEY_FILE": "intake-private.pem",
        "INTAKE_MASTER_KEY_FILE": "master.key",
        "INTAKE_PEPPER_FILE": "pepper.key",
    },
)  # fmt: skip


def mounted_files(service: str) -> tuple[MountedFiles, ...]:
    """Every service: the Kafka cluster CA and the token issuer's public key; intake also
    its identity keys (sealed-identity private key, master key, blind-index pepper). The
    scheduler serves no authenticated API: the CA only."""
    if service == "scheduler":
        return (KAFKA_CA,)
    extra = (INTAKE_KEYS,) if service == "intake" else ()
    return (KAFKA_CA, AUTH_KEYS, *extra)
