"""Handlers: load, decide, save and publish, one per event type."""

from __future__ import annotations

import structlog
from msa_contracts.events import (
    ArrivalRegistered,
    DayStarted,
    FachleistungRequested,
    GoalProgressReported,
    IntegrationPlanSubmitted,
    PersonDeparted,
    PersonErased,
    PersonRelocated,
    PlanReviewed,
    ReferralMade,
    ResidenceStatusChanged,
)
from msa_kit.consumers import EventRouter
from msa_kit.processing import Context

from msa_casework.handlers import clock, persons, reports
from msa_casework.handlers.deps import Deps

ROUTES = EventRouter[Deps]({
    ArrivalRegistered: persons.arrival_registered,
    ResidenceStatusChanged: persons.residence_status_changed,
    PersonRelocated: persons.person_relocated,
    PersonDeparted: persons.person_departed,
    PersonErased: persons.person_erased,
    IntegrationPlanSubmitted: reports.plan_submitted,
    PlanReviewed: reports.plan_reviewed,
    GoalProgressReported: reports.goal_progress_reported,
    FachleistungRequested: reports.fachleistung_requested,
    ReferralMade: reports.referral_made,
    DayStarted: clock.day_started,
}, unknown="raise")  # fmt: skip


class Handlers:
    """Routes each decoded event to its handler."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def handle(self, ctx: Context) -> None:
        structlog.contextvars.bind_contextvars(subject=ctx.envelope.subject, provider=ctx.provider)
        await ROUTES(self.deps, ctx)
