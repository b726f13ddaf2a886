"""Documents stored while casework still kept vulnerabilities are read without them and
rewritten on start (real store): only the unaccompanied-minor flag is left."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from bson import json_util
from msa_casework.adapters.documents import case_document, person_document
from msa_casework.adapters.mongo import MongoStore
from msa_casework.domain.persons import Person
from msa_casework.domain.placement import Capacity
from msa_contracts.values import AgeBand, District
from pymongo import AsyncMongoClient

from tests.casework.integration.test_repositories import RULES
from tests.casework.unit.domain_support import opened

pytestmark = pytest.mark.integration


async def test_stored_vulnerabilities_are_removed_and_the_minor_flag_kept(infra: Any) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri, tz_aware=True)
    name = f"casework_legacy_{uuid.uuid4().hex[:8]}"
    db = client[name]
    try:
        case = opened(RULES, Capacity(), district=District.LEUBEN)
        legacy_case = case_document(case)
        legacy_case["needs"]["vulnerabilities"] = ["pregnancy"]
        minor = Person(
            person_ref="P-00000000000000b1",
            arrived_on=case.opened_on,
            district=District.LEUBEN,
            languages=["ar"],
            age_band=AgeBand.CHILD,
        )
        legacy_person = person_document(minor) | {
            "vulnerabilities": ["unaccompanied-minor", "trauma"]
        }
        legacy_person.pop("unaccompanied_minor")  # fmt: skip
        await db["cases"].insert_one(legacy_case)
        await db["persons"].insert_one(legacy_person)
        store = MongoStore(db)
        await store.migrate()
        unit = store.unit(None)
        person = await unit.persons.get(minor.person_ref)
        assert person is not None and person.unaccompanied_minor is True
        assert await unit.case_repo.get(case.case_id) == case
        everything = [
            *await db["cases"].find({}).to_list(),
            *await db["persons"].find({}).to_list(),
        ]
        text = json.dumps(json.loads(json_util.dumps(everything)))
        assert "vulnerabilities" not in text and "pregnancy" not in text and "trauma" not in text
    finally:
        await client.drop_database(name)
        await client.close()
