"""Plan reviews due: six months after agreement (or the last review), and before an
approval expires, unless a review happened since; each due date is announced once."""

from __future__ import annotations

from datetime import date
from typing import Literal

from msa_contracts.events import PlanReviewDue

from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome

DueReason = Literal["six-months", "approval-expiring"]


def pending_reviews(case: Case) -> list[tuple[DueReason, date]]:
    """Reviews whose due date has not been announced yet."""
    plan = case.plan
    if plan is None or not case.is_open:
        return []
    due: list[tuple[DueReason, date]] = [("six-months", plan.review_due_on)]
    due += [
        ("approval-expiring", a.review_due_on)
        for a in case.active_approvals()
        if plan.last_review < a.review_due_on
    ]
    return [(reason, on) for reason, on in due if _key(reason, on) not in case.review_notices]


def announce_due_reviews(case: Case, day: date) -> Outcome:
    outcome = Outcome()
    if case.plan is None:
        return outcome
    for reason, due_on in pending_reviews(case):
        if due_on > day:
            continue
        case.review_notices.append(_key(reason, due_on))
        outcome.tell(
            PlanReviewDue(
                case_id=case.case_id, plan_id=case.plan.plan_id,
                provider_id=case.assigned_to or case.plan.provider_id, due_on=due_on,
                reason=reason,
            ),
            case.assigned_to,
        )  # fmt: skip
        outcome.changed(case)
    return outcome


def _key(reason: DueReason, due_on: date) -> str:
    return f"{reason}:{due_on.isoformat()}"
