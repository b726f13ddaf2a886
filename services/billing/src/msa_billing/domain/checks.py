"""The checks an hour entry must pass, in this order: the date is not in the future (not
after the day the entry was sent; an entry dated after billing's latest day waits for that
day, since the clock may be behind the provider), a rate is in force, the provider held the
case on the service date, a Fachleistung approval covers it, and the budget has room. (A
used entry id is handled before, see ``settle``.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from msa_contracts.events import Reason, reason
from msa_contracts.reference.model import ProviderContract
from msa_contracts.values import Module

from msa_billing.domain import reasons as r
from msa_billing.domain.case_view import Approval, CaseView
from msa_billing.domain.entry import Billed, Entry
from msa_billing.domain.rules import Tariff


@dataclass(frozen=True)
class Policy:
    """The tariff, the contracts' rates and the service's tolerances."""

    tariff: Tariff
    contracts: dict[str, ProviderContract]
    hold_days: int = 30
    future_tolerance_days: int = 1
    warning_percent: int = 80


@dataclass(frozen=True)
class Accept:
    billed: Billed
    approval: Approval | None


@dataclass(frozen=True)
class Reject:
    reason: Reason


@dataclass(frozen=True)
class Hold:
    reason: Reason


Verdict = Accept | Reject | Hold


def assess(
    entry: Entry, case: CaseView | None, today: date | None, policy: Policy, *, final: bool
) -> Verdict:
    """Check an entry against billing's view. What may still change (an assignment or an
    approval not seen yet) holds the entry, unless ``final`` or the case is closed."""
    day = entry.service_date
    ahead = timedelta(days=policy.future_tolerance_days)
    if entry.sent_on is not None and day > entry.sent_on + ahead:
        return Reject(reason(r.FUTURE_DATE, f"{day} is after {entry.sent_on}, the day the "
                               "entry was sent", "service_date"))  # fmt: skip
    if today is not None and day > today + ahead:
        # Billing's day (the clock topic) may lag behind the provider's: the hours topic and
        # the clock are consumed independently. Wait for the day instead of judging early.
        blocker = reason(r.FUTURE_DATE, f"{day} is after the latest day {today}",
                           "service_date")  # fmt: skip
        return Reject(blocker) if final else Hold(blocker)
    contract = policy.contracts.get(entry.provider_id)
    rate = contract.rate_on(day) if contract else None
    if rate is None:
        message = f"no hourly rate of {entry.provider_id} is in force on {day}"
        return Reject(reason(r.NO_RATE, message, "service_date"))
    settled = final or (case is not None and case.closed)
    if case is None or case.holder_on(day) != entry.provider_id:
        return _unassigned(entry, case, settled)
    module = case.module_on(day) or Module.WILLKOMMEN
    approval = case.approval_on(day) if module is Module.FACHLEISTUNG else None
    if module is Module.FACHLEISTUNG and approval is None:
        message = f"case {entry.case_id} has no active Fachleistung approval on {day}"
        blocker = reason(r.NO_ACTIVE_APPROVAL, message, "service_date")
        return Reject(blocker) if settled else Hold(blocker)
    billable = policy.tariff.billable_minutes(entry.minutes, entry.activity)
    if approval is not None and approval.used_minutes + billable > approval.budget_minutes:
        message = (f"{billable} billable minutes exceed the {approval.remaining_minutes} "
                   f"minutes left of approval {approval.approval_id}")  # fmt: skip
        return Reject(reason(r.BUDGET_EXHAUSTED, message, "minutes"))
    billed = Billed(
        module=module, approval_id=approval.approval_id if approval else None,
        rate_cents_per_hour=rate, minutes_billable=billable,
        amount_cents=policy.tariff.amount_cents(billable, rate),
    )  # fmt: skip
    return Accept(billed, approval)


def _unassigned(entry: Entry, case: CaseView | None, settled: bool) -> Verdict:
    """Closed after the service date while this provider held it: ``case-closed``; else the
    case was not this provider's (an unknown case and another's are answered alike)."""
    day = entry.service_date
    if case is not None and _closed_before(case, day, entry.provider_id):
        message = f"case {entry.case_id} was closed on {case.closed_on}"
        return Reject(reason(r.CASE_CLOSED, message, "service_date"))
    message = f"case {entry.case_id} is not assigned to {entry.provider_id} on {day}"
    blocker = reason(r.CASE_NOT_ASSIGNED, message, "case_id")
    return Reject(blocker) if settled else Hold(blocker)


def _closed_before(case: CaseView, day: date, provider_id: str) -> bool:
    """The case closed before ``day`` while ``provider_id`` held it."""
    closed = case.closed_on is not None and day > case.closed_on
    return closed and case.holder_at_closure() == provider_id
