"""Handlers for providers' reports: the provider is the topic's, never a field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from msa_contracts.events import (
    Event,
    FachleistungRequested,
    GoalProgressReported,
    IntegrationPlanSubmitted,
    PlanReviewed,
    ReferralMade,
)
from msa_kit.city_day import city_day
from msa_kit.processing import Context, NotYet, UnexpectedEvent

from msa_casework.domain.approvals import request_fachleistung
from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome
from msa_casework.domain.goals import record_referral, report_progress
from msa_casework.domain.plans import record_review, submit_plan
from msa_casework.domain.reports import Sender, waits_for_clock
from msa_casework.domain.rules import Rules
from msa_casework.handlers.deps import Deps
from msa_casework.handlers.publish import publish

R = TypeVar("R", bound=Event)
Decision = Callable[[Case | None, R, Sender, date | None, Rules], Outcome]


def sender_of(ctx: Context) -> Sender:
    if ctx.provider is None:
        raise UnexpectedEvent(f"{ctx.record.topic} is not a provider's topic")
    return Sender(ctx.provider, ctx.envelope.id, ctx.envelope.type)


async def _decide(deps: Deps, ctx: Context, report: R, case_id: str, decide: Decision[R]) -> None:
    unit = deps.unit(ctx)
    case, latest_day = await unit.case(case_id), await unit.days.latest()
    outcome = decide(case, report, sender_of(ctx), latest_day, deps.rules)
    sent_on = city_day(ctx.envelope.time)
    if ctx.patient and waits_for_clock(outcome, latest_day, sent_on):
        raise NotYet(f"casework's latest day {latest_day} is before the day sent, {sent_on}")
    await unit.save(outcome)
    publish(ctx, outcome)


async def plan_submitted(deps: Deps, ctx: Context) -> None:
    plan = ctx.expect(IntegrationPlanSubmitted)
    await _decide(deps, ctx, plan, plan.case_id, submit_plan)


async def plan_reviewed(deps: Deps, ctx: Context) -> None:
    review = ctx.expect(PlanReviewed)
    await _decide(deps, ctx, review, review.case_id, record_review)


async def goal_progress_reported(deps: Deps, ctx: Context) -> None:
    progress = ctx.expect(GoalProgressReported)
    await _decide(deps, ctx, progress, progress.case_id, report_progress)


async def fachleistung_requested(deps: Deps, ctx: Context) -> None:
    request = ctx.expect(FachleistungRequested)
    await _decide(deps, ctx, request, request.case_id, request_fachleistung)


async def referral_made(deps: Deps, ctx: Context) -> None:
    referral = ctx.expect(ReferralMade)
    await _decide(deps, ctx, referral, referral.case_id, record_referral)
