"""Intake's use cases of a person's right of access (DSGVO Art. 15): make a request (its own
key pair, audited, announced to the services), take in the services' chunks, and compile
the answer with intake's own part. Each runs in one unit of work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from msa_contracts.access_parts import open_part
from msa_contracts.events import AccessPartDelivered, AccessRequested, RecipientKey
from msa_contracts.sealing import SealError
from msa_contracts.topics import ACCESS_REQUESTS
from msa_kit.logging import get_logger

from msa_intake.adapters.crypto import RequestKeys, Vault
from msa_intake.domain import commands as cmd
from msa_intake.domain.access import (
    AccessReport,
    AccessRequest,
    Delivery,
    Requester,
    answered_in_time,
    assemble,
)
from msa_intake.domain.audit import PERSONAL_FIELDS, AuditEntry
from msa_intake.domain.errors import AccessRequestNotFound, PersonGone, PersonNotFound
from msa_intake.domain.person import Person
from msa_intake.ports import StoredChunk, Unit

log = get_logger("msa_intake.access")
AUDIT_LIMIT = 10_000


@dataclass(frozen=True)
class AccessDeps:
    """What the access use cases need besides the unit of work."""

    vault: Vault
    keys: RequestKeys
    new_id: Callable[[], str]
    timeout: timedelta


@dataclass(frozen=True)
class NewKey:
    """A request's id and key pair, made outside the transaction (key generation is slow)."""

    request_id: str
    private: rsa.RSAPrivateKey
    recipient: RecipientKey


def new_key(deps: AccessDeps) -> NewKey:
    request_id = deps.new_id()
    private, recipient = deps.keys.new(request_id)
    return NewKey(request_id, private, recipient)


async def request_access(
    unit: Unit, c: cmd.RequestAccess, key: NewKey, deps: AccessDeps
) -> AccessRequest:
    """Record the request with its key sealed under the person's data key, audit it and ask
    every service for its part."""
    person = await _present(unit, c.person_ref)
    if (person_key := await unit.keys.get(person.ref)) is None:
        raise PersonGone(f"the key of {person.ref} is gone")
    request = AccessRequest(
        request_id=key.request_id, person_ref=person.ref, requested_at=unit.now,
        answer_by=unit.now + deps.timeout,
        requested_by=Requester(subject=c.actor.subject, role=c.actor.role), purpose=c.purpose,
    )  # fmt: skip
    wrapped = deps.keys.wrap(person_key, person.ref, request.request_id, key.private)
    await unit.access.add(request, wrapped)
    await unit.audit.append(_entry(unit, c.actor, person.ref, "access-request", c.purpose))
    unit.emit(AccessRequested(
        request_id=request.request_id, person_ref=person.ref, requested_at=unit.now,
        answer_by=request.answer_by, recipient=key.recipient,
    ), ACCESS_REQUESTS)  # fmt: skip
    return request


async def refuse_access(unit: Unit, c: cmd.RefuseAccess) -> None:
    """Audit a refused request (what was asked, by whom, and why it was refused)."""
    purpose = c.purpose if c.purpose and len(c.purpose.strip()) >= 3 else "(none given)"
    entry = _entry(unit, c.actor, c.person_ref, "access-refused", purpose[:200])
    await unit.audit.append(entry.model_copy(update={"fields": (), "refusal": c.code}))


async def part_delivered(unit: Unit, delivered: AccessPartDelivered) -> None:
    """Keep a chunk for its request (the first delivery counts); a chunk of a request
    intake does not know (another copy's on a shared broker) is only logged."""
    if await unit.access.get(delivered.request_id) is None:
        log.warning("chunk of an unknown access request", request_id=delivered.request_id)
        return
    await unit.access.add_chunk(delivered, unit.now)


async def access_report(unit: Unit, c: cmd.ReadAccess, deps: AccessDeps) -> AccessReport:
    """The request's status, and once final its whole answer (a read of personal data:
    audited before it is returned)."""
    found = await unit.access.get(c.request_id)
    if found is None or found[0].person_ref != c.person_ref:
        raise AccessRequestNotFound(f"no access request {c.request_id} for {c.person_ref}")
    request, wrapped = found
    person = await _present(unit, request.person_ref)
    if (person_key := await unit.keys.get(person.ref)) is None:
        raise PersonGone(f"the key of {person.ref} is gone")
    chunks = await unit.access.chunks(request.request_id)
    answered = answered_in_time(request, _deliveries(chunks))
    pending = assemble(request, answered, {}, None, unit.now)
    if not pending.final:
        return pending
    private = deps.keys.unwrap(person_key, person.ref, request.request_id, wrapped)
    data = {s: _opened(private, chunks, s) for s in answered}
    await unit.audit.append(_entry(unit, c.actor, person.ref, "access-report", request.purpose))
    own = await _intake_part(unit, person, person_key, deps.vault)
    return assemble(request, answered, data, own, unit.now)


async def _intake_part(unit: Unit, person: Person, key: bytes, vault: Vault) -> dict[str, Any]:
    sealed = await unit.persons.sealed(person.ref)
    audit = await unit.audit.entries(person.ref, AUDIT_LIMIT)
    return {
        "record": person.model_dump(mode="json"),
        "personal_data": vault.open(key, person.ref, sealed, PERSONAL_FIELDS),
        "audit": [e.model_dump(mode="json") for e in audit],
    }


def _deliveries(chunks: list[StoredChunk]) -> list[Delivery]:
    by_service: dict[str, list[StoredChunk]] = defaultdict(list)
    for chunk in chunks:
        by_service[chunk.service].append(chunk)
    return [
        Delivery.model_validate({
            "service": service, "chunks": items[0].chunks,
            "received": {c.chunk: c.received_at for c in items if c.chunks == items[0].chunks},
        })
        for service, items in by_service.items()
    ]  # fmt: skip


def _opened(private: rsa.RSAPrivateKey, chunks: list[StoredChunk], service: str) -> Any:
    own = sorted((c for c in chunks if c.service == service), key=lambda c: c.chunk)
    try:
        return open_part(private, [c.sealed for c in own])
    except SealError as exc:  # a broken sender: shown as such, never silently left out
        log.error("access part does not open", service=service, code=exc.code)
        return {"error": f"{exc.code}: {exc.message}"}


async def _present(unit: Unit, ref: str) -> Person:
    person = await unit.persons.get(ref)
    if person is None:
        raise PersonNotFound(f"no person {ref}")
    person.ensure_present()
    return person


def _entry(unit: Unit, actor: cmd.Actor, ref: str, action: Any, purpose: str) -> AuditEntry:
    return AuditEntry(
        at=unit.now, subject=actor.subject, role=actor.role, person_ref=ref, action=action,
        fields=PERSONAL_FIELDS, purpose=purpose,
    )  # fmt: skip
