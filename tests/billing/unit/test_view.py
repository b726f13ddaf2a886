"""Billing's own view of a case over time, and the clock's second look at held entries."""

from __future__ import annotations

from datetime import UTC, date, datetime

from msa_billing.adapters.documents import case_document, entry_document
from msa_billing.domain.case_view import CaseView
from msa_billing.domain.entry import Entry
from msa_billing.domain.facts import Cause
from msa_contracts.events import HoursAccepted
from msa_contracts.values import GoalDomain, Module

from tests.billing.builders import (
    approved,
    assigned,
    closed,
    expired,
    module_changed,
    new_case_id,
    opened,
    reassigned,
)
from tests.billing.harness import Harness, feedback, only


def view_of(*events: object) -> CaseView:
    view = CaseView(case_id="C-0000000000000abc")
    for event in events:
        view.apply(event)  # type: ignore[arg-type]
    return view


def test_a_holding_lasts_until_the_next_one_starts_and_the_closing_day_belongs_to_it() -> None:
    c = "C-0000000000000abc"
    view = view_of(opened(c, date(2026, 3, 1)), assigned(c, "caritas", date(2026, 3, 2)),
                   reassigned(c, "caritas", "diakonie", date(2026, 3, 10)),
                   closed(c, date(2026, 3, 20)))  # fmt: skip

    assert view.holder_on(date(2026, 3, 1)) is None
    assert view.holder_on(date(2026, 3, 9)) == "caritas"
    assert view.holder_on(date(2026, 3, 10)) == "diakonie"
    assert view.holder_on(date(2026, 3, 20)) == "diakonie"
    assert view.holder_on(date(2026, 3, 21)) is None
    assert view.holder_at_closure() == "diakonie"


def test_the_later_of_two_changes_on_the_same_day_wins() -> None:
    c = "C-0000000000000abc"
    view = view_of(assigned(c, "caritas", date(2026, 3, 2)),
                   reassigned(c, "caritas", None, date(2026, 3, 2)))  # fmt: skip
    assert view.holder_on(date(2026, 3, 2)) is None


def test_modules_and_approvals_over_time() -> None:
    c = "C-0000000000000abc"
    view = view_of(
        opened(c, date(2026, 3, 1)),
        approved(c, "caritas", date(2026, 3, 5), date(2026, 4, 30), 600),
        module_changed(c, Module.FACHLEISTUNG, date(2026, 3, 5)),
        expired(c, "caritas", f"{c}:A1", date(2026, 4, 20)),
        module_changed(c, Module.WILLKOMMEN, date(2026, 4, 20)),
    )  # fmt: skip

    assert view.module_on(date(2026, 3, 4)) is Module.WILLKOMMEN
    assert view.module_on(date(2026, 3, 5)) is Module.FACHLEISTUNG
    assert view.approval_on(date(2026, 4, 19)) is not None
    assert view.approval_on(date(2026, 4, 20)) is None
    assert view.module_on(date(2026, 4, 20)) is Module.WILLKOMMEN


async def test_a_held_entry_whose_case_allows_it_is_accepted_on_the_next_tick(
    bill: Harness,
) -> None:
    case_id = new_case_id()
    view = view_of(
        opened(case_id, date(2026, 3, 2)), assigned(case_id, "caritas", date(2026, 3, 2))
    )
    view.case_id = case_id
    bill.store.data.cases[case_id] = case_document(view)
    missed = Entry(
        provider_id="caritas", entry_id="e-missed", case_id=case_id,
        service_date=date(2026, 3, 5), minutes=30, activity="direct",
        domain=GoalDomain.HOUSING, worker_ref="w", held_since=date(2026, 3, 5),
        causes=[Cause(event_id="r-missed", correlation_id="r-missed")],
        received_at=datetime(2026, 3, 5, tzinfo=UTC),
    )  # fmt: skip
    bill.store.data.entries[missed.key] = entry_document(missed)

    emitted = await bill.day(date(2026, 3, 6))

    accepted = only(emitted, HoursAccepted, feedback("caritas"))
    assert accepted.entry_id == "e-missed"
    assert {o.causation_id for o in emitted} == {"r-missed"}
