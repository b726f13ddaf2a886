"""Deletion periods in intake: when a person's case file expires, the person is erased (if
not yet), their record goes and their audit entries keep no reference to them; nothing is
published."""

from __future__ import annotations

from datetime import date

from msa_contracts.events import CaseClosed, CaseFileExpired
from msa_intake import handlers
from msa_intake.bootstrap import Intake
from msa_intake.domain import commands as cmd
from msa_intake.keys import LocalKeyPaths

from tests.intake.fakes import FakeUnits
from tests.intake.support import context, identity, notice

REF = "P-0000000000000001"
REPLACEMENT = "P-ffffffffffffff01"


def expiry(ref: str = REF) -> CaseFileExpired:
    return CaseFileExpired(
        case_id="C-00000000000000c1", person_ref=ref, closed_on=date(2026, 3, 1),
        expired_on=date(2029, 3, 1), replacement_case_id="C-ffffffffffffffc1",
        replacement_person_ref=REPLACEMENT,
    )  # fmt: skip


async def on_cases(intake: Intake, event: object) -> list[object]:
    ctx = context(event)  # type: ignore[arg-type]
    await intake.consumers[1].subscription.handler(ctx)
    return [o.event for o in ctx.emitted]


async def registered_and_read(intake: Intake, keys: LocalKeyPaths) -> None:
    ctx = context(notice(keys, identity(1)))
    await intake.consumers[0].subscription.handler(ctx)
    read = cmd.Disclose(REF, cmd.Actor("cw-1", "caseworker"), "Beratung", ("family_name",))
    await intake.units.run(lambda u: handlers.disclose(u, read, intake.deps))


async def test_an_expired_case_file_erases_the_person_and_deletes_the_record(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    await registered_and_read(intake, intake_keys)

    emitted = await on_cases(intake, expiry())

    assert emitted == []  # CaseFileExpired told everyone; no PersonErased names them again
    state = units.state
    assert state.persons == {} and state.sealed == {} and state.keys == {} and state.index == {}
    assert REF not in repr(state)
    assert [(e.action, e.person_ref) for e in state.audit] == [
        ("read", REPLACEMENT), ("erase", REPLACEMENT),
    ]  # fmt: skip
    assert state.audit[-1].subject == "msa-retention"


async def test_a_person_erased_before_is_only_deleted_and_a_repeat_changes_nothing(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    await registered_and_read(intake, intake_keys)
    erase = cmd.Erase(REF, cmd.Actor("cw-1", "caseworker"), "Antrag der Person")
    await intake.units.run(lambda u: handlers.erase(u, erase))

    assert await on_cases(intake, expiry()) == []
    assert REF not in repr(units.state)
    audit = list(units.state.audit)
    assert await on_cases(intake, expiry()) == []
    assert units.state.audit == audit


async def test_the_rest_of_the_case_feed_is_ignored(
    intake: Intake, units: FakeUnits, intake_keys: LocalKeyPaths
) -> None:
    await registered_and_read(intake, intake_keys)
    closed = CaseClosed(case_id="C-00000000000000c1", closed_on=date(2026, 3, 1),
                        reason="departed")  # fmt: skip

    assert await on_cases(intake, closed) == []
    assert REF in units.state.persons
