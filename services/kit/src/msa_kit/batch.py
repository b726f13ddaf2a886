"""Effectively-once processing of a batch of Kafka records in one transaction.

The records of a batch (one subscription, in the order Kafka delivered them, so per key in
order) are decoded, looked up in the inbox with one query, and the new ones are handled in
order on one session, so each handler sees what the earlier ones wrote. Their inbox records
go in with one bulk insert and everything they emit with one outbox write; then one commit.
A record whose ``ce_id`` came earlier in the same batch counts as a duplicate.

The guarantees are ``Processor``'s. A record that is no valid event, or whose handler fails
(an error, ``Unprocessable``), splits the batch: what comes before it is committed as a
batch, the record itself goes the one-by-one way (retries, dead letter exactly once), and
the rest goes on as a batch. The caller acknowledges the batch only after this returns, so
a crash anywhere redelivers it and the inbox drops what was already committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, NamedTuple

import structlog
from msa_contracts.envelope import Envelope, InvalidMessage, decode
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from msa_kit.inbox import AlreadyProcessed, Inbox
from msa_kit.logging import get_logger
from msa_kit.metrics import BATCH_RECORDS, HANDLE_SECONDS, MESSAGES
from msa_kit.mongo import in_transaction, is_unavailable
from msa_kit.outbox import Outbox, traced
from msa_kit.processing import Clock, Context, Disposition, Processor, Scope, Subscription
from msa_kit.records import RawRecord
from msa_kit.trace_context import using
from msa_kit.tracing import SpanHandle

log = get_logger("msa_kit.batch")


class _HandlerFailed(Exception):
    """The handler of the record at ``position`` in the run failed: the transaction is
    aborted, and the records before it are committed without it."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


class _Valid(NamedTuple):
    record: RawRecord
    envelope: Envelope
    span: SpanHandle


class BatchProcessor:
    """Runs a subscription's handler over a batch of records, many per transaction."""

    def __init__(
        self,
        single: Processor,
        client: AsyncMongoClient[dict[str, Any]],
        inbox: Inbox,
        outbox: Outbox,
        *,
        service: str,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._single = single
        self._client = client
        self._inbox = inbox
        self._outbox = outbox
        self.service = service
        self._clock = clock
        self._on_commit = on_commit

    async def process_batch(
        self, records: Sequence[RawRecord], sub: Subscription
    ) -> list[Disposition]:
        """Handle every record to a final outcome, in order; only cancellation escapes
        (and, as in ``Processor``, a bug outside the handlers, after a pause).

        Each record has one span, however often a split makes it part of a run again; it
        ends with the record's outcome."""
        spans = [self._single.span(r) for r in records]
        try:
            outcomes = await self._process_all(records, spans, sub)
        except BaseException:
            for span in spans:
                span.end("failed")
            raise
        for span, outcome in zip(spans, outcomes, strict=True):
            span.end(outcome)
        return outcomes

    async def _process_all(
        self, records: Sequence[RawRecord], spans: list[SpanHandle], sub: Subscription
    ) -> list[Disposition]:
        outcomes: list[Disposition] = []
        rest = list(zip(records, spans, strict=True))
        while rest:
            run, rest = _valid_prefix(rest, sub)
            if not run:  # no valid event: the one-by-one way dead-letters it
                record, span = rest.pop(0)
                outcomes.append(await self._single.process(record, sub, span))
                continue
            structlog.contextvars.clear_contextvars()
            structlog.contextvars.bind_contextvars(
                service=self.service, topic=run[0].record.topic, batch=len(run),
                partition=run[0].record.partition, offset=run[0].record.offset,
            )  # fmt: skip
            with HANDLE_SECONDS.labels(run[0].record.topic).time():
                done = await self._single.until_reachable(partial(self._commit_run, run, sub))
            BATCH_RECORDS.observe(len(done))
            for valid, outcome in zip(run, done, strict=False):
                MESSAGES.labels(valid.record.topic, outcome).inc()
            outcomes += done
            if len(done) < len(run):
                failed = run[len(done)]
                outcomes.append(await self._single.process(failed.record, sub, failed.span))
                rest = [(v.record, v.span) for v in run[len(done) + 1 :]] + rest
        return outcomes

    async def _commit_run(self, run: list[_Valid], sub: Subscription) -> list[Disposition]:
        """Commit the longest prefix of ``run`` whose handlers all succeed; returns its
        outcomes (shorter than ``run`` when the next record's handler failed)."""
        limit = len(run)
        while limit:
            try:
                outcomes = await in_transaction(self._client, partial(self._work, run[:limit], sub))
            except _HandlerFailed as failed:
                limit = failed.position
                continue
            except AlreadyProcessed:  # a concurrent consumer committed some: look again
                continue
            self._on_commit()
            log.debug("batch processed", records=limit, duplicates=outcomes.count("duplicate"))
            _log_each(run[:limit], outcomes)
            return outcomes
        return []

    async def _work(
        self, run: list[_Valid], sub: Subscription, session: AsyncClientSession
    ) -> list[Disposition]:
        now = self._clock()
        keys = [Inbox.key(v.record.topic, v.envelope.id) for v in run]
        seen = await self._inbox.seen_among(session, sorted(set(keys)))
        fresh: list[tuple[int, _Valid]] = []
        outcomes: list[Disposition] = []
        for position, (valid, key) in enumerate(zip(run, keys, strict=True)):
            if key in seen:
                outcomes.append("duplicate")
                continue
            seen.add(key)
            fresh.append((position, valid))
            outcomes.append("processed")
        await self._inbox.record_many(session, [(keys[p], v.envelope.type) for p, v in fresh], now)
        scope = Scope()
        contexts = [
            (p, Context(v.envelope, v.record, session, now, sub.provider_of(v.record.topic),
                        scope=scope, trace=v.span.context, emitter=self.service))
            for p, v in fresh
        ]  # fmt: skip
        if sub.prepare and contexts:
            await _guarded(contexts[0][0], sub.prepare([c for _, c in contexts]))
        for position, ctx in contexts:
            with using(ctx.trace):
                await _guarded(position, sub.handler(ctx))
        if contexts:  # what the handlers buffered; a failure here drops the last record
            await _guarded(contexts[-1][0], scope.flush())
        emitted = [o for _, c in contexts for o in traced(c.emitted, c.trace)]
        await self._outbox.add(session, emitted, now)
        return outcomes


async def _guarded(position: int, work: Awaitable[None]) -> None:
    """Run ``work`` for the record at ``position``: a transient database error redoes the
    batch, any other error splits it at that record."""
    try:
        await work
    except Exception as exc:
        if is_unavailable(exc):
            raise
        raise _HandlerFailed(position) from exc


def _log_each(run: list[_Valid], outcomes: list[Disposition]) -> None:
    """At DEBUG, one line per record, as the one-by-one way logs it, so a correlation or
    trace id can be followed through every service whether records came in a batch or not."""
    if not log.is_enabled_for(logging.DEBUG):
        return
    for valid, outcome in zip(run, outcomes, strict=True):
        e, r = valid.envelope, valid.record
        with using(valid.span.context):
            log.debug("processed" if outcome == "processed" else "duplicate dropped",
                      topic=r.topic, partition=r.partition, offset=r.offset, event_id=e.id,
                      event_type=e.type, correlation_id=e.correlation_id,
                      causation_id=e.causation_id)  # fmt: skip


Pending = list[tuple[RawRecord, SpanHandle]]


def _valid_prefix(records: Pending, sub: Subscription) -> tuple[list[_Valid], Pending]:
    """The records up to the first that is no valid event, decoded; and the rest."""
    run: list[_Valid] = []
    for i, (record, span) in enumerate(records):
        try:
            envelope = decode(record.headers, record.value, allowed_types=sub.allowed_types)
        except InvalidMessage:
            return run, records[i:]
        run.append(_Valid(record, envelope, span))
    return run, []
