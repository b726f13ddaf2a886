"""CreateAcls on the wire: aiokafka has no ACL admin calls, and Kafka 4 dropped the
CreateAcls versions (v0, v1) that aiokafka's protocol module knows, so v2/v3 (flexible
versions) are declared here with aiokafka's own protocol types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import CompactArray, CompactString, Int8, Int16, Int32, Schema
from aiokafka.protocol.types import TaggedFields as Tags

from msa_ops.infra.errors import InfraError
from msa_ops.infra.secure_acls import AclBinding

RESOURCE = {"TOPIC": 2, "GROUP": 3, "CLUSTER": 4, "TRANSACTIONAL_ID": 5}
PATTERN = {"LITERAL": 3, "PREFIXED": 4}
OPERATION = {
    "ALL": 2, "READ": 3, "WRITE": 4, "CREATE": 5, "DELETE": 6, "ALTER": 7, "DESCRIBE": 8,
    "CLUSTER_ACTION": 9, "DESCRIBE_CONFIGS": 10, "ALTER_CONFIGS": 11, "IDEMPOTENT_WRITE": 12,
}  # fmt: skip
_ALLOW = 3

_CREATION = (("resource_type", Int8), ("resource_name", CompactString("utf-8")),
             ("pattern_type", Int8), ("principal", CompactString("utf-8")),
             ("host", CompactString("utf-8")), ("operation", Int8), ("permission", Int8),
             ("tags", Tags))  # fmt: skip
_RESULT = (("error_code", Int16), ("error_message", CompactString("utf-8")), ("tags", Tags))


class _CreateAclsResponseV2(Response):  # type: ignore[misc]
    API_KEY = 30
    API_VERSION = 2
    SCHEMA = Schema(("throttle_time_ms", Int32), ("results", CompactArray(*_RESULT)),
                    ("tags", Tags))  # fmt: skip


class _CreateAclsResponseV3(_CreateAclsResponseV2):
    API_VERSION = 3


class _CreateAclsRequestV2(RequestStruct):  # type: ignore[misc]
    FLEXIBLE_VERSION = True
    API_KEY = 30
    API_VERSION = 2
    RESPONSE_TYPE = _CreateAclsResponseV2
    SCHEMA = Schema(("creations", CompactArray(*_CREATION)), ("tags", Tags))


class _CreateAclsRequestV3(_CreateAclsRequestV2):
    API_VERSION = 3
    RESPONSE_TYPE = _CreateAclsResponseV3


class _CreateAcls(Request[_CreateAclsRequestV2 | _CreateAclsRequestV3]):  # type: ignore[misc]
    API_KEY = 30

    def __init__(self, rules: Sequence[AclBinding]) -> None:
        self.rules = rules

    def build(self, request_struct_class: type[Any]) -> Any:
        return request_struct_class(
            [(RESOURCE[b.resource], b.name, PATTERN[b.pattern], b.principal, b.host,
              OPERATION[b.operation], _ALLOW, {}) for b in self.rules],
            {},
        )  # fmt: skip


async def create_acls(
    bootstrap: str, client: Mapping[str, Any], rules: Sequence[AclBinding]
) -> None:
    """Create the bindings in one CreateAcls request; raise on any per-binding error.

    `client` holds the admin client's login (a super user's)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000, **client)
    try:
        await admin.start()
        response = await admin._send_request(_CreateAcls(rules))
    finally:
        await admin.close()
    failed = [
        (rule, code, msg)
        for rule, (code, msg, _) in zip(rules, response.results, strict=True)
        if code
    ]
    if failed:
        raise InfraError(f"CreateAcls refused {len(failed)} of {len(rules)}: {failed[:3]}")
