"""Helpers for the metrics tests: conditions for ``wait_for`` and samples of the registry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import REGISTRY


def holds(condition: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    """``condition`` as the async predicate ``wait_for`` polls."""

    async def check() -> bool:
        return condition()

    return check


def sample(name: str, **labels: str) -> float | None:
    """The process registry's current value of one series (None when it does not exist)."""
    return REGISTRY.get_sample_value(name, labels)
