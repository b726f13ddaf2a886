"""HTTP metrics of every service's API: requests by route template and status, and their
duration (``msa_http_requests_total``, ``msa_http_request_duration_seconds``).

The route is the template the router matched (``/cases/{case_id}``), never the raw path, so
ids do not become label values; a request no route matched counts as ``UNMATCHED``, a
method outside HTTP's usual ones as ``OTHER``. The probes and the scrape itself are not
counted: they would drown the API's own traffic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msa_kit.metrics import HTTP_REQUESTS, HTTP_SECONDS

UNMATCHED = "unmatched"
UNMEASURED = frozenset({"/metrics", "/healthz", "/readyz"})
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_template(scope: Scope) -> str:
    """The path template of the route that handled ``scope`` (the router sets
    ``scope["route"]``), or ``UNMATCHED``."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class HttpMetrics:
    """Pure ASGI middleware (no response buffering): counts each HTTP request once its
    response has ended, or when the app raised before answering (status 500)."""

    def __init__(self, app: ASGIApp, *, timer: Callable[[], float] = time.perf_counter) -> None:
        self.app = app
        self._timer = timer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in UNMEASURED:
            await self.app(scope, receive, send)
            return
        began = self._timer()
        status: dict[str, Any] = {"code": 500, "ended": False}

        async def measured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                status["ended"] = True
                self._observe(scope, status["code"], began)

        try:
            await self.app(scope, receive, measured_send)
        finally:
            if not status["ended"]:  # raised, or the client went away mid-response
                self._observe(scope, status["code"], began)

    def _observe(self, scope: Scope, status: int, began: float) -> None:
        method = scope.get("method", "GET")
        method, route = method if method in METHODS else "OTHER", route_template(scope)
        HTTP_REQUESTS.labels(method, route, str(status)).inc()
        HTTP_SECONDS.labels(method, route).observe(self._timer() - began)
