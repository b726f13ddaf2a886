"""The ASGI app every deployable serves: its routes, the probes and metrics, the house
problem format, and a lifespan that starts and stops the service's background work."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI

from msa_kit.access_log import AccessMiddleware
from msa_kit.health import Check, health_router
from msa_kit.http_metrics import HttpMetrics
from msa_kit.problems import install_problem_handlers
from msa_kit.tracing import Tracing


def service_app(
    title: str, *, start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]],
    checks: dict[str, Check], routers: Sequence[APIRouter] = (), tracing: Tracing | None = None,
    **fastapi_args: Any,
) -> FastAPI:  # fmt: skip
    """``start`` runs before the first request, ``stop`` after the last; ``/readyz`` answers
    200 only while every check in ``checks`` does. Every request is logged and traced
    (``access_log``) and measured (``HttpMetrics``)."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await start()
        try:
            yield
        finally:
            await stop()

    app = FastAPI(lifespan=lifespan, title=title, **fastapi_args)
    install_problem_handlers(app)
    app.add_middleware(HttpMetrics)
    app.include_router(health_router(checks))
    for router in routers:
        app.include_router(router)
    app.add_middleware(AccessMiddleware, tracing=tracing or Tracing.off())
    return app
