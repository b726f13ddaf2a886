"""Kafka ACL bindings from the Strimzi KafkaUser manifests, and their provisioning.

`bindings()` translates each generated KafkaUser's `spec.authorization.acls` the way
Strimzi's User Operator does (principal `User:<name>`, host `*`, one binding per
operation), so the local broker enforces exactly what the manifests declare.
`parse_acl_listing()` reads what Kafka's own AclCommand lists back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from msa_ops.infra.errors import InfraError

_STRIMZI_PATTERN = {"literal": "LITERAL", "prefix": "PREFIXED"}


@dataclass(frozen=True, order=True)
class AclBinding:
    """One allow rule as Kafka stores it (enum names as AclCommand prints them)."""

    principal: str  # User:<name>
    resource: str  # TOPIC | GROUP | CLUSTER | TRANSACTIONAL_ID
    name: str
    pattern: str  # LITERAL | PREFIXED
    operation: str  # READ, WRITE, DESCRIBE, IDEMPOTENT_WRITE ...
    host: str = "*"


def _upper_snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).upper()


def bindings(kafka_users: Iterable[Mapping[str, Any]]) -> list[AclBinding]:
    """The ACL bindings of KafkaUser manifests, sorted."""
    found: set[AclBinding] = set()
    for user in kafka_users:
        principal = f"User:{user['metadata']['name']}"
        for acl in user["spec"]["authorization"]["acls"]:
            res = acl["resource"]
            kind = _upper_snake(res["type"])
            name = "kafka-cluster" if kind == "CLUSTER" else res["name"]
            pattern = _STRIMZI_PATTERN[res.get("patternType", "literal")]
            for op in acl["operations"]:
                found.add(
                    AclBinding(
                        principal, kind, name, pattern, _upper_snake(op), acl.get("host", "*")
                    )
                )
    return sorted(found)


_RESOURCE_LINE = re.compile(r"ResourcePattern\(resourceType=(\w+), name=(.*), patternType=(\w+)\)`")
_ACL_LINE = re.compile(r"\(principal=(.+?), host=(.+?), operation=(\w+), permissionType=(\w+)\)")


def parse_acl_listing(output: str) -> list[AclBinding]:
    """Parse `AclCommand --list` output into bindings (log lines in between are skipped)."""
    found: list[AclBinding] = []
    resource: tuple[str, str, str] | None = None
    for line in output.splitlines():
        if match := _RESOURCE_LINE.search(line):
            resource = (match[1], match[2], match[3])
        elif (match := _ACL_LINE.search(line)) and resource is not None:
            if match[4] != "ALLOW":
                raise InfraError(f"unexpected {match[4]} rule in the ACL listing: {line}")
            kind, name, pattern = resource
            found.append(AclBinding(match[1], kind, name, pattern, match[3], match[2]))
    return sorted(found)
