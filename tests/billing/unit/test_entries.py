"""Hour entries through the real composition root (memory store): each is answered on the
provider's own feedback topic with acceptance or a reason code; acceptances are public."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time

from msa_contracts.envelope import encode
from msa_contracts.events import HoursAccepted, HoursHeld, HoursRejected
from msa_contracts.values import Module

from tests.billing.builders import (
    approved,
    assigned,
    closed,
    logged,
    module_changed,
    new_case_id,
    opened,
    reassigned,
)
from tests.billing.harness import LEDGER, NOW, TOPICS, Harness, feedback, names, only, record_of

CARITAS, DIAKONIE = feedback("caritas"), feedback("diakonie")
MARCH_2, TODAY = date(2026, 3, 2), date(2026, 3, 10)


async def caritas_case(bill: Harness, on: date = MARCH_2) -> str:
    case_id = new_case_id()
    await bill.case(opened(case_id, on), assigned(case_id, "caritas", on))
    await bill.day(TODAY)
    return case_id


def reason_of(emitted: list, topic: str = CARITAS) -> str:  # type: ignore[type-arg]
    return str(only(emitted, HoursRejected, topic).reason.code)


async def test_an_entry_for_an_assigned_case_is_accepted_on_feedback_and_ledger(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)

    emitted = await bill.hours("caritas", logged(case_id, date(2026, 3, 9), 45, "direct"))

    assert names(emitted, CARITAS) == ["HoursAccepted"]
    assert names(emitted, LEDGER) == ["HoursAccepted"]
    accepted = only(emitted, HoursAccepted, CARITAS)
    assert (accepted.provider_id, accepted.module, accepted.approval_id) == (
        "caritas", Module.WILLKOMMEN, None,
    )  # fmt: skip
    # 45 min -> 50 billable; 50 x 68.00 EUR / 60 = 56.666 -> 5667 cents
    assert (accepted.minutes_billable, accepted.rate_cents_per_hour) == (50, 6800)
    assert accepted.amount_cents == 5667
    assert accepted.accepted_at == NOW


async def test_the_answer_is_caused_by_the_entrys_record(bill: Harness) -> None:
    case_id = await caritas_case(bill)
    record = record_of(logged(case_id, date(2026, 3, 9)), "entry-record-1")

    emitted = await bill.deliver(TOPICS.hours("caritas"), record)

    assert {o.causation_id for o in emitted} == {"entry-record-1"}
    assert {o.correlation_id for o in emitted} == {"entry-record-1"}


async def test_hours_on_the_closing_day_are_accepted_and_after_it_rejected_as_case_closed(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    await bill.case(closed(case_id, date(2026, 3, 5)))

    on_closing_day = await bill.hours("caritas", logged(case_id, date(2026, 3, 5)))
    after = await bill.hours("caritas", logged(case_id, date(2026, 3, 6)))

    assert names(on_closing_day, CARITAS) == ["HoursAccepted"]
    assert reason_of(after) == "case-closed"
    assert names(after, LEDGER) == []


async def test_hours_dated_after_the_day_they_were_sent_plus_tolerance_are_rejected_as_future_date(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    sent = datetime.combine(TODAY, time(8), tzinfo=UTC)

    tomorrow = await bill.hours("caritas", logged(case_id, date(2026, 3, 11)), sent=sent)
    later = await bill.hours("caritas", logged(case_id, date(2026, 3, 12)), sent=sent)

    assert names(tomorrow, CARITAS) == ["HoursAccepted"]
    assert reason_of(later) == "future-date"


async def test_future_dated_hours_are_rejected_even_when_billing_reads_them_days_later(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    sent = datetime.combine(TODAY, time(8), tzinfo=UTC)
    await bill.day(date(2026, 3, 14))

    later = await bill.hours("caritas", logged(case_id, date(2026, 3, 12)), sent=sent)

    assert reason_of(later) == "future-date"


async def test_hours_ahead_of_a_lagging_clock_wait_for_the_day_instead_of_being_rejected(
    bill: Harness,
) -> None:
    """The hours and the clock are separate topics: billing may read a provider's entry of
    the 13th (sent on the 13th) before the ticks of the 11th to 13th. The fault harness found
    such entries wrongly rejected after a restart."""
    case_id = await caritas_case(bill)
    sent = datetime.combine(date(2026, 3, 13), time(8), tzinfo=UTC)

    early = await bill.hours("caritas", logged(case_id, date(2026, 3, 13)), sent=sent)
    waiting = only(early, HoursHeld, CARITAS)
    assert (waiting.reason.code, waiting.decide_by) == ("future-date", date(2026, 4, 12))
    await bill.day(date(2026, 3, 11))
    await bill.day(date(2026, 3, 12))
    decided = await bill.day(date(2026, 3, 13))

    assert names(decided, CARITAS) == ["HoursAccepted"]
    assert names(decided, LEDGER) == ["HoursAccepted"]


async def test_hours_without_a_rate_in_force_are_rejected_as_no_rate(bill: Harness) -> None:
    case_id = await caritas_case(bill)

    emitted = await bill.hours("caritas", logged(case_id, date(2023, 12, 31)))

    assert reason_of(emitted) == "no-rate"


async def test_the_rate_in_force_on_the_service_date_prices_the_entry(bill: Harness) -> None:
    case_id = new_case_id()
    june_1 = date(2026, 6, 1)
    await bill.case(opened(case_id, june_1), assigned(case_id, "caritas", june_1))
    await bill.day(date(2026, 7, 2))

    june = await bill.hours("caritas", logged(case_id, date(2026, 6, 30), 60))
    july = await bill.hours("caritas", logged(case_id, date(2026, 7, 1), 60))

    assert only(june, HoursAccepted, CARITAS).amount_cents == 6800
    assert only(july, HoursAccepted, CARITAS).amount_cents == 7150


async def test_a_changed_entry_under_a_used_id_is_rejected_and_the_first_stays(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    await bill.hours("caritas", logged(case_id, date(2026, 3, 9), 30, entry_id="e-used"))

    emitted = await bill.hours("caritas", logged(case_id, date(2026, 3, 9), 90, entry_id="e-used"))

    assert reason_of(emitted) == "entry-id-conflict"
    assert (await bill.entry("caritas", "e-used")).minutes == 30


async def test_an_identical_entry_under_a_new_record_id_is_answered_alike_but_billed_once(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    entry = logged(case_id, date(2026, 3, 9), 30, entry_id="e-twice")
    first = await bill.hours("caritas", entry)

    again = await bill.hours("caritas", entry)

    assert only(again, HoursAccepted, CARITAS) == only(first, HoursAccepted, CARITAS)
    assert names(again, LEDGER) == []


async def test_a_redelivered_record_changes_nothing(bill: Harness) -> None:
    case_id = await caritas_case(bill)
    record = record_of(logged(case_id, date(2026, 3, 9)), "same-record")
    await bill.deliver(TOPICS.hours("caritas"), record)
    before = dict(bill.store.data.entries)

    emitted = await bill.deliver(TOPICS.hours("caritas"), record)

    assert emitted == []
    assert bill.store.data.entries == before


async def test_entry_ids_are_per_provider(bill: Harness) -> None:
    mine, theirs = await caritas_case(bill), new_case_id()
    await bill.case(opened(theirs, MARCH_2), assigned(theirs, "diakonie", MARCH_2))

    a = await bill.hours("caritas", logged(mine, date(2026, 3, 9), entry_id="e-1"))
    b = await bill.hours("diakonie", logged(theirs, date(2026, 3, 9), 20, entry_id="e-1"))

    assert names(a, CARITAS) == ["HoursAccepted"] and names(b, DIAKONIE) == ["HoursAccepted"]


async def test_an_entry_before_its_assignment_is_held_then_accepted_when_it_arrives(
    bill: Harness,
) -> None:
    case_id = new_case_id()
    await bill.day(TODAY)
    record = record_of(logged(case_id, date(2026, 3, 9), 30), "early-entry")

    held = await bill.deliver(TOPICS.hours("caritas"), record)
    emitted = await bill.case(opened(case_id, MARCH_2), assigned(case_id, "caritas", MARCH_2))

    waiting = only(held, HoursHeld, CARITAS)
    assert (waiting.reason.code, waiting.decide_by) == ("case-not-assigned", date(2026, 4, 8))
    assert names(held, LEDGER) == [], "a held entry is the provider's business only"
    accepted = only(emitted, HoursAccepted, CARITAS)
    assert accepted.minutes_billable == 30
    assert {o.causation_id for o in emitted} == {"early-entry"}
    assert names(emitted, LEDGER) == ["HoursAccepted"]


async def test_a_held_entry_repeated_while_held_answers_every_record_once_decided(
    bill: Harness,
) -> None:
    case_id = new_case_id()
    await bill.day(TODAY)
    entry = logged(case_id, date(2026, 3, 9))
    await bill.hours("caritas", entry, event_id="r1")
    await bill.hours("caritas", entry, event_id="r2")

    emitted = await bill.case(opened(case_id, MARCH_2), assigned(case_id, "caritas", MARCH_2))

    answers = [(o.causation_id, o.topic) for o in emitted]
    assert answers == [("r1", CARITAS), ("r1", LEDGER), ("r2", CARITAS)]


async def test_a_record_repeating_a_held_entry_is_told_it_is_held(bill: Harness) -> None:
    case_id = new_case_id()
    await bill.day(TODAY)
    entry = logged(case_id, date(2026, 3, 9))
    first = await bill.hours("caritas", entry, event_id="r1")
    second = await bill.hours("caritas", entry, event_id="r2")

    assert [(type(o.event).__name__, o.causation_id) for o in first + second] == [
        ("HoursHeld", "r1"), ("HoursHeld", "r2"),
    ]  # fmt: skip


async def test_hours_for_another_providers_case_wait_then_are_rejected_after_the_hold_days(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)

    held = await bill.hours("diakonie", logged(case_id, date(2026, 3, 9)))
    day_29 = await bill.day(date(2026, 4, 7))
    day_30 = await bill.day(date(2026, 4, 8))  # 30 days after the service date

    assert names(held, DIAKONIE) == ["HoursHeld"]
    assert names(day_29, DIAKONIE) == [], "held once is said once, not on every tick"
    assert reason_of(day_30, DIAKONIE) == "case-not-assigned"
    assert names(day_30, CARITAS) == [] and "HoursAccepted" not in names(day_30)


async def test_an_entry_held_for_a_case_that_closes_is_rejected_at_once(bill: Harness) -> None:
    case_id = await caritas_case(bill)
    await bill.hours("diakonie", logged(case_id, date(2026, 3, 9)))

    emitted = await bill.case(closed(case_id, date(2026, 3, 10)))

    assert reason_of(emitted, DIAKONIE) == "case-not-assigned"


async def test_after_a_reassignment_the_old_provider_bills_the_days_before_and_the_new_one_after(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    await bill.case(reassigned(case_id, "caritas", "diakonie", date(2026, 3, 6)))

    before = await bill.hours("caritas", logged(case_id, date(2026, 3, 5)))
    after_old = await bill.hours("caritas", logged(case_id, date(2026, 3, 6)))
    after_new = await bill.hours("diakonie", logged(case_id, date(2026, 3, 6)))

    assert names(before, CARITAS) == ["HoursAccepted"]
    assert names(after_old, CARITAS) == ["HoursHeld"]  # it might still be reassigned back
    assert names(after_new, DIAKONIE) == ["HoursAccepted"]
    assert (await bill.entry("caritas", after_old_id(bill))).status == "held"


def after_old_id(bill: Harness) -> str:
    held = [d for d in bill.store.data.entries.values() if d["status"] == "held"]
    assert len(held) == 1
    return str(held[0]["entry_id"])


async def test_fachleistung_hours_wait_for_an_approval_and_are_billed_against_it(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    await bill.case(module_changed(case_id, Module.FACHLEISTUNG, date(2026, 3, 5)))

    held = await bill.hours("caritas", logged(case_id, date(2026, 3, 6), 60, "indirect"))
    emitted = await bill.case(
        approved(case_id, "caritas", date(2026, 3, 5), date(2027, 3, 4), 2400)
    )

    assert only(held, HoursHeld, CARITAS).reason.code == "no-active-approval"
    accepted = only(emitted, HoursAccepted, CARITAS)
    assert (accepted.module, accepted.approval_id) == (Module.FACHLEISTUNG, f"{case_id}:A1")
    assert accepted.minutes_billable == 72
    assert (await bill.view(case_id)).approvals[0].used_minutes == 72


async def test_fachleistung_hours_without_an_approval_are_rejected_after_the_hold_days(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    await bill.case(module_changed(case_id, Module.FACHLEISTUNG, date(2026, 3, 5)))
    await bill.hours("caritas", logged(case_id, date(2026, 3, 6)))

    emitted = await bill.day(date(2026, 4, 5))  # 30 days after the service date

    assert reason_of(emitted) == "no-active-approval"


async def test_willkommen_and_integrationsbuero_hours_are_billable_without_a_budget(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    await bill.case(module_changed(case_id, Module.INTEGRATIONSBUERO, date(2026, 3, 7)))

    welcome = await bill.hours("caritas", logged(case_id, date(2026, 3, 6), 600))
    office = await bill.hours("caritas", logged(case_id, date(2026, 3, 7), 600))

    assert only(welcome, HoursAccepted, CARITAS).module is Module.WILLKOMMEN
    assert only(office, HoursAccepted, CARITAS).module is Module.INTEGRATIONSBUERO


async def test_a_record_that_is_no_valid_entry_is_answered_with_the_envelope_code(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    good = record_of(logged(case_id, date(2026, 3, 9), entry_id="e-bad"), "bad-record")
    body = json.loads(good.value) | {"minutes": 0}
    bad = type(good)(good.key, json.dumps(body).encode(), good.headers)

    emitted = await bill.deliver(TOPICS.hours("caritas"), bad)

    rejected = only(emitted, HoursRejected, CARITAS)
    assert (rejected.reason.code, rejected.entry_id, rejected.case_id) == (
        "schema-violation", "e-bad", case_id,
    )  # fmt: skip
    assert emitted[0].causation_id == "bad-record"


async def test_a_provider_cannot_name_another_provider_in_its_entry(bill: Harness) -> None:
    case_id = await caritas_case(bill)
    record = record_of(logged(case_id, date(2026, 3, 9)))
    forged = json.loads(record.value) | {"provider_id": "caritas"}
    bad = type(record)(record.key, json.dumps(forged).encode(), record.headers)

    emitted = await bill.deliver(TOPICS.hours("diakonie"), bad)

    assert reason_of(emitted, DIAKONIE) == "schema-violation"
    assert names(emitted, CARITAS) == [] and names(emitted, LEDGER) == []


async def test_a_record_without_headers_is_answered_as_missing_header(bill: Harness) -> None:
    record = encode(logged(new_case_id(), date(2026, 3, 9)), event_id=str(uuid.uuid4()),
                    source="/t", time=NOW)  # fmt: skip
    bare = type(record)(record.key, record.value, ())

    emitted = await bill.deliver(TOPICS.hours("caritas"), bare)

    assert reason_of(emitted) == "missing-header"


async def test_a_tick_for_an_earlier_day_runs_nothing(bill: Harness) -> None:
    case_id = await caritas_case(bill)
    await bill.hours("caritas", logged(case_id, date(2026, 3, 9)))
    await bill.day(date(2026, 4, 2))

    stale = await bill.day(date(2026, 3, 20))

    assert stale == []
    assert await bill.store.unit(None).days.latest() == date(2026, 4, 2)


async def test_an_entry_sent_half_an_hour_after_local_midnight_is_dated_that_city_day(
    bill: Harness,
) -> None:
    case_id = await caritas_case(bill)
    await bill.day(date(2026, 3, 31))
    sent = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April in Dresden

    answered = await bill.hours("caritas", logged(case_id, date(2026, 4, 2)), sent=sent)

    # 2 April is one day after the day it was sent: within the tolerance, so it waits for
    # the day (a UTC reading, 31 March, would have rejected it as future-date)
    assert only(answered, HoursHeld, CARITAS).reason.code == "future-date"


async def test_an_entry_whose_hold_period_has_passed_is_answered_for_good_at_once(
    bill: Harness,
) -> None:
    await bill.day(date(2026, 12, 6))

    answered = await bill.hours("caritas", logged(new_case_id(), date(2026, 3, 2)))

    assert names(answered, CARITAS) == ["HoursRejected"]
    assert reason_of(answered) == "case-not-assigned"
