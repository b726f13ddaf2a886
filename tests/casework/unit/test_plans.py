"""Validation of provider reports: plans, reviews, goal progress and referrals."""

from __future__ import annotations

from datetime import date

import pytest
from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome
from msa_casework.domain.goals import record_referral, report_progress
from msa_casework.domain.plans import record_review, submit_plan
from msa_casework.domain.rules import Rules
from msa_contracts.events import (
    GoalAchieved,
    GoalDropped,
    GoalProgressRecorded,
    GoalProgressReported,
    IntegrationPlanAgreed,
    IntegrationPlanRejected,
    ProviderReportRejected,
    ReferralRecorded,
)
from msa_contracts.reference import ReferenceData
from msa_contracts.values import GoalDomain, ResidenceStatus

from tests.casework.builders import goal, plan, progress, referral, reviewed
from tests.casework.unit.domain_support import opened, rules_for, sender

OPENED = date(2026, 1, 15)


@pytest.fixture
def rules(reference: ReferenceData) -> Rules:
    return rules_for(reference)


@pytest.fixture
def case(rules: Rules) -> Case:
    return opened(rules, allocated_on=OPENED)  # assigned to caritas


def codes(outcome: Outcome) -> list[str]:
    (fact,) = outcome.facts
    return [r.code for r in fact.event.reasons]  # type: ignore[attr-defined]


def fields(outcome: Outcome) -> list[str | None]:
    return [r.field for r in outcome.facts[0].event.reasons]  # type: ignore[attr-defined]


def test_a_valid_plan_is_agreed_with_a_review_due_six_months_later(
    case: Case, rules: Rules
) -> None:
    outcome = submit_plan(case, plan(case.person_ref), sender("caritas"), None, rules)

    (fact,) = outcome.facts
    assert isinstance(fact.event, IntegrationPlanAgreed)
    assert fact.event.review_due_on == date(2026, 8, 1)
    assert fact.providers == ("caritas",)
    assert case.plan is not None and case.plan.goals[0].status == "open"


def test_a_plan_from_a_provider_not_assigned_is_refused_and_changes_nothing(
    case: Case, rules: Rules
) -> None:
    outcome = submit_plan(case, plan(case.person_ref), sender("awo"), None, rules)

    (fact,) = outcome.facts
    assert isinstance(fact.event, ProviderReportRejected)
    assert codes(outcome) == ["case-not-assigned"] and fact.providers == ("awo",)
    assert case.plan is None


def test_an_unknown_case_is_answered_like_another_providers_case(rules: Rules) -> None:
    outcome = submit_plan(None, plan("P-00000000000000aa"), sender("caritas"), None, rules)
    assert codes(outcome) == ["case-not-assigned"]


def test_reports_for_a_closed_case_are_rejected_case_closed(case: Case, rules: Rules) -> None:
    case.close(date(2026, 3, 1), "departed")
    outcome = submit_plan(case, plan(case.person_ref), sender("caritas"), None, rules)
    assert codes(outcome) == ["case-closed"]


def test_every_problem_of_a_plan_is_listed_with_its_field(case: Case, rules: Rules) -> None:
    bad = plan(
        case.person_ref,
        goal("g1", target_date=date(2026, 2, 1)),
        goal("g1", target_date=date(2028, 3, 1)),
        agreed_on=date(2026, 2, 1),
    )

    outcome = submit_plan(case, bad, sender("caritas"), None, rules)

    assert isinstance(outcome.facts[0].event, IntegrationPlanRejected)
    assert codes(outcome) == [
        "target-date-not-after-agreement", "duplicate-goal-id", "target-date-too-far",
    ]  # fmt: skip
    assert fields(outcome) == ["goals[0].target_date", "goals[1].goal_id", "goals[1].target_date"]


def test_dates_before_the_case_opened_or_after_the_latest_day_are_rejected(
    case: Case, rules: Rules
) -> None:
    early = plan(case.person_ref, agreed_on=date(2026, 1, 1))
    late = plan(case.person_ref, agreed_on=date(2026, 2, 4))
    latest = date(2026, 2, 1)  # tolerance: two days

    assert codes(submit_plan(case, early, sender("caritas"), latest, rules)) == [
        "date-before-case-opened"
    ]
    assert codes(submit_plan(case, late, sender("caritas"), latest, rules)) == ["date-in-future"]
    ok = plan(case.person_ref, agreed_on=date(2026, 2, 3))
    assert isinstance(submit_plan(case, ok, sender("caritas"), latest, rules).facts[0].event,
                      IntegrationPlanAgreed)  # fmt: skip


def test_a_measure_missing_from_the_reference_data_is_unknown(
    reference: ReferenceData, case: Case
) -> None:
    fewer = reference.model_copy(update={"measures": reference.measures[:-1]})  # no M66
    outcome = submit_plan(case, plan(case.person_ref, goal(measure_id="M66")), sender("caritas"),
                          None, rules_for(fewer))  # fmt: skip
    assert codes(outcome) == ["unknown-measure"]


def test_an_integration_course_goal_is_rejected_if_the_person_is_not_eligible(
    rules: Rules,
) -> None:
    tolerated = opened(rules, status=ResidenceStatus.DULDUNG)
    course = goal(domain=GoalDomain.LANGUAGE, measure_id="M19")
    low_threshold = goal(domain=GoalDomain.LANGUAGE, measure_id="M20")

    rejected = submit_plan(tolerated, plan(tolerated.person_ref, course), sender("caritas"),
                           None, rules)  # fmt: skip
    agreed = submit_plan(tolerated, plan(tolerated.person_ref, low_threshold),
                         sender("caritas"), None, rules)  # fmt: skip

    assert codes(rejected) == ["course-not-eligible"]
    assert isinstance(agreed.facts[0].event, IntegrationPlanAgreed)


def test_the_same_plan_cannot_be_agreed_twice_but_a_new_plan_replaces_it(
    case: Case, rules: Rules
) -> None:
    submit_plan(case, plan(case.person_ref), sender("caritas"), None, rules)
    again = submit_plan(case, plan(case.person_ref), sender("caritas"), None, rules)
    new = submit_plan(case, plan(case.person_ref, plan_id="plan-2"), sender("caritas"), None, rules)

    assert codes(again) == ["plan-already-agreed"]
    assert isinstance(new.facts[0].event, IntegrationPlanAgreed)
    assert case.plan is not None and case.plan.plan_id == "plan-2"


def test_goal_progress_is_recorded_then_achieved_and_stays_achieved(
    case: Case, rules: Rules
) -> None:
    submit_plan(case, plan(case.person_ref), sender("caritas"), None, rules)

    def report(status: str, on: date) -> Outcome:
        event = progress(case.person_ref, "g1", status, on)  # type: ignore[arg-type]
        return report_progress(case, event, sender("caritas"), None, rules)

    assert isinstance(report("in_progress", date(2026, 3, 1)).facts[0].event, GoalProgressRecorded)
    achieved = report("achieved", date(2026, 6, 1)).facts[0].event
    assert isinstance(achieved, GoalAchieved) and achieved.plan_agreed_on == date(2026, 2, 1)
    assert codes(report("dropped", date(2026, 7, 1))) == ["goal-settled"]


def test_a_goal_can_be_dropped(case: Case, rules: Rules) -> None:
    submit_plan(case, plan(case.person_ref), sender("caritas"), None, rules)
    event = progress(case.person_ref, "g1", "dropped", date(2026, 4, 1))
    outcome = report_progress(case, event, sender("caritas"), None, rules)
    assert isinstance(outcome.facts[0].event, GoalDropped)


def test_progress_on_an_unknown_plan_or_goal_is_rejected(case: Case, rules: Rules) -> None:
    submit_plan(case, plan(case.person_ref), sender("caritas"), None, rules)
    wrong_plan = progress(case.person_ref, "g1", "in_progress", date(2026, 3, 1), "plan-9")
    wrong_goal = progress(case.person_ref, "g9", "in_progress", date(2026, 3, 1))
    before_plan = progress(case.person_ref, "g1", "in_progress", date(2026, 1, 20))

    def run(event: GoalProgressReported) -> list[str]:
        return codes(report_progress(case, event, sender("caritas"), None, rules))

    assert run(wrong_plan) == ["plan-unknown"]
    assert run(wrong_goal) == ["goal-unknown"]
    assert run(before_plan) == ["date-before-plan"]


def test_a_review_of_another_plan_is_rejected(case: Case, rules: Rules) -> None:
    outcome = record_review(case, reviewed(case.person_ref, date(2026, 3, 1)),
                            sender("caritas"), None, rules)  # fmt: skip
    assert codes(outcome) == ["plan-unknown"]


def test_a_referral_is_recorded_once_toward_its_measure(case: Case, rules: Rules) -> None:
    first = record_referral(case, referral(case.person_ref), sender("caritas"), None, rules)
    again = record_referral(case, referral(case.person_ref), sender("caritas"), None, rules)

    recorded = first.facts[0].event
    assert isinstance(recorded, ReferralRecorded) and recorded.measure_id == "M62"
    assert codes(again) == ["duplicate-referral"]
