"""What every handler needs."""

from __future__ import annotations

from dataclasses import dataclass

from msa_kit.processing import Context

from msa_casework.domain.rules import Rules
from msa_casework.ports import Store, Unit


@dataclass(frozen=True)
class Deps:
    store: Store
    rules: Rules

    def unit(self, ctx: Context) -> Unit:
        """Repositories inside the kit's transaction for this record."""
        return self.store.unit(ctx.session)
