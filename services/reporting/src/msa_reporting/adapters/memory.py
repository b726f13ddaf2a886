"""Reporting's store in memory, for tests: the same documents as in MongoDB, in dicts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from msa_reporting.adapters import documents as docs
from msa_reporting.domain.anonymise import replaced
from msa_reporting.domain.outcomes import MeasureOutcome
from msa_reporting.domain.projection import Figures
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.table import FigureTable, PublishedTable

Document = dict[str, Any]


@dataclass
class MemoryStore:
    events: dict[str, Document] = field(default_factory=dict)
    true: dict[str, Document] = field(default_factory=dict)
    published: dict[str, Document] = field(default_factory=dict)
    outcomes: dict[str, Document] = field(default_factory=dict)
    projection: Document = field(default_factory=dict)

    async def save_event(self, stored: Stored, session: AsyncClientSession | None) -> None:
        self.events.setdefault(stored.key, docs.event_doc(stored))

    async def anonymise(
        self, replacements: Mapping[str, str], session: AsyncClientSession | None
    ) -> int:
        changed = 0
        for key, doc in self.events.items():
            body = replaced(doc["body"].encode(), replacements).decode()
            if body != doc["body"]:
                self.events[key] = {**doc, "body": body}
                changed += 1
        return changed

    async def stream_events(
        self, after: Mapping[tuple[str, int], int] | None = None
    ) -> AsyncIterator[Stored]:
        last = after or {}
        for doc in sorted(self.events.values(), key=_position):
            past = doc["offset"] > last.get((doc["topic"], doc["partition"]), -1)
            if past and (stored := docs.stored_of(doc)) is not None:
                yield stored

    async def save_figures(
        self, figures: Figures, now: datetime, session: AsyncClientSession | None,
        previous: Figures | None = None,
    ) -> None:  # fmt: skip
        for name, table in figures.true.items():
            if previous is None or previous.true.get(name) != table:
                _put(self.true, docs.true_doc(table))
        for name, shown in figures.published.items():
            if previous is None or previous.published.get(name) != shown:
                _put(self.published, docs.published_doc(shown))
        self.projection = docs.meta_doc(figures, now)

    async def save_outcomes(
        self, outcomes: Iterable[MeasureOutcome], session: AsyncClientSession | None
    ) -> None:
        for outcome in outcomes:
            _put(self.outcomes, docs.outcome_doc(outcome))

    async def load_outcomes(self) -> dict[str, MeasureOutcome]:
        return {key: docs.outcome_of(d) for key, d in self.outcomes.items()}

    async def load_true(self) -> dict[str, FigureTable]:
        return {key: docs.true_table(d) for key, d in self.true.items()}

    async def load_published(self) -> dict[str, PublishedTable]:
        return {key: docs.published_table(d) for key, d in self.published.items()}

    async def meta(self) -> Mapping[str, Any]:
        return self.projection


def _put(collection: dict[str, Document], doc: Document) -> None:
    collection[doc["_id"]] = doc


def _position(doc: Document) -> tuple[str, int, int]:
    return doc["topic"], doc["partition"], doc["offset"]
