"""A key database restored from before an erasure, against the real store and broker: the
erasure on the persons topic is re-applied, and a freshly started intake re-applies it
before it serves anything."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from msa_intake.adapters.keystore import DATA_KEYS
from msa_intake.adapters.stores import INDEX, PERSONS
from msa_intake.bootstrap import build
from msa_kit.auth import Role

from tests.intake.integration.helpers import Running, wait_for
from tests.intake.support import Issuer, identity, registration_body
from tests.kit.support import unique

pytestmark = pytest.mark.integration
Snapshot = dict[tuple[str, str], list[dict[str, Any]]]


def stores(running: Running) -> list[tuple[Any, str]]:
    keys_db = running.intake.runtime.client[running.intake.settings.keys_database]
    db = running.intake.runtime.db
    return [(keys_db, DATA_KEYS), (db, PERSONS), (db, INDEX)]


async def snapshot(running: Running) -> Snapshot:
    return {(db.name, c): await db[c].find({}).to_list() for db, c in stores(running)}


async def restore(running: Running, snap: Snapshot) -> None:
    for db, c in stores(running):
        await db[c].delete_many({})
        if docs := snap[db.name, c]:
            await db[c].insert_many(docs)


async def register(running: Running, n: int) -> str:
    r = await running.http.post("/persons", json=registration_body(identity(n)))
    assert r.status_code == 201, r.text
    return str(r.json()["person_ref"])


async def erase(running: Running, ref: str) -> None:
    r = await running.http.delete(f"/persons/{ref}", params={"reason": "art. 17 request"})
    assert r.status_code == 200, r.text
    outbox = running.intake.runtime.outbox

    async def on_the_topic() -> bool:  # the relay marks a record once the broker took it
        return await outbox.pending_count() == 0

    await wait_for(on_the_topic)


async def key_of(running: Running, ref: str) -> dict[str, Any] | None:
    keys_db = running.intake.runtime.client[running.intake.settings.keys_database]
    doc: dict[str, Any] | None = await keys_db[DATA_KEYS].find_one({"_id": ref})
    return doc


async def test_an_older_key_database_restored_keeps_the_erased_person_unreadable(
    running: Running, issuer: Issuer
) -> None:
    erased, kept = await register(running, 61), await register(running, 62)
    backup = await snapshot(running)
    await erase(running, erased)
    await restore(running, backup)
    assert await key_of(running, erased) is not None  # the restore brought the key back

    report = await running.intake.erasures.run()

    assert report.reapplied >= 1 and report.on_record >= 1
    assert await key_of(running, erased) is None and await key_of(running, kept) is not None
    caseworker = issuer.headers(Role.CASEWORKER)
    gone = await running.http.get(f"/persons/{erased}", params={"purpose": "check"},
                                  headers=caseworker)  # fmt: skip
    assert gone.status_code == 410
    still = await running.http.get(f"/persons/{kept}", params={"purpose": "check"},
                                   headers=caseworker)  # fmt: skip
    assert still.status_code == 200
    assert (await running.intake.erasures.run()).reapplied == 0  # idempotent


async def test_a_fresh_start_on_a_restored_store_re_applies_before_it_serves(
    running: Running, issuer: Issuer
) -> None:
    erased = await register(running, 63)
    backup = await snapshot(running)
    await erase(running, erased)
    await restore(running, backup)
    assert await key_of(running, erased) is not None

    # a second instance on the same store and topics, in a group of its own
    fresh = build(running.intake.settings.model_copy(
        update={"kafka_consumer_group": unique("intake-restored")}
    ))  # fmt: skip
    app = fresh.http_app()
    async with app.router.lifespan_context(app):  # what uvicorn does before the first request
        assert await key_of(running, erased) is None
        assert fresh.erasures.last is not None and fresh.erasures.last.reapplied >= 1
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
            r = await http.get(f"/persons/{erased}", params={"purpose": "check"},
                               headers=issuer.headers(Role.CASEWORKER))  # fmt: skip
        assert r.status_code == 410
    await asyncio.sleep(0)
