"""What every handler needs, and the typed access to the event it handles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from msa_contracts.events import Event
from msa_kit.processing import Context

from msa_casework.domain.errors import UnexpectedEventError
from msa_casework.domain.rules import Rules
from msa_casework.ports import Store, Unit

E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Deps:
    store: Store
    rules: Rules

    def unit(self, ctx: Context) -> Unit:
        """Repositories inside the kit's transaction for this record."""
        return self.store.unit(ctx.session)


def expect(ctx: Context, kind: type[E]) -> E:
    event = ctx.event
    if not isinstance(event, kind):
        raise UnexpectedEventError(f"expected {kind.__name__}, got {type(event).__name__}")
    return event
