"""All four services (intake, casework, billing, reporting) as real processes on the real
broker and store, fresh databases and consumer groups (``Stack.fresh``); billing holds
entries for 5 clock days so that held entries are answered inside the simulated quarter."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from msa_ops.keys import LocalKeys
from msa_ops.stack import Stack

from tests.e2e.stacks import keys, reference, reference_dir, started_stack

__all__ = ["HOLD_DAYS", "keys", "reference", "reference_dir", "run_id", "stack"]
HOLD_DAYS = 5
SERVICES = ["intake", "casework", "billing", "reporting"]


@pytest.fixture(scope="module")
def run_id() -> str:
    return f"rep{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
async def stack(
    infra: Any, keys: LocalKeys, reference_dir: Path, run_id: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:  # fmt: skip
    """Reporting's database is ``<run_id>_reporting``."""
    async with started_stack(
        SERVICES, infra=infra, keys=keys, reference_dir=reference_dir, run=run_id,
        log_dir=tmp_path_factory.mktemp("logs"), base_port=18400,
        env={"BILLING_HOLD_DAYS": str(HOLD_DAYS)},
    ) as running:  # fmt: skip
        yield running
