"""Two billing processes in one consumer group on the real broker and store: a burst of hour
entries from every provider gets exactly one answer each, budgets are never overdrawn, and
the month is invoiced once with gapless numbers, even when both instances are asked to run
it at the same time as the clock does."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from msa_contracts.envelope import encode
from msa_contracts.events import Event, HoursAccepted, HoursRejected, InvoiceIssued
from msa_contracts.topics import dead_letter_topic
from msa_contracts.values import Module
from msa_kit.auth import Role
from msa_ops.stack import ServiceProcess
from pymongo import AsyncMongoClient

from tests.auth import Issuer
from tests.billing.builders import approved, assigned, logged, module_changed, opened, tick
from tests.billing.integration.support import PROVIDERS, all_topics, topics_for
from tests.kit.support import Tail, create_topics, unique

pytestmark = pytest.mark.integration
MARCH = date(2026, 3, 1)
CASES_PER_PROVIDER = 3
ENTRIES_PER_CASE = 20
BUDGET = 600  # minutes: ten of a case's twenty one-hour entries fit
PORTS = (18810, 18811)


def fachleistung(index: int) -> bool:
    return index % 2 == 0


async def test_two_instances_answer_each_entry_once_and_invoice_the_month_once(
    infra: Any, issuer: Issuer, tmp_path: Path
) -> None:
    service, topics = unique("billing"), topics_for(unique("t-two"))
    names = all_topics(topics)
    single = {topics.clock, topics.ledger, *(topics.feedback(p) for p in PROVIDERS)}
    await create_topics(infra.kafka_bootstrap, *single, dead_letter_topic(service))
    await create_topics(infra.kafka_bootstrap, *(set(names) - single), partitions=3)
    env = {
        **os.environ, **infra.env(), "SERVICE_NAME": service, "MONGODB_DATABASE": service,
        "KAFKA_CONSUMER_GROUP": service, "BILLING_CASES_TOPIC": topics.cases,
        "BILLING_CLOCK_TOPIC": topics.clock, "BILLING_LEDGER_TOPIC": topics.ledger,
        "BILLING_PROVIDER_TOPIC_PREFIX": topics.provider_prefix, "LOG_JSON": "true",
        "AUTH_PUBLIC_KEY_FILES": str(issuer.public_key_file), "OUTBOX_POLL_S": "0.2",
    }  # fmt: skip
    instances = [
        ServiceProcess("billing", port, {**env, "HTTP_PORT": str(port)}, tmp_path / f"b{port}.log")
        for port in PORTS
    ]
    tail = Tail(infra.kafka_bootstrap, [topics.ledger, *(topics.feedback(p) for p in PROVIDERS)])
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await tail.start()
    await producer.start()

    async def send(topic: str, event: Event, ce_id: str | None = None) -> None:
        ce_id = ce_id or str(uuid.uuid4())
        rec = encode(event, event_id=ce_id, source="/tests", time=datetime.now(UTC))
        await producer.send(topic, rec.value, key=rec.key, headers=list(rec.headers))

    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri)
    try:
        for instance in instances:
            instance.start()
        for instance in instances:
            await asyncio.to_thread(instance.wait_ready)
        await send(topics.clock, tick(date(2026, 3, 31)))
        cases = {p: [f"C-{uuid.uuid4().hex[:16]}" for _ in range(CASES_PER_PROVIDER)]
                 for p in PROVIDERS}  # fmt: skip
        for provider, ids in cases.items():
            for i, case_id in enumerate(ids):
                await send(topics.cases, opened(case_id, MARCH))
                await send(topics.cases, assigned(case_id, provider, MARCH))
                if fachleistung(i):
                    await send(topics.cases, module_changed(case_id, Module.FACHLEISTUNG, MARCH))
                    await send(topics.cases, approved(case_id, provider, MARCH,
                                                      date(2027, 2, 28), BUDGET))  # fmt: skip
        await producer.flush()
        # the entries' verdicts depend on the case feed; billing holds entries that come
        # first, but an entry before the switch to the Fachleistung would be billed without
        # a budget, so the case feed is read first
        await wait_for_views(mongo, service, len(PROVIDERS) * CASES_PER_PROVIDER)
        entries: dict[str, str] = {}  # entry id -> case id
        for n in range(ENTRIES_PER_CASE):
            for provider, ids in cases.items():
                for case_id in ids:
                    entry = logged(case_id, date(2026, 3, 1 + n), minutes=60)
                    entries[entry.entry_id] = case_id
                    ce_id = str(uuid.uuid4())
                    await send(topics.hours(provider), entry, ce_id)
                    if n % 7 == 0:  # a redelivery: no second effect, no second answer
                        await send(topics.hours(provider), entry, ce_id)
        await producer.flush()

        def answers() -> list[Event]:
            return [e for p in PROVIDERS for e in tail.on(topics.feedback(p))
                    if isinstance(e, HoursAccepted | HoursRejected)]  # fmt: skip

        await tail.until(lambda: len(answers()) >= len(entries), timeout_s=120)

        await send(topics.clock, tick(date(2026, 4, 1)))
        await producer.flush()
        finance = issuer.headers(Role.FINANCE)
        async with httpx.AsyncClient(timeout=60) as http:

            async def run_march(instance: ServiceProcess) -> httpx.Response:
                """Asked of both instances while the clock's tick runs it too."""
                while True:
                    answer = await http.post(
                        f"{instance.url}/invoice-runs", json={"period": "2026-03"}, headers=finance
                    )
                    if answer.status_code != 409:  # 409: the tick is not read yet
                        return answer
                    await asyncio.sleep(0.02)

            runs = await asyncio.gather(*(run_march(i) for i in instances))
        assert [r.status_code for r in runs] == [200, 200], [r.text for r in runs]

        def issued() -> list[InvoiceIssued]:
            return [e for e in tail.on(topics.ledger) if isinstance(e, InvoiceIssued)]

        await tail.until(lambda: len(issued()) >= len(PROVIDERS), timeout_s=60)
        await asyncio.sleep(2.0)  # anything doubled would show up now
        logs = [i.log_path.read_text(errors="replace") for i in instances]
        done = {d["_id"]: d["numbers"] async for d in mongo[service]["runs"].find({})}
        views = mongo[service]["cases"].find({"_id": {"$in": [c[0] for c in cases.values()]}})
        used = [[a["used_minutes"] for a in v["approvals"]] async for v in views]
        await mongo.drop_database(service)
    finally:
        for instance in instances:
            await asyncio.to_thread(instance.stop)
        await producer.stop()
        await tail.stop()
        await mongo.close()

    assert all('"batch handled"' in log for log in logs), "both instances took a share"
    per_entry = Counter(e.entry_id for e in answers())
    assert set(per_entry) == set(entries)
    assert set(per_entry.values()) == {1}, "exactly one answer per entry"
    ledger = [e for e in tail.on(topics.ledger) if isinstance(e, HoursAccepted)]
    accepted = [e for e in answers() if isinstance(e, HoursAccepted)]
    assert sorted(e.entry_id for e in ledger) == sorted(e.entry_id for e in accepted)
    per_case = Counter(entries[e.entry_id] for e in accepted)
    for ids in cases.values():
        for i, case_id in enumerate(ids):
            fits = BUDGET // 60 if fachleistung(i) else ENTRIES_PER_CASE
            assert per_case[case_id] == fits, "a budget is used up to the minute, never beyond"
    rejected = [e for e in answers() if isinstance(e, HoursRejected)]
    assert {e.reason.code for e in rejected} == {"budget-exhausted"}

    invoices = issued()
    assert sorted(i.invoice_number for i in invoices) == [
        f"RE-2026-{n:06d}" for n in range(1, len(PROVIDERS) + 1)
    ], "one invoice per provider, numbers gapless and unique"
    for invoice in invoices:
        billed = sum(e.amount_cents for e in accepted if e.provider_id == invoice.provider_id)
        assert invoice.total_cents == billed
    # the first tick (in March) ran February, which had no entries
    assert done == {"2026-02": [], "2026-03": sorted(i.invoice_number for i in invoices)}
    assert used == [[BUDGET]] * len(PROVIDERS)


async def wait_for_views(mongo: AsyncMongoClient[dict[str, Any]], db: str, count: int) -> None:
    """Until billing has a view of ``count`` cases, the Fachleistung ones with their approval."""
    fachleistung_approved = [
        {"modules.module": {"$ne": "fachleistung"}}, {"approvals.0": {"$exists": True}},
    ]  # fmt: skip
    query = {"$or": fachleistung_approved, "holdings.0": {"$exists": True}}
    for _ in range(300):
        if await mongo[db]["cases"].count_documents(query) == count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the case feed was not read in time")
