"""In-memory fakes of intake's ports: same behaviour as the Mongo adapters, no I/O.

``run`` is all-or-nothing like a transaction: on an error the state is restored and
nothing is published.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from msa_contracts.events import AccessPartDelivered, Event
from msa_intake.domain.access import AccessRequest
from msa_intake.domain.audit import AuditEntry
from msa_intake.domain.person import Person
from msa_intake.ports import Sealed, StoredChunk
from msa_kit.processing import Clock, Context

T = TypeVar("T")


@dataclass
class State:
    persons: dict[str, Person] = field(default_factory=dict)
    sealed: dict[str, Sealed] = field(default_factory=dict)
    index: dict[str, str] = field(default_factory=dict)
    keys: dict[str, bytes] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    access: dict[str, tuple[AccessRequest, bytes]] = field(default_factory=dict)
    chunks: dict[str, StoredChunk] = field(default_factory=dict)
    holders: dict[str, tuple[str, str | None]] = field(default_factory=dict)


class FakePersons:
    def __init__(self, state: State) -> None:
        self._s = state

    async def get(self, ref: str) -> Person | None:
        return self._s.persons.get(ref)

    async def add(self, person: Person, sealed: Sealed) -> None:
        assert person.ref not in self._s.persons
        self._s.persons[person.ref], self._s.sealed[person.ref] = person, dict(sealed)

    async def save(self, person: Person) -> None:
        assert person.ref in self._s.persons
        self._s.persons[person.ref] = person

    async def sealed(self, ref: str) -> Sealed:
        return dict(self._s.sealed.get(ref, {}))

    async def remove(self, ref: str) -> None:
        self._s.persons.pop(ref, None)
        self._s.sealed.pop(ref, None)


class FakeIndex:
    def __init__(self, state: State) -> None:
        self._s = state

    async def find(self, blind: str) -> str | None:
        return self._s.index.get(blind)

    async def add(self, blind: str, ref: str) -> None:
        assert blind not in self._s.index
        self._s.index[blind] = ref

    async def remove(self, ref: str) -> None:
        self._s.index = {b: r for b, r in self._s.index.items() if r != ref}


class FakeKeys:
    def __init__(self, state: State) -> None:
        self._s = state

    async def create(self, ref: str) -> bytes:
        self._s.keys[ref] = secrets.token_bytes(32)
        return self._s.keys[ref]

    async def get(self, ref: str) -> bytes | None:
        return self._s.keys.get(ref)

    async def destroy(self, ref: str) -> bool:
        return self._s.keys.pop(ref, None) is not None


class FakeAudit:
    def __init__(self, state: State) -> None:
        self._s = state

    async def append(self, entry: AuditEntry) -> None:
        self._s.audit.append(entry)

    async def entries(self, person_ref: str | None, limit: int) -> Sequence[AuditEntry]:
        found = [e for e in self._s.audit if person_ref in (None, e.person_ref)]
        return list(reversed(found))[:limit]

    async def pseudonymise(self, person_ref: str, replacement: str) -> int:
        mine = [i for i, e in enumerate(self._s.audit) if e.person_ref == person_ref]
        for i in mine:
            self._s.audit[i] = self._s.audit[i].model_copy(update={"person_ref": replacement})
        return len(mine)


class FakeAccess:
    def __init__(self, state: State) -> None:
        self._s = state

    async def add(self, request: AccessRequest, wrapped_key: bytes) -> None:
        assert request.request_id not in self._s.access
        self._s.access[request.request_id] = (request, wrapped_key)

    async def get(self, request_id: str) -> tuple[AccessRequest, bytes] | None:
        return self._s.access.get(request_id)

    async def add_chunk(self, delivered: AccessPartDelivered, at: datetime) -> None:
        d = delivered
        chunk = StoredChunk(d.service, d.chunk, d.chunks, at, d.sealed)
        self._s.chunks.setdefault(f"{d.request_id}/{d.service}/{d.chunk}", chunk)

    async def chunks(self, request_id: str) -> list[StoredChunk]:
        return [c for key, c in self._s.chunks.items() if key.startswith(f"{request_id}/")]


class FakeHolders:
    def __init__(self, state: State) -> None:
        self._s = state

    async def assign(self, case_id: str, person_ref: str, provider_id: str) -> None:
        self._s.holders[case_id] = (person_ref, provider_id)

    async def move(self, case_id: str, provider_id: str | None) -> None:
        if case_id in self._s.holders:
            self._s.holders[case_id] = (self._s.holders[case_id][0], provider_id)

    async def close(self, case_id: str) -> None:
        self._s.holders.pop(case_id, None)

    async def holder_of(self, person_ref: str) -> str | None:
        held = (p for ref, p in self._s.holders.values() if ref == person_ref and p)
        return next(held, None)


@dataclass
class FakeUnit:
    now: datetime
    state: State
    emitted: list[Event]

    def __post_init__(self) -> None:
        self.persons = FakePersons(self.state)
        self.index = FakeIndex(self.state)
        self.keys = FakeKeys(self.state)
        self.audit = FakeAudit(self.state)
        self.access = FakeAccess(self.state)
        self.holders = FakeHolders(self.state)

    def emit(self, event: Event, topic: str | None = None) -> None:
        self.emitted.append(event)


class FakeUnits:
    """``published`` collects what committed units emitted (what the relay would publish)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.state = State()
        self.published: list[Event] = []

    def bind(self, ctx: Context) -> FakeUnit:
        unit = FakeUnit(ctx.now, self.state, [])
        unit.emit = lambda event, topic=None: ctx.emit(  # type: ignore[method-assign]
            topic or "msa.intake.persons", event
        )
        return unit

    async def run(self, work: Callable[[FakeUnit], Awaitable[T]]) -> T:
        before = copy.deepcopy(self.state)
        unit = FakeUnit(self.clock(), self.state, [])
        try:
            result = await work(unit)
        except BaseException:
            self.state.__dict__.update(before.__dict__)
            raise
        self.published.extend(unit.emitted)
        return result
