"""Re-applying the erasures on the persons topic after a restore (in-memory ports and an
in-memory erasure record): an older key store brings no erased person back."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator

import httpx
import pytest
from msa_contracts.events import PersonErased
from msa_intake import handlers
from msa_intake.bootstrap import Intake, build
from msa_intake.domain import commands as cmd
from msa_intake.domain.errors import PersonGone
from msa_intake.erasures import ERASURES
from msa_intake.keys import LocalKeyPaths
from msa_kit.auth import Role

from tests.intake.fakes import FakeUnits, State
from tests.intake.support import NOW, Issuer, identity, notice, registration_body, settings
from tests.intake.unit.conftest import Refs
from tests.intake.unit.test_handlers import consume

DESK = cmd.Actor("desk-7", "front-desk")
FIRST, SECOND = "P-0000000000000001", "P-0000000000000002"


class MemoryErasureRecord:
    """The persons topic's ``PersonErased`` records; ``fail`` times unreadable first."""

    def __init__(self, fail: int = 0) -> None:
        self.events: list[PersonErased] = []
        self.fail = fail
        self.reads = 0

    async def erasures(self) -> AsyncIterator[PersonErased]:
        self.reads += 1
        if self.fail:
            self.fail -= 1
            raise ConnectionError("broker away")
        for event in self.events:
            yield event


@pytest.fixture
def record() -> MemoryErasureRecord:
    return MemoryErasureRecord()


@pytest.fixture
async def intake(
    intake_keys: LocalKeyPaths, issuer: Issuer, units: FakeUnits, record: MemoryErasureRecord
) -> Intake:
    return build(settings(intake_keys, issuer), units=units, new_ref=Refs(), clock=lambda: NOW,
                 erasure_record=record)  # fmt: skip


async def register_two_and_back_up(intake: Intake, units: FakeUnits, keys: LocalKeyPaths) -> State:
    for n in (1, 2):
        await consume(intake, notice(keys, identity(n)))
    return copy.deepcopy(units.state)


async def erase(intake: Intake, units: FakeUnits, record: MemoryErasureRecord, ref: str) -> None:
    erasure = cmd.Erase(ref, DESK, "art. 17 request")
    record.events.append(await intake.units.run(lambda u: handlers.erase(u, erasure)))


def restore(units: FakeUnits, backup: State) -> None:
    units.state.__dict__.update(copy.deepcopy(backup).__dict__)


async def read(intake: Intake, ref: str) -> handlers.Disclosure:
    c = cmd.Disclose(ref, DESK, "check", ("family_name",))
    return await intake.units.run(lambda u: handlers.disclose(u, c, intake.deps))


def gauge(outcome: str) -> float:
    value: float = ERASURES.labels(outcome=outcome)._value.get()
    return value


async def test_a_restored_older_key_store_is_shredded_again_by_the_erasures_on_the_topic(
    intake: Intake, units: FakeUnits, record: MemoryErasureRecord, intake_keys: LocalKeyPaths
) -> None:
    backup = await register_two_and_back_up(intake, units, intake_keys)
    await erase(intake, units, record, FIRST)
    restore(units, backup)  # the backup predates the erasure: the key is back
    assert FIRST in units.state.keys and (await read(intake, FIRST)).personal_data

    report = await intake.erasures.run()

    assert (report.on_record, report.counts["reapplied"]) == (1, 1)
    assert FIRST not in units.state.keys
    assert FIRST not in units.state.index.values()
    assert units.state.persons[FIRST].erased_at == record.events[0].erased_at
    with pytest.raises(PersonGone):
        await read(intake, FIRST)
    assert (await read(intake, SECOND)).personal_data == {"family_name": "Zabardastova2"}
    assert units.published[-1] == record.events[0]  # re-applying emits nothing new
    assert (gauge("reapplied"), gauge("already-applied")) == (1, 0)


async def test_re_applying_twice_changes_nothing_the_second_time(
    intake: Intake, units: FakeUnits, record: MemoryErasureRecord, intake_keys: LocalKeyPaths
) -> None:
    backup = await register_two_and_back_up(intake, units, intake_keys)
    await erase(intake, units, record, FIRST)
    restore(units, backup)
    await intake.erasures.run()
    after_first = copy.deepcopy(units.state)

    again = await intake.erasures.run()

    assert again.counts == {"reapplied": 0, "already-applied": 1, "unknown-person": 0}
    assert units.state == after_first


async def test_an_erasure_of_a_person_the_restored_store_never_knew_is_counted_apart(
    intake: Intake, units: FakeUnits, record: MemoryErasureRecord, intake_keys: LocalKeyPaths
) -> None:
    backup = await register_two_and_back_up(intake, units, intake_keys)
    await consume(intake, notice(intake_keys, identity(3)))  # after the backup
    await erase(intake, units, record, "P-0000000000000003")
    await erase(intake, units, record, SECOND)
    restore(units, backup)

    report = await intake.erasures.run()

    assert report.counts == {"reapplied": 1, "already-applied": 0, "unknown-person": 1}
    assert set(units.state.keys) == {FIRST}


async def test_the_erasures_are_re_applied_first_on_start_before_anything_is_served(
    intake: Intake,
) -> None:
    assert intake.runtime.startup_hooks[0] == intake.erasures.on_start


async def test_the_http_api_answers_410_for_a_restored_erased_person_once_re_applied(
    intake: Intake, units: FakeUnits, record: MemoryErasureRecord, intake_keys: LocalKeyPaths,
    issuer: Issuer,
) -> None:  # fmt: skip
    backup = await register_two_and_back_up(intake, units, intake_keys)
    await erase(intake, units, record, FIRST)
    restore(units, backup)
    await intake.erasures.run()
    transport = httpx.ASGITransport(app=intake.http_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        r = await http.get(f"/persons/{FIRST}", params={"purpose": "check"},
                           headers=issuer.headers(Role.CASEWORKER))  # fmt: skip
        again = await http.post("/persons", json=registration_body(identity(1)),
                                headers=issuer.headers(Role.FRONT_DESK))  # fmt: skip
    assert r.status_code == 410
    assert again.status_code == 201  # no blind-index entry leads to the erased record


async def test_on_start_waits_for_the_erasure_record_when_the_broker_is_away(
    intake_keys: LocalKeyPaths, issuer: Issuer, units: FakeUnits
) -> None:
    record = MemoryErasureRecord(fail=2)
    intake = build(settings(intake_keys, issuer, infra_backoff_max_s=0.01), units=units,
                   erasure_record=record)  # fmt: skip
    await intake.erasures.on_start()
    assert record.reads == 3 and intake.erasures.last is not None


async def test_erasure_reapply_can_be_switched_off(
    intake_keys: LocalKeyPaths, issuer: Issuer, units: FakeUnits
) -> None:
    off = settings(intake_keys, issuer, intake_reapply_erasures=False)
    intake = build(off, units=units, erasure_record=MemoryErasureRecord())
    assert intake.erasures.on_start not in intake.runtime.startup_hooks
