"""Run a service's ASGI app with uvicorn: JSON logs, graceful shutdown on SIGTERM."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from msa_kit.settings import KitSettings


def serve(app: FastAPI | Callable[[], FastAPI], settings: KitSettings) -> None:
    """Blocks until SIGTERM/SIGINT; in-flight records finish within the graceful timeout.

    ``app`` may be a factory: it is then called inside the server's event loop, which a
    ``ServiceRuntime`` needs (its Kafka producer must be created in a running loop).
    """
    uvicorn.run(
        app,
        factory=not isinstance(app, FastAPI),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.graceful_timeout_s) + 5,
        lifespan="on",
    )
