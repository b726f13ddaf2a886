"""Deletion periods in reporting: the facts it keeps lose the case and the person, the figures
stay. When casework deletes a case file (``CaseFileExpired``) or billing anonymises a case's
hours (``HoursAnonymised``), every stored event naming the case or person gets the
replacement ids from the notice instead. The replacement is the same everywhere, so every
join (case to person, person to district and status, hours to case) still holds and each
figure is what it was; and it is as long as the id it replaces, so packed archives keep
their offsets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from msa_contracts.events import CaseFileExpired, Event, HoursAnonymised

Replacements = Mapping[str, str]
#: the worker of an hour entry: no figure reads it, and it goes with the case's other ids
WORKER = re.compile(rb'("worker_ref"\s*:\s*")([^"]*)(")')


def replacements_of(event: Event) -> dict[str, str]:
    """Original id to replacement, from a retention notice (empty for any other event)."""
    if isinstance(event, CaseFileExpired):
        return {event.case_id: event.replacement_case_id,
                event.person_ref: event.replacement_person_ref}  # fmt: skip
    if isinstance(event, HoursAnonymised):
        return {event.case_id: event.replacement_case_id}
    return {}


def replaced(body: bytes, replacements: Replacements) -> bytes:
    """``body`` with every replaced id swapped and, in a fact that named one, the worker
    masked; each change keeps the length (ids are fixed-length tokens), so nothing else in
    a packed archive moves."""
    changed = body
    for original, replacement in replacements.items():
        if len(original) != len(replacement):
            raise ValueError("a replacement must be as long as the id it replaces")
        changed = changed.replace(original.encode(), replacement.encode())
    if changed != body:
        changed = WORKER.sub(lambda m: m[1] + b"x" * len(m[2]) + m[3], changed)
    return changed
