"""Reading the input topics in batches, outside any consumer group: from the start of the
log, or past the positions a rebuild's archive holds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from msa_contracts.envelope import InvalidMessage, decode
from msa_contracts.events import CaseFileExpired, HoursAnonymised
from msa_contracts.topics import catalogue

from msa_reporting.domain.anonymise import replacements_of
from msa_reporting.domain.stored import Stored, is_input
from msa_reporting.settings import ReportingSettings

Progress = Callable[[str], None]
NOTICES = (CaseFileExpired, HoursAnonymised)


async def read_log(
    settings: ReportingSettings, *, batch: int = 5000, progress: Progress = lambda _m: None
) -> tuple[dict[str, Stored], int]:
    """Every input event from the log's start to the current end; returns (events, records)."""
    events: dict[str, Stored] = {}
    counter = Counter()
    async for stored in read_batches(settings, batch=batch, progress=progress, counter=counter):
        for item in stored:
            events.setdefault(item.key, item)
    return events, counter.records


@dataclass
class Counter:
    records: int = 0
    archived: int = 0
    #: original id to replacement, from the deletion-period notices read (not inputs: the
    #: rebuild applies them to the archive it writes, as the live service does to its own)
    replacements: dict[str, str] = field(default_factory=dict)


class Gap(RuntimeError):
    """Records a rebuild needs are neither archived nor on the topics any more."""


async def read_batches(
    settings: ReportingSettings, *, batch: int = 5000, progress: Progress = lambda _m: None,
    counter: Counter | None = None, start: Mapping[tuple[str, int], int] | None = None,
    allow_gap: bool = False, only: Collection[tuple[str, int]] | None = None,
    read_elsewhere: Callable[[], int] = lambda: 0,
) -> AsyncIterator[list[Stored]]:  # fmt: skip
    """The valid input events from ``start`` (the next offset per logical topic and
    partition; the log's start where not given) to the end offsets taken at the start, one
    fetched batch at a time, each partition in offset order (duplicates not yet dropped);
    of the partitions ``only`` names (logical topic and partition; None: all). Where
    retention deleted records before the requested start, raises ``Gap`` naming them (or,
    with ``allow_gap``, reports them and reads on). Progress counts the records another
    process read as well (``read_elsewhere``)."""
    counter = counter or Counter()
    start = start or {}
    wire = settings.namespace  # records keep their logical topic, as the live consumer's do
    allowed = _allowed(settings)
    async with _consumer(settings, allowed, batch, only) as (consumer, parts):
        first = await consumer.beginning_offsets(parts)
        end = await consumer.end_offsets(parts)
        wanted = {tp: start.get((wire.logical(tp.topic), tp.partition), 0) for tp in parts}
        gaps = [f"{wire.logical(tp.topic)}[{tp.partition}] offsets {wanted[tp]:,}-{first[tp] - 1:,}"
                for tp in parts if first[tp] > wanted[tp]]  # fmt: skip
        if gaps and not allow_gap:
            raise Gap("retention deleted records that reporting's archive does not hold: "
                      f"{'; '.join(gaps)} (restore reporting's database from a backup, or "
                      "accept the loss with --allow-gap)")  # fmt: skip
        for gap in gaps:
            progress(f"missing, accepted: {gap}")
        for tp in parts:
            consumer.seek(tp, max(wanted[tp], first[tp]))
        beyond = sum(max(end[tp] - max(wanted[tp], first[tp]), 0) for tp in parts)
        where = "past the archive" if start else "from the start of the log"
        topics = sorted({tp.topic for tp in parts})
        progress(f"reading {len(parts)} partitions of {', '.join(topics)} {where}: "
                 f"{beyond:,} records")  # fmt: skip
        open_parts = {tp for tp in parts if await consumer.position(tp) < end[tp]}
        kept = 0
        began = time.monotonic()
        while open_parts:
            fetched = await consumer.getmany(*open_parts, timeout_ms=1000, max_records=batch)
            out: list[Stored] = []
            for tp, recs in fetched.items():
                for rec in recs:
                    if rec.offset < end[tp]:
                        counter.records += 1
                        _keep(out, rec, allowed[tp.topic], wire.logical(tp.topic),
                              counter.replacements)  # fmt: skip
            open_parts = {tp for tp in open_parts if await consumer.position(tp) < end[tp]}
            kept += len(out)
            elsewhere = read_elsewhere()
            read = counter.records + elsewhere
            rate = read / max(time.monotonic() - began, 1e-6)
            here = " in this process" if elsewhere else ""
            progress(f"read {read:,} records, {kept:,} input events{here} ({rate:,.0f}/s)")
            yield out


async def partition_sizes(
    settings: ReportingSettings, start: Mapping[tuple[str, int], int] | None = None
) -> dict[tuple[str, int], int]:
    """How many records ``read_batches`` would read per logical topic and partition."""
    start = start or {}
    wire = settings.namespace
    async with _consumer(settings, _allowed(settings), 1, None) as (consumer, parts):
        first = await consumer.beginning_offsets(parts)
        end = await consumer.end_offsets(parts)
        sizes = {}
        for tp in parts:
            place = (wire.logical(tp.topic), tp.partition)
            sizes[place] = max(end[tp] - max(start.get(place, 0), first[tp]), 0)
        return sizes


def _allowed(settings: ReportingSettings) -> dict[str, set[str]]:
    """The event types each input topic (by its name on the wire) carries."""
    wire = settings.namespace
    return {wire.topic(actual): set(catalogue(()).topic(name).event_types)
            for name, actual in settings.input_topics.items()}  # fmt: skip


@asynccontextmanager
async def _consumer(
    settings: ReportingSettings, allowed: Mapping[str, set[str]], batch: int,
    only: Collection[tuple[str, int]] | None,
) -> AsyncIterator[tuple[AIOKafkaConsumer, list[TopicPartition]]]:  # fmt: skip
    """A consumer outside any group with every partition of the input topics (or those of
    ``only``) assigned."""
    consumer = AIOKafkaConsumer(
        *(allowed if only is None else ()),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=batch,
        client_id=f"msa-{settings.service_name}-replay",
        **settings.kafka_security.for_aiokafka(),
    )
    await consumer.start()  # outside any group: every partition of the topics is assigned
    try:
        if only is None:
            parts = await assigned(consumer, set(allowed))
        else:
            wire = settings.namespace
            by_logical = {wire.logical(topic): topic for topic in allowed}
            parts = sorted(TopicPartition(by_logical[topic], partition)
                           for topic, partition in only)  # fmt: skip
            consumer.assign(parts)
        yield consumer, parts
    finally:
        await consumer.stop()


async def assigned(
    consumer: AIOKafkaConsumer, topics: set[str], timeout_s: float = 30.0
) -> list[TopicPartition]:
    """Every partition of ``topics``, once the consumer's metadata names them all."""
    deadline = time.monotonic() + timeout_s
    while True:
        parts = consumer.assignment()
        if {tp.topic for tp in parts} >= topics:
            return sorted(parts)
        if time.monotonic() > deadline:
            missing = topics - {tp.topic for tp in parts}
            raise RuntimeError(f"topics not found: {', '.join(sorted(missing))}")
        await asyncio.sleep(0.1)


def _keep(
    out: list[Stored], rec: ConsumerRecord[bytes, bytes], allowed: set[str], topic: str,
    replacements: dict[str, str],
) -> None:  # fmt: skip
    """Each valid input event (invalid records are dead letters live), validated exactly as
    the live consumer does (``decode``); its JSON value is kept for the archive when it is
    the current version's body (no upcast). A deletion-period notice adds its replacements."""
    try:
        envelope = decode(rec.headers, rec.value, allowed_types=allowed)
    except InvalidMessage:
        return
    if isinstance(envelope.event, NOTICES):
        replacements.update(replacements_of(envelope.event))
    elif is_input(envelope.event):
        raw = rec.value if rec.value and _header_type(rec) == envelope.type else None
        out.append(Stored(topic, rec.partition, rec.offset, envelope.id, envelope.event, raw))


def _header_type(rec: ConsumerRecord[bytes, bytes]) -> str | None:
    for name, value in rec.headers:
        if name.lower() == "ce_type" and value is not None:
            ce_type: str = value.decode()
            return ce_type
    return None
