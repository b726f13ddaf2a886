"""An approval's hour budget: warnings at 80 % and exhaustion, once each; entries beyond the
budget are rejected whole."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from msa_billing.domain.budgets import charge
from msa_billing.domain.case_view import Approval
from msa_contracts.events import BudgetThresholdReached, HoursAccepted, HoursRejected
from msa_contracts.values import Module

from tests.billing.builders import approved, assigned, logged, module_changed, new_case_id, opened
from tests.billing.harness import LEDGER, Harness, events, feedback, names, only

CARITAS = feedback("caritas")
START = date(2026, 3, 2)


async def fachleistung_case(bill: Harness, budget_minutes: int) -> str:
    case_id = new_case_id()
    await bill.case(
        opened(case_id, START), assigned(case_id, "caritas", START),
        approved(case_id, "caritas", START, date(2027, 3, 1), budget_minutes),
        module_changed(case_id, Module.FACHLEISTUNG, START),
    )  # fmt: skip
    await bill.day(date(2026, 3, 20))
    return case_id


async def test_the_budget_warning_comes_at_80_percent_once(bill: Harness) -> None:
    case_id = await fachleistung_case(bill, 100)

    below = await bill.hours("caritas", logged(case_id, date(2026, 3, 3), 70))
    at_80 = await bill.hours("caritas", logged(case_id, date(2026, 3, 4), 10))
    beyond_80 = await bill.hours("caritas", logged(case_id, date(2026, 3, 5), 6))

    assert names(below, CARITAS) == ["HoursAccepted"]
    warning = only(at_80, BudgetThresholdReached, CARITAS)
    assert (warning.threshold_percent, warning.used_minutes, warning.budget_minutes) == (
        80, 80, 100,
    )  # fmt: skip
    assert names(at_80, LEDGER) == ["HoursAccepted", "BudgetThresholdReached"]
    assert names(beyond_80) == ["HoursAccepted", "HoursAccepted"]


async def test_exhaustion_is_announced_when_the_whole_budget_is_used(bill: Harness) -> None:
    case_id = await fachleistung_case(bill, 100)
    await bill.hours("caritas", logged(case_id, date(2026, 3, 3), 80))

    emitted = await bill.hours("caritas", logged(case_id, date(2026, 3, 4), 20))

    reached = only(emitted, BudgetThresholdReached, CARITAS)
    assert (reached.threshold_percent, reached.used_minutes) == (100, 100)


async def test_one_entry_can_reach_both_thresholds(bill: Harness) -> None:
    case_id = await fachleistung_case(bill, 60)

    emitted = await bill.hours("caritas", logged(case_id, date(2026, 3, 3), 60))

    for topic in (CARITAS, LEDGER):
        reached = [e for e in events(emitted, topic) if isinstance(e, BudgetThresholdReached)]
        assert [e.threshold_percent for e in reached] == [80, 100]


async def test_an_entry_beyond_the_budget_is_rejected_whole_and_uses_nothing(
    bill: Harness,
) -> None:
    case_id = await fachleistung_case(bill, 100)
    await bill.hours("caritas", logged(case_id, date(2026, 3, 3), 60))

    over = await bill.hours("caritas", logged(case_id, date(2026, 3, 4), 50))
    fits = await bill.hours("caritas", logged(case_id, date(2026, 3, 5), 40))

    assert only(over, HoursRejected, CARITAS).reason.code == "budget-exhausted"
    assert only(fits, HoursAccepted, CARITAS).minutes_billable == 40
    assert (await bill.view(case_id)).approvals[0].used_minutes == 100


async def test_budget_usage_counts_billable_minutes(bill: Harness) -> None:
    case_id = await fachleistung_case(bill, 1000)

    await bill.hours("caritas", logged(case_id, date(2026, 3, 3), 45, "indirect"))  # 50 x 1.2
    await bill.hours("caritas", logged(case_id, date(2026, 3, 3), 25, "missed-appointment"))

    assert (await bill.view(case_id)).approvals[0].used_minutes == 60 + 24


@given(st.integers(1, 5000), st.lists(st.integers(0, 600), max_size=30))
def test_each_threshold_is_reached_at_most_once(budget: int, uses: list[int]) -> None:
    approval = Approval(approval_id="a", provider_id="p", valid_from=START,
                        valid_until=START, budget_minutes=budget)  # fmt: skip
    reached = [p for minutes in uses for p in charge(approval, minutes, 80)]
    assert len(reached) == len(set(reached))
    assert (80 in reached) == (approval.used_minutes * 100 >= 80 * budget)
    assert (100 in reached) == (approval.used_minutes >= budget)
