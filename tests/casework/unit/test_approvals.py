"""Fachleistung: threshold, duration, budget, extension and expiry."""

from __future__ import annotations

from datetime import date

import pytest
from msa_casework.domain.approvals import expire_approvals, request_fachleistung
from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome
from msa_casework.domain.rules import Rules
from msa_contracts.events import (
    FachleistungApproved,
    FachleistungExpired,
    FachleistungRejected,
    ModuleChanged,
    ProviderReportRejected,
)
from msa_contracts.reference import ReferenceData
from msa_contracts.values import Module

from tests.casework.builders import fachleistung
from tests.casework.unit.domain_support import opened, rules_for, sender


@pytest.fixture
def rules(reference: ReferenceData) -> Rules:
    return rules_for(reference)


@pytest.fixture
def case(rules: Rules) -> Case:
    return opened(rules, allocated_on=date(2026, 1, 15))  # caritas, Altstadt


def request(
    case: Case, rules: Rules, hours: int, on: date, request_id: str | None = None
) -> Outcome:
    event = fachleistung(case.person_ref, hours, on, request_id)
    return request_fachleistung(case, event, sender("caritas"), None, rules)


def test_35_projected_hours_are_approved_for_twelve_months_with_a_minute_budget(
    case: Case, rules: Rules
) -> None:
    outcome = request(case, rules, 35, date(2026, 3, 10))

    approved = outcome.facts[0].event
    assert isinstance(approved, FachleistungApproved)
    assert (approved.valid_from, approved.valid_until) == (date(2026, 3, 10), date(2027, 3, 9))
    assert approved.budget_minutes == 35 * 60
    assert outcome.facts[0].providers == ("caritas",)


def test_an_approval_moves_the_case_to_fachleistung_until_valid_until(
    case: Case, rules: Rules
) -> None:
    outcome = request(case, rules, 80, date(2026, 3, 10))

    changed = outcome.facts[1].event
    assert isinstance(changed, ModuleChanged)
    assert (changed.module, changed.since, changed.until) == (
        Module.FACHLEISTUNG, date(2026, 3, 10), date(2027, 3, 9),
    )  # fmt: skip
    assert changed.reason.code == "fachleistung-approved"
    assert case.module is Module.FACHLEISTUNG


def test_fewer_than_35_hours_are_rejected_below_threshold(case: Case, rules: Rules) -> None:
    outcome = request(case, rules, 34, date(2026, 3, 10))

    (fact,) = outcome.facts
    assert isinstance(fact.event, FachleistungRejected)
    assert [r.code for r in fact.event.reasons] == ["below-threshold"]
    assert case.module is Module.WILLKOMMEN and case.approvals == []


def test_an_extension_starts_the_day_after_the_active_approval_ends(
    case: Case, rules: Rules
) -> None:
    request(case, rules, 40, date(2026, 3, 10))
    outcome = request(case, rules, 40, date(2027, 2, 1))

    approved = outcome.facts[0].event
    assert isinstance(approved, FachleistungApproved)
    assert (approved.valid_from, approved.valid_until) == (date(2027, 3, 10), date(2028, 3, 9))
    assert len(outcome.facts) == 1  # already in the Fachleistung: no module change


def test_a_second_extension_while_one_is_pending_is_rejected(case: Case, rules: Rules) -> None:
    request(case, rules, 40, date(2026, 3, 10))
    request(case, rules, 40, date(2027, 2, 1))
    outcome = request(case, rules, 40, date(2027, 2, 5))

    rejected = outcome.facts[0].event
    assert isinstance(rejected, FachleistungRejected)
    assert [r.code for r in rejected.reasons] == ["extension-already-approved"]


def test_a_repeated_request_id_is_refused_as_a_report(case: Case, rules: Rules) -> None:
    request(case, rules, 40, date(2026, 3, 10), request_id="r-1")
    outcome = request(case, rules, 40, date(2026, 3, 11), request_id="r-1")

    (fact,) = outcome.facts
    assert isinstance(fact.event, ProviderReportRejected)
    assert [r.code for r in fact.event.reasons] == ["duplicate-request"]


def test_an_approval_expires_the_day_after_valid_until_back_into_willkommen(
    case: Case, rules: Rules
) -> None:
    request(case, rules, 40, date(2026, 1, 20))
    case.approvals[0].valid_until = date(2026, 6, 30)  # a shorter approval than the maximum

    assert expire_approvals(case, date(2026, 6, 30)).facts == []
    outcome = expire_approvals(case, date(2026, 7, 1))

    expired, changed = (f.event for f in outcome.facts)
    assert isinstance(expired, FachleistungExpired) and expired.expired_on == date(2026, 7, 1)
    assert isinstance(changed, ModuleChanged)
    assert (changed.module, changed.since, changed.until) == (
        Module.WILLKOMMEN, date(2026, 7, 1), case.willkommen_until,
    )  # fmt: skip


def test_an_approval_ending_after_the_twelve_months_leads_to_the_integrationsbuero(
    case: Case, rules: Rules
) -> None:
    request(case, rules, 40, date(2026, 3, 10))
    outcome = expire_approvals(case, date(2027, 3, 10))

    changed = outcome.facts[1].event
    assert isinstance(changed, ModuleChanged)
    assert (changed.module, changed.since) == (Module.INTEGRATIONSBUERO, date(2027, 3, 10))
    assert changed.reason.code == "approval-expired"


def test_with_an_extension_the_case_stays_in_fachleistung_when_the_first_expires(
    case: Case, rules: Rules
) -> None:
    request(case, rules, 40, date(2026, 3, 10))
    request(case, rules, 40, date(2027, 2, 1))
    outcome = expire_approvals(case, date(2027, 3, 10))

    assert [type(f.event).__name__ for f in outcome.facts] == ["FachleistungExpired"]
    assert case.module is Module.FACHLEISTUNG
    assert case.modules[-1].until == date(2028, 3, 9)
