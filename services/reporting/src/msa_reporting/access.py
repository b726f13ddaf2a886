"""Reporting's part of an access request. What reporting publishes is aggregated and
suppressed (no figure reveals fewer persons than the threshold), so it holds nothing about a
person there; it does keep the input events its figures are computed from, pseudonymous,
and names those that concern the person (their arrival and changes, their cases, hours and
invoice lines) with everything they carry."""

from __future__ import annotations

from typing import Any

from msa_contracts.events import AccessRequested, Event
from msa_kit.processing import Context

from msa_reporting.domain.stored import Stored
from msa_reporting.ports import Store

STATEMENT = (
    "Reporting publishes aggregated figures only: counts, sums and medians over groups of at "
    "least the suppression threshold, never a single person. It keeps the pseudonymous "
    "input events those figures are computed from; those about the person are listed here."
)


class StoredEventsAccess:
    """``msa_kit.access_requests.Collect`` over reporting's stored input events (two passes
    over them: the person's cases first, then every event naming the person or one of
    those cases)."""

    def __init__(self, store: Store, threshold: int) -> None:
        self._store = store
        self._threshold = threshold

    async def __call__(self, ctx: Context, request: AccessRequested) -> dict[str, Any]:
        ref = request.person_ref
        cases = {case_id async for s in self._store.stream_events() if (case_id := _opened(s, ref))}
        events = [_listed(s) async for s in self._store.stream_events() if _about(s, ref, cases)]
        return {
            "statement": STATEMENT, "suppression_threshold": self._threshold,
            "cases": sorted(cases), "events": events,
        }  # fmt: skip


def _opened(stored: Stored, ref: str) -> str | None:
    event = stored.event
    return getattr(event, "case_id", None) if getattr(event, "person_ref", None) == ref else None


def _about(stored: Stored, ref: str, cases: set[str]) -> bool:
    event: Event = stored.event
    if getattr(event, "person_ref", None) == ref or getattr(event, "case_id", None) in cases:
        return True
    lines = getattr(event, "lines", None) or []
    return any(getattr(line, "case_id", None) in cases for line in lines)


def _listed(stored: Stored) -> dict[str, Any]:
    return {
        "_id": stored.key, "type": stored.event.ce_type(), "event_id": stored.event_id,
        "topic": stored.topic, "partition": stored.partition, "offset": stored.offset,
        "body": stored.event.model_dump(mode="json"),
    }  # fmt: skip
