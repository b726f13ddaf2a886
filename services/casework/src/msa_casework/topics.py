"""The topics casework consumes and produces (names as in the contracts' catalogue)."""

from __future__ import annotations

PERSONS = "msa.intake.persons"
CLOCK = "msa.clock"
CASES = "msa.casework.cases"


def assignments(provider_id: str) -> str:
    """The provider's inbound feed: its assignments and casework's answers."""
    return f"msa.provider.{provider_id}.assignments"


def reports(provider_id: str) -> str:
    """What the provider reports about its cases."""
    return f"msa.provider.{provider_id}.reports"
