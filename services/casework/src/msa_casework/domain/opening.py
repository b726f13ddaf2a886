"""Opening a case on arrival: Willkommensleistung, assessment, placement, mentor."""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import sha256

from msa_contracts.events import ArrivalRegistered, CaseOpened
from msa_contracts.values import Module

from msa_casework.domain.calendar import ONE_DAY, add_months
from msa_casework.domain.case import Case, CaseStatus
from msa_casework.domain.eligibility import assess, assessed
from msa_casework.domain.facts import Outcome
from msa_casework.domain.mentoring import match_mentor
from msa_casework.domain.persons import Person
from msa_casework.domain.placement import Capacity, place
from msa_casework.domain.rules import Rules
from msa_casework.domain.state import ModulePeriod, Needs


def case_id_for(person_ref: str) -> str:
    """Derived from the person, so a replay or a repeated arrival yields the same case."""
    return "C-" + sha256(f"msa-case:{person_ref}".encode()).hexdigest()[:16]


def open_case(
    arrival: ArrivalRegistered, capacity: Capacity, candidates: Sequence[Person], rules: Rules
) -> Outcome:
    """CaseOpened (Willkommensleistung for the first 12 months after allocation), then
    CaseAssessed, then CaseAssigned or CaseWaitlisted, then MentorMatched if one fits."""
    case = _new_case(arrival, rules)
    outcome = Outcome()
    outcome.tell(
        CaseOpened(
            case_id=case.case_id, person_ref=case.person_ref, opened_on=case.opened_on,
            module=case.module, module_until=case.willkommen_until, district=case.district,
            region=case.region,
        )
    )  # fmt: skip
    outcome.tell(assessed(case))
    outcome.changed(case)
    outcome.merge(place(case, capacity, rules.reference, case.opened_on))
    newcomer = Person.arrived(arrival)
    outcome.persons.append(newcomer)
    return outcome.merge(match_mentor(case, newcomer, candidates, rules.mentoring))


def _new_case(arrival: ArrivalRegistered, rules: Rules) -> Case:
    opened_on = arrival.allocated_on
    until = add_months(opened_on, rules.modules.willkommen_months)
    return Case(
        case_id=case_id_for(arrival.person_ref), person_ref=arrival.person_ref,
        opened_on=opened_on, status=CaseStatus.OPENED, district=arrival.district,
        region=rules.reference.region_of(arrival.district),
        needs=Needs(
            age_band=arrival.age_band, household_size=arrival.household_size,
            languages=list(arrival.languages),
        ),
        assessment=assess(arrival.residence_status, opened_on, rules.reference),
        module=Module.WILLKOMMEN, module_since=opened_on, willkommen_until=until,
        modules=[ModulePeriod(module=Module.WILLKOMMEN, since=opened_on,
                              until=until - ONE_DAY, reason="arrival")],
    )  # fmt: skip
