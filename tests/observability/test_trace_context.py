"""W3C trace context as records and requests carry it: parsed strictly, ignored when invalid,
written back as the CloudEvents extension headers, and named on log lines."""

from __future__ import annotations

import pytest
from msa_kit.logging import get_logger
from msa_kit.trace_context import TraceContext, from_headers, log_ids, using
from structlog.testing import capture_logs

TRACE, SPAN = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


def test_a_valid_traceparent_is_read_with_its_flags_and_state() -> None:
    parsed = TraceContext.parse(f"00-{TRACE}-{SPAN}-01", "vendor=abc")
    assert parsed == TraceContext(TRACE, SPAN, sampled=True, tracestate="vendor=abc")
    assert parsed.traceparent == f"00-{TRACE}-{SPAN}-01"
    unsampled = TraceContext.parse(f"00-{TRACE}-{SPAN}-00")
    assert unsampled is not None and not unsampled.sampled


@pytest.mark.parametrize(
    "value",
    [
        "", "garbage", f"00-{TRACE}-{SPAN}", f"ff-{TRACE}-{SPAN}-01",
        f"00-{'0' * 32}-{SPAN}-01", f"00-{TRACE}-{'0' * 16}-01", f"00-{TRACE}-{SPAN}-01-extra",
        f"00-{TRACE[:-1]}-{SPAN}-01", f"00-{TRACE}-{SPAN}-0x",
    ],
)  # fmt: skip
def test_an_invalid_traceparent_is_ignored(value: str) -> None:
    assert TraceContext.parse(value) is None


def test_a_later_version_may_carry_more_fields() -> None:
    assert TraceContext.parse(f"01-{TRACE}-{SPAN}-01-more") == TraceContext(TRACE, SPAN)


def test_headers_are_the_cloudevents_extension_and_read_back() -> None:
    context = TraceContext(TRACE, SPAN, tracestate="a=1")
    headers = [(k, v.encode()) for k, v in context.headers()]
    assert headers == [("ce_traceparent", f"00-{TRACE}-{SPAN}-01".encode()),
                       ("ce_tracestate", b"a=1")]  # fmt: skip
    assert from_headers([("ce_id", b"x"), *headers]) == context
    assert from_headers([("ce_traceparent", b"\xff\xfe")]) is None
    assert from_headers([]) is None


def test_log_lines_inside_a_trace_name_its_trace_and_a_local_span() -> None:
    log = get_logger("tests.trace")
    with capture_logs(processors=[log_ids]) as logs:
        log.info("outside")
        with using(TraceContext(TRACE, SPAN)):
            log.info("passed on")  # tracing off: the sender's span is not ours to name
        with using(TraceContext(TRACE, SPAN, local=True)):
            log.info("in a span")
    assert "trace_id" not in logs[0]
    assert logs[1]["trace_id"] == TRACE and "span_id" not in logs[1]
    assert (logs[2]["trace_id"], logs[2]["span_id"]) == (TRACE, SPAN)
