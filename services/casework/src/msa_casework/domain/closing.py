"""Closing a case on departure or erasure: the place frees and the waiting list moves."""

from __future__ import annotations

from datetime import date
from typing import Literal

from msa_contracts.events import CaseClosed

from msa_casework.domain.facts import Outcome
from msa_casework.domain.persons import PersonFile
from msa_casework.domain.placement import Capacity, release, serve_waiting
from msa_casework.domain.rules import Rules

CloseReason = Literal["departed", "erased"]


def close_case(
    file: PersonFile, reason: CloseReason, on: date, capacity: Capacity, rules: Rules
) -> Outcome:
    """Close an open case (later reports are rejected as ``case-closed``); the person leaves
    the mentor pool and, on erasure, the needs data kept with the case is deleted."""
    outcome = Outcome()
    if file.person is not None:
        outcome.forgotten.append(file.person.person_ref)
    case = file.case
    if case is None:
        return outcome
    if reason == "erased" and case.needs is not None:
        case.needs = None
        outcome.changed(case)
    if not case.is_open:
        return outcome
    provider = case.assigned_to
    release(case, capacity)
    case.close(on, reason)
    outcome.tell(CaseClosed(case_id=case.case_id, closed_on=on, reason=reason), provider)
    outcome.changed(case)
    if file.mentor is not None and case.case_id in file.mentor.mentees:
        file.mentor.mentees.remove(case.case_id)
        outcome.persons.append(file.mentor)
    return outcome.merge(serve_waiting(capacity, rules.reference, on))
