from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from msa_contracts.reference import ReferenceData

from tests.billing.harness import Harness, harness


@pytest.fixture
async def bill(reference: ReferenceData) -> AsyncIterator[Harness]:
    async with harness(reference) as running:
        yield running
