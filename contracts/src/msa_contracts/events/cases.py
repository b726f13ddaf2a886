"""The case lifecycle, as published by casework."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from msa_contracts.events.base import Event
from msa_contracts.events.parts import Reason, ReferralService
from msa_contracts.values import (
    AgeBand,
    CaseId,
    District,
    ExternalId,
    Language,
    MeasureId,
    Module,
    PersonRef,
    ProviderId,
    Region,
    ResidenceStatus,
)


class CaseOpened(Event):
    """A case was opened on arrival, in the Willkommensleistung for 12 months."""

    case_id: CaseId
    person_ref: PersonRef
    opened_on: date
    module: Module
    module_until: date
    district: District
    region: Region

    def subject(self) -> str:
        return self.case_id


class CaseAssessed(Event):
    """Eligibility and stay perspective were evaluated, with the rules that decided them."""

    case_id: CaseId
    assessed_on: date
    residence_status: ResidenceStatus
    integration_course: Literal["entitled", "admissible-if-places", "not-eligible"]
    integration_course_rule: Annotated[str, Field(max_length=100)]
    perspective: Literal["lasting", "temporary"]
    perspective_rule: Annotated[str, Field(max_length=100)]

    def subject(self) -> str:
        return self.case_id


class CaseAssigned(Event):
    """A provider was assigned the case; also sent to that provider's assignment topic.

    Version 2 carries no vulnerabilities (special categories, Art. 9 DSGVO): the provider
    holding the case reads them from intake (``GET /persons/{person_ref}/vulnerabilities``,
    audited), so erasing the person destroys them and no topic keeps them."""

    schema_version: ClassVar[int] = 2

    case_id: CaseId
    person_ref: PersonRef
    provider_id: ProviderId
    region: Region
    district: District
    assigned_on: date
    module: Module
    reasons: Annotated[list[Reason], Field(min_length=1)]
    age_band: AgeBand
    household_size: Annotated[int, Field(ge=1, le=30)]
    languages: Annotated[list[Language], Field(min_length=1, max_length=10)]
    residence_status: ResidenceStatus

    def subject(self) -> str:
        return self.case_id


def case_assigned_v1_to_v2(body: dict[str, Any]) -> dict[str, Any]:
    """v1 carried ``vulnerabilities`` in clear: a v2 reader never sees them."""
    return {name: value for name, value in body.items() if name != "vulnerabilities"}


class CaseWaitlisted(Event):
    """No provider had capacity: the case waits, oldest served first."""

    case_id: CaseId
    region: Region
    waitlisted_on: date
    reasons: Annotated[list[Reason], Field(min_length=1)]

    def subject(self) -> str:
        return self.case_id


class CaseReassigned(Event):
    """The case moved from one provider to another (or to the waiting list)."""

    case_id: CaseId
    from_provider_id: ProviderId
    to_provider_id: ProviderId | None
    reassigned_on: date
    reasons: Annotated[list[Reason], Field(min_length=1)]

    def subject(self) -> str:
        return self.case_id


class ModuleChanged(Event):
    """The case entered another module (e.g. Integrationsbüro after 12 months)."""

    case_id: CaseId
    module: Module
    since: date
    until: date | None = None
    reason: Reason

    def subject(self) -> str:
        return self.case_id


class MentorMatched(Event):
    """An experienced earlier arrival became the person's mentor."""

    case_id: CaseId
    mentor_ref: PersonRef
    matched_on: date
    language: Language
    district: District
    measure_id: MeasureId

    def subject(self) -> str:
        return self.case_id


class ReferralRecorded(Event):
    """Casework recorded a provider's referral to a counselling service."""

    referral_id: ExternalId
    case_id: CaseId
    provider_id: ProviderId
    referred_on: date
    service: ReferralService
    measure_id: MeasureId

    def subject(self) -> str:
        return self.case_id


class ProviderReportRejected(Event):
    """A provider's report was not accepted; sent to the provider with the reasons.

    ``case_id`` and the report fields echo what the provider sent (possibly malformed), so
    they are bounded text rather than ids.
    """

    case_id: Annotated[str, Field(max_length=64)]
    provider_id: ProviderId
    report_type: Annotated[str, Field(max_length=200)]
    report_event_id: Annotated[str, Field(max_length=128)]
    reasons: Annotated[list[Reason], Field(min_length=1)]

    def subject(self) -> str:
        return self.case_id


class CaseClosed(Event):
    """The case was closed; later reports about it are rejected."""

    case_id: CaseId
    closed_on: date
    reason: Literal["departed", "erased", "naturalised", "other"]

    def subject(self) -> str:
        return self.case_id
