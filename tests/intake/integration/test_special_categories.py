"""Against the real broker and store: intake follows casework's assignments from the case
feed, and only the provider holding a case reads the person's vulnerabilities; persons
stored with clear vulnerabilities before they were sealed are sealed on start."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from msa_contracts.envelope import encode
from msa_contracts.events import CaseAssigned, CaseClosed, Event, reason
from msa_intake.adapters.crypto import KeyWrapper, Vault
from msa_intake.adapters.keystore import DATA_KEYS
from msa_intake.adapters.migrations import seal_clear_vulnerabilities
from msa_intake.adapters.stores import PERSONS
from msa_kit.auth import Role
from pymongo import AsyncMongoClient

from tests.intake.integration.helpers import Running, wait_for
from tests.intake.support import Issuer, identity, registration_body
from tests.kit.support import produce, unique

pytestmark = pytest.mark.integration


async def send_case_event(running: Running, event: Event) -> None:
    event_id = str(uuid.uuid4())
    rec = encode(event, event_id=event_id, source="/casework", time=datetime.now(UTC))
    await produce(running.bootstrap, running.cases, rec)
    await wait_for(lambda: running.processed(event_id, running.cases))


def assigned(case_id: str, person_ref: str, provider: str) -> CaseAssigned:
    return CaseAssigned.model_validate({
        "case_id": case_id, "person_ref": person_ref, "provider_id": provider,
        "region": "mitte", "district": "altstadt", "assigned_on": date(2026, 3, 2),
        "module": "willkommensleistung", "reasons": [reason("region-match", "Region passt")],
        "age_band": "27-49", "household_size": 1, "languages": ["ar"],
        "residence_status": "ae-25-2",
    }, strict=False)  # fmt: skip


async def test_only_the_provider_holding_the_case_reads_the_vulnerabilities(
    running: Running, issuer: Issuer
) -> None:
    who = identity(21, family_name="Sonderkategorieva")
    body = registration_body(who, vulnerabilities=["serious-illness", "disability"])
    made = await running.http.post("/persons", json=body)
    assert made.status_code == 201, made.text
    ref = made.json()["person_ref"]
    case_id = f"C-{uuid.uuid4().hex[:16]}"

    async def read(provider: str) -> Any:
        return await running.http.get(
            f"/persons/{ref}/vulnerabilities", params={"purpose": "Hilfeplanung"},
            headers=issuer.headers(Role.PROVIDER, provider=provider),
        )  # fmt: skip

    assert (await read("caritas")).status_code == 404, "no holder before the assignment"
    await send_case_event(running, assigned(case_id, ref, "caritas"))
    r = await read("caritas")
    assert r.status_code == 200, r.text
    assert r.json()["vulnerabilities"] == ["serious-illness", "disability"]
    assert (await read("diakonie")).status_code == 404
    await send_case_event(running, CaseClosed(case_id=case_id, closed_on=date(2026, 9, 1),
                                              reason="other"))  # fmt: skip
    assert (await read("caritas")).status_code == 404
    audit = await running.http.get("/audit", params={"person_ref": ref},
                                   headers=issuer.headers(Role.AUDITOR))  # fmt: skip
    reads = [e for e in audit.json()["entries"] if e["fields"] == ["vulnerabilities"]]
    assert [(e["role"], e["action"]) for e in reads] == [("provider", "read")]


async def test_clear_vulnerabilities_stored_earlier_are_sealed_and_an_erased_persons_dropped(
    infra: Any,
) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongodb_uri)
    name = unique("legacy")
    db, keys_db = client[name], client[f"{name}_keys"]
    wrapper, vault = KeyWrapper(bytes(range(32))), Vault()
    try:
        key = wrapper.new_data_key()
        await keys_db[DATA_KEYS].insert_one(
            {"_id": "P-00000000000000a1", "wrapped": wrapper.wrap("P-00000000000000a1", key)}
        )
        await db[PERSONS].insert_many([
            {"_id": "P-00000000000000a1", "vulnerabilities": ["pregnancy"], "sealed": {}},
            {"_id": "P-00000000000000a2", "vulnerabilities": ["trauma"], "sealed": {}},
            {"_id": "P-00000000000000a3", "sealed": {}},
        ])  # fmt: skip
        assert await seal_clear_vulnerabilities(db, keys_db, wrapper, vault) == 2
        assert await seal_clear_vulnerabilities(db, keys_db, wrapper, vault) == 0
        docs = {d["_id"]: d async for d in db[PERSONS].find({})}
        assert all("vulnerabilities" not in d for d in docs.values())
        sealed = {k: bytes(v) for k, v in docs["P-00000000000000a1"]["sealed"].items()}
        assert b"pregnancy" not in sealed["vulnerabilities"]
        opened = vault.open(key, "P-00000000000000a1", sealed, ["vulnerabilities"])
        assert opened == {"vulnerabilities": ["pregnancy"]}
        assert docs["P-00000000000000a2"]["sealed"] == {}, "erased: nothing to seal it with"
    finally:
        await client.drop_database(name)
        await client.drop_database(f"{name}_keys")
        await client.close()
