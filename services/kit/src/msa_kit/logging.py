"""structlog configured once per process: JSON lines unless a TTY, context bound per message,
trace and span ids on every line written inside a trace (``trace_context.log_ids``)."""

from __future__ import annotations

import logging
import sys

import structlog

from msa_kit.trace_context import log_ids

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def log_level(name: str) -> int:
    """The level ``LOG_LEVEL`` names (any case), or ValueError naming the valid ones."""
    level = name.strip().upper()
    if level not in LEVELS:
        raise ValueError(f"LOG_LEVEL {name!r} is none of {', '.join(LEVELS)}")
    return int(logging.getLevelName(level))


def configure_logging(level: str = "INFO", json: bool | None = None) -> None:
    """Configure structlog and the standard library (FastStream, aiokafka) to one output."""
    as_json = (not sys.stderr.isatty()) if json is None else json
    threshold = log_level(level)
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        log_ids,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(threshold)
    logging.getLogger("aiokafka").setLevel(max(threshold, logging.WARNING))
    logging.getLogger("pymongo").setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)  # type: ignore[no-any-return]
