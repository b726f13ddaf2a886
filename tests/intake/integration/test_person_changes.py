"""Changes recorded over HTTP are published as facts; erasure shreds the person's key."""

from __future__ import annotations

import asyncio

import pytest
from msa_contracts.events import (
    ArrivalRegistered,
    PersonDeparted,
    PersonErased,
    PersonRelocated,
    ResidenceStatusChanged,
)
from msa_intake.adapters.crypto import KeyWrapper, Undecryptable, Vault
from msa_intake.adapters.keystore import DATA_KEYS
from msa_intake.keys import IntakeKeys

from tests.intake.integration.helpers import Running, wait_for
from tests.intake.support import identity, registration_body

pytestmark = pytest.mark.integration


async def registered(running: Running, n: int) -> str:
    r = await running.http.post("/persons", json=registration_body(identity(n)))
    assert r.status_code == 201, r.text
    return str(r.json()["person_ref"])


async def published(running: Running, ref: str, count: int) -> list[object]:
    async def arrived() -> bool:
        return len(running.tail.on(running.persons, key=ref)) >= count

    await wait_for(arrived)
    await asyncio.sleep(0.3)
    return list(running.tail.on(running.persons, key=ref))


async def test_status_change_relocation_and_departure_each_emit_their_event_in_order(
    running: Running,
) -> None:
    ref = await registered(running, 21)
    moved = {"to_district": "pieschen", "moved_on": "2026-07-01", "accommodation_type": "apartment"}
    answers = [
        await running.http.post(f"/persons/{ref}/status-changes",
                                json={"status": "ae-25-5", "valid_from": "2026-06-01"}),
        await running.http.post(f"/persons/{ref}/relocations", json=moved),
        await running.http.post(f"/persons/{ref}/departure",
                                json={"departed_on": "2026-09-30", "reason": "moved-away"}),
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [201, 201, 201], [a.text for a in answers]
    assert answers[-1].json()["person"]["departure"]["reason"] == "moved-away"
    events = await published(running, ref, 4)
    assert [type(e) for e in events] == [
        ArrivalRegistered, ResidenceStatusChanged, PersonRelocated, PersonDeparted,
    ]  # fmt: skip
    status, relocated = events[1], events[2]
    assert isinstance(status, ResidenceStatusChanged) and isinstance(relocated, PersonRelocated)
    assert (status.previous_status, status.status) == ("ae-25-2", "ae-25-5")
    assert (relocated.from_district, relocated.to_district) == ("neustadt", "pieschen")
    history = (await running.http.get(f"/persons/{ref}", params={"purpose": "check"})).json()
    assert [s["status"] for s in history["person"]["statuses"]] == ["ae-25-2", "ae-25-5"]


async def test_erasure_emits_person_erased_and_leaves_only_undecryptable_ciphertext(
    running: Running,
) -> None:
    ref = await registered(running, 22)
    r = await running.http.delete(f"/persons/{ref}", params={"reason": "art. 17 GDPR request"})
    assert r.status_code == 200, r.text
    events = await published(running, ref, 2)
    assert [type(e) for e in events] == [ArrivalRegistered, PersonErased]

    db, settings = running.intake.runtime.db, running.intake.settings
    keys_db = running.intake.runtime.client[settings.keys_database]
    assert await keys_db[DATA_KEYS].find_one({"_id": ref}) is None
    assert await db["identity_index"].find_one({"person_ref": ref}) is None
    doc = await db["persons"].find_one({"_id": ref})
    assert doc is not None and doc["erased_at"] and set(doc["sealed"]) >= {"family_name"}
    sealed = {k: bytes(v) for k, v in doc["sealed"].items()}
    wrapper = KeyWrapper(IntakeKeys.from_settings(settings).master_key)
    remaining = [
        wrapper.unwrap(d["_id"], bytes(d["wrapped"])) async for d in keys_db[DATA_KEYS].find()
    ]
    assert remaining, "other persons' keys still exist"
    for key in remaining:  # no key that is left opens the erased person's fields
        with pytest.raises(Undecryptable):
            Vault().open(key, ref, sealed, ["family_name"])
    gone = await running.http.get(f"/persons/{ref}", params={"purpose": "check"})
    assert (gone.status_code, gone.json()["code"]) == (410, "person-erased")
