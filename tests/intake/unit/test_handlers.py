"""Intake's use cases through the real composition root, with in-memory ports."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from msa_contracts.events import (
    ArrivalRegistered,
    Event,
    PersonAllocated,
    PersonErased,
    SpecialCategories,
)
from msa_contracts.sealing import seal_identity
from msa_contracts.values import AgeBand, ResidenceStatus
from msa_intake import handlers
from msa_intake.bootstrap import Intake
from msa_intake.domain import commands as cmd
from msa_intake.domain.arrival import Arrival
from msa_intake.domain.audit import PERSONAL_FIELDS
from msa_intake.domain.errors import Conflicting, PersonGone
from msa_intake.keys import LocalKeyPaths
from msa_kit.processing import Unprocessable

from tests.intake.fakes import FakeUnits
from tests.intake.support import context, identity, notice

DESK = cmd.Actor("desk-7", "front-desk")


async def consume(intake: Intake, event: PersonAllocated) -> list[tuple[str, Event]]:
    """Hand ``event`` to the notice subscription as the kit would; what it emitted."""
    ctx = context(event)
    await intake.consumers[0].subscription.handler(ctx)
    return [(o.topic, o.event) for o in ctx.emitted]


async def test_a_notice_registers_one_person_and_emits_only_pseudonymous_needs_data(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    emitted = await consume(intake, notice(intake_keys, identity(1)))
    [(topic, event)] = emitted
    assert topic == "msa.intake.persons" and isinstance(event, ArrivalRegistered)
    assert event.person_ref == "P-0000000000000001" and event.age_band is AgeBand.ADULT
    assert event.registered_via == "allocation-notice" and event.languages == ["prs", "fa"]
    text = event.model_dump_json()
    assert "Zabardastova" not in text and "1987" not in text and "AFG" not in text
    assert list(units.state.persons) == ["P-0000000000000001"]


async def test_personal_data_is_stored_only_as_ciphertext_under_the_persons_key(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    await consume(intake, notice(intake_keys, identity(1)))
    sealed = units.state.sealed["P-0000000000000001"]
    assert set(sealed) == set(PERSONAL_FIELDS)
    assert all(b"Zabardastova" not in v and b"1987" not in v for v in sealed.values())
    key = units.state.keys["P-0000000000000001"]
    opened = intake.deps.vault.open(key, "P-0000000000000001", sealed, ["family_name"])
    assert opened == {"family_name": "Zabardastova1"}


async def test_the_same_notice_replayed_under_a_new_event_id_emits_nothing(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    first = notice(intake_keys, identity(1))
    assert len(await consume(intake, first)) == 1
    assert await consume(intake, first) == []
    assert len(units.state.persons) == 1


async def test_a_person_already_notified_is_recognised_at_the_front_desk_and_that_is_audited(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    await consume(intake, notice(intake_keys, identity(1)))
    again = identity(1, family_name=" ZABARDASTOVA1", phone=None)
    arrival = Arrival.from_notice(notice(intake_keys, again), SpecialCategories())
    c = cmd.RegisterArrival(again, arrival, "front-desk", DESK)
    result = await intake.units.run(lambda u: handlers.register_arrival(u, c, intake.deps))
    assert (result.person_ref, result.created) == ("P-0000000000000001", False)
    assert units.published == [] and len(units.state.persons) == 1
    [entry] = units.state.audit
    assert (entry.action, entry.subject, entry.fields) == ("identity-match", "desk-7", ())


async def test_a_notice_sealed_to_another_key_is_unprocessable_with_its_reason(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = stranger.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    bad = notice(intake_keys, identity(1))
    bad = bad.model_copy(
        update={"identity": seal_identity(public, intake_keys.key_id, identity(1))}
    )
    with pytest.raises(Unprocessable) as err:
        await consume(intake, bad)
    assert err.value.code == "identity-unreadable"
    assert err.value.reason.startswith("decryption-failed")
    assert units.state.persons == {}


async def test_a_notice_for_someone_born_after_the_allocation_is_unprocessable(
    intake: Intake, intake_keys: LocalKeyPaths
) -> None:
    unborn = identity(1, date_of_birth=date(2026, 3, 5))
    with pytest.raises(Unprocessable) as err:
        await consume(intake, notice(intake_keys, unborn))
    assert err.value.code == "born-after-allocation"


async def test_reading_personal_data_is_audited_with_who_why_and_which_fields(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    await consume(intake, notice(intake_keys, identity(2)))
    c = cmd.Disclose("P-0000000000000001", DESK, "appointment letter", ("given_names", "phone"))
    found = await intake.units.run(lambda u: handlers.disclose(u, c, intake.deps))
    assert found.personal_data == {"given_names": "Quetzalli Ilse2", "phone": "+49 351 770002"}
    [entry] = units.state.audit
    assert (entry.person_ref, entry.subject, entry.role) == (
        found.person.ref,
        "desk-7",
        "front-desk",
    )
    assert (entry.action, entry.fields, entry.purpose) == (
        "read",
        ("given_names", "phone"),
        "appointment letter",
    )


async def test_erasure_destroys_key_and_blind_index_so_the_person_is_gone_and_new_again(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    the_notice = notice(intake_keys, identity(3))
    await consume(intake, the_notice)
    ref = "P-0000000000000001"
    erase = cmd.Erase(ref, DESK, "art. 17 request")
    event = await intake.units.run(lambda u: handlers.erase(u, erase))
    assert units.published == [event] and isinstance(event, PersonErased)
    assert ref not in units.state.keys and units.state.index == {}
    assert units.state.sealed[ref]  # the ciphertext stays, unreadable without its key
    read = cmd.Disclose(ref, DESK, "check", PERSONAL_FIELDS)
    with pytest.raises(PersonGone):
        await intake.units.run(lambda u: handlers.disclose(u, read, intake.deps))
    [(_, again)] = await consume(intake, the_notice)
    assert isinstance(again, ArrivalRegistered) and again.person_ref != ref


async def test_a_rejected_status_change_leaves_state_and_published_events_untouched(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    await consume(intake, notice(intake_keys, identity(4)))
    before = units.state.persons["P-0000000000000001"]
    same = cmd.ChangeStatus("P-0000000000000001", ResidenceStatus.GESTATTUNG, date(2026, 4, 1))
    with pytest.raises(Conflicting, match="status"):
        await intake.units.run(lambda u: handlers.change_status(u, same))
    assert units.state.persons["P-0000000000000001"] == before and units.published == []
