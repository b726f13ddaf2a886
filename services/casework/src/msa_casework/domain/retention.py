"""Deletion periods of case files: which closed cases are due, and what their expiry says.

A case file (the case with its placements, modules, plan, goals, reviews, approvals,
referrals and mentoring) is kept for ``case_file_days`` after the case closed (SGB X §84:
only as long as the task needs it) and then deleted. Pure: the day and the replacement ids
are passed in, so a repeated tick decides the same and a deleted case is never due again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from msa_contracts.events import CaseFileExpired

from msa_casework.domain.case import Case

#: a fresh pair (replacement case id, replacement person ref), drawn at random by the caller
Replacements = Callable[[], tuple[str, str]]


@dataclass(frozen=True)
class Periods:
    """How long casework keeps what, in days."""

    case_file_days: int

    def __post_init__(self) -> None:
        if self.case_file_days < 1:
            raise ValueError("the case-file period must be at least one day")


def expires_on(closed_on: date, periods: Periods) -> date:
    """The first day on which a case closed on ``closed_on`` is deleted."""
    return closed_on + timedelta(days=periods.case_file_days)


def latest_closing_due(today: date, periods: Periods) -> date:
    """Cases closed on or before this day are due on ``today``."""
    return today - timedelta(days=periods.case_file_days)


def is_due(case: Case, today: date, periods: Periods) -> bool:
    return (
        case.closed_on is not None
        and not case.is_open
        and (expires_on(case.closed_on, periods) <= today)
    )


@dataclass(frozen=True)
class Deletion:
    """One case file to delete, its public notice, and its audit record (no personal data:
    the replacement id ties it to the anonymised records elsewhere, nothing to the person)."""

    case_id: str
    notice: CaseFileExpired
    audit: dict[str, object] = field(hash=False)


@dataclass(frozen=True)
class Expiry:
    deletions: list[Deletion]
    #: other cases whose mentor was the expired case's person: the reference goes too
    mentors_forgotten: list[str]


def expire(
    cases: Iterable[Case], today: date, periods: Periods, replacements: Replacements
) -> Expiry:
    """The deletions due on ``today`` among ``cases`` (in case-id order)."""
    deletions = []
    for case in sorted((c for c in cases if is_due(c, today, periods)), key=lambda c: c.case_id):
        assert case.closed_on is not None
        case_token, person_token = replacements()
        notice = CaseFileExpired(
            case_id=case.case_id, person_ref=case.person_ref, closed_on=case.closed_on,
            expired_on=today, replacement_case_id=case_token,
            replacement_person_ref=person_token,
        )  # fmt: skip
        audit = {
            "action": "case-file-deleted", "on": today.isoformat(),
            "replacement_case_id": case_token, "closed_on": case.closed_on.isoformat(),
            "period_days": periods.case_file_days, "close_reason": case.close_reason,
        }  # fmt: skip
        deletions.append(Deletion(case.case_id, notice, audit))
    return Expiry(deletions, [d.notice.person_ref for d in deletions])
