"""One behaviour, two backends: the memory fake must answer like the Mongo repositories."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from msa_casework.adapters.memory import MemoryStore
from msa_casework.adapters.mongo import MongoStore
from msa_casework.domain.case import CaseStatus
from msa_casework.domain.persons import Person
from msa_casework.domain.placement import Capacity, Caseload
from msa_casework.ports import CaseFilter, Store
from msa_contracts.values import District, Region
from pymongo import AsyncMongoClient

from tests.casework.builders import arrival, contract, reference_with
from tests.casework.unit.domain_support import opened, rules_for

RULES = rules_for(reference_with(contract("awo", [Region.SUED], 1, ["ar"])))


@pytest.fixture(params=["memory", pytest.param("mongo", marks=pytest.mark.integration)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    infra: Any = request.getfixturevalue("infra")
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri, tz_aware=True)
    name = f"casework_repo_{uuid.uuid4().hex[:8]}"
    mongo = MongoStore(client[name])
    await mongo.ensure_indexes()
    try:
        yield mongo
    finally:
        await client.drop_database(name)
        await client.close()


async def test_cases_are_found_when_due_and_waiting_cases_in_serving_order(store: Store) -> None:
    capacity = Capacity()
    holder = opened(RULES, capacity, district=District.LEUBEN, allocated_on=date(2026, 1, 1))
    late = opened(RULES, capacity, district=District.PROHLIS, allocated_on=date(2026, 3, 1))
    early = opened(RULES, capacity, district=District.LEUBEN, allocated_on=date(2026, 2, 1))
    unit = store.unit(None)
    for case in (holder, late, early):
        await unit.case_repo.save(case)

    due = await unit.case_repo.due(date(2027, 1, 31))
    waiting = await unit.case_repo.waiting()

    assert [c.case_id for c in due] == [holder.case_id]  # Willkommensleistung ends 2027-01-01
    assert [c.case_id for c in waiting] == [early.case_id, late.case_id]
    assert await unit.case_repo.get(early.case_id) == early


async def test_the_reader_filters_counts_and_pages(store: Store) -> None:
    capacity = Capacity()
    cases = [opened(RULES, capacity, district=District.LEUBEN) for _ in range(3)]
    for case in cases:
        await store.unit(None).case_repo.save(case)
    reader = store.reader()

    waiting = CaseFilter(status=CaseStatus.WAITLISTED, region=Region.SUED)
    page = await reader.cases(waiting, limit=1, offset=1)

    assert await reader.count(waiting) == 2
    assert len(page) == 1 and page[0].status is CaseStatus.WAITLISTED
    assert [c.provider_id for c in await reader.cases(CaseFilter(provider_id="awo"),
                                                      limit=10, offset=0)] == ["awo"]  # fmt: skip
    assert len(await reader.waiting(Region.SUED)) == 2
    assert await reader.waiting(Region.NORD) == []


async def test_persons_are_found_by_district_and_language(store: Store) -> None:
    persons = store.unit(None).persons
    speaker = Person.arrived(arrival(district=District.COTTA, languages=["ar", "fa"]))
    await persons.save(speaker)
    await persons.save(Person.arrived(arrival(district=District.COTTA, languages=["uk"])))
    await persons.save(Person.arrived(arrival(district=District.PLAUEN, languages=["fa"])))

    found = await persons.speaking(District.COTTA, ["fa", "ti"])

    assert found == [speaker]
    await persons.remove(speaker.person_ref)
    assert await persons.get(speaker.person_ref) is None


async def test_the_clock_only_moves_forward_and_the_caseload_round_trips(store: Store) -> None:
    unit = store.unit(None)
    assert await unit.days.latest() is None
    assert await unit.days.advance(date(2026, 5, 2)) == date(2026, 5, 2)
    assert await unit.days.advance(date(2026, 5, 1)) == date(2026, 5, 2)
    await unit.caseloads.save(Caseload(open_cases={"awo": 3}, waiting_seq=7))
    assert await store.unit(None).caseloads.get() == Caseload(open_cases={"awo": 3}, waiting_seq=7)
