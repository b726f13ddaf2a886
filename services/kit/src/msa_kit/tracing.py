"""Traces: one span per record handled and per HTTP request, exported over OTLP/HTTP.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is
set: then the OpenTelemetry SDK is not even imported, no provider is installed, and a record
or request only passes on the trace context it came with (``trace_context``), so a sender's
trace survives. On, the SDK honours the standard variables (``OTEL_SERVICE_NAME``,
``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER``/``_ARG``, ``OTEL_EXPORTER_OTLP_*``,
``OTEL_BSP_*``); ``OTEL_SDK_DISABLED=true`` turns it off again. The provider belongs to the
service's runtime, not to the process, so services sharing a process (tests) keep their
names; nothing is installed globally.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from msa_kit.trace_context import TraceContext

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Span

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
Attributes = Mapping[str, str | int | bool]


class TracingError(Exception):
    """The tracing settings cannot work (e.g. a protocol this service does not speak)."""


class SpanHandle(Protocol):
    """A span in progress: ``context`` is what the work inside it passes on."""

    @property
    def context(self) -> TraceContext | None: ...

    def rename(self, name: str) -> None: ...

    def end(self, outcome: str, attributes: Attributes | None = None) -> None: ...


class _Passed:
    """Tracing off: no span, only the context that came in, passed on."""

    __slots__ = ("context",)

    def __init__(self, context: TraceContext | None) -> None:
        self.context = context

    def rename(self, name: str) -> None:
        return None

    def end(self, outcome: str, attributes: Attributes | None = None) -> None:
        return None


class _Recorded:
    """Tracing on: an SDK span and its context."""

    __slots__ = ("_span", "context")

    def __init__(self, span: Span) -> None:
        self._span = span
        ctx = span.get_span_context()
        self.context: TraceContext | None = TraceContext(
            f"{ctx.trace_id:032x}", f"{ctx.span_id:016x}", ctx.trace_flags.sampled,
            ctx.trace_state.to_header() or None, local=True,
        )  # fmt: skip

    def rename(self, name: str) -> None:
        self._span.update_name(name)

    def end(self, outcome: str, attributes: Attributes | None = None) -> None:
        from opentelemetry.trace import Status, StatusCode

        self._span.set_attribute("msa.outcome", outcome)
        for key, value in (attributes or {}).items():
            self._span.set_attribute(key, value)
        if outcome in {"dead-lettered", "failed"} or outcome.startswith("5"):
            self._span.set_status(Status(StatusCode.ERROR, outcome))
        self._span.end()


class Tracing:
    """A service's tracing: ``Tracing.off()`` or ``Tracing.from_env(service)``."""

    def __init__(self, provider: TracerProvider | None = None) -> None:
        self._provider = provider
        self._tracer = provider.get_tracer("msa_kit") if provider is not None else None

    @classmethod
    def off(cls) -> Tracing:
        return cls()

    @classmethod
    def from_env(
        cls, service: str, environ: Mapping[str, str] | None = None,
        exporter: SpanExporter | None = None,
    ) -> Tracing:  # fmt: skip
        """On when an OTLP endpoint is set (or an ``exporter`` is given, for tests)."""
        env = os.environ if environ is None else environ
        if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
            return cls.off()
        if exporter is None and not any(env.get(v, "").strip() for v in ENDPOINT_VARIABLES):
            return cls.off()
        return cls(_provider(service, env, exporter))

    @property
    def on(self) -> bool:
        return self._tracer is not None

    def record(self, topic: str, parent: TraceContext | None, attributes: Attributes) -> SpanHandle:
        """A consumer span for one record of ``topic``, continuing ``parent`` (the record's
        ``ce_traceparent``), or a new trace when it has none."""
        if self._tracer is None:
            return _Passed(parent)
        from opentelemetry.trace import SpanKind

        return _Recorded(self._tracer.start_span(
            f"{topic} process", context=_otel_context(parent), kind=SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "messaging.operation.type": "process",
                        "messaging.destination.name": topic, **attributes},
        ))  # fmt: skip

    def request(
        self, method: str, parent: TraceContext | None, attributes: Attributes
    ) -> SpanHandle:
        """A server span for one HTTP request (named by its route when it ends)."""
        if self._tracer is None:
            return _Passed(parent)
        from opentelemetry.trace import SpanKind

        return _Recorded(self._tracer.start_span(
            method, context=_otel_context(parent), kind=SpanKind.SERVER,
            attributes={"http.request.method": method, **attributes},
        ))  # fmt: skip

    def shutdown(self) -> None:
        """Export what is buffered and stop the exporter (the runtime's last step)."""
        if self._provider is not None:
            self._provider.shutdown()


def _provider(
    service: str, env: Mapping[str, str], exporter: SpanExporter | None
) -> TracerProvider:
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
    )
    if exporter is None and protocol.strip() != "http/protobuf":
        raise TracingError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r} is not supported: the services export "
            "OTLP over HTTP (http/protobuf, the collector's port 4318)"
        )
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    # OTEL_SERVICE_NAME, when set, names the service; the resource detector reads it
    named = {} if env.get("OTEL_SERVICE_NAME", "").strip() else {SERVICE_NAME: service}
    provider = TracerProvider(resource=Resource.create(named), shutdown_on_exit=False)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def _otel_context(parent: TraceContext | None) -> Any:
    """An OpenTelemetry context whose remote parent is ``parent`` (None: a new trace)."""
    if parent is None:
        return None
    from opentelemetry.trace import (
        NonRecordingSpan,
        SpanContext,
        TraceFlags,
        TraceState,
        set_span_in_context,
    )

    state = TraceState.from_header([parent.tracestate]) if parent.tracestate else None
    span = NonRecordingSpan(SpanContext(
        int(parent.trace_id, 16), int(parent.span_id, 16), is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED if parent.sampled else TraceFlags.DEFAULT),
        trace_state=state,
    ))  # fmt: skip
    return set_span_in_context(span)
