"""One JSON access line per request: method, route template, path, status, duration, the
caller's role once known, and the trace id; probes and scrapes at DEBUG only."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Annotated, Any

import httpx
import structlog
from fastapi import APIRouter, Depends
from msa_kit.app import service_app
from msa_kit.auth import Principal, Role, Verifier, require
from msa_kit.trace_context import current, log_ids
from msa_kit.tracing import Tracing
from structlog.testing import capture_logs

from tests.auth import ISSUER, Issuer

TRACE, SPAN = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


async def _ok() -> bool:
    return True


def api(issuer: Issuer, tracing: Tracing | None = None) -> Any:
    router = APIRouter()

    @router.get("/cases/{case_id}")
    async def case(
        case_id: str, caller: Annotated[Principal, Depends(require(Role.CASEWORKER))]
    ) -> dict[str, str | None]:
        context = current()  # what an outbox record written here would carry
        return {"case_id": case_id, "trace_id": context.trace_id if context else None}

    async def nothing() -> None:
        return None

    app = service_app("t", start=nothing, stop=nothing, checks={"db": _ok}, routers=[router],
                      tracing=tracing or Tracing.off())  # fmt: skip
    app.state.verifier = Verifier.from_files(ISSUER, [issuer.public_key_file])
    return app


async def requests(issuer: Issuer, *calls: tuple[str, dict[str, str]]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=api(issuer))
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        return [await client.get(path, headers=headers) for path, headers in calls]


def access_lines(logs: list[MutableMapping[str, Any]]) -> list[MutableMapping[str, Any]]:
    return [line for line in logs if line["event"] == "http request"]


async def test_each_request_gives_one_line_with_route_status_role_and_trace(
    issuer: Issuer,
) -> None:
    traced = {"traceparent": f"00-{TRACE}-{SPAN}-01", **issuer.headers(Role.CASEWORKER)}
    with capture_logs(processors=[log_ids]) as logs:
        [answer, refused, missing] = await requests(
            issuer, ("/cases/C-1", traced), ("/cases/C-2", issuer.headers(Role.PROVIDER, "awo")),
            ("/nowhere", {}),
        )  # fmt: skip
    assert answer.json() == {"case_id": "C-1", "trace_id": TRACE}  # the request's trace
    assert (refused.status_code, missing.status_code) == (403, 404)
    first, second, third = access_lines(logs)
    assert {k: first[k] for k in ("method", "route", "path", "status", "role", "trace_id")} == {
        "method": "GET", "route": "/cases/{case_id}", "path": "/cases/C-1", "status": 200,
        "role": "caseworker", "trace_id": TRACE,
    }  # fmt: skip
    assert first["log_level"] == "info" and first["duration_ms"] >= 0
    assert (second["status"], second["role"], second["route"]) == (403, "provider",
                                                                  "/cases/{case_id}")  # fmt: skip
    assert "trace_id" not in second  # tracing off and no traceparent: no trace
    assert (third["status"], third["route"], "role" in third) == (404, None, False)


async def test_probes_and_the_metrics_scrape_log_at_debug(issuer: Issuer) -> None:
    with capture_logs() as logs:
        answers = await requests(issuer, ("/healthz", {}), ("/readyz", {}), ("/metrics", {}))
    assert [a.status_code for a in answers] == [200, 200, 200]
    lines = access_lines(logs)
    assert [(line["path"], line["log_level"]) for line in lines] == [
        ("/healthz", "debug"), ("/readyz", "debug"), ("/metrics", "debug")
    ]  # fmt: skip


async def test_with_tracing_on_the_request_is_a_span_of_its_route(issuer: Issuer) -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exported = InMemorySpanExporter()
    tracing = Tracing.from_env("t", environ={}, exporter=exported)
    transport = httpx.ASGITransport(app=api(issuer, tracing))
    headers = {"traceparent": f"00-{TRACE}-{SPAN}-01", **issuer.headers(Role.CASEWORKER)}
    with capture_logs(processors=[structlog.contextvars.merge_contextvars, log_ids]) as logs:
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            answer = await client.get("/cases/C-9", headers=headers)
    tracing.shutdown()
    [span] = exported.get_finished_spans()
    assert span.name == "GET /cases/{case_id}"
    assert span.parent is not None and f"{span.parent.span_id:016x}" == SPAN
    assert f"{span.context.trace_id:032x}" == TRACE == answer.json()["trace_id"]
    [line] = access_lines(logs)
    assert line["span_id"] == f"{span.context.span_id:016x}"
