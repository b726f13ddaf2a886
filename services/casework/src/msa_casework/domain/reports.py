"""What every provider report must pass: the case is the sender's and open; dates make sense."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from msa_contracts.events import ProviderReportRejected, Reason, reason

from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome
from msa_casework.domain.rules import Rules


@dataclass(frozen=True)
class Sender:
    """Who sent a report (the provider whose topic it came on) and which record it was."""

    provider_id: str
    event_id: str
    event_type: str


def gate(case: Case | None, case_id: str, sender: Sender) -> Case | Outcome:
    """The case if the sender may report on it, else the rejection. An unknown case and
    another provider's case are answered alike, so a provider learns nothing of either."""
    if case is None or case.provider_id != sender.provider_id:
        message = f"case {case_id} is not assigned to {sender.provider_id}"
        return refuse(case_id, sender, [reason("case-not-assigned", message, "case_id")])
    if not case.is_open:
        message = f"case {case_id} was closed on {case.closed_on} ({case.close_reason})"
        return refuse(case_id, sender, [reason("case-closed", message, "case_id")])
    return case


def refuse(case_id: str, sender: Sender, reasons: list[Reason]) -> Outcome:
    """Answer the sender (only) that its report was not accepted, with every reason."""
    outcome = Outcome()
    outcome.tell(
        ProviderReportRejected(
            case_id=case_id, provider_id=sender.provider_id, report_type=sender.event_type,
            report_event_id=sender.event_id, reasons=reasons,
        ),
        sender.provider_id,
    )  # fmt: skip
    return outcome


def date_problems(
    on: date, field: str, case: Case, latest_day: date | None, rules: Rules
) -> list[Reason]:
    """Not before the case opened; not after the latest known day plus the tolerance."""
    problems = []
    if on < case.opened_on:
        message = f"{on} is before the case opened on {case.opened_on}"
        problems.append(reason("date-before-case-opened", message, field))
    if latest_day is not None and on > latest_day + timedelta(days=rules.report_tolerance_days):
        message = f"{on} is after the latest known day {latest_day}"
        problems.append(reason("date-in-future", message, field))
    return problems


def plan_problems(case: Case, plan_id: str, on: date, field: str) -> list[Reason]:
    """The report names the case's agreed plan and is not dated before its agreement."""
    if case.plan is None or case.plan.plan_id != plan_id:
        message = f"{plan_id} is not the agreed plan of case {case.case_id}"
        return [reason("plan-unknown", message, "plan_id")]
    if on < case.plan.agreed_on:
        message = f"{on} is before the plan was agreed on {case.plan.agreed_on}"
        return [reason("date-before-plan", message, field)]
    return []


def waits_for_clock(outcome: Outcome, latest_day: date | None, sent_on: date) -> bool:
    """True when ``outcome`` turns a report down as dated after casework's latest day while
    the provider sent it on a later day than that. Casework reads the clock and the reports
    independently (after a restart the reports may be read first), so its latest day is
    behind the sender's: the report should wait for the clock, not be rejected."""
    if latest_day is None or sent_on <= latest_day:
        return False
    return any(
        r.code == "date-in-future"
        for fact in outcome.facts
        for r in getattr(fact.event, "reasons", ())
    )
