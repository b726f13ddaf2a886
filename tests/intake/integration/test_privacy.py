"""Personal data stays encrypted everywhere but where it is read, and every read is audited."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from bson import BSON
from msa_kit.auth import Role

from tests.intake.integration.helpers import Running
from tests.intake.support import Issuer, identity, notice, record, registration_body
from tests.kit.support import header, produce

pytestmark = pytest.mark.integration
# what identity() puts into every test person: names, birth dates, contact data
# the birth date as a date: the year alone ("1987") also turns up in random event ids (a CI
# run found it inside a UUID), which says nothing about personal data
CLEAR = (b"zabardastova", b"quetzalli", b"1987-11-", b"+49 351 77", b"@example.org")


def clear_personal_data(blob: bytes) -> list[bytes]:
    return [needle for needle in CLEAR if needle in blob.lower()]


async def test_no_personal_data_in_clear_on_the_topic_or_in_any_collection(
    running: Running,
) -> None:
    rec = record(notice(running.keys, identity(31)))
    await produce(running.bootstrap, running.notices, rec)
    desk = await running.http.post("/persons", json=registration_body(identity(32)))
    assert desk.status_code == 201
    await running.settle(header(rec, "ce_id") or "")

    leaks = [
        (r.topic, r.offset, found)
        for r in running.tail.records
        if (found := clear_personal_data(r.value + b"".join(v for _, v in r.headers)))
    ]
    runtime = running.intake.runtime
    for db in (runtime.db, runtime.client[running.intake.settings.keys_database]):
        for name in await db.list_collection_names():
            async for doc in db[name].find():
                sealed = doc.pop("sealed", {}) if name == "persons" else {}
                assert all(isinstance(v, bytes) for v in sealed.values())
                if found := clear_personal_data(BSON.encode(doc)):
                    leaks.append((f"{db.name}.{name}", doc["_id"], found))
    assert not leaks


async def test_every_read_is_audited_and_only_auditors_see_the_audit(
    running: Running, issuer: Issuer
) -> None:
    ref = (await running.http.post("/persons", json=registration_body(identity(33)))).json()[
        "person_ref"
    ]
    caseworker = issuer.headers(Role.CASEWORKER, subject="cw-42")
    for fields in (["family_name"], ["phone", "email"]):
        r = await running.http.get(
            f"/persons/{ref}",
            params={"purpose": "home visit", "fields": fields},
            headers=caseworker,
        )
        assert r.status_code == 200
    refused = await running.http.get(f"/persons/{ref}", headers=caseworker)  # no purpose
    assert refused.status_code == 422

    auditor = issuer.headers(Role.AUDITOR)
    trail = await running.http.get("/audit", params={"person_ref": ref}, headers=auditor)
    assert trail.status_code == 200
    entries: list[dict[str, Any]] = trail.json()["entries"]
    assert [(e["subject"], e["role"], e["action"], e["fields"], e["purpose"]) for e in entries] == [
        ("cw-42", "caseworker", "read", ["phone", "email"], "home visit"),
        ("cw-42", "caseworker", "read", ["family_name"], "home visit"),
    ]
    assert all(e["person_ref"] == ref and e["at"] for e in entries)


async def test_no_endpoint_changes_or_removes_audit_entries(
    running: Running, issuer: Issuer
) -> None:
    auditor = issuer.headers(Role.AUDITOR)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = await running.http.request(method, "/audit", headers=auditor)
        assert r.status_code == 405, method
    paths = (await running.http.get("/openapi.json")).json()["paths"]
    assert set(paths["/audit"]) == {"get"}
    assert not [p for p in paths if p.startswith("/audit/")]
    await asyncio.sleep(0)
