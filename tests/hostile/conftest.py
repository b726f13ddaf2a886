"""Fixtures of the hostile-input proofs: the four services assembled once per session on the
real store, keys and a token issuer the services trust."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from msa_contracts.reference import ReferenceData, load_reference
from msa_ops.keys import LocalKeys, ensure_local_keys

from tests.hostile.services import Assembled, assembled


@pytest.fixture(scope="session")
def hostile_keys(tmp_path_factory: pytest.TempPathFactory) -> LocalKeys:
    return ensure_local_keys(tmp_path_factory.mktemp("hostile-keys"))


@pytest.fixture(scope="session")
def hostile_reference() -> ReferenceData:
    return load_reference()


@pytest.fixture(scope="session")
async def services(
    infra: Any, hostile_keys: LocalKeys, hostile_reference: ReferenceData
) -> AsyncIterator[dict[str, Assembled]]:
    env = {**infra.env(), **hostile_keys.service_env()}
    async with assembled(env, hostile_reference) as running:
        yield running
