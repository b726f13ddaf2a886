"""What tracing costs on the consumer path: ``uv run python -m tests.observability.overhead``.

1. The tracing hooks alone, per record, with tracing off (what every record pays when no
   endpoint is set): reading the trace headers, the context switch around the handler,
   giving the emitted records their trace, the extra header on the encoded record; beside
   the decoding and encoding every record needs anyway.
2. With ``MONGODB_URI`` set: the whole batch path (decode, inbox, handler, outbox, commit)
   on the real store, tracing off and tracing on (SDK spans, an exporter that drops them).

A measurement, not a test: nothing here asserts a timing.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from msa_contracts.envelope import decode, encode
from msa_kit.logging import configure_logging
from msa_kit.outbox import Outgoing, traced
from msa_kit.processing import Context, Subscription
from msa_kit.records import RawRecord
from msa_kit.runtime import ServiceRuntime
from msa_kit.settings import KitSettings
from msa_kit.trace_context import current, from_headers, using
from msa_kit.tracing import Tracing

from tests.kit.support import departed, record_of

TRACEPARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def raw(n: int, with_trace: bool) -> RawRecord:
    rec = record_of(departed(n))
    headers = rec.headers + ((("ce_traceparent", TRACEPARENT),) if with_trace else ())
    return RawRecord("t", 0, n, rec.key, rec.value, headers)


def per_record_us(step: Callable[[], None], rounds: int = 20000) -> float:
    samples = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(rounds):
            step()
        samples.append((time.perf_counter() - began) / rounds * 1e6)
    return statistics.median(samples)


def hooks() -> None:
    for with_trace in (True, False):
        hooks_for(with_trace)


def hooks_for(with_trace: bool) -> None:
    tracing = Tracing.off()
    record = raw(1, with_trace)
    event = departed(1)
    out = [Outgoing("out", event, "c", "e", "id")]

    def baseline() -> None:
        envelope = decode(record.headers, record.value)
        encode(envelope.event, event_id="id", source="/s", time=NOW)

    def hooks_only() -> None:
        span = tracing.record(record.topic, from_headers(record.headers), {})
        with using(span.context):
            items = traced(out, span.context)
            trace = items[0].trace or current()
        encode(event, event_id="id", source="/s", time=NOW,
               traceparent=trace.traceparent if trace else None)  # fmt: skip
        span.end("processed")

    def encode_only() -> None:
        encode(event, event_id="id", source="/s", time=NOW)

    base, extra, enc = (
        per_record_us(baseline),
        per_record_us(hooks_only),
        per_record_us(encode_only),
    )
    print(f"record {'with' if with_trace else 'without'} ce_traceparent: decode+encode "
          f"{base:.2f} us; tracing-off hooks {extra - enc:.2f} us "
          f"({(extra - enc) / base:.1%} of decode+encode alone)")  # fmt: skip


async def batch_path(uri: str, tracing: Tracing, batches: int = 10, size: int = 200) -> float:
    service = f"overhead-{uuid.uuid4().hex[:8]}"
    runtime = ServiceRuntime(KitSettings(service_name=service, mongodb_uri=uri), tracing=tracing)

    async def forward(ctx: Context) -> None:
        ctx.emit("out", ctx.event)

    sub = Subscription(forward)
    took = []
    try:
        await runtime.outbox.ensure_indexes()
        for b in range(batches):
            records = [raw(b * size + i, i % 2 == 0) for i in range(size)]
            began = time.perf_counter()
            await runtime.batches.process_batch(records, sub)
            took.append((time.perf_counter() - began) / size * 1e6)
    finally:
        await runtime.client.drop_database(runtime.settings.database)
        await runtime.client.close()
        await runtime.producer.stop()
        tracing.shutdown()
    return statistics.median(took[1:])  # the first batch warms up


def dropping() -> Any:
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

    class Drop(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    return Drop()


async def whole_path(uri: str) -> None:
    off = statistics.median([await batch_path(uri, Tracing.off()) for _ in range(3)])
    on = statistics.median([
        await batch_path(uri, Tracing.from_env("overhead", environ={}, exporter=dropping()))
        for _ in range(3)
    ])  # fmt: skip
    print(f"batch path on the store, per record: tracing off {off:.0f} us, "
          f"tracing on {on:.0f} us ({(on - off) / off:+.1%})")  # fmt: skip


if __name__ == "__main__":
    configure_logging("INFO", json=True)  # as the services run: per-record lines filtered
    hooks()
    if uri := os.environ.get("MONGODB_URI"):
        asyncio.run(whole_path(uri))
