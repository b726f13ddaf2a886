"""A deletion period ending on the real broker and store, with the four services as
processes: a departed person's case file expires on the clock's day and afterwards nothing
about the case or the person is readable in any service's database, on the dead-letter
topics, or in what the services logged from the expiry on; invoice amounts and reporting's
figures stay. The periods are set to days, and the test publishes the days' ticks itself.

The case's pseudonymous history on the shared event topics (persons, cases, ledger) and the
provider topics goes with their retention (half a year, a quarter): the second test shortens
it to a second on the real broker, waits until the broker has deleted every record, finds
nothing about the case on any topic, and rebuilds reporting from its archive (no topic
record left) into the same figures."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from bson import json_util
from msa_casework.domain.opening import case_id_for
from msa_contracts.envelope import decode, encode
from msa_contracts.events import (
    CaseAssigned,
    CaseClosed,
    CaseFileExpired,
    DayStarted,
    Event,
    HoursAccepted,
    HoursAnonymised,
    InvoiceIssued,
)
from msa_contracts.namespace import Namespace
from msa_contracts.reference import SEED_DIR
from msa_contracts.topics import HISTORY, OUTCOMES
from msa_kit.auth import Role
from msa_kit.city_day import city_midnight
from msa_ops.infra.topics import ensure_topics, topic_specs
from msa_ops.keys import LocalKeys, ensure_local_keys
from msa_ops.reading import partitions_of, read_to_end
from msa_ops.stack import Stack
from pymongo import AsyncMongoClient

from tests.billing.builders import logged
from tests.e2e.stacks import started_stack
from tests.hostile.scan import needles, scan_logs
from tests.intake.support import identity, registration_body

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
SERVICES = ["intake", "casework", "billing", "reporting"]
PROVIDER = "caritas"  # the provider for Prohlis (Süd) speaking Farsi
START, DEPARTED, PERIOD_DAYS = date(2026, 3, 2), date(2026, 4, 2), 10
EXPIRY = date(2026, 4, 12)


@dataclass
class Run:
    stack: Stack
    run: str
    namespace: Namespace
    keys: LocalKeys
    bootstrap: str
    mongodb_uri: str

    def topic(self, logical: str) -> str:
        return self.namespace.topic(logical)


@pytest.fixture(scope="module")
async def run(infra: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Run]:
    folder = tmp_path_factory.mktemp("retention")
    keys = ensure_local_keys(folder / "keys")
    name = f"keep{uuid.uuid4().hex[:6]}"
    await ensure_topics(infra.kafka_bootstrap, topic_specs(name))
    periods = {"casework": {"CASE_FILE_RETENTION_DAYS": str(PERIOD_DAYS)},
               "billing": {"HOURS_RETENTION_DAYS": str(PERIOD_DAYS)}}  # fmt: skip
    async with started_stack(
        SERVICES, infra=infra, keys=keys, reference_dir=SEED_DIR, run=name,
        log_dir=folder / "logs", base_port=18800, extra=periods,
        env={"MSA_ENV": name, "RETRY_BACKOFF_S": "0.05", "OUTBOX_RETENTION_S": "0"},
    ) as stack:  # fmt: skip
        yield Run(stack, name, Namespace(name), keys, infra.kafka_bootstrap, infra.mongodb_uri)


async def until(check: Callable[[], Any], what: str, timeout_s: float = 90.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(0.5)
    raise AssertionError(f"not within {timeout_s:.0f}s: {what}")


async def send(r: Run, logical: str, event: Event, sent: datetime) -> None:
    record = encode(event, event_id=str(uuid.uuid4()), source="/tests/retention", time=sent)
    producer = AIOKafkaProducer(bootstrap_servers=r.bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(r.topic(logical), record.value, key=record.key,
                                     headers=list(record.headers))  # fmt: skip
    finally:
        await producer.stop()


async def tick(r: Run, day: date) -> None:
    await send(r, "msa.clock", DayStarted(day=day, at=city_midnight(day)), city_midnight(day))


async def events(r: Run, logical: str) -> list[Event]:
    records = await read_to_end(r.bootstrap, [r.topic(logical)], committed_only=True)
    return [decode(list(x.headers), x.value).event for x in records]


async def of_kind(r: Run, logical: str, kind: type[Event]) -> list[Any]:
    return [e for e in await events(r, logical) if isinstance(e, kind)]


def office(r: Run, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {r.keys.token(role, subject='retention-test')}"}


async def register(r: Run, http: httpx.AsyncClient, n: int) -> str:
    body = registration_body(identity(n), district="prohlis", languages=["fa"],
                             allocated_on=START.isoformat())  # fmt: skip
    made = await http.post("/persons", json=body, headers=office(r, Role.FRONT_DESK))
    assert made.status_code == 201, made.text
    return str(made.json()["person_ref"])


async def database_text(r: Run) -> dict[str, str]:
    """Every document of the run's databases, as text, by database."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(r.mongodb_uri)
    found: dict[str, str] = {}
    try:
        for name in await client.list_database_names():
            if name.startswith(f"{r.run}_"):
                db = client[name]
                found[name] = "".join([json_util.dumps(d) + _binaries(d)
                                       for c in await db.list_collection_names()
                                       async for d in db[c].find({})])  # fmt: skip
    finally:
        await client.close()
    return found


def _binaries(doc: Any) -> str:
    if isinstance(doc, bytes):
        return doc.decode(errors="replace")
    if isinstance(doc, dict):
        return "".join(_binaries(v) for v in doc.values())
    if isinstance(doc, list):
        return "".join(_binaries(v) for v in doc)
    return ""


async def figure(r: Run, name: str) -> Any:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(r.mongodb_uri)
    try:
        doc = await client[f"{r.run}_reporting"]["figures"].find_one({"_id": name})
    finally:
        await client.close()
    assert doc is not None, f"no figure {name}"
    return sorted(map(repr, doc.get("cells") or []))


async def test_after_the_period_nothing_of_the_expired_case_is_readable_but_the_amounts(
    run: Run,
) -> None:
    await tick(run, START)
    async with httpx.AsyncClient(base_url=run.stack["intake"].url, timeout=30) as http:
        gone, stays = await register(run, http, 71), await register(run, http, 72)
        cases = {gone: case_id_for(gone), stays: case_id_for(stays)}
        assignments = f"msa.provider.{PROVIDER}.assignments"

        async def both_assigned() -> bool:
            held = {e.case_id for e in await of_kind(run, assignments, CaseAssigned)}
            return set(cases.values()) <= held

        await until(both_assigned, "both cases assigned to caritas")
        sent = datetime(2026, 3, 3, 9, tzinfo=UTC)
        for case_id in cases.values():
            entry = logged(case_id, date(2026, 3, 3), 60, worker=f"w-{case_id[-6:]}",
                           entry_id=f"keep-{uuid.uuid4().hex[:8]}")  # fmt: skip
            await send(run, f"msa.provider.{PROVIDER}.hours", entry, sent)
        feedback = f"msa.provider.{PROVIDER}.feedback"

        async def both_accepted() -> bool:
            accepted = {e.case_id for e in await of_kind(run, feedback, HoursAccepted)}
            return set(cases.values()) <= accepted

        await until(both_accepted, "both entries accepted")
        await tick(run, date(2026, 4, 1))
        [invoice] = await until(lambda: of_kind(run, "msa.billing.ledger", InvoiceIssued),
                                "March's invoice")  # fmt: skip
        left = await http.post(
            f"/persons/{gone}/departure",
            headers=office(run, Role.CASEWORKER),
            json={"departed_on": DEPARTED.isoformat(), "reason": "moved-away"},
        )
        assert left.status_code == 201, left.text  # fmt: skip
    await until(lambda: _closed(run, cases[gone]), "the departed person's case closed")
    await tick(run, date(2026, 4, 11))
    await asyncio.sleep(3)
    amounts_before = await until(lambda: figure(run, "amount_invoiced"), "reporting's figures")
    hours_before = await figure(run, "hours_direct")
    assert cases[gone] in "".join((await database_text(run)).values())
    logged_before = {p.name: p.log_path.stat().st_size for p in run.stack.processes.values()}

    await tick(run, EXPIRY)

    expired = await until(lambda: of_kind(run, "msa.casework.cases", CaseFileExpired),
                          "the case file's expiry")  # fmt: skip
    assert [(e.case_id, e.person_ref, e.closed_on) for e in expired] == [
        (cases[gone], gone, DEPARTED)
    ]
    wanted = [gone, cases[gone], f"w-{cases[gone][-6:]}"]
    personal = [n.decode() for n in needles(identity(71))]

    async def hits() -> dict[str, list[str]]:
        texts = await database_text(run)
        return {db: found for db, text in texts.items()
                if (found := [w for w in wanted + personal if w in text])}  # fmt: skip

    async def clean() -> bool:
        return not await hits()

    try:  # the outbox keeps the notices until the relay's next pruning (OUTBOX_RETENTION_S=0)
        await until(clean, "no database naming the expired case", 150)
    except AssertionError:
        assert await hits() == {}
    texts = await database_text(run)
    assert cases[stays] in texts[f"{run.run}_casework"], "the other case was kept"
    assert f'"total_cents": {invoice.total_cents}' in texts[f"{run.run}_billing"]
    assert await figure(run, "amount_invoiced") == amounts_before
    assert await figure(run, "hours_direct") == hours_before
    since = [_tail(p.log_path, logged_before[p.name]) for p in run.stack.processes.values()]
    assert [line for text in since for line in text.splitlines()
            if any(w in line for w in wanted)] == []  # fmt: skip
    assert scan_logs([p.log_path for p in run.stack.processes.values()],
                     [n for n in needles(identity(71))]) == []  # fmt: skip
    dead_letters = await read_to_end(run.bootstrap, prefix=f"{run.namespace.prefix}")
    letters = [x for x in dead_letters if x.topic.endswith(".dead-letter")]
    assert not [x for x in letters if any(w.encode() in (x.value or b"") for w in wanted)]
    everything = b"".join((x.value or b"") for x in dead_letters)
    assert not [n for n in needles(identity(71)) if n in everything]


async def _closed(r: Run, case_id: str) -> bool:
    return any(e.case_id == case_id for e in await of_kind(r, "msa.casework.cases", CaseClosed))


def _tail(path: Path, offset: int) -> str:
    with path.open("rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


async def aged(r: Run, topics: list[str], timeout_s: float) -> dict[str, int]:
    """Set ``topics``' retention to one second and wait until the broker has deleted every
    record (each partition's start reached its end); returns the records deleted by topic."""
    admin = AIOKafkaAdminClient(bootstrap_servers=r.bootstrap)
    reader = AIOKafkaConsumer(bootstrap_servers=r.bootstrap)
    await admin.start()
    await reader.start()
    try:
        parts = [TopicPartition(t, p) for t in topics for p in await partitions_of(reader, t)]
        before = await reader.beginning_offsets(parts)
        await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, t,
                                                  configs={"retention.ms": "1000"})
                                   for t in topics])  # fmt: skip
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            first, end = await reader.beginning_offsets(parts), await reader.end_offsets(parts)
            if first == end:
                break
            if asyncio.get_running_loop().time() > deadline:
                left = {f"{tp.topic}[{tp.partition}]": end[tp] - first[tp]
                        for tp in parts if first[tp] != end[tp]}  # fmt: skip
                raise AssertionError(f"retention left records after {timeout_s:.0f}s: {left}")
            await asyncio.sleep(1)
        deleted: dict[str, int] = {}
        for tp in parts:
            deleted[tp.topic] = deleted.get(tp.topic, 0) + end[tp] - before[tp]
        return deleted
    finally:
        await reader.stop()
        await admin.close()


async def test_the_topics_forget_the_case_and_reporting_rebuilds_from_its_archive(
    run: Run,
) -> None:
    [expired] = await of_kind(run, "msa.casework.cases", CaseFileExpired)
    anonymised = await of_kind(run, "msa.billing.ledger", HoursAnonymised)
    wanted = [expired.case_id, expired.person_ref]
    finite = [spec.name for spec in topic_specs(run.run)
              if spec.config.get("cleanup.policy") != "compact"]  # fmt: skip
    history = [run.topic(name) for name in HISTORY]
    assert set(history) <= set(finite)
    # the broker checks retention every 5 s (msa infra's broker; Kafka's default is 5 min)
    deleted = await aged(run, finite, timeout_s=360)
    assert all(deleted[t] > 0 for t in history), deleted
    left = await read_to_end(run.bootstrap, prefix=run.namespace.prefix)
    assert {x.topic for x in left} <= {run.topic(OUTCOMES)}  # aggregates, compacted
    assert not [x for x in left if any(w.encode() in (x.value or b"") for w in wanted)]

    reporting = run.stack["reporting"]
    argv = [sys.executable, "-m", "msa_reporting.replay", "--drop"]
    rebuilt = await asyncio.to_thread(  # the rebuild's command (its Job adds --require-stopped)
        subprocess.run, argv, env=reporting.env, capture_output=True, text=True, timeout=180,
        check=False,
    )  # fmt: skip
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "archive: " in rebuilt.stderr
    served, target = f"{run.run}_reporting", f"{run.run}_reporting_rebuild"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(run.mongodb_uri)
    try:
        for name in ("figures", "published"):
            ours = await client[target][name].find({}).sort("_id", 1).to_list()
            theirs = await client[served][name].find({}).sort("_id", 1).to_list()
            assert ours == theirs, name
        text = "".join([json_util.dumps(d) + _binaries(d)
                        for c in await client[target].list_collection_names()
                        async for d in client[target][c].find({})])  # fmt: skip
        # the archive's facts, anonymised: the person by casework's notice, the case by
        # whichever notice (casework's or billing's) reporting read first
        assert expired.replacement_person_ref in text
        assert any(r in text for r in [expired.replacement_case_id,
                                       *(a.replacement_case_id for a in anonymised)])  # fmt: skip
        assert not [w for w in wanted if w in text]
    finally:
        await client.close()
