"""Deciding an entry: a new one, a held one again, or a repeat of one already decided.

Every decision answers each record that carried the entry on the provider's feedback topic;
an acceptance also goes to the public ledger once, with any budget threshold it reached.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from msa_contracts.events import (
    BudgetThresholdReached,
    Event,
    HoursAccepted,
    HoursHeld,
    HoursLogged,
    HoursRejected,
    Reason,
    reason,
)

from msa_billing.domain import reasons as r
from msa_billing.domain.budgets import charge
from msa_billing.domain.case_view import CaseView
from msa_billing.domain.checks import Hold, Policy, Reject, assess
from msa_billing.domain.entry import Entry
from msa_billing.domain.facts import Cause, Fact


def settle(
    entry: Entry, case: CaseView | None, today: date | None, policy: Policy, now: datetime
) -> list[Fact]:
    """Accept, reject or (keep) hold ``entry``; an acceptance charges the case's budget. An
    entry whose hold period has passed (it counts from the service date) is decided for good
    with what is known, on a tick or when it arrives that late."""
    expired = today is not None and entry.service_date + timedelta(days=policy.hold_days) <= today
    verdict = assess(entry, case, today, policy, final=expired)
    if isinstance(verdict, Hold):
        # the provider hears at once that (and why) the entry waits, and again only when the
        # reason changes; the final answer follows when it is decided
        news = (
            entry.held_since is None
            or entry.reason is None
            or (entry.reason.code != verdict.reason.code)
        )
        # the hold counts from the service date, not from when billing happened to read the
        # entry: the same records then give the same answers, however consumers interleave
        entry.status, entry.reason, entry.held_since = "held", verdict.reason, entry.service_date
        if not news:
            return []
        event = held(entry, policy.hold_days, now)
        return [Fact(event, entry.provider_id, ledger=False, cause=c) for c in entry.causes]
    entry.decided_at = now
    if isinstance(verdict, Reject):
        entry.status, entry.reason = "rejected", verdict.reason
        return _answers(entry, ledger_first=False)
    entry.status, entry.reason, entry.billed = "accepted", None, verdict.billed
    facts = _answers(entry, ledger_first=True)
    if verdict.approval is not None:
        reached = charge(verdict.approval, verdict.billed.minutes_billable,
                         policy.warning_percent)  # fmt: skip
        facts += [_threshold(entry, verdict.approval.approval_id, case, p) for p in reached]
    return facts


def repeat(
    entry: Entry, logged: HoursLogged, cause: Cause, now: datetime, hold_days: int
) -> list[Fact]:
    """Another record with a used entry id: the same entry is answered as before (while
    held: that it is held, and its decision later); a different entry under that id is
    rejected."""
    if not entry.same_as(logged):
        message = f"entry id {logged.entry_id} was used before for a different entry"
        conflict = reason(r.ENTRY_ID_CONFLICT, message, "entry_id")
        return [Fact(rejection(entry.provider_id, logged.entry_id, logged.case_id, conflict, now),
                     entry.provider_id, ledger=False, cause=cause)]  # fmt: skip
    if entry.status == "held":
        entry.causes.append(cause)
        return [Fact(held(entry, hold_days, now), entry.provider_id, ledger=False, cause=cause)]
    return [Fact(answer(entry), entry.provider_id, ledger=False, cause=cause)]


def held(entry: Entry, hold_days: int, now: datetime) -> HoursHeld:
    """The answer to a held entry: why it waits, and the day it is decided by at the latest
    (its service date plus the hold period: then it is decided with what is known)."""
    assert entry.reason is not None and entry.held_since is not None, "only a held entry"
    return HoursHeld(
        entry_id=entry.entry_id, provider_id=entry.provider_id, case_id=entry.case_id,
        service_date=entry.service_date, reason=entry.reason,
        decide_by=entry.held_since + timedelta(days=hold_days), held_at=now,
    )  # fmt: skip


def answer(entry: Entry) -> Event:
    """The decided entry's answer, identical every time it is given."""
    assert entry.decided_at is not None, "only a decided entry has an answer"
    if entry.status == "accepted":
        assert entry.billed is not None
        b = entry.billed
        return HoursAccepted(
            entry_id=entry.entry_id, provider_id=entry.provider_id, case_id=entry.case_id,
            module=b.module, approval_id=b.approval_id, service_date=entry.service_date,
            activity=entry.activity, domain=entry.domain, worker_ref=entry.worker_ref,
            minutes_logged=entry.minutes, minutes_billable=b.minutes_billable,
            rate_cents_per_hour=b.rate_cents_per_hour, amount_cents=b.amount_cents,
            accepted_at=entry.decided_at,
        )  # fmt: skip
    assert entry.reason is not None
    return rejection(entry.provider_id, entry.entry_id, entry.case_id, entry.reason,
                     entry.decided_at)  # fmt: skip


def rejection(
    provider_id: str, entry_id: str, case_id: str, why: Reason, at: datetime
) -> HoursRejected:
    return HoursRejected(entry_id=entry_id[:128], provider_id=provider_id, case_id=case_id[:64],
                         reason=why, rejected_at=at)  # fmt: skip


def _answers(entry: Entry, *, ledger_first: bool) -> list[Fact]:
    event = answer(entry)
    return [
        Fact(event, entry.provider_id, ledger=ledger_first and i == 0, cause=cause)
        for i, cause in enumerate(entry.causes)
    ]


def _threshold(entry: Entry, approval_id: str, case: CaseView | None, percent: int) -> Fact:
    assert case is not None
    approval = case.approval(approval_id)
    assert approval is not None
    level: Literal[80, 100] = 100 if percent == 100 else 80
    event = BudgetThresholdReached(
        approval_id=approval_id, case_id=entry.case_id, provider_id=entry.provider_id,
        threshold_percent=level, used_minutes=approval.used_minutes,
        budget_minutes=approval.budget_minutes,
    )  # fmt: skip
    return Fact(event, entry.provider_id, ledger=True, cause=entry.causes[0])
