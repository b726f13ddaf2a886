"""Reasons: a stable kebab-case code, a message for humans, and the field concerned."""

from __future__ import annotations

from msa_contracts.events import Reason


def reason(code: str, message: str, field: str | None = None) -> Reason:
    return Reason(code=code, message=message[:500], field=field)
