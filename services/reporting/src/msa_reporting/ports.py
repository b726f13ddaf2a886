"""What reporting's handlers and API need from storage. Adapters: Mongo (production, which
the replay also writes through in bulk) and memory (tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from pymongo.asynchronous.client_session import AsyncClientSession

from msa_reporting.domain.outcomes import MeasureOutcome
from msa_reporting.domain.projection import Figures
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.table import FigureTable, PublishedTable


class Store(Protocol):
    async def save_event(self, stored: Stored, session: AsyncClientSession | None) -> None:
        """Keep an input event once (by topic and event id), in the record's transaction."""
        ...

    async def anonymise(
        self, replacements: Mapping[str, str], session: AsyncClientSession | None
    ) -> int:
        """Swap the ids in every stored event that names one (single or archived in chunks);
        returns how many events changed."""
        ...

    def stream_events(
        self, after: Mapping[tuple[str, int], int] | None = None
    ) -> AsyncIterator[Stored]:
        """Stored events, each partition in offset order; with ``after`` (the last folded
        offset per topic and partition) only those past it."""
        ...

    async def save_figures(
        self, figures: Figures, now: datetime, session: AsyncClientSession | None,
        previous: Figures | None = None,
    ) -> None:  # fmt: skip
        """Replace the table documents that differ from ``previous`` (all without it)."""
        ...

    async def save_outcomes(
        self, outcomes: Iterable[MeasureOutcome], session: AsyncClientSession | None
    ) -> None: ...
    async def load_outcomes(self) -> dict[str, MeasureOutcome]: ...
    async def load_true(self) -> dict[str, FigureTable]: ...
    async def load_published(self) -> dict[str, PublishedTable]: ...
    async def meta(self) -> Mapping[str, Any]: ...
