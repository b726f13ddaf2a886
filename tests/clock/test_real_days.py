"""The system on real days: the scheduler, not the simulator, moves time. Its "now" is a
file this module moves; everything else is as deployed (processes, broker, store,
transactional ticks read ``read_committed``). The tests run in order, one city fortnight:
a DST change, held hours answered at once, a month's invoices, three days down, a second
scheduler instance, and a tick from the past."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from msa_casework.domain.opening import case_id_for
from msa_contracts.envelope import decode, encode
from msa_contracts.events import (
    CaseAssigned,
    DayStarted,
    Event,
    HoursAccepted,
    HoursHeld,
    InvoiceIssued,
)
from msa_kit.auth import Role
from msa_kit.city_day import city_midnight
from msa_ops.cli import app as msa
from msa_ops.clock import service_day
from msa_ops.reading import read_to_end
from msa_ops.stack import port_of
from typer.testing import CliRunner

from tests.billing.builders import logged
from tests.clock.conftest import HOLD_DAYS, START, Clocked
from tests.intake.support import identity, registration_body

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]
CONSUMERS = ("casework", "billing", "reporting")  # the services that take ticks
PROVIDER = "caritas"  # the only provider for Prohlis (Süd) speaking Farsi


def _local(day: date, hours: float = 0.0) -> datetime:
    return city_midnight(day) + timedelta(hours=hours)


async def until(check: Callable[[], Any], what: str, timeout_s: float = 60.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.3)
    raise AssertionError(f"not within {timeout_s:.0f}s: {what}")


async def ticks(c: Clocked) -> list[DayStarted]:
    records = await read_to_end(c.bootstrap, [c.topic("msa.clock")], committed_only=True)
    return [DayStarted.model_validate_json(r.value) for r in records]


async def events(c: Clocked, logical: str) -> list[Event]:
    records = await read_to_end(c.bootstrap, [c.topic(logical)], committed_only=True)
    return [decode(list(r.headers), r.value).event for r in records]


def days_of(c: Clocked) -> dict[str, date | None]:
    return {n: service_day(n, c.stack[n].url).day for n in CONSUMERS}


async def all_on(c: Clocked, day: date) -> None:
    await until(lambda: _all_on(c, day), f"every service on {day}: {days_of(c)}")


async def _all_on(c: Clocked, day: date) -> bool:
    return all(d == day for d in (await asyncio.to_thread(days_of, c)).values())


async def send_hours(c: Clocked, case_id: str, on: date, sent: datetime) -> str:
    entry = logged(case_id, on, minutes=45, entry_id=f"clk-{uuid.uuid4().hex[:8]}")
    record = encode(entry, event_id=str(uuid.uuid4()), source=f"/providers/{PROVIDER}", time=sent)
    producer = AIOKafkaProducer(bootstrap_servers=c.bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(c.topic(f"msa.provider.{PROVIDER}.hours"), record.value,
                                     key=record.key, headers=list(record.headers))  # fmt: skip
    finally:
        await producer.stop()
    return entry.entry_id


async def feedback(c: Clocked) -> list[Event]:
    return await events(c, f"msa.provider.{PROVIDER}.feedback")


def register(c: Clocked, n: int) -> str:
    token = c.keys.token(Role.FRONT_DESK, subject="clock-test")
    body = registration_body(identity(n), district="prohlis", languages=["fa"],
                             allocated_on=START.isoformat())  # fmt: skip
    answer = httpx.post(f"{c.stack['intake'].url}/persons", json=body, timeout=10,
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 201, answer.text
    return str(answer.json()["person_ref"])


def status_exit(c: Clocked) -> tuple[int, str]:
    args = ["clock", "status", "--scheduler", c.stack["scheduler"].url]
    for n in CONSUMERS:
        args += ["--service", f"{n}={c.stack[n].url}"]
    done = CliRunner().invoke(msa, args)
    return done.exit_code, done.output


async def test_the_first_tick_reaches_every_service_and_clock_status_says_so(
    clocked: Clocked,
) -> None:
    await all_on(clocked, START)
    assert [t.day for t in await ticks(clocked)] == [START]
    code, output = status_exit(clocked)
    assert code == 0, output
    assert str(START) in output and "in step" in output


async def test_across_the_dst_change_each_tick_carries_its_days_offset(clocked: Clocked) -> None:
    clocked.move(_local(date(2026, 3, 30), hours=0.01))
    await all_on(clocked, date(2026, 3, 30))
    by_day = {t.day: t.at for t in await ticks(clocked)}
    assert [by_day[date(2026, 3, d)].utcoffset() for d in (28, 29, 30)] == [
        timedelta(hours=1), timedelta(hours=1), timedelta(hours=2),
    ]  # fmt: skip
    short = by_day[date(2026, 3, 30)].astimezone(UTC) - by_day[date(2026, 3, 29)].astimezone(UTC)
    assert short == timedelta(hours=23)


async def test_hours_for_a_case_billing_does_not_know_are_held_at_once_then_answered(
    clocked: Clocked,
) -> None:
    on = date(2026, 3, 30)
    clocked.stack["casework"].stop()  # the case is opened only after the entry is held
    person = await asyncio.to_thread(register, clocked, 1)
    case_id = case_id_for(person)
    sent = _local(on, 9)
    entry_id = await send_hours(clocked, case_id, on, sent)
    held = await until(
        lambda: _answers(clocked, entry_id, HoursHeld), "HoursHeld for the entry", 20
    )
    assert held[0].decide_by == on + timedelta(days=HOLD_DAYS)
    assert held[0].reason.code
    clocked.stack["casework"].start()
    await asyncio.to_thread(clocked.stack["casework"].wait_ready)
    assigned = await until(lambda: _assigned(clocked, case_id), "the case assigned to caritas")
    assert assigned
    accepted = await until(
        lambda: _answers(clocked, entry_id, HoursAccepted), "the final answer", 60
    )
    assert len(accepted) == 1 and accepted[0].case_id == case_id


async def test_the_month_boundary_issues_the_providers_invoice_exactly_once(
    clocked: Clocked,
) -> None:
    clocked.move(_local(date(2026, 4, 1), hours=0.01))
    await all_on(clocked, date(2026, 4, 1))
    invoices = await until(lambda: _invoices(clocked), "March's invoice")
    assert [(i.provider_id, i.period) for i in invoices] == [(PROVIDER, "2026-03")]


async def test_a_scheduler_down_three_days_publishes_them_in_order_and_all_catch_up(
    clocked: Clocked,
) -> None:
    clocked.stack["scheduler"].kill()
    clocked.move(_local(date(2026, 4, 4), hours=10))
    clocked.stack["scheduler"].start()
    await all_on(clocked, date(2026, 4, 4))
    days = [t.day for t in await ticks(clocked)]
    assert days[-4:] == [date(2026, 4, d) for d in (1, 2, 3, 4)]
    assert days == sorted(set(days)), "no day twice, none out of order"
    code, output = status_exit(clocked)
    assert code == 0, output


async def test_a_second_scheduler_beside_the_first_doubles_no_tick_and_no_effect(
    clocked: Clocked,
) -> None:
    second = clocked.stack.add_instance("scheduler", port_of("scheduler", 18610))
    await asyncio.to_thread(second.start)
    await asyncio.to_thread(second.wait_ready)
    clocked.move(_local(date(2026, 4, 5), hours=0.01))
    await all_on(clocked, date(2026, 4, 5))
    first = clocked.stack["scheduler"]
    await until(lambda: _exited(first), "the fenced first instance to stop itself", 30)
    days = [t.day for t in await ticks(clocked)]
    assert days == sorted(set(days)) and days[-1] == date(2026, 4, 5)
    first_day = days[0]
    assert days == [first_day + timedelta(days=n) for n in range(len(days))], "none skipped"
    assert len(await _invoices(clocked)) == 1


async def test_a_tick_for_a_day_before_a_services_day_is_ignored_and_logged(
    clocked: Clocked,
) -> None:
    past = date(2026, 4, 2)
    tick = DayStarted(day=past, at=city_midnight(past))
    record = encode(tick, event_id=f"rogue-{uuid.uuid4().hex[:8]}", source="/rogue",
                    time=datetime.now(UTC))  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=clocked.bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(clocked.topic("msa.clock"), record.value, key=record.key,
                                     headers=list(record.headers))  # fmt: skip
    finally:
        await producer.stop()
    for name in ("casework", "billing", "reporting"):
        path = clocked.stack[name].log_path
        await until(partial(_logged, path, "tick ignored"), f"{name}'s log line", 30)
    assert set(days_of(clocked).values()) == {date(2026, 4, 5)}
    assert len(await _invoices(clocked)) == 1


async def _answers(c: Clocked, entry_id: str, kind: type[Event]) -> list[Any]:
    found = await feedback(c)
    return [e for e in found if isinstance(e, kind) and getattr(e, "entry_id", None) == entry_id]


async def _assigned(c: Clocked, case_id: str) -> bool:
    found = await events(c, f"msa.provider.{PROVIDER}.assignments")
    return any(isinstance(e, CaseAssigned) and e.case_id == case_id for e in found)


async def _invoices(c: Clocked) -> list[InvoiceIssued]:
    return [e for e in await events(c, "msa.billing.ledger") if isinstance(e, InvoiceIssued)]


async def _exited(process: Any) -> bool:
    return not process.alive()


async def _logged(path: Any, text: str) -> bool:
    return text in path.read_text(errors="replace")
