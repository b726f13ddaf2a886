"""Deletion of case files on both backends: after the tick that ends a closed case's period,
no collection of casework holds the case or its person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from msa_casework.adapters.memory import MemoryStore
from msa_casework.adapters.mongo import MongoStore
from msa_casework.bootstrap import build
from msa_casework.domain.opening import case_id_for
from msa_casework.settings import CaseworkSettings
from msa_contracts import topics
from msa_contracts.reference import ReferenceData
from msa_contracts.values import Region

from tests.casework.builders import arrival, contract, departed, person_ref, reference_with, tick
from tests.casework.harness import Harness, names
from tests.store_backends import BACKENDS, Dump, store_on_backend

REFERENCE: ReferenceData = reference_with(contract("awo", [Region.MITTE], 10, ["ar"]))


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Any, Dump]]:
    async for pair in store_on_backend(request, MemoryStore, MongoStore, "casework_retention"):
        yield pair


async def test_after_the_period_no_collection_names_the_case_or_its_person(
    backend: tuple[Any, Dump],
) -> None:
    store, dump = backend
    casework = build(CaseworkSettings(case_file_retention_days=5), reference=REFERENCE,
                     store=store)  # fmt: skip
    cw = Harness(casework, store)
    try:
        gone, stays = person_ref(), person_ref()
        for ref in (gone, stays):
            await cw.send(arrival(ref, allocated_on=date(2026, 1, 15)))
        await cw.send(departed(gone, date(2026, 2, 1)))
        await cw.send(departed(stays, date(2026, 2, 3)))
        before = await dump()
        assert gone in before and stays in before

        assert names(await cw.send(tick(date(2026, 2, 6))), topics.CASES) == ["CaseFileExpired"]
        after = await dump()

        assert gone not in after and case_id_for(gone) not in after and stays in after
        assert '"action": "case-file-deleted"' in after or "'case-file-deleted'" in after
        assert names(await cw.send(tick(date(2026, 2, 6))), topics.CASES) == []
        assert names(await cw.send(tick(date(2026, 2, 8))), topics.CASES) == ["CaseFileExpired"]
        assert stays not in await dump()
    finally:
        await casework.runtime.producer.stop()
        await casework.runtime.client.close()
