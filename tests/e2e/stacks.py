"""What the end-to-end packages (tests/e2e, tests/billing/e2e, tests/reporting/e2e) share:
local keys, the small-capacity reference data, and one way to start a Stack of fresh
services. A conftest imports the fixtures it wants; each package keeps its own ports."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from msa_contracts.reference import ReferenceData, load_reference
from msa_ops.keys import LocalKeys, ensure_local_keys
from msa_ops.stack import Stack

from tests.e2e.reference import small_capacity_reference


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> LocalKeys:
    return ensure_local_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def reference_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_capacity_reference(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="module")
def reference(reference_dir: Path) -> ReferenceData:
    return load_reference(reference_dir)


@asynccontextmanager
async def started_stack(
    services: Sequence[str], *, infra: Any, keys: LocalKeys, reference_dir: Path,
    log_dir: Path, base_port: int, run: str | None = None,
    env: Mapping[str, str] | None = None, extra: Mapping[str, Mapping[str, str]] | None = None,
) -> AsyncIterator[Stack]:  # fmt: skip
    """The services as separate processes, each with a fresh database (``<run>_<service>``)
    and a fresh consumer group that starts at the end of the shared topics (earlier tests'
    records stay out of this run); stopped on leaving."""
    service_env = {**infra.env(), **keys.service_env(), "MSA_REFERENCE_DIR": str(reference_dir)}
    stack = await Stack.fresh(
        services,
        run=run or f"e2e{uuid.uuid4().hex[:6]}",
        bootstrap=infra.kafka_bootstrap,
        env={**service_env, **(env or {})},
        log_dir=log_dir,
        base_port=base_port,
        extra=extra,
    )
    try:
        await asyncio.to_thread(stack.start)
        yield stack
    finally:
        await asyncio.to_thread(stack.stop)
