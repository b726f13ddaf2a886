"""What a provider reports about its cases, on its own inbound topics.

The provider's identity is the topic it writes to (access control lets it write only its
own), never a field in the event. Casework and billing answer every report.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from msa_contracts.events.base import Event
from msa_contracts.events.parts import Goal, ReferralService
from msa_contracts.values import CaseId, ExternalId, GoalDomain, MeasureId, Minutes


class IntegrationPlanSubmitted(Event):
    """The provider and the person agreed an integration plan and submit it for the record."""

    plan_id: ExternalId
    case_id: CaseId
    agreed_with_person_on: date
    goals: Annotated[list[Goal], Field(min_length=1, max_length=30)]

    def subject(self) -> str:
        return self.case_id


class PlanReviewed(Event):
    """The provider reviewed the plan with the person (at least every six months)."""

    plan_id: ExternalId
    case_id: CaseId
    reviewed_on: date

    def subject(self) -> str:
        return self.case_id


class GoalProgressReported(Event):
    """The provider reports the status of one goal."""

    case_id: CaseId
    plan_id: ExternalId
    goal_id: ExternalId
    status: Literal["in_progress", "achieved", "dropped"]
    reported_on: date

    def subject(self) -> str:
        return self.case_id


class FachleistungRequested(Event):
    """The provider requests Fachleistung: hours it projects for the next 12 months."""

    request_id: ExternalId
    case_id: CaseId
    requested_on: date
    projected_hours: Annotated[int, Field(ge=1, le=2000)]
    domains: Annotated[list[GoalDomain], Field(min_length=1, max_length=9)]

    def subject(self) -> str:
        return self.case_id


class ReferralMade(Event):
    """The provider referred the person to a counselling service (counts toward a measure)."""

    referral_id: ExternalId
    case_id: CaseId
    referred_on: date
    service: ReferralService
    measure_id: MeasureId

    def subject(self) -> str:
        return self.case_id


class HoursLogged(Event):
    """The provider logs time spent on a case (Fachleistungsstunden entry)."""

    entry_id: ExternalId
    case_id: CaseId
    service_date: date
    minutes: Minutes
    activity: Literal["direct", "indirect", "missed-appointment"]
    domain: GoalDomain
    worker_ref: ExternalId

    def subject(self) -> str:
        return self.case_id
