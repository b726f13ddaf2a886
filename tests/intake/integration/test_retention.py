"""A case file's deletion period on the real broker and store: intake reads CaseFileExpired
from the cases topic, erases the person and deletes the record; the audit keeps no
reference to them."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from bson import BSON
from msa_contracts.envelope import encode
from msa_contracts.events import CaseFileExpired
from msa_kit.auth import Role

from tests.intake.integration.helpers import Running, wait_for
from tests.intake.support import NOW, Issuer, identity, registration_body
from tests.kit.support import produce

pytestmark = pytest.mark.integration


async def test_an_expired_case_file_takes_the_person_s_record_and_reference_everywhere(
    running: Running, issuer: Issuer
) -> None:
    ref = (await running.http.post("/persons", json=registration_body(identity(51)))).json()[
        "person_ref"
    ]
    caseworker = issuer.headers(Role.CASEWORKER, subject="cw-51")
    read = await running.http.get(f"/persons/{ref}", params={"purpose": "Beratung"},
                                  headers=caseworker)  # fmt: skip
    assert read.status_code == 200
    replacement = f"P-{uuid.uuid4().hex[:16]}"
    expiry = CaseFileExpired(
        case_id=f"C-{uuid.uuid4().hex[:16]}", person_ref=ref, closed_on=date(2026, 1, 5),
        expired_on=date(2029, 1, 5), replacement_case_id=f"C-{uuid.uuid4().hex[:16]}",
        replacement_person_ref=replacement,
    )  # fmt: skip
    rec = encode(expiry, event_id=str(uuid.uuid4()), source="/casework", time=NOW)
    await produce(running.bootstrap, running.cases, rec)

    db = running.intake.runtime.db

    async def deleted() -> bool:
        return await db["persons"].find_one({"_id": ref}) is None

    await wait_for(deleted)
    runtime = running.intake.runtime
    for database in (runtime.db, runtime.client[running.intake.settings.keys_database]):
        for name in await database.list_collection_names():
            if name in ("inbox", "outbox"):
                continue  # ids of records; the outbox holds PersonErased until relayed
            async for doc in database[name].find():
                assert ref.encode() not in BSON.encode(doc), f"{database.name}.{name}"
    auditor = issuer.headers(Role.AUDITOR)
    trail = (await running.http.get("/audit", params={"person_ref": replacement},
                                    headers=auditor)).json()["entries"]  # fmt: skip
    assert [(e["subject"], e["action"]) for e in trail] == [
        ("msa-retention", "erase"), ("cw-51", "read"),
    ]  # fmt: skip
    assert not [r for r in running.tail.records if r.key == ref.encode()
                and b"PersonErased" in dict(r.headers).get("ce_type", b"")]  # fmt: skip
