"""W3C trace context as it travels on records and requests, with or without OpenTelemetry.

A record carries it as the CloudEvents distributed-tracing extension (Kafka headers
``ce_traceparent`` and ``ce_tracestate``), an HTTP request as ``traceparent`` and
``tracestate``. ``current()`` is the context that what is written now belongs to: records a
transaction adds to the outbox carry it, log lines show its ids. The consumer and the HTTP
middleware set it (``using``); with tracing off it is the context that came in, so a
sender's own trace survives the trip through a service even when nothing is exported.

Pure standard library: nothing here imports OpenTelemetry.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

TRACEPARENT = "ce_traceparent"
TRACESTATE = "ce_tracestate"
_FORMAT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_MAX_TRACESTATE = 512  # the W3C limit for tracestate


@dataclass(frozen=True)
class TraceContext:
    """One span's place in a trace: ``trace_id`` (32 hex), ``span_id`` (16 hex), the
    ``sampled`` flag and the vendors' ``tracestate`` (passed on untouched). ``local``: the
    span is this process's own (tracing on), not only the sender's, passed on."""

    trace_id: str
    span_id: str
    sampled: bool = True
    tracestate: str | None = None
    local: bool = False

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{'01' if self.sampled else '00'}"

    def headers(self) -> list[tuple[str, str]]:
        """The CloudEvents extension headers for a Kafka record."""
        found = [(TRACEPARENT, self.traceparent)]
        if self.tracestate:
            found.append((TRACESTATE, self.tracestate))
        return found

    @classmethod
    def parse(cls, traceparent: str | None, tracestate: str | None = None) -> TraceContext | None:
        """A context from W3C ``traceparent``/``tracestate`` values, or None when the
        traceparent is missing or invalid (an invalid one is ignored, as W3C requires; a
        later version's extra fields are ignored, as W3C allows)."""
        if not traceparent:
            return None
        found = _FORMAT.fullmatch(traceparent.strip().lower())
        if found is None:
            return None
        version, trace_id, span_id, flags, rest = found.groups()
        if version == "ff" or (version == "00" and rest):
            return None
        if trace_id == "0" * 32 or span_id == "0" * 16:
            return None
        state = (tracestate or "").strip() or None
        if state is not None and len(state) > _MAX_TRACESTATE:
            state = None
        return cls(trace_id, span_id, bool(int(flags, 16) & 1), state)


_current: ContextVar[TraceContext | None] = ContextVar("msa_trace_context", default=None)


def current() -> TraceContext | None:
    """The trace context of the work in progress (None outside any trace)."""
    return _current.get()


@contextlib.contextmanager
def using(context: TraceContext | None) -> Iterator[None]:
    """Make ``context`` current for the enclosed work (and the tasks it starts)."""
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def from_headers(headers: Sequence[tuple[str, bytes]]) -> TraceContext | None:
    """The context a Kafka record carries in ``ce_traceparent``/``ce_tracestate``."""
    parent = state = None
    for name, value in headers:
        key = name.lower()
        if key == TRACEPARENT:
            parent = _text(value)
        elif key == TRACESTATE:
            state = _text(value)
    return TraceContext.parse(parent, state)


def log_ids(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
    """structlog processor: ``trace_id`` (and ``span_id`` when a span of this service is
    recording) on every line written inside a trace."""
    context = _current.get()
    if context is not None:
        event.setdefault("trace_id", context.trace_id)
        if context.local:
            event.setdefault("span_id", context.span_id)
    return event


def _text(value: bytes | None) -> str | None:
    return value.decode("utf-8", errors="replace") if value else None
