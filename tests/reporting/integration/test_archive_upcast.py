"""Reporting's archive of events kept before ArrivalRegistered and CaseAssigned lost their
vulnerabilities: rewritten once on start as the current versions (real store)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from bson import json_util
from msa_contracts.events import ArrivalRegistered, CaseAssigned
from msa_reporting.adapters.migrations import upcast_archive
from msa_reporting.adapters.mongo import BODIES, EVENTS, PACKED, MongoStore
from pymongo import AsyncMongoClient

pytestmark = pytest.mark.integration

ARRIVAL_V1 = {
    "person_ref": "P-00000000000000a1", "allocated_on": "2026-03-01",
    "registered_at": "2026-03-02T09:30:00Z", "registered_via": "allocation-notice",
    "age_band": "6-17", "household_size": 1, "languages": ["ar"],
    "residence_status": "ae-25-2", "status_valid_from": "2026-03-01", "district": "cotta",
    "accommodation_type": "apartment", "vulnerabilities": ["trauma", "unaccompanied-minor"],
}  # fmt: skip
ASSIGNED_V1 = {
    "case_id": "C-00000000000000a1", "person_ref": "P-00000000000000a1",
    "provider_id": "caritas", "region": "west", "district": "cotta",
    "assigned_on": "2026-03-02", "module": "willkommensleistung",
    "reasons": [{"code": "region-match", "message": "Region passt", "field": None}],
    "age_band": "6-17", "household_size": 1, "languages": ["ar"],
    "residence_status": "ae-25-2", "vulnerabilities": ["pregnancy"],
}  # fmt: skip


async def test_archived_v1_bodies_are_rewritten_without_vulnerabilities(infra: Any) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri, tz_aware=True)
    name = f"reporting_upcast_{uuid.uuid4().hex[:8]}"
    db = client[name]
    try:
        await db[EVENTS].insert_one({
            "_id": "t-persons/e1", "topic": "t-persons", "partition": 0, "offset": 0,
            "event_id": "e1", "type": "de.dresden.msa.ArrivalRegistered.v1",
            "body": json.dumps(ARRIVAL_V1),
        })  # fmt: skip
        body = json.dumps(ASSIGNED_V1).encode()
        rows = [["t-cases/e2", "t-cases", 0, 0, "e2", "de.dresden.msa.CaseAssigned.v1", len(body)]]
        await db[EVENTS].insert_one(
            {"_id": "chunk/000000001", PACKED: json.dumps(rows).encode(), BODIES: body}
        )
        assert await upcast_archive(db) == 2
        assert await upcast_archive(db) == 0, "done once"
        kept = await db[EVENTS].find({}).to_list()
        text = json_util.dumps(kept) + "".join(bytes(d.get(BODIES, b"")).decode() for d in kept)
        assert "vulnerabilities" not in text and "trauma" not in text and "pregnancy" not in text
        loaded = await MongoStore(db).load_events()
        arrival, assigned = loaded["t-persons/e1"].event, loaded["t-cases/e2"].event
        assert isinstance(arrival, ArrivalRegistered) and arrival.unaccompanied_minor is True
        assert isinstance(assigned, CaseAssigned) and assigned.provider_id == "caritas"
    finally:
        await client.drop_database(name)
        await client.close()
