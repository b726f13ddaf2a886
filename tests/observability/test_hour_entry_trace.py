"""One trace from a provider's hour entry through billing to its feedback and into reporting,
on the real broker and store: the trace travels as ``ce_traceparent`` through billing's
outbox, the ``HoursAccepted`` answer carries it, reporting's log line for that record names
it, and both services export their spans to an OTLP endpoint. With tracing off, a provider's
own trace context is passed on unchanged and no trace is started."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, MutableMapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import structlog
from aiokafka import AIOKafkaProducer
from msa_billing.bootstrap import build as build_billing
from msa_billing.settings import BillingSettings
from msa_contracts.envelope import decode, encode
from msa_contracts.events import Event, HoursAccepted
from msa_contracts.topics import dead_letter_topic
from msa_kit.trace_context import log_ids
from msa_reporting.bootstrap import build as build_reporting
from msa_reporting.settings import ReportingSettings
from structlog.testing import capture_logs

from tests.auth import Issuer
from tests.billing.builders import assigned, logged, new_case_id, opened, tick
from tests.billing.integration.support import all_topics, topics_for
from tests.kit.support import Tail, create_topics, header, unique
from tests.observability.otlp_receiver import Receiver, otlp_receiver

pytestmark = pytest.mark.integration
START, TODAY = date(2026, 3, 2), date(2026, 3, 10)
KNOWN_TRACE, KNOWN_SPAN = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"


@dataclass
class Services:
    topics: Any
    tail: Tail
    producer: AIOKafkaProducer
    logs: list[MutableMapping[str, Any]]
    reporting_service: str

    async def send(self, topic: str, event: Event, traceparent: str | None = None) -> str:
        ce_id = str(uuid.uuid4())
        rec = encode(event, event_id=ce_id, source="/providers/caritas",
                     time=datetime.now(UTC), traceparent=traceparent)  # fmt: skip
        await self.producer.send_and_wait(topic, rec.value, key=rec.key, headers=list(rec.headers))
        return ce_id

    async def accepted(self, ce_id: str) -> Any:
        """The raw ``HoursAccepted`` record answering the hour entry ``ce_id``."""
        feedback = self.topics.feedback("caritas")

        def found() -> list[Any]:
            return [r for r in self.tail.records if r.topic == feedback
                    and decode(r.headers, r.value).causation_id == ce_id
                    and isinstance(decode(r.headers, r.value).event, HoursAccepted)]  # fmt: skip

        await self.tail.until(lambda: found(), timeout_s=40)
        [record] = found()
        return record

    async def reporting_line(self, event_id: str) -> MutableMapping[str, Any]:
        """Reporting's log line for the record ``event_id`` it handled."""

        def found() -> list[MutableMapping[str, Any]]:
            return [line for line in self.logs if line.get("event") == "processed"
                    and line.get("event_id") == event_id
                    and line.get("service") == self.reporting_service]  # fmt: skip

        await self.tail.until(lambda: found(), timeout_s=40)
        return found()[0]


@pytest.fixture
async def services(
    infra: Any, issuer: Issuer, request: pytest.FixtureRequest
) -> AsyncIterator[Services]:
    """Billing and reporting, reporting reading billing's ledger; built after the test's
    OTEL_* settings (the runtime reads them when it is built)."""
    billing_name, reporting_name = unique("billing"), unique("reporting")
    topics = topics_for(unique("t-obs"))
    reporting_topics = {name: unique(f"t-obs-{name}") for name in ("persons", "cases", "clock")}
    await create_topics(
        infra.kafka_bootstrap, *all_topics(topics), *reporting_topics.values(),
        dead_letter_topic(billing_name), dead_letter_topic(reporting_name), unique("t-obs-out"),
    )  # fmt: skip
    common = {"kafka_bootstrap_servers": infra.kafka_bootstrap, "mongodb_uri": infra.mongodb_uri,
              "auth_public_key_files": str(issuer.public_key_file), "retry_backoff_s": 0.01,
              "outbox_poll_s": 0.1, "graceful_timeout_s": 5}  # fmt: skip
    billing = build_billing(BillingSettings(
        service_name=billing_name, billing_cases_topic=topics.cases,
        billing_clock_topic=topics.clock, billing_ledger_topic=topics.ledger,
        billing_provider_topic_prefix=topics.provider_prefix, billing_hold_days=3, **common,
    ))  # fmt: skip
    reporting = build_reporting(ReportingSettings(
        service_name=reporting_name, reporting_ledger_topic=topics.ledger,
        reporting_persons_topic=reporting_topics["persons"],
        reporting_cases_topic=reporting_topics["cases"],
        reporting_clock_topic=reporting_topics["clock"],
        reporting_outcomes_topic=unique("t-obs-out"), **common,
    ))  # fmt: skip
    tail = Tail(infra.kafka_bootstrap, [topics.feedback("caritas"), topics.ledger])
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    with capture_logs(processors=[structlog.contextvars.merge_contextvars, log_ids]) as logs:
        await tail.start()
        await producer.start()
        await billing.runtime.start()
        await reporting.runtime.start()
        try:
            yield Services(topics, tail, producer, logs, reporting_name)
        finally:
            await reporting.runtime.stop()
            await billing.runtime.stop()
            await producer.stop()
            await tail.stop()


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Any:
    with otlp_receiver() as found:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", found.url)
        monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
        yield found


async def caritas_case(s: Services) -> str:
    case_id = new_case_id()
    await s.send(s.topics.cases, opened(case_id, START))
    await s.send(s.topics.cases, assigned(case_id, "caritas", START))
    await s.send(s.topics.clock, tick(TODAY))
    return case_id


def trace_of(record: Any) -> tuple[str, str]:
    traceparent = header(record, "ce_traceparent")
    assert traceparent is not None, "the answer carries no trace context"
    _version, trace_id, span_id, _flags = traceparent.split("-")
    return trace_id, span_id


async def until_exported(receiver: Receiver, trace_id: str, services: int) -> None:
    for _ in range(100):
        if len({s.service for s in receiver.of_trace(trace_id)}) >= services:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"spans of {services} services in trace {trace_id} never arrived")


async def test_an_hour_entry_keeps_its_trace_to_its_acceptance_and_into_reporting(
    receiver: Receiver, services: Services
) -> None:
    s = services
    case_id = await caritas_case(s)
    hours = s.topics.hours("caritas")
    own = await s.send(hours, logged(case_id, date(2026, 3, 9), 45),
                       traceparent=f"00-{KNOWN_TRACE}-{KNOWN_SPAN}-01")  # fmt: skip
    plain = await s.send(hours, logged(case_id, date(2026, 3, 9), 30))

    own_answer, plain_answer = await s.accepted(own), await s.accepted(plain)
    own_trace, own_parent = trace_of(own_answer)
    plain_trace, _ = trace_of(plain_answer)
    assert own_trace == KNOWN_TRACE and own_parent != KNOWN_SPAN  # billing's span, in it
    assert len(plain_trace) == 32 and plain_trace not in {KNOWN_TRACE, "0" * 32}
    for answer, trace in ((own_answer, own_trace), (plain_answer, plain_trace)):
        ce_id = header(answer, "ce_id")
        assert ce_id is not None
        ledger = [r for r in s.tail.records
                  if r.topic == s.topics.ledger and header(r, "ce_id") == ce_id]  # fmt: skip
        assert ledger and trace_of(ledger[0])[0] == trace  # the same fact on the ledger
        line = await s.reporting_line(ce_id)
        assert line["trace_id"] == trace, line
        assert line["event_type"] == HoursAccepted.ce_type()

    await until_exported(receiver, KNOWN_TRACE, services=2)
    spans = receiver.of_trace(KNOWN_TRACE)
    billing_span = next(x for x in spans if x.name == f"{hours} process")
    assert billing_span.parent_span_id == KNOWN_SPAN  # continues the provider's span
    assert billing_span.span_id == own_parent  # the answer's parent is billing's span
    reporting_span = next(x for x in spans if x.name == f"{s.topics.ledger} process")
    assert reporting_span.parent_span_id == billing_span.span_id
    await until_exported(receiver, plain_trace, services=2)
    started = next(x for x in receiver.of_trace(plain_trace) if x.name == f"{hours} process")
    assert started.parent_span_id == ""  # billing started this trace


async def test_a_held_entry_accepted_later_continues_its_own_trace(
    receiver: Receiver, services: Services
) -> None:
    s = services
    case_id = new_case_id()
    await s.send(s.topics.clock, tick(TODAY))
    early = await s.send(s.topics.hours("caritas"), logged(case_id, date(2026, 3, 9), 60),
                         traceparent=f"00-{KNOWN_TRACE}-{KNOWN_SPAN}-01")  # fmt: skip
    await asyncio.sleep(1.0)  # held: the case is not assigned yet
    await s.send(s.topics.cases, opened(case_id, START))
    await s.send(s.topics.cases, assigned(case_id, "caritas", START))  # decides the entry

    answer = await s.accepted(early)
    assert trace_of(answer)[0] == KNOWN_TRACE  # not the trace of the assignment record
    ce_id = header(answer, "ce_id")
    assert ce_id is not None
    assert (await s.reporting_line(ce_id))["trace_id"] == KNOWN_TRACE


async def test_with_tracing_off_a_providers_trace_is_passed_on_and_none_is_started(
    services: Services,
) -> None:
    s = services
    case_id = await caritas_case(s)
    hours = s.topics.hours("caritas")
    sent = f"00-{KNOWN_TRACE}-{KNOWN_SPAN}-01"
    own = await s.send(hours, logged(case_id, date(2026, 3, 9), 45), traceparent=sent)
    plain = await s.send(hours, logged(case_id, date(2026, 3, 9), 30))

    own_answer, plain_answer = await s.accepted(own), await s.accepted(plain)
    assert header(own_answer, "ce_traceparent") == sent  # passed on as it came
    assert header(plain_answer, "ce_traceparent") is None
    ce_id = header(own_answer, "ce_id")
    assert ce_id is not None
    line = await s.reporting_line(ce_id)
    assert line["trace_id"] == KNOWN_TRACE and "span_id" not in line
