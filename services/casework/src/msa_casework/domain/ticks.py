"""Time-driven decisions, run when a day starts: approvals expire, the Willkommensleistung
ends, reviews fall due, and the waiting list is served where places are free."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from msa_contracts.values import Module

from msa_casework.domain.approvals import expire_approvals
from msa_casework.domain.calendar import ONE_DAY
from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome
from msa_casework.domain.modules import end_willkommen
from msa_casework.domain.placement import Capacity, serve_waiting
from msa_casework.domain.reviews import announce_due_reviews, pending_reviews
from msa_casework.domain.rules import Rules


def on_day(due: Iterable[Case], capacity: Capacity, day: date, rules: Rules) -> Outcome:
    """Everything that falls due by ``day`` for the given cases (in date order, so a day
    that was skipped still yields the same facts), then the waiting list."""
    outcome = Outcome()
    for case in sorted(due, key=lambda c: c.case_id):
        if case.is_open:
            outcome.merge(expire_approvals(case, day))
            outcome.merge(end_willkommen(case, day))
            outcome.merge(announce_due_reviews(case, day))
    return outcome.merge(serve_waiting(capacity, rules.reference, day))


def next_wake(case: Case) -> date | None:
    """The first day on which ``on_day`` has something to decide for the case."""
    if not case.is_open:
        return None
    days = [on for _, on in pending_reviews(case)]
    days += [a.valid_until + ONE_DAY for a in case.active_approvals()]
    if case.module is Module.WILLKOMMEN:
        days.append(case.willkommen_until)
    return min(days, default=None)
