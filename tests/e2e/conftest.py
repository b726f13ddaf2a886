"""The services as real processes on the real broker and store, for end-to-end tests."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from msa_contracts.reference import SEED_DIR, ReferenceData, load_reference
from msa_ops.keys import LocalKeys, ensure_local_keys
from msa_ops.stack import Stack

# Small capacities so that a simulated month fills some regions and uses the waiting list.
CAPACITIES = {"caritas": 7, "diakonie": 6, "awo": 5, "drk": 4}


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> LocalKeys:
    return ensure_local_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def reference_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reference")
    for f in SEED_DIR.glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    providers = yaml.safe_load((folder / "providers.yaml").read_text())
    for p in providers["providers"]:
        p["capacity"] = CAPACITIES[p["id"]]
    (folder / "providers.yaml").write_text(yaml.safe_dump(providers, allow_unicode=True))
    return folder


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
