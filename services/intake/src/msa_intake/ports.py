"""The ports intake's handlers talk to. Mongo adapters implement them in production,
in-memory fakes in tests; each unit of work is one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from msa_contracts.events import AccessPartDelivered, Event, PersonErased, SealedChunk
from msa_kit.processing import Context

from msa_intake.domain.access import AccessRequest
from msa_intake.domain.audit import AuditEntry
from msa_intake.domain.person import Person

T = TypeVar("T")
Sealed = dict[str, bytes]


class PersonStore(Protocol):
    async def get(self, ref: str) -> Person | None: ...
    async def add(self, person: Person, sealed: Sealed) -> None: ...
    async def save(self, person: Person) -> None: ...
    async def sealed(self, ref: str) -> Sealed: ...
    async def remove(self, ref: str) -> None:
        """Delete the record (deletion period ended; erased before)."""
        ...


class IdentityIndex(Protocol):
    """Blind index -> person reference; one person, one reference."""

    async def find(self, blind: str) -> str | None: ...
    async def add(self, blind: str, ref: str) -> None: ...
    async def remove(self, ref: str) -> None: ...


class KeyStore(Protocol):
    """Per-person data keys, kept apart from the data; destroying one shreds the person."""

    async def create(self, ref: str) -> bytes: ...
    async def get(self, ref: str) -> bytes | None: ...
    async def destroy(self, ref: str) -> bool:
        """Remove the person's key; True if there was one."""
        ...


class AuditLog(Protocol):
    """Append-only: no entry is removed, and the one change is the deletion period's: the
    person's reference in their entries is replaced, the rest (who, when, what, why) stays."""

    async def append(self, entry: AuditEntry) -> None: ...
    async def entries(self, person_ref: str | None, limit: int) -> Sequence[AuditEntry]: ...
    async def pseudonymise(self, person_ref: str, replacement: str) -> int:
        """Put ``replacement`` for ``person_ref`` in every entry; returns how many."""
        ...


@dataclass(frozen=True)
class StoredChunk:
    """A chunk of a service's part of an access request, as received (still sealed)."""

    service: str
    chunk: int
    chunks: int
    received_at: datetime
    sealed: SealedChunk


class AccessRequests(Protocol):
    """Access requests with their private key (sealed under the person's data key) and the
    chunks the services delivered; adding a chunk twice keeps the first."""

    async def add(self, request: AccessRequest, wrapped_key: bytes) -> None: ...
    async def get(self, request_id: str) -> tuple[AccessRequest, bytes] | None: ...
    async def add_chunk(self, delivered: AccessPartDelivered, at: datetime) -> None: ...
    async def chunks(self, request_id: str) -> list[StoredChunk]: ...


class CaseHolders(Protocol):
    """Which provider holds each person's case, as casework announces it: the only ones a
    provider may read special categories of."""

    async def assign(self, case_id: str, person_ref: str, provider_id: str) -> None: ...
    async def move(self, case_id: str, provider_id: str | None) -> None: ...
    async def close(self, case_id: str) -> None: ...
    async def holder_of(self, person_ref: str) -> str | None: ...


class Unit(Protocol):
    """One transaction's view of intake's state; ``emit`` publishes if it commits."""

    @property
    def now(self) -> datetime: ...
    @property
    def persons(self) -> PersonStore: ...
    @property
    def index(self) -> IdentityIndex: ...
    @property
    def keys(self) -> KeyStore: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def access(self) -> AccessRequests: ...
    @property
    def holders(self) -> CaseHolders: ...

    def emit(self, event: Event, topic: str | None = None) -> None:
        """Publish ``event`` on ``topic`` (by default the persons topic) if the unit commits."""
        ...


class Units(Protocol):
    """Where units of work come from: inside a consumed record's transaction, or a new one."""

    def bind(self, ctx: Context) -> Unit: ...
    async def run(self, work: Callable[[Unit], Awaitable[T]]) -> T: ...


class ErasureRecord(Protocol):
    """The erasures of the persons topic's retention (180 days, far longer than any backup
    is kept), apart from the key store: a restored key database is checked against it."""

    def erasures(self) -> AsyncIterator[PersonErased]: ...
