from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from msa_contracts.reference import ReferenceData
from msa_contracts.values import Region

from tests.casework.builders import contract, reference_with
from tests.casework.harness import Harness, harness


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    """Small capacities, so that full providers and waiting lists are easy to reach."""
    return reference_with(
        contract("caritas", [Region.MITTE, Region.SUED], 2, ["de", "ar", "fa"]),
        contract("diakonie", [Region.NORD, Region.MITTE], 2, ["de", "uk", "ru"]),
        contract("awo", [Region.WEST, Region.SUED], 1, ["de", "ar", "ti"]),
        contract("drk", [Region.NORD, Region.WEST], 2, ["de", "prs", "tr"]),
    )


@pytest.fixture
async def cw(reference: ReferenceData) -> AsyncIterator[Harness]:
    async with harness(reference) as running:
        yield running
