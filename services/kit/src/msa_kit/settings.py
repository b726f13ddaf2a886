"""Service settings from the environment (pydantic-settings)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    log_level: str = "INFO"
    log_json: bool | None = Field(default=None, description="None: JSON unless a TTY")
    max_attempts: int = Field(default=3, ge=1, description="handler attempts before DLQ")
    retry_backoff_s: float = Field(default=0.2, ge=0)
    infra_backoff_max_s: float = Field(default=5.0, gt=0)
    outbox_poll_s: float = Field(default=0.5, gt=0)
    outbox_batch: int = Field(default=500, ge=1)
    graceful_timeout_s: float = Field(default=15.0, gt=0)
    kafka_linger_ms: int = Field(default=5, ge=0)
    auth_issuer: str = "msa-local"
    auth_public_key_files: str = Field(
        default="", description="comma-separated PEM files of the token issuer's public keys"
    )

    @property
    def database(self) -> str:
        return self.mongodb_database or f"msa_{self.service_name}"
