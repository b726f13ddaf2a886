"""Billing's indexes on the real store: the partial ones replace the full ones of earlier
versions, and every query of the entries is served by an index."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from msa_billing.adapters.indexes import REPLACED, ensure_indexes
from msa_billing.adapters.mongo import BY_LINE, RECEIVED, UNINVOICED
from pymongo import ASCENDING, AsyncMongoClient

from tests.kit.support import unique

pytestmark = pytest.mark.integration
QUERIES = [
    ({"status": "held", "case_id": "C-1"}, RECEIVED),
    ({"status": "held", "held_since": {"$lte": date(2026, 3, 2).isoformat()}}, RECEIVED),
    ({**UNINVOICED, "service_month": {"$lte": "2026-03"}}, RECEIVED),
    ({"invoice_number": "RE-2026-000001"}, BY_LINE),
    ({"status": "rejected", "service_date": {"$lt": "2023-03-01"}}, RECEIVED),
]


async def test_partial_indexes_replace_the_full_ones_and_serve_every_entries_query(
    infra: Any,
) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri)
    db = client[unique("billing-ix")]
    try:
        entries = db["entries"]
        await entries.create_index([("status", ASCENDING), ("case_id", ASCENDING)])
        await entries.create_index([("invoice_number", ASCENDING), ("invoice_line", ASCENDING)])
        await entries.create_index([("status", ASCENDING), ("service_date", ASCENDING)])
        await ensure_indexes(db)
        await ensure_indexes(db)  # a restart (or a second instance) changes nothing

        names = set(await entries.index_information())
        assert not names & set(REPLACED)
        assert {"held_by_case", "held_since", "invoice_lines", "rejected_by_date"} <= names
        for query, order in QUERIES:
            plan = await db.command("explain", {"find": "entries", "filter": query,
                                                "sort": dict(order)})  # fmt: skip
            assert "IXSCAN" in str(plan["queryPlanner"]["winningPlan"]), query
    finally:
        await client.drop_database(db.name)
        await client.close()
