"""Integration plans, goals and Fachleistung approvals, as decided by casework."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from msa_contracts.events.base import Event
from msa_contracts.events.parts import Goal, Reason
from msa_contracts.values import CaseId, ExternalId, GoalDomain, MeasureId, ProviderId


class IntegrationPlanAgreed(Event):
    """Casework accepted the submitted plan; a review is due by ``review_due_on``."""

    plan_id: ExternalId
    case_id: CaseId
    provider_id: ProviderId
    agreed_on: date
    goals: Annotated[list[Goal], Field(min_length=1)]
    review_due_on: date

    def subject(self) -> str:
        return self.case_id


class IntegrationPlanRejected(Event):
    """The submitted plan was not accepted; every problem is listed."""

    plan_id: ExternalId
    case_id: CaseId
    provider_id: ProviderId
    reasons: Annotated[list[Reason], Field(min_length=1)]

    def subject(self) -> str:
        return self.case_id


class GoalProgressRecorded(Event):
    """A goal is in progress."""

    case_id: CaseId
    provider_id: ProviderId
    goal_id: ExternalId
    domain: GoalDomain
    measure_id: MeasureId
    reported_on: date

    def subject(self) -> str:
        return self.case_id


class GoalAchieved(Event):
    """A goal was achieved; ``plan_agreed_on`` lets reporting measure time to achievement."""

    case_id: CaseId
    provider_id: ProviderId
    goal_id: ExternalId
    domain: GoalDomain
    measure_id: MeasureId
    achieved_on: date
    plan_agreed_on: date

    def subject(self) -> str:
        return self.case_id


class GoalDropped(Event):
    """A goal was given up."""

    case_id: CaseId
    provider_id: ProviderId
    goal_id: ExternalId
    domain: GoalDomain
    measure_id: MeasureId
    dropped_on: date

    def subject(self) -> str:
        return self.case_id


class PlanReviewRecorded(Event):
    """Casework recorded the provider's plan review; the next review is due by ``next_due_on``."""

    plan_id: ExternalId
    case_id: CaseId
    provider_id: ProviderId
    reviewed_on: date
    next_due_on: date

    def subject(self) -> str:
        return self.case_id


class PlanReviewDue(Event):
    """A plan review is due: six months after agreement, or before an approval expires."""

    case_id: CaseId
    plan_id: ExternalId
    provider_id: ProviderId
    due_on: date
    reason: Literal["six-months", "approval-expiring"]

    def subject(self) -> str:
        return self.case_id


class FachleistungApproved(Event):
    """The office approved Fachleistung for at most 12 months with an hour budget."""

    approval_id: ExternalId
    request_id: ExternalId
    case_id: CaseId
    provider_id: ProviderId
    valid_from: date
    valid_until: date
    budget_minutes: Annotated[int, Field(ge=1)]

    def subject(self) -> str:
        return self.case_id


class FachleistungRejected(Event):
    """A Fachleistung request was not approved."""

    request_id: ExternalId
    case_id: CaseId
    provider_id: ProviderId
    reasons: Annotated[list[Reason], Field(min_length=1)]

    def subject(self) -> str:
        return self.case_id


class FachleistungExpired(Event):
    """An approval reached its end date."""

    approval_id: ExternalId
    case_id: CaseId
    provider_id: ProviderId
    expired_on: date

    def subject(self) -> str:
        return self.case_id
