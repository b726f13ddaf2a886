"""Mentor matching (measure plan T10): an experienced earlier arrival for a newcomer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from msa_contracts.events import MentorMatched
from msa_contracts.reference.model import Mentoring

from msa_casework.domain.calendar import add_months
from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome
from msa_casework.domain.persons import Person


@dataclass(frozen=True)
class MentorChoice:
    mentor: Person
    language: str


def choose_mentor(
    newcomer: Person, on: date, candidates: Sequence[Person], rule: Mentoring
) -> MentorChoice | None:
    """An adult who arrived at least ``min_months_since_arrival`` months before ``on``, lives
    in the same district, shares a language and mentors fewer than ``max_mentees`` open cases;
    the earliest arrival wins, then the lowest ref. Unaccompanied minors are not matched."""
    if newcomer.unaccompanied_minor:
        return None
    arrived_by = add_months(on, -rule.min_months_since_arrival)
    eligible = [
        (p, lang)
        for p in candidates
        if p.person_ref != newcomer.person_ref and p.adult and p.district == newcomer.district
        and p.arrived_on <= arrived_by and len(p.mentees) < rule.max_mentees
        and (lang := newcomer.shared_language(p)) is not None
    ]  # fmt: skip
    if not eligible:
        return None
    mentor, language = min(eligible, key=lambda pair: (pair[0].arrived_on, pair[0].person_ref))
    return MentorChoice(mentor, language)


def match_mentor(
    case: Case, newcomer: Person, candidates: Sequence[Person], rule: Mentoring
) -> Outcome:
    """Record the match (it counts toward the mentoring measure); no candidate, no event."""
    outcome = Outcome()
    choice = choose_mentor(newcomer, case.opened_on, candidates, rule)
    if choice is None:
        return outcome
    choice.mentor.mentees.append(case.case_id)
    case.mentor_ref = choice.mentor.person_ref
    outcome.tell(
        MentorMatched(
            case_id=case.case_id, mentor_ref=choice.mentor.person_ref, matched_on=case.opened_on,
            language=choice.language, district=case.district, measure_id=rule.measure,
        ),
        case.assigned_to,
    )  # fmt: skip
    outcome.persons.append(choice.mentor)
    outcome.changed(case)
    return outcome
