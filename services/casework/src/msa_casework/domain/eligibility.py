"""Integration-course entitlement (§44 AufenthG) and stay perspective, by reference rules."""

from __future__ import annotations

from datetime import date

from msa_contracts.events import CaseAssessed, ResidenceStatusChanged
from msa_contracts.reference import ReferenceData
from msa_contracts.values import ResidenceStatus

from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome
from msa_casework.domain.state import Assessment

RULE_LIMIT = 100  # the contract bounds the rule texts


def assess(status: ResidenceStatus, on: date, reference: ReferenceData) -> Assessment:
    """The decision of the status's rule in the reference data, with the rule's text."""
    rule = reference.status_rule(status)
    return Assessment(
        assessed_on=on, residence_status=status, integration_course=rule.course,
        course_rule=rule.course_rule, perspective=rule.perspective,
        perspective_rule=rule.perspective_rule,
    )  # fmt: skip


def may_attend_course(assessment: Assessment) -> bool:
    """Entitled, or admissible if places are free: a course measure may be planned."""
    return assessment.integration_course != "not-eligible"


def assessed(case: Case) -> CaseAssessed:
    a = case.assessment
    return CaseAssessed(
        case_id=case.case_id, assessed_on=a.assessed_on, residence_status=a.residence_status,
        integration_course=a.integration_course, integration_course_rule=a.course_rule[:RULE_LIMIT],
        perspective=a.perspective, perspective_rule=a.perspective_rule[:RULE_LIMIT],
    )  # fmt: skip


def reassess(
    case: Case | None, change: ResidenceStatusChanged, reference: ReferenceData
) -> Outcome:
    """A status change re-evaluates eligibility and perspective of an open case."""
    outcome = Outcome()
    if case is None or not case.is_open:
        return outcome
    case.assessment = assess(change.status, change.valid_from, reference)
    outcome.tell(assessed(case))
    outcome.changed(case)
    return outcome
