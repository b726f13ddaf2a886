"""Intake's use cases: load, decide, save. Each runs inside one unit of work (transaction)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from msa_contracts.events import CaseAssigned, CaseClosed, CaseReassigned, PersonErased

from msa_intake.adapters.crypto import Vault
from msa_intake.domain import commands as cmd
from msa_intake.domain.audit import PERSONAL_FIELDS, AuditAction, AuditEntry, PersonalField
from msa_intake.domain.errors import PersonGone, PersonNotFound
from msa_intake.domain.identity import blind_index
from msa_intake.domain.person import Person
from msa_intake.domain.registration import register
from msa_intake.ports import Unit

MATCH = "registration: duplicate check"
#: what re-applying one erasure found: something of the person was readable or findable
#: again (a restored key, blind index or unmarked record), nothing was, or no such person
Reapplied = Literal["reapplied", "already-applied", "unknown-person"]


@dataclass(frozen=True)
class Deps:
    """What handlers need besides the unit of work."""

    pepper: bytes
    new_ref: Callable[[], str]
    vault: Vault


@dataclass(frozen=True)
class Registration:
    person_ref: str
    created: bool
    person: Person | None = None


@dataclass(frozen=True)
class Disclosure:
    person: Person
    personal_data: dict[str, Any]


async def register_arrival(unit: Unit, c: cmd.RegisterArrival, deps: Deps) -> Registration:
    """Register a new person, or recognise a known one (no events then)."""
    blind = blind_index(deps.pepper, c.identity)
    if (known := await unit.index.find(blind)) is not None:
        if c.actor:  # telling the desk that someone is known is a disclosure too
            await unit.audit.append(_entry(unit, c.actor, known, "identity-match", (), MATCH))
        return Registration(known, created=False)
    person, event = register(deps.new_ref(), c.arrival, c.identity.date_of_birth, c.via, unit.now)
    key = await unit.keys.create(person.ref)
    sealed = deps.vault.seal(
        key, person.ref, c.identity, c.arrival.languages, c.arrival.vulnerabilities
    )
    await unit.persons.add(person, sealed)
    await unit.index.add(blind, person.ref)
    unit.emit(event)
    return Registration(person.ref, created=True, person=person)


async def change_status(unit: Unit, c: cmd.ChangeStatus) -> Person:
    person = await _load(unit, c.person_ref)
    person, event = person.change_status(c.status, c.valid_from, unit.now)
    await unit.persons.save(person)
    unit.emit(event)
    return person


async def relocate(unit: Unit, c: cmd.Relocate) -> Person:
    person = await _load(unit, c.person_ref)
    person, event = person.relocate(c.to_district, c.moved_on, c.accommodation_type)
    await unit.persons.save(person)
    unit.emit(event)
    return person


async def depart(unit: Unit, c: cmd.Depart) -> Person:
    person, event = (await _load(unit, c.person_ref)).depart(c.departed_on, c.reason)
    await unit.persons.save(person)
    unit.emit(event)
    return person


async def erase(unit: Unit, c: cmd.Erase) -> PersonErased:
    """Destroy the person's key and blind index: their personal data is unreadable for good."""
    person, event = (await _load(unit, c.person_ref)).erase(unit.now)
    await unit.keys.destroy(person.ref)
    await unit.index.remove(person.ref)
    await unit.persons.save(person)
    await unit.audit.append(_entry(unit, c.actor, person.ref, "erase", PERSONAL_FIELDS, c.reason))
    unit.emit(event)
    return event


RETENTION = cmd.Actor(subject="msa-retention", role="system")


async def expire_person(unit: Unit, c: cmd.ExpirePerson) -> bool:
    """The person's case file reached the end of its deletion period: destroy their key and
    blind index (if not yet erased), delete their record, and put the replacement reference
    in their audit entries. Nothing is published: casework's CaseFileExpired has told every
    holder already, and a PersonErased would put the reference on a topic once more.
    False when there is no record (already done, or never registered here)."""
    ref = c.person_ref
    person = await unit.persons.get(ref)
    if person is None:
        return False
    if person.erased_at is None:
        await unit.keys.destroy(ref)
        await unit.index.remove(ref)
        await unit.audit.append(_entry(unit, RETENTION, ref, "erase", PERSONAL_FIELDS, c.reason))
    await unit.persons.remove(ref)
    await unit.audit.pseudonymise(ref, c.replacement)
    return True


async def reapply_erasure(unit: Unit, erased: PersonErased) -> Reapplied:
    """Make an erasure hold again after a restore: no data key, no blind index entry, the
    record marked erased (at the time the event says). Idempotent; emits nothing, since the
    ``PersonErased`` it re-applies is on the topic already."""
    ref = erased.person_ref
    person = await unit.persons.get(ref)
    had_key = await unit.keys.destroy(ref)  # never unwrapped: any master key it was under
    await unit.index.remove(ref)
    if person is not None and person.erased_at is None:
        await unit.persons.save(person.erased_again(erased.erased_at))
    if had_key or (person is not None and person.erased_at is None):
        return "reapplied"
    return "already-applied" if person is not None else "unknown-person"


async def disclose(unit: Unit, c: cmd.Disclose, deps: Deps) -> Disclosure:
    """Decrypt the requested fields; the audit entry commits before anything is returned."""
    person = await _load(unit, c.person_ref)
    person.ensure_present()
    if (key := await unit.keys.get(person.ref)) is None:
        raise PersonGone(f"the key of {person.ref} is gone")
    await unit.audit.append(_entry(unit, c.actor, person.ref, "read", c.fields, c.purpose))
    sealed = await unit.persons.sealed(person.ref)
    return Disclosure(person, deps.vault.open(key, person.ref, sealed, c.fields))


async def disclose_vulnerabilities(
    unit: Unit, c: cmd.DiscloseVulnerabilities, deps: Deps
) -> Disclosure:
    """The office, or the provider holding the case; to any other provider the person does
    not exist (the same answer as for an unknown reference)."""
    if c.provider_id is not None and await unit.holders.holder_of(c.person_ref) != c.provider_id:
        raise PersonNotFound(f"no person {c.person_ref}")
    read = cmd.Disclose(c.person_ref, c.actor, c.purpose, ("vulnerabilities",))
    return await disclose(unit, read, deps)


async def case_assigned(unit: Unit, e: CaseAssigned) -> None:
    await unit.holders.assign(e.case_id, e.person_ref, e.provider_id)


async def case_reassigned(unit: Unit, e: CaseReassigned) -> None:
    await unit.holders.move(e.case_id, e.to_provider_id)


async def case_closed(unit: Unit, e: CaseClosed) -> None:
    await unit.holders.close(e.case_id)


async def audit_trail(unit: Unit, person_ref: str | None, limit: int) -> Sequence[AuditEntry]:
    return await unit.audit.entries(person_ref, limit)


async def _load(unit: Unit, ref: str) -> Person:
    person = await unit.persons.get(ref)
    if person is None:
        raise PersonNotFound(f"no person {ref}")
    return person


def _entry(
    unit: Unit,
    actor: cmd.Actor,
    ref: str,
    action: AuditAction,
    fields: Sequence[PersonalField],
    purpose: str,
) -> AuditEntry:
    return AuditEntry(
        at=unit.now, subject=actor.subject, role=actor.role, person_ref=ref,
        action=action, fields=tuple(fields), purpose=purpose,
    )  # fmt: skip
