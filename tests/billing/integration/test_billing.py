"""Billing against the real broker and store: entries answered on the provider's feedback
topic, redeliveries without effect, provider identity from the topic, held entries, the
clock's month run, and the HTTP role matrix."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest
from msa_contracts.envelope import encode
from msa_contracts.events import (
    HoursAccepted,
    HoursRejected,
    InvoiceIssued,
)
from msa_kit.auth import Role

from tests.auth import Issuer
from tests.billing.builders import assigned, logged, new_case_id, opened
from tests.billing.integration.conftest import HOLD_DAYS
from tests.billing.integration.support import Running

pytestmark = pytest.mark.integration
START, TODAY = date(2026, 3, 2), date(2026, 3, 10)


async def caritas_case(running: Running) -> str:
    case_id = new_case_id()
    await running.case(opened(case_id, START), assigned(case_id, "caritas", START))
    await running.day(TODAY)
    return case_id


async def test_entries_are_answered_on_the_providers_feedback_topic_and_acceptances_on_the_ledger(
    running: Running,
) -> None:
    case_id = await caritas_case(running)

    good = await running.hours("caritas", logged(case_id, date(2026, 3, 9), 45))
    sent = datetime.combine(TODAY, time(8), tzinfo=UTC)
    future = await running.hours("caritas", logged(case_id, date(2026, 3, 20), 45), sent=sent)

    [accepted] = await running.answers("caritas", good)
    [rejected] = await running.answers("caritas", future)
    assert isinstance(accepted, HoursAccepted) and accepted.amount_cents == 5667
    assert isinstance(rejected, HoursRejected) and rejected.reason.code == "future-date"
    ledger = running.topics.ledger
    await running.tail.until(lambda: running.tail.on(ledger, good))
    assert running.tail.on(ledger, good) == [accepted]
    assert running.tail.on(ledger, future) == []


async def test_a_repeated_delivery_changes_nothing(running: Running) -> None:
    case_id = await caritas_case(running)
    record = encode(logged(case_id, date(2026, 3, 9), 30), event_id="rec-twice", source="/t",
                    time=running.billing.runtime.clock())  # fmt: skip

    await running.send_record(running.topics.hours("caritas"), record)
    await running.answers("caritas", "rec-twice")
    entries = running.billing.runtime.db["entries"]
    before = await entries.find_one({})
    await running.send_record(running.topics.hours("caritas"), record)
    await running.quiet()

    assert len(running.final("caritas", "rec-twice")) == 1  # (a HoursHeld may come first)
    assert len(running.tail.on(running.topics.ledger, "rec-twice")) == 1
    assert await entries.count_documents({}) == 1
    assert await entries.find_one({}) == before


async def test_a_provider_cannot_get_hours_accepted_for_another_providers_case(
    running: Running,
) -> None:
    case_id = await caritas_case(running)
    entry = logged(case_id, date(2026, 3, 9), 60)
    plain = await running.hours("diakonie", entry)
    forged = encode(entry, event_id="forged", source="/providers/caritas",
                    time=running.billing.runtime.clock())  # fmt: skip
    body = json.loads(forged.value) | {"provider_id": "caritas"}
    await running.send_record(
        running.topics.hours("diakonie"),
        type(forged)(forged.key, json.dumps(body).encode(), forged.headers),
    )

    [schema] = await running.answers("diakonie", "forged")
    held = await running.held("diakonie", plain)  # held, not billed
    assert held.reason.code == "case-not-assigned"
    await running.quiet()
    assert running.tail.on(running.topics.feedback("diakonie"), plain) == [held]
    for offset in range(1, HOLD_DAYS + 1):
        await running.day(date(2026, 3, 10 + offset))
    [given_up] = await running.answers("diakonie", plain)

    assert isinstance(schema, HoursRejected) and schema.reason.code == "schema-violation"
    assert isinstance(given_up, HoursRejected) and given_up.reason.code == "case-not-assigned"
    assert not any(isinstance(e, HoursAccepted) for e in running.tail.on(running.topics.ledger))
    assert running.tail.on(running.topics.feedback("caritas")) == []


async def test_an_entry_before_its_assignment_is_held_and_accepted_when_it_arrives(
    running: Running,
) -> None:
    case_id = new_case_id()
    await running.day(TODAY)
    early = await running.hours("caritas", logged(case_id, date(2026, 3, 9), 60))
    held = await running.held("caritas", early)
    await running.quiet()
    assert running.tail.on(running.topics.feedback("caritas"), early) == [held]
    assert held.reason.code == "case-not-assigned"

    await running.case(opened(case_id, START), assigned(case_id, "caritas", START))

    [accepted] = await running.answers("caritas", early)
    assert isinstance(accepted, HoursAccepted) and accepted.case_id == case_id


async def test_the_clock_on_the_first_of_a_month_issues_the_invoices(running: Running) -> None:
    case_id = await caritas_case(running)
    other = new_case_id()
    await running.case(opened(other, START), assigned(other, "awo", START))
    for provider, case in (("caritas", case_id), ("awo", other)):
        ce_id = await running.hours(provider, logged(case, date(2026, 3, 9), 60))
        await running.answers(provider, ce_id)

    await running.day(date(2026, 4, 1))

    ledger = running.topics.ledger
    await running.tail.until(
        lambda: len([e for e in running.tail.on(ledger) if isinstance(e, InvoiceIssued)]) == 2
    )
    issued = {e.provider_id: e for e in running.tail.on(ledger) if isinstance(e, InvoiceIssued)}
    assert (issued["awo"].invoice_number, issued["caritas"].invoice_number) == (
        "RE-2026-000001", "RE-2026-000002",
    )  # fmt: skip
    assert (issued["awo"].total_cents, issued["caritas"].total_cents) == (6500, 6800)
    on_feedback = running.tail.on(running.topics.feedback("awo"))
    assert [e for e in on_feedback if isinstance(e, InvoiceIssued)] == [issued["awo"]]


async def test_the_http_api_admits_each_role_to_what_it_may_see(
    running: Running, issuer: Issuer
) -> None:
    case_id = await caritas_case(running)
    ce_id = await running.hours("caritas", logged(case_id, date(2026, 3, 9), 60))
    await running.answers("caritas", ce_id)
    await running.day(date(2026, 4, 1))
    await running.tail.until(
        lambda: any(isinstance(e, InvoiceIssued) for e in running.tail.on(running.topics.ledger))
    )
    http, number = running.http, "RE-2026-000001"

    async def status(role: Role, path: str, provider: str | None) -> int:
        return (await http.get(path, headers=issuer.headers(role, provider))).status_code

    matrix = {
        (Role.FINANCE, None, f"/invoices/{number}"): 200,
        (Role.AUDITOR, None, f"/invoices/{number}/proof.csv"): 200,
        (Role.PROVIDER, "caritas", f"/invoices/{number}/lines/1/entries"): 200,
        (Role.PROVIDER, "diakonie", f"/invoices/{number}"): 404,
        (Role.CASEWORKER, None, f"/invoices/{number}"): 403,
        (Role.CASEWORKER, None, f"/cases/{case_id}/budget"): 200,
        (Role.PROVIDER, "diakonie", f"/cases/{case_id}/budget"): 404,
        (Role.STATISTICIAN, None, f"/cases/{case_id}/budget"): 403,
    }
    got = {
        key: await status(role, path, provider) for key in matrix for role, provider, path in [key]
    }
    assert got == matrix
    rerun = await http.post("/invoice-runs", json={"period": "2026-03"},
                            headers=issuer.headers(Role.FINANCE))  # fmt: skip
    assert rerun.status_code == 200 and rerun.json()["invoice_numbers"] == [number]
