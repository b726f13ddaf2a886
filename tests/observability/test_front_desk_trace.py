"""One trace from the front desk's HTTP request through intake to casework, on the real broker
and store: the request's span (continuing the desk's ``traceparent``, or starting a trace)
writes ``ArrivalRegistered`` to intake's outbox with its trace context, the relay sends it
with ``ce_traceparent``, and casework's span and the case it opens continue the trace."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from msa_casework.bootstrap import build as build_casework
from msa_casework.settings import CaseworkSettings
from msa_contracts import topics
from msa_contracts.envelope import decode
from msa_contracts.events import ArrivalRegistered, CaseOpened
from msa_contracts.namespace import Namespace
from msa_intake.bootstrap import build as build_intake
from msa_intake.keys import generate_local_keys
from msa_kit.auth import Role
from msa_ops.infra.topics import ensure_topics, topic_specs

from tests.intake.support import Issuer, identity, registration_body, settings
from tests.kit.support import Tail, header, unique
from tests.observability.otlp_receiver import Receiver, otlp_receiver

pytestmark = pytest.mark.integration
DESK_TRACE, DESK_SPAN = "5bf92f3577b34da6a3ce929d0e0e4799", "10f067aa0ba902b8"


@dataclass
class Desk:
    http: httpx.AsyncClient
    tail: Tail
    wire: Namespace

    def first(self, topic: str, kind: type, person_ref: str) -> Any | None:
        for record in self.tail.records:
            if record.topic != self.wire.topic(topic):
                continue
            event = decode(record.headers, record.value).event
            if isinstance(event, kind) and getattr(event, "person_ref", None) == person_ref:
                return record
        return None

    async def until(self, topic: str, kind: type, person_ref: str) -> Any:
        await self.tail.until(lambda: self.first(topic, kind, person_ref), timeout_s=40)
        return self.first(topic, kind, person_ref)


@pytest.fixture
async def desk(
    infra: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Desk, Receiver]]:
    with otlp_receiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
        monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
        env = unique("obs").replace("-", "")
        wire = Namespace(env)
        await ensure_topics(infra.kafka_bootstrap, topic_specs(env))
        keys, issuer = generate_local_keys(tmp_path / "keys"), Issuer.create(tmp_path)
        intake = build_intake(settings(
            keys, issuer, kafka_bootstrap_servers=infra.kafka_bootstrap,
            mongodb_uri=infra.mongodb_uri, msa_env=env, mongodb_database=f"{env}_intake",
        ))  # fmt: skip
        casework = build_casework(CaseworkSettings(
            kafka_bootstrap_servers=infra.kafka_bootstrap, mongodb_uri=infra.mongodb_uri,
            msa_env=env, mongodb_database=f"{env}_casework", outbox_poll_s=0.1,
            retry_backoff_s=0.01, graceful_timeout_s=5,
        ))  # fmt: skip
        tail = Tail(infra.kafka_bootstrap, [wire.topic(topics.PERSONS), wire.topic(topics.CASES)])
        await tail.start()
        await intake.runtime.start()
        await casework.runtime.start()
        transport = httpx.ASGITransport(app=intake.http_app())
        try:
            async with httpx.AsyncClient(
                transport=transport, base_url="http://intake",
                headers=issuer.headers(Role.FRONT_DESK),
            ) as http:  # fmt: skip
                yield Desk(http, tail, wire), receiver
        finally:
            await casework.runtime.stop()
            await intake.runtime.stop()
            await tail.stop()


def trace_id(record: Any) -> str:
    traceparent = header(record, "ce_traceparent")
    assert traceparent is not None, "the record carries no trace context"
    return traceparent.split("-")[1]


async def test_a_registration_at_the_desk_is_one_trace_through_intake_into_casework(
    desk: tuple[Desk, Receiver],
) -> None:
    d, receiver = desk
    desk_parent = {"traceparent": f"00-{DESK_TRACE}-{DESK_SPAN}-01"}
    body = registration_body(identity(41))
    traced = await d.http.post("/persons", json=body, headers=desk_parent)
    fresh = await d.http.post("/persons", json=registration_body(identity(42)))
    assert (traced.status_code, fresh.status_code) == (201, 201), (traced.text, fresh.text)
    traced_ref, fresh_ref = traced.json()["person_ref"], fresh.json()["person_ref"]

    arrival = await d.until(topics.PERSONS, ArrivalRegistered, traced_ref)
    case = await d.until(topics.CASES, CaseOpened, traced_ref)
    assert trace_id(arrival) == trace_id(case) == DESK_TRACE
    fresh_trace = trace_id(await d.until(topics.PERSONS, ArrivalRegistered, fresh_ref))
    assert fresh_trace != DESK_TRACE
    assert trace_id(await d.until(topics.CASES, CaseOpened, fresh_ref)) == fresh_trace

    for _ in range(100):
        names = {s.name for s in receiver.of_trace(DESK_TRACE)}
        if {"POST /persons", f"{topics.PERSONS} process"} <= names:
            break
        await asyncio.sleep(0.1)
    spans = receiver.of_trace(DESK_TRACE)
    request = next(s for s in spans if s.name == "POST /persons")
    assert request.parent_span_id == DESK_SPAN
    assert request.attributes["http.response.status_code"] == 201
    consumed = [s for s in spans if s.name.endswith(" process") and s.service == "casework"]
    assert consumed and consumed[0].parent_span_id == request.span_id
