"""Deletion periods in reporting: a retention notice anonymises the stored facts of a case
and its person, and neither the live figures nor a rebuild from the store move."""

from __future__ import annotations

from datetime import date

from msa_contracts import events as ev
from msa_contracts.reference import ReferenceData
from msa_reporting.adapters.memory import MemoryStore
from msa_reporting.domain.anonymise import replaced

from tests.reporting.builders import (
    achieved,
    arrival,
    assigned,
    case,
    closed,
    goal,
    hours,
    invoice,
    mentor,
    opened,
    plan,
    ref,
)
from tests.reporting.unit.harness import harness

JAN, FEB, MAR = date(2026, 1, 10), date(2026, 2, 20), date(2026, 3, 5)


def history() -> list[ev.Event]:
    """Seven persons with cases, plans, goals, hours and an invoice; 0 and 1 closed."""
    events: list[ev.Event] = []
    for n in range(7):
        events += [arrival(n, JAN), opened(n, JAN), assigned(n, JAN),
                   plan(n, JAN, [goal(f"g{n}")]), achieved(n, f"g{n}", FEB, JAN),
                   hours(n, MAR, 60), mentor(n, FEB, mentor_n=(n + 1) % 7)]  # fmt: skip
    events.append(invoice("RE-2026-000001", "caritas", "2026-03",
                          [(n, "2026-03", 7000) for n in range(7)]))  # fmt: skip
    return [*events, closed(0, MAR), closed(1, MAR)]


def expired(n: int) -> ev.CaseFileExpired:
    return ev.CaseFileExpired(
        case_id=case(n), person_ref=ref(n), closed_on=MAR, expired_on=date(2029, 3, 5),
        replacement_case_id=f"C-f{n:015x}", replacement_person_ref=f"P-f{n:015x}",
    )  # fmt: skip


def test_a_fact_that_named_the_case_loses_its_worker_too_and_keeps_its_length() -> None:
    body = b'{"case_id":"C-0000000000000001","worker_ref":"w-anna","minutes":60}'
    other = b'{"case_id":"C-0000000000000002","worker_ref":"w-anna","minutes":60}'

    done = replaced(body, {case(1): "C-ffffffffffffffff"})

    assert done == b'{"case_id":"C-ffffffffffffffff","worker_ref":"xxxxxx","minutes":60}'
    assert len(done) == len(body)
    assert replaced(other, {case(1): "C-ffffffffffffffff"}) == other


def test_a_replacement_must_keep_the_length_of_the_id() -> None:
    assert replaced(b'{"case_id":"C-0000000000000001"}', {case(1): "C-ffffffffffffffff"}) == (
        b'{"case_id":"C-ffffffffffffffff"}'
    )
    try:
        replaced(b"C-0000000000000001", {case(1): "C-1"})
    except ValueError as refused:
        assert "as long as" in str(refused)
    else:
        raise AssertionError("a shorter replacement was accepted")


async def test_an_expired_case_leaves_no_id_in_the_store_and_the_figures_do_not_move(
    reference: ReferenceData,
) -> None:
    async with harness(reference) as h:
        await h.send(*history())
        before = await h.reporting.refresh()
        published_before = await h.store.load_published()

        await h.send(expired(0), expired(1))
        after = await h.reporting.refresh()
        stored = repr(h.store.events)

    for gone in (case(0), ref(0), case(1), ref(1)):
        assert gone not in stored
    assert case(2) in stored and "C-f000000000000000" in stored
    assert before.true["amount_invoiced"].values and before.true["goals_achieved"].values
    assert after.true == before.true
    store = MemoryStore(events=dict(h.store.events))
    async with harness(reference, store=store) as rebuilt:
        await rebuilt.reporting.live.load()
        again = await rebuilt.reporting.refresh()
        assert again.true == before.true
        assert await rebuilt.store.load_published() == published_before


async def test_hours_anonymised_by_billing_keep_the_hours_and_amounts(
    reference: ReferenceData,
) -> None:
    notice = ev.HoursAnonymised(
        case_id=case(3), replacement_case_id="C-f000000000000003", anonymised_on=MAR,
        entries=1, invoice_numbers=["RE-2026-000001"],
    )  # fmt: skip
    async with harness(reference) as h:
        await h.send(*history())
        before = await h.reporting.refresh()
        await h.send(notice)
        assert case(3) not in repr(h.store.events)
        assert (await h.reporting.refresh()).true == before.true
