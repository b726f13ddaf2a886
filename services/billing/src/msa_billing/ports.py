"""What the handlers and the HTTP API need from storage, bound to one transaction.

A ``Store`` hands out a ``Unit`` for the kit's session, so that state, inbox and outbox
commit together; with no session its repositories read outside any transaction (the HTTP
API). Adapters: Mongo (production) and memory (tests).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from msa_kit.day_store import Days

from msa_billing.domain.case_view import CaseView
from msa_billing.domain.entry import Entry
from msa_billing.domain.facts import Fact
from msa_billing.domain.invoices import Invoice

T = TypeVar("T")


class CaseViews(Protocol):
    async def get(self, case_id: str) -> CaseView | None: ...
    async def save(self, case: CaseView) -> None: ...


class Entries(Protocol):
    async def get(self, provider_id: str, entry_id: str) -> Entry | None: ...
    async def save(self, entry: Entry) -> None: ...
    async def held_for_case(self, case_id: str) -> list[Entry]: ...
    async def held_since_before(self, day: date) -> list[Entry]:
        """Held entries whose hold began on or before ``day``, in the order received."""
        ...

    async def uninvoiced(self, until_month: str) -> list[Entry]:
        """Accepted entries not yet on an invoice, of ``until_month`` and before."""
        ...

    async def uninvoiced_months(self) -> set[str]: ...
    async def of_invoice(self, number: str) -> list[Entry]:
        """The entries billed on an invoice, by line and service date."""
        ...


class Invoices(Protocol):
    async def get(self, number: str) -> Invoice | None: ...
    async def save(self, invoice: Invoice) -> None: ...
    async def find(self, provider_id: str | None, period: str | None) -> list[Invoice]: ...
    async def numbers(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The invoice number for each (provider, period) that has one."""
        ...


class Runs(Protocol):
    async def done(self) -> set[str]: ...
    async def record(self, period: str, on: date, numbers: list[str]) -> None: ...


class Counters(Protocol):
    async def reserve(self, name: str, count: int) -> int:
        """Take the next ``count`` numbers of a gapless sequence; returns the first."""
        ...


@dataclass(frozen=True)
class Unit:
    cases: CaseViews
    entries: Entries
    invoices: Invoices
    runs: Runs
    counters: Counters
    days: Days


@dataclass(frozen=True)
class BufferedUnit:
    """A transaction's repositories that may buffer: ``flush`` writes what they hold (before
    the commit), ``preload`` reads entries (by provider and entry id) and cases (by id) in
    bulk."""

    unit: Unit
    flush: Callable[[], Awaitable[None]]
    preload: Callable[[Iterable[tuple[str, str]], Iterable[str]], Awaitable[None]]


class RetentionRecords(Protocol):
    """What deletion periods read and change, straight in the store (written at once, not
    buffered: flush a buffered unit first)."""

    async def closed_on_or_before(self, day: date) -> list[str]:
        """Ids of the cases billing saw closed on or before ``day``."""
        ...

    async def entries_of(self, case_id: str) -> list[Entry]: ...
    async def invoices_with(self, case_id: str) -> list[Invoice]: ...
    async def issued_before(self, day: date) -> list[Invoice]: ...
    async def replace_entries(self, entries: list[Entry]) -> None: ...
    async def delete_entries(self, entries: list[Entry]) -> None: ...
    async def replace_invoice(self, invoice: Invoice) -> None: ...
    async def delete_invoice(self, number: str) -> None:
        """The invoice and the entries it billed."""
        ...

    async def delete_case(self, case_id: str) -> None: ...
    async def delete_rejected_before(self, day: date) -> int:
        """Delete rejected entries with a service date before ``day`` (they bill nothing);
        returns how many."""
        ...

    async def audit(self, record: dict[str, object]) -> None: ...


class Store(Protocol):
    def unit(self, session: Any) -> Unit: ...
    def retention(self, session: Any) -> RetentionRecords: ...
    def buffered_unit(self, session: Any) -> BufferedUnit: ...
    async def ensure_indexes(self) -> None: ...


Work = Callable[[Unit], Awaitable[tuple[T, list[Fact]]]]


class Commands(Protocol):
    """Runs a command (an HTTP request's work) in one transaction with its outbox records."""

    async def __call__(self, work: Work[T]) -> T: ...
