"""The services as real processes on the real broker and store, for end-to-end tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from msa_contracts.reference import ReferenceData, load_reference
from msa_ops.keys import LocalKeys, ensure_local_keys
from msa_ops.stack import Stack

from tests.e2e.reference import small_capacity_reference


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> LocalKeys:
    return ensure_local_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def reference_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_capacity_reference(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="session")
def reference(reference_dir: Path) -> ReferenceData:
    return load_reference(reference_dir)


@pytest.fixture(scope="module")
async def stack(
    infra: Any, keys: LocalKeys, reference_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    """intake and casework as separate processes, each with a fresh database and a fresh
    consumer group that starts at the end of the shared topics (earlier tests' records
    stay out of this run)."""
    stack = await Stack.fresh(
        ["intake", "casework"],
        run=f"e2e{uuid.uuid4().hex[:6]}",
        bootstrap=infra.kafka_bootstrap,
        env={**infra.env(), **keys.service_env(), "MSA_REFERENCE_DIR": str(reference_dir)},
        log_dir=tmp_path_factory.mktemp("logs"),
        base_port=18200,
    )
    try:
        await asyncio.to_thread(stack.start)
        yield stack
    finally:
        await asyncio.to_thread(stack.stop)
