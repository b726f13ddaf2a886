"""Eligibility (§44 AufenthG) and perspective per status group, from reference data."""

from __future__ import annotations

from datetime import date

import pytest
from msa_casework.domain.case import CaseStatus
from msa_casework.domain.eligibility import assess, assessed, may_attend_course, reassess
from msa_contracts.events import CaseAssessed
from msa_contracts.reference import ReferenceData, load_reference
from msa_contracts.values import ResidenceStatus as S

from tests.casework.builders import status_changed
from tests.casework.unit.domain_support import opened, rules_for

ON = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("status", "course", "perspective"),
    [
        (S.AE_25_1, "entitled", "lasting"),
        (S.AE_25_2, "entitled", "lasting"),
        (S.AE_25B, "entitled", "lasting"),
        (S.AE_23_2, "entitled", "lasting"),
        (S.AE_23_4, "entitled", "lasting"),
        (S.GESTATTUNG, "admissible-if-places", "temporary"),
        (S.DULDUNG_IDENTITY_UNCLEAR, "admissible-if-places", "temporary"),
        (S.AE_24, "admissible-if-places", "temporary"),
        (S.AE_25_5, "admissible-if-places", "lasting"),
        (S.DULDUNG, "not-eligible", "temporary"),
        (S.ANKUNFTSNACHWEIS, "not-eligible", "temporary"),
        (S.OBLIGED_TO_LEAVE, "not-eligible", "temporary"),
    ],
)
def test_course_entitlement_and_perspective_follow_the_status_rule(
    status: S, course: str, perspective: str
) -> None:
    result = assess(status, ON, load_reference())
    assert (result.integration_course, result.perspective) == (course, perspective)
    assert result.course_rule.startswith("§44")


def test_every_status_is_assessed_with_rules_that_fit_the_event() -> None:
    reference = load_reference()
    for status in S:
        result = assess(status, ON, reference)
        event = assessed_case_event(reference, status)
        assert event.integration_course == result.integration_course
        assert event.integration_course_rule and event.perspective_rule


def assessed_case_event(reference: ReferenceData, status: S) -> CaseAssessed:
    return assessed(opened(rules_for(reference), status=status))


def test_only_not_eligible_persons_may_not_attend_a_course() -> None:
    reference = load_reference()
    assert may_attend_course(assess(S.GESTATTUNG, ON, reference))
    assert not may_attend_course(assess(S.DULDUNG, ON, reference))


def test_a_status_change_reassesses_the_case_from_its_valid_from(reference: ReferenceData) -> None:
    case = opened(rules_for(reference), status=S.GESTATTUNG)
    change = status_changed(case.person_ref, S.AE_25_2, date(2026, 5, 1), S.GESTATTUNG)

    outcome = reassess(case, change, reference)

    (fact,) = outcome.facts
    assert fact.event.model_dump(include={"integration_course", "assessed_on"}) == {
        "integration_course": "entitled", "assessed_on": date(2026, 5, 1),
    }  # fmt: skip
    assert case.assessment.residence_status is S.AE_25_2


def test_a_closed_case_is_not_reassessed(reference: ReferenceData) -> None:
    case = opened(rules_for(reference))
    case.close(date(2026, 2, 1), "departed")
    change = status_changed(case.person_ref, S.DULDUNG, date(2026, 5, 1), S.AE_25_2)
    assert reassess(case, change, reference).facts == []
    assert case.status is CaseStatus.CLOSED
