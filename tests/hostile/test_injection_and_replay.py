"""MongoDB operators in place of values never reach a query as operators, and replayed or
reordered valid events have no double effect: through the kit's Processor, each service's
real subscription and the real store (and the real HTTP apps for queries from outside)."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from msa_contracts.envelope import encode
from msa_contracts.events import Event
from msa_contracts.values import District
from msa_kit.auth import Role
from msa_kit.outbox import OUTBOX, OUTBOX_KEYS
from msa_ops.keys import ISSUER, LocalKeys

from tests.billing.builders import assigned, logged, opened, tick
from tests.casework.builders import relocated
from tests.hostile.matrix import Tokens
from tests.hostile.records import OPERATORS
from tests.hostile.seed import NOW, deliver, seed_casework
from tests.hostile.services import Assembled

pytestmark = pytest.mark.integration


async def _snapshot(service: Assembled) -> dict[str, list[dict[str, Any]]]:
    db = service.runtime.db
    kit = {"inbox", OUTBOX, OUTBOX_KEYS}  # the rejections and dead letters themselves
    names = [n for n in await db.list_collection_names() if n not in kit]
    return {n: [d async for d in db[n].find({})] for n in sorted(names)}


async def _send_json(service: Assembled, topic: str, event: Event, **poison: Any) -> str:
    body = json.loads(event.model_dump_json()) | poison
    record = encode(event, event_id=str(uuid.uuid4()), source="/tests/hostile", time=NOW)
    headers = [(k, v) for k, v in record.headers if k != "ce_subject"]
    return await service.process(topic, record.key, json.dumps(body).encode(), headers)


async def test_operators_in_id_fields_are_rejected_before_any_query(
    services: dict[str, Assembled],
) -> None:
    billing, casework = services["billing"], services["casework"]
    await seed_casework(casework)
    case_id = f"C-{uuid.uuid4().hex[:16]}"
    await deliver(billing, "msa.casework.cases", opened(case_id, date(2026, 3, 2)))
    before = (await _snapshot(billing), await _snapshot(casework))
    moved = relocated("P-0000000000000001", District.ALTSTADT, District.COTTA, date(2026, 3, 5))

    for operator in OPERATORS:
        outcomes = [
            await _send_json(billing, "msa.casework.cases",
                             assigned(case_id, "caritas", date(2026, 3, 2)), case_id=operator),
            await _send_json(billing, "msa.provider.caritas.hours",
                             logged(case_id, date(2026, 3, 3)), case_id=operator),
            await _send_json(casework, "msa.intake.persons", moved, person_ref=operator),
        ]  # fmt: skip
        assert outcomes == ["rejected"] * 3, operator
    assert (await _snapshot(billing), await _snapshot(casework)) == before


async def test_operators_in_path_and_query_match_nothing(
    services: dict[str, Assembled], hostile_keys: LocalKeys
) -> None:
    held = await seed_casework(services["casework"])
    tokens = Tokens(hostile_keys.auth_private.read_text(), ISSUER)
    office = {"Authorization": f"Bearer {tokens.valid(Role.CASEWORKER)}"}
    transport = httpx.ASGITransport(app=services["casework"].app)
    async with httpx.AsyncClient(transport=transport, base_url="http://casework") as http:
        one = await http.get("/cases/" + '{"$gt": ""}', headers=office)
        listed = await http.get("/cases", params={"provider_id": '{"$ne": null}'}, headers=office)
        bracket = await http.get("/cases", params={"provider_id[$ne]": "x"}, headers=office)
        everyone = await http.get("/cases", headers=office)

    assert one.status_code == 404
    assert listed.status_code == 200 and listed.json()["items"] == []
    assert bracket.status_code == 200
    assert len(bracket.json()["items"]) == len(everyone.json()["items"]) >= len(held)


async def _outbox_types(service: Assembled) -> list[str]:
    return [d["type"] async for d in service.runtime.db[OUTBOX].find({}).sort([("order", 1)])]


async def test_a_replayed_event_id_is_a_duplicate_and_emits_nothing(
    services: dict[str, Assembled],
) -> None:
    billing = services["billing"]
    case_id = f"C-{uuid.uuid4().hex[:16]}"
    record = encode(opened(case_id, date(2026, 3, 2)), event_id=str(uuid.uuid4()),
                    source="/tests/hostile", time=NOW)  # fmt: skip
    first = await billing.process("msa.casework.cases", record.key, record.value, record.headers)
    emitted = await _outbox_types(billing)
    again = [await billing.process("msa.casework.cases", record.key, record.value, record.headers)
             for _ in range(3)]  # fmt: skip

    assert (first, again) == ("processed", ["duplicate"] * 3)
    assert await _outbox_types(billing) == emitted


async def test_hours_before_their_case_and_replayed_under_new_ids_count_once(
    services: dict[str, Assembled],
) -> None:
    billing = services["billing"]
    case_id = f"C-{uuid.uuid4().hex[:16]}"
    entry = logged(case_id, date(2026, 3, 3), 45, entry_id=f"e-{uuid.uuid4().hex[:8]}")
    await deliver(billing, "msa.clock", tick(date(2026, 3, 4)))
    await deliver(billing, "msa.provider.caritas.hours", entry)  # before the case: reordered
    await deliver(billing, "msa.casework.cases", opened(case_id, date(2026, 3, 2)))
    await deliver(billing, "msa.casework.cases", assigned(case_id, "caritas", date(2026, 3, 2)))
    for _ in range(3):  # the provider resends the same entry under new event ids
        await deliver(billing, "msa.provider.caritas.hours", entry)

    db = billing.runtime.db
    stored = [d async for d in db["entries"].find({"case_id": case_id})]
    ledger = [d["type"] async for d in db[OUTBOX].find(
        {"topic": "msa.billing.ledger", "key": case_id.encode()})]  # fmt: skip
    answers = [d["type"] async for d in db[OUTBOX].find(
        {"topic": "msa.provider.caritas.feedback", "key": case_id.encode()})]  # fmt: skip
    assert len(stored) == 1
    assert ledger == ["de.dresden.msa.HoursAccepted.v1"], "the ledger counts the entry once"
    # held at once (its case unknown), then accepted; each resubmission of the decided entry
    # is answered with the same acceptance
    assert answers == ["de.dresden.msa.HoursHeld.v1"] + ["de.dresden.msa.HoursAccepted.v1"] * 4, (
        "each submission is answered"
    )
