"""Deletion periods in billing: hours and invoice lines lose case and worker (amounts stay),
invoices go after their statutory period; audited, announced, idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from msa_billing.domain.retention import (
    ANONYMISED_WORKER,
    Periods,
    earliest_issue_kept,
    hours_due,
    invoice_expires_on,
)
from msa_contracts.events import CaseFileExpired, HoursAnonymised, InvoiceIssued
from msa_contracts.reference import ReferenceData

from tests.billing.builders import assigned, closed, logged, new_case_id, opened
from tests.billing.harness import LEDGER, Harness, events, feedback, harness, only

DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2060, 12, 31))
START = date(2026, 3, 2)


@given(closed_on=DAYS, today=DAYS, days=st.integers(1, 5000))
def test_hours_are_due_exactly_from_the_end_of_their_period(
    closed_on: date, today: date, days: int
) -> None:
    periods = Periods(hours_days=days)
    assert hours_due(closed_on, today, periods) == (closed_on + timedelta(days=days) <= today)
    assert not hours_due(None, today, periods)


@given(issued=DAYS, today=DAYS, years=st.integers(1, 30))
def test_an_invoice_is_kept_to_the_end_of_the_tenth_year_after_its_year_of_issue(
    issued: date, today: date, years: int
) -> None:
    periods = Periods(hours_days=1, invoice_years=years)
    expires = invoice_expires_on(issued, periods)
    assert expires == date(issued.year + years + 1, 1, 1)
    assert (issued < earliest_issue_kept(today, periods)) == (today >= expires)


async def billed_case(bill: Harness, provider: str = "caritas") -> tuple[str, InvoiceIssued]:
    """A case with March hours, invoiced on 1 April, closed on 15 April."""
    case_id = new_case_id()
    await bill.day(date(2026, 3, 31))
    await bill.case(opened(case_id, START), assigned(case_id, provider, START))
    await bill.hours(provider, logged(case_id, date(2026, 3, 3), 60, worker="w-anna"))
    await bill.hours(provider, logged(case_id, date(2026, 3, 20), 45, "indirect", worker="w-bo"))
    invoice = only(await bill.day(date(2026, 4, 1)), InvoiceIssued, feedback(provider))
    await bill.case(closed(case_id, date(2026, 4, 15)))
    return case_id, invoice


async def test_hours_lose_case_and_worker_when_their_period_ends_while_amounts_stay(
    reference: ReferenceData,
) -> None:
    async with harness(reference, hours_retention_days=30) as bill:
        case_id, invoice = await billed_case(bill)
        assert case_id in repr(bill.store.data)
        assert events(await bill.day(date(2026, 5, 14)), LEDGER) == []

        emitted = await bill.day(date(2026, 5, 15))

        notice = only(emitted, HoursAnonymised, LEDGER)
        assert only(emitted, HoursAnonymised, feedback("caritas")) == notice
        assert (notice.case_id, notice.entries) == (case_id, 2)
        assert notice.invoice_numbers == [invoice.invoice_number]
        data = bill.store.data
        assert case_id not in repr(data) and "w-anna" not in repr(data)
        kept = data.invoices[invoice.invoice_number]
        assert kept["total_cents"] == invoice.total_cents
        assert [line["amount_cents"] for line in kept["lines"]] == [
            line.amount_cents for line in invoice.lines
        ]
        assert {line["case_id"] for line in kept["lines"]} == {notice.replacement_case_id}
        assert {e["worker_ref"] for e in data.entries.values()} == {ANONYMISED_WORKER}
        assert {e["case_id"] for e in data.entries.values()} == {notice.replacement_case_id}
        (audit,) = data.audit
        assert audit["action"] == "hours-anonymised" and audit["entries_anonymised"] == 2


async def test_a_repeated_tick_anonymises_nothing_new(reference: ReferenceData) -> None:
    async with harness(reference, hours_retention_days=30) as bill:
        await billed_case(bill)
        assert len(events(await bill.day(date(2026, 5, 15)), LEDGER)) == 1
        before = repr(bill.store.data.entries)

        assert events(await bill.day(date(2026, 5, 15)), LEDGER) == []
        assert events(await bill.day(date(2026, 5, 16)), LEDGER) == []
        assert repr(bill.store.data.entries) == before
        assert len(bill.store.data.audit) == 1


async def test_an_expired_case_file_anonymises_the_hours_with_casework_s_replacement(
    bill: Harness,
) -> None:
    case_id, invoice = await billed_case(bill)
    notice = CaseFileExpired(
        case_id=case_id, person_ref="P-00000000000000aa", closed_on=date(2026, 4, 15),
        expired_on=date(2026, 4, 20), replacement_case_id="C-ffffffffffffff01",
        replacement_person_ref="P-ffffffffffffff01",
    )  # fmt: skip

    emitted = await bill.case(notice)

    assert only(emitted, HoursAnonymised, LEDGER).replacement_case_id == "C-ffffffffffffff01"
    assert case_id not in repr(bill.store.data)
    lines = bill.store.data.invoices[invoice.invoice_number]["lines"]
    assert {line["case_id"] for line in lines} == {"C-ffffffffffffff01"}
    assert await bill.case(notice.model_copy(update={"expired_on": date(2026, 4, 21)})) == []


async def test_an_invoice_is_deleted_when_its_statutory_period_ends(
    reference: ReferenceData,
) -> None:
    async with harness(reference, hours_retention_days=30, invoice_retention_years=1) as bill:
        _, invoice = await billed_case(bill)
        await bill.day(date(2027, 12, 31))
        assert invoice.invoice_number in bill.store.data.invoices

        await bill.day(date(2028, 1, 1))

        assert invoice.invoice_number not in bill.store.data.invoices
        assert bill.store.data.entries == {}
        assert bill.store.data.audit[-1]["action"] == "invoice-deleted"
        assert bill.store.data.audit[-1]["total_cents"] == invoice.total_cents


async def test_a_rejected_entry_goes_when_its_period_after_the_service_date_ends(
    reference: ReferenceData,
) -> None:
    async with harness(reference, hours_retention_days=30, billing_hold_days=0) as bill:
        await bill.day(date(2026, 3, 31))
        unknown = new_case_id()
        await bill.hours("caritas", logged(unknown, date(2026, 3, 30), 60, worker="w-x"))
        await bill.day(date(2026, 4, 1))
        assert unknown in repr(bill.store.data.entries)
        await bill.day(date(2026, 4, 29))
        assert unknown in repr(bill.store.data.entries)

        await bill.day(date(2026, 4, 30))

        assert unknown not in repr(bill.store.data.entries)
        assert bill.store.data.audit[-1]["action"] == "rejected-entries-deleted"
