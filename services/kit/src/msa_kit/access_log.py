"""HTTP access: one JSON log line and one server span per request.

The line names the method, the route template (``/cases/{case_id}``, so lines group by
endpoint), the path, the status, the duration, the caller's role once a route checked its
token (``require`` leaves the principal on the request) and the trace id. Probes and the
metrics scrape log at DEBUG. A request's W3C ``traceparent`` header is continued: the records
its transaction writes to the outbox carry the trace on.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msa_kit.logging import get_logger
from msa_kit.trace_context import TraceContext, using
from msa_kit.tracing import Tracing

log = get_logger("msa_kit.access")
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
PRINCIPAL = "principal"  # the key ``require`` stores the caller under in the request state


class AccessMiddleware:
    """ASGI middleware around the whole app (outermost, so every response is seen)."""

    def __init__(self, app: ASGIApp, tracing: Tracing) -> None:
        self._app = app
        self._tracing = tracing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        began = time.perf_counter()
        method, path = scope["method"], scope["path"]
        parent = TraceContext.parse(_header(scope, b"traceparent"), _header(scope, b"tracestate"))
        span = self._tracing.request(method, parent, {"url.path": path})
        status = 500
        scope.setdefault("state", {})  # shared with the request, where ``require`` writes

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        with using(span.context):
            try:
                await self._app(scope, receive, send_status)
            finally:
                route = _route(scope)
                role = _role(scope)
                span.rename(f"{method} {route}" if route else method)
                extra: dict[str, str | int | bool] = {"http.response.status_code": status}
                if route:
                    extra["http.route"] = route
                span.end(str(status), extra)
                report = log.debug if path in PROBES else log.info
                report(
                    "http request", method=method, route=route, path=path, status=status,
                    duration_ms=round((time.perf_counter() - began) * 1000, 1),
                    **({"role": role} if role else {}),
                )  # fmt: skip


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _route(scope: Scope) -> str | None:
    """The template of the route that answered (None when none matched: a 404)."""
    route: Any = scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else None


def _role(scope: Scope) -> str | None:
    principal: Any = (scope.get("state") or {}).get(PRINCIPAL)
    role = getattr(principal, "role", None)
    return str(getattr(role, "value", role)) if role is not None else None
