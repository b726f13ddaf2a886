"""Intake's settings: the kit's, plus its topics, key database and secret files."""

from __future__ import annotations

from msa_contracts.topics import CASES, NOTICES, PERSONS, consumer_group
from msa_kit.settings import KitSettings
from pydantic import Field


class IntakeSettings(KitSettings):
    """Environment variables: the kit's, and ``INTAKE_*`` below."""

    service_name: str = "intake"
    intake_notices_topic: str = NOTICES
    intake_persons_topic: str = PERSONS
    intake_cases_topic: str = Field(
        default=CASES,
        description="casework's cases topic: who holds each case, and CaseFileExpired",
    )
    intake_keys_database: str = Field(
        default="", description="database of the per-person data keys; default <database>_keys"
    )
    intake_private_key_file: str = Field(
        default="", description="PEM RSA private key(s) opening sealed identities, comma-separated"
    )
    intake_master_key_file: str = Field(default="", description="base64 32-byte master key")
    intake_pepper_file: str = Field(default="", description="base64 pepper of the blind index")
    intake_trim_notices: bool | None = Field(
        default=None, description="delete processed notices from the notices topic; by "
        "default on with the service's own consumer group (a deployment), off when "
        "KAFKA_CONSUMER_GROUP names another (a copy on a shared broker, whose deletions "
        "would take notices other copies have not read)",
    )  # fmt: skip
    intake_reapply_erasures: bool = Field(
        default=True, description="on start, before consuming or serving, re-apply every "
        "PersonErased on the persons topic (a restored key database brings no key back)",
    )  # fmt: skip
    intake_trim_interval_s: float = Field(
        default=10.0, gt=0, description="how often processed notices are deleted from the topic"
    )
    intake_access_timeout_s: float = Field(
        default=120.0, gt=0, le=7 * 24 * 3600,
        description="how long an access request waits for the services' parts; a service "
        "that has not answered by then is named as missing",
    )  # fmt: skip

    @property
    def trims_notices(self) -> bool:
        if self.intake_trim_notices is not None:
            return self.intake_trim_notices
        return self.consumer_group == self.namespace.name(consumer_group(self.service_name))

    @property
    def keys_database(self) -> str:
        return self.intake_keys_database or f"{self.database}_keys"
