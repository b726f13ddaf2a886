"""Spans leave a service over OTLP/HTTP only when an endpoint is set; without one the SDK is
not even loaded and no provider is installed."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from msa_kit.trace_context import TraceContext
from msa_kit.tracing import Tracing, TracingError

from tests.observability.otlp_receiver import Receiver, otlp_receiver

TRACE, SPAN = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


def until_spans(receiver: Receiver, count: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while len(receiver.spans) < count:
        assert time.monotonic() < deadline, f"only {len(receiver.spans)} spans arrived"
        time.sleep(0.05)


def test_with_an_endpoint_spans_are_exported_over_otlp_http(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with otlp_receiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
        tracing = Tracing.from_env("billing")
        assert tracing.on
        parent = TraceContext(TRACE, SPAN)
        record = tracing.record("msa.provider.awo.hours", parent, {"messaging.kafka.offset": 7})
        fresh = tracing.request("GET", None, {"url.path": "/cases"})
        fresh.rename("GET /cases")
        fresh.end("200", {"http.route": "/cases"})
        record.end("processed")
        tracing.shutdown()  # flushes the batch
        until_spans(receiver, 2)
    consumed = next(s for s in receiver.spans if s.trace_id == TRACE)
    served = next(s for s in receiver.spans if s.trace_id != TRACE)
    assert record.context is not None and record.context.trace_id == TRACE
    assert consumed.parent_span_id == SPAN and consumed.span_id == record.context.span_id
    assert consumed.service == served.service == "billing"
    assert consumed.name == "msa.provider.awo.hours process"
    assert consumed.attributes["msa.outcome"] == "processed"
    assert consumed.attributes["messaging.kafka.offset"] == 7
    assert served.name == "GET /cases" and served.parent_span_id == ""
    assert served.attributes["http.route"] == "/cases"


def test_otel_service_name_overrides_the_service_name(monkeypatch: pytest.MonkeyPatch) -> None:
    with otlp_receiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
        monkeypatch.setenv("OTEL_SERVICE_NAME", "msa-billing-staging")
        tracing = Tracing.from_env("billing")
        tracing.record("t", None, {}).end("processed")
        tracing.shutdown()
        until_spans(receiver, 1)
    assert receiver.spans[0].service == "msa-billing-staging"


def test_an_unsampled_trace_is_passed_on_but_not_exported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with otlp_receiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
        tracing = Tracing.from_env("billing")  # default sampler: parent-based
        span = tracing.record("t", TraceContext(TRACE, SPAN, sampled=False), {})
        span.end("processed")
        tracing.shutdown()
        time.sleep(0.3)
    assert span.context is not None
    assert (span.context.trace_id, span.context.sampled) == (TRACE, False)
    assert receiver.spans == []


def test_sdk_disabled_or_no_endpoint_means_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not Tracing.from_env("billing").on
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert not Tracing.from_env("billing").on


def test_off_passes_the_incoming_context_on_unchanged() -> None:
    tracing = Tracing.off()
    parent = TraceContext(TRACE, SPAN, tracestate="a=1")
    assert tracing.record("t", parent, {}).context == parent
    assert tracing.request("GET", None, {}).context is None


def test_a_grpc_protocol_is_refused_with_what_to_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    with pytest.raises(TracingError, match="http/protobuf"):
        Tracing.from_env("billing")


PROBE = """
import asyncio, json, sys
from msa_kit.runtime import ServiceRuntime
from msa_kit.settings import KitSettings
from opentelemetry import trace

async def main():
    runtime = ServiceRuntime(KitSettings(service_name="billing"))
    runtime.http_app()
    print(json.dumps({
        "on": runtime.tracing.on,
        "sdk_loaded": any(m.startswith("opentelemetry.sdk") for m in sys.modules),
        "exporter_loaded": any(m.startswith("opentelemetry.exporter") for m in sys.modules),
        "provider": type(trace.get_tracer_provider()).__name__,
    }))

asyncio.run(main())
"""


def test_without_an_endpoint_no_sdk_is_loaded_and_no_provider_installed() -> None:
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env=env, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"on": False, "sdk_loaded": False, "exporter_loaded": False,
                    "provider": "ProxyTracerProvider"}  # fmt: skip
