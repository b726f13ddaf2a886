"""Kafka connection security from settings: PLAINTEXT locally, SASL/SCRAM (+TLS) on clusters.

One source for both clients the kit creates: FastStream's broker takes a ``BaseSecurity``
object, the relay's aiokafka producer takes keyword arguments.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any, Literal

from faststream.security import BaseSecurity, SASLScram256, SASLScram512

Protocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
Mechanism = Literal["SCRAM-SHA-256", "SCRAM-SHA-512"]


class KafkaSecurityError(ValueError):
    """The Kafka security settings are incomplete or inconsistent."""


@dataclass(frozen=True)
class KafkaSecurity:
    protocol: Protocol = "PLAINTEXT"
    mechanism: Mechanism = "SCRAM-SHA-512"
    username: str = ""
    password: str = ""
    ca_file: str = ""

    def __post_init__(self) -> None:
        if self.protocol.startswith("SASL") and not (self.username and self.password):
            raise KafkaSecurityError(f"{self.protocol} needs KAFKA_SASL_USERNAME and _PASSWORD")

    @property
    def uses_tls(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.uses_tls:
            return None
        return ssl.create_default_context(cafile=self.ca_file or None)

    def for_faststream(self) -> BaseSecurity | None:
        if self.protocol == "PLAINTEXT":
            return None
        context = self.ssl_context()
        if self.protocol == "SSL":
            return BaseSecurity(ssl_context=context, use_ssl=True)
        scram = SASLScram512 if self.mechanism == "SCRAM-SHA-512" else SASLScram256
        return scram(self.username, self.password, ssl_context=context, use_ssl=self.uses_tls)

    def for_aiokafka(self) -> dict[str, Any]:
        if self.protocol == "PLAINTEXT":
            return {}
        args: dict[str, Any] = {"security_protocol": self.protocol}
        if self.uses_tls:
            args["ssl_context"] = self.ssl_context()
        if self.protocol.startswith("SASL"):
            args |= {
                "sasl_mechanism": self.mechanism,
                "sasl_plain_username": self.username,
                "sasl_plain_password": self.password,
            }
        return args
