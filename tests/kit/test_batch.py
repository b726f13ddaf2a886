"""Batched processing on the real broker and store: many records per transaction, each
handler seeing the earlier ones' writes, and every guarantee of one-by-one processing kept
(duplicates dropped, failures isolated and dead-lettered once, a SIGKILL loses nothing)."""

from __future__ import annotations

import asyncio
import itertools
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from msa_contracts.events import PersonDeparted
from msa_contracts.topics import dead_letter_topic
from msa_kit.processing import Context, Subscription, Unprocessable
from msa_kit.runtime import ServiceRuntime
from msa_kit.settings import KitSettings

from tests.kit.demo import build_demo, effects, until_effects
from tests.kit.support import (
    departed,
    header,
    produce,
    read_topic,
    record_of,
    service_topics,
    unique,
    wait_for,
)

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def ticking_clock() -> Any:
    """A clock that moves on a millisecond (what the store keeps) per call: one ``now`` per
    transaction."""
    ticks = itertools.count()
    start = datetime(2026, 3, 1, tzinfo=UTC)
    return lambda: start + timedelta(milliseconds=next(ticks))


def journal_service(bootstrap: str, uri: str, service: str, src: str, out: str) -> ServiceRuntime:
    """Appends each person to one journal document by read-modify-write, so an append that
    did not see the batch's earlier writes would lose them."""
    settings = KitSettings(
        service_name=service, kafka_bootstrap_servers=bootstrap, mongodb_uri=uri,
        retry_backoff_s=0.01, outbox_poll_s=0.1, graceful_timeout_s=5, max_attempts=2,
        processing_batch_max=100,
    )  # fmt: skip
    runtime = ServiceRuntime(settings, clock=ticking_clock())
    journal = runtime.db["journal"]

    async def append(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, PersonDeparted)
        if event.person_ref == departed(3).person_ref:
            raise RuntimeError("cannot handle 3")
        if event.person_ref == departed(5).person_ref:
            raise Unprocessable("person-unknown", "no such person")
        doc = await journal.find_one({"_id": "j"}, session=ctx.session) or {"entries": []}
        entry = {"person": event.person_ref, "at": ctx.now}
        await journal.replace_one({"_id": "j"}, {"entries": [*doc["entries"], entry]},
                                  upsert=True, session=ctx.session)  # fmt: skip
        ctx.emit(out, event)

    runtime.subscribe([src], Subscription(append, allowed_types={PersonDeparted.ce_type()}),
                      title="journal")  # fmt: skip
    return runtime


async def test_a_batch_commits_together_sees_its_own_writes_and_isolates_each_failure(
    infra: Any, mongo: Any, service: str
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    one = record_of(departed(1))
    poison = (b"P-x", b"{}", [("ce_id", b"bad-1")])
    records = [
        one,
        record_of(departed(2)),
        one,
        record_of(departed(3)),
        record_of(departed(4)),
        poison,
        record_of(departed(5)),
        record_of(departed(6)),
        record_of(departed(7)),
    ]
    await produce(infra.kafka_bootstrap, src, *records)  # fmt: skip
    runtime = journal_service(infra.kafka_bootstrap, infra.mongodb_uri, service, src, out)
    await runtime.start()
    try:

        async def all_journaled() -> bool:
            doc = await runtime.db["journal"].find_one({"_id": "j"})
            return doc is not None and len(doc["entries"]) == 5

        await wait_for(all_journaled)
        letters = await read_topic(infra.kafka_bootstrap, dead_letter_topic(service), expect=3)
        forwarded = await read_topic(infra.kafka_bootstrap, out, expect=5)
        journal = await runtime.db["journal"].find_one({"_id": "j"})
        inbox = await runtime.db["inbox"].count_documents({})
    finally:
        await runtime.stop()

    assert journal is not None
    persons = [e["person"] for e in journal["entries"]]
    assert persons == [departed(i).person_ref for i in (1, 2, 4, 6, 7)]
    at = [e["at"] for e in journal["entries"]]
    assert at[0] == at[1], "1 and 2 share a transaction, committed before the failing 3"
    assert at[3] == at[4], "6 and 7 share a transaction after the isolated failures"
    assert len({at[1], at[2], at[3]}) == 3
    assert [header(r, "dlq_code") for r in letters] == [
        "handler-failed", "missing-header", "person-unknown",
    ]  # fmt: skip
    assert header(letters[0], "dlq_attempts") == "2"
    assert len(forwarded) == 5
    assert inbox == 8  # 6 events taken, 2 dead-lettered events, the poison by position


async def run_worker(*args: str) -> int:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.kit.batch_worker", *args, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode == -signal.SIGKILL, out.decode()[-2000:]
    return proc.returncode


@pytest.mark.parametrize("crash_point", ["mid-batch", "after-commit"])
async def test_a_consumer_killed_during_a_batch_loses_and_doubles_nothing(
    infra: Any, service: str, crash_point: str
) -> None:
    src, out = unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    n = 30
    await produce(infra.kafka_bootstrap, src, *(record_of(departed(i)) for i in range(n)))
    await run_worker(crash_point, infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
                     departed(17).person_ref)  # fmt: skip

    runtime = build_demo(infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
                         processing_batch_max=50)  # fmt: skip
    before = await effects(runtime)
    await runtime.start()
    try:
        # A writer killed inside a transaction keeps its documents locked until the store
        # expires the transaction (60 s, mongod's transactionLifetimeLimitSeconds too).
        await until_effects(runtime, n, timeout_s=120.0 if crash_point == "mid-batch" else 30.0)
        forwarded = await read_topic(infra.kafka_bootstrap, out, expect=n)
        counted = await effects(runtime)
    finally:
        await runtime.stop()
    if crash_point == "mid-batch":
        assert before == {}, "nothing of the killed batch was committed"
    else:
        assert before, "the first batch was committed before the kill"
    assert counted == {departed(i).person_ref: 1 for i in range(n)}
    assert sorted(r.key for r in forwarded) == sorted(record_of(departed(i)).key for i in range(n))
