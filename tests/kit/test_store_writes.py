"""Document writes counted against the real store: what ``/metrics`` says billing writes
per entry is what the store acknowledged, per collection and kind."""

from __future__ import annotations

from typing import Any

import pytest
from msa_kit.metrics import STORE_COMMANDS, STORE_WRITES
from msa_kit.mongo import connect, in_transaction
from pymongo import UpdateOne

from tests.kit.support import unique

pytestmark = pytest.mark.integration


def _writes(collection: str, kind: str) -> float:
    return STORE_WRITES.labels(collection, kind)._value.get()


def _commands(collection: str, kind: str) -> float:
    return STORE_COMMANDS.labels(collection, kind)._value.get()


async def test_every_acknowledged_document_write_is_counted_by_collection_and_kind(
    infra: Any,
) -> None:
    client = connect(infra.mongodb_uri, app_name="kittest-writes")
    coll_name = unique("docs")
    coll = client[unique("db")][coll_name]
    before = {k: _writes(coll_name, k) for k in ("insert", "update", "delete")}
    commands_before = _commands(coll_name, "insert")
    try:
        await coll.insert_many([{"_id": n} for n in range(5)])

        async def work(session: Any) -> None:
            await coll.bulk_write(
                [UpdateOne({"_id": n}, {"$set": {"x": 1}}, upsert=True) for n in (1, 2, 9)],
                session=session,
            )
            await coll.find_one_and_update({"_id": 3}, {"$set": {"x": 2}}, session=session)

        await in_transaction(client, work)
        await coll.delete_many({"_id": {"$in": [0, 1]}})
        await coll.update_one({"_id": "absent"}, {"$set": {"x": 3}})  # matches nothing
    finally:
        await client.drop_database(coll.database.name)
        await client.close()
    assert _writes(coll_name, "insert") - before["insert"] == 5
    assert _writes(coll_name, "update") - before["update"] == 4  # 2 matched, 1 upserted, 1 fam
    assert _writes(coll_name, "delete") - before["delete"] == 2
    assert _commands(coll_name, "insert") - commands_before == 1
