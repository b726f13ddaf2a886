"""intake, casework and billing as real processes on the real broker and store, each with a
fresh database; billing holds entries for 5 clock days so that held entries are answered
inside the simulated quarter."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from msa_contracts.reference import SEED_DIR, ReferenceData, load_reference
from msa_ops.keys import LocalKeys, ensure_local_keys
from msa_ops.stack import Stack

CAPACITIES = {"caritas": 7, "diakonie": 6, "awo": 5, "drk": 4}
HOLD_DAYS = 5


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> LocalKeys:
    return ensure_local_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def reference_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reference")
    for f in SEED_DIR.glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    providers = yaml.safe_load((folder / "providers.yaml").read_text())
    for p in providers["providers"]:
        p["capacity"] = CAPACITIES[p["id"]]
    (folder / "providers.yaml").write_text(yaml.safe_dump(providers, allow_unicode=True))
    return folder


@pytest.fixture(scope="module")
def reference(reference_dir: Path) -> ReferenceData:
    return load_reference(reference_dir)


@pytest.fixture(scope="module")
def stack(
    infra: Any, keys: LocalKeys, reference_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    run = uuid.uuid4().hex[:6]
    names = ["intake", "casework", "billing"]
    extra = {n: {"MONGODB_DATABASE": f"e2e_{run}_{n}"} for n in names}
    extra["billing"]["BILLING_HOLD_DAYS"] = str(HOLD_DAYS)
    stack = Stack.create(
        names,
        env={**infra.env(), **keys.service_env(), "MSA_REFERENCE_DIR": str(reference_dir)},
        log_dir=tmp_path_factory.mktemp("logs"),
        base_port=18300,
        extra=extra,
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
