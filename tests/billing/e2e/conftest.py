"""intake, casework and billing as real processes on the real broker and store, each with a
fresh database and consumer group; billing holds entries for 5 clock days so that held
entries are answered inside the simulated quarter."""

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

HOLD_DAYS = 5


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> LocalKeys:
    return ensure_local_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def reference_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_capacity_reference(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="module")
def reference(reference_dir: Path) -> ReferenceData:
    return load_reference(reference_dir)


@pytest.fixture(scope="module")
async def stack(
    infra: Any, keys: LocalKeys, reference_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    stack = await Stack.fresh(
        ["intake", "casework", "billing"],
        run=f"e2e{uuid.uuid4().hex[:6]}",
        bootstrap=infra.kafka_bootstrap,
        env={**infra.env(), **keys.service_env(), "MSA_REFERENCE_DIR": str(reference_dir)},
        log_dir=tmp_path_factory.mktemp("logs"),
        base_port=18300,
        extra={"billing": {"BILLING_HOLD_DAYS": str(HOLD_DAYS)}},
    )
    try:
        await asyncio.to_thread(stack.start)
        yield stack
    finally:
        await asyncio.to_thread(stack.stop)
