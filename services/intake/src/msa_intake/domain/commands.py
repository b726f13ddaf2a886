"""What intake is asked to do (imperatives), from the topic or the HTTP API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from msa_contracts.events import IdentityPayload
from msa_contracts.values import AccommodationType, District, ResidenceStatus

from msa_intake.domain.arrival import Arrival, Door
from msa_intake.domain.audit import PersonalField
from msa_intake.domain.person import DepartureReason


@dataclass(frozen=True)
class Actor:
    """Who asks (from the verified token)."""

    subject: str
    role: str


@dataclass(frozen=True)
class RegisterArrival:
    identity: IdentityPayload
    arrival: Arrival
    via: Door
    actor: Actor | None = None


@dataclass(frozen=True)
class ChangeStatus:
    person_ref: str
    status: ResidenceStatus
    valid_from: date


@dataclass(frozen=True)
class Relocate:
    person_ref: str
    to_district: District
    moved_on: date
    accommodation_type: AccommodationType


@dataclass(frozen=True)
class Depart:
    person_ref: str
    departed_on: date
    reason: DepartureReason


@dataclass(frozen=True)
class Erase:
    person_ref: str
    actor: Actor
    reason: str


@dataclass(frozen=True)
class Disclose:
    """Read a person's personal data for a stated purpose (always audited)."""

    person_ref: str
    actor: Actor
    purpose: str
    fields: tuple[PersonalField, ...]


@dataclass(frozen=True)
class DiscloseVulnerabilities:
    """Read a person's vulnerabilities (special categories) for a stated purpose; a provider
    (``provider_id``) only while it holds the person's case."""

    person_ref: str
    actor: Actor
    purpose: str
    provider_id: str | None = None


@dataclass(frozen=True)
class ExpirePerson:
    """The person's (only) case file was deleted at the end of its period."""

    person_ref: str
    replacement: str
    reason: str


@dataclass(frozen=True)
class RequestAccess:
    """A person's access request (DSGVO Art. 15), made for them by the office."""

    person_ref: str
    actor: Actor
    purpose: str


@dataclass(frozen=True)
class RefuseAccess:
    """An access request refused (``code``: the problem code of the answer)."""

    person_ref: str
    actor: Actor
    purpose: str | None
    code: str


@dataclass(frozen=True)
class ReadAccess:
    """Read the answer to an access request."""

    person_ref: str
    request_id: str
    actor: Actor
