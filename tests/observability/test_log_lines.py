"""What the consumer logs, on the real broker and store: at INFO one line per batch and
partition (offsets, counts by disposition, duration), the records themselves at DEBUG; a
record that must wait is logged when it starts waiting and when it is decided, never on
each try in between."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping
from typing import Any

import pytest
import structlog
from msa_kit.consumer_log import log_batch
from msa_kit.records import RawRecord
from msa_kit.trace_context import log_ids
from structlog.testing import capture_logs

from tests.kit.demo import build_demo, until_effects
from tests.kit.support import departed, produce, record_of, service_topics, unique

Lines = list[MutableMapping[str, Any]]


def named(logs: Lines, event: str) -> Lines:
    return [line for line in logs if line["event"] == event]


def test_a_batch_line_counts_each_partitions_records_by_disposition() -> None:
    records = [RawRecord("t", p, o, None, None, ()) for p, o in ((0, 5), (1, 9), (0, 6), (0, 7))]
    outcomes: list[Any] = ["processed", "duplicate", "dead-lettered", "processed"]
    with capture_logs() as logs:
        log_batch("svc", records, outcomes, 0.0123)
    assert [{k: v for k, v in line.items() if k != "log_level"} for line in logs] == [
        {"event": "batch handled", "service": "svc", "topic": "t", "partition": 0,
         "first_offset": 5, "last_offset": 7, "records": 3, "processed": 2, "dead_lettered": 1,
         "duration_ms": 12.3},
        {"event": "batch handled", "service": "svc", "topic": "t", "partition": 1,
         "first_offset": 9, "last_offset": 9, "records": 1, "duplicate": 1, "duration_ms": 12.3},
    ]  # fmt: skip
    assert {line["log_level"] for line in logs} == {"info"}


@pytest.mark.integration
async def test_records_log_one_info_line_per_batch_and_their_own_at_debug(
    infra: Any, batch_max: int, caplog: pytest.LogCaptureFixture
) -> None:
    service, src, out = unique("kitlog"), unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    events = [departed(n) for n in range(40, 50)]
    await produce(infra.kafka_bootstrap, src, *(record_of(e) for e in events))
    runtime = build_demo(infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
                         processing_batch_max=batch_max)  # fmt: skip
    caplog.set_level(logging.DEBUG, logger=f"msa.{service}.broker")
    with capture_logs(processors=[structlog.contextvars.merge_contextvars, log_ids]) as logs:
        await runtime.start()
        try:
            await until_effects(runtime, len(events))
            await asyncio.sleep(0.3)  # the last batch's line follows its commit
        finally:
            await runtime.stop()
    batches = [line for line in named(logs, "batch handled") if line["topic"] == src]
    assert sum(line["records"] for line in batches) == len(events)
    assert sum(line.get("processed", 0) for line in batches) == len(events)
    assert all(line["log_level"] == "info" and line["duration_ms"] >= 0 for line in batches)
    offsets = sorted(o for line in batches for o in (line["first_offset"], line["last_offset"]))
    assert (offsets[0], offsets[-1]) == (0, len(events) - 1)
    per_record = named(logs, "processed")
    assert len(per_record) == len(events)
    assert {line["log_level"] for line in per_record} == {"debug"}
    info_lines = [line for line in logs if line["log_level"] == "info"]
    assert len(info_lines) <= len(batches) + 4, info_lines  # + started/stopped lines
    if batch_max > 1:
        assert len(batches) < len(events)  # several records to a line
    per_message = [r for r in caplog.records if r.name == f"msa.{service}.broker"
                   and r.getMessage().endswith(("Received", "Processed"))]  # fmt: skip
    assert per_message, "FastStream logs each message it hands over"
    assert {r.levelno for r in per_message} == {logging.DEBUG}  # beneath the batch line


@pytest.mark.integration
async def test_a_waiting_record_is_logged_when_it_starts_waiting_and_when_decided(
    infra: Any, batch_max: int
) -> None:
    service, src, out = unique("kitwait"), unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    await produce(infra.kafka_bootstrap, src, record_of(departed(61)), record_of(departed(62)))
    arrived = asyncio.Event()
    runtime = build_demo(
        infra.kafka_bootstrap, infra.mongodb_uri, service, src, out,
        processing_batch_max=batch_max, not_yet_wait_s=60,
        not_yet=lambda e: e.person_ref == departed(61).person_ref and not arrived.is_set(),
    )  # fmt: skip
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        await runtime.start()
        try:
            await asyncio.sleep(3)  # several pauses of 0.5 s
            arrived.set()
            await until_effects(runtime, 2)
        finally:
            await runtime.stop()
    [began] = named(logs, "record waits")
    [decided] = named(logs, "record decided after waiting")
    assert began["log_level"] == decided["log_level"] == "info"
    assert began["why"] == f"{departed(61).person_ref} waits"
    assert decided["outcome"] == "processed" and not decided["gave_up"]
    assert decided["waited_s"] >= 2.0
    assert len(named(logs, "record still waits")) >= 4  # the tries between: DEBUG only
    assert {line["log_level"] for line in named(logs, "record still waits")} == {"debug"}


@pytest.mark.integration
async def test_a_record_that_waited_too_long_is_decided_with_a_warning(infra: Any) -> None:
    service, src, out = unique("kitwait"), unique("t-in"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, src, out)
    await produce(infra.kafka_bootstrap, src, record_of(departed(63)))
    runtime = build_demo(
        infra.kafka_bootstrap, infra.mongodb_uri, service, src, out, not_yet_wait_s=1.0,
        not_yet=lambda e: True,  # what it waits for never comes
    )  # fmt: skip
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        await runtime.start()
        try:
            await until_effects(runtime, 1, timeout_s=20)
        finally:
            await runtime.stop()
    assert len(named(logs, "record waits")) == 1
    [decided] = named(logs, "record decided after waiting")
    assert decided["log_level"] == "warning" and decided["gave_up"] is True
    assert decided["outcome"] == "processed" and decided["waited_s"] >= 1.0
