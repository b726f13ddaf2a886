"""Fachleistung: approve from the projected hours, for at most 12 months; expire on time."""

from __future__ import annotations

from datetime import date, timedelta

from msa_contracts.events import (
    FachleistungApproved,
    FachleistungExpired,
    FachleistungRejected,
    FachleistungRequested,
    Reason,
    reason,
)
from msa_contracts.values import Module

from msa_casework.domain.calendar import ONE_DAY, months_after
from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome
from msa_casework.domain.modules import change_module, leave_fachleistung
from msa_casework.domain.reports import Sender, date_problems, gate, refuse
from msa_casework.domain.rules import Rules
from msa_casework.domain.state import Approval


def request_fachleistung(
    case: Case | None, request: FachleistungRequested, sender: Sender,
    latest_day: date | None, rules: Rules,
) -> Outcome:  # fmt: skip
    """Approve or reject the request; a malformed request is refused as a report."""
    checked = gate(case, request.case_id, sender)
    if isinstance(checked, Outcome):
        return checked
    problems = date_problems(request.requested_on, "requested_on", checked, latest_day, rules)
    if request.request_id in checked.request_ids:
        message = f"request {request.request_id} was decided before"
        problems.append(reason("duplicate-request", message, "request_id"))
    if problems:
        return refuse(request.case_id, sender, problems)
    checked.request_ids.append(request.request_id)
    refusal = decision_problems(checked, request, rules)
    if refusal:
        outcome = Outcome()
        outcome.tell(FachleistungRejected(request_id=request.request_id, case_id=checked.case_id,
                                          provider_id=sender.provider_id, reasons=refusal),
                     sender.provider_id)  # fmt: skip
        outcome.changed(checked)
        return outcome
    return approve(checked, request, sender.provider_id, rules)


def decision_problems(case: Case, request: FachleistungRequested, rules: Rules) -> list[Reason]:
    """At least the threshold of hours projected; at most one approval after the active one."""
    threshold = rules.modules.fachleistung_threshold_hours
    if request.projected_hours < threshold:
        message = (f"{request.projected_hours} h projected for the next 12 months; "
                   f"Fachleistung needs at least {threshold} h")  # fmt: skip
        return [reason("below-threshold", message, "projected_hours")]
    if any(a.valid_from > request.requested_on for a in case.active_approvals()):
        message = "an approval following the active one exists already"
        return [reason("extension-already-approved", message, "request_id")]
    return []


def approval_start(case: Case, requested_on: date) -> date:
    """The request's date, or for an extension the day after the active approval ends."""
    running = [a for a in case.active_approvals() if a.valid_until >= requested_on]
    return max(a.valid_until for a in running) + ONE_DAY if running else requested_on


def approve(case: Case, request: FachleistungRequested, provider_id: str, rules: Rules) -> Outcome:
    modules = rules.modules
    valid_from = approval_start(case, request.requested_on)
    valid_until = months_after(valid_from, modules.fachleistung_max_months)
    approval = Approval(
        approval_id=f"{case.case_id}:A{len(case.approvals) + 1}", request_id=request.request_id,
        provider_id=provider_id, valid_from=valid_from, valid_until=valid_until,
        budget_minutes=request.projected_hours * 60,
        review_due_on=valid_until - timedelta(days=modules.review_before_expiry_days),
    )  # fmt: skip
    case.approvals.append(approval)
    outcome = Outcome()
    outcome.tell(
        FachleistungApproved(
            approval_id=approval.approval_id, request_id=approval.request_id,
            case_id=case.case_id, provider_id=provider_id, valid_from=valid_from,
            valid_until=valid_until, budget_minutes=approval.budget_minutes,
        ),
        provider_id,
    )  # fmt: skip
    outcome.changed(case)
    if case.module is not Module.FACHLEISTUNG:
        why = reason("fachleistung-approved", f"{approval.approval_id} approved")
        since = max(valid_from, case.module_since)
        outcome.merge(change_module(case, Module.FACHLEISTUNG, since, valid_until, why))
    return outcome


def expire_approvals(case: Case, day: date) -> Outcome:
    """On the first day after ``valid_until`` an approval expires; without a following
    approval the case leaves the Fachleistung."""
    outcome = Outcome()
    for approval in case.active_approvals():
        if approval.valid_until >= day:
            continue
        approval.expired = True
        expired_on = approval.valid_until + ONE_DAY
        outcome.tell(
            FachleistungExpired(approval_id=approval.approval_id, case_id=case.case_id,
                                provider_id=approval.provider_id, expired_on=expired_on),
            approval.provider_id,
        )  # fmt: skip
        outcome.changed(case)
        following = next((a for a in case.approvals if a.covers(expired_on)), None)
        if following is None:
            outcome.merge(leave_fachleistung(case, expired_on))
        elif case.module is Module.FACHLEISTUNG:
            case.modules[-1].until = following.valid_until
    return outcome
