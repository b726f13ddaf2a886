"""What every handler needs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from msa_kit.processing import Context

from msa_casework.domain.retention import Periods, Replacements
from msa_casework.domain.rules import Rules
from msa_casework.ports import Store, Unit


@dataclass(frozen=True)
class Deps:
    store: Store
    rules: Rules
    periods: Periods
    replacements: Replacements = field(default=lambda: random_replacements())

    def unit(self, ctx: Context) -> Unit:
        """Repositories inside the kit's transaction for this record."""
        return self.store.unit(ctx.session)


def random_replacements() -> tuple[str, str]:
    """A case id and a person ref that belong to nobody (64 random bits each)."""
    return f"C-{secrets.token_hex(8)}", f"P-{secrets.token_hex(8)}"
