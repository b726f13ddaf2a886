"""The kit's consumer pieces without a broker or database: the router, ``ctx.expect``,
header access, the rejection builder and the memory day store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import cast

import pytest
from msa_contracts.envelope import InvalidMessage, decode, encode
from msa_contracts.events import DayStarted, Event, HoursLogged
from msa_kit.consumers import EventRouter
from msa_kit.day_store import MemoryDays
from msa_kit.processing import Context, UnexpectedEvent
from msa_kit.records import RawRecord
from msa_kit.rejections import rejected_id, rejection_reason
from pymongo.asynchronous.client_session import AsyncClientSession

NOW = datetime(2026, 3, 2, 6, tzinfo=UTC)
TICK = DayStarted(day=date(2026, 3, 2), at=NOW)


def context_of(event: Event) -> Context:
    record = encode(event, event_id="e-1", source="/test", time=NOW)
    raw = RawRecord("msa.clock", 0, 7, record.key, record.value, record.headers)
    envelope = decode(record.headers, record.value)
    return Context(envelope, raw, cast(AsyncClientSession, None), NOW, None)


async def test_the_router_calls_the_handler_of_the_events_type_with_the_deps() -> None:
    seen: list[tuple[str, date]] = []

    async def day_started(deps: str, ctx: Context) -> None:
        seen.append((deps, ctx.expect(DayStarted).day))

    router = EventRouter[str]({DayStarted: day_started}, unknown="raise")
    await router("deps", context_of(TICK))
    assert seen == [("deps", date(2026, 3, 2))]
    assert router.types == {DayStarted}


async def test_an_event_without_a_route_is_unexpected_when_the_router_raises() -> None:
    router = EventRouter[None]({}, unknown="raise")
    with pytest.raises(UnexpectedEvent, match="no handler for DayStarted"):
        await router(None, context_of(TICK))


async def test_an_event_without_a_route_is_passed_over_when_the_router_skips() -> None:
    router = EventRouter[None]({}, unknown="skip")
    await router(None, context_of(TICK))  # no handler, no error: only the inbox marks it


def test_expect_names_the_type_it_wanted_and_the_one_it_got() -> None:
    with pytest.raises(UnexpectedEvent, match="expected HoursLogged, got DayStarted"):
        context_of(TICK).expect(HoursLogged)


def test_a_header_is_found_by_its_name_in_any_case_and_read_as_text() -> None:
    raw = RawRecord("t", 1, 9, b"C-1", b"{}", (("CE_ID", b"e-\xff"), ("ce_type", b"")))
    assert raw.header("ce_id") == "e-\ufffd"
    assert raw.header("ce_type") is None  # empty is as good as missing
    assert raw.header("ce_source") is None
    assert raw.key_text == "C-1"


def test_a_rejection_names_the_records_id_or_else_its_position() -> None:
    with_id = RawRecord("t", 1, 9, None, None, (("ce_id", b"x" * 200),))
    assert rejected_id(with_id) == "x" * 128
    assert rejected_id(RawRecord("t", 1, 9, None, None, ())) == "offset-1-9"


def test_the_rejection_reason_is_the_envelopes_code_message_and_first_field() -> None:
    invalid = InvalidMessage("schema-violation", "minutes: too small", [{"loc": "minutes"}])
    why = rejection_reason(invalid)
    assert (why.code, why.message, why.field) == (
        "schema-violation",
        "minutes: too small",
        "minutes",
    )


def test_a_code_that_is_no_reason_code_becomes_invalid_message() -> None:
    why = rejection_reason(InvalidMessage("Not A Code", ""))
    assert (why.code, why.message, why.field) == ("invalid-message", "invalid-message", None)


async def test_the_day_only_moves_forward() -> None:
    days = MemoryDays()
    assert await days.latest() is None
    assert await days.advance(date(2026, 3, 2)) == date(2026, 3, 2)
    assert await days.advance(date(2026, 3, 1)) == date(2026, 3, 2)  # a late tick
    assert await days.latest() == date(2026, 3, 2)


async def test_a_tick_earlier_than_the_day_reached_is_not_taken_and_the_day_is_exported() -> None:
    from msa_kit.day_store import take_tick
    from msa_kit.metrics import CLOCK_DAY

    days = MemoryDays()
    assert await take_tick(days, date(2026, 3, 30)) == date(2026, 3, 30)
    assert await take_tick(days, date(2026, 3, 30)) == date(2026, 3, 30)  # a repeat: taken
    assert await take_tick(days, date(2026, 3, 29)) is None  # earlier: ignored
    assert await days.latest() == date(2026, 3, 30)
    # the city's midnight of 30 March (CEST, +02:00) in Unix seconds
    assert CLOCK_DAY._value.get() == datetime(2026, 3, 29, 22, tzinfo=UTC).timestamp()


def test_processing_a_record_again_emits_the_same_event_ids() -> None:
    """After a restore the services process records again: downstream inboxes must drop
    what they emit the second time, so the ids derive from the cause, never from chance."""
    day = DayStarted(day=date(2026, 3, 3), at=NOW)

    def emitted_ids() -> list[tuple[str, str | None]]:
        ctx = context_of(TICK)
        ctx.emit("msa.casework.cases", TICK)
        ctx.emit("msa.casework.cases", day, "msa.provider.caritas.assignments")
        return [(o.topic, o.event_id) for o in ctx.emitted]

    first, again = emitted_ids(), emitted_ids()
    assert first == again
    ids = [event_id for _, event_id in first]
    assert ids[0] != ids[1] and ids[1] == ids[2]  # two facts; one fact on two topics


def test_two_services_answering_the_same_record_emit_different_event_ids() -> None:
    """Casework, billing and reporting each answer one AccessRequested with a part on the
    same topic: were the ids the same, intake's inbox would keep only the first answer."""

    def emitted_id(service: str) -> str | None:
        ctx = context_of(TICK)
        ctx.emitter = service
        ctx.emit("msa.intake.access-parts", TICK)
        return ctx.emitted[0].event_id

    assert emitted_id("casework") == emitted_id("casework")
    assert len({emitted_id(s) for s in ("casework", "billing", "reporting")}) == 3
