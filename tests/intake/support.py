"""Shared helpers of intake's tests: sample identities and notices, keys, tokens, settings."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from msa_contracts.envelope import Envelope, Record, encode
from msa_contracts.events import Event, IdentityPayload, PersonAllocated, SpecialCategories
from msa_contracts.sealing import seal_identity
from msa_intake.keys import LocalKeyPaths
from msa_intake.settings import IntakeSettings
from msa_kit.auth import Role, issue_token
from msa_kit.processing import Context
from msa_kit.records import RawRecord

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ISSUER = "msa-test"


def identity(n: int = 1, **changes: Any) -> IdentityPayload:
    """Distinctive names and birth dates, so scans for clear personal data find only them."""
    base: dict[str, Any] = {
        "family_name": f"Zabardastova{n}", "given_names": f"Quetzalli Ilse{n}",
        "date_of_birth": date(1987, 11, min(n, 28)), "nationality": "AFG",
        "phone": f"+49 351 77{n:04d}", "email": f"q{n}@example.org",
    }  # fmt: skip
    return IdentityPayload(**(base | changes))


def notice(
    keys: LocalKeyPaths,
    who: IdentityPayload,
    notice_id: str | None = None,
    vulnerabilities: Sequence[str] = ("single-parent",),
    **changes: Any,
) -> PersonAllocated:
    """An allocation notice with ``who`` and the ``vulnerabilities`` sealed to intake's key
    (``changes`` as JSON values)."""
    public = keys.public_key.read_bytes()
    sealed = seal_identity(public, keys.key_id, who)
    special = SpecialCategories.model_validate_json(
        json.dumps({"vulnerabilities": [*vulnerabilities]})
    )
    body: dict[str, Any] = {
        "notice_id": notice_id or f"N-{uuid.uuid4().hex[:12]}", "allocated_on": "2026-03-01",
        "identity": sealed.model_dump(), "household_size": 3, "languages": ["prs", "fa"],
        "residence_status": "gestattung-55-asylg", "status_valid_from": "2026-02-20",
        "district": "prohlis", "accommodation_type": "shared-accommodation",
        "special_categories": seal_identity(public, keys.key_id, special).model_dump(),
    }  # fmt: skip
    return PersonAllocated.model_validate_json(json.dumps(body | changes))


def registration_body(who: IdentityPayload, **changes: Any) -> dict[str, Any]:
    """A front-desk registration as JSON."""
    body = {
        "identity": who.model_dump(mode="json", exclude_none=True),
        "allocated_on": "2026-03-01", "household_size": 1, "languages": ["ar"],
        "residence_status": "ae-25-2", "status_valid_from": "2026-01-15",
        "district": "neustadt", "accommodation_type": "apartment", "vulnerabilities": [],
    }  # fmt: skip
    return body | changes


def record(event: PersonAllocated, event_id: str | None = None) -> Record:
    return encode(event, event_id=event_id or str(uuid.uuid4()), source="/allocation", time=NOW)


def context(event: Event, now: datetime = NOW, topic: str = "msa.allocation.notices") -> Context:
    """What the kit hands a handler for a consumed record (no real session: fakes ignore it)."""
    envelope = Envelope(
        event=event, id=str(uuid.uuid4()), type=event.ce_type(), source="/allocation",
        time=now, subject=event.subject(), correlation_id="corr-1", causation_id=None,
    )  # fmt: skip
    raw = RawRecord(topic, 0, 0, event.subject().encode(), b"{}", ())
    return Context(envelope, raw, cast(Any, None), now, None)


@dataclass(frozen=True)
class Issuer:
    """Signs test tokens with an ES256 key whose public half the app trusts."""

    private_pem: str
    public_file: Path

    @classmethod
    def create(cls, directory: Path, name: str = "issuer") -> Issuer:
        key = ec.generate_private_key(ec.SECP256R1())
        public = directory / f"{name}-public.pem"
        public.write_bytes(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ))  # fmt: skip
        private = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )  # fmt: skip
        return cls(private.decode(), public)

    def token(
        self, role: Role, *, subject: str = "", expired: bool = False, provider: str = "caritas"
    ) -> str:
        now = datetime.now(UTC) - (timedelta(hours=9) if expired else timedelta(0))
        return issue_token(
            self.private_pem, issuer=ISSUER, subject=subject or f"{role.value}-1", role=role,
            now=now, provider_id=provider if role is Role.PROVIDER else None,
        )  # fmt: skip

    def headers(self, role: Role, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, **kwargs)}"}


def settings(keys: LocalKeyPaths, issuer: Issuer, **overrides: Any) -> IntakeSettings:
    values: dict[str, Any] = {
        "auth_issuer": ISSUER, "auth_public_key_files": str(issuer.public_file),
        "intake_private_key_file": str(keys.private_key),
        "intake_master_key_file": str(keys.master_key), "intake_pepper_file": str(keys.pepper),
        "retry_backoff_s": 0.01, "outbox_poll_s": 0.1, "graceful_timeout_s": 5,
        "intake_trim_interval_s": 0.2,
    }  # fmt: skip
    return IntakeSettings(**(values | overrides))
