"""Billing's throughput on the real broker and store, per record or batched.

    uv run python scripts/bench_billing.py --entries 3000 --batch-max 200 [--profile out.svg]

Starts one billing process (``python -m msa_billing``, own topics, group and database) on the
running infrastructure (``msa infra env``), gives it cases, then publishes a burst of hour
entries as a provider would and times them until every ``HoursAccepted`` is on the ledger.
Also times a raw ``insert_many`` of as many entry-sized documents into the same store, for
scale. ``--profile FILE`` samples billing with py-spy (collapsed stacks); ``BENCH_LOG_LEVEL=INFO``
shows each batch in billing's log under var/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from msa_billing.routing import BillingTopics
from msa_contracts.envelope import encode
from msa_contracts.events import (
    CaseAssigned,
    CaseOpened,
    DayStarted,
    Event,
    HoursAccepted,
    Reason,
)
from msa_contracts.events import HoursLogged as Logged
from msa_contracts.values import AgeBand, District, GoalDomain, Module, Region, ResidenceStatus
from msa_ops.stack import ServiceProcess
from pymongo import AsyncMongoClient

PROVIDERS = ("caritas", "diakonie", "awo", "drk")
MARCH = date(2026, 3, 1)
ACCEPTED = HoursAccepted.ce_type().encode()


def record(event: Event) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    rec = encode(event, event_id=str(uuid.uuid4()), source="/bench", time=datetime.now(UTC))
    return rec.key, rec.value, list(rec.headers)


def case_events(case_id: str, provider: str) -> list[Event]:
    common: dict[str, Any] = {"case_id": case_id, "person_ref": f"P-{case_id[2:]}",
                              "district": District.ALTSTADT, "region": Region.MITTE,
                              "module": Module.WILLKOMMEN}  # fmt: skip
    return [
        CaseOpened(**common, opened_on=MARCH, module_until=date(2027, 3, 1)),
        CaseAssigned(
            **common, provider_id=provider, assigned_on=MARCH, age_band=AgeBand.ADULT,
            reasons=[Reason(code="bench", message="bench")], household_size=1,
            languages=["ar"], residence_status=ResidenceStatus.GESTATTUNG,
        ),
    ]  # fmt: skip


def entry(case_id: str, n: int) -> Logged:
    return Logged.model_validate({
        "entry_id": f"e-{n}", "case_id": case_id, "service_date": date(2026, 3, 1 + n % 28),
        "minutes": 45, "activity": "direct", "domain": GoalDomain.LANGUAGE, "worker_ref": "w-1",
    })  # fmt: skip


async def create(bootstrap: str, topics: BillingTopics, service: str) -> None:
    names = {topics.clock: 1, topics.ledger: 6, topics.cases: 6, f"msa.{service}.dead-letter": 1}
    for p in PROVIDERS:
        names |= {topics.hours(p): 3, topics.feedback(p): 3}
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, k, 1) for n, k in names.items()])
    finally:
        await admin.close()


async def count_accepted(bootstrap: str, topic: str, want: int, timeout_s: float) -> float:
    """Read ``topic`` until ``want`` HoursAccepted are there; returns when the last came."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    seen, deadline = 0, time.monotonic() + timeout_s
    try:
        while seen < want:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {seen} of {want} accepted after {timeout_s:.0f}s")
            for recs in (await consumer.getmany(timeout_ms=200, max_records=5000)).values():
                seen += sum(1 for r in recs if (dict(r.headers).get("ce_type") == ACCEPTED))
    finally:
        await consumer.stop()
    return time.monotonic()


async def raw_ceiling(uri: str, n: int, batch: int) -> float:
    """Entry-sized documents per second with insert_many of ``batch`` into the same store."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    coll = client[f"bench_raw_{uuid.uuid4().hex[:6]}"]["entries"]
    doc = {"provider_id": "caritas", "case_id": "C-0123456789abcdef", "service_date": "2026-03-01",
           "minutes": 45, "activity": "direct", "domain": "language", "worker_ref": "w-1",
           "status": "accepted", "billed": {"minutes_billable": 50, "amount_cents": 5667},
           "causes": [{"event_id": str(uuid.uuid4()), "correlation_id": "c"}]}  # fmt: skip
    start = time.monotonic()
    for first in range(0, n, batch):
        await coll.insert_many([{**doc, "_id": f"caritas/e-{i}"}
                                for i in range(first, min(n, first + batch))])  # fmt: skip
    elapsed = time.monotonic() - start
    await client.drop_database(coll.database.name)
    await client.close()
    return n / elapsed


async def main(args: argparse.Namespace) -> None:
    bootstrap, uri = os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["MONGODB_URI"]
    run = uuid.uuid4().hex[:6]
    service, prefix = f"benchbilling{run}", f"bench{run}"
    topics = BillingTopics(f"{prefix}.cases", f"{prefix}.clock", f"{prefix}.ledger",
                           f"{prefix}.provider")  # fmt: skip
    await create(bootstrap, topics, service)
    env = {**os.environ, "SERVICE_NAME": service, "MONGODB_DATABASE": service,
           "KAFKA_CONSUMER_GROUP": service, "BILLING_CASES_TOPIC": topics.cases,
           "BILLING_CLOCK_TOPIC": topics.clock, "BILLING_LEDGER_TOPIC": topics.ledger,
           "BILLING_PROVIDER_TOPIC_PREFIX": topics.provider_prefix,
           "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
           "LOG_JSON": "true", "HTTP_PORT": str(args.port),
           "PROCESSING_BATCH_MAX": str(args.batch_max)}  # fmt: skip
    billing = ServiceProcess("billing", args.port, env, Path(f"var/bench/{service}.log"))
    billing.start()
    profiler = None
    if args.profile:
        profiler = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "py-spy"), "record", "--nonblocking",
            "-f", "raw", "-o", args.profile, "--pid", str(billing.proc.pid if billing.proc else 0),
        )  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True,
                                linger_ms=5, max_batch_size=256 * 1024)  # fmt: skip
    await producer.start()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    try:
        await asyncio.to_thread(billing.wait_ready)
        tick = DayStarted(day=date(2026, 3, 31), at=datetime(2026, 3, 31, 6, tzinfo=UTC))
        key, value, headers = record(tick)
        await producer.send_and_wait(topics.clock, value, key=key, headers=headers)
        cases = [(f"C-{i:016x}", PROVIDERS[i % len(PROVIDERS)]) for i in range(args.cases)]
        for case_id, provider in cases:
            for event in case_events(case_id, provider):
                key, value, headers = record(event)
                await producer.send(topics.cases, value, key=key, headers=headers)
        await producer.flush()
        assigned = {"holdings.0": {"$exists": True}}
        while await mongo[service]["cases"].count_documents(assigned) < len(cases):  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        rows = []
        for n in range(args.entries):
            case_id, provider = cases[n % len(cases)]
            rows.append((topics.hours(provider), record(entry(case_id, n))))
        start = time.monotonic()
        for topic, (key, value, headers) in rows:
            await producer.send(topic, value, key=key, headers=headers)
        await producer.flush()
        published = time.monotonic()
        done = await count_accepted(bootstrap, topics.ledger, args.entries, args.timeout)
    finally:
        if profiler:
            profiler.send_signal(signal.SIGINT)
            await profiler.wait()
        await asyncio.to_thread(billing.stop)
        await producer.stop()
        await mongo.drop_database(service)
        await mongo.close()
    ceiling = await raw_ceiling(uri, args.entries, 200)
    rate = args.entries / (done - start)
    print(f"mode={'per-record' if args.batch_max == 1 else f'batch<={args.batch_max}'} "
          f"entries={args.entries} published_in={published - start:.2f}s "
          f"all_accepted_in={done - start:.2f}s rate={rate:.0f}/s "
          f"raw_insert_many={ceiling:.0f} docs/s ratio={rate / ceiling:.1%}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=3000)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--batch-max", type=int, default=200)
    parser.add_argument("--port", type=int, default=18820)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--profile", default="")
    asyncio.run(main(parser.parse_args()))
