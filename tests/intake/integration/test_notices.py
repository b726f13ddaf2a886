"""The allocation-notice door, end to end through the real broker and store."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from msa_contracts.events import ArrivalRegistered
from msa_contracts.sealing import seal_identity

from tests.intake.integration.helpers import Running, dlq_code, wait_for
from tests.intake.support import identity, notice, record, registration_body
from tests.kit.support import header, produce

pytestmark = pytest.mark.integration


async def test_a_notice_yields_exactly_one_arrival_registered_with_needs_data_only(
    running: Running,
) -> None:
    before = len(running.tail.on(running.persons))
    the_notice = notice(running.keys, identity(11), household_size=4, district="leuben")
    rec = record(the_notice)
    await produce(running.bootstrap, running.notices, rec)
    await running.settle(header(rec, "ce_id") or "")
    [arrival] = running.tail.on(running.persons)[before:]
    assert isinstance(arrival, ArrivalRegistered)
    assert (arrival.household_size, arrival.district, arrival.age_band) == (4, "leuben", "27-49")
    assert arrival.languages == ["prs", "fa"] and not arrival.unaccompanied_minor
    assert b"single-parent" not in next(
        r.value for r in running.tail.records if r.key == arrival.person_ref.encode()
    )
    assert arrival.registered_via == "allocation-notice"
    raw = next(r for r in running.tail.records if r.key == arrival.person_ref.encode())
    assert b"Zabardastova" not in raw.value and b"1987" not in raw.value
    assert header(raw, "ce_causationid") == header(rec, "ce_id")


async def test_a_replayed_notice_and_the_same_identity_at_the_desk_give_no_second_person(
    running: Running,
) -> None:
    the_notice = notice(running.keys, identity(12))
    first = record(the_notice)
    await produce(running.bootstrap, running.notices, first)
    await running.settle(header(first, "ce_id") or "")
    persons = running.intake.runtime.db["persons"]
    count = await persons.count_documents({})
    arrivals = len(running.tail.on(running.persons))

    replay_id = str(uuid.uuid4())
    await produce(running.bootstrap, running.notices, record(the_notice, replay_id))
    await running.settle(replay_id)
    desk = await running.http.post("/persons", json=registration_body(identity(12)))

    assert desk.status_code == 409
    [arrival] = running.tail.on(running.persons, key=desk.json()["details"][0]["person_ref"])
    assert isinstance(arrival, ArrivalRegistered)
    assert await persons.count_documents({}) == count
    assert len(running.tail.on(running.persons)) == arrivals


async def test_a_notice_with_a_broken_sealed_identity_is_dead_lettered_and_the_next_processed(
    running: Running,
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = stranger.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    broken = notice(running.keys, identity(13))
    broken = broken.model_copy(
        update={"identity": seal_identity(pem, running.keys.key_id, identity(13))}
    )
    good = record(notice(running.keys, identity(14)))
    arrivals = len(running.tail.on(running.persons))
    await produce(running.bootstrap, running.notices, record(broken), good)
    await running.settle(header(good, "ce_id") or "")

    async def lettered() -> bool:
        return bool(running.tail.letters(running.dead_letters, broken.notice_id))

    await wait_for(lettered)
    [letter] = running.tail.letters(running.dead_letters, broken.notice_id)
    assert dlq_code(letter) == "identity-unreadable"
    assert (header(letter, "dlq_reason") or "").startswith("decryption-failed")
    assert header(letter, "dlq_attempts") == "1"
    assert len(running.tail.on(running.persons)) == arrivals + 1  # the next one, only
