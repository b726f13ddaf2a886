"""What a decision produces for the outside: contract events and where they go."""

from __future__ import annotations

from dataclasses import dataclass

from msa_contracts.events import Event
from pydantic import BaseModel


class Cause(BaseModel):
    """The record an answer answers: its CloudEvents id and correlation id, and the trace
    its handling belonged to (W3C ``traceparent``/``tracestate``), which a later answer
    continues."""

    event_id: str
    correlation_id: str
    traceparent: str | None = None
    tracestate: str | None = None


@dataclass(frozen=True)
class Fact:
    """An event for ``provider_id``'s feedback topic and, if ``ledger``, the public ledger.

    ``cause`` is the record the event answers (an entry resolved later keeps answering the
    record that brought it); None means the record or command being handled.
    """

    event: Event
    provider_id: str | None
    ledger: bool
    cause: Cause | None = None
