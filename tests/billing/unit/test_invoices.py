"""Monthly invoices: by clock and by command, one per provider and month, gapless numbers,
corrections for late entries on the next invoice, and re-runs that change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from msa_billing.domain.entry import Billed, Entry
from msa_billing.domain.facts import Cause
from msa_billing.domain.invoice_run import invoice_month, months_to_run
from msa_contracts.events import InvoiceCorrected, InvoiceIssued
from msa_contracts.values import GoalDomain, Module

from tests.billing.builders import assigned, logged, module_changed, new_case_id, opened
from tests.billing.harness import LEDGER, Harness, events, feedback, only

CARITAS, DIAKONIE = feedback("caritas"), feedback("diakonie")
START = date(2026, 3, 2)


async def case_of(bill: Harness, provider: str) -> str:
    case_id = new_case_id()
    await bill.case(opened(case_id, START), assigned(case_id, provider, START))
    return case_id


async def march_with_hours(bill: Harness) -> tuple[str, str, str]:
    """Two caritas cases and a diakonie case with March hours."""
    await bill.day(date(2026, 3, 31))
    a, b, c = [await case_of(bill, p) for p in ("caritas", "caritas", "diakonie")]
    for case_id, provider in ((a, "caritas"), (b, "caritas"), (c, "diakonie")):
        await bill.hours(provider, logged(case_id, date(2026, 3, 3), 60))
        await bill.hours(provider, logged(case_id, date(2026, 3, 20), 45, "indirect"))
    return a, b, c


async def test_the_clock_on_the_first_invoices_the_previous_month_for_providers_with_hours(
    bill: Harness,
) -> None:
    a, b, _ = await march_with_hours(bill)

    emitted = await bill.day(date(2026, 4, 1))

    caritas = only(emitted, InvoiceIssued, CARITAS)
    diakonie = only(emitted, InvoiceIssued, DIAKONIE)
    assert (caritas.invoice_number, diakonie.invoice_number) == ("RE-2026-000001", "RE-2026-000002")
    assert (caritas.period, caritas.issued_on) == ("2026-03", date(2026, 4, 1))
    assert [(x.case_id, x.entries, x.minutes_billable) for x in caritas.lines] == sorted(
        [(a, 2, 60 + 60), (b, 2, 60 + 60)]
    )
    # 60 min at 68 EUR = 6800; 45 indirect -> 50 x 1.2 = 60 min = 6800
    assert caritas.total_cents == sum(x.amount_cents for x in caritas.lines) == 4 * 6800
    assert [type(e).__name__ for e in events(emitted, LEDGER)] == ["InvoiceIssued"] * 2
    assert not any(isinstance(e, InvoiceIssued) for e in events(emitted, feedback("awo")))


async def test_lines_are_per_case_module_and_approval(bill: Harness) -> None:
    await bill.day(date(2026, 3, 31))
    case_id = await case_of(bill, "caritas")
    await bill.case(module_changed(case_id, Module.INTEGRATIONSBUERO, date(2026, 3, 15)))
    await bill.hours("caritas", logged(case_id, date(2026, 3, 10)))
    await bill.hours("caritas", logged(case_id, date(2026, 3, 16)))

    invoice = only(await bill.day(date(2026, 4, 1)), InvoiceIssued, CARITAS)

    assert [x.module for x in invoice.lines] == [Module.INTEGRATIONSBUERO, Module.WILLKOMMEN]


async def test_rerunning_an_invoiced_month_changes_nothing(bill: Harness) -> None:
    await march_with_hours(bill)
    await bill.day(date(2026, 4, 1))
    invoices = dict(bill.store.data.invoices)

    again = await bill.run("2026-03", date(2026, 4, 2))
    tick_again = await bill.day(date(2026, 4, 2))

    assert again.already_run and again.numbers == ["RE-2026-000001", "RE-2026-000002"]
    assert bill.commands.published == [] and events(tick_again) == []
    assert bill.store.data.invoices == invoices


async def test_a_command_run_invoices_the_month_once(bill: Harness) -> None:
    await march_with_hours(bill)

    first = await bill.run("2026-03", date(2026, 3, 31))
    second = await bill.run("2026-03", date(2026, 3, 31))

    assert (first.already_run, second.already_run) == (False, True)
    assert first.numbers == second.numbers == ["RE-2026-000001", "RE-2026-000002"]
    issued = [o for o in bill.commands.published if isinstance(o.event, InvoiceIssued)]
    assert len(issued) == 4  # two invoices, each on the provider's feedback and the ledger


async def test_invoice_numbers_are_gapless_across_months_and_restart_each_year(
    bill: Harness,
) -> None:
    await bill.day(date(2026, 11, 30))
    c = await case_of(bill, "caritas")
    d = await case_of(bill, "diakonie")
    await bill.hours("caritas", logged(c, date(2026, 11, 5)))
    await bill.hours("diakonie", logged(d, date(2026, 11, 5)))
    numbers = [e.invoice_number for e in events(await bill.day(date(2026, 12, 1)), LEDGER)]
    await bill.day(date(2026, 12, 31))
    await bill.hours("caritas", logged(c, date(2026, 12, 5)))
    numbers += [e.invoice_number for e in events(await bill.day(date(2027, 1, 1)), LEDGER)]

    assert numbers == ["RE-2026-000001", "RE-2026-000002", "RE-2027-000001"]


async def test_a_month_whose_first_days_were_skipped_is_invoiced_by_the_next_tick(
    bill: Harness,
) -> None:
    await bill.day(date(2026, 3, 31))
    case_id = await case_of(bill, "caritas")
    await bill.hours("caritas", logged(case_id, date(2026, 3, 5)))

    emitted = await bill.day(date(2026, 5, 3))

    issued = [e for e in events(emitted, CARITAS) if isinstance(e, InvoiceIssued)]
    assert [(e.period, e.invoice_number, e.issued_on) for e in issued] == [
        ("2026-03", "RE-2026-000001", date(2026, 5, 3)),
    ]  # fmt: skip
    assert set(bill.store.data.runs) == {"2026-02", "2026-03", "2026-04"}


async def test_an_entry_of_a_month_run_before_it_arrived_is_a_correction(bill: Harness) -> None:
    await bill.day(date(2026, 4, 30))
    case_id = await case_of(bill, "caritas")
    await bill.hours("caritas", logged(case_id, date(2026, 3, 5)))
    await bill.hours("caritas", logged(case_id, date(2026, 4, 5)))

    emitted = await bill.day(date(2026, 5, 1))

    invoice = only(emitted, InvoiceIssued, CARITAS)
    assert [(x.service_month, x.correction) for x in invoice.lines] == [
        ("2026-04", False), ("2026-03", True),
    ]  # fmt: skip


async def test_late_entries_go_onto_the_next_invoice_as_corrections_and_the_issued_one_stays(
    bill: Harness,
) -> None:
    a, _, _ = await march_with_hours(bill)
    await bill.day(date(2026, 4, 1))
    march = dict(bill.store.data.invoices["RE-2026-000001"])
    await bill.hours("caritas", logged(a, date(2026, 3, 30), 30))
    await bill.hours("caritas", logged(a, date(2026, 4, 2), 60))

    emitted = await bill.day(date(2026, 5, 1))

    april = only(emitted, InvoiceIssued, CARITAS)
    assert [(x.service_month, x.correction, x.amount_cents) for x in april.lines] == [
        ("2026-04", False, 6800), ("2026-03", True, 3400),
    ]  # fmt: skip
    assert april.total_cents == 10200
    corrected = only(emitted, InvoiceCorrected, CARITAS)
    assert (corrected.invoice_number, corrected.corrects_invoice_number) == (
        april.invoice_number, "RE-2026-000001",
    )  # fmt: skip
    assert (corrected.corrected_period, corrected.total_cents) == ("2026-03", 3400)
    assert corrected.lines == [april.lines[1]]
    assert only(emitted, InvoiceCorrected, LEDGER) == corrected
    assert bill.store.data.invoices["RE-2026-000001"] == march


async def test_a_late_entry_of_a_month_without_an_invoice_is_a_correction_without_a_notice(
    bill: Harness,
) -> None:
    await march_with_hours(bill)
    await bill.day(date(2026, 4, 1))
    awo_case = await case_of(bill, "awo")
    await bill.hours("awo", logged(awo_case, date(2026, 3, 31)))

    emitted = await bill.day(date(2026, 5, 1))

    invoice = only(emitted, InvoiceIssued, feedback("awo"))
    assert [(x.service_month, x.correction) for x in invoice.lines] == [("2026-03", True)]
    assert not any(isinstance(e, InvoiceCorrected) for e in events(emitted))


def test_months_are_run_in_order_and_each_once() -> None:
    assert months_to_run("2026-04", {"2026-01", "2026-03", "2026-05"}, {"2026-03"}) == [
        "2026-01", "2026-04",
    ]  # fmt: skip
    assert months_to_run("2026-04", set(), {"2026-04"}) == []


def accepted(i: int, provider: str, case: str, day: date, module: Module, cents: int) -> Entry:
    return Entry(
        provider_id=provider, entry_id=f"e{i}", case_id=case, service_date=day, minutes=30,
        activity="direct", domain=GoalDomain.HEALTH, worker_ref="w",
        causes=[Cause(event_id=f"r{i}", correlation_id=f"r{i}")],
        received_at=datetime(2026, 4, 1, tzinfo=UTC), status="accepted",
        billed=Billed(module=module, approval_id=None, rate_cents_per_hour=6800,
                      minutes_billable=30, amount_cents=cents),
    )  # fmt: skip


CASES = [f"C-{n:016x}" for n in (1, 2, 3)]
entry_specs = st.lists(st.tuples(
    st.sampled_from(["caritas", "diakonie", "awo"]), st.sampled_from(CASES),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 4, 30)),
    st.sampled_from(list(Module)), st.integers(0, 100_000),
), max_size=40)  # fmt: skip


@given(entry_specs)
def test_line_amounts_add_up_to_the_total_and_each_entry_is_on_exactly_one_line(
    specs: list[tuple[str, str, date, Module, int]],
) -> None:
    entries = [accepted(i, *spec) for i, spec in enumerate(specs)]
    issued = invoice_month("2026-03", date(2026, 4, 1), entries, {}, first_sequence=7)

    billable = [e for e in entries if e.service_month <= "2026-03"]
    assert sum(len(i.entries) for i in issued) == len(billable)
    assert {e.key for i in issued for e in i.entries} == {e.key for e in billable}
    for i in issued:
        assert i.invoice.total_cents == sum(x.amount_cents for x in i.invoice.lines)
        assert sum(x.entries for x in i.invoice.lines) == len(i.entries)
        for line in i.invoice.lines:
            behind = [e for e in i.entries if e.invoice_line == line.number]
            assert line.amount_cents == sum(e.billed.amount_cents for e in behind if e.billed)
    assert [i.invoice.number for i in issued] == [
        f"RE-2026-{7 + n:06d}" for n in range(len(issued))
    ]
