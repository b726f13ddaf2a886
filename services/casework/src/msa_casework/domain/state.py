"""The parts a case is made of: needs, assessment, periods, plan, approvals, referrals."""

from __future__ import annotations

from datetime import date
from typing import Literal

from msa_contracts.events import Reason
from msa_contracts.values import (
    AgeBand,
    GoalDomain,
    Module,
    Region,
    ResidenceStatus,
)
from pydantic import BaseModel, ConfigDict

CourseDecision = Literal["entitled", "admissible-if-places", "not-eligible"]
GoalStatus = Literal["open", "in_progress", "achieved", "dropped"]


class State(BaseModel):
    """Mutable domain state (contract events, in contrast, are frozen)."""

    model_config = ConfigDict(extra="forbid")


class Needs(State):
    """What assignment needs to know about the person (erased on erasure). Vulnerabilities
    are not among them: they stay in intake, and the provider reads them from there."""

    age_band: AgeBand
    household_size: int
    languages: list[str]


class Assessment(State):
    """Integration-course entitlement (§44 AufenthG) and stay perspective, with their rules."""

    assessed_on: date
    residence_status: ResidenceStatus
    integration_course: CourseDecision
    course_rule: str
    perspective: Literal["lasting", "temporary"]
    perspective_rule: str


class AssignmentPeriod(State):
    """Who worked the case when; ``provider_id`` None means the waiting list."""

    provider_id: str | None
    region: Region
    since: date
    until: date | None = None
    reasons: list[Reason] = []


class ModulePeriod(State):
    """A module the case was in, since when, until when (as announced), and why."""

    module: Module
    since: date
    until: date | None = None
    reason: str


class GoalState(State):
    goal_id: str
    domain: GoalDomain
    measure_id: str
    indicator: str
    target_date: date
    responsible: Literal["person", "provider", "office", "other"]
    status: GoalStatus = "open"
    status_on: date | None = None

    @property
    def settled(self) -> bool:
        return self.status in ("achieved", "dropped")


class Plan(State):
    """The agreed Integrationsplan and its reviews."""

    plan_id: str
    provider_id: str
    agreed_on: date
    goals: list[GoalState]
    review_due_on: date
    reviewed_on: list[date] = []

    @property
    def last_review(self) -> date:
        """The latest review, or the agreement if there was none."""
        return max([self.agreed_on, *self.reviewed_on])

    def goal(self, goal_id: str) -> GoalState | None:
        return next((g for g in self.goals if g.goal_id == goal_id), None)


class Approval(State):
    """An approved Fachleistung: valid_from..valid_until inclusive, with an hour budget."""

    approval_id: str
    request_id: str
    provider_id: str
    valid_from: date
    valid_until: date
    budget_minutes: int
    review_due_on: date
    expired: bool = False

    def covers(self, day: date) -> bool:
        return not self.expired and self.valid_from <= day <= self.valid_until


class Referral(State):
    referral_id: str
    provider_id: str
    referred_on: date
    service: str
    measure_id: str
