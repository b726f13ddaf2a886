"""HTTP metrics of every service app: by route template (never the raw path) and status,
with a duration histogram; probes and scrapes are not counted."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException
from msa_kit.app import service_app
from msa_kit.http_metrics import UNMATCHED, HttpMetrics
from prometheus_client import REGISTRY


def app(prefix: str) -> FastAPI:
    router = APIRouter(prefix=prefix)

    @router.get("/cases/{case_id}")
    async def case(case_id: str) -> dict[str, str]:
        if case_id == "missing":
            raise HTTPException(404, "no such case")
        return {"id": case_id}

    @router.post("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    async def nothing() -> None:
        return None

    async def ready() -> bool:
        return True

    return service_app("t", start=nothing, stop=nothing, checks={"x": ready}, routers=[router])


def requests(method: str, route: str, status: int) -> float:
    labels = {"method": method, "route": route, "status": str(status)}
    return REGISTRY.get_sample_value("msa_http_requests_total", labels) or 0.0


def timed(method: str, route: str) -> float:
    labels = {"method": method, "route": route}
    return REGISTRY.get_sample_value("msa_http_request_duration_seconds_count", labels) or 0.0


async def call(api: FastAPI, method: str, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path)


@pytest.fixture
def prefix() -> str:
    """A path prefix of the test's own, so the process-wide counters start at zero for it."""
    return f"/p{uuid.uuid4().hex[:8]}"


async def test_requests_count_by_route_template_and_status_never_by_raw_path(prefix: str) -> None:
    api, route = app(prefix), f"{prefix}/cases/{{case_id}}"
    for case in ("C-1", "C-2", "missing"):
        await call(api, "GET", f"{prefix}/cases/{case}")

    assert requests("GET", route, 200) == 2
    assert requests("GET", route, 404) == 1
    assert timed("GET", route) == 3
    scrape = (await call(api, "GET", "/metrics")).text
    assert f'route="{route}"' in scrape
    assert f"{prefix}/cases/C-1" not in scrape and f"{prefix}/cases/missing" not in scrape


async def test_a_handler_that_raises_counts_as_a_500(prefix: str) -> None:
    answer = await call(app(prefix), "POST", f"{prefix}/boom")
    assert answer.status_code == 500
    assert requests("POST", f"{prefix}/boom", 500) == 1
    assert timed("POST", f"{prefix}/boom") == 1


async def test_paths_no_route_matches_share_one_label(prefix: str) -> None:
    before = requests("GET", UNMATCHED, 404)
    api = app(prefix)
    for n in range(3):
        assert (await call(api, "GET", f"{prefix}/nowhere/{n}")).status_code == 404
    assert requests("GET", UNMATCHED, 404) == before + 3
    assert f"{prefix}/nowhere" not in (await call(api, "GET", "/metrics")).text


async def test_probes_and_the_scrape_are_not_counted(prefix: str) -> None:
    api = app(prefix)
    before = {p: requests("GET", p, 200) for p in ("/healthz", "/readyz", "/metrics")}
    for path in before:
        assert (await call(api, "GET", path)).status_code == 200
    assert {p: requests("GET", p, 200) for p in before} == before == dict.fromkeys(before, 0.0)


async def test_the_duration_covers_the_whole_response() -> None:
    ticks = iter([10.0, 10.75])

    async def endpoint(scope: object, receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 201, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"x", "more_body": True})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"y"})  # type: ignore[operator]

    measured = HttpMetrics(endpoint, timer=lambda: next(ticks))
    route = f"/raw-{uuid.uuid4().hex[:8]}"
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def receive() -> dict[str, object]:
        return {"type": "http.request"}

    scope = {
        "type": "http",
        "method": "PUT",
        "path": route,
        "route": type("R", (), {"path": route}),
    }
    await measured(scope, receive, send)  # type: ignore[arg-type]

    assert len(sent) == 3 and requests("PUT", route, 201) == 1
    labels = {"method": "PUT", "route": route}
    assert REGISTRY.get_sample_value("msa_http_request_duration_seconds_sum", labels) == 0.75
