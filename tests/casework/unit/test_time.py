"""Time-driven decisions: the module after twelve months, reviews due, skipped days."""

from __future__ import annotations

from datetime import date

import pytest
from msa_casework.domain.approvals import request_fachleistung
from msa_casework.domain.calendar import add_months, months_after
from msa_casework.domain.case import Case
from msa_casework.domain.placement import Capacity
from msa_casework.domain.plans import record_review, submit_plan
from msa_casework.domain.rules import Rules
from msa_casework.domain.ticks import next_wake, on_day
from msa_contracts.events import ModuleChanged, PlanReviewDue
from msa_contracts.reference import ReferenceData
from msa_contracts.values import Module

from tests.casework.builders import fachleistung, plan, reviewed
from tests.casework.unit.domain_support import opened, rules_for, sender


@pytest.fixture
def rules(reference: ReferenceData) -> Rules:
    return rules_for(reference)


@pytest.fixture
def case(rules: Rules) -> Case:
    return opened(rules, allocated_on=date(2026, 1, 15))


def facts_on(case: Case, day: date, rules: Rules) -> list[object]:
    return [f.event for f in on_day([case], Capacity(), day, rules).facts]


def agree_plan(case: Case, rules: Rules, on: date) -> None:
    submit_plan(case, plan(case.person_ref, agreed_on=on), sender("caritas"), None, rules)


def test_months_are_calendar_months_and_the_31st_is_clamped() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 15), -6) == date(2026, 2, 15)
    assert months_after(date(2026, 3, 10), 12) == date(2027, 3, 9)


def test_the_willkommensleistung_lasts_twelve_months_after_allocation(
    case: Case, rules: Rules
) -> None:
    assert case.willkommen_until == date(2027, 1, 15)
    assert facts_on(case, date(2027, 1, 14), rules) == []

    (changed,) = facts_on(case, date(2027, 1, 15), rules)

    assert isinstance(changed, ModuleChanged)
    assert (changed.module, changed.since) == (Module.INTEGRATIONSBUERO, date(2027, 1, 15))
    assert changed.reason.code == "willkommen-ended"
    assert case.modules[0].until == date(2027, 1, 14)


def test_a_case_with_an_active_fachleistung_does_not_move_to_the_integrationsbuero(
    case: Case, rules: Rules
) -> None:
    request = fachleistung(case.person_ref, 40, date(2026, 12, 1))
    request_fachleistung(case, request, sender("caritas"), None, rules)

    assert facts_on(case, date(2027, 1, 15), rules) == []
    assert case.module is Module.FACHLEISTUNG


def test_the_next_wake_is_the_earliest_pending_decision(case: Case, rules: Rules) -> None:
    assert next_wake(case) == date(2027, 1, 15)
    agree_plan(case, rules, date(2026, 2, 1))
    assert next_wake(case) == date(2026, 8, 1)
    case.close(date(2026, 3, 1), "departed")
    assert next_wake(case) is None


def test_a_review_is_due_six_months_after_agreement_and_announced_once(
    case: Case, rules: Rules
) -> None:
    agree_plan(case, rules, date(2026, 2, 1))
    assert facts_on(case, date(2026, 7, 31), rules) == []

    (due,) = facts_on(case, date(2026, 8, 1), rules)

    assert isinstance(due, PlanReviewDue)
    assert (due.reason, due.due_on, due.provider_id) == ("six-months", date(2026, 8, 1), "caritas")
    assert facts_on(case, date(2026, 8, 2), rules) == []


def test_a_recorded_review_sets_the_next_due_date_six_months_later(
    case: Case, rules: Rules
) -> None:
    agree_plan(case, rules, date(2026, 2, 1))
    outcome = record_review(case, reviewed(case.person_ref, date(2026, 6, 20)),
                            sender("caritas"), None, rules)  # fmt: skip

    assert outcome.facts[0].event.next_due_on == date(2026, 12, 20)  # type: ignore[attr-defined]
    assert facts_on(case, date(2026, 8, 1), rules) == []


def test_a_review_is_due_30_days_before_an_approval_expires_unless_reviewed_since(
    case: Case, rules: Rules
) -> None:
    agree_plan(case, rules, date(2026, 2, 1))
    request = fachleistung(case.person_ref, 40, date(2026, 2, 10))
    request_fachleistung(case, request, sender("caritas"), None, rules)  # until 2027-02-09
    record_review(case, reviewed(case.person_ref, date(2026, 8, 1)), sender("caritas"), None, rules)
    record_review(case, reviewed(case.person_ref, date(2026, 12, 20)), sender("caritas"), None,
                  rules)  # fmt: skip

    due = [e for e in facts_on(case, date(2027, 1, 10), rules) if isinstance(e, PlanReviewDue)]

    assert [(d.reason, d.due_on) for d in due] == [("approval-expiring", date(2027, 1, 10))]


def test_a_review_inside_the_window_makes_the_expiry_notice_unnecessary(
    case: Case, rules: Rules
) -> None:
    agree_plan(case, rules, date(2026, 2, 1))
    request_fachleistung(case, fachleistung(case.person_ref, 40, date(2026, 2, 10)),
                         sender("caritas"), None, rules)  # fmt: skip
    record_review(case, reviewed(case.person_ref, date(2027, 1, 10)), sender("caritas"), None,
                  rules)  # fmt: skip
    due = [e for e in facts_on(case, date(2027, 1, 12), rules) if isinstance(e, PlanReviewDue)]
    assert due == []


def test_without_a_plan_no_review_is_announced(case: Case, rules: Rules) -> None:
    facts = facts_on(case, date(2026, 12, 31), rules)
    assert not any(isinstance(e, PlanReviewDue) for e in facts)


def test_skipped_days_yield_the_same_facts_in_date_order(case: Case, rules: Rules) -> None:
    request = fachleistung(case.person_ref, 40, date(2026, 2, 1))
    request_fachleistung(case, request, sender("caritas"), None, rules)
    case.approvals[0].valid_until = date(2026, 6, 30)

    names = [
        (type(e).__name__, getattr(e, "module", None))
        for e in facts_on(case, date(2027, 3, 1), rules)
    ]

    assert names == [
        ("FachleistungExpired", None),
        ("ModuleChanged", Module.WILLKOMMEN),
        ("ModuleChanged", Module.INTEGRATIONSBUERO),
    ]
