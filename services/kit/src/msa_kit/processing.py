"""Effectively-once processing of one Kafka record.

For each record: decode and validate it (a record that is no valid event is dead-lettered
at once, and on provider topics answered with a rejection); skip it if the inbox has its
id; else run the service's handler in one transaction with the inbox record and the
outbox records it emits. A failing handler is retried a bounded number of times, then the
record is dead-lettered with the reason, again through the outbox, in one transaction with
its inbox record, so it lands on the dead-letter topic exactly once. A handler that knows
retrying cannot help raises ``Unprocessable``: the record is dead-lettered at once with the
handler's code and reason. A handler that must wait for something another topic brings
(e.g. its clock is behind the sender's) raises ``NotYet``: the record is tried again after a
pause, without counting as a failure, until ``not_yet_wait_s`` has passed; then the handler
runs once more with ``ctx.patient`` False and decides with what it knows. When the database
is unreachable nothing is acknowledged: the record is retried until it is back.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

import structlog
from msa_contracts.envelope import Envelope, InvalidMessage, decode
from msa_contracts.events import Event
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from msa_kit.dead_letter import DeadLetter, count_dead_letter, dead_letter_outgoing
from msa_kit.inbox import AlreadyProcessed, Inbox
from msa_kit.logging import get_logger
from msa_kit.metrics import HANDLE_SECONDS, INFRA_RETRIES, MESSAGES
from msa_kit.mongo import DatabaseUnavailable, in_transaction, is_unavailable
from msa_kit.outbox import Outbox, Outgoing, traced
from msa_kit.records import RawRecord
from msa_kit.trace_context import TraceContext, from_headers, using
from msa_kit.tracing import SpanHandle, Tracing

log = get_logger("msa_kit.processing")
Disposition = Literal["processed", "duplicate", "rejected", "dead-lettered"]
Clock = Callable[[], datetime]
T = TypeVar("T")
E = TypeVar("E", bound=Event)


@dataclass
class Scope:
    """Shared by the records of one transaction attempt, fresh on every attempt: a handler
    may keep a unit of work in ``items`` and register ``before_commit`` hooks (e.g. to write
    what it buffered), which run after the last handler, inside the transaction."""

    items: dict[str, Any] = field(default_factory=dict)
    before_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def flush(self) -> None:
        for hook in self.before_commit:
            await hook()


EMITTED_IDS = uuid.UUID("5d1c0f1e-6f0b-4c55-9a55-6d73612d6b69")  # the namespace of derived ids


@dataclass
class Context:
    """What a handler gets: the event, the transaction's session, ``now`` and ``emit``."""

    envelope: Envelope
    record: RawRecord
    session: AsyncClientSession
    now: datetime
    provider: str | None
    emitted: list[Outgoing] = field(default_factory=list)
    scope: Scope = field(default_factory=Scope)
    #: False once the record has waited ``not_yet_wait_s``: the handler must decide now.
    patient: bool = True
    #: The trace this record's handling belongs to; what it emits continues it.
    trace: TraceContext | None = None
    #: The service handling the record: part of every id it emits, so two services that
    #: answer the same record (an access request, say) never emit the same id.
    emitter: str = ""

    @property
    def event(self) -> Event:
        return self.envelope.event

    def expect(self, kind: type[E]) -> E:
        """The event, as the type its route says it is (``UnexpectedEvent`` if not)."""
        event = self.envelope.event
        if not isinstance(event, kind):
            raise UnexpectedEvent(f"expected {kind.__name__}, got {type(event).__name__}")
        return event

    def emit(self, topic: str, event: Event, *also: str) -> None:
        """Publish ``event`` on ``topic`` (and the ``also`` topics) if and when this
        transaction commits. One fact on several topics keeps one ``ce_id``, so consumers
        of more than one of them can recognise it. The id derives from the consumed record
        and the fact's place and type among those it causes, and the emitting service:
        processing the record again (after a restore of the database from a backup) emits the
        same ids, which every consumer's inbox drops; a different decision the second time, a
        different type; another service answering the same record, other ids."""
        place = len({o.event_id for o in self.emitted})
        cause = (
            f"{self.emitter}/{self.record.topic}/{self.envelope.id}/{place}/{topic}/"
            f"{event.ce_type()}"
        )
        event_id = str(uuid.uuid5(EMITTED_IDS, cause))
        for name in dict.fromkeys((topic, *also)):
            self.emitted.append(
                Outgoing(name, event, self.envelope.correlation_id, self.envelope.id, event_id)
            )


class UnexpectedEvent(Exception):
    """A handler received an event it does not handle (a wiring mistake): retried, then
    dead-lettered like any failure."""


class Unprocessable(Exception):
    """Raised by a handler for a record it can never process (a domain rejection, e.g. an
    identity that cannot be decrypted): dead-lettered at once, without retries.

    ``code`` is a stable kebab-case reason (the ``dlq_code`` header); ``reason`` explains it
    for operators and must not contain personal data.
    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class NotYet(Exception):
    """Raised by a handler that should not decide a record yet, because what the decision
    depends on arrives on another topic that this service reads independently (e.g. the
    clock's day is behind the day the record was sent). Not a failure: the record is tried
    again after a pause (its partition waits), until the wait is over and ``ctx.patient`` is
    False. ``reason`` says what it waits for (logged; no personal data)."""


Handler = Callable[[Context], Awaitable[None]]
#: Called once per batch transaction with the contexts of its new records, before their
#: handlers run (they share one ``Scope``), e.g. to load what they need in bulk.
Preparer = Callable[[list[Context]], Awaitable[None]]
Rejector = Callable[[InvalidMessage, RawRecord, str | None], list[Outgoing]]


@dataclass(frozen=True)
class Subscription:
    """What to do with records of some topics."""

    handler: Handler
    allowed_types: Collection[str] | None = None
    rejector: Rejector | None = None
    provider_of: Callable[[str], str | None] = lambda _topic: None
    prepare: Preparer | None = None


class Processor:
    """Runs subscriptions' handlers with inbox, outbox, retries and dead letters."""

    def __init__(
        self,
        client: AsyncMongoClient[dict[str, Any]],
        inbox: Inbox,
        outbox: Outbox,
        *,
        service: str,
        clock: Clock,
        max_attempts: int = 3,
        retry_backoff_s: float = 0.2,
        infra_backoff_max_s: float = 5.0,
        not_yet_wait_s: float = 30.0,
        not_yet_pause_s: float = 0.5,
        on_commit: Callable[[], None] = lambda: None,
        tracing: Tracing | None = None,
    ) -> None:
        self._client = client
        self.tracing = tracing or Tracing.off()
        self._not_yet_wait = not_yet_wait_s
        self._not_yet_pause = not_yet_pause_s
        self._inbox = inbox
        self._outbox = outbox
        self.service = service
        self._clock = clock
        self._max_attempts = max_attempts
        self._backoff = retry_backoff_s
        self._infra_backoff_max = infra_backoff_max_s
        self._on_commit = on_commit

    def span(self, record: RawRecord) -> SpanHandle:
        """The span of handling ``record``, continuing the trace it carries."""
        return self.tracing.record(record.topic, from_headers(record.headers), {
            "messaging.destination.partition.id": str(record.partition),
            "messaging.kafka.offset": record.offset,
        })  # fmt: skip

    async def process(
        self, record: RawRecord, sub: Subscription, span: SpanHandle | None = None
    ) -> Disposition:
        """Handle one record to a final outcome; only cancellation escapes. ``span``: the
        span it is handled in, when the caller (a batch) began it; else one of its own."""
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            service=self.service, topic=record.topic, partition=record.partition,
            offset=record.offset,
        )  # fmt: skip
        own = span is None
        span = span or self.span(record)
        ended = "failed"  # what the span says if only cancellation or a bug escapes
        try:
            with using(span.context), HANDLE_SECONDS.labels(record.topic).time():
                outcome = await self.until_reachable(
                    lambda: self._process(record, sub, span.context)
                )
            ended = outcome
        finally:
            if own:
                span.end(ended)
        MESSAGES.labels(record.topic, outcome).inc()
        return outcome

    async def _process(
        self, record: RawRecord, sub: Subscription, trace: TraceContext | None
    ) -> Disposition:
        provider = sub.provider_of(record.topic)
        try:
            envelope = decode(record.headers, record.value, allowed_types=sub.allowed_types)
        except InvalidMessage as invalid:
            log.warning("invalid record", code=invalid.code, reason=invalid.message)
            rejection = sub.rejector(invalid, record, provider) if sub.rejector else []
            letter = DeadLetter.invalid(record, invalid, self.service)
            return await self._dead_letter(record, letter, rejection, outcome="rejected")
        structlog.contextvars.bind_contextvars(
            event_id=envelope.id, event_type=envelope.type,
            correlation_id=envelope.correlation_id, causation_id=envelope.causation_id,
        )  # fmt: skip
        if await self._inbox.seen(record.topic, envelope.id, None):
            log.debug("duplicate dropped")
            return "duplicate"
        waiting = _Waiting()
        outcome = await self._attempts(record, envelope, sub, provider, trace, waiting)
        waiting.decided(outcome)
        return outcome

    async def _attempts(
        self, record: RawRecord, envelope: Envelope, sub: Subscription, provider: str | None,
        trace: TraceContext | None, waiting: _Waiting,
    ) -> Disposition:  # fmt: skip
        patient, attempt = True, 0
        while attempt < self._max_attempts:
            attempt += 1
            try:
                return await self._handle(record, envelope, sub, provider, patient, trace)
            except AlreadyProcessed:
                return "duplicate"
            except Unprocessable as exc:
                letter = DeadLetter.unprocessable(record, exc.code, exc.reason, self.service)
                return await self._dead_letter(record, letter, [], "rejected", envelope)
            except Exception as exc:
                if isinstance(exc, NotYet) and patient:  # waiting is no failed attempt
                    attempt -= 1
                    patient = await self._wait_a_little(exc, waiting)
                    continue
                if is_unavailable(exc):
                    raise DatabaseUnavailable(repr(exc)[:300]) from exc
                log.warning("handler failed", attempt=attempt, error=repr(exc)[:300])
                if attempt == self._max_attempts:
                    letter = DeadLetter.failed(record, exc, attempt, self.service)
                    return await self._dead_letter(record, letter, [], "dead-lettered", envelope)
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    async def _wait_a_little(self, not_yet: NotYet, waiting: _Waiting) -> bool:
        """Pause before the next try; False once the record has waited long enough."""
        if waiting.waited_s >= self._not_yet_wait:
            waiting.gave_up = True
            return False
        waiting.waits(str(not_yet)[:300])
        await asyncio.sleep(self._not_yet_pause)
        waiting.waited_s += self._not_yet_pause
        return True

    async def _handle(
        self, record: RawRecord, envelope: Envelope, sub: Subscription, provider: str | None,
        patient: bool = True, trace: TraceContext | None = None,
    ) -> Disposition:  # fmt: skip
        async def work(session: AsyncClientSession) -> None:
            now = self._clock()
            ctx = Context(
                envelope, record, session, now, provider, patient=patient, trace=trace,
                emitter=self.service,
            )  # fmt: skip
            await self._inbox.record(session, record.topic, envelope.id, envelope.type, now)
            await sub.handler(ctx)
            await ctx.scope.flush()
            await self._outbox.add(session, traced(ctx.emitted, trace), now)

        await in_transaction(self._client, work)
        self._on_commit()
        log.debug("processed")
        return "processed"

    async def _dead_letter(
        self,
        record: RawRecord,
        letter: DeadLetter,
        extra: list[Outgoing],
        outcome: Disposition,
        envelope: Envelope | None = None,
    ) -> Disposition:
        # Undecodable records have no ce_id: key them by position, in a namespace ('#')
        # that no ce_id can reach (inbox keys of events are '<topic>/<ce_id>').
        inbox_id = envelope.id if envelope else None

        async def work(session: AsyncClientSession) -> None:
            now = self._clock()
            position = Inbox.position_key(
                record.topic, record.partition, record.offset, record.timestamp
            )
            await self._inbox.record(
                session, record.topic, inbox_id, "dead-letter", now, position=position
            )
            await self._outbox.add(session, extra, now)
            await self._outbox.add_raw(session, [dead_letter_outgoing(letter, now)], now)

        try:
            await in_transaction(self._client, work)
        except AlreadyProcessed:
            return "duplicate"
        self._on_commit()
        count_dead_letter(letter)
        log.warning("dead-lettered", code=letter.code, reason=letter.reason)
        return outcome

    async def until_reachable(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run ``attempt`` until the database lets it finish; other errors wait, then escape."""
        wait = 0.1
        while True:
            try:
                return await attempt()
            except Exception as exc:
                if not is_unavailable(exc) and not isinstance(exc, DatabaseUnavailable):
                    # A bug outside the handler's retry loop: no ack, so the record comes
                    # back; wait first instead of spinning on it.
                    log.error("processing failed unexpectedly", error=repr(exc)[:300])
                    await asyncio.sleep(self._infra_backoff_max)
                    raise
                INFRA_RETRIES.inc()
                log.warning("database unreachable, retrying", error=repr(exc)[:200], wait_s=wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, self._infra_backoff_max)


class _Waiting:
    """A record's wait for what another topic brings: logged once when it begins and once
    when the record is decided, never on each try in between."""

    __slots__ = ("gave_up", "waited_s", "why")

    def __init__(self) -> None:
        self.why: str | None = None
        self.waited_s = 0.0
        self.gave_up = False

    def waits(self, why: str) -> None:
        if self.why is None:
            log.info("record waits", why=why)
        else:
            log.debug("record still waits", why=why, waited_s=self.waited_s)
        self.why = why

    def decided(self, outcome: Disposition) -> None:
        if self.why is None:
            return
        report = log.warning if self.gave_up else log.info
        report("record decided after waiting", outcome=outcome, waited_s=self.waited_s,
               gave_up=self.gave_up, why=self.why)  # fmt: skip
