"""Service settings from the environment (pydantic-settings)."""

from __future__ import annotations

from typing import Literal

from msa_contracts.namespace import Namespace
from msa_contracts.topics import consumer_group
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from msa_kit.kafka_security import KafkaSecurity
from msa_kit.logging import log_level
from msa_kit.principal import AUDIENCE, ClaimRules, parse_role_map


class KitSettings(BaseSettings):
    """Settings every service shares. Environment variables are upper case, no prefix,
    so one ``KAFKA_BOOTSTRAP_SERVERS`` and ``MONGODB_URI`` serve all services."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    service_name: str = Field(description="intake, casework, billing or reporting")
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    mongodb_uri: str = "mongodb://127.0.0.1:27217/?directConnection=true"
    mongodb_database: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = Field(
        default="INFO", description="DEBUG (a line per record), INFO (a line per batch), WARNING…"
    )
    log_json: bool | None = Field(default=None, description="None: JSON unless a TTY")
    max_attempts: int = Field(default=3, ge=1, description="handler attempts before DLQ")
    retry_backoff_s: float = Field(default=0.2, ge=0)
    infra_backoff_max_s: float = Field(default=5.0, gt=0)
    not_yet_wait_s: float = Field(
        default=30.0, ge=0,
        description="how long a record whose handler says 'not yet' (e.g. the service's clock "
        "is behind the sender's) may wait before it is decided with what is known",
    )  # fmt: skip
    processing_batch_max: int = Field(
        default=200, ge=1,
        description="records per consumed batch and transaction; 1: one transaction per record",
    )  # fmt: skip
    processing_batch_wait_ms: int = Field(
        default=50, ge=1, description="how long a poll waits for records when none are buffered"
    )
    outbox_poll_s: float = Field(default=0.5, gt=0)
    outbox_batch: int = Field(default=500, ge=1)
    outbox_retention_s: float = Field(
        default=24 * 3600.0, ge=0, description="how long published outbox records are kept"
    )
    graceful_timeout_s: float = Field(default=15.0, gt=0)
    metrics_lag_interval_s: float = Field(
        default=15.0, ge=0,
        description="how often the consumers' lag is measured for /metrics (one ListOffsets "
        "and one OffsetFetch per partition each time); 0: not measured",
    )  # fmt: skip
    kafka_linger_ms: int = Field(default=5, ge=0)
    kafka_compression: Literal["gzip"] | None = Field(
        default=None, description="relay's compression; gzip needs no extra library"
    )
    kafka_max_batch_bytes: int = Field(default=256 * 1024, ge=16 * 1024)
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: str = Field(default="", repr=False)
    kafka_ssl_cafile: str = ""
    kafka_consumer_group: str = Field(
        default="", description="consumer group; default msa-<service> from the catalogue"
    )
    msa_env: str = Field(
        default="", description="topic namespace: msa.<env>.… on the wire, groups msa-<env>-…"
    )
    auth_issuer: str = Field(
        default="msa-local", description="PEM mode: the `iss` the tokens must carry"
    )
    auth_public_key_files: str = Field(
        default="",
        description="PEM mode (no AUTH_OIDC_ISSUER_URL): comma-separated PEM files of the "
        "token issuer's public keys (ES256), read at start-up",
    )
    auth_oidc_issuer_url: str = Field(
        default="",
        description="OIDC mode when set: the provider's issuer URL, exactly as its tokens' `iss` "
        "(e.g. https://sso.example/realms/city); keys from its discovery document's jwks_uri",
    )
    auth_audience: str = Field(default=AUDIENCE, description="the `aud` the tokens must carry")
    auth_leeway_s: float = Field(
        default=30.0, ge=0, le=300, description="clock skew allowed on exp, nbf and iat"
    )
    auth_role_claim: str = Field(
        default="role",
        description="dotted path of the role claim: a string or a list of strings (Keycloak "
        "realm_access.roles or resource_access.<client>.roles, Entra roles)",
    )
    auth_provider_claim: str = Field(
        default="provider_id", description="dotted path of the provider id claim (providers)"
    )
    auth_role_map: str = Field(
        default="",
        description="IDP-ROLE=ROLE,...; maps the provider's role names onto the system's roles "
        "(only mapped names count); empty: the role names are the system's own",
    )
    auth_oidc_timeout_s: float = Field(
        default=3.0, gt=0, le=30, description="bound of each discovery or JWKS request"
    )
    auth_jwks_cache_s: float = Field(
        default=300.0, gt=0,
        description="how long a fetched JWKS is used before it is fetched again (a key "
        "removed by the provider is trusted at most this long)",
    )  # fmt: skip
    auth_jwks_refresh_cooldown_s: float = Field(
        default=10.0, ge=0,
        description="least time between fetches caused by tokens naming an unknown kid",
    )  # fmt: skip
    auth_oidc_retry_s: float = Field(
        default=5.0, ge=0,
        description="after a failed fetch, tokens whose key is not cached are refused at once "
        "for this long (401 issuer-unavailable) instead of waiting for the timeout",
    )  # fmt: skip

    @field_validator("log_level")
    @classmethod
    def _log_level_known(cls, value: str) -> str:
        log_level(value)
        return value.strip().upper()

    @field_validator("auth_role_map")
    @classmethod
    def _role_map_parses(cls, value: str) -> str:
        parse_role_map(value)
        return value

    @property
    def kafka_security(self) -> KafkaSecurity:
        return KafkaSecurity(
            self.kafka_security_protocol,
            self.kafka_sasl_mechanism,
            self.kafka_sasl_username,
            self.kafka_sasl_password,
            self.kafka_ssl_cafile,
        )

    @property
    def claim_rules(self) -> ClaimRules:
        """Where tokens carry role and provider id, and what the role names mean."""
        return ClaimRules(
            self.auth_role_claim, self.auth_provider_claim, parse_role_map(self.auth_role_map)
        )

    @property
    def namespace(self) -> Namespace:
        """Where the service's topics are on the wire (``MSA_ENV``; none by default)."""
        return Namespace(self.msa_env.strip())

    @property
    def consumer_group(self) -> str:
        """The service's consumer group: ``KAFKA_CONSUMER_GROUP``, else the catalogue's in
        the service's namespace."""
        return self.kafka_consumer_group or self.namespace.name(consumer_group(self.service_name))

    @property
    def database(self) -> str:
        return self.mongodb_database or f"msa_{self.service_name}"
