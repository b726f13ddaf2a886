"""intake and casework as real processes on the real broker and store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from msa_ops.keys import LocalKeys
from msa_ops.stack import Stack

from tests.e2e.stacks import keys, reference, reference_dir, started_stack

__all__ = ["keys", "reference", "reference_dir", "stack"]


@pytest.fixture(scope="module")
async def stack(
    infra: Any, keys: LocalKeys, reference_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    async with started_stack(
        ["intake", "casework"], infra=infra, keys=keys, reference_dir=reference_dir,
        log_dir=tmp_path_factory.mktemp("logs"), base_port=18200,
    ) as running:  # fmt: skip
        yield running
