"""Request and response bodies of intake's HTTP API (JSON: lax parsing, unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from msa_contracts.events import IdentityPayload
from msa_contracts.values import (
    AccommodationType,
    AgeBand,
    District,
    ResidenceStatus,
    Vulnerability,
)
from pydantic import BaseModel, ConfigDict, StringConstraints

from msa_intake.domain.arrival import Arrival
from msa_intake.domain.audit import AuditEntry
from msa_intake.domain.person import DepartureReason, Person

PERSON_REF = r"^P-[0-9a-f]{16}$"
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IdentityIn(IdentityPayload):
    """The identity in clear (only ever over HTTPS); same rules as the sealed payload."""

    model_config = ConfigDict(strict=False)


class RegistrationIn(Arrival):
    """A front-desk registration: the identity plus the needs-data of an allocation notice."""

    identity: IdentityIn


class StatusChangeIn(_Body):
    status: ResidenceStatus
    valid_from: date


class RelocationIn(_Body):
    to_district: District
    moved_on: date
    accommodation_type: AccommodationType


class DepartureIn(_Body):
    departed_on: date
    reason: DepartureReason


class Registered(_Body):
    person_ref: str
    age_band: AgeBand
    registered_at: datetime


class PersonalData(_Body):
    """Decrypted personal fields; those not asked for (or never given) are null."""

    family_name: str | None = None
    given_names: str | None = None
    date_of_birth: date | None = None
    nationality: str | None = None
    phone: str | None = None
    email: str | None = None
    languages: list[str] | None = None
    vulnerabilities: list[Vulnerability] | None = None


class PersonOut(_Body):
    """What intake knows about a person pseudonymously (and, when read, their personal data)."""

    person: Person
    personal_data: PersonalData | None = None

    @classmethod
    def of(cls, person: Person, personal: dict[str, Any] | None = None) -> PersonOut:
        data = None if personal is None else PersonalData.model_validate(personal)
        return cls(person=person, personal_data=data)


class VulnerabilitiesOut(_Body):
    """A person's vulnerabilities as registered (empty when none were)."""

    person_ref: str
    vulnerabilities: list[Vulnerability]


class ErasedOut(_Body):
    person_ref: str
    erased_at: datetime


class AuditOut(_Body):
    entries: list[AuditEntry]


ACCESS_REQUEST_ID = r"^AR-[0-9a-f]{16}$"


class AccessRequestIn(_Body):
    """Why the person's data is gathered (required; the audit records it)."""

    purpose: str | None = None


class AccessRequestOut(_Body):
    request_id: str
    status: Literal["pending"]
    requested_at: datetime
    answer_by: datetime
