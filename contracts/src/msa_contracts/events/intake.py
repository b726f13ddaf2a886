"""Arrivals and their changes: the allocation system's notice in, intake's facts out.

Personal data never travels in clear: the allocation notice carries the identity sealed to
intake's public key (see ``SealedIdentity``), and intake's own events carry only the
pseudonymous person reference and what other services' tasks need.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, StringConstraints

from msa_contracts.events.base import Event, Part
from msa_contracts.values import (
    AccommodationType,
    AgeBand,
    District,
    ExternalId,
    Language,
    PersonRef,
    ResidenceStatus,
    Vulnerability,
)

B64 = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/_-]+={0,2}$", max_length=8192)]


class SealedIdentity(Part):
    """Identity sealed to intake's public key: RSA-OAEP(SHA-256) wraps a fresh AES-256-GCM key.

    The plaintext is the UTF-8 JSON of ``IdentityPayload``; ``nonce`` is 12 bytes, all fields
    base64. Only intake holds the private key (``key_id`` names it, for rotation).
    """

    alg: Literal["RSA-OAEP-256+A256GCM"] = "RSA-OAEP-256+A256GCM"
    key_id: ExternalId
    encrypted_key: B64
    nonce: B64
    ciphertext: B64


class IdentityPayload(Part):
    """What ``SealedIdentity`` decrypts to. Never published in clear."""

    family_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    given_names: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    date_of_birth: date
    nationality: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    email: Annotated[str, StringConstraints(max_length=200)] | None = None


class SpecialCategories(Part):
    """What ``PersonAllocated.special_categories`` decrypts to (the sealed-box format of
    ``SealedIdentity``, sealed to intake's key). Never published in clear."""

    vulnerabilities: Annotated[list[Vulnerability], Field(max_length=8)] = []


class PersonAllocated(Event):
    """The state's allocation system allocated a person to Dresden (inbound notice).

    Version 2 carries the vulnerabilities (special categories, Art. 9 DSGVO) sealed to
    intake's key like the identity, in ``special_categories`` (absent: none known), so that
    neither the topic nor a dead letter holds them in clear."""

    schema_version: ClassVar[int] = 2

    notice_id: ExternalId
    allocated_on: date
    identity: SealedIdentity
    special_categories: SealedIdentity | None = None
    household_ref: ExternalId | None = None
    household_size: Annotated[int, Field(ge=1, le=30)]
    languages: Annotated[list[Language], Field(min_length=1, max_length=10)]
    residence_status: ResidenceStatus
    status_valid_from: date
    district: District
    accommodation_type: AccommodationType

    def subject(self) -> str:
        return self.notice_id


class PersonAllocatedV1(Event):
    """Version 1 of ``PersonAllocated``, with the vulnerabilities in clear: still accepted
    from an allocation system that has not moved to version 2 (no upcaster can seal them),
    never produced by this system."""

    event_name: ClassVar[str] = "PersonAllocated"

    notice_id: ExternalId
    allocated_on: date
    identity: SealedIdentity
    household_ref: ExternalId | None = None
    household_size: Annotated[int, Field(ge=1, le=30)]
    languages: Annotated[list[Language], Field(min_length=1, max_length=10)]
    residence_status: ResidenceStatus
    status_valid_from: date
    district: District
    accommodation_type: AccommodationType
    vulnerabilities: Annotated[list[Vulnerability], Field(max_length=8)] = []

    def subject(self) -> str:
        return self.notice_id


class ArrivalRegistered(Event):
    """Intake registered a new person (once per person, whichever door they came through).

    Version 2 carries no vulnerabilities: special categories (health, pregnancy, trauma,
    violence) stay encrypted in intake, and the provider holding the case reads them
    through intake's audited API. ``unaccompanied_minor`` is what casework decides with
    (no mentor match); it is no special category (Art. 9 DSGVO)."""

    schema_version: ClassVar[int] = 2

    person_ref: PersonRef
    allocated_on: date
    registered_at: datetime
    registered_via: Literal["allocation-notice", "front-desk"]
    age_band: AgeBand
    household_size: Annotated[int, Field(ge=1, le=30)]
    languages: Annotated[list[Language], Field(min_length=1, max_length=10)]
    residence_status: ResidenceStatus
    status_valid_from: date
    district: District
    accommodation_type: AccommodationType
    unaccompanied_minor: bool

    def subject(self) -> str:
        return self.person_ref


def arrival_registered_v1_to_v2(body: dict[str, Any]) -> dict[str, Any]:
    """v1 carried ``vulnerabilities`` in clear: keep only whether the person is an
    unaccompanied minor, and drop the rest, so no reader keeps special categories."""
    body = dict(body)
    listed = body.pop("vulnerabilities", None) or []
    body["unaccompanied_minor"] = Vulnerability.UNACCOMPANIED_MINOR.value in listed
    return body


class ResidenceStatusChanged(Event):
    """A person's residence status changed (time-versioned: status and valid_from)."""

    person_ref: PersonRef
    status: ResidenceStatus
    valid_from: date
    previous_status: ResidenceStatus

    def subject(self) -> str:
        return self.person_ref


class PersonRelocated(Event):
    """A person moved to another district (possibly another MSA region)."""

    person_ref: PersonRef
    from_district: District
    to_district: District
    moved_on: date
    accommodation_type: AccommodationType

    def subject(self) -> str:
        return self.person_ref


class PersonDeparted(Event):
    """A person left Dresden's responsibility."""

    person_ref: PersonRef
    departed_on: date
    reason: Literal["moved-away", "returned", "deceased", "other"]

    def subject(self) -> str:
        return self.person_ref


class PersonErased(Event):
    """A person's key was destroyed: their personal data is unreadable everywhere."""

    person_ref: PersonRef
    erased_at: datetime

    def subject(self) -> str:
        return self.person_ref
