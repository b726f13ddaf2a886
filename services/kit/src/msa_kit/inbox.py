"""Idempotent inbox: the ids of processed records, written in the same transaction as the
state change, so a redelivered record is recognised and has no second effect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

INBOX = "inbox"


class AlreadyProcessed(Exception):
    """This record was processed before (or concurrently by another consumer)."""


class Inbox:
    """Processed-record ids, keyed by topic and CloudEvents id.

    Keying by topic keeps one provider from blocking another's events by reusing their ids.
    """

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._coll = db[INBOX]

    @staticmethod
    def key(topic: str, event_id: str) -> str:
        return f"{topic}/{event_id}"

    async def seen(self, topic: str, event_id: str, session: AsyncClientSession | None) -> bool:
        doc = await self._coll.find_one({"_id": self.key(topic, event_id)}, session=session)
        return doc is not None

    @staticmethod
    def position_key(topic: str, partition: int, offset: int, timestamp: int) -> str:
        """For records without a usable ce_id: '#' cannot follow the topic in an event key,
        and the timestamp tells a recreated topic's offsets apart."""
        return f"{topic}#{partition}/{offset}/{timestamp}"

    async def record(
        self, session: AsyncClientSession, topic: str, event_id: str | None, ce_type: str,
        now: datetime, *, position: str | None = None,
    ) -> None:  # fmt: skip
        """Record the id (or, for undecodable records, the position) inside the caller's
        transaction; raises AlreadyProcessed if present."""
        key = position if event_id is None and position else self.key(topic, event_id or "")
        try:
            await self._coll.insert_one({"_id": key, "type": ce_type, "at": now}, session=session)
        except DuplicateKeyError as exc:
            raise AlreadyProcessed(event_id) from exc
